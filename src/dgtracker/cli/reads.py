"""What `status`, `candidates`, `show` and `remind` do once their arguments are known:
typer-free, so the typer commands (cli/reading.py, cli/reminders.py) and the light path
(cli/light.py) run the very same code."""

from dgtracker.cli.settings import (
    Settings,
    read_list_view,
    read_panel_view,
    read_status,
    read_watched,
)


def status(settings: Settings, json: bool) -> None:
    """From the candidates' summaries (read_status): no candidate is built when the record's
    cache holds them."""
    record, summaries, today = read_status(settings)
    if json:
        from dgtracker.out.json_contract import status_json
        from dgtracker.out.plain import print_json

        print_json(status_json(record, today, summaries))
        return
    from dgtracker.out.status import print_status

    print_status(record, today, summaries)


def candidates(
    settings: Settings, stage: str | None, active: bool, json: bool, reveal: bool = False
) -> None:
    """By id only where the sift is name-blind, unless `reveal`. From the candidates'
    listings (read_list_view): no candidate is built when the record's cache holds them."""
    from dgtracker.process.queries import select_candidates

    view, listings, today = read_list_view(settings, reveal)
    record = view.record
    chosen = select_candidates(record, listings, stage=stage, active=active)
    if json:
        from dgtracker.out.json_contract import listed_json
        from dgtracker.out.plain import print_json

        print_json([listed_json(c, record, today, view) for c in chosen])
        return
    from dgtracker.out.candidate_list import render_candidates
    from dgtracker.out.terminal import list_console

    render_candidates(list_console(), record, chosen, today)


def show(settings: Settings, candidate_id: str, json: bool, reveal: bool = False) -> None:
    """By id only where the sift is name-blind, unless `reveal`."""
    from dgtracker.process.finding import find_candidate

    view, today = read_panel_view(settings, reveal)
    record = view.record
    candidate = find_candidate(record, candidate_id)
    if json:
        from dgtracker.out.json_contract import candidate_detail_json
        from dgtracker.out.plain import print_json

        print_json(candidate_detail_json(candidate, record, today, view))
        return
    from dgtracker.out.tables import render_candidate
    from dgtracker.out.terminal import rich_console

    render_candidate(rich_console(), record, candidate, today)


def remind(settings: Settings, json: bool, within: int | None) -> None:
    """One record's reminders (not --all, not --sync)."""
    from dgtracker.app.reminders import due_reminders, reminders_json
    from dgtracker.out.terminal import write

    record, watches, today = read_watched(settings)
    reminders = due_reminders(record, today, within=within, watches=watches)
    if json:
        from dgtracker.out.plain import print_json

        print_json(reminders_json(reminders))
    elif reminders:
        write("".join(f"{reminder.message}\n" for reminder in reminders))
