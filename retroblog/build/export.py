"""``retroblog export``: every chart of some pages as files, to paste into another platform.

A page is a source Markdown file of the site. Its chart blocks are found as the Markdown extension finds
them (``retroblog.build.syntax``: the same fences, the same options), built by the same engine
(``Blocks``, with the site's settings from its ``mkdocs.yml``) and rendered by the same SVG renderer; each
is then written with the real colours of a scheme (``retroblog.render.export``), as SVG or PNG, beside a
``.txt`` file of its alt text (its title and description, the words the page's figure gives assistive
technology).

Names are stable: ``PAGE-N-KIND[-SCHEME].EXT``, the page's file name without ``.md``, the chart's place
among the page's charts (from 1), its type (or spec file, or function) and, for ``--scheme both``, the
scheme. Every chart is built and every name checked before the first file is written, so a block error
or a file in the way writes nothing; nothing is overwritten without ``force``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from retroblog.build.blocks import Blocks
from retroblog.build.cards import site_accent
from retroblog.build.settings import read_site_config, read_site_settings
from retroblog.build.syntax import COMPUTED, FENCE, fence_body, parse_options, segments
from retroblog.errors import BlockError, ConfigError, ExistsError, RetroblogError
from retroblog.render.export import SCHEMES, png, themed_svg
from retroblog.render.svg import SvgCache
from retroblog.util.files import atomic_write

FORMATS = ("png", "svg")
SCHEME_CHOICES = ("light", "dark", "both")
CONFIG = "mkdocs.yml"
MAX_PAGE_BYTES = 10 * 1024 * 1024
"""The largest page read (a Markdown page is kilobytes; this keeps a wrong path from reading a disk image)."""


@dataclass(frozen=True)
class ChartBlock:
    """A chart fence of a page: the line of its opening fence (from 1) and its options."""

    line: int
    options: dict[str, Any]


def find_config(pages: Sequence[Path], cwd: Path) -> Path:
    """The site's ``mkdocs.yml``: in the first page's folder or a folder above it, else in ``cwd``."""
    if pages:
        for folder in pages[0].resolve().parents:
            if (folder / CONFIG).is_file():
                return folder / CONFIG
    if (cwd / CONFIG).is_file():
        return cwd / CONFIG
    raise ConfigError(
        f"no {CONFIG} in the folder of {pages[0] if pages else 'the page'}, above it or in the current folder; "
        "give the site's with --config-file"
    )


def chart_blocks(page: Path) -> list[ChartBlock]:
    """The chart fences of ``page`` with their options; an error naming page and line for a block
    whose options cannot be read, and for a page without a chart."""
    text = _read_page(page)
    lines = text.split("\n")
    found: list[ChartBlock] = []
    for start, end, fence in segments(lines):
        if fence is not None and fence.group("lang") == "chart":
            body = fence_body(lines, start, end, fence.group("indent"))
            try:
                found.append(ChartBlock(start + 1, parse_options(body)))
            except BlockError as exc:
                raise ConfigError(f"{page}:{start + 1 + exc.line}: chart block: {exc.message}") from None
    if not found:
        others = " (only stats blocks)" if _has_stats(lines) else ""
        raise ConfigError(f"{page}: no chart block{others}; nothing to export (a chart is a ```chart fence)")
    return found


def _has_stats(lines: list[str]) -> bool:
    return any((m := FENCE.match(line)) and m.group("lang") in COMPUTED for line in lines)


def _read_page(page: Path) -> str:
    """A page's text; one line naming the page for a missing file, a folder, or bytes that are not UTF-8."""
    try:
        if not page.is_file():
            what = "a folder" if page.is_dir() else "no such file" if not page.exists() else "not a regular file"
            raise ConfigError(f"{page}: {what}; expected a Markdown page of the site")
        if page.stat().st_size > MAX_PAGE_BYTES:
            raise ConfigError(f"{page}: larger than {MAX_PAGE_BYTES // 1024 // 1024} MB; expected a Markdown page")
        return page.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{page}: not UTF-8 text (byte {exc.start}); expected a Markdown page") from None
    except OSError as exc:
        raise ConfigError(f"{page}: cannot be read ({exc.strerror or exc})") from None


def _slug(text: str) -> str:
    """A file-name part: lower case letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "chart"


def chart_name(page: Path, number: int, options: dict[str, Any]) -> str:
    """``my-post-3-prs-per-month``: the page, the chart's place among its charts, what it draws."""
    if "spec" in options:
        kind = Path(str(options["spec"])).stem
    elif "altair" in options:
        kind = str(options["altair"]).rpartition(":")[2]
    else:
        kind = str(options.get("type", "chart"))
    stem = page.name.removesuffix(".md") if page.name.endswith(".md") else page.stem
    return f"{_slug(stem)}-{number}-{_slug(kind)}"


