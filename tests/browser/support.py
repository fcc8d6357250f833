"""Browser-test plumbing: a static HTTP server, page recorders, the Chromium launcher, and what a test does
with the charts of a page: wait for them, check them, hover them."""

from __future__ import annotations

import functools
import shutil
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout

REPO = Path(__file__).resolve().parents[2]
ASSETS = REPO / "retroblog" / "render" / "assets"
ARTIFACTS = REPO / "tests" / "_artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server:
    """``http.server`` on 127.0.0.1, an ephemeral port, in a daemon thread."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@dataclass
class Recorder:
    """Everything a page did that the tests check: requests, console messages, errors, dialogs."""

    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"] + self.page_errors

    def warnings(self) -> list[str]:
        return [text for kind, text in self.console if kind == "warning"]

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).hostname != "127.0.0.1"]


def record(context: Any, page: Any) -> Recorder:
    rec = Recorder()
    context.set_default_timeout(10_000)
    context.on("request", lambda request: rec.requests.append(request.url))
    page.on("console", lambda msg: rec.console.append((msg.type, msg.text)))
    page.on("pageerror", lambda error: rec.page_errors.append(str(error)))

    def on_dialog(dialog: Any) -> None:
        rec.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return rec


def install_assets(root: Path) -> Path:
    """Copy retroblog.js/.css and write vega.js (vl-convert's bundle) to ``root/assets/retroblog``."""
    import vl_convert

    target = root / "assets" / "retroblog"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ASSETS / "retroblog.js", target / "retroblog.js")
    shutil.copy2(ASSETS / "retroblog.css", target / "retroblog.css")
    if not (target / "vega.js").exists():
        (target / "vega.js").write_text(vl_convert.javascript_bundle(), encoding="utf-8")
    return target


def launch(p: Any) -> Any:
    return p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# -- Charts on a page ----------------------------------------------------------------------------------

CHART = ".retroblog-chart"
INTERACTIVE_ATTR = 'data-retroblog-interactive="true"'
INTERACTIVE = f".retroblog-chart[{INTERACTIVE_ATTR}]"
STATIC_ONLY = '.retroblog-chart[data-retroblog-interactive="false"]'
READY = '.retroblog-chart[data-retroblog-ready="true"]'
TOOLTIP = "#vg-tooltip-element.visible"
STATIC_MARKS = ".retroblog-static svg g.role-mark:not(.mark-text) :is(path, line)"
"""The drawn marks of a build-time SVG (bars, points, lines, arcs, a card's rules), not its text."""

# Points to hover in a figure's interactive view: for each element that Vega bound to a scene item with
# a tooltip (its SVG renderer sets el.__data__), a point where that element is under the mouse (and still
# is a pixel away in every direction, so no rounding lands beside it), and the values its tooltip shows.
# Text marks last; with ``every`` false, only the first few.
TOOLTIP_TARGETS = """
([figure, every]) => {
  figure.scrollIntoView({block: 'center', behavior: 'instant'});
  const marks = [...figure.querySelectorAll('.retroblog-view svg.marks .role-mark *')]
    .filter(el => el.__data__ && el.__data__.tooltip != null);
  // An area or a line is one path for all its items, and its tooltip the item nearest the pointer, not
  // the path's first: hovered last, and any tooltip it shows counts.
  const whole = (el) => ['area', 'line'].includes(el.__data__.mark.marktype);
  const rank = (el) => whole(el) ? 2 : el.__data__.mark.marktype === 'text' ? 1 : 0;
  marks.sort((a, b) => rank(a) - rank(b));
  const under = (el, x, y) => [[0, 0], [-1, -1], [1, -1], [-1, 1], [1, 1]]
    .every(([dx, dy]) => document.elementFromPoint(x + dx, y + dy) === el);
  const found = [];
  for (const el of marks) {
    const box = el.getBoundingClientRect();
    const points = [[box.x + box.width / 2, box.y + box.height / 2]];
    if (el.getTotalLength) {
      const length = el.getTotalLength(), ctm = el.getScreenCTM();
      for (const f of [0.5, 0.25, 0.75, 0.05, 0.95]) {
        const q = el.getPointAtLength(length * f).matrixTransform(ctm);
        points.push([q.x, q.y]);
      }
    }
    const hit = points.find(([x, y]) => under(el, x, y));
    if (!hit) continue;
    found.push({x: hit[0], y: hit[1], values: whole(el) ? [] : Object.values(el.__data__.tooltip).map(String)});
    if (!every && found.length === 3) break;
  }
  return found;
}
"""


