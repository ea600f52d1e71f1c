"""out/columns.py's two ways of laying out a row give the same lines: rows of ASCII text
padded a column at a time, and any row measured a cell at a time (`cell_by_cell`, the
way every row with other text goes). The candidate list through the CLI is checked
against rich's own table in tests/test_plain_lists.py and tests/test_narrow_columns.py.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import at_least

from dgtracker.out.columns import Column, LaidOutTable, lay_out

ASCII = "Adalovc Tur1209-'.@"
# Wide CJK and emoji, a combining accent, spaces Python does not strip or does.
OTHER = "éü李王😀\u0301\xa0\u3000"
ascii_text = st.text(alphabet=st.sampled_from(ASCII), max_size=40)
any_text = st.text(alphabet=st.sampled_from(ASCII + OTHER), max_size=40)
columns = st.builds(
    Column,
    header=st.one_of(ascii_text, any_text).map(lambda text: text[:12]),
    flexible=st.booleans(),
    right=st.booleans(),
    optional=st.integers(0, 3),
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[Column], list[list[str]], int | None]:
    """Columns, rows and a width; most tables all ASCII, others with a few other cells
    (so whole columns, single rows or none take the cell-by-cell way)."""
    chosen = draw(st.lists(columns, min_size=1, max_size=6))
    cell = ascii_text if draw(st.booleans()) else st.one_of(ascii_text, ascii_text, any_text)
    row = st.lists(cell, min_size=len(chosen), max_size=len(chosen))
    rows = draw(st.lists(row, max_size=25))
    width = draw(st.one_of(st.none(), st.integers(1, 200)))
    return chosen, rows, width


@at_least(500)  # cheap: a few milliseconds an example
@given(table=tables())
def test_rows_padded_a_column_at_a_time_are_those_laid_out_a_cell_at_a_time(table) -> None:
    chosen, rows, width = table
    assert lay_out(chosen, rows, width) == lay_out(chosen, rows, width, cell_by_cell=True)


def test_a_long_ascii_list_with_a_folded_row_and_a_row_of_other_text() -> None:
    chosen = [Column("Id"), Column("Name", flexible=True), Column("Days", right=True)]
    rows = [[f"c{number:03d}", "Ann Lee", str(number)] for number in range(1, 6)]
    rows[1][1] = "Ann Marie Lee-Smith"  # folded within a narrowed Name
    rows[3][1] = "李 Wei"  # measured by its cells: 李 takes two
    layout = lay_out(chosen, rows, 28)
    assert layout == lay_out(chosen, rows, 28, cell_by_cell=True)
    assert layout == LaidOutTable(
        [
            " Id     Name           Days",
            " ──────────────────────────",
            " c001   Ann Lee           1",
            " c002   Ann Marie         2",
            "        Lee-Smith",
            " c003   Ann Lee           3",
            " c004   李 Wei            4",
            " c005   Ann Lee           5",
        ],
        [],
        35,
    )


def test_a_column_is_as_wide_as_its_widest_cell_in_terminal_cells() -> None:
    """Both ways measure a column alike, so the comparison above cannot see this."""
    layout = lay_out([Column("N"), Column("Days", right=True)], [["李王", "1"], ["abc", ""]], None)
    assert layout.lines == [" N      Days", " ───────────", " 李王      1", " abc"]
