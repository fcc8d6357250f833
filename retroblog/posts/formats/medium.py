"""Medium export HTML (``posts/YYYY-MM-DD_Title-Slug-<hexid>.html``) to mkdocs-material posts.

The export is read with BeautifulSoup (the standard library's ``html.parser`` underneath) and its
microformats mapped by a key table: ``h1.p-name`` → ``title``; ``section.p-summary`` (the subtitle) →
``description``; ``time.dt-published@datetime`` → ``date.created`` (drafts have none: ``draft_`` files
become ``draft: true`` and need ``--date``); ``a.p-canonical`` → ``retroblog.canonical_url``;
``a.p-author`` → ``authors``; the hex id → ``retroblog.source_id``; the first body image → ``image``.

The body (``section.e-content``) becomes Markdown with markdownify, without Medium's duplicate
``graf--title``/``graf--subtitle`` headings and without scripts, styles and their kin. Text is
escaped (``common.escape``), so text that looks like HTML or Markdown stays text; a line never starts
as a heading or a list by accident; only ``http(s):`` and ``mailto:`` links are links; an address
is written so that it cannot end its link early (spaces, ``<``, ``>``, quotes and unbalanced
parentheses percent-encoded); code is fenced so that nothing in it can close the fence.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString
from markdownify import ATX, MarkdownConverter

from retroblog.errors import PostError
from retroblog.posts import mojibake
from retroblog.posts.common import check_dates, escape, excerpt, slugify
from retroblog.posts.dates import Fallback, missing_date
from retroblog.posts.fields import Field, Fields, as_date, as_fixed_text
from retroblog.posts.model import Post, Report

_NAME = re.compile(r"^(?:(?P<draft>draft)_|(?P<date>\d{4}-\d{2}-\d{2})_)?(?P<slug>.+?)(?:-(?P<id>[0-9a-f]{6,}))?$")
_SKIPPED = ["script", "style", "noscript", "head", "title"]
"""Elements whose text is not the post's."""
_DUPLICATES = ["graf--title", "graf--subtitle"]
"""Medium repeats the title and subtitle as the body's first headings."""
_LEVELS = {1: 2, 2: 2, 3: 2, 4: 3, 5: 4, 6: 5}
"""Heading levels: the title is the page's only ``#``; Medium's h3 (its large heading) is ``##``."""
_BLOCKS = {"p", "div", "section", "ul", "ol", "li", "pre", "blockquote", "figure", "table", "dl", "hr"}
_BLOCKS |= {f"h{n}" for n in range(1, 7)}
_LINE_START = re.compile(r"(\A|(?<=  \n))([ \t]*)(#|[+-](?=\s)|-(?=-*[ \t]*(?:\n|\Z))|\d+[.)](?=\s))")
"""What would make a line of text a heading, a list item or a rule, at the start or after a ``<br>``."""
_URL_UNSAFE = re.compile(r"[\s<>\"\\^`{|}]")
_LINKED = ("http://", "https://", "mailto:")
_EMBEDDED = ("http://", "https://")

FIELDS = (
    Field("title", ("h1.p-name",), as_fixed_text, note=None, name="title", filled=True),
    Field("description", ("section.p-summary",), as_fixed_text, note="{key} (subtitle) → {target}", name="subtitle"),
    Field("date.created", ("time.dt-published",), as_date, note="{key} → date.created: {value}", filled=True),
    Field("retroblog.canonical_url", ("a.p-canonical",), filled=True),
    Field("authors", ("a.p-author",), note="{key} → authors: {value}", filled=True),
)
"""The export's microformats, by the element and class they are found by."""


def _text(tag: Tag | None) -> str:
    return re.sub(r"\s+", " ", tag.get_text()).strip() if tag is not None else ""


def _attr(tag: Tag | None, name: str) -> str:
    value = tag.get(name) if tag is not None else None
    return value if isinstance(value, str) else ""


def _microformats(soup: BeautifulSoup) -> tuple[dict[str, Any], dict[str, int]]:
    """The values ``FIELDS`` reads (empty when the export has none) and the line of each element."""
    title = soup.find("h1", class_="p-name") or soup.find("title")
    found: dict[str, Tag | None] = {
        "h1.p-name": title if isinstance(title, Tag) else None,
        "section.p-summary": _tag(soup.find("section", class_="p-summary")),
        "time.dt-published": _tag(soup.find("time", class_="dt-published")),
        "a.p-canonical": _tag(soup.find("a", class_="p-canonical")),
        "a.p-author": _tag(soup.find("a", class_="p-author")),
    }
    values = {
        "h1.p-name": _text(found["h1.p-name"]),
        "section.p-summary": _text(found["section.p-summary"]) or None,
        "time.dt-published": _attr(found["time.dt-published"], "datetime"),
        "a.p-canonical": _attr(found["a.p-canonical"], "href"),
        "a.p-author": _text(found["a.p-author"]),
    }
    lines = {key: tag.sourceline for key, tag in found.items() if tag is not None and tag.sourceline}
    return {key: value for key, value in values.items() if value is not None}, lines


