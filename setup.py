"""What pyproject.toml cannot say: the reference pages go into the package, and the
package index's description is the README with links that work there.

The README and docs/ link to each other by path, which a package index would resolve
against its own address; doc_pages turns each such link into `dgtracker docs TOPIC`,
which prints that page from the installed package. See src/dgtracker/doc_pages.py.
"""

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def _doc_pages() -> ModuleType:
    """src/dgtracker/doc_pages.py, loaded on its own (the package's dependencies may be
    missing while it builds)."""
    spec = importlib.util.spec_from_file_location("doc_pages", HERE / "src/dgtracker/doc_pages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PAGES = _doc_pages()


class BuildWithPages(build_py):
    """The usual build, plus README.md and docs/*.md copied in as dgtracker/docs/TOPIC.md.
    An editable install reads them from the checkout instead."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        folder = Path(self.build_lib) / "dgtracker" / "docs"
        shutil.rmtree(folder, ignore_errors=True)  # pip reuses build/: no page renamed since
        folder.mkdir(parents=True)
        for path in [HERE / "README.md", *sorted((HERE / "docs").glob("*.md"))]:
            topic = PAGES.topic_of(path.relative_to(HERE).as_posix())
            if topic is None:
                raise SystemExit(f"{path.name}: a page's name is lower-case words joined by -")
            shutil.copyfile(path, folder / f"{topic}.md")


setup(
    cmdclass={"build_py": BuildWithPages},
    long_description=PAGES.for_readers(
        (HERE / "README.md").read_text(encoding="utf-8"), "README.md"
    ),
    long_description_content_type="text/markdown",
)
