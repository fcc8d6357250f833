"""The images of an imported post: local files copied next to it, remote ones downloaded (``--download-images``).

Markdown images (``![alt](path)``) get the copied file's path; an ``<img>`` whose file is copied becomes
a Markdown image, as MkDocs rewrites the links of Markdown and never those of raw HTML. Images in code
are text. Every problem (a file not found, a failed download) is reported with the line that names it.

A local image is copied only from inside the tree being imported (``SourceFile.tree``: the folder given
on the command line), after resolving its path and every symlink on the way, and only if it is a regular
file of at most ``MAX_DOWNLOAD`` bytes: a post that names ``../../../etc/passwd`` or a symlink out of
the tree keeps its link, and the report says why. Nothing outside what the user chose to import is
ever published.
"""

from __future__ import annotations

import hashlib
import html
import re
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from retroblog.posts.common import code_ranges, in_code
from retroblog.posts.model import Report, Write
from retroblog.posts.sources import JEKYLL_POST_FOLDERS

MAX_DOWNLOAD = 20 * 1024 * 1024
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


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def _safe_name(name: str, fallback: str) -> str:
    name = re.sub(r"[^\w.-]+", "-", unquote(name)).strip(".-") or fallback
    return name[:80]


class Images:
    """A post's images: local ones are copied next to the post, remote ones too with ``download``.

    Each file becomes a ``Write`` in ``writes`` (a remote one is fetched at once, unless ``dry_run``:
    then the write names its address and nothing is fetched); what happened goes to ``report``.
    """

    def __init__(
        self,
        source: Path,
        text: str,
        slug: str,
        *,
        tree: Path,
        to: Path,
        report: Report,
        dry_run: bool = False,
        download: bool = False,
    ) -> None:
        self.source = source
        self.tree = tree.resolve()
        """The only folder local images are copied from (resolved)."""
        self.text = text
        self.slug = slug
        self.to = to
        self.report = report
        self.dry_run = dry_run
        self.download = download
        self.folder = to / slug
        self.writes: list[Write] = []
        self.done: dict[str, str] = {}
        self.remote: dict[str, None] = {}
        """Remote images left on their host (no ``download``), in the order the post shows them."""

    def cover(self, url: str) -> str:
        """The cover's address: remote as it is; a copied file by its path on the site.

        Feeds (mkdocs-rss-plugin) join ``image`` to ``site_url``, so a local cover is written as
        where mkdocs-material publishes it: the blog folder without ``posts/`` (``blog/<slug>/x.svg``).
        """
        local = self.rewrite(url, "cover image")
        if local == url or _is_remote(local):
            return local
        to = self.to
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
            if self.dry_run:  # nothing is fetched: the plan says where it would go
                target = self._unique(name)
                self.writes.append(Write(self.folder / target, b"", url=parsed.geturl()))
                self.report.add("mapped", f"{what} {bare} → would be downloaded to {self.folder / target}")
            else:
                # Fetched now, before the post is written: a failed download leaves the remote link in it.
                try:
                    data = download(parsed.geturl())
                except (OSError, ValueError) as exc:
                    self.report.add(
                        "problem",
                        f"{self._where(bare)}: {what} {bare}: download failed ({exc}); the remote link is kept",
                    )
                    self.done[bare] = url
                    return url
                target = self._unique(name)
                self.writes.append(Write(self.folder / target, data, source=bare))
                self.report.add("mapped", f"{what} {bare} → downloaded to {self.folder / target}")
        else:
            try:
                name, local = self._local(bare)
                data = local.read_bytes()
            except _NotCopied as refused:
                self.report.add("problem", f"{self._where(bare)}: {what} '{bare}' {refused}; link kept")
                return url
            except OSError as exc:
                self.report.add(
                    "problem", f"{self._where(bare)}: {what} '{bare}' cannot be read ({exc.strerror}); link kept"
                )
                return url
            target = self._unique(_safe_name(name, "image"))
            self.writes.append(Write(self.folder / target, data, source=str(local)))
            self.report.add("mapped", f"{what} {bare} → copied to {self.folder / target}")
        relative = f"{self.slug}/{target}"
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
        if _is_remote(url) and not self.download:
            self.remote.setdefault(url, None)
            return False
        return True

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
                self.report.add(
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
            self.report.add(
                "mapped",
                f"{where}: <img> → a Markdown image (MkDocs rewrites the links of Markdown, not of raw HTML)",
            )
            if dropped:
                self.report.add(
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

    def _local(self, url: str) -> tuple[str, Path]:
        """The name a local image has in the post and its file, resolved; raises ``_NotCopied`` saying why
        it is not copied."""
        path = unquote(url.split("#", 1)[0].split("?", 1)[0])
        base = self.source.parent
        if path.startswith("/"):
            site = base.parent if base.name in JEKYLL_POST_FOLDERS else base
            candidate = site / path.lstrip("/")
        else:
            candidate = base / path
        if not candidate.exists() and not candidate.is_symlink():
            raise _NotCopied("not found next to the source")
        resolved = candidate.resolve()
        if not resolved.is_relative_to(self.tree):
            raise _NotCopied(f"is outside the folder being imported ({self.tree}): not copied")
        if not resolved.is_file():  # a folder, a FIFO, a device, a socket, a dangling symlink
            raise _NotCopied("is not a regular file: not copied")
        if resolved.stat().st_size > MAX_DOWNLOAD:
            raise _NotCopied("is larger than 20 MB: not copied")
        return candidate.name, resolved


class _NotCopied(Exception):
    """Why a local image is left as a link (a sentence that follows the image's name)."""


def download(url: str) -> bytes:
    """The image at ``url`` (raises ``ValueError`` naming the status, a type that is not an image, or a size
    over ``MAX_DOWNLOAD``; ``OSError`` when it cannot be reached)."""
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
