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
from retroblog.posts.common import body_of, check_dates, fixed_text, slugify
from retroblog.posts.dates import Fallback, missing_date
from retroblog.posts.fields import Field, Fields, as_date, as_fixed_text, as_text
from retroblog.posts.frontmatter import RawPost
from retroblog.posts.model import Post, Report

MARKERS = frozenset({"datePublished", "cuid", "seoTitle", "seoDescription", "ogImage", "hideFromHashnodeCommunity"})
"""Keys only Hashnode writes; one of them is enough to recognise a backup file."""
TITLE = Field("title", ("title",), as_fixed_text, note=None)
CREATED = Field(
    "date.created", ("datePublished", "dateAdded", "publishedAt", "date"), as_date, note="{key} → date.created: {value}"
)
UPDATED = Field("date.updated", ("updatedAt",), as_date, note=None)
DESCRIPTIONS = ("seoDescription", "subtitle", "brief")
"""The first of these with a text is the description; the others are kept under ``retroblog:``."""
COVER = Field("image (cover)", ("cover", "coverImage"), as_text, filled=True, every=True)
EXTRA = {"ogImage": "og_image", "canonical": "canonical_url", "seoTitle": "seo_title", "cuid": "source_id"}
"""Keys kept as they are under ``retroblog:``, by their name there."""


def convert(raw: RawPost, report: Report, fallback: Fallback | None = None) -> Post:
    """A Hashnode backup post as a mkdocs-material post."""
    path = raw.path
    fields = Fields.of(raw, report)
    meta = fields.meta
    report.format = "hashnode"
    for note in raw.repairs:
        report.add("repaired", note)
    extra: dict[str, Any] = {"source": "hashnode", "source_file": PurePath(path).name}

    title = fields.get(TITLE)
    if not title:
        raise PostError(path, raw.line_of("title"), "no 'title' in the front matter")
    dated = fields.take(CREATED)
    if dated is not None:
        created = dated[1]
    else:
        missing = "no 'datePublished' in the front matter"
        created = missing_date(fallback, report, missing, PostError(path, 1, missing))
    updated = check_dates(
        created,
        fields.get(UPDATED),
        path=path,
        line=raw.line_of(dated[0]) if dated else None,
        updated_key="updatedAt",
        updated_line=raw.line_of("updatedAt"),
        report=report,
    )
    if updated is not None:
        report.add("mapped", f"updatedAt → date.updated: {updated.isoformat()}")

    slug = slugify(fields.text("slug") or title)
    tags = fields.names("tags", split="comma")
    description = None
    for key in DESCRIPTIONS:
        if key in meta:
            value = fields.text(key)
            if value and description is None:
                description = fixed_text(value, key, path, raw.line_of(key), report)
                report.add("mapped", f"{key} → description")
            elif value:
                extra[key] = value
    image = fields.get(COVER)
    fields.extra(EXTRA, extra)
    draft = bool(meta.pop("ignorePost", False))
    if draft:
        report.add("mapped", "ignorePost: true → draft: true")
    page = fields.rest(raw, "hashnode", extra)
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