def _tag(found: Any) -> Tag | None:
    return found if isinstance(found, Tag) else None


def _url(url: str) -> str:
    """``url`` as a Markdown link's address that ends where the address ends.

    Characters no address has unencoded (spaces, ``<``, ``>``, quotes, ...) are percent-encoded, and so
    are its parentheses unless they pair up (``…/Foo_(bar)`` stays as it is).
    """
    url = _URL_UNSAFE.sub(lambda m: quote(m[0]), url.strip())
    depth = 0
    for char in url:
        depth += 1 if char == "(" else -1 if char == ")" else 0
        if depth < 0:
            break
    return url if depth == 0 else url.replace("(", "%28").replace(")", "%29")


def _escape_starts(text: str) -> str:
    """``text`` with a backslash before what would make one of its lines a heading, a list or a rule."""
    return _LINE_START.sub(r"\1\2\\\3", text)


def _starts_with_text(tag: Tag) -> bool:
    """Whether ``tag``'s Markdown starts with its own text (not with a block it holds, such as a list)."""
    for child in tag.children:
        if isinstance(child, Tag):
            return child.name not in _BLOCKS
        if isinstance(child, NavigableString) and child.strip():
            return True
    return False


def _fence(code: str) -> str:
    """A code fence that no line of ``code`` closes."""
    if "```" not in code:
        return "```"
    if "~~~" not in code:
        return "~~~~"
    return "`" * max(3, *(len(run) + 1 for run in re.findall(r"`+", code)))


