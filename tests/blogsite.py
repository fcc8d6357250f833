"""A minimal Material blog site with the retroblog plugin, for build tests in a tmp folder."""

from __future__ import annotations

from pathlib import Path

from tests.sitebuild import SiteBuild, build_site

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


def build(root: Path) -> SiteBuild:
    """``mkdocs build --strict`` of the site in ``root``, in this process (tests/sitebuild.py), into
    ``root/site`` with its caches in ``root/.cache``."""
    return build_site(root)
