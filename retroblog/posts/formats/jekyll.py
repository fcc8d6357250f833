"""Jekyll and Minimal Mistakes posts (``_posts/YYYY-MM-DD-slug.md``) to mkdocs-material posts.

Mapping (sources-and-formats.md §9): ``date`` (any Jekyll shape) or the file-name date →
``date.created``; ``last_modified_at`` → ``date.updated``; ``categories``/``category`` and ``tags``
(lists or space-separated) → lists; ``published: false`` or ``_drafts/`` → ``draft``; ``excerpt`` →
``description``; Minimal Mistakes ``header.overlay_image``/``image``/``teaser`` → ``image`` (the
cover), ``header.og_image``, ``overlay_filter``, ``canonical_url`` and the ``toc*`` keys under
``retroblog:``; ``toc: false`` → ``hide: [toc]``. Keys with no counterpart are kept under
``retroblog.jekyll`` (only ``layout`` and the ``read_time`` toggle are dropped).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from retroblog.errors import PostError
from retroblog.posts.common import body_of, check_dates, fixed_text, slugify
from retroblog.posts.dates import Fallback, file_name_date, missing_date
from retroblog.posts.fields import Field, Fields, as_date, as_text
from retroblog.posts.frontmatter import RawPost
from retroblog.posts.model import Post, Report

PAGE_KEYS = ("icon", "status", "template", "subtitle", "search", "comments", "links", "pin")
"""Keys MkDocs or Material understand on any page; kept at the top level as they are."""
MM_KEYS = frozenset(
    {
        "header",
        "toc",
        "toc_label",
        "toc_icon",
        "toc_sticky",
        "author_profile",
        "read_time",
        "share",
        "related",
        "sidebar",
        "classes",
        "tagline",
        "show_date",
    }
)


def _as_str(fields: Fields, key: str, name: str, value: Any) -> str:
    return str(value)


def _image_path(fields: Fields, key: str, name: str, value: Any) -> Any:
    """Jekyll's ``image``: a path, or a mapping with one (``image: {path: ...}``)."""
    return value.get("path") if isinstance(value, dict) else as_text(fields, key, name, value)


CREATED = Field("date.created", ("date",), as_date, note="{key} → date.created: {value}")
UPDATED = Field("date.updated", ("last_modified_at",), as_date, note=None)
COVER = Field("image (cover)", ("image",), _image_path, filled=True)
EXTRA = {"canonical_url": "canonical_url"}
"""Keys kept as they are under ``retroblog:``, by their name there."""
HEADER_COVER = Field("image (cover)", ("overlay_image", "image", "teaser"), _as_str, filled=True)
"""Minimal Mistakes' ``header`` keys of the cover image, the first given is used."""
HEADER_EXTRA = {
    "og_image": "og_image",
    "overlay_filter": "overlay_filter",
    "overlay_color": "overlay_color",
    "caption": "cover_caption",
    "image_description": "cover_alt",
}
"""The other ``header`` keys kept under ``retroblog:``."""
TOC_KEYS = ("toc", "toc_label", "toc_icon", "toc_sticky")


