"""A record shared through its own git repository: set up, commit each change, sync.

Loaded only when a record's folder is shared (`is_shared`, a cheap look at two files), so
a record kept alone never pays for git. Every git command runs in the record's folder,
which must be the top of its own repository: dgtracker never commits or pushes anywhere
else, and never in its own source tree.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from dgtracker.errors import Refused
from dgtracker.record import storage
from dgtracker.record.storage import DRIVER, is_shared
from dgtracker.team import git_history
from dgtracker.team.git_history import Git, _first_line, _operation

IGNORED = (
    "# dgtracker's working files: lock, temp files, backups",
    ".*.lock",
    ".*.tmp-*",
    "*.bak-*",
    ".merge_file_*",
    "",
)


# git could not take one of its lock files (index.lock, HEAD.lock, a ref's): it did nothing


# --- setting up ----------------------------------------------------------------------


def _refuse_source_tree(top: Path) -> None:
    project = top / "pyproject.toml"
    if (top / "src" / "dgtracker").is_dir() or (
        project.is_file() and 'name = "dgtracker"' in project.read_text(encoding="utf-8")
    ):
        raise Refused(
            f"{top} is dgtracker's own source tree: a record shared there would put "
            "candidates' personal data beside the tool's code.",
            hint="Keep the record in a folder of its own (dgtracker --file ~/campaigns/x/"
            "campaign.toml init), then share that.",
        )


def share(record: Path, command: list[str]) -> list[str]:
    """Make the record's folder its own repository with the merge driver, and commit."""
    record = record.absolute()
    folder = record.parent
    _refuse_source_tree(folder)
    git = Git(folder)
    top = git.run("rev-parse", "--show-toplevel", check=False)
    lines = []
    if top.returncode == 0 and Path(top.stdout.strip()).resolve() != folder.resolve():
        _refuse_source_tree(Path(top.stdout.strip()))
        raise Refused(
            f"{folder} is inside the git repository {top.stdout.strip()}.",
            hint="A shared record needs a folder that is its own repository: move it to a "
            "folder of its own, then run share again.",
        )
    if top.returncode != 0:
        git.run("init", "-q")
        lines.append(f"Made {folder} a git repository.")
    _add_line(folder / ".gitattributes", f"{record.name} merge={DRIVER}")
    for line in IGNORED:
        if line:
            _add_line(folder / ".gitignore", line)

    driver = " ".join(shlex.quote(part) for part in command) + " merge-file %O %A %B %P"
    git.run("config", f"merge.{DRIVER}.driver", driver)
    git.run("config", f"merge.{DRIVER}.name", "dgtracker: merge campaign records by meaning")
    git.run("add", "--", ".gitattributes", ".gitignore", record.name)
    if not git.ok("diff", "--cached", "--quiet"):
        git.run("commit", "-q", "-m", f"share {record.name} with dgtracker")
        lines.append(f"Committed {record.name} with its merge settings.")
    lines.append(f"Every change dgtracker makes to {record.name} is now committed at once.")
    if not git.out("remote"):
        lines.append(
            "Add the team's private remote, then sync: "
            f"git -C {shlex.quote(str(folder))} remote add origin URL && dgtracker sync"
        )
    return lines


def _add_line(path: Path, line: str) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    if line not in text.splitlines():
        if text and not text.endswith("\n"):
            text += "\n"
        path.write_text(text + line + "\n", encoding="utf-8")


# --- each change -----------------------------------------------------------------------


def commit_if_shared(record: Path, message: str, *, conflicts_left: int = 0) -> str | None:
    """Commit the record's change when its folder is shared (the CLI's commands and the
    Python API alike, so a change is committed whichever made it); what else happened."""
    if not is_shared(record):
        return None
    return commit_saved(record, message, conflicts_left=conflicts_left)


def commit_saved(record: Path, message: str, *, conflicts_left: int) -> str | None:
    """Commit a change already saved: git refusing (its index.lock held past the wait) is
    said, never raised, since a failure would invite a retry that makes the change twice;
    the next commit, or sync's, carries it."""
    try:
        return commit(record, message, conflicts_left=conflicts_left)
    except Refused as error:
        return (
            f"The change is saved, but git could not commit it ({error.message}); "
            "the next change or 'dgtracker sync' commits it. Do not make it again."
        )


def commit(record: Path, message: str, *, conflicts_left: int) -> str | None:
    """Commit the record's change; during a stopped merge, rebase or cherry-pick, stage it
    and carry the operation on once no conflict is left. What happened, if worth saying."""
    record = record.absolute()
    git = Git(record.parent)
    git.run("add", "--", record.name)
    operation = _operation(record.parent)
    if operation is None:
        if not git.ok("diff", "--cached", "--quiet", "--", record.name):
            git.run("commit", "-q", "-m", message, "--", record.name)
        return None
    if conflicts_left:
        return f"{conflicts_left} conflict(s) still to resolve before the {operation} ends."
    if operation == "merge":
        git.run("commit", "-q", "--no-edit")
    else:
        done = git.run("-c", "core.editor=true", operation, "--continue", check=False)
        if done.returncode != 0 and _operation(record.parent):
            return f"The {operation} stopped again: run 'dgtracker check' to see the conflicts."
        if done.returncode != 0:
            raise Refused(f"git {operation} --continue failed: {_first_line(done.stderr)}")
    return f"All conflicts resolved; the {operation} is complete. Run 'dgtracker sync' to send it."


# --- sync ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Synced:
    """What a sync did, for the command to say."""

    said: list[str]  # what happened ("Synced: ..." or "Up to date.")
    told: list[str]  # what the merge driver said here (erasures kept, ids it refused)
    brought_in: bool  # whether the team's commits came in (merged here or fast-forwarded)
    unsent: Refused | None = None  # why ours could not be sent, after the team's came in


