"""Erasure in a shared record's git history: every commit rewritten to hold the record as
erased (`purge --rewrite-history`), and a clone's unsent commits moved onto a remote whose
history was rewritten (`sync`).

The rewrite is git-filter-repo's, run as a library (it is imported only here). Each blob is
redacted as text, not loaded and saved as a record: an old version may predate today's
rules or layout (or hold a half-resolved merge) and would not load, and a text rewrite
reaches the person wherever they are mentioned, in the record, in any other file committed
beside it, and in commit messages.

git-filter-repo is imported only by a rewrite (every commit to a shared record loads this
module).
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import shutil
import subprocess
import time
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dgtracker.errors import Refused
from dgtracker.record.locking import lock_timeout
from dgtracker.record.model import anonymised_name
from dgtracker.record.storage import is_shared

ERASED = "[erased]"
MOVE_OLD = "git reflog expire --expire=now --all && git gc --prune=now"


@dataclass
class Person:
    """One erased person as every version of the record knew them."""

    id: str
    added: str | None  # the moment of their first history entry, as written
    names: set[str] = field(default_factory=set)  # full names and emails
    phones: set[str] = field(default_factory=set)  # digits only


# --- before: what may be rewritten, and who ------------------------------------------------


def ready(record: Path) -> Git:
    """Refuse a rewrite that would lose work: not shared, uncommitted changes, a stopped
    merge, or team commits this copy lacks (a forced push would drop them)."""
    record = record.absolute()
    folder = record.parent
    if not is_shared(record):
        raise Refused(
            f"{record} is not shared: it has no git history to rewrite.",
            hint="Run 'dgtracker purge' without --rewrite-history.",
        )
    git = Git(folder)
    operation = _operation(folder)
    if operation is not None:
        raise Refused(
            f"A git {operation} is stopped half-way in {folder}: history cannot be rewritten now.",
            hint="Finish it (dgtracker check, resolve) or abort it, then run this again.",
        )
    if git.out("status", "--porcelain", "--untracked-files=no"):
        raise Refused(
            f"{folder} has uncommitted changes: history cannot be rewritten now.",
            hint="Commit them (dgtracker sync) or discard them (git restore), then run this again.",
        )
    remote = _remote(git)
    if remote is not None:
        name, branch = remote
        if not git.ok("fetch", "-q", name):
            raise Refused(
                f"Remote unreachable: {name}; history was not rewritten.",
                hint="Run 'dgtracker purge --rewrite-history' again when online.",
            )
        tracking = f"refs/remotes/{name}/{branch}"
        if _tip(git, tracking) and not git.ok("merge-base", "--is-ancestor", tracking, "HEAD"):
            raise Refused(
                f"{name} has changes this copy does not have yet: a rewrite would drop them.",
                hint="Run 'dgtracker sync', then 'dgtracker purge --rewrite-history'.",
            )
    return git


def _remote(git: Git) -> tuple[str, str] | None:
    """The remote and branch the record syncs with, if it has one."""
    remotes = git.out("remote").split()
    if not remotes:
        return None
    branch = git.out("symbolic-ref", "--short", "HEAD")
    upstream = git.run("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
    if upstream.returncode == 0:
        name, _, remote_branch = upstream.stdout.strip().partition("/")
        return name, remote_branch
    return ("origin" if "origin" in remotes else remotes[0]), branch


def _tip(git: Git, ref: str) -> str | None:
    done = git.run("rev-parse", "--verify", "-q", ref, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def erased_people(record: Path, git: Git) -> list[Person]:
    """Everyone erased in the record now, with every name, email and phone any committed
    version gave them (found by their id and the moment they were added, or by a name or
    email already found: a person renumbered by an old merge is still found)."""
    data = tomllib.loads(record.read_text(encoding="utf-8"))
    people = [
        Person(str(c["id"]), _added(c))
        for c in data.get("candidates", [])
        if c.get("name") == anonymised_name(str(c.get("id")))
    ]
    if not people:
        return []
    pieces = {piece for text in _versions(git, record.name) for piece in _split(text)[1]}
    tables = {_own(piece)[0] for piece in pieces}
    changed = True
    while changed:  # each table found can name the person in another
        changed = False
        spotted = _Spotter(people)
        for own in tables:
            found = spotted.whose(own)
            if found is None:
                continue
            candidate, person = found
            names = _identifiers(candidate)
            phones = {_digits(p) for p in _phones(candidate)} - {""}
            if not (names <= person.names and phones <= person.phones):
                person.names |= names
                person.phones |= phones
                changed = True
    return people


def _is(candidate: dict[str, Any], person: Person) -> bool:
    same_start = candidate.get("id") == person.id and _added(candidate) == person.added
    return same_start or bool(_identifiers(candidate) & person.names)


def _added(candidate: dict[str, Any]) -> str | None:
    history = candidate.get("history") or [{}]
    return str(history[0].get("at")) if isinstance(history[0], dict) else None


def _identifiers(candidate: dict[str, Any]) -> set[str]:
    """Names and emails, now and before an edit, case-folded."""
    values = [candidate.get("name"), candidate.get("email")]
    for event in candidate.get("history") or []:
        was = event.get("was") if isinstance(event, dict) else None
        if isinstance(was, dict):
            values += [was.get("name"), was.get("email")]
    return {
        str(v).casefold()
        for v in values
        if isinstance(v, str) and v.strip() and v != anonymised_name(str(candidate.get("id")))
    }


def _phones(candidate: dict[str, Any]) -> list[str]:
    values = [candidate.get("phone")]
    for event in candidate.get("history") or []:
        was = event.get("was") if isinstance(event, dict) else None
        values += [was.get("phone")] if isinstance(was, dict) else []
    return [v for v in values if isinstance(v, str)]


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return digits if len(digits) >= 6 else ""  # fewer: too like a date or a count


def _versions(git: Git, name: str) -> Iterator[str]:
    """Every distinct committed text of the file `name`, on every ref."""
    listed = git.out("rev-list", "--all", "--objects")
    blobs = sorted(
        {line.split(" ", 1)[0] for line in listed.splitlines() if line.endswith(f" {name}")}
    )
    if not blobs:
        return
    out = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=git.folder,
        input="\n".join(blobs).encode() + b"\n",
        capture_output=True,
        check=True,
    ).stdout
    at = 0
    while at < len(out):
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        yield out[header_end + 1 : header_end + 1 + size].decode("utf-8", "replace")
        at = header_end + 1 + size + 1


# --- redaction, as text --------------------------------------------------------------------

_COMBINING = "[\u0300-\u036f]*"  # accents written as separate marks
_HEADER = "\n[[candidates]]\n"  # each candidate's table starts so (tomli-w's layout)
_ENDS_TABLE = re.compile(r"^[ \t]*\[(?!\[?candidates\.)", re.MULTILINE)


def _split(text: str) -> tuple[str, list[str]]:
    """The text before the first candidate's table (after a newline put in front, so the
    first table is found at the very start too), and each table with whatever follows it
    up to the next one."""
    head, *pieces = ("\n" + text).split(_HEADER)
    return head, pieces


def _own(piece: str) -> tuple[str, str]:
    """A table's own lines (its history and the like), and the other tables after it."""
    end = _ENDS_TABLE.search(piece)
    cut = end.start() if end else len(piece)
    return piece[:cut], piece[cut:]


