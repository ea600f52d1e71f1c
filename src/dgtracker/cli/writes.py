"""What `add-candidate` and a one-candidate `move` do once their arguments are known:
typer-free, so the typer commands (cli/candidates.py) and the light path (cli/light.py)
run the very same code, and a shared record's commit message is the same from both."""

from typing import TYPE_CHECKING

from dgtracker.cli.settings import Settings, change_record, optional_text, typed_date
from dgtracker.out.terminal import echo

if TYPE_CHECKING:
    from dgtracker.record.model import Candidate, Record


def add_candidate(
    settings: Settings,
    name: str,
    email: str | None = None,
    phone: str | None = None,
    source: str | None = None,
    applied: str | None = None,
    stage: str | None = None,
    note: str | None = None,
    reason: str | None = None,
    allow_duplicate_email: bool = False,
    disability_confident: bool = False,
    adjustments: str | None = None,
    json_output: bool = False,
    by: str | None = None,
) -> None:
    """Add a candidate; prints the new id (or the JSON contract's `added`)."""
    from dgtracker.process.candidate_actions import add_candidate as add
    from dgtracker.text import clean_field

    given = {  # the arguments as typed, by the typer command's names (the commit message)
        "name": name,
        "email": email,
        "phone": phone,
        "source": source,
        "applied": applied,
        "stage": stage,
        "note": note,
        "reason": reason,
        "allow_duplicate_email": allow_duplicate_email,
        "disability_confident": disability_confident,
        "adjustments": adjustments,
        "json_output": json_output,
        "by": by,
    }
    name = clean_field("name", name)
    email, phone = optional_text("email", email), optional_text("phone", phone)
    source, note = optional_text("source", source), optional_text("note", note)
    reason = optional_text("reason", reason)
    adjustments = optional_text("adjustments", adjustments)
    with change_record(settings, by, "add-candidate", given) as change:
        candidate = add(
            change.record,
            by=change.by,
            today=change.today,
            now=change.now,
            applied=typed_date(applied, change.today, "--applied") or change.today,
            stage=stage,
            allow_duplicate_email=allow_duplicate_email,
            name=name,
            email=email,
            phone=phone,
            source=source,
            note=note,
            reason=reason,
            disability_confident=disability_confident,
            adjustments=adjustments,
        )
    if json_output:
        from dgtracker.out.json_contract import added_json
        from dgtracker.out.plain import print_json

        print_json(added_json(candidate, change.record, change.today))
        return
    echo(candidate.id)


def move(
    settings: Settings,
    candidate_id: str,
    stage: str,
    on: str | None = None,
    note: str | None = None,
    reason: str | None = None,
    reinstate: bool = False,
    json_output: bool = False,
    by: str | None = None,
    rank: int | None = None,
) -> None:
    """One candidate's move (or new place on the reserve list, `rank`), and the line saying
    so (or the JSON contract's `moves`). The typer command checks `rank` (1 to 10,000) and
    runs a move of several people (process/bulk.py) itself."""
    from dgtracker.process.candidate_actions import move as move_candidate

    given = {  # as the typer command's arguments are named (the commit message)
        "ids_then_stage": [candidate_id, stage],
        "on": on,
        "note": note,
        "reason": reason,
        "rank": rank,
        "reinstate": reinstate,
        "from_stage": None,
        "leaving_out": None,
        "dry_run": False,
        "yes": False,
        "json_output": json_output,
        "by": by,
    }
    note, reason = optional_text("note", note), optional_text("reason", reason)
    with change_record(settings, by, "move", given) as change:
        candidate = move_candidate(
            change.record,
            candidate_id,
            stage,
            by=change.by,
            today=change.today,
            now=change.now,
            on=typed_date(on, change.today, "--on") or change.today,
            note=note,
            reason=reason,
            rank=rank,
            reinstate=reinstate,
        )
        said = _moved_one(change.record, candidate)  # said before the save
    if json_output:
        from dgtracker.out.json_contract import moves_json
        from dgtracker.out.plain import print_json

        print_json(moves_json([candidate], dry_run=False))
        return
    echo(said)


def _moved_one(record: "Record", candidate: "Candidate") -> str:
    """The line that says what one move did."""
    from dgtracker.dates import format_day
    from dgtracker.process.queries import stage_title
    from dgtracker.record.model import Action

    last = candidate.history[-1]
    if last.action == Action.EDITED:  # a new place on the reserve list
        return f"{candidate.id} is now place {candidate.rank} on the list."
    return (
        f"{candidate.id} moved from {stage_title(record, last.from_stage or '')} to "
        f"{stage_title(record, candidate.stage)} on {format_day(last.on)}."
    )
