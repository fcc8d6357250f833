"""``retroblog fact-check``: the numbers a post states about its data, checked against the data.

The claims are read by ``retroblog.posts.claims`` (text in, questions out); this module finds the pages
and each page's dataset, asks the dataset the questions and prints one line per claim. It never writes a
post. Exit status 1 when a claim is false.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from retroblog.cli._common import user_errors
from retroblog.errors import ConfigError, PostError
from retroblog.posts.claims import Answer, Claim, Finding, Question, check, find_claims, unread

if TYPE_CHECKING:
    from retroblog.build.settings import Settings
    from retroblog.data.dataset import Dataset


def answer(question: Question, dataset: Dataset, edges: tuple[int, ...], name: str | None = None) -> Answer:
    """What ``dataset`` says to ``question``; ``name``: the dataset's name when the page names a dataset that
    is not the site's default (its inline stat must name it too)."""
    import polars as pl

    from retroblog.stats.compute import compute
    from retroblog.stats.filters import Filters

    filters = Filters.from_options(question.options(), where="")
    frame = filters.apply(dataset.frame)
    total = frame.height
    if question.kind == "busiest":
        best = compute(dataset, filters, edges).to_dict()[f"busiest_{question.busiest}"]
        return Answer(best["prs"] if best else None, total, 0, best["period"] if best else None, name, edges)
    unknown = 0
    selected = frame
    size = question.size
    if size is not None:
        column = pl.col(size.metric)
        unknown = frame.filter(column.is_null()).height
        if total and unknown == total:
            return Answer(None, total, unknown, None, name, edges)
        conditions = [column.is_not_null()]
        if size.low is not None:
            conditions.append(column >= size.low)
        if size.high is not None:
            conditions.append(column <= size.high)
        selected = frame.filter(*conditions)
    if question.scope == "all":
        return Answer(selected.height, total, unknown, None, name, edges)
    merged = pl.col("merged_at")
    first, second = {
        "week": (merged.dt.iso_year(), merged.dt.week()),
        "month": (merged.dt.year(), merged.dt.month()),
        "quarter": (merged.dt.year(), merged.dt.quarter()),
    }[question.scope]
    groups = (
        selected.group_by(first.alias("a"), second.alias("b"))
        .agg(pl.len().alias("n"))
        .sort(["n", "a", "b"], descending=[True, False, False])
    )
    if not groups.height:
        return Answer(0, total, unknown, None, name, edges)
    a, b, n = groups.row(0)
    period = {"week": f"{a:04d}-W{b:02d}", "month": f"{a:04d}-{b:02d}", "quarter": f"{a:04d}-Q{b}"}[question.scope]
    return Answer(n, total, unknown, period, name, edges)


def page_datasets(markdown: str, meta: Mapping[str, Any]) -> tuple[str | None, list[tuple[int, str | None]]]:
    """The dataset a page names in its front matter (``dataset:``), and the ``(line, dataset)`` of each of
    its blocks and inline stats (None: the site's default)."""
    from retroblog.build.syntax import COMPUTED, FENCE, INLINE, fence_body, fence_end, parse_inline_options
    from retroblog.build.syntax import parse_options as block_options
    from retroblog.errors import RetroblogError

    named = meta.get("dataset")
    blocks: list[tuple[int, str | None]] = []
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            for inline in INLINE.finditer(lines[index]):
                try:
                    options = parse_inline_options(inline.group("options") or "")
                except RetroblogError:
                    continue
                blocks.append((index + 1, _name(options.get("dataset"))))
            index += 1
            continue
        end = fence_end(lines, index, match.group("fence"))
        if match.group("lang") in COMPUTED:
            try:
                options = block_options(fence_body(lines, index, end, match.group("indent")))
            except RetroblogError:
                options = {}
            blocks.append((index + 1, _name(options.get("dataset"))))
        index = end + 1
    return (_name(named), blocks)


def _name(value: object) -> str | None:
    return str(value) if value is not None and str(value).strip() else None


def dataset_at(line: int, named: str | None, blocks: list[tuple[int, str | None]]) -> str | None:
    """The dataset a claim at ``line`` speaks of: the page's ``dataset:``; else the only dataset its blocks
    name; else the dataset of the block before the claim (None: the site's default)."""
    if named:
        return named
    names = {name for _, name in blocks}
    if len(names) == 1:
        return next(iter(names))
    before = [name for at, name in blocks if at <= line]
    return before[-1] if before else None


def check_page(path: Path, settings: Settings) -> list[Finding]:
    """Every claim of the page at ``path``, checked against the data it names."""
    from retroblog.posts.frontmatter import read_post

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PostError(str(path), None, f"cannot be read: {exc}") from None
    meta = read_post(text, str(path)).meta
    named, blocks = page_datasets(text, meta)
    registry = settings.registry
    default = registry.config(None).name if registry.default or len(registry.configs()) == 1 else None
    findings: list[Finding] = []
    for item in find_claims(text):
        if not isinstance(item, Claim):
            findings.append(unread(item))
            continue
        name = dataset_at(item.line, named, blocks)
        dataset = registry.get(name or registry.config(None).name)
        shown = name if name and name != default else None
        findings.append(check(item, answer(item.question, dataset, settings.size_buckets, shown)))
    return findings


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
