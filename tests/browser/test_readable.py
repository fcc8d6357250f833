"""Every chart readable as drawn: at 390, 768 and 1280 px, light and dark, with and without JavaScript.

Measured in Chromium on what is on screen, not on the spec: the smallest chart text (its font size times
its element's screen transform) is at least 11 CSS px; no two axis or legend labels overlap (their
screen boxes, rotated labels included); every label is inside its figure; marks have 3:1 and text 4.5:1
against the page's background. Over every chart page of the example site (its gallery among them) and a
page of charts on dataset shapes real careers have (one PR, one month, 15 sparse years, 60 repositories
with long names), built here.
One browser, one page load per (page, width, scheme, JavaScript), every measurement in one evaluate.

And touch: a tap on a mark shows its tooltip, a tap elsewhere hides it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest

from retroblog.charts.builtin import CHARTS
from retroblog.data.reviews import REVIEW_CHARTS
from tests.browser.conftest import Opener
from tests.browser.support import INTERACTIVE, TOOLTIP, Server, tooltip_targets, wait_for_charts
from tests.sitebuild import build_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (390, 768, 1280)
SCHEMES = ("default", "slate")
MIN_TEXT = 11.0
"""CSS pixels: no chart text is drawn smaller."""
MARK_CONTRAST, TEXT_CONTRAST = 3.0, 4.5
"""WCAG 2.2's minimum contrasts for graphics (1.4.11) and for text (1.4.3)."""

SHAPES_YML = """site_name: shapes
site_url: http://127.0.0.1/
theme:
  name: material
  font: false
  palette:
    - scheme: default
      primary: indigo
      accent: indigo
    - scheme: slate
      primary: indigo
      accent: indigo
plugins:
  - retroblog:
      datasets:
        one-pr: {default: true}
markdown_extensions: [pymdownx.superfences]
"""


LANGUAGES = ("Python", "TypeScript", "Go", "Markdown", "SQL", "Shell", "YAML", "Rust", "CSS", "HTML")


def _csv(rows: list[tuple[dt.datetime, int, int, int | None, str]]) -> str:
    """The rows with a creation time (hours to weeks before the merge: time-to-merge) and lines per language
    (up to ten of them: languages), as ``retroblog collect github`` and ``collect git`` write them."""
    lines = ["merged_at,additions,deletions,comments,repo,created_at,languages"]
    for index, (when, added, deleted, comments, repo) in enumerate(rows):
        created = when - dt.timedelta(hours=1 + (index * 37) % 400)
        first, second = LANGUAGES[index % len(LANGUAGES)], LANGUAGES[(index * 3 + 1) % len(LANGUAGES)]
        languages = f"{first}:{added}/{deleted}" + (f";{second}:{added // 3}/0" if second != first else "")
        count = "" if comments is None else comments
        lines.append(
            f"{when:%Y-%m-%dT%H:%M:%SZ},{added},{deleted},{count},{repo},{created:%Y-%m-%dT%H:%M:%SZ},{languages}"
        )
    return "\n".join(lines) + "\n"


def shapes() -> dict[str, str]:
    """Seeded datasets shaped like real careers: name -> CSV."""
    rng = random.Random(13)
    one_month = [
        (dt.datetime(2020, 6, day, 10), rng.randint(1, 300), rng.randint(0, 80), 2, "app") for day in range(1, 29, 3)
    ]
    sparse = []  # 15 years, 2009-2023, some of them empty, no comment counts (git history has none)
    for year in range(2009, 2024):
        if year in (2011, 2012, 2016, 2020):
            continue
        for _ in range(rng.randint(1, 12)):
            when = dt.datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(8, 18))
            sparse.append((when, rng.randint(1, 900), rng.randint(0, 300), None, f"lib{rng.randint(1, 4)}"))
    repos = []  # 60 repositories, long names among them
    for index in range(240):
        when = dt.datetime(2019, 1, 1, 9) + dt.timedelta(days=index * 3)
        name = f"organisation-{index % 60:02d}/service-{'with-a-long-name-' if index % 7 == 0 else ''}{index % 60}"
        repos.append((when, rng.randint(1, 400), rng.randint(0, 100), rng.randint(0, 9), name))
    return {
        "one-pr": _csv([(dt.datetime(2021, 3, 5, 14), 42, 7, 3, "app")]),
        "one-month": _csv(one_month),
        "sparse": _csv(sorted(sparse)),
        "repos": _csv(repos),
    }


