"""Render a chart into the HTML that goes into a page: static SVG, data table, escaped spec.

The SVG is rendered with vl-convert at build time and cached by content (the spec's bytes and the
renderer's version), in memory and on disk, so an unchanged chart is never rendered twice. Every text
that came from data is escaped: vl-convert escapes SVG text, ``html.escape`` everything else.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retroblog.util.files import atomic_write

if TYPE_CHECKING:
    pass

RENDER_VERSION = "2"
"""Bump when the SVG post-processing changes, to invalidate caches."""


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
        key = hashlib.sha256(f"{RENDER_VERSION}\0{vlc.get_vega_version()}\0{text}".encode()).hexdigest()[:32]
        if key in self.memory:
            return self.memory[key]
        path = self.folder / f"{key}.svg" if self.folder else None
        if path and path.is_file():
            svg = path.read_text(encoding="utf-8")
        else:
            svg = vlc.vegalite_to_svg(spec, allowed_base_urls=[])  # releases the GIL: threads render at once
            with self._lock:
                self.rendered += 1
            if path:
                atomic_write(path, svg, overwrite=True)
        self.memory[key] = svg
        return svg


_ID = re.compile(r'\bid="([^"]+)"')


def namespace_ids(svg: str, prefix: str) -> str:
    """Give every id in the SVG (and each reference to it) the chart's prefix, so inline SVGs never collide."""
    ids = list(dict.fromkeys(_ID.findall(svg)))
    for index, old in enumerate(ids, start=1):
        new = f"{prefix}-{index}"
        svg = re.sub(rf'\bid="{re.escape(old)}"', f'id="{new}"', svg)
        svg = svg.replace(f"url(#{old})", f"url(#{new})").replace(f'href="#{old}"', f'href="#{new}"')
    return svg
