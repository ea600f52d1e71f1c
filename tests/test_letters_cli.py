"""`mail`: letters as drafts a mail program opens, or sent through a real SMTP server, each
one logged on the person; templates, injection, the log's replay and its erasure."""

from __future__ import annotations

import email
import json
import socket
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from icalendar import Calendar
from tests.conftest import Cli, in_process
from tests.git_team import git, git_identity  # noqa: F401 (autouse: git, HOME)

ADA = "ada@example.org"


def _parsed(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _letters(cli: Cli, cid: str) -> list[dict]:
    return [e for e in cli.candidate(cid)["history"] if e["action"] == "letter"]


def _ada_with_a_slot(cli: Cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", ADA)
    cli.ok("add-candidate", "Bob Nomail")
    cli.ok("schedule", "c001", "interview", "2026-03-09 10:00", "--where", "Room 4")


def test_an_invitation_is_a_draft_with_the_slot_as_a_calendar_request(cli) -> None:
    _ada_with_a_slot(cli)
    folder = cli.path.parent / "mail"

    done = in_process("--file", str(cli.path), "--as-of", "2026-02-02", "mail", "invite", "c001")

    assert done.returncode == 0, done.stderr
    assert f"Wrote 1 letter(s) 'invite' to {folder}: c001." in done.stdout
    letter = folder / "c001-invite.eml"
    assert oct(letter.stat().st_mode & 0o777) == "0o600"  # personal data
    message = _parsed(letter)
    assert message["X-Unsent"] == "1"
    assert [a.addr_spec for a in message["To"].addresses] == [ADA]  # the candidate alone
    assert message["Cc"] is None and message["Bcc"] is None
    assert message["Subject"] == (
        "Invitation: Final interview for Director General for Technology, Digital and Data"
    )
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Dear Ada Lovelace," in text
    assert "Mon 9 Mar 2026" in text and "10:00" in text and "60 minutes" in text
    assert "Room 4" in text
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1 and parts[0].get_param("method") == "REQUEST"
    invitation = Calendar.from_ical(parts[0].get_payload(decode=True))
    assert invitation["METHOD"] == "REQUEST"
    (event,) = invitation.walk("VEVENT")
    exported = Calendar.from_ical(cli.ok("export", "ics", "--slots").encode())
    uids = [str(e["UID"]) for e in exported.walk("VEVENT") if str(e["UID"]).startswith("slot-")]
    assert uids == [str(event["UID"])]
    assert str(event["ATTENDEE"]) == f"mailto:{ADA}"

    # the log: on the person, in the file; not the body, not the address
    (logged,) = _letters(cli, "c001")
    assert logged["letter"] == "invite" and logged["sent"] is False
    assert logged["subject"] == message["Subject"]
    assert logged["by"] == "tester"
    assert "body" not in logged and ADA not in json.dumps(logged, default=str)
    shown = cli.ok("show", "c001")
    assert "letter 'invite' drafted" in shown

    # run again: not written twice, and said so
    before = letter.stat().st_mtime_ns
    again = cli.ok("mail", "invite", "c001")
    assert "Already had 'invite', skipped (--again writes again): c001." in again
    assert letter.stat().st_mtime_ns == before and len(_letters(cli, "c001")) == 1
    cli.ok("mail", "invite", "c001", "--again")
    assert len(_letters(cli, "c001")) == 2


def test_regrets_for_a_stage_write_one_letter_each_and_name_who_has_no_address(cli) -> None:
    for number in range(1, 5):
        email_args = ["--email", f"p{number}@example.org"] if number != 3 else []
        cli.ok("add-candidate", f"Person {number}", *email_args)
    cli.ok("move", "c001", "c002", "c003", "rejected", "--reason", "Sift")
    out = cli.ok("mail", "regret", "--stage", "rejected", "--json")
    result = json.loads(out)
    assert [one["id"] for one in result["letters"]] == ["c001", "c002"]
    assert result["no_address"] == ["c003"]
    files = sorted(p.name for p in (cli.path.parent / "mail").iterdir())
    assert files == ["c001-regret.eml", "c002-regret.eml"]
    for cid in ("c001", "c002"):
        (message,) = [_parsed(cli.path.parent / "mail" / f"{cid}-regret.eml")]
        assert [a.addr_spec for a in message["To"].addresses] == [f"p{cid[-1]}@example.org"]
    assert _letters(cli, "c003") == [] and _letters(cli, "c004") == []
    said = cli.ok("mail", "regret", "--stage", "rejected")
    assert "No email address, skipped: c003." in said


def test_dry_run_writes_nothing_and_logs_nothing(cli) -> None:
    _ada_with_a_slot(cli)
    before = cli.path.read_bytes()
    out = cli.ok("mail", "invite", "c001", "c002", "--dry-run")
    assert "Would write 1 letter(s) 'invite': c001. Nothing was written." in out
    assert "No email address, skipped: c002." in out
    assert cli.path.read_bytes() == before
    assert not (cli.path.parent / "mail").exists()


def test_a_team_template_overrides_the_bundled_one(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", ADA)
    team = cli.path.parent / "templates"
    team.mkdir()
    (team / "regret.md").write_text(
        "Subject: {{ campaign }}: our decision\nHello {{ name }}, from our own letter.\n",
        encoding="utf-8",
    )
    (team / "thanks.md").write_text("Subject: Thanks\nThank you, {{ name }}.\n", "utf-8")
    listed = cli.ok("mail", "templates")
    assert "regret           team (overrides bundled)" in listed
    assert "thanks           team" in listed and "invite           bundled" in listed
    cli.ok("mail", "regret", "c001")
    message = _parsed(cli.path.parent / "mail" / "c001-regret.eml")
    assert message["Subject"] == "Director General for Technology, Digital and Data: our decision"
    body = message.get_body(("plain",))
    assert body is not None
    assert body.get_content() == "Hello Ada Lovelace, from our own letter.\r\n"  # RFC 5322


def test_a_template_naming_an_unknown_field_is_refused_before_anything_is_written(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", ADA)
    team = cli.path.parent / "templates"
    team.mkdir()
    (team / "nosy.md").write_text("Subject: Hi {{ name }}\nYour phone: {{ phone }}\n", "utf-8")
    (team / "escape.md").write_text(
        "Subject: Hi\n{{ name.__class__.__mro__ }}\n", "utf-8"
    )  # the sandbox: no way out through an attribute
    before = cli.path.read_bytes()
    result = cli("mail", "nosy", "c001")
    assert result.exit_code == 1
    assert "names phone, which no letter has; nothing was written." in result.output
    assert "Fields: name, campaign" in result.output
    result = cli("mail", "escape", "c001")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert cli.path.read_bytes() == before
    assert not list((cli.path.parent / "mail").glob("*.eml"))


def test_a_line_break_in_a_header_is_refused_and_odd_names_are_written_as_text(cli) -> None:
    odd = "=?utf-8?q?Bcc:_evil@example.com?= <script>alert(1)</script> Zoë"
    cli.ok("add-candidate", odd, "--email", ADA)
    team = cli.path.parent / "templates"
    team.mkdir()
    (team / "inject.md").write_text(
        'Subject: Hello{{ "\\r\\nBcc: evil@example.com" }}\nBody\n', "utf-8"
    )
    result = cli("mail", "inject", "c001")
    assert result.exit_code == 1
    assert "would hold a line break, which would start a new header" in result.output
    assert _letters(cli, "c001") == []

    (team / "named.md").write_text("Subject: For {{ name }}\nDear {{ name }}\n", "utf-8")
    cli.ok("mail", "named", "c001")
    raw = (cli.path.parent / "mail" / "c001-named.eml").read_bytes()
    message = _parsed(cli.path.parent / "mail" / "c001-named.eml")
    assert [a.addr_spec for a in message["To"].addresses] == [ADA]
    assert message["To"].addresses[0].display_name == odd  # the name, as text
    assert message["Subject"] == f"For {odd}"
    assert message["Bcc"] is None
    assert b"<script>" not in raw.split(b"\r\n\r\n", 1)[0]  # headers hold it encoded


def test_the_log_replays_with_as_of_and_purge_leaves_no_address(cli) -> None:
    _ada_with_a_slot(cli)
    cli.ok("mail", "invite", "c001", as_of="2026-02-03")
    past = json.loads(cli.ok("show", "c001", "--json", as_of="2026-02-02"))
    assert [e for e in past["history"] if e["action"] == "letter"] == []
    now = json.loads(cli.ok("show", "c001", "--json", as_of="2026-02-03"))
    (entry,) = [e for e in now["history"] if e["action"] == "letter"]
    assert entry["letter"] == "invite" and entry["sent"] is False and entry["subject"]

    out = cli.ok("purge", "--candidate", "c001", as_of="2026-02-03")
    assert "c001  name, email, 1 note, 1 letter subject" in out  # field names, not values
    assert "Removed 1 letter(s) drafted to them" in out
    text = cli.path.read_text(encoding="utf-8")
    assert ADA not in text and "Ada" not in text and "Lovelace" not in text
    (entry,) = _letters(cli, "c001")
    assert entry["letter"] == "invite" and "subject" not in entry  # the template stays
    assert not (cli.path.parent / "mail" / "c001-invite.eml").exists()


def test_a_run_cut_short_is_finished_by_writing_only_the_missing_letters(cli) -> None:
    for number in range(1, 4):
        cli.ok("add-candidate", f"Person {number}", "--email", f"p{number}@example.org")
    cli.ok("move", "c001", "c002", "c003", "rejected", "--reason", "Sift")
    saved = cli.path.read_bytes()
    cli.ok("mail", "regret", "c001", "c002")
    folder = cli.path.parent / "mail"
    written = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    cli.path.write_bytes(saved)  # as if cut short after the letters, before the log's save

    out = cli.ok("mail", "regret", "--stage", "rejected")

    assert "Wrote 1 letter(s) 'regret'" in out and ": c003." in out
    assert "Already written by an earlier run, now logged: c001, c002." in out
    for name, stamp in written.items():
        assert (folder / name).stat().st_mtime_ns == stamp  # not written again
    assert all(len(_letters(cli, cid)) == 1 for cid in ("c001", "c002", "c003"))


def test_reserve_letters_give_the_place_and_expiry_and_skip_those_not_on_the_list(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", ADA)
    cli.ok("add-candidate", "Grace Hopper", "--email", "grace@example.org")
    cli.ok("move", "c001", "reserve", "--rank", "2")
    out = cli.ok("mail", "reserve", "c001", "c002")
    assert "c002 skipped: the letter needs their expires, rank, which they lack." in out
    body = _parsed(cli.path.parent / "mail" / "c001-reserve.eml").get_body(("plain",))
    assert body is not None
    assert "at place 2" in body.get_content()
    assert "Tue 2 Feb 2027" in body.get_content()  # 12 months on the list


# --- sending ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:  # a port with nothing behind it, for now
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


def _three_rejected(cli: Cli) -> None:
    for number in range(1, 4):
        cli.ok("add-candidate", f"Person {number}", "--email", f"p{number}@example.org")
    cli.ok("move", "c001", "c002", "c003", "rejected", "--reason", "Sift")


def test_send_delivers_exactly_the_messages_logged_as_sent(cli, smtp_server, monkeypatch) -> None:
    inbox, url = smtp_server
    _three_rejected(cli)
    inbox.refuse = {"p3@example.org"}
    monkeypatch.setenv("DGTRACKER_SMTP", url)
    monkeypatch.setenv("DGTRACKER_MAIL_FROM", "Campaign Team <team@example.gov.uk>")

    result = cli("mail", "regret", "--stage", "rejected", "--send")

    assert result.exit_code == 3
    assert "refused a message: 550 no such user here" in result.output
    delivered = sorted(str(m["To"].addresses[0].addr_spec) for m in inbox.messages)
    assert delivered == ["p1@example.org", "p2@example.org"]
    assert all(m["X-Unsent"] is None for m in inbox.messages)  # sent, not a draft
    assert all(m["From"].addresses[0].addr_spec == "team@example.gov.uk" for m in inbox.messages)
    sent = {cid for cid in ("c001", "c002", "c003") for e in _letters(cli, cid) if e["sent"]}
    assert sent == {"c001", "c002"}
    assert _letters(cli, "c003") == []
    assert not (cli.path.parent / "mail").exists()  # sending writes no drafts

    inbox.refuse = set()
    out = cli.ok("mail", "regret", "--stage", "rejected", "--send")
    assert "Sent 1 letter(s) 'regret': c003." in out
    assert "Already had 'regret', skipped (--again writes again): c001, c002." in out
    assert len(inbox.messages) == 3


def test_a_server_that_is_not_there_logs_nothing_as_sent(cli, monkeypatch) -> None:
    _three_rejected(cli)
    port = _free_port()
    monkeypatch.setenv("DGTRACKER_SMTP", f"smtp://127.0.0.1:{port}")
    before = cli.path.read_bytes()
    result = cli("mail", "regret", "c001", "--send", "--from", "team@example.gov.uk")
    assert result.exit_code == 3
    assert f"Could not reach the mail server smtp://127.0.0.1:{port}" in result.output
    assert cli.path.read_bytes() == before
    monkeypatch.delenv("DGTRACKER_SMTP")
    result = cli("mail", "regret", "c001", "--send", "--from", "team@example.gov.uk")
    assert result.exit_code == 3 and "DGTRACKER_SMTP is not set" in result.output


def test_a_shared_record_commits_the_log_by_id_and_never_the_letters(tmp_path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    cli = Cli(folder / "campaign.toml")
    cli.ok("init")
    cli.ok("share")
    cid = cli.ok("add-candidate", "Ada Lovelace", "--email", ADA).strip()
    cli.ok("mail", "regret", cid)
    assert (folder / "mail" / f"{cid}-regret.eml").exists()
    assert git(folder, "status", "--porcelain").stdout == ""  # mail/ ignored, log committed
    assert (
        git(folder, "log", "-1", "--format=%s").stdout.strip() == f"mail regret {cid} (by tester)"
    )
    tracked = git(folder, "ls-files").stdout.split()
    assert not any(name.startswith("mail/") for name in tracked)


def test_remind_names_those_not_told_their_outcome_after_five_working_days(cli) -> None:
    for number in range(1, 4):
        cli.ok("add-candidate", f"Person {number}", "--email", f"p{number}@example.org")
    cli.ok("move", "c001", "c002", "rejected", "--reason", "Sift")  # Mon 2 Feb 2026
    assert "told" not in cli.ok("remind", as_of="2026-02-09")  # a team that logs no letters

    cli.ok("mail", "regret", "c001")
    assert "told" not in cli.ok("remind", as_of="2026-02-06")  # four working days on
    digest = cli.ok("remind", "--within", "3", as_of="2026-02-06")
    assert (
        "c002 Person 2 should be told their outcome in 3 days "
        "(Not progressed since Mon 2 Feb 2026)" in digest
    )
    due = cli.ok("remind", as_of="2026-02-09")  # Mon 9 Feb: five working days on
    assert (
        "c002 Person 2 has not been told their outcome "
        "(Not progressed since Mon 2 Feb 2026): dgtracker mail" in due
    )
    assert "c001" not in due and "c003" not in due  # told; still in the process
    (untold,) = [r for r in json.loads(cli.ok("remind", "--json", as_of="2026-02-09"))
                 if r["kind"] == "untold"]  # fmt: skip
    assert untold["subject"] == "c002" and untold["due"] == "2026-02-09"

    cli.ok("mail", "regret", "c002", as_of="2026-02-09")
    assert "told" not in cli.ok("remind", as_of="2026-02-10")


def test_the_panel_report_shows_who_has_been_told_their_outcome(cli) -> None:
    for number in range(1, 4):
        cli.ok("add-candidate", f"Person {number}", "--email", f"p{number}@example.org")
    cli.ok("move", "c001", "c002", "rejected", "--reason", "Sift")
    cli.ok("mail", "regret", "c001", as_of="2026-02-03")
    page = cli.path.parent / "panel.html"
    cli.ok("report", "--for", "panel", "-o", str(page), as_of="2026-02-03")
    rows = {
        cid: row
        for row in page.read_text(encoding="utf-8").split("<tr>")
        for cid in ("c001", "c002", "c003")
        if f'data-label="Id">{cid}<' in row
    }
    assert '<td data-label="Told">Tue 3 Feb 2026</td>' in rows["c001"]
    assert '<td data-label="Told">not yet</td>' in rows["c002"]
    assert '<td data-label="Told"></td>' in rows["c003"]  # no outcome yet


def test_a_regret_gives_the_reason_only_where_the_stage_shares_it(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", ADA)
    cli.ok("add-candidate", "Grace Hopper", "--email", "grace@example.org")
    cli.ok("move", "c001", "rejected", "--reason", "The sift found less evidence of leadership.")
    cli.ok("move", "c002", "withdrawn", "--reason", "Took another post.")
    cli.ok("mail", "regret", "c001")
    kept_back = _parsed(cli.path.parent / "mail" / "c001-regret.eml").get_body(("plain",))
    assert kept_back is not None and "leadership" not in kept_back.get_content()

    text = cli.path.read_text(encoding="utf-8")
    shared = text.replace("needs_reason = true }", "needs_reason = true, share_reason = true }", 1)
    assert shared != text
    cli.path.write_text(shared, encoding="utf-8")
    assert cli.ok("check")  # a rule the record keeps
    cli.ok("mail", "regret", "c001", "c002", "--again")
    body = _parsed(cli.path.parent / "mail" / "c001-regret.eml").get_body(("plain",))
    assert body is not None
    assert "The sift found less evidence of leadership." in body.get_content()
    withdrawn = _parsed(cli.path.parent / "mail" / "c002-regret.eml").get_body(("plain",))
    assert withdrawn is not None and "another post" not in withdrawn.get_content()
    assert "share_reason = true" in cli.path.read_text(encoding="utf-8")  # kept by a save


def test_the_record_names_the_sender_when_no_option_does(cli, smtp_server, monkeypatch) -> None:
    inbox, url = smtp_server
    cli.ok("add-candidate", "Ada Lovelace", "--email", ADA)
    monkeypatch.setenv("DGTRACKER_SMTP", url)
    result = cli("mail", "withdrawn", "c001", "--send")
    assert result.exit_code == 1 and "Sending needs a sender." in result.output
    assert inbox.messages == [] and _letters(cli, "c001") == []
    with cli.path.open("a", encoding="utf-8") as record:
        record.write('\n[mail]\nfrom = "DG Campaign <dg-campaign@example.gov.uk>"\n')
    cli.ok("mail", "withdrawn", "c001", "--send")
    (message,) = inbox.messages
    assert message["From"].addresses[0].addr_spec == "dg-campaign@example.gov.uk"
    assert "[mail]" in cli.path.read_text(encoding="utf-8")  # kept by the save


def test_a_panel_pack_sends_each_member_with_an_email_the_agenda_and_the_report(cli) -> None:
    _ada_with_a_slot(cli)
    cli.ok("add-candidate", "Grace Hopper", "--email", "grace@example.org")
    cli.ok("schedule", "c003", "interview", "2026-03-09 11:30", "--minutes", "45")
    cli.ok("panel", "add", "Dame Sue Owen", "--role", "chair", "--email", "sue@example.gov.uk")
    cli.ok("panel", "add", "Raj Patel")
    members = json.loads(cli.ok("panel", "list", "--json"))
    assert [m["email"] for m in members] == ["sue@example.gov.uk", None]

    out = cli.ok("mail", "panel-pack", "--day", "2026-03-09")

    folder = cli.path.parent / "mail"
    assert f"Wrote 1 letter(s) 'panel-pack' to {folder}: panel-pack-2026-03-09-1." in out
    assert "No email address, skipped: Raj Patel." in out
    message = _parsed(folder / "panel-pack-2026-03-09-1.eml")
    assert [a.addr_spec for a in message["To"].addresses] == ["sue@example.gov.uk"]
    assert message["X-Unsent"] == "1"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "10:00–11:00  c001 Ada Lovelace: Final interview, Room 4" in text
    assert "11:30–12:15  c003 Grace Hopper: Final interview" in text
    (report,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/html"]
    assert report.get_filename() == "panel-report-2026-03-09.html"
    assert "Ada Lovelace" in report.get_content()
    assert all(e["action"] != "letter" for e in cli.candidate("c001")["history"])  # not logged

    again = cli.ok("mail", "panel-pack", "--day", "2026-03-09")
    assert "Already had 'panel-pack'" in again  # not written twice
    result = cli("mail", "panel-pack", "--day", "2026-03-10")
    assert result.exit_code == 1 and "No slots on Tue 10 Mar 2026" in result.output

    cli.ok("purge", "--candidate", "c003")  # the pack names everyone on the agenda
    assert not (folder / "panel-pack-2026-03-09-1.eml").exists()


def test_regrets_for_300_show_a_progress_bar_at_a_terminal_and_none_on_a_pipe(
    run, tmp_path
) -> None:
    from tests.test_bulk_cli import SMALL_IS_LONG, run_with_stderr_on_a_pty

    sheet = tmp_path / "applicants.csv"
    rows = [f"Person {n},person{n}@example.org" for n in range(1, 301)]
    sheet.write_text("name,email\n" + "\n".join(rows) + "\n", encoding="utf-8")
    terminal = {"TERM": "xterm-256color", "COLUMNS": "100", **SMALL_IS_LONG}
    base = ["--file", str(tmp_path / "campaign.toml"), "--as-of", "2026-02-02"]
    assert in_process(*base, "init").returncode == 0
    assert in_process(*base, "import", str(sheet)).returncode == 0
    moved = in_process(*base, "move", "--from", "applied", "rejected", "--reason", "Sift", "--yes")
    assert moved.returncode == 0, moved.stderr

    code, stdout, shown = run_with_stderr_on_a_pty([*base, "mail", "regret", "--stage",
                                                    "rejected"], terminal)  # fmt: skip
    assert code == 0 and "Wrote 300 letter(s) 'regret'" in stdout
    assert "Writing letters" in shown and "300/300" in shown, shown[-500:]
    assert len(list((tmp_path / "mail").glob("*-regret.eml"))) == 300

    piped = run(*base, "mail", "regret", "--stage", "rejected", "--again", env=terminal)
    assert piped.returncode == 0 and piped.stderr == ""
