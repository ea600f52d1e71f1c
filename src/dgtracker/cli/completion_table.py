"""What shell completion needs of every command: generated from the typer app.

Regenerate with `python tests/test_quick_completion.py` after changing a command's name,
options or help; tests/test_quick_completion.py fails until this matches the app.
Each path ("" for dgtracker itself, "milestone done" for a subcommand) has its options
(names, help, whether it takes a value, whether it may be repeated), its subcommands
(name, short help) when it is a group, and how many arguments it takes (-1: typer answers).
"""

# ruff: noqa: E501 (help lines are kept whole, as the app declares them)

from typing import NamedTuple


class Node(NamedTuple):
    options: tuple[tuple[tuple[str, ...], str | None, bool, bool], ...]
    commands: tuple[tuple[str, str], ...] | None
    arguments: int


# -h and --help: click lists them in the order of a set made from this list (which changes
# with the hash seed), so the table keeps the list and cli/quick_completion.py makes the set.
HELP_OPTION_NAMES = ("-h", "--help")

TABLE: dict[str, Node] = {
    "": Node(
        options=(
            (
                ("--file", "-f"),
                "The record to use (default: data/campaign.toml here).",
                True,
                False,
            ),
            (
                ("--dir",),
                "A folder of records, for campaigns, remind --all and cron --all.",
                True,
                False,
            ),
            (("--as-of",), "Act as if today were this date (for example 2026-02-02).", True, False),
            (("--version", "-V"), "Print the version and exit.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=(
            ("where", "Print the path of the record in use."),
            ("init", "Create a new record (the DHSC campaign by..."),
            ("check", "Validate the record; list every problem..."),
            ("status", "The dashboard: milestones, countdowns and..."),
            ("candidates", "List candidates (by id only where the sift..."),
            ("show", "One candidate, with their full history (by..."),
            ("add-candidate", "Add a candidate; prints the new id."),
            ("move", "Move one or more candidates to another..."),
            ("note", "Add a note to a candidate's history."),
            ("edit", "Correct a candidate's details; the history..."),
            ("undo", "Undo a candidate's last change (a move, a..."),
            ("milestone", "List, add, complete and reschedule..."),
            ("remind", "What needs attention today, most urgent..."),
            ("cron", "Print a crontab line that runs `remind`..."),
            ("import", "Add candidates from a spreadsheet (CSV,..."),
            ("export", "Write the record for calendars (ics),..."),
            ("purge", "Anonymise personal data as the retention..."),
            ("export-subject", "Everything held about one person, as JSON..."),
            ("monitoring", "A person's diversity monitoring answers..."),
            ("diversity", "Diversity by stage, where declared: counts..."),
            ("criteria", "The criteria the panel marks against..."),
            ("panel", "The panel: its members, their roles and..."),
            ("score", "Record a panel member's marks (or the..."),
            ("merit", "The merit order from the panel's agreed..."),
            ("reserve", "Put the appointable candidates not..."),
            ("audit", "Check the competition against the..."),
            ("schedule", "Book, move or cancel a candidate's..."),
            ("agenda", "A day's slots: time, candidate,..."),
            ("report", "The campaign report: timeline, funnel and..."),
            ("mail", "Write a letter to each candidate (one .eml..."),
            ("blind", "The name-blind sift: candidates shown to..."),
            ("merge-file", "Merge two versions of a record by meaning..."),
            ("resolve", "Settle a conflict a merge left in the..."),
            ("share", "Keep the record in its own git repository:..."),
            ("sync", "Fetch the team's changes, merge them by..."),
            ("campaigns", "List every campaign in the folder (--dir):..."),
            ("completion", "Print the shell completion script for..."),
            ("docs", "Print one of dgtracker's reference pages,..."),
        ),
        arguments=0,
    ),
    "where": Node(
        options=((("-h", "--help"), "Show this message and exit.", False, False),),
        commands=None,
        arguments=0,
    ),
    "init": Node(
        options=(
            (
                ("--title",),
                "Another campaign's title (default: the DHSC Director General campaign).",
                True,
                False,
            ),
            (("--closes",), "Closing date for applications (with --title).", True, False),
            (("--organisation",), "Organisation (with --title).", True, False),
            (("--force",), "Replace an existing record, keeping a backup.", False, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "check": Node(
        options=(
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "status": Node(
        options=(
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "candidates": Node(
        options=(
            (("--stage",), "Only candidates at this stage.", True, False),
            (("--active",), "Only candidates still in the process.", False, False),
            (
                ("--reveal",),
                "Show the names the name-blind sift hides (for the recruitment team, not the panel).",
                False,
                False,
            ),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "show": Node(
        options=(
            (
                ("--reveal",),
                "Show the names the name-blind sift hides (for the recruitment team, not the panel).",
                False,
                False,
            ),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "add-candidate": Node(
        options=(
            (("--email",), "Email address (one a candidate).", True, False),
            (("--phone",), "Phone number, as written.", True, False),
            (("--source",), "Where they came from (advert, search firm, …).", True, False),
            (("--applied",), "Date they applied (default: today).", True, False),
            (("--stage",), "Starting stage (default: the first).", True, False),
            (("--note",), "A first note.", True, False),
            (
                ("--reason",),
                "Why they start at --stage (needed for rejected and withdrawn).",
                True,
                False,
            ),
            (
                ("--allow-duplicate-email",),
                "Add even if another candidate has this email.",
                False,
                False,
            ),
            (
                ("--disability-confident", "--no-disability-confident"),
                "They opted in to the Disability Confident scheme (an interview if they meet the minimum criteria).",
                False,
                False,
            ),
            (
                ("--adjustments",),
                "Reasonable adjustments they asked for (shown by `show` only).",
                True,
                False,
            ),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "move": Node(
        options=(
            (("--on",), "When it happened (default: today).", True, False),
            (("--note",), "A note kept with the move.", True, False),
            (("--reason",), "Why (needed for rejected and withdrawn).", True, False),
            (("--rank",), "Place in merit order on the reserve list.", True, False),
            (("--reinstate",), "Confirm moving someone out of an outcome.", False, False),
            (("--from",), "Move everyone now at this stage (instead of naming ids).", True, False),
            (("--except",), "With --from: leave these people where they are.", True, True),
            (("--dry-run",), "Show who would move; change nothing.", False, False),
            (("--yes",), "Confirm a --from selection of more than 10.", False, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=-1,
    ),
    "note": Node(
        options=(
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=2,
    ),
    "edit": Node(
        options=(
            (("--name",), "The corrected name.", True, False),
            (("--email",), 'The corrected email ("" to clear).', True, False),
            (("--phone",), 'The corrected phone ("" to clear).', True, False),
            (("--source",), 'The corrected source ("" to clear).', True, False),
            (("--applied",), "The corrected date they applied.", True, False),
            (
                ("--disability-confident", "--no-disability-confident"),
                "Whether they opted in to the Disability Confident scheme.",
                False,
                False,
            ),
            (
                ("--adjustments",),
                'The reasonable adjustments they asked for ("" to clear).',
                True,
                False,
            ),
            (("--reason",), "Why.", True, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "undo": Node(
        options=(
            (("--reason",), "Why it is undone (kept in the history).", True, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "milestone": Node(
        options=((("-h", "--help"), "Show this message and exit.", False, False),),
        commands=(
            ("list", "Every milestone with its date or window..."),
            ("add", "Add a milestone."),
            ("done", "Mark a milestone done."),
            ("reschedule", "Move a milestone to a new date or window..."),
            ("reopen", "Mark a milestone not done again (kept in..."),
            ("rename", "Give a milestone a new title (the old one..."),
            ("remove", "Remove a milestone: it stays in the..."),
        ),
        arguments=0,
    ),
    "milestone list": Node(
        options=(
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "milestone add": Node(
        options=(
            (("--id",), "Id (default: made from the title).", True, False),
            (
                ("--remind",),
                "Reminder days before, comma-separated (default 14,7,3,1,0).",
                True,
                False,
            ),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=2,
    ),
    "milestone done": Node(
        options=(
            (("--on",), "When it was done (default: today).", True, False),
            (("--early",), "Confirm it was done before its date or window starts.", False, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "milestone reschedule": Node(
        options=(
            (("--reason",), "Why it moved.", True, False),
            (
                ("--reopen",),
                "Also mark it not done (it is to happen on the new date).",
                False,
                False,
            ),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=2,
    ),
    "milestone reopen": Node(
        options=(
            (("--reason",), "Why.", True, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "milestone rename": Node(
        options=(
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=2,
    ),
    "milestone remove": Node(
        options=(
            (("--reason",), "Why it is removed (kept in its history).", True, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "remind": Node(
        options=(
            (("--json",), "Print JSON (the documented contract) instead of lines.", False, False),
            (
                ("--within",),
                "List everything due in the next DAYS days (a digest), not only today's.",
                True,
                False,
            ),
            (
                ("--all",),
                "One digest for every campaign in the folder (--dir), each line named.",
                False,
                False,
            ),
            (
                ("--sync",),
                "Bring in the team's latest first (a shared record); offline, remind from this copy.",
                False,
                False,
            ),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "cron": Node(
        options=(
            (("--at",), "Time of day to run, Monday to Friday (system time).", True, False),
            (("--all",), "One line for every campaign in the folder (--dir).", False, False),
            (
                ("--windows",),
                "Print the schtasks command (for cmd.exe) that makes a Task Scheduler task instead.",
                False,
                False,
            ),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "import": Node(
        options=(
            (("--dry-run",), "Show every field it would store; change nothing.", False, False),
            (
                ("--update",),
                "Update candidates whose email is already in the record.",
                False,
                False,
            ),
            (
                ("--map",),
                'Say what a column holds, e.g. --map "Date Submitted=applied"; "HEADING=-" leaves it out. Repeatable.',
                True,
                True,
            ),
            (
                ("--encoding",),
                "The text file's encoding (utf-8, utf-16, cp1252…); detected when left out.",
                True,
                False,
            ),
            (("--all",), "With --dry-run: list every row, not the first few.", False, False),
            (("--max-mb",), "Refuse a file larger than this (megabytes).", True, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "export": Node(
        options=((("-h", "--help"), "Show this message and exit.", False, False),),
        commands=(
            ("ics", "Milestones as calendar events (iCalendar),..."),
            ("csv", "Candidates as a spreadsheet (CSV, UTF-8),..."),
            ("xlsx", "Candidates as an Excel workbook (.xlsx):..."),
            ("json", "The whole record as JSON (the documented..."),
        ),
        arguments=0,
    ),
    "export ics": Node(
        options=(
            (
                ("--output", "-o"),
                "Write to this file (created with mode 0600) instead of standard output.",
                True,
                False,
            ),
            (("--force",), "Replace PATH if it already exists.", False, False),
            (("--slots",), "Add candidates' slots (titled by candidate id).", False, False),
            (("--with-names",), "Name candidates in slot titles too.", False, False),
            (
                ("--alarms",),
                "one: a single alarm before each event (Outlook takes no more); all: one for each reminder day; none.",
                True,
                False,
            ),
            (
                ("--reveal",),
                "Show the names the name-blind sift hides (for the recruitment team, not the panel).",
                False,
                False,
            ),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "export csv": Node(
        options=(
            (
                ("--output", "-o"),
                "Write to this file (created with mode 0600) instead of standard output.",
                True,
                False,
            ),
            (("--force",), "Replace PATH if it already exists.", False, False),
            (("--bom", "--no-bom"), "Start with the byte-order mark Excel needs.", False, False),
            (
                ("--reveal",),
                "Show the names the name-blind sift hides (for the recruitment team, not the panel).",
                False,
                False,
            ),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "export xlsx": Node(
        options=(
            (
                ("--output", "-o"),
                "Write to this file (created with mode 0600) instead of standard output.",
                True,
                False,
            ),
            (("--force",), "Replace PATH if it already exists.", False, False),
            (
                ("--reveal",),
                "Show the names the name-blind sift hides (for the recruitment team, not the panel).",
                False,
                False,
            ),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "export json": Node(
        options=(
            (
                ("--output", "-o"),
                "Write to this file (created with mode 0600) instead of standard output.",
                True,
                False,
            ),
            (("--force",), "Replace PATH if it already exists.", False, False),
            (
                ("--reveal",),
                "Show the names the name-blind sift hides (for the recruitment team, not the panel).",
                False,
                False,
            ),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "purge": Node(
        options=(
            (("--dry-run",), "List what would be removed; change nothing.", False, False),
            (
                ("--candidate",),
                "Erase this person's data now, on request, whatever the dates.",
                True,
                False,
            ),
            (
                ("--rewrite-history",),
                "A shared record: rewrite every git commit to hold the erased people as erased, and push with a lease.",
                False,
                False,
            ),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "export-subject": Node(
        options=(
            (
                ("--output", "-o"),
                "Write to this file (created with mode 0600) instead of standard output.",
                True,
                False,
            ),
            (("--force",), "Replace PATH if it already exists.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "monitoring": Node(
        options=(
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=-1,
    ),
    "diversity": Node(
        options=(
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "criteria": Node(
        options=((("-h", "--help"), "Show this message and exit.", False, False),),
        commands=(
            ("add", "Add a criterion."),
            ("list", "List the criteria."),
            ("change", "Change a criterion (once marked, only what..."),
            ("remove", "Remove a criterion that has no marks."),
        ),
        arguments=0,
    ),
    "criteria add": Node(
        options=(
            (("--kind",), "behaviour, experience, technical, strength or ability.", True, False),
            (
                ("--scale",),
                "The marks (default 1-7), or 'frame': the Commission's grades A, B, B/C, C, D, E.",
                True,
                False,
            ),
            (("--bar",), "The mark to meet (default 4).", True, False),
            (("--assess",), "The stages at which it is marked (stage ids).", True, False),
            (("--weight",), "Weight in the total (default 1).", True, False),
            (("--lead",), "Break ties in merit order.", False, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=2,
    ),
    "criteria list": Node(
        options=(
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "criteria change": Node(
        options=(
            (("--title",), "A new title.", True, False),
            (
                ("--kind",),
                "A new kind (behaviour, experience, technical, strength, ability).",
                True,
                False,
            ),
            (
                ("--scale",),
                "The marks (default 1-7), or 'frame': the Commission's grades A, B, B/C, C, D, E.",
                True,
                False,
            ),
            (("--bar",), "The mark to meet (default 4).", True, False),
            (("--assess",), "The stages at which it is marked (stage ids).", True, False),
            (("--weight",), "Weight in the total (default 1).", True, False),
            (("--lead", "--no-lead"), "Break ties.", False, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "criteria remove": Node(
        options=(
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "panel": Node(
        options=((("-h", "--help"), "Show this message and exit.", False, False),),
        commands=(
            ("add", "Add a panel member."),
            ("list", "List the panel, with declared conflicts."),
            ("conflict", "Declare a member's conflict of interest..."),
        ),
        arguments=0,
    ),
    "panel add": Node(
        options=(
            (
                ("--role",),
                "chair (the Commissioner), member, independent or adviser (no marks).",
                True,
                False,
            ),
            (
                ("--commissioner",),
                "A Civil Service Commissioner (who chairs SCS3 external).",
                False,
                False,
            ),
            (("--email",), "Their email, for the panel pack (mail panel-pack).", True, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "panel list": Node(
        options=(
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "panel conflict": Node(
        options=(
            (("--note",), "The conflict, as declared.", True, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=2,
    ),
    "score": Node(
        options=(
            (("--member",), "The panel member marking.", True, False),
            (("--agreed",), "The panel's agreed (moderated) marks.", False, False),
            (("--evidence",), "The evidence behind the marks.", True, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=-1,
    ),
    "merit": Node(
        options=(
            (
                ("--reveal",),
                "Show the names the name-blind sift hides (for the recruitment team, not the panel).",
                False,
                False,
            ),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "reserve": Node(
        options=(
            (("--from-merit",), "Build the reserve list from the merit order.", False, False),
            (("--dry-run",), "Show the plan; change nothing.", False, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "audit": Node(
        options=(
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "schedule": Node(
        options=(
            (("--minutes",), "How long it lasts.", True, False),
            (("--where",), "The room or call link.", True, False),
            (("--allow-overlap",), "Book even if it overlaps another slot.", False, False),
            (("--cancel",), "Cancel the slot (kept, sent as cancelled).", False, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=3,
    ),
    "agenda": Node(
        options=(
            (
                ("--reveal",),
                "Show the names the name-blind sift hides (for the recruitment team, not the panel).",
                False,
                False,
            ),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "report": Node(
        options=(
            (
                ("--output", "-o"),
                "Write to this file (created with mode 0600) instead of standard output.",
                True,
                False,
            ),
            (
                ("--for",),
                "panel: with the candidates' names; commission: the competition record, by candidate id only, with the change trail.",
                True,
                False,
            ),
            (("--force",), "Replace PATH if it already exists.", False, False),
            (
                ("--pdf",),
                "Also print the page to this PDF file, through a headless Chromium, Chrome or Edge.",
                True,
                False,
            ),
            (
                ("--browser",),
                "The Chrome, Edge or Chromium that prints --pdf (else $DGTRACKER_BROWSER, PATH, then where each system installs them).",
                True,
                False,
            ),
            (
                ("--reveal",),
                "Show the names the name-blind sift hides (for the recruitment team, not the panel).",
                False,
                False,
            ),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "mail": Node(
        options=(
            (("--stage",), "Write to everyone now at this stage (instead of ids).", True, False),
            (("--since",), "With --stage: only those who entered it on or after.", True, False),
            (
                ("--output", "-o"),
                "The folder for the .eml files (default: mail/ beside the record).",
                True,
                False,
            ),
            (("--dry-run",), "Say who would get the letter; write nothing.", False, False),
            (("--again",), "Write to people who already had this letter.", False, False),
            (("--send",), "Send through $DGTRACKER_SMTP instead of drafting.", False, False),
            (("--from",), "The sender (default: $DGTRACKER_MAIL_FROM).", True, False),
            (
                ("--day",),
                "With panel-pack: the day whose agenda it sends (default: today).",
                True,
                False,
            ),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=-1,
    ),
    "blind": Node(
        options=(
            (
                ("--until",),
                "Show candidates to the panel by id only until they reach this stage.",
                True,
                False,
            ),
            (("--off",), "End the name-blind sift: names show to everyone.", False, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "merge-file": Node(
        options=((("-h", "--help"), "Show this message and exit.", False, False),),
        commands=None,
        arguments=4,
    ),
    "resolve": Node(
        options=(
            (("--ours",), "Keep our copy's value.", False, False),
            (("--theirs",), "Keep the other copy's value.", False, False),
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("--by",), "Who made the change (default: your user name).", True, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=1,
    ),
    "share": Node(
        options=((("-h", "--help"), "Show this message and exit.", False, False),),
        commands=None,
        arguments=0,
    ),
    "sync": Node(
        options=((("-h", "--help"), "Show this message and exit.", False, False),),
        commands=None,
        arguments=0,
    ),
    "campaigns": Node(
        options=(
            (("--json",), "Print JSON (the documented contract) instead of a table.", False, False),
            (("-h", "--help"), "Show this message and exit.", False, False),
        ),
        commands=None,
        arguments=0,
    ),
    "completion": Node(
        options=((("-h", "--help"), "Show this message and exit.", False, False),),
        commands=None,
        arguments=1,
    ),
    "docs": Node(
        options=((("-h", "--help"), "Show this message and exit.", False, False),),
        commands=None,
        arguments=1,
    ),
}
