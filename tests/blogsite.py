"""A minimal Material blog site with the retroblog plugin, for build tests in a tmp folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MKDOCS_YML = (
    "site_name: t\nsite_url: http://127.0.0.1/\ntheme: {name: material, font: false}\n"
    "plugins: [search, blog, retroblog]\nmarkdown_extensions: [pymdownx.superfences]\n"
)


def write_blog(root: Path, posts: dict[str, str]) -> None:
    """mkdocs.yml, a home page, the blog index and ``posts`` (file name -> text) under ``root``."""
    (root / "docs" / "blog" / "posts").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n")
    (root / "docs" / "blog" / "index.md").write_text("# Blog\n")
    for name, text in posts.items():
        (root / "docs" / "blog" / "posts" / name).write_text(text)
    (root / "mkdocs.yml").write_text(MKDOCS_YML)


def build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, capture_output=True, text=True
    )