@pytest.fixture(scope="module")
def shapes_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site with every built-in chart type on each of ``shapes()``, served; its page's URL."""
    root = tmp_path_factory.mktemp("shapes")
    (root / "data").mkdir()
    for name, text in shapes().items():
        (root / "data" / f"{name}.csv").write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(SHAPES_YML, encoding="utf-8")
    sections = []
    for name in shapes():
        sections.append(f"## {name}\n")
        # (the sparse shape has no comment counts; the reviews charts draw a reviews dataset: test_reviews.py)
        kinds = [
            kind for kind in sorted(set(CHARTS) - REVIEW_CHARTS) if not (name == "sparse" and kind == "comments-per-pr")
        ]
        sections += [f"```chart\ntype: {kind}\ndataset: {name}\n```\n" for kind in kinds]
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Shapes\n\n" + "\n".join(sections), encoding="utf-8")
    build_site(root, site_dir=root / "site", cache_dir=root / ".cache").assert_clean()
    with Server(root / "site") as server:
        yield server.url


# Every measurement of a page's charts, in one evaluate: the figures' shown SVGs (the interactive view
# once rendered, else the static render the container query shows), their text and marks.
MEASURE = r"""
([textContrast, markContrast]) => {
  const rgba = (text) => {
    const m = text && text.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const linear = (v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  const lum = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const over = (c, alpha, bg) => [0, 1, 2].map(i => c[i] * alpha + bg[i] * (1 - alpha));
  const bg = rgba(getComputedStyle(document.body).backgroundColor);
  const opacity = (el) => {
    let o = 1;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
  };
  const paint = (el, which) => {
    const style = getComputedStyle(el);
    const c = rgba(style[which]);
    if (!c) return null;
    if (which === 'stroke' && parseFloat(style.strokeWidth) < 1) return null;
    const alpha = c[3] * Number(style[which + 'Opacity']) * opacity(el);
    return alpha > 0 ? ratio(over(c, alpha, bg), bg) : null;
  };
  const shown = (el) => el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const out = [];
  for (const figure of document.querySelectorAll('.retroblog-chart')) {
    const svg = [...figure.querySelectorAll('.retroblog-view svg.marks, .retroblog-static svg[role=img]')].find(shown);
    const id = figure.id;
    if (!svg) { out.push({id, missing: true}); continue; }
    const box = figure.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() && shown(t) && opacity(t) > 0);
    const sizes = texts.map(t => {
      const m = t.getScreenCTM();
      const scale = Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
      return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale};
    });
    // Each label's box as drawn: its text box's corners through its screen transform (a rotated
    // label is a rotated rectangle), less the line's leading above and below the glyphs (15% of its
    // height each: the box is the font's whole line) and half a pixel across; two labels overlap if
    // no axis separates their boxes.
    const labels = texts.filter(t => t.closest('.role-axis-label, .role-legend-label')).map(t => {
      const b = t.getBBox(), m = t.getScreenCTM();
      const lead = b.height * 0.15;
      const [x0, y0, x1, y1] = [b.x + .5, b.y + lead, b.x + b.width - .5, b.y + b.height - lead];
      const corners = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
      return {text: t.textContent, quad: corners.map(([x, y]) => new DOMPoint(x, y).matrixTransform(m))};
    });
    const separated = (p, q) => [p, q].some(quad => quad.some((a, i) => {
      const b = quad[(i + 1) % 4], nx = a.y - b.y, ny = b.x - a.x;
      const span = (pts) => pts.map(pt => pt.x * nx + pt.y * ny);
      const [s, t] = [span(p), span(q)];
      return Math.max(...s) <= Math.min(...t) || Math.max(...t) <= Math.min(...s);
    }));
    const overlaps = [];
    for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
      if (!separated(labels[i].quad, labels[j].quad)) overlaps.push([labels[i].text, labels[j].text]);
    }
    const outside = texts.map(t => [t.textContent, t.getBoundingClientRect()])
      .filter(([, r]) => r.left < box.left - 1 || r.right > box.right + 1
        || r.top < box.top - 1 || r.bottom > box.bottom + 1)
      .map(([text]) => text);
    const lowText = texts.map(t => [t.textContent, paint(t, 'fill')]).filter(([, c]) => c !== null && c < textContrast);
    // A mark passes on its strongest paint (fill or stroke), or on another mark drawn on its box (the
    // calendar's outline over its fill). Not counted: invisible hit areas (no paint) and the wash of
    // an area under its line, whose line and points carry the data.
    const marks = [...svg.querySelectorAll('.role-mark:not(.mark-text):not(.mark-area) > *')].filter(shown).map(el => {
      const r = el.getBoundingClientRect();
      const [fill, stroke] = [paint(el, 'fill'), paint(el, 'stroke')];
      return {r, c: Math.max(fill || 0, stroke || 0), painted: fill !== null || stroke !== null};
    }).filter(m => m.painted);
    const same = (a, b) => ['left', 'top', 'right', 'bottom'].every(k => Math.abs(a[k] - b[k]) <= 1.5);
    const lowMarks = marks.filter(m => m.c < markContrast && !marks.some(o => o.c >= markContrast && same(o.r, m.r)))
      .map(m => m.c.toFixed(2));
    out.push({
      id, texts: texts.length, marks: marks.length,
      smallest: sizes.reduce((a, s) => (a && a.px <= s.px ? a : s), null),
      overlaps, outside, lowText, lowMarks, view: !!figure.querySelector('.retroblog-view svg'),
      interactive: figure.dataset.retroblogInteractive === 'true',
    });
  }
  return out;
}
"""


