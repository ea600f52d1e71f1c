"""An erasure reaches every copy of the person the tool holds: mentions of them in other
candidates' text, milestones and the panel's notes, conflicts waiting about them, backups
and git's merge leftovers; and the Commission's page names no candidate in any form."""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import Cli
from tests.git_team import git, git_identity  # noqa: F401 (autouse: git, HOME)

# Charlotte Brontë, first added under her pen name: every form that must go.
FORMS = (
    "charlotte bronte",
    "bronte",
    "currer bell",
    "currer",
    "charlotte@haworth.example",
    "1535 640000",
    "1535640000",
)


def _folded(text: str) -> str:
    """As the forms are written: case-folded, accents off, spaces single."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain)


def _left(path: Path) -> list[str]:
    """The forms of the person still in a file's bytes (TOML escapes read back)."""
    raw = path.read_bytes().decode("utf-8")
    texts = [raw, json.dumps(tomllib.loads(raw), default=str, ensure_ascii=False)]
    return [form for form in FORMS for text in texts if form in _folded(text)]


def _charlotte(cli: Cli) -> None:
    """c001 (added as Currer Bell, renamed Charlotte Brontë) mentioned all over the record."""
    cli.ok(
        "add-candidate", "Currer Bell", "--email", "charlotte@haworth.example",
        "--phone", "+44 1535 640000", "--note", "Writes as Currer Bell",
    )  # fmt: skip
    cli.ok("edit", "c001", "--name", "Charlotte Brontë")
    cli.ok("add-candidate", "Anne Agnes", "--note", "Referred by CHARLOTTE BRONTE")
    cli.ok("note", "c002", "Call 01535 640000 or Charlotte@Haworth.example for a reference")
    cli.ok("add-candidate", "Emily Heights", "--source", "Currer Bell's list")
    cli.ok("move", "c003", "rejected", "--reason", "Weaker than Brontë at the sift")
    cli.ok("add-candidate", "Branwell Painter")  # mentions no one: left alone
    cli.ok("edit", "c001", "--adjustments", "A quiet room; ask for Currer Bell at reception")
    cli.ok("edit", "c002", "--adjustments", "Not the room after Charlotte Brontë")
    cli.ok("milestone", "rename", "interviews", "Final interviews (Brontë to confirm)")
    cli.ok(
        "milestone", "reschedule", "interviews", "2026-03-09..2026-03-13",
        "--reason", "Moved for Charlotte  Brontë's availability",
    )  # fmt: skip
    cli.ok("panel", "add", "Dame Sue Owen", "--role", "chair")
    cli.ok("panel", "add", "Raj Patel")
    cli.ok("panel", "conflict", "Dame Sue Owen", "c001", "--note", "Taught Charlotte Brontë")
    cli.ok("panel", "conflict", "Raj Patel", "c002", "--note", "Met Anne through Brontë")


