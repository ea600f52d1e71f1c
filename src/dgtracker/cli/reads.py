"""What `status`, `candidates`, `show` and `remind` do once their arguments are known:
typer-free, so the typer commands (cli/reading.py, cli/reminders.py) and the light path
(cli/light.py) run the very same code."""

from dgtracker.cli.settings import Settings, read_record


def status(settings: Settings, json: bool) -> None:
    record, today = read_record(settings)
    if json:
        from dgtracker.out.json_contract import status_json
        from dgtracker.out.plain import print_json

        print_json(status_json(record, today))
        return
    from dgtracker.out.console import make_console
    from dgtracker.out.tables import render_status

    render_status(make_console(), record, today)


def candidates(settings: Settings, stage: str | None, active: bool, json: bool) -> None:
    from dgtracker.process.queries import select_candidates

    record, today = read_record(settings)
    chosen = select_candidates(record, stage=stage, active=active)
    if json:
        from dgtracker.out.json_contract import candidate_json
        from dgtracker.out.plain import print_json

        print_json([candidate_json(c, record, today) for c in chosen])
        return
    from dgtracker.out.console import make_console
    from dgtracker.out.tables import render_candidates

    render_candidates(make_console(), record, chosen, today)


def show(settings: Settings, candidate_id: str, json: bool) -> None:
    from dgtracker.process.candidate_actions import find_candidate

    record, today = read_record(settings)
    candidate = find_candidate(record, candidate_id)
    if json:
        from dgtracker.out.json_contract import candidate_detail_json
        from dgtracker.out.plain import print_json

        print_json(candidate_detail_json(candidate, record, today))
        return
    from dgtracker.out.console import make_console
    from dgtracker.out.tables import render_candidate

    render_candidate(make_console(), record, candidate, today)


def remind(settings: Settings, json: bool, within: int | None) -> None:
    """One record's reminders (not --all, not --sync)."""
    from dgtracker.app.reminders import due_reminders, reminders_json
    from dgtracker.out.plain import print_json, write

    record, today = read_record(settings)
    reminders = due_reminders(record, today, within=within)
    if json:
        print_json(reminders_json(reminders))
    elif reminders:
        write("".join(f"{reminder.message}\n" for reminder in reminders))
