"""Hashnode GitHub-backup posts (``<cuid>.md``) to mkdocs-material posts.

Mapping (sources-and-formats.md §9): ``datePublished`` (JavaScript ``Date.toString()`` or ISO) →
``date.created``, ``updatedAt`` → ``date.updated``; ``tags`` (one comma-separated string) → a list;
``seoDescription``/``subtitle``/``brief`` → ``description``; ``cover`` → ``image``; ``ogImage``,
``canonical``, ``seoTitle`` and ``cuid`` under ``retroblog:``; ``ignorePost: true`` → ``draft``.
Titles whose inner quotes make the YAML invalid are read by the tolerant reader; `` align="…"``
is removed from image links. Other keys are kept under ``retroblog.hashnode``.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from retroblog.errors import PostError
from retroblog.posts.common import as_list, body_of, check_dates, fixed_text, retroblog_keys, slugify, text_value
from retroblog.posts.dates import parse_date
from retroblog.posts.frontmatter import RawPost
from retroblog.posts.model import Post, Report

MARKERS = frozenset({"datePublished", "cuid", "seoTitle", "seoDescription", "ogImage", "hideFromHashnodeCommunity"})
"""Keys only Hashnode writes; one of them is enough to recognise a backup file."""


def convert(raw: RawPost, report: Report) -> Post:
    """A Hashnode backup post as a mkdocs-material post."""
    path = raw.path
    meta = dict(raw.meta)
    report.format = "hashnode"
    for note in raw.repairs:
        report.add("repaired", note)
    extra: dict[str, Any] = {"source": "hashnode", "source_file": PurePath(path).name}

    title = text_value(meta.pop("title", None), key="title", path=path, line=raw.line_of("title"))
    if not title:
        raise PostError(path, raw.line_of("title"), "no 'title' in the front matter")
    title = fixed_text(title, "title", path, raw.line_of("title"), report)

    for key in ("datePublished", "dateAdded", "publishedAt", "date"):
        if key in meta:
            created = parse_date(meta.pop(key), path=path, line=raw.line_of(key), key=key)
            report.add("mapped", f"{key} → date.created: {created.isoformat()}")
            break
    else:
        raise PostError(path, 1, "no 'datePublished' in the front matter")
    updated = None
    if "updatedAt" in meta:
        updated = parse_date(meta.pop("updatedAt"), path=path, line=raw.line_of("updatedAt"), key="updatedAt")
    updated = check_dates(
        created,
        updated,
        path=path,
        line=raw.line_of(key),
        updated_key="updatedAt",
        updated_line=raw.line_of("updatedAt"),
        report=report,
    )
    if updated is not None:
        report.add("mapped", f"updatedAt → date.updated: {updated.isoformat()}")

    slug = slugify(text_value(meta.pop("slug", None), key="slug", path=path, line=raw.line_of("slug")) or title)
    tags = as_list(
        meta.pop("tags", None),
        key="tags",
        path=path,
        line=raw.line_of("tags"),
        report=report,
        split="comma",
    )
    description = None
    for key in ("seoDescription", "subtitle", "brief"):
        if key in meta:
            value = text_value(meta.pop(key), key=key, path=path, line=raw.line_of(key))
            if value and description is None:
                description = fixed_text(value, key, path, raw.line_of(key), report)
                report.add("mapped", f"{key} → description")
            elif value:
                extra[key] = value
    image = None
    for key in ("cover", "coverImage"):
        if meta.get(key):
            image = text_value(meta.pop(key), key=key, path=path, line=raw.line_of(key))
            report.add("mapped", f"{key} → image (cover)")
    for key, target in (
        ("ogImage", "og_image"),
        ("canonical", "canonical_url"),
        ("seoTitle", "seo_title"),
        ("cuid", "source_id"),
    ):
        if key in meta:
            extra[target] = meta.pop(key)
            report.add("mapped", f"{key} → retroblog.{target}")
    draft = bool(meta.pop("ignorePost", False))
    if draft:
        report.add("mapped", "ignorePost: true → draft: true")
    page = retroblog_keys(raw, meta, report)
    if meta:
        extra["hashnode"] = meta
        report.add("kept", f"under retroblog.hashnode: {', '.join(meta)}")
    body = body_of(raw, report)
    return Post(
        title=title,
        created=created,
        updated=updated,
        slug=slug,
        body=body,
        description=description,
        tags=tags,
        draft=draft,
        image=image,
        page=page,
        extra=extra,
    )