def wait_for_charts(page: Any) -> int:
    """Wait until every interactive chart of the page is rendered; return how many there are.

    (After an instant navigation the URL changes before the content is swapped.)"""
    page.wait_for_selector(CHART, state="attached", timeout=30_000)
    page.wait_for_function(
        f"document.querySelectorAll('{READY}').length === document.querySelectorAll('{INTERACTIVE}').length",
        timeout=30_000,
    )
    return int(page.locator(INTERACTIVE).count())


def assert_all_working(page: Any, count: int) -> None:
    """``count`` interactive views, each drawn with marks and shown in place of its static SVG."""
    state = page.evaluate(
        f"""(() => {{
          const figures = [...document.querySelectorAll('{INTERACTIVE}')];
          return {{
            views: window.__retroblog.views.size,
            withMarks: figures.filter(f => f.querySelector('.retroblog-view svg.marks .role-mark')).length,
            staticShown: figures.filter(f => f.querySelector('.retroblog-static').offsetParent !== null).length,
            viewsShown: figures.filter(f => f.querySelector('.retroblog-view').offsetParent !== null).length,
          }};
        }})()"""
    )
    assert state == {"views": count, "withMarks": count, "staticShown": 0, "viewsShown": count}


def hide_tooltip(page: Any) -> None:
    page.mouse.move(1, 1)
    page.locator(TOOLTIP).wait_for(state="hidden", timeout=5_000)


def tooltip_targets(figure: Any, *, every: bool = False) -> list[dict[str, Any]]:
    """Points of ``figure``'s interactive view whose hover shows a tooltip, and the values it shows."""
    return list(figure.evaluate(f"(figure) => ({TOOLTIP_TARGETS})([figure, {str(every).lower()}])"))


def hover(page: Any, target: dict[str, Any]) -> str:
    """Hover ``target`` and return the tooltip's text, checked to show the target's values."""
    hide_tooltip(page)
    page.mouse.move(target["x"], target["y"])
    tooltip = page.locator(TOOLTIP)
    tooltip.wait_for(state="visible", timeout=5_000)
    text = str(tooltip.inner_text())
    missing = [value for value in target["values"] if value not in text]
    assert not missing, f"the tooltip {text!r} does not show {missing}"
    return text


def hover_any(page: Any, figure: Any, where: str) -> str:
    """Hover the marks of ``figure`` until one shows its tooltip; return the tooltip's text."""
    name = f"{where}: chart {figure.get_attribute('id')}"
    targets = tooltip_targets(figure)
    assert targets, f"{name} has no mark with a tooltip to hover"
    for target in targets:
        try:
            return hover(page, target)
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"{name}: no tooltip on hovering {len(targets)} of its marks")


def check_charts(page: Any, where: str) -> tuple[int, int]:
    """Every chart of the page works: each interactive one rendered, with a tooltip on hover; each
    static-only one (``interactive: false``) keeps its SVG and shows no tooltip. Returns both counts."""
    count = wait_for_charts(page)
    assert_all_working(page, count)
    for index in range(count):
        figure = page.locator(INTERACTIVE).nth(index)
        assert hover_any(page, figure, where).strip(), f"{where}: chart {figure.get_attribute('id')}: empty tooltip"
    static_only = page.locator(STATIC_ONLY)
    for index in range(static_only.count()):
        figure = static_only.nth(index)
        assert figure.locator(".retroblog-view").count() == 0 and figure.get_attribute("data-retroblog-ready") is None
        mark = figure.locator(STATIC_MARKS).first
        mark.scroll_into_view_if_needed()
        hide_tooltip(page)
        mark.hover()
        page.wait_for_timeout(300)
        assert page.locator(TOOLTIP).count() == 0, f"{where}: a tooltip on a static-only chart"
        assert figure.locator(".retroblog-static svg:visible").is_visible()
    hide_tooltip(page)
    return count, static_only.count()