class _Spotter:
    """Finds which of `people` a candidate's table is, reading only the tables where one
    of their ids or names appears."""

    def __init__(self, people: list[Person]) -> None:
        self.people = people
        self.ids = [f'"{p.id}"' for p in people]
        found = "|".join(f"(?:{_any_of(p)})" for p in people if p.names or p.phones)
        self.names = re.compile(found, re.IGNORECASE) if found else None

    def whose(self, own: str) -> tuple[dict[str, Any], Person] | None:
        if not any(i in own for i in self.ids) and not (self.names and self.names.search(own)):
            return None
        candidate = _read(own)
        person = next((p for p in self.people if candidate and _is(candidate, p)), None)
        return (candidate, person) if candidate and person else None

    def words(self, text: str) -> str:
        """Their names, emails and phones in `text` replaced by [erased]."""
        return self.names.sub(ERASED, text) if self.names else text


@functools.lru_cache(maxsize=4096)  # a table unchanged across versions is read once
def _read(own: str) -> dict[str, Any] | None:
    try:
        found = tomllib.loads(_HEADER + own).get("candidates", [None])[0]
    except tomllib.TOMLDecodeError:  # git's conflict markers, a half-written table
        return None
    return found if isinstance(found, dict) else None


class Redactor:
    """Redacts one version of a file after another; each piece of text unchanged since an
    earlier version (most of a record) is redacted once."""

    def __init__(self, people: list[Person], stubs: dict[str, str]) -> None:
        self.spotter = _Spotter(people)
        self.stubs = stubs
        self.done: dict[str, str] = {}  # text: as redacted
        self.pieces: dict[str, str] = {}  # a table and what follows it: as redacted

    def __call__(self, text: str) -> str:
        """The text with each erased person's table replaced by the record's erased one
        (their stub), and their names, emails and phones anywhere else by [erased]."""
        head, pieces = _split(text)
        return _HEADER.join([self._words(head), *map(self._piece, pieces)])[1:]

    def _piece(self, piece: str) -> str:
        if piece not in self.pieces:
            own, rest = _own(piece)
            found = self.spotter.whose(own)
            if found is not None and found[1].id in self.stubs:
                own = self.stubs[found[1].id]
            else:
                own = self.spotter.words(own)
            self.pieces[piece] = own + self.spotter.words(rest)
        return self.pieces[piece]

    def _words(self, text: str) -> str:
        if text not in self.done:
            self.done[text] = self.spotter.words(text)
        return self.done[text]


