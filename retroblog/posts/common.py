"""Helpers every importer shares: lists, slugs, excerpt markers, Liquid and kramdown leftovers."""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from typing import Any

from retroblog.errors import PostError
from retroblog.posts import mojibake
from retroblog.posts.dates import PostDate
from retroblog.posts.frontmatter import RawPost
from retroblog.posts.model import Report

MORE = "<!-- more -->"
_MORE_ANY = re.compile(r"^[ \t]*<!--\s*more\s*-->[ \t]*$", re.MULTILINE | re.IGNORECASE)
_ALIGN = re.compile(r"(!\[[^\]\n]*\]\([^)\s]+)\s+align=\"[^\"\n]*\"\)")
_HIGHLIGHT = re.compile(r"^\{%-?\s*highlight\s+([\w+#.-]+)[^%]*-?%\}\s*$")
_ENDHIGHLIGHT = re.compile(r"^\{%-?\s*endhighlight\s*-?%\}\s*$")
_RAW = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
_SITE_URL = re.compile(r"\{\{-?\s*site\.(?:url|baseurl)\s*-?\}\}")
_POST_URL = re.compile(r"\{%-?\s*post_url\s+(\d{4}-\d{2}-\d{2}-[\w.-]+?)\s*-?%\}")
_EMBED = re.compile(r"^\{%-?\s*(embed|link|github|youtube|twitter|codepen|gist|stackblitz)\s+(\S+)[^%]*-?%\}\s*$")
_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")
_IAL = re.compile(r"^\{:\s*[^}]*\}\s*$")
_FENCE = mojibake.FENCE
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)


def code_ranges(text: str) -> list[tuple[int, int]]:
    """The ``[start, end)`` character ranges of ``text`` that are code, where nothing is markup.

    Fenced blocks (backtick or tilde fences, from the opening fence to its closing one, or to the end) and
    inline code spans (matched within a paragraph, as in CommonMark).
    """
    ranges: list[tuple[int, int]] = []
    fence: tuple[str, int, int] | None = None  # the fence's character, its length, where it starts
    paragraph: int | None = None
    offset = 0

    def spans(start: int, end: int) -> None:
        ranges.extend((start + m.start(), start + m.end()) for m in _CODE_SPAN.finditer(text[start:end]))

    for line in text.split("\n"):
        end = offset + len(line) + 1
        match = _FENCE.match(line)
        if fence is not None:
            if match and match[1][0] == fence[0] and len(match[1]) >= fence[1] and not line.strip().strip(fence[0]):
                ranges.append((fence[2], end))
                fence = None
        elif match:
            if paragraph is not None:
                spans(paragraph, offset)
                paragraph = None
            fence = (match[1][0], len(match[1]), offset)
        elif not line.strip():
            if paragraph is not None:
                spans(paragraph, offset)
                paragraph = None
        elif paragraph is None:
            paragraph = offset
        offset = end
    if fence is not None:
        ranges.append((fence[2], len(text)))
    elif paragraph is not None:
        spans(paragraph, len(text))
    return ranges


def in_code(ranges: list[tuple[int, int]], position: int) -> bool:
    """Whether ``position`` is inside one of ``ranges`` (``code_ranges``)."""
    return any(start <= position < end for start, end in ranges)


def as_list(value: Any, *, key: str, path: str, line: int, report: Report, split: str = "auto") -> list[str]:
    """A list of names from a YAML list or a string (``"a b"`` for Jekyll, ``"a, b"`` for Hashnode).

    ``split`` is ``space``, ``comma`` or ``auto`` (commas when there are any, else spaces).
    """
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        items = []
        typed: list[str] = []
        for item in value:
            if isinstance(item, dict | list | tuple) or item is None:
                raise PostError(path, line, f"'{key}': expected names, found {item!r} in the list")
            items.append(_name(item))
            if not isinstance(item, str):
                typed.append(items[-1])
        if typed:
            report.add(
                "mapped",
                f"{path}:{line}: '{key}': {', '.join(typed)} read by YAML as numbers, booleans or dates; "
                f"written as the names {', '.join(repr(t) for t in typed)}",
            )
        return _unique([i for i in items if i])
    if isinstance(value, str):
        mode = ("comma" if "," in value else "space") if split == "auto" else split
        parts = value.split(",") if mode == "comma" else value.split()
        items = _unique([p.strip() for p in parts if p.strip()])
        if items != [value.strip()]:
            how = "commas" if mode == "comma" else "spaces"
            report.add("mapped", f"{key}: '{value}' split on {how} → {items}")
        return items
    if isinstance(value, int | float) and not isinstance(value, bool):
        report.add("mapped", f"{path}:{line}: '{key}': {value} read by YAML as a number; written as the name '{value}'")
        return [str(value)]
    raise PostError(path, line, f"'{key}': expected a list or a text, found {value!r}")


