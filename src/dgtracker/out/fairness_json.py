"""The JSON contract for diversity monitoring: one person's answers, a change to them, and
the counts by stage.

Like out/json_contract.py: every field always present (null when empty), fields only added.
Apart from it so that `diversity --json` loads only what it prints.
"""

from __future__ import annotations

from typing import Any

from dgtracker.process.diversity import StageCounts
from dgtracker.record.model import Candidate, current_answers


def answers_json(candidate: Candidate) -> dict[str, Any]:
    """`monitoring ID --json`: the answers that stand, by question."""
    return {"id": candidate.id, "answers": current_answers(candidate.monitoring)}


def answered_json(candidate: Candidate, changed: list[str]) -> dict[str, Any]:
    """`monitoring ID QUESTION=VALUE … --json`: the questions whose answer changed."""
    return {"id": candidate.id, "changed": changed}


def diversity_json(tables: list[StageCounts]) -> dict[str, Any]:
    """`diversity --json`: counts by stage and answer, where declared (null: suppressed)."""
    return {
        "stages": [
            {"stage": table.stage, "total": table.total, "counts": table.counts} for table in tables
        ]
    }
