"""Chart text in the site's language: month names on axes, in tooltips and captions follow ``language``
(Material's ``theme.language``); English charts are the same bytes as before (tests/snapshots)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from retroblog.charts.time import Grain, axis_options, bin_words, period_words
from retroblog.util.words import Words
from tests.svgtext import axis_labels
from tests.test_charts import attr, convert

GERMAN = Words("de")
ENGLISH_ONLY = re.compile(r"\b(March|May|June|July|October|December|Mar|Oct|Dec)\b")
"""Month names German writes otherwise (März, Mai, Juni, Juli, Oktober, Dezember; Mär, Okt, Dez)."""


def _site(root: Path) -> Path:
    """34 months from March 2016 to December 2018, March 2017 the busiest (10 PRs: two on 1 March)."""
    lines = ["merged_at,additions,deletions,comments,repo"]
    for index in range(34):
        year, month = 2016 + (index + 2) // 12, (index + 2) % 12 + 1
        prs = 9 if (year, month) == (2017, 3) else 1 + index % 3
        lines += [
            f"{year}-{month:02d}-{day + 1:02d}T10:00:00Z,{10 * day + 1},{day},{day % 3},app" for day in range(prs)
        ]
    lines.append("2017-03-01T15:00:00Z,5,1,0,app")
    (root / "data").mkdir()
    (root / "data" / "work.csv").write_text("\n".join(lines) + "\n")
    return root


def _spec(out: str) -> dict:
    return json.loads(attr(out, "data-retroblog-spec"))


def test_words_of_the_grain_in_german():
    month = Grain("month", 1)
    assert [month.label("2016-03", GERMAN), Grain("month", 1, one_year=True).label("2016-10", GERMAN)] == [
        "März 2016",
        "Okt",
    ]
    assert bin_words("2016-12", GERMAN) == "Dezember 2016" and bin_words("2016-Q2", GERMAN) == "Q2 2016"
    assert period_words("2016-03", "2016-12", GERMAN) == "from März to Dezember 2016"
    one_year = Grain("month", 1, one_year=True)
    axis = axis_options(one_year, ["2021-03", "2021-05"], words=GERMAN)
    assert '["März 2021", "Mai", ""]' in axis["labelExpr"]  # the year once, in German's own pattern


@pytest.mark.parametrize("name", ["prs-per-month", "inserts-deletes", "cumulative", "comments-per-pr"])
def test_a_german_sites_time_axes_tooltips_and_words_name_months_in_german(tmp_path, name):
    site = _site(tmp_path)
    german = convert(site, f"```chart\ntype: {name}\nwidth: 1280\n```\n", language="de")
    english = convert(site, f"```chart\ntype: {name}\nwidth: 1280\n```\n")
    labels = axis_labels(german, "x")
    assert labels != axis_labels(english, "x") and not any(ENGLISH_ONLY.search(label) for label in labels), labels
    assert any(re.search(r"März|Mär|Juli|Okt|Dez", label) for label in labels), labels
    spec = json.dumps(_spec(german), ensure_ascii=False)
    assert "%B" not in spec  # no month name left to Vega, whose names are English
    assert "from März 2016 to Dezember 2018" in attr(german, "aria-label")
    assert "from March 2016 to December 2018" in attr(english, "aria-label")


def test_tooltips_of_bins_and_lines_are_in_german(tmp_path):
    site = _site(tmp_path)
    binned = _spec(convert(site, "```chart\ntype: prs-per-month\nwidth: 200\n```\n", language="de"))
    values = binned["data"]["values"]
    assert values[0]["when"] == "Q1 2016" and values[0]["prs_months"] == "Mär: 1"  # a bar per quarter at 200 px
    assert any(v["prs_months"].startswith("Okt: ") for v in values)
    line = json.dumps(_spec(convert(site, "```chart\ntype: cumulative\n```\n", language="de")), ensure_ascii=False)
    assert "März 2016" in line and "Dezember 2018" in line and "%B" not in line  # each point's tooltip


def test_captions_and_the_calendar_in_german(tmp_path):
    site = _site(tmp_path)
    out = convert(site, "```chart\ntype: prs-per-month\n```\n", language="de")
    assert attr(out, "data-caption") == "Most PRs were merged in März 2017: 10 of 76."
    one_year = convert(site, "```chart\ntype: prs-per-month\nyear: 2017\n```\n", language="de")
    assert (
        axis_labels(one_year, "x")[2] == "Mär" and [v["month"] for v in _spec(one_year)["data"]["values"]][9] == "Okt"
    )
    calendar = convert(site, "```chart\ntype: calendar\n```\n", language="de")  # over three years: a strip each
    assert "1. März 2017" in attr(calendar, "data-caption")
    assert axis_labels(calendar, "x")[2:4] == ["Mär", "Apr"]
    assert "1 March 2017" in attr(convert(site, "```chart\ntype: calendar\n```\n"), "data-caption")
    spring = convert(site, "```chart\ntype: calendar\nyear: 2017\n```\n", language="de")
    assert axis_labels(spring, "x")[:3] == ["Jan. 2017", "Feb", "Mär"]  # German's own pattern
