"""A save rewrites only the candidates it changed; everything else keeps its text.

The record is read a candidate at a time and a save checks again only what it wrote anew
(record/text_pieces.py). These tests check, through the CLI and with the standard tomllib as an
independent parser, that what lands in the file is exactly the record meant.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st
from tests.test_roundtrip import records, safe_text

from dgtracker.record import storage
from dgtracker.record.encode import record_to_data
from dgtracker.record.model import Action, Candidate, Event, candidate_id
from dgtracker.record.text_pieces import Span, parse_in_pieces, text_keeping_unchanged


def _with_three(cli) -> None:
    for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing"):
        cli.ok("add-candidate", name, "--email", f"{name.split()[0].lower()}@example.org")


def _piece(text: str, cid: str) -> str:
    """The text of one candidate, from its [[candidates]] line to the next one."""
    start = text.index(f'[[candidates]]\nid = "{cid}"')
    end = text.find("\n[[candidates]]\n", start)
    return text[start : end if end != -1 else len(text)]


def test_a_move_rewrites_only_the_candidate_moved(cli) -> None:
    _with_three(cli)
    before = cli.path.read_text(encoding="utf-8")
    cli.ok("move", "c002", "longlist", "--note", "Strong application.")
    after = cli.path.read_text(encoding="utf-8")
    assert _piece(after, "c001") == _piece(before, "c001")
    assert _piece(after, "c003") == _piece(before, "c003")
    assert _piece(after, "c002") != _piece(before, "c002")
    assert cli.candidate("c002")["stage"] == "longlist"
    assert cli.candidate("c002")["history"][-1]["note"] == "Strong application."
    # The file is exactly what writing the whole record would give.
    assert after == storage.text_and_data(storage.load(cli.path))[0]


def test_comments_added_by_hand_survive_in_candidates_not_changed(cli) -> None:
    _with_three(cli)
    text = cli.path.read_text(encoding="utf-8")
    text = text.replace('id = "c001"\n', 'id = "c001"\n# referee: Prof. Babbage, by phone\n')
    cli.path.write_text(text, encoding="utf-8")
    cli.ok("move", "c003", "longlist")
    cli.ok("add-candidate", "Katherine Johnson")
    saved = cli.path.read_text(encoding="utf-8")
    assert "# referee: Prof. Babbage, by phone\n" in saved
    assert [c["id"] for c in cli.data()["candidates"]] == ["c001", "c002", "c003", "c004"]
    assert cli.candidate("c003")["stage"] == "longlist"
    assert cli.ok("check")


def test_a_changed_candidate_is_written_in_the_usual_layout(cli) -> None:
    _with_three(cli)
    text = cli.path.read_text(encoding="utf-8")
    text = text.replace('name = "Grace Hopper"', 'name   =   "Grace Hopper"   # hand-aligned')
    cli.path.write_text(text, encoding="utf-8")
    cli.ok("note", "c002", "Called to confirm availability.")
    saved = cli.path.read_text(encoding="utf-8")
    assert "hand-aligned" not in saved and 'name = "Grace Hopper"\n' in saved
    assert saved == storage.text_and_data(storage.load(cli.path))[0]


def _now() -> str:
    """A history entry's moment typed by hand now (entries are recorded in time order)."""
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    "edit",
    [
        # Windows line ends: the text does not split at [[candidates]] lines.
        lambda text: text.replace("\n", "\r\n"),
        # A candidate table header written another (valid) way.
        lambda text: text.replace('[[candidates]]\nid = "c002"', '[[ candidates ]]\nid = "c002"'),
        # A note, as a multi-line string, that holds a line like a candidate's header.
        lambda text: (
            text
            + f"\n[[candidates.history]]\nat = {_now()}\non = 2026-01-05\n"
            + 'by = "chair"\naction = "note"\n'
            + "note = '''\nPasted minutes:\n[[candidates]]\nid = \"c999\"\n'''\n"
        ),
    ],
    ids=["crlf", "spaced-header", "header-inside-a-note"],
)
@pytest.mark.parametrize("keep", [storage.KEEP_DATA_UP_TO, 0], ids=["small", "large"])
def test_records_laid_out_by_hand_are_read_and_written_whole(cli, edit, keep, monkeypatch) -> None:
    """Whole, whatever their size: a large record read from its file a candidate at a
    time (KEEP_DATA_UP_TO 0) is read again whole when it does not split so."""
    _with_three(cli)
    monkeypatch.setattr(storage, "KEEP_DATA_UP_TO", keep)
    text = edit(cli.path.read_text(encoding="utf-8"))
    cli.path.write_bytes(text.encode("utf-8"))
    meant = tomllib.loads(text)
    assert [c["id"] for c in meant["candidates"]] == ["c001", "c002", "c003"]
    assert "Alan Turing" in cli.ok("candidates")
    cli.ok("move", "c001", "longlist")
    saved = cli.data()
    meant["candidates"][0]["stage"] = "longlist"
    assert [c["id"] for c in saved["candidates"]] == ["c001", "c002", "c003"]
    for old, new in zip(meant["candidates"], saved["candidates"], strict=True):
        assert new["stage"] == old["stage"] and new["name"] == old["name"]
        assert new["history"][: len(old["history"])] == old["history"]
    assert cli.path.read_text(encoding="utf-8") == storage.text_and_data(storage.load(cli.path))[0]


