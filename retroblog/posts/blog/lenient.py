"""Build-time normalisation of posts dropped into the blog as they came from Jekyll or Hashnode.

``normalise(text, path)`` is a pure function: it returns the post's text rewritten so that
mkdocs-material's blog accepts it (or ``None`` when it already does), with a list of what changed.
It only touches what the blog would reject or misread: dates such as ``August 06, 2022`` or
Hashnode's ``datePublished``, categories and tags written as one string, ``published: false``,
string booleans and numbers, Jekyll's ``<!--more-->`` and Hashnode's `` align="…"`` image links;
and what would become markup: titles, descriptions, categories and tags are ``neutralise``d (as
``retroblog import`` does), a slug with markup or too long for a file name is made again.
Everything else stays as written. A post that cannot be understood raises ``PostError`` with the
file and line. ``retroblog import`` is the real conversion; the plugin suggests it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from retroblog.errors import PostError
from retroblog.posts.common import MAX_SLUG, MORE, NEUTRALISED, as_list, neutralise_fields, slugify
from retroblog.posts.dates import file_name_date, is_yaml_date, parse_date
from retroblog.posts.frontmatter import read_post
from retroblog.posts.model import Report
from retroblog.posts.writer import dump_yaml, iso

_MORE_JEKYLL = re.compile(r"^[ \t]*<!--\s*more\s*-->[ \t]*$", re.MULTILINE | re.IGNORECASE)
_ALIGN = re.compile(r"(!\[[^\]\n]*\]\([^)\s]+)\s+align=\"[^\"\n]*\"\)")
_DATE_KEYS = ("datePublished", "published_at", "dateAdded")
_UPDATED_KEYS = ("last_modified_at", "updatedAt", "edited_at")
_SAFE_SLUG = re.compile(rf"^[\w.~-]{{1,{MAX_SLUG}}}$")


@dataclass(frozen=True)
class Normalised:
    """The result of ``normalise``: new text (``None`` if nothing changed) and what changed."""

    text: str | None
    changes: tuple[str, ...] = ()
    """What was rewritten because the blog would reject or misread it; empty when the only change
    is the canonical ``date: {created: …}`` form (which the feeds need), so nothing to tell the author."""


def decode(data: bytes, path: str) -> str:
    """A post file's bytes as MkDocs reads them (UTF-8, a BOM allowed), or ``PostError`` naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise PostError(
            path,
            line,
            f"not UTF-8 (byte 0x{data[exc.start]:02X}, byte {column} of the line); 'retroblog import FILE' "
            "reads other encodings and repairs mojibake",
        ) from None


def normalise(text: str, path: str) -> Normalised:
    """``text`` of the post at ``path`` with what mkdocs-material rejects rewritten."""
    raw = read_post(text, path)
    changes: list[str] = ["line " + note.removeprefix(f"{path}:") for note in raw.repairs]
    meta: dict[str, Any] = dict(raw.meta)
    if not raw.has_front_matter:
        from_name = file_name_date(PurePath(path).name)
        if from_name is None:
            raise PostError(path, 1, "a blog post starts with front matter ('---', 'date: 2022-08-06', '---')")
        changes.append(f"no front matter: date {from_name[0].isoformat()} from the file name")
    _date(meta, raw.line_of, path, changes, raw.has_front_matter)
    _lists(meta, raw.line_of, path, changes)
    neutralise_fields(meta, lambda key: changes.append(f"{key}: {NEUTRALISED}"))
    _slug(meta, changes)
    _scalars(meta, raw.line_of, path, changes)
    body = raw.body
    if _MORE_JEKYLL.search(body) and MORE not in body:
        body = _MORE_JEKYLL.sub(MORE, body, count=1)
        changes.append(f"'<!--more-->' → '{MORE}'")
    if _ALIGN.search(body):
        body = _ALIGN.sub(r"\1)", body)
        changes.append("' align=...' removed from image links")
    if not changes and meta == raw.meta:
        return Normalised(None)
    return Normalised(f"---\n{dump_yaml(meta)}---\n\n{body.lstrip(chr(10))}", tuple(changes))


def _date(meta: dict[str, Any], line_of: Any, path: str, changes: list[str], has_front_matter: bool) -> None:
    _created(meta, line_of, path, changes, has_front_matter)
    updated = next((k for k in _UPDATED_KEYS if k in meta), None)
    if updated is not None and "updated" not in meta["date"]:
        meta["date"]["updated"] = parse_date(meta[updated], path=path, line=line_of(updated), key=updated)
        changes.append(f"{updated} → date.updated")


