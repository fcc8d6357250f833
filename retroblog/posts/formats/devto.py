"""DEV (dev.to / Forem) posts with the editor's front matter to mkdocs-material posts.

Mapping (sources-and-formats.md §9): ``published_at``/``date`` → ``date.created``, ``edited_at`` →
``date.updated``; ``published: false`` → ``draft``; ``tags`` (comma string or list) → a list;
``series`` → ``categories``; ``cover_image`` → ``image``; ``canonical_url`` and ``social_image``
under ``retroblog:``; DEV Liquid embeds (``{% embed url %}``, ``{% github … %}``) become links.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from retroblog.errors import PostError
from retroblog.posts.common import as_list, body_of, check_dates, fixed_text, retroblog_keys, slugify, text_value
from retroblog.posts.dates import file_name_date, parse_date
from retroblog.posts.frontmatter import RawPost
from retroblog.posts.model import Post, Report

MARKERS = frozenset({"cover_image", "published_at", "series", "social_image", "edited_at", "main_image"})
"""Keys only DEV writes."""


def convert(raw: RawPost, report: Report) -> Post:
    """A DEV post as a mkdocs-material post."""
    path = raw.path
    meta = dict(raw.meta)
    report.format = "devto"
    name = PurePath(path).name
    extra: dict[str, Any] = {"source": "devto", "source_file": name}

    title = text_value(meta.pop("title", None), key="title", path=path, line=raw.line_of("title"))
    if not title:
        raise PostError(path, raw.line_of("title"), "no 'title' in the front matter")
    title = fixed_text(title, "title", path, raw.line_of("title"), report)
    for key in ("published_at", "date"):
        if key in meta:
            created = parse_date(meta.pop(key), path=path, line=raw.line_of(key), key=key)
            report.add("mapped", f"{key} → date.created: {created.isoformat()}")
            break
    else:
        from_name = file_name_date(name)
        if from_name is None:
            raise PostError(
                path,
                1,
                "no 'published_at' or 'date' in the front matter (DEV drafts have none: add one)",
            )
        created = from_name[0]
        report.add("mapped", f"date: none; the file name's date → date.created: {created.isoformat()}")
    updated = None
    if "edited_at" in meta:
        updated = parse_date(meta.pop("edited_at"), path=path, line=raw.line_of("edited_at"), key="edited_at")
    dated = next((k for k in ("published_at", "date") if k in raw.meta), None)
    updated = check_dates(
        created,
        updated,
        path=path,
        line=raw.line_of(dated) if dated else None,
        updated_key="edited_at",
        updated_line=raw.line_of("edited_at"),
        report=report,
    )
    if updated is not None:
        report.add("mapped", f"edited_at → date.updated: {updated.isoformat()}")
    slug = slugify(text_value(meta.pop("slug", None), key="slug", path=path, line=raw.line_of("slug")) or title)
    draft = meta.pop("published", True) is False
    if draft:
        report.add("mapped", "published: false → draft: true")
    tags = as_list(
        meta.pop("tags", None) or meta.pop("tag_list", None),
        key="tags",
        path=path,
        line=raw.line_of("tags"),
        report=report,
        split="comma",
    )
    series = meta.pop("series", None)
    categories = as_list(
        [series] if isinstance(series, str) else series,
        key="series",
        path=path,
        line=raw.line_of("series"),
        report=report,
    )
    if categories:
        report.add("mapped", "series → categories")
    description = None
    if meta.get("description"):
        value = text_value(meta.pop("description"), key="description", path=path, line=raw.line_of("description"))
        description = fixed_text(value, "description", path, raw.line_of("description"), report)
        report.add("mapped", "description → description")
    image = None
    for key in ("cover_image", "main_image"):
        if meta.get(key):
            image = text_value(meta.pop(key), key=key, path=path, line=raw.line_of(key))
            report.add("mapped", f"{key} → image (cover)")
    readtime = meta.pop("reading_time_minutes", None)
    for key, target in (
        ("canonical_url", "canonical_url"),
        ("social_image", "og_image"),
        ("id", "source_id"),
    ):
        if key in meta:
            extra[target] = meta.pop(key)
            report.add("mapped", f"{key} → retroblog.{target}")
    page = retroblog_keys(raw, meta, report)
    if meta:
        extra["devto"] = meta
        report.add("kept", f"under retroblog.devto: {', '.join(meta)}")
    return Post(
        title=title,
        created=created,
        updated=updated,
        slug=slug,
        body=body_of(raw, report),
        description=description,
        tags=tags,
        categories=categories,
        draft=draft,
        image=image,
        readtime=readtime if isinstance(readtime, int) and not isinstance(readtime, bool) else None,
        page=page,
        extra=extra,
    )
