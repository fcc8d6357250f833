"""Time charts on the spans real careers have: the grain (bins and ticks) by span and width, labels that
fit, a year inside a career, quarters over many years, the calendar's months, short captions."""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path

import pytest

from retroblog.charts.time import (
    LONG_LABEL,
    MIN_BAR,
    MONTH_BINS_UP_TO,
    SHORT_LABEL,
    Grain,
    axis_options,
    bin_key,
    choose,
    period_words,
)
from tests.svgtext import axis_labels, drawn
from tests.test_charts import _hidden_table, attr, convert

# --- the grain, a pure function of span and width -------------------------------------------------


def _months(first: tuple[int, int], count: int) -> list[str]:
    year, month = first
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


@pytest.mark.parametrize(
    ("months", "width", "expected"),
    [
        (1, 560, Grain("month", 1)),
        (12, 1200, Grain("month", 1)),  # a year on a wide page: every month named
        (12, 560, Grain("month", 2)),  # "Apr 2016" needs 60 px
        (24, 560, Grain("month", 3)),
        (MONTH_BINS_UP_TO, 560, Grain("month", 6)),
        (37, 560, Grain("quarter", 6)),  # over three years: a bar per quarter
        (37, 1280, Grain("quarter", 3)),
        (109, 1200, Grain("quarter", 6)),
        (109, 560, Grain("quarter", 12)),  # nine years: a label per year
        (109, 300, Grain("quarter", 24)),  # ... every other year on a phone
        (180, 560, Grain("year", 24)),  # fifteen years: a bar per year
    ],
)
def test_the_grain_follows_span_and_width(months, width, expected):
    assert choose(months, width) == expected


def test_a_year_names_its_months_in_one_word_and_a_line_keeps_a_point_a_month():
    assert choose(12, 560, one_year=True) == Grain("month", 1, True)  # "Apr" fits where "Apr 2016" does not
    assert choose(109, 560, bins=("month",)) == Grain("month", 12)
    assert choose(5, 560, bins=("year",)).bin == "year"


@pytest.mark.parametrize("months", [1, 2, 11, 12, 13, 24, 36, 37, 60, 109, 150, 240, 600])
@pytest.mark.parametrize("width", [120, 300, 560, 1200])
@pytest.mark.parametrize("first", [(2016, 1), (2016, 4), (2019, 12)])
def test_chosen_labels_fit_side_by_side_and_bars_are_wide_enough(months, width, first):
    keys = _months(first, months)
    one_year = len({k[:4] for k in keys}) == 1
    grain = choose(months, width, one_year=one_year)
    bins = list(dict.fromkeys(bin_key(k, grain.bin) for k in keys))
    if grain.bin != "year":
        assert width / len(bins) >= MIN_BAR
    ticks = grain.ticks(bins)
    assert ticks and set(ticks) <= set(bins)
    slot = width / len(bins)  # each bin's band
    places = [bins.index(t) for t in ticks]
    for label, (a, b) in zip([grain.label(t) for t in ticks], itertools.pairwise(places), strict=False):
        need = LONG_LABEL if " " in label else SHORT_LABEL
        assert (b - a) * slot >= need or width < need, (grain, label, (b - a) * slot)


def test_labels_ticks_and_words():
    assert Grain("month", 1).label("2016-04") == "Apr 2016"
    assert Grain("month", 1, True).label("2016-04") == "Apr"
    assert Grain("month", 12).label("2016-01") == "2016"
    assert Grain("quarter", 3).label("2016-Q2") == "Q2 2016"
    assert Grain("year", 24).label("2016") == "2016"
    assert Grain("month", 3).ticks(_months((2016, 2), 8)) == ["2016-04", "2016-07"]
    assert Grain("quarter", 12).ticks(["2016-Q3", "2016-Q4", "2017-Q1", "2017-Q2"]) == ["2017-Q1"]
    assert Grain("year", 24).ticks(["2015", "2016", "2017", "2018"]) == ["2016", "2018"]
    assert Grain("month", 12).ticks(["2016-03", "2016-04"]) == ["2016-03"]  # no January: the first
    assert period_words("2017-04", "2019-12") == "from April 2017 to December 2019"
    assert period_words("2019-04", "2019-12") == "from April to December 2019"
    assert period_words("2019-04", "2019-04") == "in April 2019"
    axis = axis_options(Grain("month", 1, True), ["2021-01", "2021-02"])
    assert axis["values"] == ["2021-01", "2021-02"] and axis["labelAngle"] == 0
    assert '["Jan 2021", "Feb", ""]' in axis["labelExpr"]  # the year once


