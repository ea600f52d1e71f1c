"""The installed `dgtracker` script, as a user runs it: a whole session, and no tracebacks."""

import json
import os


def test_a_session_through_the_installed_script(run, tmp_path) -> None:
    record = str(tmp_path / "campaign.toml")
    base = ["--file", record, "--as-of", "2026-02-02"]
    assert run(*base, "init").returncode == 0
    added = run(*base, "add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    assert added.returncode == 0 and added.stdout.strip() == "c001"
    assert run(*base, "move", "c001", "longlist", "--note", "Good sift").returncode == 0
    status = run(*base, "status", "--json")
    assert status.returncode == 0
    assert json.loads(status.stdout)["pipeline"]["longlist"] == 1
    table = run(*base, "status", env={"NO_COLOR": ""})
    assert "Applications close" in table.stdout and "\x1b" not in table.stdout
    assert run(*base, "check").returncode == 0


def test_errors_are_messages_not_tracebacks(run, tmp_path) -> None:
    record = tmp_path / "campaign.toml"
    missing = run("--file", str(record), "status")
    assert missing.returncode == 3
    assert "No record" in missing.stderr and "Traceback" not in missing.stderr
    record.write_bytes(b"\xff\xfe not text")
    broken = run("--file", str(record), "status")
    assert broken.returncode == 3 and "not UTF-8" in broken.stderr
    assert "Traceback" not in broken.stderr
    folder = run("--file", str(tmp_path), "status")
    assert folder.returncode == 3 and "Traceback" not in folder.stderr


def test_unexpected_errors_are_reported_without_a_traceback(run, tmp_path) -> None:
    """An internal failure (simulated) still ends in a short message and exit 70."""
    import subprocess
    import sys

    script = (
        "import sys, dgtracker.out.json_contract as v\n"
        "def boom(*a, **k): raise KeyError('secret')\n"
        "v.status_json = boom\n"
        "from dgtracker.cli.app import main\n"
        f"sys.argv = ['dgtracker', '--file', {str(tmp_path / 'c.toml')!r}, 'status', '--json']\n"
        "main()\n"
    )
    run("--file", str(tmp_path / "c.toml"), "init")
    env = {k: v for k, v in os.environ.items() if k != "DGTRACKER_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 70
    assert "unexpected internal error (KeyError)" in result.stderr
    assert "Traceback" not in result.stderr and "secret" not in result.stderr


def test_a_global_option_after_the_command_gets_a_hint(run, tmp_path) -> None:
    result = run("status", "--as-of", "2026-02-02")
    assert result.returncode == 2
    assert "--as-of is a global option: it goes before the command" in result.stderr
    assert "dgtracker --as-of ... status ..." in result.stderr
    result = run("--file", str(tmp_path / "x.toml"), "note", "c001", "--file")
    assert result.returncode == 2 and "--file is a global option" in result.stderr
    assert "dgtracker --file ... note ..." in result.stderr


def test_no_global_option_hint_when_the_command_itself_is_unknown(run, tmp_path) -> None:
    # As from `--file *.toml` matching two files: the second path stands where the command goes.
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    result = run("--file", str(first), str(second), "--as-of", "2026-02-02", "status")
    assert result.returncode == 2 and "No such command" in result.stderr
    assert "global option" not in result.stderr
