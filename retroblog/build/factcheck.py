"""The fact-check's numbers: each claim a page's prose makes (``retroblog.posts.claims``), computed from
the dataset the page uses.

One function for both callers: ``retroblog fact-check`` (the CLI reads the files) and the Markdown
extension's ``fact_check`` option (the build checks each page it converts). Framework-free; polars is
imported only when a page holds a claim.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from retroblog.errors import PostError
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
    from retroblog.build.syntax import COMPUTED, INLINE, fence_body, parse_inline_options, segments
    from retroblog.build.syntax import parse_options as block_options
    from retroblog.errors import RetroblogError

    named = meta.get("dataset")
    blocks: list[tuple[int, str | None]] = []
    lines = markdown.split("\n")
    for start, end, fence in segments(lines):
        if fence is None:
            for inline in INLINE.finditer(lines[start]):
                try:
                    options = parse_inline_options(inline.group("options") or "")
                except RetroblogError:
                    continue
                blocks.append((start + 1, _name(options.get("dataset"))))
        elif fence.group("lang") in COMPUTED:
            try:
                options = block_options(fence_body(lines, start, end, fence.group("indent")))
            except RetroblogError:
                options = {}
            blocks.append((start + 1, _name(options.get("dataset"))))
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


def check_text(text: str, settings: Settings, meta: Mapping[str, Any] | None = None) -> list[Finding]:
    """Every claim of a page's Markdown ``text``, checked against the data it names; lines are ``text``'s.

    ``meta``: the page's front matter when the caller has read it (MkDocs hands the text without it);
    None reads it from ``text``. A dataset that cannot be read raises its ``RetroblogError``; a page
    without claims loads no data.
    """
    items = find_claims(text)
    if meta is None:
        from retroblog.posts.frontmatter import read_post

        try:
            meta = read_post(text).meta
        except PostError:
            meta = {}
    findings: list[Finding] = []
    if not any(isinstance(item, Claim) for item in items):
        return [unread(item) for item in items if not isinstance(item, Claim)]
    named, blocks = page_datasets(text, meta)
    registry = settings.registry
    default = registry.config(None).name if registry.default or len(registry.configs()) == 1 else None
    for item in items:
        if not isinstance(item, Claim):
            findings.append(unread(item))
            continue
        name = dataset_at(item.line, named, blocks)
        dataset = registry.get(name or registry.config(None).name)
        shown = name if name and name != default else None
        findings.append(check(item, answer(item.question, dataset, settings.size_buckets, shown)))
    return findings