def test_erasure_redacts_every_mention_and_says_where_by_id(cli) -> None:
    _charlotte(cli)
    assert _left(cli.path)  # the forms are there to be found

    out = cli.ok("purge", "--candidate", "c001")

    assert _left(cli.path) == []
    # what purge says: ids and field names, never the person
    assert "c001  name, email, phone, adjustments, 1 note, 1 earlier value" in out
    assert (
        "mentions of c001 erased in c002 (adjustments, note), c003 (source, reason), "
        "milestone interviews (title, earlier title, reason), panel conflict notes (1 note)"
    ) in out
    assert [form for form in FORMS if form in _folded(out)] == []
    # [erased] where the mention was, the rest of the text kept
    c002 = cli.candidate("c002")
    notes = [e["note"] for e in c002["history"] if "note" in e]
    assert notes == ["Referred by [erased]", "Call [erased] or [erased] for a reference"]
    assert cli.candidate("c003")["source"] == "[erased]'s list"
    assert c002["adjustments"] == "Not the room after [erased]"
    assert "adjustments" not in cli.candidate("c001")
    assert cli.candidate("c003")["history"][1]["reason"] == "Weaker than [erased] at the sift"
    # each item changed says so in its history, by id
    redacted = c002["history"][-1]
    assert redacted["action"] == "redacted" and redacted["by"] == "tester"
    assert redacted["reason"] == (
        "Mention of c001 erased (adjustments, note). Personal data erased on request."
    )
    assert not any(e["action"] == "redacted" for e in cli.candidate("c004")["history"])
    interviews = next(m for m in cli.data()["milestones"] if m["id"] == "interviews")
    assert interviews["title"] == "Final interviews ([erased] to confirm)"
    assert interviews["history"][-1]["change"] == "redacted"
    assert (
        "Mention of c001 erased (title, earlier title, reason)"
        in interviews["history"][-1]["reason"]
    )
    panel = {m["name"]: m for m in cli.data()["panel"]["members"]}
    assert "note" not in panel["Dame Sue Owen"]["conflicts"][0]  # about c001: removed
    assert panel["Raj Patel"]["conflicts"][0]["note"] == "Met Anne through [erased]"
    assert "is valid" in cli.ok("check")
    assert "redacted" in cli.ok("show", "c002")


def test_a_milestone_whose_id_names_the_person_is_shown_by_its_place(cli) -> None:
    cli.ok("add-candidate", "Charlotte Brontë")
    cli.ok("milestone", "add", "Call Charlotte Brontë", "2026-03-01")  # id from the title
    out = cli.ok("purge", "--candidate", "c001")
    place = [m["id"] for m in cli.data()["milestones"]].index("call-charlotte-bront") + 1
    assert f"mentions of c001 erased in milestone #{place} (title)" in out
    assert "charlotte" not in out.casefold() and "bront" not in out.casefold()
    assert '"Call [erased]"' in cli.path.read_text(encoding="utf-8")


def test_retention_purge_redacts_mentions_of_those_due(cli) -> None:
    cli.ok("add-candidate", "Grace Hopper", "--email", "grace@example.org")
    cli.ok("add-candidate", "Ada Lovelace", "--note", "Knows grace hopper well")
    cli.ok(
        "milestone", "reschedule", "interviews", "2026-03-09..2026-03-13",
        "--reason", "GRACE@example.org asked", as_of="2026-03-01",
    )  # fmt: skip
    cli.ok("move", "c001", "rejected", "--reason", "Not this time", as_of="2026-03-10")
    cli.ok("move", "c002", "appointed", as_of="2026-03-20")

    out = cli.ok("purge", as_of="2026-09-20")

    assert "mentions of c001 erased in c002 (note), milestone interviews (reason)" in out
    text = cli.path.read_text(encoding="utf-8").casefold()
    assert "grace" not in text and "hopper" not in text
    [note] = [e["note"] for e in cli.candidate("c002")["history"] if "note" in e]
    assert note == "Knows [erased] well"
    reason = cli.candidate("c002")["history"][-1]["reason"]
    assert reason.startswith("Mention of c001 erased (note). Personal data removed: 6 months")


def test_surname_alone_is_erased_unless_common_or_shared(cli) -> None:
    cli.ok("add-candidate", "Charlotte Brontë")
    cli.ok("add-candidate", "Jane Bell")
    cli.ok("add-candidate", "Emily Brontë", "--note", "Sister of Charlotte Bronte")
    cli.ok("add-candidate", "Mary Taylor", "--note", "Met Bell and Brontë")
    cli.ok("purge", "--candidate", "c002")  # Bell: an everyday word, never alone
    assert "Met Bell and Brontë" in cli.path.read_text(encoding="utf-8")
    # Brontë: Emily's name too, so only the whole name is Charlotte's
    cli.ok("purge", "--candidate", "c001")
    c003 = cli.candidate("c003")
    assert [e["note"] for e in c003["history"] if "note" in e] == ["Sister of [erased]"]
    assert "Met Bell and Brontë" in cli.path.read_text(encoding="utf-8")
    cli.ok("purge", "--candidate", "c003")  # now no one else is a Brontë
    [note] = [e["note"] for e in cli.candidate("c004")["history"] if "note" in e]
    assert note == "Met Bell and [erased]"


