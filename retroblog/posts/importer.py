"""``retroblog import``: plan each source post's files, then write mkdocs-material posts safely.

The files to read and their text come from ``sources``, the post from its format's reader in
``formats/``, the copies of its images from ``images``; this module plans and executes. Each source
file gets a ``Report``. A file that cannot be understood is reported with its line and skipped; the
others are still imported. Nothing is overwritten without ``force`` (a file that would be written
byte for byte as it is counts as ``unchanged``), every write is atomic, and ``dry_run`` writes and
downloads nothing. The same inputs give byte-identical output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from retroblog.errors import PostError, RetroblogError
from retroblog.posts.common import NEUTRALISED, neutralise_fields
from retroblog.posts.dates import Fallback, PostDate
from retroblog.posts.formats import devto, hashnode, jekyll
from retroblog.posts.formats.medium import convert_html
from retroblog.posts.formats.text import convert_text
from retroblog.posts.frontmatter import read_post
from retroblog.posts.images import Images
from retroblog.posts.model import Post, Report, Write
from retroblog.posts.sources import SourceFile, detect, discover, first_commit_date, read_source
from retroblog.posts.writer import render
from retroblog.util.files import atomic_write
from retroblog.util.words import count

FORMATS = ("auto", "jekyll", "hashnode", "devto", "medium", "text")


@dataclass(frozen=True)
class ImportOptions:
    """What ``retroblog import`` was asked to do."""

    to: Path = Path("docs/blog/posts")
    dry_run: bool = False
    force: bool = False
    download_images: bool = False
    date: PostDate | None = None
    """The date of posts that carry none (in any format); without it, the first commit's date in git or a
    placeholder (the post is then a draft)."""
    author: str | None = None
    """An ``.authors.yml`` id for posts whose author is unknown."""
    format: str = "auto"
    authors_file: Path | None = None
    """Default: ``.authors.yml`` in the folder above ``to`` (mkdocs-material's ``{blog}/.authors.yml``)."""


@dataclass
class _Plan:
    report: Report
    writes: list[Write] = field(default_factory=list)


def convert(path: Path, text: str, report: Report, options: ImportOptions) -> Post:
    """One source file as a ``Post`` (raises ``PostError`` with the file and line).

    A post with no date of its own takes ``--date``, else its first commit's date in git, else a
    placeholder date, and is then a draft (``Fallback``): nothing is refused for want of a date.
    """
    name = str(path)
    kind = options.format if options.format != "auto" else detect(path, text)
    if options.format == "auto" and kind != _by_suffix(path, kind):
        report.add("mapped", f"format: {kind}, from the file's content (not its name's .{path.suffix[1:]})")
    fallback = fallback_date(path, options.date)
    post = _convert(kind, path, name, text, report, fallback)
    if fallback.used and fallback.placeholder:
        post.draft = True
    return post


def _convert(kind: str, path: Path, name: str, text: str, report: Report, fallback: Fallback) -> Post:
    if kind == "medium":
        return convert_html(text, name, report, fallback=fallback)
    if kind == "text":
        return convert_text(text, name, report, fallback=fallback)
    raw = read_post(text, name)
    if not raw.has_front_matter:
        raise PostError(name, 1, f"a {kind} post starts with '---' front matter; this file has none")
    convert_post = {"jekyll": jekyll.convert, "hashnode": hashnode.convert, "devto": devto.convert}[kind]
    post = convert_post(raw, report, fallback)
    if kind != "hashnode":
        for note in raw.repairs:
            report.add("repaired", note)
    for note in raw.duplicates:
        report.add("dropped", note)
    return post


def _by_suffix(path: Path, kind: str) -> str:
    """The format a file's name alone suggested (what detection was before it read the content), to report
    where the content decided otherwise."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return "medium"
    if suffix == ".txt":
        return "text"
    return kind if kind != "medium" else "text"


def fallback_date(path: Path, given: PostDate | None) -> Fallback:
    """The date a post without one of its own takes: ``--date``, its first commit in git, or a
    placeholder (the file's modification date, so the same file gives the same post)."""
    if given is not None:
        return Fallback(given, "--date", given=True)
    first = first_commit_date(path)
    if first is not None:
        return Fallback(first, f"a guess: the date of its first commit in git ({first.isoformat()})")
    modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()
    return Fallback(modified, "a placeholder: the file's modification date", placeholder=True)


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


def plan_file(
    source: SourceFile, options: ImportOptions, known: dict[str, dict[str, Any]], authors_file: Path
) -> _Plan:
    """Convert one file and list what would be written; problems go to the report."""
    path = source.path
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
    images = Images(
        path,
        text,
        post.slug,
        tree=source.tree,
        to=options.to,
        report=report,
        dry_run=options.dry_run,
        download=options.download_images,
    )
    if post.image:
        post.image = images.cover(post.image)
    post.body = images.markdown(post.body)
    post.body = images.html(post.body)
    if images.remote:
        first = next(iter(images.remote))
        them, they_break = ("it", "it breaks") if len(images.remote) == 1 else ("them", "they break")
        report.add(
            "kept",
            f"{count(len(images.remote), 'remote image')} still on the old host (such as {first}): the page "
            f"loads {them} from there, and {they_break} when it goes; --download-images copies {them} next to "
            "the post",
        )
    name = f"{post.created.isoformat()[:10]}-{post.slug}.md"
    target = options.to / name
    report.target = str(target)
    plan.writes = [Write(target, render(post).encode("utf-8")), *images.writes]
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
    for source in files:
        path = source.path
        plan = plan_file(source, options, known, authors_file)
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


def _same(write: Write) -> bool:
    if write.url is not None:
        return write.target.exists()
    try:
        return write.target.read_bytes() == write.data
    except OSError:
        return False


def summary(reports: Iterable[Report]) -> str:
    """One line: how many files were written, unchanged, skipped, failed."""
    counts: dict[str, int] = {}
    for report in reports:
        counts[report.status] = counts.get(report.status, 0) + 1
    order = ("written", "would write", "unchanged", "exists", "failed")
    return ", ".join(f"{counts[key]} {key}" for key in order if key in counts) or "nothing to import"


__all__ = ["FORMATS", "ImportOptions", "detect", "discover", "run_import", "summary"]
