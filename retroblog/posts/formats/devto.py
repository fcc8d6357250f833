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
from retroblog.posts.common import as_list, body_of, check_dates, slugify
from retroblog.posts.dates import Fallback, file_name_date, missing_date
from retroblog.posts.fields import Field, Fields, as_date, as_fixed_text, as_text
from retroblog.posts.frontmatter import RawPost
from retroblog.posts.model import Post, Report

MARKERS = frozenset({"cover_image", "published_at", "series", "social_image", "edited_at", "main_image"})
"""Keys only DEV writes."""
TITLE = Field("title", ("title",), as_fixed_text, note=None)
CREATED = Field("date.created", ("published_at", "date"), as_date, note="{key} → date.created: {value}")
UPDATED = Field("date.updated", ("edited_at",), as_date, note=None)
DESCRIPTION = Field("description", ("description",), as_fixed_text, filled=True)
COVER = Field("image (cover)", ("cover_image", "main_image"), as_text, filled=True, every=True)
EXTRA = {"canonical_url": "canonical_url", "social_image": "og_image", "id": "source_id"}
"""Keys kept as they are under ``retroblog:``, by their name there."""


def convert(raw: RawPost, report: Report, fallback: Fallback | None = None) -> Post:
    """A DEV post as a mkdocs-material post."""
    path = raw.path
    fields = Fields.of(raw, report)
    meta = fields.meta
    report.format = "devto"
    name = PurePath(path).name
    extra: dict[str, Any] = {"source": "devto", "source_file": name}

    title = fields.get(TITLE)
    if not title:
        raise PostError(path, raw.line_of("title"), "no 'title' in the front matter")
    dated = fields.take(CREATED)
    if dated is not None:
        created = dated[1]
    else:
        from_name = file_name_date(name)
        if from_name is not None:
            created = from_name[0]
            report.add("mapped", f"date: none; the file name's date → date.created: {created.isoformat()}")
        else:
            created = missing_date(
                fallback,
                report,
                "no 'published_at' or 'date' in the front matter (a DEV draft?)",
                PostError(path, 1, "no 'published_at' or 'date' in the front matter (DEV drafts have none: add one)"),
            )
    updated = check_dates(
        created,
        fields.get(UPDATED),
        path=path,
        line=raw.line_of(dated[0]) if dated else None,
        updated_key="edited_at",
        updated_line=raw.line_of("edited_at"),
        report=report,
    )
    if updated is not None:
        report.add("mapped", f"edited_at → date.updated: {updated.isoformat()}")
    slug = slugify(fields.text("slug") or title)
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
    description = fields.get(DESCRIPTION)
    image = fields.get(COVER)
    readtime = meta.pop("reading_time_minutes", None)
    fields.extra(EXTRA, extra)
    page = fields.rest(raw, "devto", extra)
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