def test_dry_run_lists_the_mentions_and_changes_nothing(cli) -> None:
    _charlotte(cli)
    before = cli.path.read_bytes()
    out = cli.ok("purge", "--candidate", "c001", "--dry-run")
    assert "mentions of c001 erased in c002 (adjustments, note), c003 (source, reason)" in out
    assert cli.path.read_bytes() == before
    plan = json.loads(cli.ok("purge", "--candidate", "c001", "--dry-run", "--json"))
    [file] = plan["files"]
    assert file["candidates"] == [
        {
            "id": "c001",
            "fields": ["name", "email", "phone", "adjustments", "1 note", "1 earlier value"],
        }
    ]
    assert file["mentions"][:2] == [
        {"of": "c001", "kind": "candidate", "item": "c002", "fields": ["adjustments", "note"]},
        {"of": "c001", "kind": "candidate", "item": "c003", "fields": ["source", "reason"]},
    ]
    assert file["conflicts_dropped"] == [] and plan["leftovers_removed"] == 0
    assert [form for form in FORMS if form in _folded(json.dumps(plan))] == []


def test_backups_and_git_merge_leftovers_hold_nothing_of_the_person(cli) -> None:
    _charlotte(cli)
    backup = cli.path.with_name(f"{cli.path.name}.bak-20260201T090000Z-ab12")
    shutil.copyfile(cli.path, backup)
    os.chmod(backup, 0o600)
    leftovers = [cli.path.with_name(f".merge_file_{tail}") for tail in ("a1B2c3", "Zz9y8x")]
    for leftover in leftovers:
        shutil.copyfile(cli.path, leftover)
    elsewhere = cli.path.parent / "kept" / ".merge_file_q1w2e3"  # not beside the record
    elsewhere.parent.mkdir()
    shutil.copyfile(cli.path, elsewhere)

    out = cli.ok("purge", "--candidate", "c001")

    assert _left(backup) == [] and _left(cli.path) == []
    assert "[erased]" in backup.read_text(encoding="utf-8")  # its mentions too
    assert not any(leftover.exists() for leftover in leftovers)
    assert "Removed 2 file(s) git left beside the record after a merge" in out
    assert elsewhere.exists()


def test_share_ignores_git_merge_leftovers(cli) -> None:
    cli.ok("share")
    assert ".merge_file_*" in (cli.path.parent / ".gitignore").read_text().splitlines()


