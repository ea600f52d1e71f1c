"""What the competition is, as the record holds it: `[campaign] band` and `external`, a panel
member's `commissioner`, a criterion's `scale = "frame"` and `changed`. Each rule refuses
what it should on load and in `check`; load → save → load keeps the bytes."""

from __future__ import annotations

import pytest
from tests.conftest import Cli

from dgtracker.record import storage


@pytest.fixture
def full(cli: Cli) -> Cli:
    cli.ok("panel", "add", "Dame Jo Bloggs", "--role", "chair", "--commissioner")
    cli.ok("criteria", "add", "vision", "Vision", "--kind", "strength", "--scale", "frame",
           "--assess", "preferred")  # fmt: skip
    cli.ok("add-candidate", "Ada Quill", "--stage", "preferred")
    cli.ok("score", "c001", "preferred", "vision=B/C", "--agreed")
    return cli


def test_the_fields_survive_load_and_save_byte_for_byte(full: Cli) -> None:
    before = full.path.read_bytes()
    storage.save(full.path, storage.load(full.path))
    assert full.path.read_bytes() == before
    text = before.decode("utf-8")
    for line in ('band = "SCS3"', "external = true", 'scale = "frame"', "changed = 2026-02-02",
                 'vision = "B/C"'):  # fmt: skip
        assert line in text, line


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ('band = "SCS3"', 'band = "SCS4"', "campaign.band: 'SCS4' is not one of SCS1, SCS1A"),
        ("external = true", 'external = "yes"', "campaign.external: expected true or false"),
        ("commissioner = true", "commissioner = 1", "commissioner: expected true or false"),
        ('scale = "frame"', 'scale = "grades"', "scale: expected [lowest, highest]"),
        ("changed = 2026-02-02", 'changed = "soon"', "changed: expected a date"),
    ],
)
def test_each_rule_refuses_on_load_and_in_check(full: Cli, old: str, new: str, said: str) -> None:
    text = full.path.read_text(encoding="utf-8")
    assert old in text
    full.path.write_text(text.replace(old, new, 1), encoding="utf-8")
    done = full("check")
    assert done.exit_code == 3 and said in done.output, done.output
    assert full("audit").exit_code == 3


def test_a_frame_criterion_given_a_bar_by_hand_is_refused(full: Cli) -> None:
    text = full.path.read_text(encoding="utf-8")
    full.path.write_text(text.replace('scale = "frame"', 'scale = "frame"\nbar = 3'), "utf-8")
    done = full("check")
    assert done.exit_code == 3 and "the marking frame's bar is always C" in done.output