def _name(item: Any) -> str:
    """A list item as a name, spelt as YAML spells it (``true``, not Python's ``True``)."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, dt.date):
        return item.isoformat()
    return str(item).strip()


def _day(value: PostDate) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _before(first: PostDate, second: PostDate) -> bool:
    """Whether ``first`` is earlier than ``second`` (by the day unless both are comparable times)."""
    if (
        isinstance(first, dt.datetime)
        and isinstance(second, dt.datetime)
        and (first.tzinfo is None) == (second.tzinfo is None)
    ):
        return first < second
    return _day(first) < _day(second)


def check_dates(
    created: PostDate,
    updated: PostDate | None,
    *,
    path: str,
    line: int | None,
    updated_key: str = "",
    updated_line: int | None = None,
    report: Report,
) -> PostDate | None:
    """``updated``, or None when it is earlier than ``created`` (reported); a date after today is reported."""
    where = f"{path}:{line}" if line else path
    if _day(created) > dt.date.today():
        report.add("kept", f"{where}: date {created.isoformat()} is after today; the post is dated in the future")
    if updated is not None and _before(updated, created):
        report.add(
            "dropped",
            f"{path}:{updated_line}: {updated_key} {updated.isoformat()} is earlier than the date "
            f"{created.isoformat()}; no date.updated is written (a post is not updated before it is created)",
        )
        return None
    return updated


def _unique(items: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


MAX_SLUG = 80
"""Slugs are cut to this many characters (at a word boundary): file names have a length limit."""


RETROBLOG_KEYS = ("career",)
"""retroblog's own front-matter keys (``career: true``: the career note): every importer keeps them on top."""


