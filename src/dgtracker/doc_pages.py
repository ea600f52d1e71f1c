"""The reference pages (README.md and docs/*.md) as readers outside the repository see them.

In the source the pages link to each other by path (`docs/team.md`), which works where the
repository is browsed and nowhere else: an installed tool has no docs folder, and a package
index resolves such a link against its own address. So the package carries the pages
(setup.py copies them in), `dgtracker docs TOPIC` prints one, and for the tool and the
package index alike every link to another page becomes that command.

setup.py loads this module on its own, while building, so it imports nothing from dgtracker.
"""

from __future__ import annotations

import posixpath
import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

README_TOPIC = "readme"
README_TITLE = (
    "What dgtracker is: Quick start, everyday use (the README)"  # its heading is the name
)
# Inside the installed package (setup.py's build step writes it): docs/TOPIC.md for each
# page, read through importlib.resources so that a package inside a zip file (a single-file
# build) reads them too.
PACKAGED = "docs"
# In a checkout, or an editable install: the repository's own pages.
CHECKOUT = Path(__file__).resolve().parent.parent.parent

# An inline code span, which is left as written, or a link or image.
_CODE_OR_LINK = re.compile(r"(`[^`\n]*`)|(!?)\[([^\]]*)\]\(([^)\s]+)\)")
_FENCE = re.compile(r"(?ms)^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[`~]*[ \t]*$")
# An image of the repository alone on its line, with the blank line after it.
_IMAGE_LINE = re.compile(r"(?m)^!\[[^\]]*\]\((?![a-z][a-z0-9+.-]*:)[^)\s]+\)\n(?:\n)?")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_PAGE = re.compile(r"docs/([a-z0-9][a-z0-9-]*)\.md")


def topic_of(repository_path: str) -> str | None:
    """The topic a page's path in the repository names: docs/team.md is `team`."""
    if repository_path == "README.md":
        return README_TOPIC
    page = _PAGE.fullmatch(repository_path)
    return page.group(1) if page else None


def repository_path(topic: str) -> str:
    """Where a topic's page is in the repository: `team` is docs/team.md."""
    return "README.md" if topic == README_TOPIC else f"docs/{topic}.md"


def command_for(topic: str) -> str:
    return f"dgtracker docs {topic}"


def for_readers(markdown: str, page: str) -> str:
    """The page (at `page`, its path in the repository) with links that work anywhere.

    A link to another page names the command that prints it; a link within the page keeps
    its words (a package index gives headings no anchors); a link to any other file of the
    repository keeps its words and the file's path; an image goes. Web addresses and code
    blocks are left as they are.
    """

    def prose(text: str) -> str:
        return _CODE_OR_LINK.sub(lambda found: _rewritten(found, page), _IMAGE_LINE.sub("", text))

    pieces = []
    last = 0
    for fence in _FENCE.finditer(markdown):
        pieces += [prose(markdown[last : fence.start()]), fence.group()]
        last = fence.end()
    pieces.append(prose(markdown[last:]))
    return "".join(pieces)


def _rewritten(link: re.Match[str], page: str) -> str:
    code, image, words, target = link.groups()
    if code or _SCHEME.match(target):
        return link.group()
    if image:
        return ""
    file = target.partition("#")[0]
    if not file:
        return words
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), file))
    topic = topic_of(path)
    if topic == topic_of(page):
        return words
    reference = f"`{command_for(topic)}`" if topic else f"`{path}`"
    if words.strip("`") in {file, path}:
        return reference
    text = link.string
    within_brackets = (
        text[link.start() - 1 : link.start()] == "(" and text[link.end() : link.end() + 1] == ")"
    )
    return f"{words}: {reference}" if within_brackets else f"{words} ({reference})"


def title_of(topic: str, markdown: str) -> str:
    """A page's title: its first heading, without the #."""
    if topic == README_TOPIC:
        return README_TITLE
    heading = re.search(r"(?m)^#+ (.+)$", markdown)
    return heading.group(1).strip() if heading else ""


def page_files() -> dict[str, Traversable]:
    """Each topic's file, by topic, in the order of the pages' names (the README first)."""
    packaged = resources.files("dgtracker") / PACKAGED
    if packaged.is_dir():
        pages = sorted(
            (item for item in packaged.iterdir() if item.name.endswith(".md")),
            key=lambda item: item.name,
        )
        files: dict[str, Traversable] = {item.name[: -len(".md")]: item for item in pages}
    else:
        files = {
            topic_of(f"docs/{path.name}") or path.stem: path
            for path in sorted((CHECKOUT / "docs").glob("*.md"))
        }
        if (CHECKOUT / "README.md").is_file():
            files[README_TOPIC] = CHECKOUT / "README.md"
    readme = files.pop(README_TOPIC, None)
    return {README_TOPIC: readme, **files} if readme else files


def page_text(topic: str, files: dict[str, Traversable]) -> str:
    """A topic's page, its links made to work outside the repository."""
    text = files[topic].read_text(encoding="utf-8")
    return for_readers(text, repository_path(topic))