# --- the charts, on careers of 1, 12, 37 and 109 months ---------------------------------------------

TIME_CHARTS = ("prs-per-month", "inserts-deletes", "cumulative", "comments-per-pr", "prs-per-year", "calendar")


def _career(root: Path, months: int, first: tuple[int, int] = (2016, 4), seed: int = 13) -> Path:
    """A dataset of ``months`` months from ``first``: sparse (months without PRs), the first and last
    month with one PR each, sizes from 1 to 30,000 lines."""
    rng = random.Random(seed)
    lines = ["merged_at,additions,deletions,comments,repo"]
    for i, month in enumerate(_months(first, months)):
        prs = 1 if i in (0, months - 1) else rng.choice((0, 0, 1, 2, 5, 9))
        for day in range(prs):
            size = rng.choice((1, 40, 300, 30000))
            lines.append(f"{month}-{day + 1:02d}T10:00:00Z,{size},{size // 3},{day % 4},r{day % 3}")
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / "work.csv").write_text("\n".join(lines) + "\n")
    return root


def _x_axis(spec: dict) -> dict:
    layers = [spec, *spec.get("layer", [])]
    return next(layer["encoding"]["x"] for layer in layers if "encoding" in layer and "x" in layer["encoding"])


def _assert_labels_fit(out: str, width: int) -> list[str]:
    """The x labels as drawn: horizontal, no more than fit at ~60 px (or ~40 for one word), none over another."""
    labels = axis_labels(out, "x")
    texts = sorted(
        (d for d in drawn(out)[0] if d.tag == "text" and "role-axis-label" in d.roles and d.guide.startswith("X")),
        key=lambda d: d.x,
    )
    assert labels and len(labels) == len(texts)
    spec = json.loads(attr(out, "data-retroblog-spec"))
    values = _x_axis(spec)["axis"].get("values")
    assert values is None or len(values) == len(labels)  # every chosen tick drawn: none hidden as overlapping
    assert len(labels) <= width / SHORT_LABEL, labels
    for text in texts:
        assert "rotate" not in text.attrs.get("transform", ""), text.attrs  # horizontal
    for left, right in itertools.pairwise(texts):
        size = float(left.attrs["font-size"].removesuffix("px"))
        # a generous width estimate: 0.6 em a character
        need = 0.6 * size * (len(left.text) + len(right.text)) / 2
        assert right.x - left.x >= need, (left.text, right.text, right.x - left.x, need)
    assert not any(re.fullmatch(r"\d{4}-\d{2}", label) for label in labels), labels  # words, not 2016-04
    return labels


@pytest.mark.parametrize("months", [1, 12, 37, 109])
@pytest.mark.parametrize("name", TIME_CHARTS)
@pytest.mark.parametrize("width", [390, 640, 1280])
def test_time_charts_label_only_what_fits(tmp_path, name, months, width):
    site = _career(tmp_path, months)
    out = convert(site, f"```chart\ntype: {name}\nwidth: {width}\n```\n")
    _assert_labels_fit(out, width)


@pytest.mark.parametrize("name", ["prs-per-month", "inserts-deletes", "cumulative", "comments-per-pr"])
def test_the_data_table_keeps_every_month_whatever_the_bars(tmp_path, name):
    site = _career(tmp_path, 109)
    out = convert(site, f"```chart\ntype: {name}\n```\n")
    _, body = _hidden_table(out)
    assert [row[0] for row in body] == _months((2016, 4), 109)


def test_a_long_career_draws_a_bar_per_quarter_with_its_months_in_the_tooltip(tmp_path):
    site = _career(tmp_path, 109)
    out = convert(site, "```chart\ntype: prs-per-month\n```\n")
    spec = json.loads(attr(out, "data-retroblog-spec"))
    values = spec["data"]["values"] if "data" in spec else spec["layer"][0]["data"]["values"]
    assert len(values) == 37 and values[0]["quarter"] == "2016-Q2" and values[0]["when"] == "Q2 2016"
    assert re.fullmatch(r"Apr: \d+, May: \d+, Jun: \d+", values[0]["prs_months"])
    assert spec["title"] == "PRs merged per quarter"
    assert "from April 2016 to April 2025" in attr(out, "aria-label")


