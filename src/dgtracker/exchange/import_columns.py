"""Which column of an imported spreadsheet is which: the headings recognised, `--map`, and
a refusal to guess when a column of dates would be left out.

Pure logic over the heading row (exchange/sheet_files.py reads the file; exchange/sheet_import.py
the rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dgtracker.date_input import parse_cell_date
from dgtracker.errors import Refused
from dgtracker.exchange.sheet_export import EXPORT_COLUMNS
from dgtracker.exchange.sheet_files import Table, dates_in

# Heading names, compared lower-case with everything but letters and digits removed.
# "mobile" is a second phone column: used when the phone is empty, else kept as a note.
_HEADINGS = {
    "name": ("name", "fullname", "candidatename", "applicantname", "candidate", "applicant"),
    "first_name": ("firstname", "forename", "forenames", "givenname", "first"),
    "last_name": ("lastname", "surname", "familyname", "last"),
    "email": ("email", "emailaddress", "contactemail", "contactemailaddress", "personalemail"),
    "phone": (
        "phone", "telephone", "phonenumber", "telephonenumber", "tel", "contactnumber",
        "contacttelephone", "contacttelephonenumber", "contactphone", "contactphonenumber",
        "telephoneno", "phoneno", "daytimetelephone", "homephone", "workphone",
    ),
    "mobile": ("mobile", "mobilenumber", "mobilephone", "mobileno", "mobiletelephone", "cell"),
    "source": ("source", "jobboard", "advertsource", "channel", "referralsource"),
    "applied": (
        "applied", "dateapplied", "applieddate", "applicationdate", "appliedon",
        "datesubmitted", "submitted", "submitteddate", "submissiondate", "submittedon",
        "applicationsubmitted", "applicationsubmitteddate", "datereceived", "received",
        "applicationreceived", "applicationreceiveddate", "dateofapplication",
    ),
    "stage": ("stage",),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
    "reason": ("reason", "outcomereason"),  # needed for a stage that needs one
    "id": ("id", "candidateid"),  # with --update only
}  # fmt: skip
_UPDATE_ONLY = frozenset({"id"})
_FIELD_OF = {alias: name for name, aliases in _HEADINGS.items() for alias in aliases}
FIELDS = ("name", "first_name", "last_name", "email", "phone", "mobile", "source", "applied",
          "stage", "notes", "id", "reason")  # fmt: skip
IGNORE = "-"  # --map "Heading=-": leave a column out on purpose


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """--map "Date Submitted=applied" options as {heading: field (or IGNORE)}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        heading, sep, wanted = pair.rpartition("=")
        wanted = wanted.strip().casefold().replace(" ", "_")
        if not sep or not heading.strip() or (wanted not in FIELDS and wanted != IGNORE):
            raise Refused(
                f"--map '{pair}' should be 'Column heading=field'.",
                hint=f"Fields: {', '.join(FIELDS)}; or '-' to leave the column out.",
            )
        mapping[heading.strip()] = wanted
    return mapping


def heading_key(heading: str) -> str:
    return re.sub(r"[^a-z0-9]", "", heading.casefold())


@dataclass(frozen=True, slots=True)
class Columns:
    """Which column holds each field; headings that are not recognised are ignored."""

    index: dict[str, int]
    ignored: list[str]
    width: int  # how many columns the first line names

    def named(self, header: list[str]) -> dict[str, str]:
        return {wanted: header[position].strip() for wanted, position in self.index.items()}


def refuse_dates_left_out(table: Table, columns: Columns, name: str, today: date) -> None:
    """Stop when a column of dates is left out and no column gives the applied date: an
    applied date must never be guessed. Once one does, other dates ("Last Updated") are
    only columns not imported."""
    if "applied" in columns.index:
        return
    # Our own export's "last change" and "outcome date" are known, and not for import.
    own = {heading_key(heading) for heading in EXPORT_COLUMNS}
    unknown = [heading for heading in columns.ignored if heading_key(heading) not in own]
    left_out = dates_in(table, unknown, lambda cell: parse_cell_date(cell, today))
    if not left_out:
        return
    first = left_out[0]
    raise Refused(
        f"{name}: column(s) {', '.join(repr(h) for h in left_out)} hold dates but are not "
        "imported. Without a date column every candidate would get today as their applied "
        "date.",
        hint=f'Say what it holds with --map "{first}=applied", or leave it out with '
        f'--map "{first}=-". Nothing was imported.',
    )


def map_columns(
    header: list[str], name: str, mapping: dict[str, str] | None = None, update: bool = False
) -> Columns:
    index: dict[str, int] = {}
    ignored: list[str] = []
    by_key = {heading_key(heading): wanted for heading, wanted in (mapping or {}).items()}
    unused = {heading_key(heading): heading for heading in mapping or {}}
    for position, heading in enumerate(header):
        key = heading_key(heading)
        unused.pop(key, None)
        found = by_key.get(key, _FIELD_OF.get(key))
        if found in _UPDATE_ONLY and not update:
            found = None
        if found is None or found == IGNORE:
            if heading.strip() and found is None:
                ignored.append(heading.strip())
            continue
        if found in index:
            raise Refused(
                f"{name}: two columns give the {found.replace('_', ' ')} "
                f"('{header[index[found]]}' and '{heading}').",
                hint=f'Leave one out with --map "{heading.strip()}=-".',
            )
        index[found] = position
    if unused:
        headings = ", ".join(f"'{heading}'" for heading in unused.values())
        raise Refused(
            f"{name}: --map names a column the file does not have ({headings}).",
            hint=f"The columns are: {', '.join(h.strip() for h in header if h.strip())}.",
        )
    named = "name" in index or {"first_name", "last_name"} <= index.keys()
    if not named and not (update and index.keys() & {"id", "email"}):
        raise Refused(
            f"{name}: no column for the candidate's name.",
            hint="Name a column 'name' or 'full name' (or 'first name' and 'last name'), or "
            'say which it is with --map "Heading=name". Also recognised: email, phone, '
            "mobile, source, applied (date applied, date submitted), stage, reason, notes. "
            "With --update, rows may name people by id or email alone.",
        )
    return Columns(index, ignored, len(header))
