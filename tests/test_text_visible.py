"""Text people typed is shown as text: no markup, no control bytes reach the terminal."""

import json
import re

import pytest

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_markup_in_a_name_is_stored_and_shown_literally(cli) -> None:
    name = "[bold red]Eve[/bold red] [link=https://evil.example]x[/link]"
    cli.ok("add-candidate", name)
    assert cli.candidate("c001")["name"] == name
    assert name in cli.ok("show", "c001")
    table = cli.ok("candidates")
    assert "[bold red]Eve" in table
    assert json.loads(cli.ok("show", "c001", "--json"))["name"] == name


@pytest.mark.parametrize(
    "name",
    [
        "Eve\x1b[31mRed",
        "Eve\x1b]8;;https://evil.example\x07x",
        "Eve\rMallory",
        "Eve\x00",
        "Eve\u202eevoL",
        "Eve\u200bLovelace",
        "Eve\x9b31m",
    ],
)
def test_control_and_invisible_characters_are_refused_in_names(cli, name) -> None:
    before = cli.path.read_bytes()
    result = cli("add-candidate", name)
    assert result.exit_code == 1
    assert "hidden or control character" in result.output
    assert not CONTROL.search(result.output)
    assert cli.path.read_bytes() == before


def test_hand_edited_control_characters_never_reach_the_terminal(cli) -> None:
    cli.ok("add-candidate", "Eve")
    text = cli.path.read_text(encoding="utf-8")
    cli.path.write_text(
        text.replace('name = "Eve"', 'name = "Eve\\u001b[31m\\u202e"'), encoding="utf-8"
    )
    result = cli("check")
    assert result.exit_code == 3
    assert not CONTROL.search(result.output)
    assert "U+001B" in result.output


def test_notes_keep_lines_but_not_escapes(cli) -> None:
    cli.ok("add-candidate", "Eve")
    cli.ok("note", "c001", "Line one\r\nLine two")
    assert cli.candidate("c001")["history"][-1]["note"] == "Line one\nLine two"
    result = cli("note", "c001", "bad\x1b[2J")
    assert result.exit_code == 1


def test_length_limits_are_enforced(cli) -> None:
    result = cli("add-candidate", "x" * 1_000_000)
    assert result.exit_code == 1 and "the limit is 200" in result.output
    result = cli("add-candidate", "Eve", "--note", "y" * 10_001)
    assert result.exit_code == 1 and "the limit is 10,000" in result.output


def test_json_escapes_hidden_characters_from_hand_edited_fields(cli) -> None:
    text = cli.path.read_text(encoding="utf-8")
    hidden = "\\u2028\\U000E0041\\u202E"  # line separator, a tag character, bidi override
    cli.path.write_text(
        text.replace('salary = "up to', f'salary = "{hidden}up to'), encoding="utf-8"
    )
    refused = cli("status", "--json")  # every field has a text rule on load
    assert refused.exit_code == 3 and "campaign.salary" in refused.output
    assert not re.search("[\u2028\u202e\U000e0041]", refused.output)

    from dgtracker.out.plain import json_text  # as a future field without a rule would reach it

    out = json_text({"salary": "\u2028\U000e0041\u202eup to"})
    assert not re.search("[\u2028\u202e\U000e0041]", out)
    assert "\\u2028\\udb40\\udc41\\u202e" in out
    assert json.loads(out)["salary"].startswith("\u2028\U000e0041\u202e")


def test_a_long_list_in_json_is_written_in_parts_as_the_same_text(cli, monkeypatch) -> None:
    """A list of more than plain._ROWS items (500; here 1) goes out a part at a time: the
    same text, byte for byte, as written whole, escapes and all."""
    from dgtracker.out import plain

    for name in ("Zoë Ångström", "Grace Hopper", "Alan Turing"):
        cli.ok("add-candidate", name)
    whole = cli.ok("candidates", "--json")
    monkeypatch.setattr(plain, "_ROWS", 1)
    assert cli.ok("candidates", "--json") == whole
    assert json.loads(whole)[0]["name"] == "Zoë Ångström"
    printed = []
    monkeypatch.setattr(plain, "write", lambda text, err=False: printed.append(text))
    rows = [{"note": "\u2028\U000e0041\u202eup to"}, {"note": "é"}, {"note": "plain"}]
    plain.print_json(rows)
    assert len(printed) > 2 and "".join(printed) == plain.json_text(rows, indent=None) + "\n"
