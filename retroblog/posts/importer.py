"""``retroblog import``: find source posts, convert them, and write mkdocs-material posts safely.

Each source file gets a ``Report``. A file that cannot be understood is reported with its line and
skipped; the others are still imported. Nothing is overwritten without ``force`` (a file that
would be written byte for byte as it is counts as ``unchanged``), every write is atomic, and
``dry_run`` writes and downloads nothing. The same inputs give byte-identical output.
"""

from __future__ import annotations

import hashlib
import html
import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

import yaml

from retroblog.errors import PostError, RetroblogError
from retroblog.posts.common import NEUTRALISED, code_ranges, in_code, neutralise_fields
from retroblog.posts.dates import PostDate
from retroblog.posts.formats import devto, hashnode, jekyll
from retroblog.posts.formats.medium import convert_html
from retroblog.posts.formats.text import convert_text
from retroblog.posts.frontmatter import read_post
from retroblog.posts.model import Post, Report
from retroblog.posts.writer import render
from retroblog.util.files import atomic_write

FORMATS = ("auto", "jekyll", "hashnode", "devto", "medium", "text")
SUFFIXES = {".md", ".markdown", ".html", ".htm", ".txt"}
MAX_DOWNLOAD = 20 * 1024 * 1024
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
"""Control characters no text post has (NUL, ESC, ...): tab, line breaks and form feed are text."""
_IMAGE = re.compile(r"(!\[[^\]\n]*\]\()(<[^>\n]+>|[^)\s]+)((?:\s+\"[^\"\n]*\")?\))")
_HTML_IMG = re.compile(r"<img\b(?P<attrs>[^>]*)>", re.IGNORECASE)
_HTML_ATTR = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(/?)>|<!--.*?-->", re.DOTALL)
# Python-Markdown's block-level elements (markdown.util.BLOCK_LEVEL_ELEMENTS, without <hr>), spelled out
# here: only retroblog.markdown may import the framework (tests/test_architecture.py compares the two).
_HTML_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "canvas",
        "center",
        "colgroup",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "group",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "html",
        "iframe",
        "legend",
        "li",
        "main",
        "map",
        "math",
        "menu",
        "nav",
        "noscript",
        "object",
        "ol",
        "option",
        "output",
        "p",
        "pre",
        "progress",
        "script",
        "section",
        "style",
        "summary",
        "table",
        "tbody",
        "td",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "video",
    ]
)
"""Python-Markdown's block-level elements: Markdown inside one is raw HTML (``hr`` has no content)."""


@dataclass(frozen=True)
class ImportOptions:
    """What ``retroblog import`` was asked to do."""

    to: Path = Path("docs/blog/posts")
    dry_run: bool = False
    force: bool = False
    download_images: bool = False
    date: PostDate | None = None
    """The date of posts that carry none (plain text, Medium drafts)."""
    author: str | None = None
    """An ``.authors.yml`` id for posts whose author is unknown."""
    format: str = "auto"
    authors_file: Path | None = None
    """Default: ``.authors.yml`` in the folder above ``to`` (mkdocs-material's ``{blog}/.authors.yml``)."""


@dataclass
class _Write:
    target: Path
    data: bytes
    source: str | None = None
    url: str | None = None


@dataclass
class _Plan:
    report: Report
    writes: list[_Write] = field(default_factory=list)


def discover(sources: Sequence[str | Path]) -> list[Path]:
    """The files to import: files as given, folders searched for posts (sorted, hidden ones skipped)."""
    found: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            posts = [
                child
                for child in sorted(path.rglob("*"))
                if child.is_file()
                and child.suffix.lower() in SUFFIXES
                and not any(p.startswith(".") for p in child.relative_to(path).parts)
            ]
            if not posts:
                kinds = ", ".join(f"*{suffix}" for suffix in sorted(SUFFIXES))
                raise RetroblogError(f"{path}: no posts in this folder (looked for {kinds}; hidden files skipped)")
            found.extend(posts)
        else:
            raise RetroblogError(f"{path}: no such file or folder")
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path, None)
    return list(unique)