def _created(meta: dict[str, Any], line_of: Any, path: str, changes: list[str], has_front_matter: bool) -> None:
    """``meta['date']`` as ``{created: …}`` (with ``updated`` when the mapping has it)."""
    value = meta.get("date")
    if value is not None and is_yaml_date(value):
        meta["date"] = dict(value) if isinstance(value, dict) else {"created": value}
        return
    if isinstance(value, dict):
        if "created" not in value:
            raise PostError(path, line_of("date"), "'date' as a mapping needs 'created' (and may have 'updated')")
        fixed = {k: parse_date(v, path=path, line=line_of("date"), key=f"date.{k}") for k, v in value.items()}
        meta["date"] = fixed
        changes.append("date: " + ", ".join(f"{k} {v!r} → {iso(fixed[k])}" for k, v in value.items() if v != fixed[k]))
        return
    if value is not None:
        meta["date"] = parse_date(value, path=path, line=line_of("date"))
        changes.append(f"date '{value}' → {iso(meta['date'])}")
    else:
        key = next((k for k in _DATE_KEYS if k in meta), None)
        from_name = file_name_date(PurePath(path).name)
        if key is not None:
            meta["date"] = parse_date(meta[key], path=path, line=line_of(key), key=key)
            changes.append(f"{key} '{meta[key]}' → date {iso(meta['date'])}")
        elif from_name is not None:
            meta["date"] = from_name[0]
            if has_front_matter:
                changes.append(f"no 'date': {from_name[0].isoformat()} from the file name")
        else:
            raise PostError(path, 1, "no 'date' in the front matter (the blog needs one, e.g. 'date: 2022-08-06')")
    meta["date"] = {"created": meta["date"]}


def _lists(meta: dict[str, Any], line_of: Any, path: str, changes: list[str]) -> None:
    scratch = Report(source=path)
    for key, split in (("categories", "auto"), ("tags", "auto"), ("authors", "comma")):
        value = meta.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            meta[key] = as_list(value, key=key, path=path, line=line_of(key), report=scratch, split=split)
            changes.append(f"{key} {value!r} → a list")
    if "category" in meta and "categories" not in meta:
        value = meta.pop("category")
        meta["categories"] = as_list(
            value, key="category", path=path, line=line_of("category"), report=scratch, split="auto"
        )
        changes.append(f"category {value!r} → categories")


def _slug(meta: dict[str, Any], changes: list[str]) -> None:
    """A slug the blog can use as a folder name: no markup or spaces, not longer than ``MAX_SLUG``."""
    slug = meta.get("slug")
    if isinstance(slug, str) and slug and not _SAFE_SLUG.match(slug):
        meta["slug"] = slugify(slug)
        changes.append(f"slug {slug!r} → {meta['slug']!r} (a part of the post's address)")
    elif slug is None and isinstance(meta.get("title"), str) and len(slugify(meta["title"], 10_000)) > MAX_SLUG:
        meta["slug"] = slugify(meta["title"])
        changes.append(f"a title of {len(meta['title'])} characters → slug '{meta['slug']}' (file names have a limit)")


def _scalars(meta: dict[str, Any], line_of: Any, path: str, changes: list[str]) -> None:
    if meta.get("published") is False and "draft" not in meta:
        meta["draft"] = True
        changes.append("published: false → draft: true")
    if meta.get("ignorePost") is True and "draft" not in meta:
        meta["draft"] = True
        changes.append("ignorePost: true → draft: true")
    for key in ("draft", "pin"):
        value = meta.get(key)
        if isinstance(value, str):
            if value.strip().lower() not in ("true", "false", "yes", "no"):
                raise PostError(path, line_of(key), f"'{key}': expected true or false, found '{value}'")
            meta[key] = value.strip().lower() in ("true", "yes")
            changes.append(f"{key} '{value}' → {str(meta[key]).lower()}")
    value = meta.get("readtime")
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        text = str(value).strip().lower().removesuffix("min").removesuffix("minutes").strip()
        if not (text.isascii() and text.isdigit()):  # ("²".isdigit() is true; int() refuses it)
            raise PostError(path, line_of("readtime"), f"'readtime': expected minutes such as 5, found {value!r}")
        meta["readtime"] = int(text)
        changes.append(f"readtime {value!r} → {meta['readtime']}")


def post_dirs(plugins: Any) -> list[str]:
    """The posts folders (relative to ``docs_dir``) of every enabled blog among ``(name, plugin)`` pairs."""
    dirs: list[str] = []
    for name, plugin in plugins:
        config: Any = getattr(plugin, "config", None)
        if not str(name).split(" #")[0].endswith("blog") or not hasattr(config, "post_dir"):
            continue
        if getattr(config, "enabled", True) is False:
            continue
        blog = PurePath(str(config.blog_dir)).as_posix().strip("/")
        dirs.append(PurePath(str(config.post_dir).format(blog=blog)).as_posix().strip("/"))
    return dirs
