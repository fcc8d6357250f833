"""The ``card`` chart type: its figures on datasets of every shape, unknown counts, privacy, its layout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retroblog.build.blocks import Blocks
from retroblog.build.settings import Settings
from retroblog.charts import card as card_module
from retroblog.charts.builtin import CHARTS, ChartContext
from retroblog.charts.card import Figure, card_spec, figures
from retroblog.errors import ConfigError
from retroblog.render.html import NARROW_WIDTH
from retroblog.render.svg import SvgCache
from retroblog.stats.filters import Filters
from tests.conftest import REPO

HEADER = "merged_at,additions,deletions,comments,repo"


def _site(tmp_path: Path, rows: list[str], *, header: str = HEADER, private: bool = False) -> Blocks:
    (tmp_path / "data").mkdir(parents=True, exist_ok=True)
    (tmp_path / "data" / "work.csv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    datasets = {"work": {"private": True}} if private else {}
    return Blocks(Settings.from_options({"datasets": datasets}, tmp_path), SvgCache())


def _figures(blocks: Blocks, **options: object) -> dict[str, Figure]:
    chart, _ = blocks.chart({"type": "card", **options})
    return {row["figure"]: Figure("", row["figure"], row["value"], row["detail"]) for row in chart.rows}


def test_the_card_is_a_registered_chart_type():
    assert CHARTS["card"] is card_module.card


def test_a_career_of_years_has_its_count_span_busiest_year_and_median(tmp_path):
    rows = [f"2019-0{m}-03T10:00:00Z,{m * 10},1,2,org/app" for m in (6, 7)]
    rows += [f"2020-0{m}-03T10:00:00Z,{m * 10},1,2,org/app" for m in (1, 2, 3, 4)]
    rows += ["2021-05-04T10:00:00Z,5,1,2,org/lib"]
    blocks = _site(tmp_path, rows)
    shown = _figures(blocks)
    assert [(f.label, f.value, f.detail) for f in shown.values()] == [
        ("PRs merged", "7", ""),
        ("3 calendar years", "2019–2021", "June 2019 to May 2021"),
        ("Busiest year", "2020", "4 PRs"),
        ("Median PR size", "30", "lines inserted"),
    ]
    chart, interactive = blocks.chart({"type": "card"})
    assert interactive and chart.title == "PRs in figures"
    assert chart.caption == "7 PRs merged, June 2019 to May 2021; the most in 2020 (4 PRs)."
    assert "Busiest year: 2020 (4 PRs)" in chart.description and "Median PR size: 30" in chart.description
    assert chart.columns == [("figure", "Figure"), ("value", "Value"), ("detail", "Detail")]


def test_one_pr_is_one_day_in_the_singular_and_no_busiest_period(tmp_path):
    shown = _figures(_site(tmp_path, ["2021-03-05T14:00:00Z,42,7,3,app"]))
    assert [(f.label, f.value) for f in shown.values()] == [
        ("PR merged", "1"),
        ("One day", "5 March 2021"),
        ("Lines inserted", "42"),
        ("Median PR size", "42"),
    ]


def test_one_year_names_its_busiest_month_and_one_month_its_lines(tmp_path):
    year = _site(tmp_path / "year", [f"2021-0{m}-0{d}T10:00:00Z,3,1,1,app" for m in (2, 4) for d in range(1, m)])
    shown = _figures(year)
    assert (shown["One year"].value, shown["One year"].detail) == ("2021", "February 2021 to April 2021")
    assert (shown["Busiest month"].value, shown["Busiest month"].detail) == ("April 2021", "3 PRs")
    month = _figures(_site(tmp_path / "month", [f"2023-09-{d:02d}T10:00:00Z,{d},1,1,app" for d in (2, 9, 30)]))
    assert (month["One month"].value, month["One month"].detail) == ("September 2023", "merged over 29 days")
    assert month["Lines inserted"].value == "41"


def test_a_tie_for_the_busiest_year_says_so(tmp_path):
    rows = [f"{y}-05-0{d}T10:00:00Z,3,1,1,app" for y in (2019, 2020) for d in (1, 2)] + ["2021-05-01T10:00:00Z,3,1,1,a"]
    assert _figures(_site(tmp_path, rows))["Busiest year"].detail == "2 PRs, as did 2020"


def test_unknown_sizes_are_unknown_never_zero(tmp_path):
    """A git history's shape: no line counts at all; then a file where some PRs have them."""
    none = _site(tmp_path / "none", ["2021-03-05T10:00:00Z,app", "2021-03-09T10:00:00Z,app"], header="merged_at,repo")
    shown = _figures(none)
    assert shown["Median PR size"].value == "unknown" and shown["Lines inserted"].value == "unknown"
    chart, _ = none.chart({"type": "card"})
    assert not re.search(r"\b0\b", chart.description), chart.description
    some = _site(tmp_path / "some", ["2021-03-05T10:00:00Z,10,,,app", "2021-03-09T10:00:00Z,,,,app"])
    partly = _figures(some)
    assert partly["Median PR size"].value == "10" and partly["Median PR size"].detail == "lines inserted, of 1 PRs"
    assert (partly["Lines inserted"].value, partly["Lines inserted"].detail) == ("10", "on 1 of 2 PRs")


