"""A chart's static SVG, rendered with vl-convert at build time.

SVGs are cached by content (the spec's bytes, vl-convert's version and this module's code), in memory and
on disk, so an unchanged chart is never rendered twice. vl-convert escapes the text it draws; the figure
around the SVG is ``retroblog.render.html``'s.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from retroblog.util.files import atomic_write


@functools.cache
def _renderer() -> str:
    """What an SVG is made by besides its spec: vl-convert's version and this module's own code (which
    calls it), so that a change of either renders every chart again. Computed once per process."""
    own = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return f"vl-convert-python={package_version('vl-convert-python')}\0{own}"


def spec_json(spec: dict[str, Any]) -> str:
    """Canonical JSON of a spec: sorted keys, no spaces; the same spec always gives the same bytes."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class SvgCache:
    """Rendered SVGs by content key, in memory and (if given a folder) on disk across processes."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.memory: dict[str, str] = {}
        self.rendered = 0
        """How many SVGs were actually rendered (not taken from a cache): tests and benchmarks read it."""
        self._lock = threading.Lock()

    def svg(self, spec: dict[str, Any]) -> str:
        import vl_convert as vlc  # loaded on the first chart, not with the plugin

        text = spec_json(spec)
        key = hashlib.sha256(f"{_renderer()}\0{vlc.get_vega_version()}\0{text}".encode()).hexdigest()[:32]
        if key in self.memory:
            return self.memory[key]
        path = self.folder / f"{key}.svg" if self.folder else None
        if path and path.is_file():
            svg = path.read_text(encoding="utf-8")
        else:
            svg = compact(vlc.vegalite_to_svg(spec, allowed_base_urls=[]))  # releases the GIL: threads at once
            with self._lock:
                self.rendered += 1
            if path:
                atomic_write(path, svg, overwrite=True, durable=False)
        self.memory[key] = svg
        return svg


_GEOMETRY = re.compile(r' (d|transform)="([^"]*)"')
_NUMBER = re.compile(r"-?\d+\.\d+(?:e-?\d+)?|-?\d+e-?\d+")


def _tenth(match: re.Match[str]) -> str:
    value = round(float(match.group(0)), 1)
    return f"{value:g}" if value else "0"


def compact(svg: str) -> str:
    """An SVG with the numbers of its paths and transforms to a tenth of a pixel (vl-convert writes
    ``75.16666666666667`` and ``-7.105427357601002e-15``): a page carries two renders of each chart, and a
    calendar draws a thousand cells. Other attributes (opacity, sizes) and text are as they were: a
    quotation mark in text is ``&quot;``, so no text holds `` d="``."""
    return _GEOMETRY.sub(lambda m: f' {m.group(1)}="{_NUMBER.sub(_tenth, m.group(2))}"', svg)


_ID = re.compile(r'\bid="([^"]+)"')


def namespace_ids(svg: str, prefix: str) -> str:
    """Give every id in the SVG (and each reference to it) the chart's prefix, so inline SVGs never collide."""
    ids = list(dict.fromkeys(_ID.findall(svg)))
    for index, old in enumerate(ids, start=1):
        new = f"{prefix}-{index}"
        svg = re.sub(rf'\bid="{re.escape(old)}"', f'id="{new}"', svg)
        svg = svg.replace(f"url(#{old})", f"url(#{new})").replace(f'href="#{old}"', f'href="#{new}"')
    return svg
