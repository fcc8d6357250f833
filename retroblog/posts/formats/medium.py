"""Medium export HTML (``posts/YYYY-MM-DD_Title-Slug-<hexid>.html``) to mkdocs-material posts.

Reads the export's microformats with the standard library's ``html.parser``: ``h1.p-name`` →
``title``; ``section.p-summary`` (the subtitle) → ``description``; ``time.dt-published@datetime``
→ ``date.created`` (drafts have none: ``draft_`` files become ``draft: true`` and need ``--date``);
``a.p-canonical`` → ``retroblog.canonical_url``; ``a.p-author`` → ``authors``; the hex id →
``retroblog.source_id``; the first body image → ``image``. The body (``section.e-content``) becomes
Markdown, without Medium's duplicate ``graf--title``/``graf--subtitle`` headings. Every text node is
escaped, so text that looks like HTML stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Any

from retroblog.errors import PostError
from retroblog.posts import mojibake
from retroblog.posts.common import check_dates, excerpt, fixed_text, slugify
from retroblog.posts.dates import PostDate, parse_date
from retroblog.posts.model import Post, Report

_NAME = re.compile(r"^(?:(?P<draft>draft)_|(?P<date>\d{4}-\d{2}-\d{2})_)?(?P<slug>.+?)(?:-(?P<id>[0-9a-f]{6,}))?$")
_BLOCKS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "pre",
    "blockquote",
    "figure",
    "hr",
    "div",
    "section",
    "figcaption",
    "iframe",
}
_VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr"}


def escape(text: str) -> str:
    """Text as Markdown that renders as exactly that text (no HTML, links or emphasis)."""
    text = text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([`*\[\]])", r"\\\1", text)
    return re.sub(r"(?<!\w)_|_(?!\w)", r"\\_", text)


def _escape_line_start(text: str) -> str:
    return re.sub(r"^(\s*)([#+-]|\d+[.)])(\s)", r"\1\\\2\3", text)


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> _Node | None:
        for node in self.walk():
            if (
                (tag is None or node.tag == tag)
                and (cls is None or cls in node.classes)
                and all(node.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
            ):
                return node
        return None

    def walk(self) -> list[_Node]:
        out: list[_Node] = []
        stack: list[_Node] = [self]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed([c for c in node.children if isinstance(c, _Node)]))
        return out

    def text(self) -> str:
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return "".join(parts)


class _TreeBuilder(HTMLParser):
    """A forgiving tree of the export: unclosed tags close with their parent."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