def redact(text: str, people: list[Person], stubs: dict[str, str]) -> str:
    """One text redacted (see Redactor)."""
    return Redactor(people, stubs)(text)


def stubs_of(record: Path, people: list[Person]) -> dict[str, str]:
    """Each erased person's table as the record holds it now (its own lines)."""
    spotter = _Spotter(people)
    stubs = {}
    for piece in _split(record.read_text(encoding="utf-8"))[1]:
        found = spotter.whose(_own(piece)[0])
        if found is not None and found[0].get("id") == found[1].id:
            stubs[found[1].id] = _own(piece)[0]
    return stubs


def _any_of(person: Person) -> str:
    """A pattern for any name, email or phone of the person: names and emails in any case,
    with or without accents; phones whatever the spaces and dashes between digits."""
    names = [_folded_pattern(name) for name in sorted(person.names, key=len, reverse=True)]
    phones = [_phone_pattern(phone) for phone in sorted(person.phones)]
    return "|".join(names + phones)


def _phone_pattern(digits: str) -> str:
    """The number whatever the spaces and dashes, and a national one (07700 900123) also
    written with a country code (+44 7700 900123, +44 (0)7700 900123)."""
    gap = r"[\s\-().]*"
    national = gap.join(re.escape(d) for d in digits)
    if digits.startswith("0"):
        rest = gap.join(re.escape(d) for d in digits[1:])
        return rf"(?<!\d)(?:\+?{national}|\+\d{{1,3}}{gap}(?:\(?0\)?{gap})?{rest})(?!\d)"
    return rf"(?<!\d)\+?{national}(?!\d)"


def _fold(char: str) -> str:
    """A character as compared: without accents, case-folded."""
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return base.casefold()


@functools.cache
def _accented() -> dict[str, str]:
    """Each Latin letter's accented forms (Latin-1 and Latin Extended A and B)."""
    found: dict[str, str] = {}
    for code in range(0xC0, 0x250):
        base = _fold(chr(code))
        if len(base) == 1 and base.isascii():
            found[base] = found.get(base, "") + chr(code)
    return found


def _folded_pattern(value: str) -> str:
    """`value` as a pattern that matches it with or without accents (with IGNORECASE)."""
    pieces = []
    for char in value:
        if char.isspace():
            pieces.append(r"\s+")
            continue
        for base in _fold(char) or char:
            options = {base, *_accented().get(base, "")}
            pieces.append("[" + "".join(re.escape(o) for o in sorted(options)) + "]" + _COMBINING)
    return "".join(pieces)