def convert(raw: RawPost, report: Report, fallback: Fallback | None = None) -> Post:
    """A Jekyll (or Minimal Mistakes) post as a mkdocs-material post."""
    path = raw.path
    fields = Fields.of(raw, report)
    meta = fields.meta
    name = PurePath(path).name
    minimal_mistakes = bool(MM_KEYS & meta.keys())
    report.format = "jekyll (Minimal Mistakes)" if minimal_mistakes else "jekyll"
    extra: dict[str, Any] = {"source": report.format, "source_file": name}
    from_name = file_name_date(name)

    title = fields.text("title")
    if not title:
        if from_name is None:
            raise PostError(path, 1, "no 'title' in the front matter and no slug in the file name")
        title = from_name[1].replace("-", " ").strip().capitalize()
        report.add("mapped", f"title: none; made from the file name → '{title}'")
    title = fixed_text(title, "title", path, raw.line_of("title"), report)

    created = fields.get(CREATED)
    if created is None and from_name is not None:
        created = from_name[0]
        report.add("mapped", f"date: none; the file name's date → date.created: {created.isoformat()}")
    elif created is None:
        created = missing_date(
            fallback,
            report,
            "no 'date' in the front matter and no date in the file name",
            PostError(path, 1, "no 'date' in the front matter and no YYYY-MM-DD- date in the file name"),
        )
    updated = check_dates(
        created,
        fields.get(UPDATED),
        path=path,
        line=raw.line_of("date") if "date" in raw.meta else None,
        updated_key="last_modified_at",
        updated_line=raw.line_of("last_modified_at"),
        report=report,
    )
    if updated is not None:
        report.add("mapped", f"last_modified_at → date.updated: {updated.isoformat()}")

    slug = slugify(from_name[1]) if from_name else slugify(title)
    permalink = meta.pop("permalink", None)
    if isinstance(permalink, str) and permalink.strip("/"):
        slug = slugify(permalink.strip("/").split("/")[-1].rsplit(".", 1)[0])
        extra["permalink"] = permalink
        report.add("mapped", f"permalink '{permalink}' → slug: {slug}")

    categories = fields.names("categories")
    categories += [c for c in fields.names("category") if c not in categories]
    tags = fields.names("tags")
    authors = fields.names("author", split="comma")
    authors += [a for a in fields.names("authors", split="comma") if a not in authors]

    draft = False
    if meta.get("published") is False:
        meta.pop("published")
        draft = True
        report.add("mapped", "published: false → draft: true")
    elif "published" in meta and meta["published"] is True:
        meta.pop("published")
    if "_drafts" in PurePath(path).parts:
        draft = True
        report.add("mapped", "in _drafts/ → draft: true")

    description = None
    lead = None
    for key in ("description", "excerpt", "tagline"):
        if key in meta and (description is None or key == "excerpt"):
            value = fields.text(key)
            value = fixed_text(value, key, path, raw.line_of(key), report) if value else value
            if key == "excerpt":
                lead = value or None
            if value and description is None:
                description = value
                report.add("mapped", f"{key} → description")

    image, hide = _header(fields, extra, raw, report)
    if image is None:
        image = fields.get(COVER)
    fields.extra(EXTRA, extra)

    separator = meta.pop("excerpt_separator", None)
    for key in ("layout", "read_time"):
        if key in meta:
            report.add("dropped", f"{key}: {meta.pop(key)!r} (no meaning in MkDocs)")
    page = {key: meta.pop(key) for key in PAGE_KEYS if key in meta} | fields.rest(raw, "jekyll", extra)

    body = body_of(raw, report, separator if isinstance(separator, str) else None, lead=lead)
    return Post(
        title=title,
        created=created,
        updated=updated,
        slug=slug,
        body=body,
        description=description,
        authors=authors,
        categories=categories,
        tags=tags,
        draft=draft,
        image=image,
        hide=hide,
        page=page,
        extra=extra,
    )


def _header(fields: Fields, extra: dict[str, Any], raw: RawPost, report: Report) -> tuple[str | None, list[str]]:
    """Minimal Mistakes' ``header`` and ``toc*`` keys: the cover image, og image, TOC settings."""
    meta = fields.meta
    header = meta.pop("header", None)
    if header is not None and not isinstance(header, dict):
        raise PostError(raw.path, raw.line_of("header"), "'header': expected keys such as overlay_image")
    keys = Fields(raw.path, dict(header or {}), report, raw.line_of, prefix="header.")
    image: str | None = keys.get(HEADER_COVER)
    keys.extra(HEADER_EXTRA, extra)
    if keys.meta:
        meta.setdefault("header", keys.meta)
    hide: list[str] = []
    toc = {key: meta.pop(key) for key in TOC_KEYS if key in meta}
    if toc:
        extra["toc"] = toc
        if toc.get("toc") is False:
            hide.append("toc")
            report.add("mapped", "toc: false → hide: [toc]")
        else:
            report.add("mapped", "toc → the page's table of contents (shown); settings under retroblog.toc")
    return image, hide