def test_a_year_inside_a_career_draws_the_months_it_is_given_and_says_which(tmp_path):
    """The stats give a ``year: 2019`` filter its months (clipped to the dataset's first and last merge):
    the chart draws exactly those rows, and its words name them, not the filter's dates."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(
        "merged_at\n2017-04-03T10:00:00Z\n2019-04-02T10:00:00Z\n2019-12-02T10:00:00Z\n2019-12-03T10:00:00Z\n"
    )
    out = convert(tmp_path, "```chart\ntype: prs-per-month\nyear: 2019\n```\n")
    spec = json.loads(attr(out, "data-retroblog-spec"))
    values = spec["data"]["values"] if "data" in spec else spec["layer"][0]["data"]["values"]
    _, body = _hidden_table(out)
    assert [v["month"] for v in values] == [row[0] for row in body]  # the chart draws the table's rows
    assert values[0]["month"] in ("Jan", "Apr") and values[-1]["month"] == "Dec"
    label = attr(out, "aria-label")
    first = {"Jan": "January", "Apr": "April"}[values[0]["month"]]
    assert f"from {first} to December 2019" in label and "2019-01-01" not in label
    assert attr(out, "data-caption") == "Most PRs were merged in December 2019: 2 of 3."
    assert axis_labels(out, "x")[-1] == "Dec"


def test_quarters_over_fifteen_sparse_years_are_fifteen_bars(tmp_path):
    site = _career(tmp_path, 180, first=(2010, 1))
    out = convert(site, "```chart\ntype: prs-per-quarter\nwidth: 390\n```\n")
    marks = drawn(out)[0]
    assert not [m for m in marks if m.attrs.get("aria-roledescription") in ("arc", "arc mark")]
    years = {m.text.split(";")[0] for m in marks if m.text.startswith("Year: ")}
    assert len(years) == 15
    _assert_labels_fit(out, 390)
    one_year = convert(site, "```chart\ntype: prs-per-quarter\nyear: 2012\n```\n")
    assert [
        m for m in drawn(one_year)[0] if m.attrs.get("aria-roledescription") in ("arc", "arc mark")
    ]  # one year: a donut


def test_the_calendar_names_its_months(tmp_path):
    site = _career(tmp_path, 12, first=(2021, 1))
    out = convert(site, "```chart\ntype: calendar\nyear: 2021\nwidth: 1280\n```\n")
    assert axis_labels(out, "x") == [
        "Jan 2021",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ]
    spec = json.loads(attr(out, "data-retroblog-spec"))
    # January at the first column (the week of 1 January), then each month's first Monday
    assert _x_axis(spec)["axis"]["values"][:3] == ["2020-12-28", "2021-02-01", "2021-03-01"]


def test_captions_are_one_short_sentence_and_descriptions_keep_the_figures(tmp_path):
    site = _career(tmp_path, 37)
    for name in (*TIME_CHARTS, "prs-per-quarter", "size-buckets", "prs-per-repo"):
        out = convert(site, f"```chart\ntype: {name}\n```\n")
        caption = attr(out, "data-caption")
        assert caption.endswith(".") and caption.count(". ") == 0 and len(caption) <= 110, (name, caption)
        assert caption != json.loads(attr(out, "data-retroblog-spec"))["description"], name


def test_the_repository_chart_says_top_only_when_some_are_left_out(tmp_path):
    site = _career(tmp_path, 37)
    every = convert(site, "```chart\ntype: prs-per-repo\n```\n")
    assert json.loads(attr(every, "data-retroblog-spec"))["title"] == "PRs merged per repository"
    some = convert(site, "```chart\ntype: prs-per-repo\ntop: 2\n```\n")
    assert json.loads(attr(some, "data-retroblog-spec"))["title"] == "PRs merged per repository (top 2)"


def test_a_long_career_timeline_labels_every_few_years(tmp_path):
    import datetime as dt

    import vl_convert

    from retroblog.charts.career import career_timeline
    from retroblog.data.career import Career, Role

    roles = tuple(
        Role("Acme", f"Team {i}", f"Engineer {i}", dt.date(2001 + 2 * i, 3, 1), dt.date(2003 + 2 * i, 2, 1))
        for i in range(12)
    )
    career = Career("Ada", roles, (("Acme", dt.date(2001, 3, 1), None),))
    for width, most in ((640, 2), (1280, 1)):  # 25 years: not every year on 640 px
        chart = career_timeline(career, width=width, height=240, title=None, description=None)
        step = chart.spec["layer"][0]["encoding"]["x"]["axis"]["tickCount"]["step"]
        svg = vl_convert.vegalite_to_svg(json.dumps(chart.spec))
        labels = axis_labels(svg, "x")
        assert step >= most and labels and len(labels) <= (width - 280) / SHORT_LABEL, (width, labels)
        assert chart.caption.startswith("Timeline of Ada's career from 2001 to 2025:") and chart.caption.endswith(".")
        assert chart.caption.count(". ") == 0