# --- the rewrite ----------------------------------------------------------------------


def rewrite(record: Path, git: Git) -> list[str]:
    """Rewrite every commit so that it holds the record as erased, drop the old commits
    from this repository, and push with a lease; what happened, by count only."""
    record = record.absolute()
    people = erased_people(record, git)
    if not people:
        return ["No one is erased in the record: its history was left as it is."]
    stubs = stubs_of(record, people)
    remote = _remote(git)
    lease = _tip(git, f"refs/remotes/{remote[0]}/{remote[1]}") if remote else None
    before = int(git.out("rev-list", "--count", "--all"))
    refs = git.out("for-each-ref", "--format=%(objectname) %(refname)").splitlines()
    _filter(git.folder, people, stubs)
    if remote is not None:
        name, branch = remote
        lease_arg = f"--force-with-lease=refs/heads/{branch}:{lease or ''}"
        pushed = git.run("push", "-q", lease_arg, name, f"HEAD:refs/heads/{branch}", check=False)
        if pushed.returncode != 0:  # all or nothing: a rewrite never sent is undone here
            for line in refs:
                git.run("update-ref", *reversed(line.split(" ", 1)))
            git.run("reset", "-q", "--hard")
            raise Refused(
                f"Could not send the rewritten history to {name} "
                f"({_first_line(pushed.stderr)}); the history here is left as it was.",
                hint="Someone may have sent changes meanwhile: run 'dgtracker sync', then "
                "'dgtracker purge --rewrite-history' again.",
            )
    git.run("reflog", "expire", "--expire=now", "--all")  # the old commits, gone from here
    git.run("gc", "-q", "--prune=now")
    lines = [
        f"Rewrote the record's git history ({before} commit(s)) so that every commit holds "
        f"{', '.join(p.id for p in people)} as erased; the old commits are gone from this folder."
    ]
    if remote is None:
        return [*lines, "No remote: nothing to send."]
    return [
        *lines,
        f"Sent the rewritten history to {remote[0]} (a forced push, with a lease). Each "
        "teammate's next 'dgtracker sync' moves their copy onto it; see 'dgtracker docs "
        "data-protection'.",
    ]


def _filter(folder: Path, people: list[Person], stubs: dict[str, str]) -> None:
    """git-filter-repo over every ref: each blob and commit message redacted."""
    import git_filter_repo as fr  # only this command needs it

    redactor = Redactor(people, stubs)

    def blob(blob: Any, _metadata: Any) -> None:
        try:
            text = blob.data.decode("utf-8")
        except UnicodeDecodeError:  # not text: no name to find in it as written
            return
        blob.data = redactor(text).encode("utf-8")

    def message(text: bytes) -> bytes:
        return redactor.spotter.words(text.decode("utf-8", "replace")).encode("utf-8")

    # --partial keeps the remote and its refs (no fresh-clone steps); replace refs would
    # keep every old commit reachable; a commit left empty (the purge's own) is kept, so
    # the log still says when the purge was made
    options = ["--force", "--partial", "--replace-refs", "delete-no-add", "--quiet"]
    args = fr.FilteringOptions.parse_args([*options, "--prune-empty", "never"])
    results = folder / ".git" / "filter-repo"
    shutil.rmtree(results, ignore_errors=True)  # a past run's state would make it ask
    said = io.StringIO()
    try:
        with contextlib.chdir(folder), contextlib.redirect_stdout(said):
            fr.RepoFilter(args, blob_callback=blob, message_callback=message).run()
    except SystemExit as stop:
        raise Refused(
            f"git-filter-repo stopped: {stop.code or said.getvalue().strip()}",
            hint=f"Nothing was sent; run 'git status' in {folder} to see why.",
        ) from None
    finally:
        shutil.rmtree(results, ignore_errors=True)


# --- a teammate's sync after a rewrite ---------------------------------------------------