@pytest.mark.parametrize("keep", [storage.KEEP_DATA_UP_TO, 0], ids=["small", "large"])
def test_a_piece_that_reaches_outside_its_candidate_is_not_trusted(cli, keep, monkeypatch) -> None:
    _with_three(cli)
    monkeypatch.setattr(storage, "KEEP_DATA_UP_TO", keep)
    text = cli.path.read_text(encoding="utf-8")
    # Valid TOML whole, but this [retention] belongs to no candidate.
    text = text.replace("[retention]\nanonymise_after_months = 6\nreserve_months = 12\n", "")
    text += "\n[retention]\nanonymise_after_months = 3\nreserve_months = 12\n"
    cli.path.write_text(text, encoding="utf-8")
    assert parse_in_pieces(text, storage.loads) is None
    cli.ok("move", "c002", "longlist")
    assert cli.data()["retention"]["anonymise_after_months"] == 3
    assert cli.candidate("c003") == tomllib.loads(text)["candidates"][2]


def test_a_part_that_would_not_read_back_is_not_kept() -> None:
    """If the writer's text for a changed part read back differently, the whole record is
    written the usual way (and checked) instead."""
    history = '\n[[candidates.history]]\nat = 2026-01-05T09:00:00Z\naction = "added"\n'
    text = f'[campaign]\nid = "x"\n\n[[candidates]]\nid = "c001"\nname = "A"\n{history}'
    data, layout = parse_in_pieces(text, storage.loads)
    meant = {**data, "candidates": [{**data["candidates"][0], "name": "B"}]}

    def lossy_dumps(table: dict) -> str:
        return tomli_w.dumps(table).replace('"B"', '"b"')

    assert text_keeping_unchanged(meant, layout, lossy_dumps, storage.loads) is None
    assert text_keeping_unchanged(meant, layout, tomli_w.dumps, storage.loads) == (
        tomli_w.dumps(meant)
    )


@given(records(), st.data())
def test_any_change_saves_the_same_bytes_as_writing_the_whole_record(
    tmp_path_factory, record, data
) -> None:
    path: Path = tmp_path_factory.mktemp("pieces") / "campaign.toml"
    storage.save(path, record)
    loaded, layout = storage.load_with_layout(path)
    change = data.draw(st.sampled_from(["add", "rename", "move", "drop"]))
    if change == "add" or not loaded.candidates:
        number = loaded.next_candidate_number
        loaded.candidates.append(Candidate(candidate_id(number), data.draw(safe_text), "applied"))
        loaded.next_candidate_number = number + 1
    else:
        chosen = data.draw(st.sampled_from(loaded.candidates))
        if change == "rename":
            chosen.name = data.draw(safe_text)
        elif change == "move":  # as `move` does: the stage and an entry saying so; a
            # stage that needs no reason, and no rank kept off the reserve list
            chosen.stage = data.draw(st.sampled_from(["applied", "longlist", "appointed"]))
            chosen.rank = None
            latest = max([event.at for event in chosen.history], default=None)
            moment = latest or datetime(2026, 2, 2, tzinfo=UTC)
            on = max(date(2026, 2, 2), chosen.stage_since() or date.min)  # not before it
            chosen.history.append(Event(moment, on, "tester", Action.MOVED, chosen.stage))
        else:
            loaded.candidates.remove(chosen)
    storage.save(path, loaded, layout)
    saved = path.read_text(encoding="utf-8")
    assert tomllib.loads(saved) == tomllib.loads(tomli_w.dumps(record_to_data(loaded)))
    assert saved == storage.text_and_data(storage.load(path))[0]
    assert saved == tomli_w.dumps(record_to_data(loaded))  # the layout is tomli-w's