def retroblog_keys(raw: RawPost, meta: dict[str, Any], report: Report) -> dict[str, Any]:
    """Take retroblog's own keys out of ``meta``, checked, to be written at the top level."""
    found: dict[str, Any] = {}
    for key in RETROBLOG_KEYS:
        if key in meta:
            value = meta.pop(key)
            if not isinstance(value, bool):
                raise PostError(raw.path, raw.line_of(key), f"'{key}': expected true or false, found {value!r}")
            found[key] = value
            report.add("kept", f"{key}: {str(value).lower()} (retroblog's own key)")
    return found


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """A lower-case, hyphenated slug; letters of every script are kept, accents dropped.

    A slug longer than ``max_length`` is cut at the last hyphen that keeps it within the limit
    (or at the limit when a single word is longer).
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^\w]+", "-", text).strip("-_")
    text = re.sub(r"-{2,}", "-", text)
    if len(text) > max_length:
        cut = text.rfind("-", 0, max_length + 1)
        text = (text[:cut] if cut > 0 else text[:max_length]).strip("-_")
    return text or "post"


_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_OPENING_QUOTE = re.compile(r'(^|[\s(\[{‘“])"')
MARKUP_LOOKALIKES = {"<": "\uff1c", ">": "\uff1e", "&": "\uff06"}
"""Fullwidth ``＜``, ``＞`` and ``＆``: read as ``<``, ``>`` and ``&``, never as markup."""


def neutralise(value: str, *, attribute: bool = False) -> str:
    """``value`` as text that reads the same in a page and in a feed and never becomes markup.

    mkdocs-material puts titles, descriptions, categories and tags into pages unescaped (the
    description inside a ``content="…"`` attribute) while the feeds escape them. So an entity
    (``&amp;``, ``&lt;``) is read as the character it stands for, as the source engine showed it;
    then ``<`` and ``>``, and an ``&`` that would start an entity, become their fullwidth look-alikes
    ``＜``, ``＞``, ``＆``; with ``attribute``, straight double quotes become curly ones (“…”).
    Entity escaping would be safe too, but feeds would show ``&lt;`` literally.
    """
    value = _ENTITY.sub(lambda m: html.unescape(m[0]), value)
    value = value.replace("<", MARKUP_LOOKALIKES["<"]).replace(">", MARKUP_LOOKALIKES[">"])
    value = _ENTITY.sub(lambda m: MARKUP_LOOKALIKES["&"] + m[0][1:], value)
    if attribute:
        value = _OPENING_QUOTE.sub("\\1\u201c", value).replace('"', "\u201d")
    return value


NEUTRALISED = "HTML markup written as look-alike characters (＜ ＞ ＆ “ ”) so it shows as text"
"""How a report names what ``neutralise`` did to a field."""


def neutralise_fields(meta: dict[str, Any], add: Any) -> None:
    """Neutralise ``title``, ``description``, ``categories`` and ``tags`` of ``meta`` in place.

    ``add(field)`` is called once for each field that changed (what is left of any other type is
    the caller's to check).
    """
    for key in ("title", "description"):
        value = meta.get(key)
        if isinstance(value, str) and (safe := neutralise(value, attribute=key == "description")) != value:
            meta[key] = safe
            add(key)
    for key in ("categories", "tags"):
        values = meta.get(key)
        if isinstance(values, list) and all(isinstance(v, str) for v in values):
            safe_values = [neutralise(v) for v in values]
            if safe_values != values:
                meta[key] = safe_values
                add(key)


def escape(text: str) -> str:
    """Text as Markdown that renders as exactly that text (no HTML, links, emphasis or attribute lists).

    Braces are escaped too: with ``attr_list`` (the sites' Markdown has it) a ``{: onclick=...}`` after a
    heading or an emphasis would be an attribute of the element.
    """
    text = text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([`*\[\]{}])", r"\\\1", text)
    return re.sub(r"(?<!\w)_|_(?!\w)", r"\\_", text)


def text_value(value: Any, *, key: str, path: str, line: int) -> str:
    """A scalar front-matter value as text; lists and mappings are errors."""
    if isinstance(value, dict | list | tuple):
        raise PostError(
            path,
            line,
            f"'{key}': expected a text, found a {'list' if isinstance(value, list | tuple) else 'mapping'}",
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value).strip()


def excerpt(body: str, report: Report, separator: str | None = None, lead: str | None = None) -> str:
    """``body`` with mkdocs-material's ``<!-- more -->`` after the excerpt.

    A source separator (Jekyll's ``<!--more-->`` or the post's ``excerpt_separator``) is rewritten;
    one in code (a fenced block or an inline code span) is the code's text and left alone.
    Without one, an excerpt written apart (``lead``: Jekyll's ``excerpt`` key) becomes the first
    paragraph, followed by the marker, so that the blog index shows it; else the marker goes after
    the first paragraph, which is Jekyll's default excerpt. No marker is written with nothing after
    it: the index shows such a post whole.
    """
    code = code_ranges(body)
    if separator and separator.strip() and not _MORE_ANY.search(separator):
        places = [m.span() for m in re.finditer(re.escape(separator), body) if not in_code(code, m.start())]
        if places:
            report.add("mapped", f"excerpt_separator '{separator}' → '{MORE}'")
            return _marked(body, places, f"excerpt_separator '{separator}'", report, around="\n")
    found = [m for m in _MORE_ANY.finditer(body) if not in_code(code, m.start())]
    if found:
        marker = found[0].group(0).strip()
        if marker != MORE:
            report.add("mapped", f"'{marker}' → '{MORE}'")
        return _marked(body, [m.span() for m in found], f"'{marker}'", report)
    if lead:
        if not body.strip():
            report.add("mapped", f"excerpt → the post's text (it has no other; no '{MORE}': nothing follows)")
            return lead.strip() + "\n"
        report.add("mapped", f"excerpt → the first paragraph, then '{MORE}' (the blog index shows it)")
        return f"{lead.strip()}\n\n{MORE}\n\n{body.lstrip(chr(10))}"
    lines = body.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return body
    in_fence = False
    for i in range(start, len(lines)):
        if _FENCE.match(lines[i]):
            in_fence = not in_fence
        if not in_fence and not lines[i].strip():
            if not "\n".join(lines[i:]).strip():
                break
            report.add("mapped", f"no excerpt marker: '{MORE}' added after the first paragraph")
            return "\n".join([*lines[:i], "", MORE, *lines[i:]])
    report.add(
        "mapped", "no excerpt marker: none added, as nothing follows the only paragraph (the index shows it all)"
    )
    return body


def _marked(body: str, places: list[tuple[int, int]], what: str, report: Report, around: str = "") -> str:
    """``body`` with the first of ``places`` made ``MORE`` and the others removed; no marker before nothing."""
    head = body[: places[0][0]]
    tail = "".join(
        body[end : (places[i + 1][0] if i + 1 < len(places) else len(body))] for i, (_, end) in enumerate(places)
    )
    if not tail.strip():
        report.add("dropped", f"{what}: nothing follows it, so no '{MORE}' (the index shows the whole post)")
        return head
    return f"{head}{around}{MORE}{around}{tail}"


def strip_align(body: str, path: str, first_line: int, report: Report) -> str:
    """Remove Hashnode's `` align="center"`` from image links (it breaks the link in Markdown)."""
    out = []
    for number, line in enumerate(body.split("\n"), start=first_line):
        fixed = _ALIGN.sub(r"\1)", line)
        if fixed != line:
            report.add("repaired", f"{path}:{number}: removed ' align=...' from an image link")
        out.append(fixed)
    return "\n".join(out)


def liquid(body: str, path: str, first_line: int, report: Report) -> str:
    """Jekyll and DEV Liquid: highlight blocks become fences, embeds links; the rest is reported."""
    out: list[str] = []
    in_fence = False
    for number, line in enumerate(body.split("\n"), start=first_line):
        if _FENCE.match(line) and not _HIGHLIGHT.match(line):
            in_fence = not in_fence
        if in_fence:
            out.append(line)
            continue
        if match := _HIGHLIGHT.match(line):
            out.append(f"``` {match[1]}")
            report.add("mapped", f"{path}:{number}: '{{% highlight {match[1]} %}}' → fenced code")
            continue
        if _ENDHIGHLIGHT.match(line):
            out.append("```")
            continue
        if match := _EMBED.match(line):
            out.append(f"<{match[2]}>" if "://" in match[2] else f"`{match[1]}: {match[2]}`")
            report.add("mapped", f"{path}:{number}: Liquid '{match[1]}' tag → a link")
            continue
        if _IAL.match(line):
            report.add("dropped", f"{path}:{number}: kramdown attribute line '{line.strip()}'")
            continue
        fixed = _RAW.sub("", _SITE_URL.sub("", line))
        fixed = _POST_URL.sub(lambda m: f"{m[1]}.md", fixed)
        leftover = _LIQUID.search(fixed)
        if leftover is not None:
            report.add("problem", f"{path}:{number}: Liquid template code left as text: '{leftover.group(0)}'")
        elif fixed != line:
            report.add("mapped", f"{path}:{number}: Liquid site URLs and post links made relative")
        out.append(fixed)
    return "\n".join(out)


def fixed_text(value: str, key: str, path: str, line: int, report: Report) -> str:
    """``value`` with its mojibake repaired, and the repair reported."""
    fixed = mojibake.fix_text(value)
    if fixed != value:
        report.add("repaired", f"{path}:{line}: mojibake in '{key}': '{value}' → '{fixed}'")
        for ambiguity in mojibake.ambiguities(value):
            report.add("check", f"{path}:{line}: '{key}': {ambiguity}")
    return fixed


def body_of(raw: RawPost, report: Report, separator: str | None = None, lead: str | None = None) -> str:
    """A front-matter post's body: mojibake, Hashnode image links, Liquid, the excerpt marker."""
    body, repairs = mojibake.fix_lines(raw.body, raw.body_line)
    for repair in repairs:
        mojibake.report(repair, raw.path, report.add)
    body = strip_align(body, raw.path, raw.body_line, report)
    body = liquid(body, raw.path, raw.body_line, report)
    return excerpt(body, report, separator, lead)
