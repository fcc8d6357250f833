"""The source posts of ``retroblog import``: which files, in which format, read as which text."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from retroblog.errors import PostError, RetroblogError
from retroblog.posts.formats import devto, hashnode
from retroblog.posts.frontmatter import read_post
from retroblog.posts.model import Report

SUFFIXES = {".md", ".markdown", ".html", ".htm", ".txt"}
"""The files a folder is searched for."""
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
"""Control characters no text post has (NUL, ESC, ...): tab, line breaks and form feed are text."""


JEKYLL_POST_FOLDERS = ("_posts", "_drafts")
"""Folders of a Jekyll site whose posts name files from the site's root (``/assets/x.png``)."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to import and the tree it was found in: the only folder its local images may come from."""

    path: Path
    tree: Path
    """The resolved folder given on the command line, or the given file's folder; a Jekyll ``_posts``
    or ``_drafts`` folder widens to the site above it."""


def _tree(folder: Path) -> Path:
    tree = folder.resolve()
    return tree.parent if tree.name in JEKYLL_POST_FOLDERS else tree


def discover(sources: Sequence[str | Path]) -> list[SourceFile]:
    """The files to import: files as given, folders searched for posts (sorted, hidden ones skipped)."""
    found: list[SourceFile] = []
    for source in sources:
        path = Path(source)
        if path.is_file():
            found.append(SourceFile(path, _tree(path.parent)))
        elif path.is_dir():
            tree = _tree(path)
            posts = [
                SourceFile(child, tree)
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
    unique: dict[Path, SourceFile] = {}
    for file in found:
        unique.setdefault(file.path, file)
    return list(unique.values())


_FRONT_MATTER = re.compile(r"^\ufeff?---[ \t]*\r?\n")
_HTML = re.compile(r"^\ufeff?\s*(?:<!doctype\s+html|<html\b)", re.IGNORECASE)


def detect(path: Path, text: str) -> str:
    """The source format of a file, from its content: front matter (Jekyll, Hashnode or DEV, by its
    keys), an HTML document (Medium's export), else plain text. The name's suffix decides only for an
    HTML fragment (``.html`` without ``<html>``): a ``.txt`` copy of a Jekyll post is a Jekyll post."""
    if _FRONT_MATTER.match(text):
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
    if _HTML.match(text) or path.suffix.lower() in (".html", ".htm"):
        return "medium"
    return "text"


def first_commit_date(path: Path) -> dt.date | None:
    """The day ``path`` was first committed, when it lies in a git repository (renames followed); None
    when it does not, when git is not installed, or when it is not committed."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(
            [git, "log", "--follow", "--diff-filter=A", "--format=%aI", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = done.stdout.split()
    if done.returncode != 0 or not lines:
        return None
    try:
        return dt.datetime.fromisoformat(lines[-1]).date()  # the oldest: the file's first commit
    except ValueError:
        return None


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


__all__ = ["SUFFIXES", "SourceFile", "detect", "discover", "first_commit_date", "read_source"]
