"""Disability Confident, reasonable adjustments and diversity monitoring through the CLI:
what the recruitment team sees, what never reaches the panel, and what lands in the file."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from tests.conftest import in_process

from dgtracker.app.session import open_record
from dgtracker.process.fairness import disability_confident_not_invited

ADJUSTMENTS = "Step-free room and a BSL interpreter"
SIFT = ("transformation", "data-strategy")  # the DHSC criteria marked at the longlist


def _two_alike(cli, *, marks: int = 4) -> tuple[str, str]:
    """c001 (Disability Confident, with adjustments) and c002 (neither), marked alike at
    the sift and both rejected there."""
    ada = cli.ok(
        "add-candidate", "Ada Lovelace", "--disability-confident", "--adjustments", ADJUSTMENTS
    ).strip()
    grace = cli.ok("add-candidate", "Grace Hopper").strip()
    for cid in (ada, grace):
        cli.ok("move", cid, "longlist")
        cli.ok("score", cid, "longlist", *(f"{c}={marks}" for c in SIFT), "--agreed")
        cli.ok("move", cid, "rejected", "--reason", "Not shortlisted")
    return ada, grace


def test_flag_and_adjustments_are_added_shown_and_saved(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--disability-confident", "--adjustments", ADJUSTMENTS)
    saved = cli.candidate("c001")
    assert saved["disability_confident"] is True
    assert saved["adjustments"] == ADJUSTMENTS
    shown = cli.ok("show", "c001")
    assert "Disability Confident   yes" in shown
    assert ADJUSTMENTS in shown
    detail = json.loads(cli.ok("show", "c001", "--json"))
    assert detail["disability_confident"] is True and detail["adjustments"] == ADJUSTMENTS
    cli.ok("add-candidate", "Grace Hopper")
    assert "disability_confident" not in cli.candidate("c002")  # the default is left out
    assert json.loads(cli.ok("show", "c002", "--json"))["disability_confident"] is False


def test_edit_changes_them_with_a_trace_that_as_of_and_undo_take_back(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--adjustments", ADJUSTMENTS)
    out = cli.ok("edit", "c001", "--disability-confident", "--adjustments", "", as_of="2026-02-04")
    assert out.strip() == "Corrected c001: disability_confident, adjustments."
    saved = cli.candidate("c001")
    assert saved["disability_confident"] is True and "adjustments" not in saved
    assert saved["history"][-1]["was"] == {"disability_confident": "", "adjustments": ADJUSTMENTS}
    before = json.loads(cli.ok("show", "c001", "--json", as_of="2026-02-03"))
    assert before["disability_confident"] is False and before["adjustments"] == ADJUSTMENTS
    cli.ok("undo", "c001", "--reason", "Wrong candidate", as_of="2026-02-04")
    saved = cli.candidate("c001")
    assert "disability_confident" not in saved and saved["adjustments"] == ADJUSTMENTS
    cli.ok("edit", "c001", "--no-disability-confident", "--name", "Ada King", as_of="2026-02-05")
    assert cli.candidate("c001")["history"][-1]["was"] == {"name": "Ada Lovelace"}


def test_the_agenda_says_yes_or_no_and_never_the_details(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--adjustments", ADJUSTMENTS)
    cli.ok("add-candidate", "Grace Hopper")
    cli.ok("schedule", "c001", "interview", "2026-03-03 10:00")
    cli.ok("schedule", "c002", "interview", "2026-03-03 11:00")
    shown = cli.ok("agenda", "2026-03-03")
    assert "Adjustments" in shown and ADJUSTMENTS not in shown
    rows = {line.split()[1]: line.split()[-1] for line in shown.splitlines() if " c00" in line}
    assert rows == {"c001": "yes", "c002": "no"}
    listed = json.loads(cli.ok("agenda", "2026-03-03", "--json"))
    assert [(item["id"], item["adjustments"]) for item in listed] == [
        ("c001", True),
        ("c002", False),
    ]
    assert ADJUSTMENTS not in json.dumps(listed)


def test_the_details_never_reach_panel_outputs_or_exports(cli, tmp_path: Path) -> None:
    _two_alike(cli)
    cli.ok("monitoring", "c001", "ethnicity=mixed", "religion=sikh")
    outputs = {
        "candidates": cli.ok("candidates", "--json"),
        "merit": cli.ok("merit", "longlist", "--json"),
        "csv": cli("export", "csv").stdout_bytes.decode("utf-8-sig"),
        "json": cli.ok("export", "json"),
        "panel report": cli.ok("report", "--for", "panel"),
        "commission report": cli.ok("report", "--for", "commission"),
    }
    workbook = tmp_path / "sift.xlsx"
    cli.ok("export", "xlsx", "-o", str(workbook))
    for name, text in outputs.items():
        assert ADJUSTMENTS not in text, name
        assert "sikh" not in text.lower() or name == "commission report", name
        assert "disability_confident" not in text, name
    exported = json.loads(outputs["json"])
    assert all("adjustments" not in c for c in exported["candidates"])
    from openpyxl import load_workbook

    cells = [str(c.value) for row in load_workbook(workbook).active.iter_rows() for c in row]
    assert not any(ADJUSTMENTS in cell or "sikh" in cell.lower() for cell in cells)


def test_export_subject_gives_the_person_everything(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--disability-confident", "--adjustments", ADJUSTMENTS)
    cli.ok("monitoring", "c001", "sex=female", "age_band=35-39")
    subject = json.loads(cli.ok("export-subject", "c001"))
    assert subject["candidate"]["adjustments"] == ADJUSTMENTS
    assert subject["candidate"]["disability_confident"] is True
    assert subject["monitoring"] == {"sex": "female", "age_band": "35-39"}


def test_disability_confident_met_the_bar_but_not_invited(cli) -> None:
    ada, grace = _two_alike(cli)
    record, _ = open_record(str(cli.path))
    listed = disability_confident_not_invited(record)
    assert listed == [ada]
    assert grace not in listed  # marked alike and rejected alike, without the opt-in
    cli.ok("edit", grace, "--disability-confident")  # with it, they are listed too
    record, _ = open_record(str(cli.path))
    assert disability_confident_not_invited(record) == [ada, grace]


def test_audit_finds_a_disability_confident_candidate_rejected_at_the_bar(run, cli) -> None:
    """Through the installed script: the candidate who opted in, marked at the bar at the sift
    and rejected there, is an audit finding (exit 1, by id); the one marked and rejected
    alike without the opt-in is not. (The first audit runs the installed script; the
    others run in-process.)"""
    ada, grace = _two_alike(cli)
    env = {"DGTRACKER_FILE": str(cli.path), "DGTRACKER_TODAY": "2026-02-02"}

    done = run("audit", "--json", env=env)

    assert done.returncode == 1, done.stderr
    found = {f["rule"]: f["ids"] for f in json.loads(done.stdout)["findings"]}
    assert found["disability-confident"] == [ada] and grace not in found["disability-confident"]
    text = in_process("audit", env=env).stdout
    assert "disability-confident" in text and "Ada" not in text and "Grace" not in text
    cli.ok("edit", ada, "--no-disability-confident")
    again = json.loads(in_process("audit", "--json", env=env).stdout)
    assert "disability-confident" not in [f["rule"] for f in again["findings"]]


def test_invited_or_below_the_bar_is_not_listed(cli) -> None:
    _two_alike(cli, marks=3)  # below the bar at the sift
    record, _ = open_record(str(cli.path))
    assert disability_confident_not_invited(record) == []
    cli.ok("add-candidate", "Mary Seacole", "--disability-confident")
    cli.ok("move", "c003", "longlist")
    cli.ok("score", "c003", "longlist", *(f"{c}=5" for c in SIFT), "--agreed")
    record, _ = open_record(str(cli.path))
    assert disability_confident_not_invited(record) == ["c003"]
    cli.ok("schedule", "c003", "interview", "2026-03-03 10:00")  # a slot is an invitation
    record, _ = open_record(str(cli.path))
    assert disability_confident_not_invited(record) == []


def test_monitoring_answers_are_checked_against_the_policy(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    assert "[monitoring.questions]" in cli.path.read_text(encoding="utf-8")  # written at init
    before = cli.path.read_bytes()
    refused = cli("monitoring", "c001", "sex=unknown")
    assert refused.exit_code == 1
    assert "not an answer to sex" in refused.output
    assert "female, male, prefer-not-to-say" in refused.output
    assert cli("monitoring", "c001", "shoe_size=9").exit_code == 1
    assert cli("monitoring", "c001", "sex").exit_code == 1
    assert cli.path.read_bytes() == before
    out = cli.ok("monitoring", "c001", "sex=Female", "age-band=35-39")
    assert out.strip() == "Recorded c001's answers: sex, age_band."
    answers = cli.candidate("c001")["monitoring"]
    assert [(a["question"], a["value"], str(a["on"])) for a in answers] == [
        ("sex", "female", "2026-02-02"),
        ("age_band", "35-39", "2026-02-02"),
    ]
    cli.ok("monitoring", "c001", "sex=prefer-not-to-say", as_of="2026-02-05")
    now = cli.ok("monitoring", "c001", as_of="2026-02-05")
    assert now.splitlines() == ["sex: prefer-not-to-say", "age_band: 35-39"]
    as_was = json.loads(cli.ok("monitoring", "c001", "--json", as_of="2026-02-03"))
    assert as_was == {"id": "c001", "answers": {"sex": "female", "age_band": "35-39"}}
    shown = cli.ok("show", "c001") + cli.ok("show", "c001", "--json")
    assert "35-39" not in shown and "prefer-not-to-say" not in shown


def test_the_policy_is_the_records_own(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    text = cli.path.read_text(encoding="utf-8")
    cli.path.write_text(
        text.replace('sex = [\n    "female",', 'sex = [\n    "intersex",\n    "female",'),
        encoding="utf-8",
    )
    cli.ok("monitoring", "c001", "sex=intersex")
    assert " is valid: " in cli.ok("check")
    # an answer the policy does not allow (typed into the file) is a problem `check` names
    text = cli.path.read_text(encoding="utf-8")
    cli.path.write_text(text.replace('value = "intersex"', 'value = "robot"'), encoding="utf-8")
    checked = cli("check")
    assert checked.exit_code == 3
    assert "monitoring[0].value: 'robot' is not one of intersex, female" in checked.output


def test_an_older_record_without_the_policy_uses_the_default_lists(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    data = cli.path.read_text(encoding="utf-8")
    start = data.index("[monitoring.questions]")
    end = data.index("[[milestones]]")
    cli.path.write_text(data[:start] + data[end:], encoding="utf-8")
    cli.ok("monitoring", "c001", "religion=buddhist")
    assert "[monitoring" not in cli.path.read_text(encoding="utf-8").split("[[candidates]]")[0]
    assert cli("monitoring", "c001", "religion=jedi").exit_code == 1


def _diversity(cli, as_of: str | None = None) -> dict:
    return json.loads(cli.ok("diversity", "--json", as_of=as_of or "2026-02-02"))


def test_diversity_counts_by_stage_where_declared_and_suppresses(cli) -> None:
    for number in range(1, 12):
        cli.ok("add-candidate", f"Person {number}")
        sex = "female" if number <= 7 else "male"  # 7 and 4
        cli.ok("monitoring", f"c{number:03d}", f"sex={sex}")
    for number in range(1, 7):
        cli.ok("move", f"c{number:03d}", "longlist")
    shown = _diversity(cli)
    assert [stage["stage"] for stage in shown["stages"]] == [
        "applied",
        "sifted_in",
        "shortlisted",
        "interviewed",
        "appointable",
        "appointed",
    ]
    assert set(shown["stages"][0]) == {"stage", "total", "counts"}
    applied, sifted = shown["stages"][0], shown["stages"][1]
    assert applied["total"] == 11
    # male 4 is suppressed; female 7 would give it away (11 - 7), so it goes too
    assert applied["counts"]["sex"] == {"female": None, "male": None, "prefer-not-to-say": 0}
    assert sifted["total"] == 6 and sifted["counts"]["sex"]["female"] == 6
    assert applied["counts"]["religion"]["christian"] == 0  # no one declared it
    table = cli.ok("diversity")
    assert "where declared" in table and "*" in table


def test_diversity_after_a_purge_still_counts_the_people_purged(cli) -> None:
    for number in range(1, 7):
        cli.ok("add-candidate", f"Person {number}", "--adjustments", "Large print")
        cli.ok("monitoring", f"c{number:03d}", "ethnicity=white", "disability=yes")
    before = _diversity(cli)
    out = cli.ok("purge", "--candidate", "c002")
    assert "c002" in out
    gone = cli.candidate("c002")
    assert "monitoring" not in gone and "adjustments" not in gone
    assert "Large print" not in json.dumps(gone, default=str)
    kept = cli.data()["monitoring"]["kept"]
    assert sorted((k["question"], k["value"]) for k in kept) == [
        ("disability", "yes"),
        ("ethnicity", "white"),
    ]
    assert all(set(k) == {"question", "value", "reached", "token"} for k in kept)
    assert _diversity(cli) == before
    assert before["stages"][0]["counts"]["ethnicity"]["white"] == 6


def test_monitoring_and_diversity_through_the_installed_script(run, tmp_path: Path) -> None:
    """c001's answer and the counts go through the installed script; the set-up (and the
    other four answers) run in-process."""
    env = {"DGTRACKER_FILE": str(tmp_path / "c.toml"), "DGTRACKER_TODAY": "2026-02-02"}
    assert in_process("init", env=env).returncode == 0
    for number in range(1, 6):
        assert in_process("add-candidate", f"P{number}", env=env).returncode == 0
        answer = ("monitoring", f"c00{number}", "sex=male")
        done = run(*answer, env=env) if number == 1 else in_process(*answer, env=env)
        assert done.returncode == 0, done.stderr
    done = run("diversity", "--json", env=env)
    assert done.returncode == 0, done.stderr
    applied = json.loads(done.stdout)["stages"][0]
    assert applied["total"] == 5 and applied["counts"]["sex"]["male"] == 5
    saved = tomllib.loads((tmp_path / "c.toml").read_text(encoding="utf-8"))
    assert saved["candidates"][0]["monitoring"][0]["value"] == "male"


def test_check_refuses_a_flag_or_adjustments_that_break_their_rules(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--adjustments", ADJUSTMENTS)
    text = cli.path.read_text(encoding="utf-8")
    broken = text.replace(
        f'adjustments = "{ADJUSTMENTS}"',
        f'adjustments = "{"x" * 2001}"\ndisability_confident = "yes"',
    )
    cli.path.write_text(broken, encoding="utf-8")
    checked = cli("check")
    assert checked.exit_code == 3
    assert "disability_confident: expected true or false, found text" in checked.output
    assert "adjustments:" in checked.output and "2,000" in checked.output
    assert cli("edit", "c001", "--adjustments", "Quiet").exit_code == 3  # unusable until fixed
    cli.path.write_text(text, encoding="utf-8")
    refused = cli("edit", "c001", "--adjustments", "x" * 2001)
    assert refused.exit_code == 1 and "the limit is 2,000" in refused.output
    assert cli.path.read_text(encoding="utf-8") == text


def test_the_commission_report_carries_the_counts_where_declared(cli) -> None:
    for number in range(1, 9):
        cli.ok("add-candidate", f"Person {number}")
        cli.ok("monitoring", f"c{number:03d}", "disability=yes" if number <= 6 else "disability=no")
    page = cli.ok("report", "--for", "commission")
    assert "Diversity by stage, where declared" in page
    row = page.split("disability: yes</th>", 1)[1].split("</tr>", 1)[0]
    cells = [cell.split(">")[-1] for cell in row.split("</td>")[:-1]]
    assert cells == ["*", "0", "0", "0", "0", "0"]  # 6 beside 2 (suppressed) and a total of 8
    total = page.split("Total at the stage</th>", 1)[1].split("</tr>", 1)[0]
    assert ">8<" in total
    assert "Diversity by stage" not in cli.ok("report", "--for", "panel")


def test_answers_given_together_keep_each_moment_as_written(cli) -> None:
    """Answers read with the same moment share one object; one written with another offset
    (the same instant) is not taken for it, though a save writes every answer's moment in
    UTC, as it always has."""
    cli.ok("add-candidate", "Ada Lovelace")
    utc, london = "2026-02-02 09:00:00+00:00", "2026-02-02 10:00:00+01:00"
    answers = "".join(
        f'    {{ at = {at}, on = 2026-02-02, question = "{question}", value = "{value}" }},\n'
        for at, question, value in (
            (utc, "sex", "female"),
            (utc, "age_band", "35-39"),
            (london, "disability", "no"),
        )
    )
    text = cli.path.read_text(encoding="utf-8")
    mine = 'stage = "applied"\n'  # the candidate's own, before their history
    text = text.replace(mine, f"{mine}monitoring = [\n{answers}]\n", 1)
    cli.path.write_text(text, encoding="utf-8")
    record, _ = open_record(cli.path)
    first, second, third = record.candidates[0].monitoring
    assert first.at is second.at and third.at == first.at and third.at is not first.at
    cli.ok("monitoring", "c001", "ethnicity=white")  # the candidate written anew
    saved = cli.path.read_text(encoding="utf-8")
    assert saved.count(f"at = {utc},") == 3 and london not in saved
