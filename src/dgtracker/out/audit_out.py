"""What `audit` prints: each finding as a ledger checker prints one (the rule's code, what
was found, the ids involved, what to do), or its JSON contract (docs/json.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from dgtracker.panel.audit import Audit, Finding, Rule
from dgtracker.text import visible


def audit_json(result: Audit, today: date) -> dict[str, Any]:
    """`audit --json`."""
    return {
        "as_of": today.isoformat(),
        "clean": not result.findings,
        "count": len(result.findings),
        "findings": [finding_json(f, _rule(result, f)) for f in result.findings],
        "rules": [{"rule": r.code, "rule_text": r.sentence} for r in result.checked],
        "not_checked": [{"rule": r.code, "rule_text": r.sentence} for r in result.skipped],
    }


def finding_json(finding: Finding, rule: Rule | None) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "rule_text": rule.sentence if rule is not None else None,
        "ids": list(finding.ids),
        "detail": finding.detail,
        "todo": finding.todo,
    }


def _rule(result: Audit, finding: Finding) -> Rule | None:
    return next((r for r in result.checked if r.code == finding.rule), None)


def audit_lines(result: Audit) -> list[str]:
    """The findings as lines, then a summary line."""
    lines = []
    for finding in result.findings:
        rule = _rule(result, finding)
        lines.append(f"{finding.rule}: {visible(finding.detail)}")
        if rule is not None:
            lines.append(f"  rule: {rule.sentence}")
        if finding.ids:
            lines.append(f"  ids: {', '.join(finding.ids)}")
        lines.append(f"  to do: {visible(finding.todo)}")
    checked = len(result.checked)
    if result.findings:
        lines.append(f"{len(result.findings)} finding(s) against {checked} rule(s).")
    else:
        lines.append(f"No findings: the competition keeps all {checked} rule(s) checked.")
    for rule in result.skipped:
        lines.append(f"Not checked yet: {rule.code} ({rule.sentence})")
    return lines
