"""`report --pdf` finds the browser where people have it: --browser PATH, then
$DGTRACKER_BROWSER, PATH, and the folders Chrome, Edge and Chromium install into on Windows
and macOS; without one, the hint says what to install on that system."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dgtracker.report import browser


def _fake_browser(path: Path) -> Path:
    """A program that "prints" by writing a small PDF where --print-to-pdf says."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "for word in sys.argv:\n"
        "    if word.startswith('--print-to-pdf='):\n"
        "        open(word.split('=', 1)[1], 'wb').write(b'%PDF-1.4 ' + sys.argv[0].encode())\n",
        encoding="utf-8",
    )
    path.chmod(0o700)
    return path


@pytest.fixture
def no_browser_on_path(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv(browser.ENVIRONMENT, raising=False)


@pytest.fixture
def windows(monkeypatch, tmp_path, no_browser_on_path) -> dict[str, Path]:
    folders = {
        name: tmp_path / name.replace("(", "_").replace(")", "") for name in browser.WINDOWS_FOLDERS
    }
    for name, folder in folders.items():
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setattr(browser, "SYSTEM", "win32")
    return folders


def test_edge_in_program_files_x86_prints_the_pdf_on_windows(cli, windows, tmp_path) -> None:
    edge = _fake_browser(windows["ProgramFiles(x86)"] / "Microsoft/Edge/Application/msedge.exe")

    out = cli.ok("report", "--pdf", str(tmp_path / "r.pdf"))

    assert "Wrote" in out
    assert (tmp_path / "r.pdf").read_bytes() == b"%PDF-1.4 " + str(edge).encode()


def test_chrome_comes_before_edge_and_a_users_own_install_counts(windows) -> None:
    _fake_browser(windows["ProgramFiles"] / "Microsoft/Edge/Application/msedge.exe")
    chrome = _fake_browser(windows["LocalAppData"] / "Google/Chrome/Application/chrome.exe")
    assert browser.find_browser() == str(chrome)


def test_chromium_in_local_app_data_is_found(windows) -> None:
    chromium = _fake_browser(windows["LocalAppData"] / "Chromium/Application/chrome.exe")
    assert browser.find_browser() == str(chromium)


def test_an_application_bundle_is_found_on_macos(monkeypatch, tmp_path, no_browser_on_path) -> None:
    system, own = tmp_path / "Applications", tmp_path / "home" / "Applications"
    monkeypatch.setattr(browser, "MAC_FOLDERS", (system, own))
    monkeypatch.setattr(browser, "SYSTEM", "darwin")
    assert browser.find_browser() is None
    edge = _fake_browser(own / "Microsoft Edge.app/Contents/MacOS/Microsoft Edge")
    assert browser.find_browser() == str(edge)
    chrome = _fake_browser(system / "Google Chrome.app/Contents/MacOS/Google Chrome")
    assert browser.find_browser() == str(chrome)


def test_the_install_places_are_the_standard_ones() -> None:
    env = {"ProgramFiles": r"C:\Program Files", "LocalAppData": r"C:\Users\ada\AppData\Local"}
    places = [str(place) for place in browser.install_places("win32", env)]
    assert str(Path(r"C:\Program Files", "Microsoft/Edge/Application/msedge.exe")) in places
    assert len(places) == 6  # three programs in the two folders set
    mac = [str(place) for place in browser.install_places("darwin", {})]
    assert "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" in mac
    assert "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge" in mac
    assert "/Applications/Chromium.app/Contents/MacOS/Chromium" in mac
    assert browser.install_places("linux", env) == []


@pytest.mark.parametrize(
    ("system", "said", "not_said"),
    [
        ("win32", "Microsoft Edge (Edge comes with Windows 10 and 11)", "apt-get"),
        ("darwin", "into Applications", "apt-get"),
        ("linux", "sudo apt-get install chromium", "Windows"),
    ],
)
def test_the_hint_says_what_to_install_on_each_system(
    cli, monkeypatch, tmp_path, no_browser_on_path, system, said, not_said
) -> None:
    monkeypatch.setattr(browser, "MAC_FOLDERS", ())
    monkeypatch.setattr(browser, "SYSTEM", system)
    result = cli("report", "--pdf", str(tmp_path / "r.pdf"))
    assert result.exit_code == 1
    assert said in result.output and not_said not in result.output
    assert "--browser PATH" in result.output and not (tmp_path / "r.pdf").exists()


def test_browser_option_names_the_program(cli, tmp_path, no_browser_on_path) -> None:
    mine = _fake_browser(tmp_path / "portable" / "chrome")
    cli.ok("report", "--pdf", str(tmp_path / "r.pdf"), "--browser", str(mine))
    assert (tmp_path / "r.pdf").read_bytes() == b"%PDF-1.4 " + str(mine).encode()


def test_browser_option_comes_before_the_environment(cli, tmp_path, monkeypatch) -> None:
    mine = _fake_browser(tmp_path / "mine" / "chrome")
    monkeypatch.setenv(browser.ENVIRONMENT, str(_fake_browser(tmp_path / "theirs" / "chrome")))
    cli.ok("report", "--pdf", str(tmp_path / "r.pdf"), "--browser", str(mine))
    assert (tmp_path / "r.pdf").read_bytes() == b"%PDF-1.4 " + str(mine).encode()


def test_a_browser_option_that_is_no_program_is_refused(cli, tmp_path) -> None:
    result = cli("report", "--pdf", str(tmp_path / "r.pdf"), "--browser", str(tmp_path / "no"))
    assert result.exit_code == 1
    assert f"--browser {tmp_path / 'no'} is not a program" in result.output
    assert not (tmp_path / "r.pdf").exists()


def test_browser_without_pdf_is_refused(cli, tmp_path) -> None:
    result = cli("report", "--browser", str(tmp_path / "chrome"))
    assert result.exit_code == 1 and "Add --pdf FILE" in result.output
