"""Hand-edited records: problems are listed with where they are, and never written over."""

import pytest


def _edit(cli, old: str, new: str) -> bytes:
    text = cli.path.read_text(encoding="utf-8")
    assert old in text
    cli.path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return cli.path.read_bytes()


def test_valid_record(cli) -> None:
    out = cli.ok("check")
    assert "is valid" in out and "9 milestone(s)" in out


def test_invalid_toml_names_line_and_column(cli) -> None:
    broken = _edit(cli, 'title = "Applications close"', 'title = "Applications close')
    result = cli("check")
    assert result.exit_code == 3
    assert "line" in result.output and "column" in result.output
    result = cli("add-candidate", "Ada")
    assert result.exit_code == 3 and "not valid TOML" in result.output
    assert cli.path.read_bytes() == broken


def test_a_syntax_error_does_not_quote_the_line(cli) -> None:
    """The parser quotes the broken line under its message; that line may be a candidate's
    details, which an error message (pasted into a ticket, a chat) must not carry."""
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    _edit(cli, 'email = "ada@example.org"', 'email = "ada@example.org')
    result = cli("check")
    assert result.exit_code == 3
    assert "(at line" in result.output and "column" in result.output
    assert "ada@" not in result.output and "Lovelace" not in result.output


def test_impossible_date_is_named_with_its_place(cli) -> None:
    text = cli.path.read_text(encoding="utf-8")
    line = text[: text.index("date = 2026-02-09")].count("\n") + 1
    broken = _edit(cli, "date = 2026-02-09", "date = 2026-13-09")
    result = cli("check")
    assert result.exit_code == 3
    assert f"invalid date, expected month between 01 and 12 (at line {line}, column 8)" in (
        result.output
    )
    assert cli.path.read_bytes() == broken


def test_every_schema_problem_is_listed(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("add-candidate", "Grace Hopper")
    _edit(cli, 'stage = "applied"', 'stage = "aplied"')
    _edit(cli, 'id = "c002"', 'id = "c001"')
    _edit(cli, "date = 2026-02-09", 'date = "9th Feb"')
    _edit(cli, 'title = "Sift and longlist"\n', 'colour = "red"\n')
    before = cli.path.read_bytes()
    result = cli("check")
    assert result.exit_code == 3
    out = result.output
    assert "candidates[0] (c001).stage: unknown stage 'aplied'" in out
    assert "duplicate candidate id 'c001'" in out
    assert "milestones[0] (closing).date: expected a date (2026-02-09), found text" in out
    assert "milestones[1] (sift): unknown field 'colour'" in out
    assert "milestones[1] (sift): missing field 'title'" in out
    assert "5 problem(s)" in out
    for command in (("status",), ("move", "c001", "longlist"), ("note", "c001", "x")):
        result = cli(*command)
        assert result.exit_code == 3, command
        assert "dgtracker check" in result.output
    assert cli.path.read_bytes() == before


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("schema = 1", "schema = 9", "version 9 is not supported"),
        ('timezone = "Europe/London"', 'timezone = "Mars/Olympus"', "unknown time zone"),
        ('kind = "outcome"', 'kind = "maybe"', "'maybe' is not one of"),
        # Python reads any integer; TOML holds 64 bits, and other TOML tools no more.
        ("schema = 1", "schema = 99999999999999999999", "too large for TOML (64 bits)"),
    ],
)
def test_more_schema_problems(cli, old, new, why) -> None:
    _edit(cli, old, new)
    result = cli("check")
    assert result.exit_code == 3 and why in result.output


def test_check_on_missing_record(bare_cli) -> None:
    result = bare_cli("check")
    assert result.exit_code == 3 and "No record" in result.output


def test_toml_1_1_is_refused(cli) -> None:
    """TOML 1.1's escape \\e reads in some tools and not in others: a record stays TOML 1.0."""
    broken = _edit(cli, 'title = "Applications close"', 'title = "Applications close\\e"')
    result = cli("check")
    assert result.exit_code == 3 and "missing escaped value" in result.output
    assert cli.path.read_bytes() == broken
