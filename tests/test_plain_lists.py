"""The candidate list on out/terminal.py's plain console (stdout not a terminal) is byte
for byte what rich's console prints, through the CLI, over many records and widths.

TTY_COMPATIBLE=0 tells rich that stdout is not a terminal (as it is here) and keeps the
plain console out of it: the same command line then prints through rich's console.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import AS_OF, in_process

from dgtracker.out import terminal

# Letters of every width rich measures (wide CJK and emoji, combining accents), spaces
# that are not printable to Python (no-break, ideographic: rich's Text prints them), and
# the punctuation of names.
LETTERS = list("AdaLovelace éüñ李王😀\u0301\xa0\u3000-'.")
names = st.text(alphabet=st.sampled_from(LETTERS), min_size=1, max_size=60)
people = st.lists(
    st.tuples(names, st.one_of(st.none(), st.sampled_from(["a@example.org", "李@例え.jp"]))),
    max_size=6,
)
WIDTHS = [None, "1", "12", "30", "45", "60", "80", "100", "250", "abc"]
LISTS = [(), ("--active",), ("--stage", "longlist"), ("--stage", "nowhere"), ("--reveal",)]


def _record(folder: Path, who: list[tuple[str, str | None]]) -> Path:
    path = folder / "campaign.toml"
    assert in_process("--file", str(path), "--as-of", AS_OF, "init").returncode == 0
    for number, (name, email) in enumerate(who):
        extra = ["--email", email] if email else []
        in_process("--file", str(path), "--as-of", AS_OF, "add-candidate", name, *extra)
        if number % 2:
            in_process(
                "--file", str(path), "--as-of", AS_OF, "move", f"c{number + 1:03d}", "longlist"
            )
    return path


def _both(path: Path, words: tuple[str, ...], columns: str | None) -> tuple[str, str]:
    argv = ("--file", str(path), "--as-of", AS_OF, "candidates", *words)
    plain = in_process(*argv, env={"COLUMNS": columns, "TTY_COMPATIBLE": None})
    rich = in_process(*argv, env={"COLUMNS": columns, "TTY_COMPATIBLE": "0"})
    assert (plain.returncode, plain.stderr) == (rich.returncode, rich.stderr)
    return plain.stdout, rich.stdout


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(who=people, columns=st.sampled_from(WIDTHS), words=st.sampled_from(LISTS))
def test_the_plain_list_is_riches_byte_for_byte(tmp_path_factory, who, columns, words) -> None:
    path = _record(tmp_path_factory.mktemp("list"), who)
    plain, rich = _both(path, words, columns)
    assert plain == rich


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_list_of_every_kind_of_name_at_every_width(tmp_path, columns) -> None:
    """The names hypothesis may not reach at once: long, wide, unbreakable, not printable."""
    who = [
        ("Ada Lovelace", "ada@example.org"),
        ("李王 " * 12, None),
        ("Grace\xa0Hopper", "grace@example.org"),
        ("x" * 150, None),
        ("Émile Zola", None),
    ]
    path = _record(tmp_path, who)
    for words in LISTS:
        plain, rich = _both(path, words, columns)
        assert plain == rich, (words, columns)


def test_a_pipe_gets_the_plain_console_and_a_terminal_riches(monkeypatch) -> None:
    class Pipe:
        encoding = "utf-8"

        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    monkeypatch.setenv("COLUMNS", "77")
    monkeypatch.setattr("sys.stdout", Pipe(False))
    plain = terminal.plain_console()
    assert plain is not None and plain.width == 77
    for name, value in (("FORCE_COLOR", "1"), ("FORCE_COLOR", ""), ("TTY_COMPATIBLE", "0")):
        with monkeypatch.context() as env:
            env.setenv(name, value)
            assert terminal.plain_console() is None, name
    monkeypatch.setattr("sys.stdout", Pipe(True))
    assert terminal.plain_console() is None
    pipe = Pipe(False)
    pipe.encoding = "cp1252"
    monkeypatch.setattr("sys.stdout", pipe)
    assert terminal.plain_console() is None


@pytest.mark.parametrize("columns", [None, "0", "33", "abc", "٣٣"])
def test_the_plain_consoles_width_is_riches(monkeypatch, columns) -> None:
    from rich.console import Console

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    if columns == "٣٣":  # digits, but not ASCII's: left to rich
        assert terminal._rich_width(terminal.os.environ) is None
        return
    assert terminal._rich_width(terminal.os.environ) == Console().width