def test_a_waiting_conflict_about_the_person_is_dropped_and_cannot_come_back(
    tmp_path: Path,
) -> None:
    """Two clones correct c001's email and phone differently; the merge waits for a
    choice; c001 asks to be erased: the conflicts go, and resolve cannot restore them."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    (tmp_path / "ada").mkdir()
    ada = Cli(tmp_path / "ada" / "campaign.toml")
    ada.ok("init")
    ada.ok("share")
    git(tmp_path / "ada", "remote", "add", "origin", str(remote))
    c001 = ada.ok("add-candidate", "Currer Bell", "--email", "charlotte@haworth.example").strip()
    c002 = ada.ok("add-candidate", "Anne Agnes").strip()  # a shared record's ids are drawn
    ada.ok("sync")
    git(tmp_path, "clone", "-q", str(remote), "bob")
    bob = Cli(tmp_path / "bob" / "campaign.toml")
    bob.ok("share")
    ada.ok("edit", c001, "--email", "cb@haworth.example", "--phone", "01535 640000")
    ada.ok("sync")
    bob.ok("edit", c001, "--email", "charlotte.bronte@haworth.example", "--phone", "07700 900000")
    bob.ok("note", c002, "Ask charlotte.bronte@haworth.example")
    assert bob("sync").exit_code == 1  # two copies decided differently
    assert {c["id"] for c in bob.data()["conflicts"]} == {f"{c001}.email", f"{c001}.phone"}

    out = bob.ok("purge", "--candidate", c001)

    assert f"conflicts waiting about them dropped: {c001}.email, {c001}.phone" in out
    text = bob.path.read_text(encoding="utf-8")
    for gone in ("haworth", "01535", "07700 900000", "Currer"):
        assert gone not in text, gone
    assert "conflicts" not in bob.data()
    result = bob("resolve", f"{c001}.email", "--theirs")
    assert result.exit_code == 1 and "no conflict" in result.output
    assert "haworth" not in bob.path.read_text(encoding="utf-8")
    # the stopped merge was finished by the purge's commit: nothing waits in git
    assert not (tmp_path / "bob" / ".git" / "MERGE_HEAD").exists()
    assert "haworth" not in git(tmp_path / "bob", "show", "HEAD:campaign.toml").stdout


def test_the_commission_page_names_no_one_in_any_form(cli, tmp_path) -> None:
    _charlotte(cli)
    cli.ok("move", "c002", "withdrawn", "--reason", "Chose Currer bell's firm; ring 01535 640000")
    cli.ok("milestone", "add", "Reference call: Bronte", "2026-03-02", "--id", "reference")
    page = tmp_path / "commission.html"
    cli.ok("report", "--for", "commission", "-o", str(page))
    import html

    for shown in (page.read_text(encoding="utf-8"), html.unescape(page.read_text("utf-8"))):
        folded = _folded(shown)
        for form in (*FORMS, "charlotte", "currer", "bronte"):
            assert not re.search(rf"(?<!\w){re.escape(form)}(?!\w)", folded), form
    shown = html.unescape(page.read_text(encoding="utf-8"))
    assert "Reference call: [removed]" in shown  # the milestone is still there, by title
    assert "Chose [removed]'s firm; ring [removed]" in shown


_LETTERS = st.sampled_from("abcdefghijklmnopqrstuvwxyzéëöüçñ")


def _accented(word: str, draw) -> str:
    """The word as someone might type it: any case, accents added or dropped."""
    plain = unicodedata.normalize("NFKD", word)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    letters = [draw(st.sampled_from([c, c.upper(), unicodedata.normalize("NFC", c + "\u0308")]))
               for c in plain]  # fmt: skip
    return "".join(letters)


@given(st.data())
def test_redact_finds_a_name_in_any_case_or_accent_and_keeps_the_rest(data) -> None:
    from dgtracker.record.mentions import identifiers_from, redact

    words = [data.draw(st.text(_LETTERS, min_size=4, max_size=9)) for _ in range(2)]
    who = identifiers_from([" ".join(words)], [], [], [])
    typed = " ".join(_accented(word, data.draw) for word in words)
    before, after = "Met ", " at the sift"
    result = redact(before + typed + after, who)
    assert result == before + "[erased]" + after
    assert redact(result, who) == result  # once erased, nothing more to find


def test_the_cache_beside_the_record_holds_nothing_of_the_person(cli) -> None:
    """The parsed record kept beside the file (record/cache.py) is a copy too."""
    _charlotte(cli)
    cli.ok("status")
    cache = cli.path.with_name(f".{cli.path.name}.cache")
    before = _folded(cache.read_bytes().decode("utf-8", "ignore"))
    assert [form for form in FORMS if form in before]  # the forms are there to be found

    cli.ok("purge", "--candidate", "c001")
    assert not cache.exists()  # a save removes it
    cli.ok("status")  # and a read makes it anew, of the erased record

    for kept in (cache.read_bytes(), *(p.read_bytes() for p in cache.parent.glob(".*cache*"))):
        assert [form for form in FORMS if form in _folded(kept.decode("utf-8", "ignore"))] == []
