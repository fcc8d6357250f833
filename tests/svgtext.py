"""Helpers that read a rendered chart SVG: where each text and mark is drawn, and in which role.

vl-convert nests marks in groups moved by ``transform="translate(x,y)"``; the helpers add the
translations up, so positions are in the SVG's own coordinates (0,0 at its top left).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)")
GUIDES = ("axis", "legend")
LEAVES = ("path", "rect", "line", "circle", "stop")
"""Elements that hold no others: never on the stack of groups."""
_MOVE = re.compile(r"^M\s*([-\d.e]+)[ ,]+([-\d.e]+)")


@dataclass
class Drawn:
    """A text or a mark of the SVG: position, the classes of its groups, text or aria-label."""

    tag: str
    x: float
    y: float
    roles: tuple[str, ...]
    text: str
    attrs: dict[str, str]
    guide: str = ""
    """The aria-label of the axis or legend the text belongs to: ``X-axis titled 'Month' ...``."""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, float, float, str, str]] = []
        self.found: list[Drawn] = []
        self.svg_size: tuple[float, float] | None = None
        self._text: Drawn | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "svg" and self.svg_size is None:
            self.svg_size = (float(values["width"]), float(values["height"]))
        dx, dy = (self.stack[-1][1], self.stack[-1][2]) if self.stack else (0.0, 0.0)
        move = _TRANSLATE.search(values.get("transform", ""))
        if move:
            dx, dy = dx + float(move.group(1)), dy + float(move.group(2))
        roles = tuple(r for _, _, _, c, _ in self.stack for r in c.split() if r.startswith("role-"))
        guide = next((label for *_, label in reversed(self.stack) if label), "")
        if tag == "text":
            self._text = Drawn(tag, dx, dy, roles, "", values, guide)
            self.found.append(self._text)
        elif tag in ("path", "rect", "line") and values.get("aria-label"):
            start = _MOVE.match(values.get("d", ""))
            x = dx + (float(start.group(1)) if start else float(values.get("x") or 0))
            y = dy + (float(start.group(2)) if start else float(values.get("y") or 0))
            self.found.append(Drawn(tag, x, y, roles, values["aria-label"], values))
        if tag not in LEAVES:
            guide_label = values.get("aria-label", "") if values.get("aria-roledescription") in GUIDES else ""
            self.stack.append((tag, dx, dy, values.get("class", ""), guide_label))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in LEAVES:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in LEAVES:
            return
        if tag == "text":
            self._text = None
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.text += data


def drawn(svg: str) -> tuple[list[Drawn], tuple[float, float]]:
    """Every text, and every mark that has an aria-label, of the first SVG in ``svg``; and its size."""
    first = svg[svg.index("<svg") : svg.index("</svg>") + len("</svg>")]
    reader = _Reader()
    reader.feed(first)
    assert reader.svg_size is not None
    return reader.found, reader.svg_size


def axis_labels(svg: str, axis: str) -> list[str]:
    """Labels of the ``x`` axis (left to right) or the ``y`` axis (top to bottom)."""
    return _guide_labels(svg, f"{axis.upper()}-axis", "role-axis-label", across=axis == "x")


def legend_labels(svg: str) -> list[str]:
    """Labels of the legend, in the order they are drawn (top to bottom, then left to right)."""
    return _guide_labels(svg, "Symbol legend", "role-legend-label", across=False)


def _guide_labels(svg: str, guide: str, role: str, *, across: bool) -> list[str]:
    texts = [d for d in drawn(svg)[0] if d.tag == "text" and role in d.roles and d.guide.startswith(guide)]
    return [d.text for d in sorted(texts, key=lambda d: (d.x, d.y) if across else (d.y, d.x))]
