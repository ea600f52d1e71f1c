"""The first paragraph of each command's help, for the list of commands in
`dgtracker --help`: generated from the commands themselves.

Regenerate with `python tests/test_help_table.py` after changing a command's help;
tests/test_help_table.py fails until this matches the commands, and checks that the help
is the same, at every width, as when every command is built to list it.
"""

COMMAND_HELP: dict[str, str] = {
    "where": "Print the path of the record in use.",
    "init": "Create a new record (the DHSC campaign by default).",
    "check": "Validate the record; list every problem (exit 3 if any), any merge conflict (exit "
    "1),\n"
    "and any erasure a merge kept over someone's changes (information only).",
    "status": "The dashboard: milestones, countdowns and pipeline.",
    "candidates": "List candidates (by id only where the sift is name-blind, unless --reveal).",
    "show": "One candidate, with their full history (by id only where the sift is name-blind).",
    "add-candidate": "Add a candidate; prints the new id.",
    "move": "Move one or more candidates to another stage (all of them, or none).",
    "note": "Add a note to a candidate's history.",
    "edit": "Correct a candidate's details; the history says which fields changed (and keeps\n"
    "the values they replace, until a purge).",
    "undo": "Undo a candidate's last change (a move, a new rank or an edit) with a compensating\n"
    "history entry; nothing is deleted.",
    "milestone": "List, add, complete and reschedule milestones.",
    "remind": "What needs attention today, most urgent first; prints nothing when nothing is due.",
    "cron": "Print a crontab line that runs `remind` for this record each weekday morning.",
    "import": "Add candidates from a spreadsheet (CSV, .xlsx or .ods): every row, or none if any "
    "is bad.",
    "export": "Write the record for calendars (ics), spreadsheets (csv, xlsx) or scripts (json).",
    "purge": "Anonymise personal data as the retention policy says (here and in backups).",
    "export-subject": "Everything held about one person, as JSON (a subject access request).",
    "monitoring": "A person's diversity monitoring answers (for the recruitment team only): "
    "record\n"
    "them, or print them.",
    "diversity": "Diversity by stage, where declared: counts under 5 suppressed, and any count "
    "that\n"
    "could be worked out from a total.",
    "criteria": "The criteria the panel marks against (Success Profiles), their scale and bar.",
    "panel": "The panel: its members, their roles and declared conflicts of interest.",
    "score": "Record a panel member's marks (or the agreed marks) for a candidate.",
    "merit": "The merit order from the panel's agreed marks: appointable candidates first.",
    "reserve": "Put the appointable candidates not appointed on the reserve list, in merit order.",
    "audit": "Check the competition against the Commission's rules (exit 1 if anything is found).",
    "schedule": "Book, move or cancel a candidate's interview or assessment slot.",
    "agenda": "A day's slots: time, candidate, assessment, where, and who sits on the panel.",
    "report": "The campaign report: timeline, funnel and candidates, as a self-contained HTML "
    "page.",
    "mail": "Write a letter to each candidate (one .eml per person, or sent), logged on each.",
    "blind": "The name-blind sift: candidates shown to the panel by id only until a stage.",
    "merge-file": "Merge two versions of a record by meaning (git's merge driver); exit 1 on a "
    "conflict\n"
    "or an input that breaks a rule (OURS is then left as it was).",
    "resolve": "Settle a conflict a merge left in the record, keeping one side's value.",
    "share": "Keep the record in its own git repository: merge driver, ignores, a commit per "
    "change.",
    "sync": "Fetch the team's changes, merge them by meaning, and send ours (a shared record).",
    "campaigns": "List every campaign in the folder (--dir): next milestone, countdown and "
    "pipeline.",
    "completion": "Print the shell completion script for dgtracker (add it to your shell's "
    "start-up).",
    "docs": "Print one of dgtracker's reference pages, or list them.",
}
