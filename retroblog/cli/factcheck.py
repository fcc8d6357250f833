"""``retroblog fact-check``: the numbers a post states about its data, checked against the data.

The claims are read by ``retroblog.posts.claims`` (text in, questions out) and computed from each page's
dataset by ``retroblog.build.factcheck`` (which the build's ``fact_check`` option runs too); this module
finds the pages and prints one line per claim. It never writes a
post. Exit status 1 when a claim is false.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from retroblog.build.factcheck import answer, check_text
from retroblog.cli._common import user_errors
from retroblog.errors import ConfigError, PostError
from retroblog.posts.claims import Finding

if TYPE_CHECKING:
    from retroblog.build.settings import Settings

__all__ = ["answer", "check_page", "fact_check"]


def check_page(path: Path, settings: Settings) -> list[Finding]:
    """Every claim of the page at ``path``, checked against the data it names."""
    from retroblog.posts.frontmatter import read_post

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PostError(str(path), None, f"cannot be read: {exc}") from None
    return check_text(text, settings, read_post(text, str(path)).meta)


def site_posts(config_file: Path) -> list[Path]:
    """Every post of the site whose ``mkdocs.yml`` is ``config_file``: the Markdown files of its blog's
    ``posts`` folder (``docs_dir`` and the blog plugin's ``blog_dir`` read from the file)."""
    import yaml

    class _Loader(yaml.SafeLoader):
        """Tags such as ``!ENV`` or ``!!python/name:`` read as nothing."""

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8-sig"), Loader=_Loader) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{config_file}: invalid YAML: {exc}") from None
    docs = config_file.parent / str(config.get("docs_dir") or "docs")
    blog_dir = "blog"
    for entry in config.get("plugins") or []:
        if isinstance(entry, Mapping) and isinstance(entry.get("blog"), Mapping):
            blog_dir = str(entry["blog"].get("blog_dir") or "blog")
    posts = docs / blog_dir / "posts"
    found = sorted(posts.rglob("*.md")) if posts.is_dir() else []
    if not found:
        raise ConfigError(f"{config_file}: no posts in {posts}; name the pages to check")
    return found


def shown(path: Path) -> str:
    """A page's path as the report writes it: relative to the current folder when it is under it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except ValueError:
        return str(path)


def summary(findings: Iterable[Finding], pages: int) -> str:
    counts = {"true": 0, "false": 0, "unknown": 0, "not checked": 0}
    for finding in findings:
        counts[finding.verdict] += 1
    claims = counts["true"] + counts["false"] + counts["unknown"]
    line = (
        f"{claims} {'claim' if claims == 1 else 'claims'} in {pages} {'page' if pages == 1 else 'pages'}: "
        f"{counts['true']} true, {counts['false']} false"
    )
    if counts["unknown"]:
        line += f", {counts['unknown']} unknown"
    if counts["not checked"]:
        line += f"; {counts['not checked']} not checked (not read)"
    return line


@click.command("fact-check")
@click.argument("pages", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--config-file",
    "-f",
    default="mkdocs.yml",
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Site config: its datasets and size buckets, and (without PAGES) its blog posts.",
)
def fact_check(pages: tuple[Path, ...], config_file: Path) -> None:
    """Check the numbers PAGES (default: every blog post of the site) state about their data.

    Each claim written by hand, such as "I merged 120 PRs in 2019" or "90% of the pull requests had at
    least 1000 inserts", is computed from the page's dataset and reported with its file and line, true or
    false, what the data says, and the inline stat that would write the number. Sentences
    that seem to state a number about PRs but cannot be read are listed as "not checked", with the reason.
    Posts are never changed. Exit status 1 when a claim is false.
    """
    from retroblog.build.settings import read_site_settings

    with user_errors():
        settings = read_site_settings(config_file)
        paths = list(pages) or site_posts(config_file)
        findings: list[Finding] = []
        for path in paths:
            for finding in check_page(path, settings):
                click.echo(finding.report(shown(path)))
                findings.append(finding)
    click.echo(summary(findings, len(paths)))
    if any(finding.verdict == "false" for finding in findings):
        raise SystemExit(1)
