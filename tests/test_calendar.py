"""The calendar over any span: up to about a year a column per week; over more a strip per year (a column
per week of the year, a row per weekday), the year beside each strip, empty years drawn empty, one view
laid out at its column's width, and readable in its narrow render (cells visible, no text under 11 px)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tests.svgtext import axis_labels
from tests.test_charts import attr, convert

YEARS = range(2009, 2024)
EMPTY = (2011, 2012, 2016, 2019)


def _site(root: Path, days: list[dt.date]) -> Path:
    (root / "data").mkdir(parents=True, exist_ok=True)
    lines = ["merged_at,additions", *(f"{day.isoformat()}T10:00:00Z,5" for day in days)]
    (root / "data" / "work.csv").write_text("\n".join(lines) + "\n")
    return root


def _sparse(root: Path) -> Path:
    """15 years, four of them empty; two PRs on 3 June 2014 (the busiest day), one on each other day."""
    days = [dt.date(year, month, 10 + month) for year in YEARS if year not in EMPTY for month in (1, 6, 12)]
    return _site(root, [*days, dt.date(2014, 6, 3), dt.date(2014, 6, 3)])


def _spec(out: str) -> dict:
    return json.loads(attr(out, "data-retroblog-spec"))


def _encoding(spec: dict, channel: str) -> dict:
    return next(layer["encoding"][channel] for layer in spec["layer"] if channel in layer.get("encoding", {}))


def _narrow_svg(out: str) -> str:
    narrow = out[out.index('class="retroblog-narrow"') :]
    return narrow[narrow.index("<svg") : narrow.index("</svg>")]


def test_fifteen_years_are_fifteen_strips_each_labelled_empty_ones_too(tmp_path):
    out = convert(_sparse(tmp_path), "```chart\ntype: calendar\n```\n")
    spec = _spec(out)
    years = [label for label in axis_labels(out, "y") if label]
    assert years == [str(year) for year in YEARS]  # every year, the empty ones as empty strips
    rows = _encoding(spec, "y")["scale"]["domain"]
    assert len(rows) == 8 * len(YEARS)  # seven weekdays and a row between strips, a year each
    assert _encoding(spec, "x")["scale"]["domain"] == [f"{i:02d}" for i in range(54)]  # weeks of a year, not 780
    assert axis_labels(out, "x") == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    caption = attr(out, "data-caption")
    assert caption == "PRs merged on 34 days in 11 of 15 years; the busiest, 3 June 2014, had 2."
    assert "none in 2011, 2012, 2016 and 2019" in attr(out, "aria-label")


def test_each_day_is_in_its_years_strip_at_its_week_and_weekday(tmp_path):
    out = convert(_sparse(tmp_path), "```chart\ntype: calendar\n```\n")
    values = _spec(out)["data"]["values"]
    assert sum(v["prs"] for v in values) == 35 and len(values) == 34
    for value in values:
        day = dt.datetime.strptime(value["date"], "%d %B %Y").date()
        first_monday = dt.date(day.year, 1, 1) - dt.timedelta(days=dt.date(day.year, 1, 1).weekday())
        assert value["year"] == day.year
        assert int(value["column"]) == (day - dt.timedelta(days=day.weekday()) - first_monday).days // 7
        assert value["weekday"] == day.strftime("%a")


def test_the_strips_are_one_view_fitted_to_its_width_its_height_from_the_years(tmp_path):
    # a facet or concat cannot be fitted (autosize fit) nor laid out at its column's width in the browser
    spec = _spec(convert(_sparse(tmp_path), "```chart\ntype: calendar\nheight: 100\n```\n"))
    assert not {"facet", "concat", "hconcat", "vconcat", "repeat"} & set(spec)
    assert spec["autosize"] == {"type": "fit", "contains": "padding"} and spec["width"] == 640
    assert spec["height"] > 8 * len(YEARS) * 10  # about square cells of 10 px, whatever `height` asks
    two = _spec(
        convert(_site(tmp_path / "two", [dt.date(2020, 3, 1), dt.date(2021, 9, 1)]), "```chart\ntype: calendar\n```\n")
    )
    assert two["height"] < spec["height"] / 4
    # a year or less (here 52 weeks across two years) keeps its column per week and its weekdays
    site = _site(tmp_path / "one", [dt.date(2021, 9, 6), dt.date(2022, 8, 29)])
    out = convert(site, "```chart\ntype: calendar\n```\n")
    assert axis_labels(out, "y") == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert len(_encoding(_spec(out), "x")["scale"]["domain"]) == 52


@pytest.mark.parametrize("width", [340, 640])
def test_the_narrow_render_has_visible_cells_and_no_text_under_11_px(tmp_path, width):
    out = convert(_sparse(tmp_path), f"```chart\ntype: calendar\nwidth: {width}\n```\n")
    svg = _narrow_svg(out) if width > 340 else out[out.index("<svg") : out.index("</svg>")]
    assert re.search(r'<svg[^>]* width="340"', svg)
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)px"', svg)]
    assert sizes and min(sizes) >= 11
    cells = re.findall(r'<g class="mark-rect role-mark layer_0_marks"[^>]*>(.*?)</g>', svg, re.S)
    assert cells
    widths = []
    for d in re.findall(r' d="([^"]+)"', cells[0]):
        xs = [float(x) for x in re.findall(r"[ML]([-\d.]+),", d)]
        widths.append(max(xs) - min(xs) + 2)  # the corners' radius (1) on each side
    assert len(widths) == 34 and min(widths) >= 4.5, widths  # each day a cell you can see
    years = re.findall(r">((?:19|20)\d\d)</text>", svg)
    assert years == [str(year) for year in YEARS]