def rewritten(git: Git, before: str, tracking: str) -> bool:
    """Whether the remote's branch was rewritten: what we last saw of it is no longer in
    what it holds now."""
    now = _tip(git, tracking)
    return bool(now and before != now) and not git.ok(
        "merge-base", "--is-ancestor", before, tracking
    )


def move_onto(git: Git, before: str, tracking: str) -> tuple[int, list[str]]:
    """Replay this copy's unsent commits (those after `before`) onto the rewritten remote;
    each is merged through the record's merge driver, so an erasure in the remote stays.
    How many were moved, and what the driver said (a copy it refused: which broke which
    rule); a stop for a conflict is left as a rebase for `resolve`."""
    moved = int(git.out("rev-list", "--count", "--no-merges", f"{before}..HEAD"))
    done = git.run(
        "-c", "core.editor=true", "rebase", "-q", "--onto", tracking, before, check=False
    )
    if done.returncode != 0 and _operation(git.folder) is None:
        raise Refused(f"git rebase failed: {_first_line(done.stderr or done.stdout)}")
    told = [line for line in done.stderr.splitlines() if line.startswith("dgtracker: ")]
    return moved, told


def rewritten_said(moved: int) -> str:
    """The one sentence a sync says after moving onto a rewritten remote."""
    return (
        "The remote's history was rewritten (an erasure): this copy now follows it, "
        f"with its {moved} unsent commit(s) moved onto it; the old commits stay only in this "
        f"folder's reflog until '{MOVE_OLD}' removes them."
    )


class Git:
    """git, run in one folder, without prompts (cron has no terminal)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._who: list[str] | None = None

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run git; while another git holds one of its own lock files (an editor's
        `git status`, a `git gc`), wait for it, as long as the record's lock would."""
        deadline = time.monotonic() + lock_timeout()
        pause = 0.01
        done = self._once(args)
        while done.returncode != 0 and _GIT_BUSY.search(done.stderr):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.2)
            done = self._once(args)
        if check and done.returncode != 0:
            raise Refused(
                f"git {args[0]} failed: {_first_line(done.stderr or done.stdout)}",
                hint=f"The record itself is saved; run 'git status' in {self.folder} to see why.",
            )
        return done

    def _once(self, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        try:
            who = self._identity() if _makes_commits(args) else []
            return subprocess.run(
                ["git", *who, *args],
                cwd=self.folder,
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
        except FileNotFoundError:
            raise Refused("git is not installed.", hint="Install git to share a record.") from None

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()

    def _identity(self) -> list[str]:
        """Who commits: git's own setting; else, as under cron, this user on this host."""
        if self._who is None:
            probe = subprocess.run(
                ["git", "var", "GIT_COMMITTER_IDENT"],
                cwd=self.folder,
                capture_output=True,
                env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
                check=False,
            )
            user = next(
                (
                    os.environ[name]
                    for name in ("USER", "LOGNAME", "USERNAME")
                    if os.environ.get(name)
                ),
                "dgtracker",
            )
            self._who = (
                []
                if probe.returncode == 0
                else ["-c", f"user.name={user}", "-c", f"user.email={user}@localhost"]
            )
        return self._who


# The commands that write a commit, and so need someone to write it as: the others run
# without asking who that is (one git process fewer for each read of the repository).
_COMMITTING = frozenset({"commit", "merge", "cherry-pick", "rebase", "revert"})


def _makes_commits(args: tuple[str, ...]) -> bool:
    """Whether git `args` (after any `-c name=value`) can write a commit."""
    at = 0
    while at + 1 < len(args) and args[at] == "-c":
        at += 2
    return at < len(args) and args[at] in _COMMITTING


_GIT_BUSY = re.compile(r"Unable to create '[^']*\.lock': File exists")


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    wanted = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (wanted or lines or ["no message"])[0]


def _operation(folder: Path) -> str | None:
    """The git operation stopped half-way in this repository, if any."""
    git_dir = folder / ".git"
    if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
        return "rebase"
    if (git_dir / "CHERRY_PICK_HEAD").exists():
        return "cherry-pick"
    if (git_dir / "MERGE_HEAD").exists():
        return "merge"
    return None