def sync(record: Path, conflict_ids: list[str]) -> Synced:
    """Pull the team's changes (merged through the driver) and push ours; what happened.
    Call it holding the record's lock, so no change lands between the fetch and the push."""
    record = record.absolute()
    folder = record.parent
    git = Git(folder)
    operation = _operation(folder)
    if operation is not None:
        return _waiting(operation, conflict_ids)
    # what is saved but not committed: an edit by hand, or a change whose commit git refused
    commit(record, f"changes to {record.name} not committed before", conflicts_left=0)
    remotes = git.out("remote").split()
    if not remotes:
        raise Refused(
            f"No remote: {folder} has nobody to sync with yet.",
            hint=f"Add the team's private remote: git -C {folder} remote add origin URL",
        )
    branch = git.out("symbolic-ref", "--short", "HEAD")
    upstream = git.run("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
    if upstream.returncode == 0:
        remote, _, remote_branch = upstream.stdout.strip().partition("/")
    else:
        remote, remote_branch = ("origin" if "origin" in remotes else remotes[0]), branch
    tracking = f"refs/remotes/{remote}/{remote_branch}"
    before = git.run("rev-parse", "--verify", "-q", tracking, check=False).stdout.strip()
    incoming = _fetch(git, remote, remote_branch)
    # what the merge driver said (erasures kept, ids or copies it refused)
    rewrote, told = _onto_rewritten(git, before, tracking) if incoming and before else ([], [])
    if rewrote and _operation(folder) is not None:
        said = [line for line in told if "; run 'dgtracker check'" not in line]
        return _waiting("rebase", _conflicts_now(record), rewrote + said)
    merged = 0
    if incoming and not rewrote:
        merged = int(git.out("rev-list", "--count", "--no-merges", f"HEAD..{tracking}"))
        done = git.run("merge", "--no-edit", "-q", tracking, check=False)
        told = [line for line in done.stderr.splitlines() if line.startswith("dgtracker: ")]
        if done.returncode != 0:
            if _operation(folder) == "merge":
                said = [line for line in told if "; run 'dgtracker check'" not in line]
                return _waiting("merge", _conflicts_now(record), said)
            raise Refused(f"git merge failed: {_first_line(done.stderr or done.stdout)}")
    ahead = (
        int(git.out("rev-list", "--count", f"{tracking}..HEAD"))
        if git.ok("rev-parse", "--verify", "-q", tracking)
        else 1
    )
    if ahead:
        pushed = git.run("push", "-q", "-u", remote, f"HEAD:{remote_branch}", check=False)
        if pushed.returncode != 0:
            unsent = Refused(
                f"Could not send the changes to {remote}: {_first_line(pushed.stderr)}",
                hint="Your changes are committed here; run 'dgtracker sync' again later.",
            )
            if not incoming:
                raise unsent
            # The team's work is merged here all the same: say so before the failure.
            came = (
                [f"Synced: merged {merged} change(s) from {remote}; none sent."] if merged else []
            )
            return Synced(came, told, brought_in=True, unsent=unsent)
    if not merged and not ahead:
        return Synced(rewrote or ["Up to date."], told, brought_in=incoming)
    said = [f"merged {merged} change(s) from {remote}"] if merged else []
    said += [f"sent {ahead} commit(s) to {remote}"] if ahead else []
    return Synced([*rewrote, "Synced: " + " and ".join(said) + "."], told, brought_in=incoming)


def _onto_rewritten(git: Git, before: str, tracking: str) -> tuple[list[str], list[str]]:
    """When the remote's history was rewritten (an erasure), this copy's unsent commits
    moved onto it: the sentence that says so, and what the merge driver said; else
    nothing."""
    if not git_history.rewritten(git, before, tracking):
        return [], []
    moved, told = git_history.move_onto(git, before, tracking)
    return [git_history.rewritten_said(moved)], told


def _fetch(git: Git, remote: str, branch: str) -> bool:
    """Fetch the remote; whether it holds commits we do not have."""
    fetched = git.run("fetch", "-q", remote, check=False)
    if fetched.returncode != 0:
        raise Refused(
            f"Remote unreachable: {remote} ({_first_line(fetched.stderr)}).",
            hint="Your changes are committed here; run 'dgtracker sync' again when online.",
        )
    tracking = f"refs/remotes/{remote}/{branch}"
    if not git.ok("rev-parse", "--verify", "-q", tracking):
        return False
    return int(git.out("rev-list", "--count", f"HEAD..{tracking}")) > 0


def _conflicts_now(record: Path) -> list[str]:
    try:
        return [conflict.id for conflict in storage.load(record).conflicts]
    except Exception:  # a record the driver could not merge: git's own markers
        return []


def _waiting(operation: str, conflict_ids: list[str], told: list[str] | None = None) -> NoReturn:
    """Refuse while a merge waits; `told`: what the merge driver said besides (an erasure
    kept, an id given to two people), which a conflict must not hide."""
    besides = "".join(f"\n{line.removeprefix('dgtracker: ')}" for line in told or ())
    if not conflict_ids:  # the driver's own words say why, when it refused a copy
        raise Refused(
            f"A git {operation} is stopped half-way in the record's folder.{besides}",
            hint=f"Run 'git status' there, finish or abort the {operation}, then sync again.",
        )
    first = conflict_ids[0]
    raise Refused(
        f"Conflict in {', '.join(conflict_ids)}: two copies decided differently.{besides}",
        hint=f"Run 'dgtracker check' to see both sides, then 'dgtracker resolve {first} --ours' "
        "or '--theirs' for each; then 'dgtracker sync' again.",
    )