class _Markdown:
    """Medium's body HTML as Markdown blocks."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.images: list[str] = []
        self.skipped_divider = False

    def block(self, node: _Node, list_prefix: str = "") -> None:
        tag = node.tag
        classes = node.classes
        if "graf--title" in classes or "graf--subtitle" in classes:
            return
        if tag in ("script", "style", "noscript", "head", "title"):
            return
        if tag == "hr" or "section-divider" in classes:
            if self.blocks or self.skipped_divider:
                self.blocks.append("---")
            self.skipped_divider = True
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = {"h1": 2, "h2": 2, "h3": 2, "h4": 3, "h5": 4, "h6": 5}[tag]
            self.blocks.append("#" * level + " " + self.inline(node).strip())
        elif tag == "p":
            text = self.inline(node).strip()
            if text:
                self.blocks.append(_escape_line_start(text))
        elif tag in ("ul", "ol"):
            items = []
            for number, child in enumerate((c for c in node.children if isinstance(c, _Node) and c.tag == "li"), 1):
                marker = f"{number}." if tag == "ol" else "-"
                items.append(f"{marker} {self.inline(child).strip()}")
            if items:
                self.blocks.append("\n".join(items))
        elif tag == "pre":
            code = node.text().strip("\n")
            fence = "```" if "```" not in code else "~~~~"
            self.blocks.append(f"{fence}\n{code}\n{fence}")
        elif tag == "blockquote":
            text = self.inline(node).strip()
            self.blocks.append("\n".join(f"> {line}" for line in text.split("\n")))
        elif tag == "figure":
            img = node.find("img")
            caption = node.find("figcaption")
            if img is not None and img.attrs.get("src"):
                alt = escape(img.attrs.get("alt", "") or (caption.text().strip() if caption else ""))
                self.images.append(img.attrs["src"])
                self.blocks.append(f"![{alt}]({img.attrs['src']})")
            if caption is not None and caption.text().strip():
                self.blocks.append(f"*{self.inline(caption).strip()}*")
            iframe = node.find("iframe")
            if img is None and iframe is not None and iframe.attrs.get("src"):
                self.blocks.append(f"<{iframe.attrs['src']}>")
        elif tag == "img" and node.attrs.get("src"):
            self.images.append(node.attrs["src"])
            self.blocks.append(f"![{escape(node.attrs.get('alt', ''))}]({node.attrs['src']})")
        else:
            for item in node.children:
                if isinstance(item, _Node):
                    self.block(item)
                elif item.strip():
                    self.blocks.append(escape(item.strip()))

    def inline(self, node: _Node) -> str:
        out: list[str] = []
        for child in node.children:
            if isinstance(child, str):
                out.append(escape(re.sub(r"\s+", " ", child)))
                continue
            inner = self.inline(child)
            tag = child.tag
            if tag in ("strong", "b") and inner.strip():
                out.append(f"**{inner.strip()}**")
            elif tag in ("em", "i") and inner.strip():
                out.append(f"*{inner.strip()}*")
            elif tag == "code":
                code = child.text()
                out.append(f"`` {code} ``" if "`" in code else f"`{code}`")
            elif tag == "a" and child.attrs.get("href", "").startswith(("http://", "https://", "mailto:")):
                out.append(f"[{inner}]({child.attrs['href']})")
            elif tag == "br":
                out.append("  \n")
            elif tag == "img" and child.attrs.get("src"):
                self.images.append(child.attrs["src"])
                out.append(f"![{escape(child.attrs.get('alt', ''))}]({child.attrs['src']})")
            else:
                out.append(inner)
        return "".join(out)


def convert_html(text: str, path: str, report: Report, *, date: PostDate | None = None) -> Post:
    """A Medium export file's HTML as a mkdocs-material post."""
    report.format = "medium"
    root = parse_html(text)
    name = PurePath(path).name.rsplit(".", 1)[0]
    parts = _NAME.match(name)
    assert parts is not None
    extra: dict[str, Any] = {"source": "medium", "source_file": PurePath(path).name}
    if parts["id"]:
        extra["source_id"] = parts["id"]

    heading = root.find("h1", "p-name") or root.find("title")
    title = re.sub(r"\s+", " ", heading.text()).strip() if heading else ""
    title = fixed_text(title, "title", path, _line_of(text, "p-name"), report)
    if not title:
        raise PostError(path, 1, 'no title: expected <h1 class="p-name"> as in Medium\'s export')
    report.add("mapped", "h1.p-name → title")
    summary = root.find("section", "p-summary")
    description = re.sub(r"\s+", " ", summary.text()).strip() if summary else None
    if description:
        description = fixed_text(description, "subtitle", path, _line_of(text, "p-summary"), report)
        report.add("mapped", "section.p-summary (subtitle) → description")
    draft = parts["draft"] is not None
    published = root.find("time", "dt-published")
    if published is not None and published.attrs.get("datetime"):
        created = parse_date(
            published.attrs["datetime"],
            path=path,
            line=_line_of(text, "dt-published"),
            key="time.dt-published",
        )
        report.add("mapped", f"time.dt-published → date.created: {created.isoformat()}")
    elif date is not None:
        created = date
        report.add("mapped", f"no publication date; --date → date.created: {created.isoformat()}")
    else:
        raise PostError(path, 1, 'no <time class="dt-published"> (a draft?): pass --date YYYY-MM-DD')
    check_dates(
        created,
        None,
        path=path,
        line=_line_of(text, "dt-published") if published is not None and published.attrs.get("datetime") else None,
        report=report,
    )
    if draft:
        report.add("mapped", "draft_ file → draft: true")
    canonical = root.find("a", "p-canonical")
    if canonical is not None and canonical.attrs.get("href"):
        extra["canonical_url"] = canonical.attrs["href"]
        report.add("mapped", "a.p-canonical → retroblog.canonical_url")
    author = root.find("a", "p-author")
    authors = [re.sub(r"\s+", " ", author.text()).strip()] if author is not None and author.text().strip() else []
    if authors:
        report.add("mapped", f"a.p-author → authors: {authors[0]}")

    content = root.find("section", "e-content") or root.find(None, None, data_field="body")
    if content is None:
        raise PostError(path, 1, 'no body: expected <section data-field="body" class="e-content">')
    converter = _Markdown()
    converter.block(content)
    body = "\n\n".join(b for b in converter.blocks if b.strip())
    body, repairs = mojibake.fix_lines(body)
    cursor = text.find("e-content")
    for repair in repairs:  # a Markdown line's number is not the HTML's: each run is found in the source
        for _, before, after in mojibake.changes(repair.before, repair.after):
            found = text.find(before, max(cursor, 0))
            cursor = found + len(before) if found >= 0 else cursor
            line = text.count("\n", 0, found) + 1 if found >= 0 else 1
            column = found - text.rfind("\n", 0, found) if found >= 0 else 1
            report.add("repaired", mojibake.note(path, line, column, before, after))
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


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return 1 if index < 0 else text.count("\n", 0, index) + 1