def test_the_gallery_shapes_give_four_figures_none_zero():
    """Every seeded gallery dataset (retroblog/data/sample.py GALLERY), as the site names them."""
    from retroblog.build.settings import read_site_settings
    from retroblog.data.sample import GALLERY

    blocks = Blocks(read_site_settings(REPO / "mkdocs.yml"), SvgCache())
    for shape in GALLERY:
        chart, _ = blocks.chart({"type": "card", "dataset": f"gallery-{shape}"})
        assert len(chart.rows) == 4, shape
        assert all(row["value"] not in ("", "0") for row in chart.rows), (shape, chart.rows)
    unknown = blocks.chart({"type": "card", "dataset": "gallery-unknown-counts"})[0]
    assert unknown.rows[2]["figure"] == "Busiest year"


def test_a_private_datasets_names_never_appear(tmp_path):
    names = ["acme-secret/payments", "acme-secret/ledger"]
    rows = [f"2021-0{m}-05T10:00:00Z,{m},1,1,{names[m % 2]}" for m in range(1, 8)]
    blocks = _site(tmp_path, rows, private=True)
    chart, _ = blocks.chart({"type": "card", "repo": names})
    text = repr([chart.spec, chart.title, chart.description, chart.rows, chart.caption])
    assert not any(name in text for name in names)
    assert "in 2 repositories" in text  # counted instead


def test_the_private_guard_runs_on_the_card(tmp_path, monkeypatch):
    """A figure that would carry a repository name (a future change, a bug) stops the chart: Blocks'
    ``_keep_private`` checks the card as it does every built-in chart."""
    blocks = _site(tmp_path, ["2021-03-05T10:00:00Z,3,1,1,acme-secret/payments"], private=True)
    real = card_module.figures

    def leaky(ctx: ChartContext) -> list[Figure]:
        return [*real(ctx)[:3], Figure("median", "Top repository", "acme-secret/payments", "")]

    monkeypatch.setattr(card_module, "figures", leaky)
    with pytest.raises(ConfigError, match="the card chart would publish repository names of the private dataset"):
        blocks.chart({"type": "card"})


_TEXT = re.compile(r"<text\b([^>]*)>([^<]*)<")