def test_a_part_that_is_not_toml_at_all_is_refused_as_before() -> None:
    """A value that does not read back as written (NaN is never equal to itself) fails the
    piece's check; the whole record is then written the usual way, whose check says why and
    writes nothing."""
    history = '\n[[candidates.history]]\nat = 2026-01-05T09:00:00Z\naction = "added"\n'
    text = f'[campaign]\nid = "x"\n\n[[candidates]]\nid = "c001"\nname = "A"\n{history}'
    data, layout = parse_in_pieces(text, storage.loads)
    meant = {**data, "candidates": [{**data["candidates"][0], "rank": float("nan")}]}
    assert text_keeping_unchanged(meant, layout, tomli_w.dumps, storage.loads) is None


def test_moments_in_a_zone_with_summer_time_are_saved_in_utc(tmp_path, cli) -> None:
    """A time in the hour the clocks go back is +00:00 in London, but only a fixed offset is
    kept as it is: this one is written in UTC, and reads back equal."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    _with_three(cli)
    record, layout = storage.load_with_layout(cli.path)
    after_the_change = datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=ZoneInfo("Europe/London"))
    record.candidates[0].history[0].at = after_the_change
    storage.save(cli.path, record, layout)
    saved = cli.candidate("c001")["history"][0]["at"]
    assert saved == after_the_change.astimezone(UTC) and saved.tzinfo == UTC


def test_a_copy_read_beside_another_holds_their_same_candidates_once() -> None:
    """The merge driver reads the base, then ours and theirs given the base's layout: a
    candidate whose text is the same on both is the base's data (one object, not another
    parse of the same text), and one whose text differs is parsed as its own; the data
    is what a read of the copy alone gives."""
    history = '\n[[candidates.history]]\nat = 2026-01-05T09:00:00Z\naction = "added"\n'
    one = f'[[candidates]]\nid = "c001"\nname = "A"\n{history}'
    two = f'[[candidates]]\nid = "c002"\nname = "B"\n{history}'
    base = f'[campaign]\nid = "x"\n\n{one}\n{two}'
    copy = base.replace('name = "B"', 'name = "Bea"')
    _, known = parse_in_pieces(base, storage.loads)
    data, layout = parse_in_pieces(copy, storage.loads, known=known)
    assert data == parse_in_pieces(copy, storage.loads)[0] == tomllib.loads(copy)
    assert data["candidates"][0] is known.pieces["c001"][0]
    assert layout.pieces["c001"][1] is known.pieces["c001"][1]
    assert data["candidates"][1] is not known.pieces["c002"][0]
    assert data["candidates"][1]["name"] == "Bea"


def test_a_small_record_keeps_each_candidates_data_for_the_save(cli) -> None:
    """Up to storage.KEEP_DATA_UP_TO characters, a load keeps each candidate's data beside
    its text, so that a save compares with it and parses nothing again."""
    _with_three(cli)
    _, layout = storage.load_with_layout(cli.path)
    assert layout is not None
    assert all(data is not None for data, _ in layout.pieces.values())


def test_a_large_record_keeps_where_each_candidates_text_is_and_not_its_data(
    cli, monkeypatch
) -> None:
    """Above storage.KEEP_DATA_UP_TO bytes (here: any record), a load reads the record
    from its file a candidate at a time and keeps only where each candidate's text is,
    which the save reads again and parses to compare: neither the data of every candidate
    nor the text is held for as long as the command runs. What is saved is the same, byte
    for byte."""
    _with_three(cli)
    monkeypatch.setattr(storage, "KEEP_DATA_UP_TO", 0)
    text = cli.path.read_text(encoding="utf-8")
    text = text.replace('id = "c001"\n', 'id = "c001"\n# referee: Prof. Babbage, by phone\n')
    text = text.replace('name = "Ada Lovelace"', 'name = "Ada Lövelace"')  # bytes, not characters
    cli.path.write_text(text, encoding="utf-8")
    record, layout = storage.load_with_layout(cli.path)
    assert layout is not None and layout.source == cli.path.resolve()
    assert sorted(layout.pieces) == ["c001", "c002", "c003"]
    assert all(data is None for data, _ in layout.pieces.values())
    raw = cli.path.read_bytes()
    for cid, (_, span) in layout.pieces.items():
        assert isinstance(span, Span)
        piece = raw[span.offset : span.offset + span.size].decode("utf-8")
        assert "[[candidates]]\n" + piece == _piece(text, cid)
    assert record.candidates[0].name == "Ada Lövelace"
    assert [c.id for c in record.candidates] == ["c001", "c002", "c003"]
    for words in (
        ["move", "c002", "longlist", "--note", "Strong application."],
        ["add-candidate", "Katherine Johnson"],
        ["edit", "c003", "--email", "turing@example.org"],
    ):
        before = cli.path.read_text(encoding="utf-8")
        cli.ok(*words)
        after = cli.path.read_text(encoding="utf-8")
        assert _piece(after, "c001") == _piece(before, "c001")  # the comment kept with it
        whole = storage.text_and_data(storage.load(cli.path))[0]
        assert tomllib.loads(after) == tomllib.loads(whole)
    assert "# referee: Prof. Babbage, by phone\n" in after
    assert after.replace("# referee: Prof. Babbage, by phone\n", "") == whole
    assert cli.candidate("c002")["stage"] == "longlist"
    assert cli.candidate("c003")["email"] == "turing@example.org"


def test_a_large_records_pieces_changed_under_the_save_are_written_anew(cli, monkeypatch) -> None:
    """The save reads an unchanged candidate's piece again from the file, and keeps it only
    when its bytes are those it was read from: a piece changed meanwhile (whoever changed
    it), or moved by a change before it, is written anew from the record, as a changed
    candidate is; the others keep their text, comments and all."""
    _with_three(cli)
    monkeypatch.setattr(storage, "KEEP_DATA_UP_TO", 0)
    text = cli.path.read_text(encoding="utf-8")
    text = text.replace('id = "c001"\n', 'id = "c001"\n# kept: its bytes are the same\n')
    cli.path.write_text(text, encoding="utf-8")
    record, layout = storage.load_with_layout(cli.path)
    changed = text.replace('id = "c002"\n', 'id = "c002"\n# changed after the read\n')
    cli.path.write_text(changed, encoding="utf-8")
    storage.save(cli.path, record, layout)
    saved = cli.path.read_text(encoding="utf-8")
    assert _piece(saved, "c001") == _piece(text, "c001")
    assert "# changed after the read" not in saved
    assert (
        saved.replace("# kept: its bytes are the same\n", "") == (storage.text_and_data(record)[0])
    )


def test_a_large_record_that_is_not_utf8_is_refused_as_before(cli, monkeypatch) -> None:
    """Read a candidate at a time, a record whose last candidate is not UTF-8 is refused
    with the same words as when it is read whole: where the byte is in the file."""
    _with_three(cli)
    raw = cli.path.read_bytes().replace(b"Alan Turing", b"Alan \xffTuring")
    cli.path.write_bytes(raw)
    said = []
    for keep in (storage.KEEP_DATA_UP_TO, 0):
        monkeypatch.setattr(storage, "KEEP_DATA_UP_TO", keep)
        result = cli("move", "c001", "longlist")
        assert result.exit_code != 0 and cli.path.read_bytes() == raw
        said.append(result.output)
    assert said[0] == said[1] and f"byte {raw.index(bytes([0xFF]))}" in said[0]