CACHE_DIR = Path(".cache") / "retroblog" / "export"
"""Where, beside the site's mkdocs.yml, the exported charts' SVGs are kept by their spec."""

Progress = Callable[[int, int], None]
"""Called with (done, total) as the charts are rendered."""


def export(
    pages: Sequence[Path],
    to: Path,
    *,
    fmt: str = "png",
    scheme: str = "light",
    scale: float = 2,
    force: bool = False,
    config: Path | None = None,
    cache_dir: Path | None = None,
    cwd: Path | None = None,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> list[Path]:
    """Write every chart of ``pages`` to the folder ``to``; returns the files written, in order.

    ``fmt``: ``png`` or ``svg``; ``scheme``: ``light``, ``dark`` or ``both``; ``scale``: a PNG's pixels per
    CSS pixel; ``cache_dir``: where SVGs are kept by spec (``CACHE_DIR`` beside mkdocs.yml). Raises a
    ``RetroblogError`` (one line, naming the page and line) before writing anything when a page cannot be
    read, has no chart, or a chart cannot be built, and when a file is in the way (unless ``force``).
    Series 1 is the site's accent (``theme.palette``), in both schemes.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if scheme not in SCHEME_CHOICES:
        raise ConfigError(f"--scheme must be one of {', '.join(SCHEME_CHOICES)}, got {scheme!r}")
    if not 0 < scale <= 8:
        raise ConfigError(f"--scale must be a number above 0 and at most 8, got {scale!r}")
    if not pages:
        raise ConfigError("no page given; expected one or more Markdown pages of the site")
    if to.exists() and not to.is_dir():
        raise ConfigError(f"{to}: not a folder; --to takes the folder to write the files in")
    found = [(page, chart_blocks(page)) for page in pages]  # every page read before any chart is built
    site = config or find_config(pages, cwd or Path.cwd())
    settings = read_site_settings(site)
    # In the site's accent (theme.palette), as its pages and social cards show them; each SVG kept in the
    # site's cache by its spec, so an unchanged chart is not rendered again by the next export.
    theme = read_site_config(site).get("theme")
    accent = site_accent(theme.get("palette") if isinstance(theme, dict) else None)
    painted = {name: replace(s, series=(accent, *s.series[1:])) for name, s in SCHEMES.items()}
    blocks = Blocks(settings, SvgCache(cache_dir or settings.root / CACHE_DIR))
    schemes = ["light", "dark"] if scheme == "both" else [scheme]
    planned: list[tuple[str, Path, int, dict[str, Any]]] = []
    for page, charts in found:
        for number, block in enumerate(charts, start=1):
            planned.append((chart_name(page, number, block.options), page, block.line, block.options))
    _check_names([name for name, *_ in planned], pages)
    files: list[tuple[Path, Callable[[], bytes]]] = []
    total = len(planned)
    if on_total is not None:
        on_total(total)
    for done, (name, page, line, options) in enumerate(planned, start=1):
        chart = _build(blocks, page, line, options)
        svg = blocks.cache.svg(chart.spec)
        alt = f"{chart.title}. {chart.description}".strip() + "\n"
        files.append((to / f"{name}.txt", _const(alt.encode("utf-8"))))
        for which in schemes:
            themed = themed_svg(svg, painted[which])
            suffix = f"-{which}" if scheme == "both" else ""
            data = _const(themed.encode("utf-8")) if fmt == "svg" else _png(themed, scale)
            files.append((to / f"{name}{suffix}.{fmt}", data))
        if progress is not None:
            progress(done, total)
    if not force:
        in_the_way = [path for path, _ in files if path.exists() or path.is_symlink()]
        if in_the_way:
            more = f" (and {len(in_the_way) - 1} more)" if len(in_the_way) > 1 else ""
            raise ExistsError(f"{in_the_way[0]}: exists{more}; nothing written (use --force to replace)")
    written = []
    for path, make in files:
        atomic_write(path, make(), overwrite=force)
        written.append(path)
    return written


def _const(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _png(svg: str, scale: float) -> Callable[[], bytes]:
    data = png(svg, scale)  # rendered now: a chart vl-convert cannot draw fails before any file is written
    return lambda: data


def _check_names(names: Iterable[str], pages: Sequence[Path]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ConfigError(
                f"two charts would be written as {name}: pages of the same name ({', '.join(map(str, pages))}); "
                "export them one at a time, to different folders"
            )
        seen.add(name)


def _build(blocks: Blocks, page: Path, line: int, options: dict[str, Any]) -> Any:
    """A block's chart, or its error as the build says it: ``page:line: chart block: ...``."""
    try:
        return blocks.chart(options)[0]
    except BlockError as exc:
        raise ConfigError(f"{page}:{line + exc.line}: chart block: {exc.message}") from None
    except RetroblogError as exc:
        raise ConfigError(f"{page}:{line}: chart block: {exc}") from None