def _boxes(svg: str) -> list[tuple[str, float, float, float, float, float]]:
    """Every text of a card's SVG as (text, left, top, right, bottom, font size), its width measured
    generously (0.7 em a character: wider than the page's font draws it), in the SVG's coordinates."""
    offset = re.search(r'<g fill="none"[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"', svg)
    assert offset
    dx, dy = float(offset.group(1)), float(offset.group(2))
    boxes = []
    for attributes, text in _TEXT.findall(svg):
        at = re.search(r'transform="translate\(([-\d.]+),([-\d.]+)\)"', attributes)
        size = re.search(r'font-size="([\d.]+)px"', attributes)
        assert at and size, attributes
        x, base, px = float(at.group(1)) + dx, float(at.group(2)) + dy, float(size.group(1))
        width = 0.7 * px * len(text)
        left = x if 'text-anchor="start"' in attributes else x - width / 2  # the title, or a centred figure
        boxes.append((text, left, base - 0.8 * px, left + width, base + 0.2 * px, px))
    return boxes


def _check_layout(svg: str, width: float, height: float) -> None:
    boxes = _boxes(svg)
    assert len(boxes) >= 8, svg[:400]  # each figure's value and label, and details
    for text, left, top, right, bottom, px in boxes:
        assert px >= 11, (text, px)
        assert left >= 0 and right <= width and top >= 0 and bottom <= height, (text, left, top, right, bottom)
    figures_only = [b for b in boxes if b[0] != "PRs in figures"]
    for i, a in enumerate(figures_only):
        for b in figures_only[i + 1 :]:
            apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
            assert apart, (a, b)


@pytest.mark.parametrize("dataset", ["example", "gallery-one-pr", "gallery-sparse-years", "gallery-many-repos"])
def test_wide_and_narrow_renders_keep_text_at_11_px_inside_and_apart(dataset):
    from retroblog.build.settings import read_site_settings

    blocks = Blocks(read_site_settings(REPO / "mkdocs.yml"), SvgCache())
    options = {"type": "card", "dataset": dataset}
    wide, _ = blocks.chart(options)
    narrow = blocks._narrow_spec(options, wide)
    assert narrow is not None and narrow["width"] == NARROW_WIDTH
    for spec in (wide.spec, narrow):
        svg = blocks.cache.svg(spec)
        size = re.search(r'<svg[^>]*width="([\d.]+)" height="([\d.]+)"', svg)
        assert size
        _check_layout(svg, float(size.group(1)), float(size.group(2)))
    # the narrow render is two tiles across: its two first values share a line
    boxes = _boxes(blocks.cache.svg(narrow))
    values = [b for b in boxes if b[0] in {r["value"] for r in wide.rows}]
    assert values[0][4] == values[1][4]


def test_a_small_size_grows_to_two_tiles_across_and_two_down(tmp_path):
    blocks = _site(tmp_path, ["2021-03-05T10:00:00Z,3,1,1,app", "2022-03-05T10:00:00Z,3,1,1,app"])
    chart, _ = blocks.chart({"type": "card", "width": 120, "height": 60})
    assert chart.spec["width"] >= 340 and chart.spec["height"] >= 212
    svg = blocks.cache.svg(chart.spec)
    _check_layout(svg, chart.spec["width"], chart.spec["height"])


def test_card_spec_draws_the_same_card_at_a_social_cards_size(tmp_path):
    """What the social card asks for: 1200 x 630, no title, larger text, the same figures."""
    blocks = _site(tmp_path, [f"20{y}-03-05T10:00:00Z,{y},1,1,app" for y in (19, 20, 20, 21)])
    chart, _ = blocks.chart({"type": "card"})
    dataset = blocks.dataset(None)
    stats = blocks.stats(dataset, blocks._known_names(dataset, Filters()))
    ctx = ChartContext(dataset, stats, Filters(), {})
    spec = card_spec(ctx, 1200, 630)
    assert (spec["width"], spec["height"]) == (1200, 630) and "title" not in spec
    svg = blocks.cache.svg(spec)
    assert 'width="1200" height="630"' in svg
    values = {f.value for f in figures(ctx)}
    assert values == {r["value"] for r in chart.rows}
    boxes = _boxes(svg)
    _check_layout(svg, 1200, 630)
    assert min(px for text, *_, px in boxes if text in values) >= 40  # large enough to read in a feed