def detect(path: Path, text: str) -> str:
    """The source format of a file, from its suffix and front matter."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return "medium"
    if suffix == ".txt" or not re.match(r"^\ufeff?---[ \t]*\r?\n", text):
        return "text"
    try:
        meta = read_post(text, str(path)).meta
    except PostError:
        meta = {}
    keys = set(meta)
    if keys & hashnode.MARKERS or "datePublished" in text.split("\n---", 1)[0]:
        return "hashnode"
    if keys & devto.MARKERS:
        return "devto"
    return "jekyll"


def read_source(path: Path, report: Report) -> str:
    """A source file's text: UTF-8 (BOM allowed), UTF-16 with a BOM, else Windows-1252 (reported).

    Data that is not text (a NUL or another control character, as in images and programs) is refused
    with a ``PostError`` naming the line.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PostError(path, None, f"cannot be read ({exc.strerror})") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise PostError(path, 1, "starts with a UTF-16 byte order mark but is not UTF-16 text") from None
        report.add("repaired", f"{path}: UTF-16 file read as UTF-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            text = data.decode("cp1252", errors="replace")
            if _BINARY.search(text) is None:
                report.add("repaired", f"{path}:{line}: not UTF-8; the file was read as Windows-1252")
    if (control := _BINARY.search(text)) is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise PostError(
            path,
            line,
            f"contains the control character U+{ord(control[0]):04X}: binary data (an image? a program?), not a post",
        )
    return text


def convert(path: Path, text: str, report: Report, options: ImportOptions) -> Post:
    """One source file as a ``Post`` (raises ``PostError`` with the file and line)."""
    name = str(path)
    kind = options.format if options.format != "auto" else detect(path, text)
    if kind == "medium":
        return convert_html(text, name, report, date=options.date)
    if kind == "text":
        return convert_text(text, name, report, date=options.date)
    raw = read_post(text, name)
    if not raw.has_front_matter:
        raise PostError(name, 1, f"a {kind} post starts with '---' front matter; this file has none")
    convert_post = {"jekyll": jekyll.convert, "hashnode": hashnode.convert, "devto": devto.convert}[kind]
    post = convert_post(raw, report)
    if kind != "hashnode":
        for note in raw.repairs:
            report.add("repaired", note)
    for note in raw.duplicates:
        report.add("dropped", note)
    return post


def load_authors(path: Path) -> dict[str, dict[str, Any]]:
    """The authors of ``.authors.yml`` by id (empty when the file does not exist)."""
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise PostError(path, line, f"invalid YAML: {exc.problem}") from None
    authors = data.get("authors") if isinstance(data, dict) else None
    if not isinstance(authors, dict):
        raise PostError(path, 1, "expected 'authors:' mapping ids to {name, description, avatar}")
    return {str(k): v if isinstance(v, dict) else {} for k, v in authors.items()}


def _resolve_authors(
    post: Post, known: dict[str, dict[str, Any]], authors_file: Path, options: ImportOptions, report: Report
) -> None:
    by_name = {str(v.get("name", "")).casefold(): k for k, v in known.items() if v.get("name")}
    resolved: list[str] = []
    for name in post.authors:
        match = name if name in known else by_name.get(name.casefold())
        if match is None:
            report.add("dropped", f"author '{name}': not in {authors_file}; add them there to show them")
        elif match not in resolved:
            resolved.append(match)
            report.add(
                "mapped",
                f"author '{name}' → authors: {match}" + ("" if match != name else f" (an id in {authors_file})"),
            )
    if not resolved and options.author:
        resolved = [options.author]
        report.add("mapped", f"--author → authors: {options.author}")
    post.authors = resolved


def _neutralise(post: Post, report: Report) -> None:
    """The title, description, categories and tags as text that never becomes markup (``neutralise``)."""
    fields: dict[str, Any] = {
        "title": post.title,
        "description": post.description,
        "categories": post.categories,
        "tags": post.tags,
    }

    def changed(name: str) -> None:
        setattr(post, name, fields[name])
        report.add("repaired", f"{name}: {NEUTRALISED}")

    neutralise_fields(fields, changed)


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def _safe_name(name: str, fallback: str) -> str:
    name = re.sub(r"[^\w.-]+", "-", unquote(name)).strip(".-") or fallback
    return name[:80]


class _Images:
    """Local images are copied next to the post; remote ones too with ``download_images``."""

    def __init__(self, source: Path, text: str, post: Post, options: ImportOptions, plan: _Plan) -> None:
        self.source = source
        self.text = text
        self.post = post
        self.options = options
        self.plan = plan
        self.folder = options.to / post.slug
        self.done: dict[str, str] = {}

    def cover(self, url: str) -> str:
        """The cover's address: remote as it is; a copied file by its path on the site.

        Feeds (mkdocs-rss-plugin) join ``image`` to ``site_url``, so a local cover is written as
        where mkdocs-material publishes it: the blog folder without ``posts/`` (``blog/<slug>/x.svg``).
        """
        local = self.rewrite(url, "cover image")
        if local == url or _is_remote(local):
            return local
        to = self.options.to
        blog = to.parent.name if to.name == "posts" and to.parent.name else None
        return f"{blog}/{local}" if blog else local

    def rewrite(self, url: str, what: str) -> str:
        url = url.strip()
        bare = url[1:-1] if url.startswith("<") and url.endswith(">") else url
        if bare in self.done:
            return self.done[bare]
        if not self.handles(bare):
            return url
        if _is_remote(bare):
            parsed = urlparse(bare if not bare.startswith("//") else "https:" + bare)
            digest = hashlib.sha256(bare.encode()).hexdigest()[:8]
            name = _safe_name(PurePosixPath(parsed.path).name, f"image-{digest}")
            if self.options.dry_run:  # nothing is fetched: the plan says where it would go
                target = self._unique(name)
                self.plan.writes.append(_Write(self.folder / target, b"", url=parsed.geturl()))
                self.plan.report.add("mapped", f"{what} {bare} → would be downloaded to {self.folder / target}")
            else:
                # Fetched now, before the post is written: a failed download leaves the remote link in it.
                try:
                    data = _download(parsed.geturl())
                except (OSError, ValueError) as exc:
                    self.plan.report.add(
                        "problem",
                        f"{self._where(bare)}: {what} {bare}: download failed ({exc}); the remote link is kept",
                    )
                    self.done[bare] = url
                    return url
                target = self._unique(name)
                self.plan.writes.append(_Write(self.folder / target, data, source=bare))
                self.plan.report.add("mapped", f"{what} {bare} → downloaded to {self.folder / target}")
        else:
            local = self._local(bare)
            if local is None:
                self.plan.report.add(
                    "problem", f"{self._where(bare)}: {what} '{bare}' not found next to the source; link kept"
                )
                return url
            target = self._unique(_safe_name(local.name, "image"))
            self.plan.writes.append(_Write(self.folder / target, local.read_bytes(), source=str(local)))
            self.plan.report.add("mapped", f"{what} {bare} → copied to {self.folder / target}")
        relative = f"{self.post.slug}/{target}"
        self.done[bare] = relative
        return relative

    def handles(self, url: str) -> bool:
        """Whether ``url`` is an image that is copied (or downloaded) next to the post."""
        if (
            not url
            or url.startswith(("data:", "#", "mailto:"))
            or (re.match(r"^[a-z][a-z0-9+.-]*:", url) and not _is_remote(url))
        ):
            return False
        return self.options.download_images or not _is_remote(url)

    def markdown(self, body: str) -> str:
        """``body`` with each Markdown image's file copied (or downloaded) and its link made local; an
        image in code is text, left as it is."""
        code = code_ranges(body)

        def local(match: re.Match[str]) -> str:
            if in_code(code, match.start()):
                return match[0]
            return match[1] + self.rewrite(match[2], "image") + match[3]

        return _IMAGE.sub(local, body)

    def html(self, body: str) -> str:
        """``body`` with each ``<img>`` whose file is copied made a Markdown image.

        MkDocs makes the links of Markdown relative to the page it builds, never those of raw HTML, so a
        copied file's path in an ``<img>`` would be looked for under the post's page. The tag becomes
        ``![alt](path "title")``; its other attributes (width, align, ...) are dropped and reported. An
        ``<img>`` inside a block-level HTML element (where Markdown is not read) keeps its link, reported;
        one in code is text.
        """
        code = code_ranges(body)
        opened: list[str] = []
        out: list[str] = []
        last = 0
        for tag in _HTML_TAG.finditer(body):
            if in_code(code, tag.start()) or tag[2] is None:
                continue
            name = tag[2].lower()
            if name in _HTML_BLOCKS and not tag[3]:
                if not tag[1]:
                    opened.append(name)
                elif name in opened:
                    del opened[len(opened) - 1 - opened[::-1].index(name) :]
                continue
            if name != "img" or (image := _HTML_IMG.match(body, tag.start())) is None:
                continue
            attrs = {
                m[1].lower(): html.unescape(m[2] or m[3] or m[4] or "") for m in _HTML_ATTR.finditer(image["attrs"])
            }
            src = attrs.get("src", "").strip()
            if not self.handles(src):
                continue
            where = self._where(src)
            if opened:
                self.plan.report.add(
                    "kept" if _is_remote(src) else "problem",
                    f"{where}: image {src} is inside <{opened[-1]}> (raw HTML, where MkDocs does not rewrite "
                    f"links): not {'downloaded' if _is_remote(src) else 'copied'}; the link is kept as it is",
                )
                continue
            local = self.rewrite(src, "image")
            if local == src:
                continue
            title = attrs.get("title", "")
            dropped = [k for k in attrs if k not in ("src", "alt", "title") or (k == "title" and '"' in title)]
            alt = re.sub(r"\s+", " ", attrs.get("alt", "")).strip()
            alt = alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
            title = f' "{title}"' if title and '"' not in title else ""
            out += [body[last : image.start()], f"![{alt}]({local}{title})"]
            last = image.end()
            self.plan.report.add(
                "mapped",
                f"{where}: <img> → a Markdown image (MkDocs rewrites the links of Markdown, not of raw HTML)",
            )
            if dropped:
                self.plan.report.add(
                    "dropped", f"{where}: <img> attributes {', '.join(dropped)} (a Markdown image has none)"
                )
        return "".join([*out, body[last:]])

    def _where(self, url: str) -> str:
        """``source:line`` of the first place the source names ``url``."""
        at = self.text.find(url)
        return f"{self.source}:{self.text.count(chr(10), 0, at) + 1}" if at >= 0 else str(self.source)

    def _unique(self, name: str) -> str:
        taken = {PurePosixPath(v).name for v in self.done.values()}
        stem, dot, suffix = name.rpartition(".")
        candidate, number = name, 2
        while candidate in taken:
            candidate = f"{stem}-{number}.{suffix}" if dot else f"{name}-{number}"
            number += 1
        return candidate

    def _local(self, url: str) -> Path | None:
        path = unquote(url.split("#", 1)[0].split("?", 1)[0])
        base = self.source.parent
        if path.startswith("/"):
            site = base.parent if base.name in ("_posts", "_drafts") else base
            candidate = site / path.lstrip("/")
        else:
            candidate = base / path
        return candidate if candidate.is_file() else None


def plan_file(path: Path, options: ImportOptions, known: dict[str, dict[str, Any]], authors_file: Path) -> _Plan:
    """Convert one file and list what would be written; problems go to the report."""
    report = Report(source=str(path))
    plan = _Plan(report)
    try:
        text = read_source(path, report)
        post = convert(path, text, report, options)
    except PostError as exc:
        report.status = "failed"
        report.add("problem", str(exc))
        return plan
    _resolve_authors(post, known, authors_file, options, report)
    _neutralise(post, report)
    images = _Images(path, text, post, options, plan)
    if post.image:
        post.image = images.cover(post.image)
    post.body = images.markdown(post.body)
    post.body = images.html(post.body)
    name = f"{post.created.isoformat()[:10]}-{post.slug}.md"
    target = options.to / name
    report.target = str(target)
    plan.writes.insert(0, _Write(target, render(post).encode("utf-8")))
    return plan


def run_import(sources: Sequence[str | Path], options: ImportOptions) -> list[Report]:
    """Import every source post; return one report per file (writing nothing when ``dry_run``)."""
    files = discover(sources)
    check_folder(options.to)
    authors_file = options.authors_file or options.to.parent / ".authors.yml"
    known = load_authors(authors_file)
    if options.author and options.author not in known:
        raise RetroblogError(f"--author '{options.author}' is not an id in {authors_file}")
    reports: list[Report] = []
    claimed: dict[Path, str] = {}
    for path in files:
        plan = plan_file(path, options, known, authors_file)
        reports.append(plan.report)
        if plan.report.status == "failed":
            continue
        clash = next((claimed[w.target] for w in plan.writes if w.target in claimed), None)
        if clash is not None:
            plan.report.status = "failed"
            plan.report.add("problem", f"{path}: writes {plan.report.target}, as {clash} does; rename one (slug)")
            continue
        for write in plan.writes:
            claimed[write.target] = str(path)
        _execute(plan, options)
    return reports


def _execute(plan: _Plan, options: ImportOptions) -> None:
    report = plan.report
    folders = [w.target for w in plan.writes if w.target.is_dir()]
    if folders:
        report.status = "failed"
        for target in folders:
            report.add("problem", f"{target}: a folder is where this file would go; nothing written (move it)")
        return
    blocked = [w.target for w in plan.writes if w.target.exists() and not options.force and not _same(w)]
    if blocked:
        report.status = "exists"
        for target in blocked:
            report.add("problem", f"{target}: exists and differs; not overwritten (use --force)")
        return
    if all(w.target.exists() and _same(w) for w in plan.writes):
        report.status = "unchanged"
        return
    if options.dry_run:
        report.status = "would write"
        return
    for write in plan.writes:
        if not (write.target.exists() and _same(write)):
            try:
                atomic_write(write.target, write.data, overwrite=options.force)
            except OSError as exc:  # the folder cannot be made or written: nothing else can be either
                where = f": {exc.filename}" if exc.filename and str(exc.filename) != str(write.target) else ""
                raise RetroblogError(f"{write.target}: cannot be written ({exc.strerror}{where})") from None
    report.status = "written"


def check_folder(folder: Path) -> None:
    """Raise ``RetroblogError`` when ``folder`` (``--to``) cannot be a folder: a file is on its way."""
    for part in (folder, *folder.parents):
        if part.exists():
            if not part.is_dir():
                where = "is a file" if part == folder else f"cannot be made: {part} is a file"
                raise RetroblogError(f"{folder}: {where}; the posts go into a folder")
            return


def _same(write: _Write) -> bool:
    if write.url is not None:
        return write.target.exists()
    try:
        return write.target.read_bytes() == write.data
    except OSError:
        return False


def _download(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "retroblog-import"})
    try:
        opened = urllib.request.urlopen(request, timeout=20)
    except urllib.error.HTTPError as exc:  # its response is open: close it, report the status
        exc.close()
        raise ValueError(f"HTTP {exc.code} {exc.reason}") from None
    with opened as response:
        kind = response.headers.get_content_type()
        if not kind.startswith("image/"):
            raise ValueError(f"not an image ({kind})")
        data: bytes = response.read(MAX_DOWNLOAD + 1)
    if len(data) > MAX_DOWNLOAD:
        raise ValueError("larger than 20 MB")
    return data


def summary(reports: Iterable[Report]) -> str:
    """One line: how many files were written, unchanged, skipped, failed."""
    counts: dict[str, int] = {}
    for report in reports:
        counts[report.status] = counts.get(report.status, 0) + 1
    order = ("written", "would write", "unchanged", "exists", "failed")
    return ", ".join(f"{counts[key]} {key}" for key in order if key in counts) or "nothing to import"


__all__ = ["FORMATS", "ImportOptions", "detect", "discover", "run_import", "summary"]