class _Markdown(MarkdownConverter):
    """markdownify, with retroblog's escaping and Medium's headings, dividers, figures and code."""

    def __init__(self) -> None:
        super().__init__(
            heading_style=ATX,
            bullets="-",
            autolinks=False,
            wrap=True,  # with no width: every run of white space is one space, as a browser shows it
            wrap_width=None,
            escape_asterisks=False,
            escape_underscores=False,
            escape_misc=False,
        )
        self.images: list[str] = []
        self.dropped: Tag | None = None

    def body(self, content: Tag) -> str:
        """The Markdown of the export's body element."""
        for tag in content.find_all(_SKIPPED) + content.find_all(class_=_DUPLICATES):
            if not tag.decomposed:
                tag.decompose()
        dividers = content.find_all(_is_divider)
        if dividers and _nothing_before(content, dividers[0]):
            self.dropped = dividers[0]  # the rule at the top of the first section has nothing to divide
        return _tidy(self.convert_soup(content))

    def escape(self, text: str, parent_tags: set[str]) -> str:
        return escape(text)

    def convert_hN(self, n: int, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip()
        if "_inline" in parent_tags or not text:
            return text
        return f"\n\n{'#' * _LEVELS.get(n, 5)} {text}\n\n"

    def convert_p(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip()
        if "_inline" in parent_tags:
            return f" {text} "
        return f"\n\n{_escape_starts(text)}\n\n" if text else ""

    convert_dt = convert_p
    convert_dd = convert_p

    def convert_div(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if _is_divider(el):
            return "" if el is self.dropped else "\n\n---\n\n"
        text = text.strip()
        if "_inline" in parent_tags:
            return f" {text} "
        return f"\n\n{text}\n\n" if text else ""

    convert_section = convert_div
    convert_article = convert_div
    convert_dl = convert_div
    convert_hr = convert_div

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip()
        if not text:
            return "\n"
        if _starts_with_text(el):
            text = _escape_starts(text)
        parent = el.parent
        marker = f"{1 + len(el.find_previous_siblings('li'))}." if parent is not None and parent.name == "ol" else "-"
        return f"{marker} " + text.replace("\n", "\n    ") + "\n"  # a nested block is indented four spaces

    def convert_blockquote(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip()
        if "_inline" in parent_tags:
            return f" {text} "
        if not text:
            return ""
        if _starts_with_text(el):
            text = _escape_starts(text)
        return "\n\n" + "\n".join(f"> {line}" if line else ">" for line in text.split("\n")) + "\n\n"

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        code = text.strip("\n")
        if not code.strip():
            return ""
        fence = _fence(code)
        return f"\n\n{fence}\n{code}\n{fence}\n\n"

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "pre" in parent_tags:
            return "\n"  # Medium breaks the lines of its code blocks with <br>
        return " " if "_inline" in parent_tags else "  \n"

    def convert_code(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags or not text:
            return text
        ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
        return f"{ticks} {text} {ticks}" if len(ticks) > 1 else f"`{text}`"

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        href = _attr(el, "href")
        if "_noformat" in parent_tags or not href.startswith(_LINKED) or not text.strip():
            return text
        return f"[{text}]({_url(href)})"

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        src = _attr(el, "src")
        if "_noformat" in parent_tags or not src:
            return ""
        alt = _attr(el, "alt")
        figure = el.find_parent("figure")
        if not alt and figure is not None:
            alt = _text(_tag(figure.find("figcaption")))
        self.images.append(_url(src))
        return f"![{escape(' '.join(alt.split()))}]({_url(src)})"

    def convert_figcaption(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip()
        return f"\n\n*{text}*\n\n" if text else ""

    def convert_iframe(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        src = _attr(el, "src").strip()
        return f"\n\n<{_url(src)}>\n\n" if src.startswith(_EMBEDDED) else ""

    def convert_video(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return text

    convert_del = convert_video  # ~~struck~~ is not Markdown the site reads
    convert_s = convert_video


def _is_divider(tag: Tag) -> bool:
    return tag.name == "hr" or "section-divider" in (tag.get("class") or [])


def _nothing_before(content: Tag, divider: Tag) -> bool:
    """Whether no text and no image of ``content`` comes before ``divider``."""
    for item in content.descendants:
        if item is divider:
            return True
        if isinstance(item, Tag) and item.name in ("img", "iframe"):
            return False
        if type(item) is NavigableString and item.strip():
            return False
    return True


def _tidy(markdown: str) -> str:
    """One blank line between blocks, none at the ends; code blocks as they are."""
    out: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        match = mojibake.FENCE.match(line)
        if fence is not None:
            if match and match[1][0] == fence[0] and len(match[1]) >= len(fence) and not line.strip().strip(fence[0]):
                fence = None
        elif match:
            fence = match[1]
        elif not line.strip():
            if out and not out[-1]:
                continue
            line = ""
        out.append(line)
    return "\n".join(out).strip("\n")


def convert_html(text: str, path: str, report: Report, *, fallback: Fallback | None = None) -> Post:
    """A Medium export file's HTML as a mkdocs-material post."""
    report.format = "medium"
    soup = BeautifulSoup(text, "html.parser")
    name = PurePath(path).name.rsplit(".", 1)[0]
    parts = _NAME.match(name)
    assert parts is not None
    extra: dict[str, Any] = {"source": "medium", "source_file": PurePath(path).name}
    if parts["id"]:
        extra["source_id"] = parts["id"]
    values, lines = _microformats(soup)
    fields = Fields(path, values, report, lines.get)
    title_field, summary, published, canonical, author = FIELDS

    title = fields.get(title_field)
    if not title:
        raise PostError(path, 1, 'no title: expected <h1 class="p-name"> as in Medium\'s export')
    report.add("mapped", "h1.p-name → title")
    description = fields.get(summary)
    draft = parts["draft"] is not None
    dated = fields.take(published)
    if dated is not None:
        created = dated[1]
    else:
        error = PostError(path, 1, 'no <time class="dt-published"> (a draft?): pass --date YYYY-MM-DD')
        created = missing_date(fallback, report, "no publication date", error)
    check_dates(created, None, path=path, line=fields.line(dated[0]) if dated else None, report=report)
    if draft:
        report.add("mapped", "draft_ file → draft: true")
    if canonical_url := fields.get(canonical):
        extra["canonical_url"] = canonical_url
    by = fields.get(author)
    authors = [by] if by else []

    content = _tag(soup.find("section", class_="e-content")) or _tag(soup.find(None, {"data-field": "body"}))
    if content is None:
        raise PostError(path, 1, 'no body: expected <section data-field="body" class="e-content">')
    converter = _Markdown()
    body, repairs = mojibake.fix_lines(converter.body(content))
    cursor = text.find("e-content")
    for repair in repairs:  # a Markdown line's number is not the HTML's: each run is found in the source
        for _, before, after in mojibake.changes(repair.before, repair.after):
            found = text.find(before, max(cursor, 0))
            cursor = found + len(before) if found >= 0 else cursor
            line = text.count("\n", 0, found) + 1 if found >= 0 else 1
            column = found - text.rfind("\n", 0, found) if found >= 0 else 1
            report.add("repaired", mojibake.note(path, line, column, before, after))
        for ambiguity in mojibake.ambiguities(repair.before):
            report.add("check", f"{path}: {ambiguity} (in the body's Markdown line '{repair.after[:40]}')")
    image = converter.images[0] if converter.images else None
    if image:
        report.add("mapped", "first body image → image (cover)")
    report.add("dropped", "graf--title and graf--subtitle (duplicates of the title and subtitle)")
    slug = slugify(parts["slug"].replace("-", " "))
    return Post(
        title=title,
        created=created,
        slug=slug,
        body=excerpt(body, report),
        description=description,
        authors=authors,
        draft=draft,
        image=image,
        extra=extra,
    )