def _pages(site: str, shapes_site: str, chart_pages: list[str]) -> list[str]:
    return [shapes_site, *(site + path for path in chart_pages)]


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_chart_is_readable_as_drawn(
    new_page: Opener, site: str, shapes_site: str, chart_pages: list[str], scheme: str, js: bool
) -> None:
    problems: list[str] = []
    for width in WIDTHS:
        page, _ = new_page(
            viewport={"width": width, "height": 900},
            java_script_enabled=js,
            color_scheme="dark" if scheme == "slate" else "light",
        )
        for url in _pages(site, shapes_site, chart_pages):
            page.goto(url)
            page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
            if js:
                wait_for_charts(page)
            for chart in page.evaluate(MEASURE, [TEXT_CONTRAST, MARK_CONTRAST]):
                where = f"{width}px {scheme} {'js' if js else 'no js'} {url} {chart['id']}"
                if chart.get("missing"):
                    problems.append(f"{where}: no chart shown")
                    continue
                assert chart["texts"] and chart["marks"], where
                assert chart["view"] == (js and chart["interactive"]), where  # the view where there is one
                if chart["smallest"]["px"] < MIN_TEXT - 0.01:
                    problems.append(f"{where}: text {chart['smallest']} under {MIN_TEXT} px")
                for what in ("overlaps", "outside", "lowText", "lowMarks"):
                    if chart[what]:
                        problems.append(f"{where}: {what} {chart[what][:6]}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


def test_a_tap_shows_the_tooltip_and_a_tap_elsewhere_hides_it(browser: Any, shapes_site: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(shapes_site)
        assert wait_for_charts(page) > 0
        tooltip = page.locator(TOOLTIP)
        figures = page.locator(INTERACTIVE)
        targets = next(filter(None, (tooltip_targets(figures.nth(i)) for i in range(figures.count()))), [])
        assert targets, "no mark to tap"
        page.touchscreen.tap(targets[0]["x"], targets[0]["y"])
        tooltip.wait_for(state="visible", timeout=5_000)
        text = tooltip.inner_text()
        assert all(value in text for value in targets[0]["values"]), text
        page.locator("h1").tap()
        tooltip.wait_for(state="hidden", timeout=5_000)
    finally:
        context.close()


def test_the_interactive_view_lays_out_at_its_columns_width(new_page: Opener, shapes_site: str) -> None:
    page, _ = new_page(viewport={"width": 390, "height": 900})
    page.goto(shapes_site)
    wait_for_charts(page)
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.retroblog-chart[data-retroblog-ready=true]')].map(f => [
          f.getBoundingClientRect().width, f.querySelector('.retroblog-view svg').getBoundingClientRect().width])"""
    )
    assert sizes and all(view <= column + 0.5 for column, view in sizes), sizes
    assert any(view > column - 40 for column, view in sizes), sizes  # laid out at the column, not at 340 or less
    page.set_viewport_size({"width": 1280, "height": 900})  # and again when the window is resized
    page.wait_for_timeout(500)
    wider = page.evaluate("() => document.querySelector('.retroblog-view svg').getBoundingClientRect().width")
    assert wider > sizes[0][1] + 100


def test_without_javascript_a_phone_gets_the_narrow_render_at_1_to_1(new_page: Opener, shapes_site: str) -> None:
    for width, expected in ((390, "narrow"), (1280, "wide")):
        page, _ = new_page(viewport={"width": width, "height": 900}, java_script_enabled=False)
        page.goto(shapes_site)
        shown = page.evaluate(
            """() => [...document.querySelectorAll('.retroblog-static svg[role=img]')]
              .filter(s => s.getClientRects().length)
              .map(s => [s.parentElement.className, s.getBoundingClientRect().width / s.width.baseVal.value])"""
        )
        assert shown and {kind for kind, _ in shown} == {f"retroblog-{expected}"}, (width, shown)
        assert all(abs(scale - 1) < 0.01 for _, scale in shown), (width, shown)
