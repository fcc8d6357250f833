"""Markdown in, HTML out: charts, stats, errors, hostile data, caching and determinism."""

from __future__ import annotations

import calendar
import datetime as dt
import html
import json
import logging
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from retroblog.build.blocks import Blocks
from retroblog.build.settings import Settings
from retroblog.charts.builtin import CHARTS
from retroblog.charts.theme import PALETTE_CSS, SERIES
from retroblog.data.reviews import REVIEW_CHARTS
from retroblog.errors import RetroblogError
from retroblog.markdown import RetroblogExtension
from retroblog.render.svg import SvgCache
from tests.conftest import REPO
from tests.sitebuild import SiteBuild, build_site
from tests.svgtext import axis_labels, drawn, legend_labels

# Every column a built-in chart reads (time-to-merge: created_at; languages: the languages column)
CSV = "merged_at,additions,deletions,comments,repo,created_at,languages\n" + "".join(
    f"2021-{m:02d}-0{d}T10:00:00Z,{m * 10 + d},{d},{d % 3},{'ab'[d % 2]},2021-{m:02d}-01T0{d}:00:00Z,"
    f"Python:{m * 10}/{d};Markdown:{d}/0\n"
    for m in range(1, 7)
    for d in range(1, 4)
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(CSV)
    return tmp_path


YEAR_CSV = "merged_at,additions,deletions,comments,repo,created_at,languages\n" + "".join(
    # month m has m PRs; sizes run through every default bucket; three repos with different counts
    f"2021-{m:02d}-{d + 1:02d}T10:00:00Z,{(5, 50, 300, 700, 2000)[(m + d) % 5]},{d},{d % 4},r{(m * d) % 3},"
    f"2021-{m:02d}-01T0{d % 10}:00:00Z,Go:{m + d}/{d}\n"
    for m in range(1, 13)
    for d in range(m)
)


@pytest.fixture
def year_site(tmp_path: Path) -> Path:
    """A dataset with every month of 2021, every size bucket and three repositories."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(YEAR_CSV)
    return tmp_path


def convert(site: Path, text: str, **config: object) -> str:
    ext = RetroblogExtension(root=str(site), **config)
    return markdown.markdown(text, extensions=[ext, "fenced_code"])


def attr(html_text: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', html_text)
    assert match, name
    return html.unescape(match.group(1))


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs


def test_chart_block_renders_an_accessible_figure(site):
    out = convert(site, "```chart\ntype: prs-per-month\n```\n")
    assert out.startswith('<figure class="retroblog-chart" id="rb-')
    assert 'role="figure"' in out and "data-search-exclude" in out
    label = attr(out, "aria-label")
    assert label.startswith("PRs merged per month. Bar chart of merged PRs per month from January to June 2021.")
    assert "January 2021: 3, February 2021: 3" in label
    spec = json.loads(attr(out, "data-retroblog-spec"))
    assert spec["data"]["values"][0] == {"month": "2021-01", "prs": 3}
    assert "$schema" not in spec
    assert "<svg " in out and "<table><caption>PRs merged per month</caption>" in out
    assert "<td>2021-06</td><td>3</td>" in out
    # the visible caption is the finding (every month has 3 PRs: a tie); the figures are for screen readers
    assert attr(out, "data-caption") == "18 PRs merged; the most, 3, in each of 6 months."


@pytest.mark.parametrize("name", sorted(set(CHARTS) - REVIEW_CHARTS))  # (reviews charts: tests/test_reviews.py)
def test_every_built_in_chart_renders(site, name):
    out = convert(site, f"```chart\ntype: {name}\n```\n")
    assert '<figure class="retroblog-chart"' in out
    assert "<svg" in out and attr(out, "aria-label")


def test_filters_title_and_static_only(site):
    out = convert(site, "```chart\ntype: prs-per-month\nyear: 2021\nrepo: a\ntitle: Mine\ninteractive: false\n```\n")
    spec = json.loads(attr(out, "data-retroblog-spec"))
    assert spec["title"] == "Mine"
    assert [(r["month"], r["prs"]) for r in spec["data"]["values"]][:2] == [("Jan", 1), ("Feb", 1)]
    assert 'data-retroblog-interactive="false"' in out


def _copies_site(root: Path, copies: int) -> Path:
    """A site whose dataset holds every PR of a small one ``copies`` times (same days, sizes, repos)."""
    (root / "data").mkdir(parents=True)
    shutil.copy2(REPO / "data" / "career.yml", root / "data" / "career.yml")
    rows = [line.split(",", 1) for line in YEAR_CSV.splitlines()[1:]]
    numbered = [f"{stamp},{n},{rest}" for n, (stamp, rest) in enumerate(r for r in rows for _ in range(copies))]
    (root / "data" / "work.csv").write_text("merged_at,number," + YEAR_CSV.split(",", 1)[1].split("\n")[0] + "\n")
    with (root / "data" / "work.csv").open("a") as handle:
        handle.write("\n".join(numbered) + "\n")
    return root


@pytest.mark.parametrize("name", sorted({*CHARTS, "career-timeline"} - REVIEW_CHARTS))  # (reviews: test_reviews.py)
def test_embedded_spec_does_not_grow_with_prs(tmp_path, name):
    specs = []
    for copies in (1, 50):
        site = _copies_site(tmp_path / str(copies), copies)
        out = convert(site, f"```chart\ntype: {name}\n```\n")
        specs.append(attr(out, "data-retroblog-spec"))
    small, big = specs
    assert ":stat" not in big and '"number"' not in big
    # The same rows and fields: only the counts grow, by a digit or two each
    number = re.compile(r"\d[\d,]*(\.\d+)?")  # 1,234 in a description is one number
    assert number.sub("0", small) == number.sub("0", big)
    assert len(big) - len(small) <= 2 * len(re.findall(r"\d+", small)) and len(big) < 2 * len(small)


def test_inline_stats_and_stats_table(site):
    out = convert(site, "Merged :stat[total_prs] PRs, :stat[by_month.2021-03]{repo=a} in March; `:stat[total_prs]`.\n")
    assert out == (
        '<p>Merged <span class="retroblog-stat">18</span> PRs, <span class="retroblog-stat">1</span> in March; '
        "<code>:stat[total_prs]</code>.</p>"
    )
    table = convert(site, "```stats\nstats: [total_prs, by_year.2021, size.median]\n```\n")
    assert "<td>PRs merged</td><td>18</td>" in table and "<td>by_year.2021</td><td>18</td>" in table


def test_code_blocks_are_left_alone(site):
    out = convert(site, "```text\n```chart\ntype: nope\n```\n")
    assert "retroblog-chart" not in out and "type: nope" in out


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("```chart\ntype: pie\n```", "post.md:3: chart block: unknown chart type 'pie'; built-in types: calendar,"),
        ("```chart\ntype: prs-per-year\ncolour: red\n```", "post.md:3: chart block: unknown option(s) colour"),
        (
            "```chart\ntype: prs-per-year\ndataset: home\n```",
            "post.md:3: chart block: unknown dataset 'home'; known datasets: work",
        ),
        ("```chart\ntype: prs-per-year\ntitle: [oops\n```", "post.md:5: chart block: invalid YAML"),
        ("```chart\ntype: prs-per-year\nyear: soon\n```", "post.md:3: chart block: 'year' must be a year"),
        (
            "```chart\ntype: prs-per-year\nfrom: 2021-13-01\n```",
            "post.md:5: chart block: invalid YAML: '2021-13-01' is not a valid date (month must be in 1..12)",
        ),
        (
            "```stats\nfrom: 2021-01-01\nto: 2021-02-30\n```",
            "post.md:5: stats block: invalid YAML: '2021-02-30' is not a valid date (day is out of range",
        ),
        ("```chart\ntype: prs-per-year\nyear: 100000\n```", "post.md:3: chart block: 'year' must be a year"),
        (
            "```chart\ntype: prs-per-year\nto: 9999-12\nx: &a [1]\ny: *a\n```",
            "post.md:7: chart block: invalid YAML: aliases",
        ),
        ("```chart\ntype: prs-per-repo\ntop: 0\n```", "post.md:3: chart block: option 'top' must be a whole number"),
        ("```chart\naltair: charts:boom\n```", "post.md:3: chart block: charts:boom failed: ZeroDivisionError"),
        ("Text :stat[nope] here", "post.md:3: stat 'nope': unknown stat 'nope'"),
        # sizes and switches
        ("```chart\ntype: prs-per-year\nwidth: 10\n```", "post.md:3: chart block: 'width' must be a number of pixels"),
        ("```chart\ntype: prs-per-year\nheight: tall\n```", "post.md:3: chart block: 'height' must be a number of"),
        ("```chart\ntype: prs-per-year\nwidth: true\n```", "post.md:3: chart block: 'width' must be a number of"),
        ("```chart\ntype: calendar\ninteractive: maybe\n```", "post.md:3: chart block: 'interactive' must be true or"),
        # what to draw
        ("```chart\ntitle: x\n```", "post.md:3: chart block: a chart needs exactly one of 'type'"),
        ("```chart\ntype: cumulative\nspec: a.json\n```", "post.md:3: chart block: a chart needs exactly one of"),
        ("```chart\nspec: nope.vl.json\n```", "post.md:3: chart block: spec file 'nope.vl.json' not found"),
        ("```chart\nspec: bad.vl.json\n```", "post.md:3: chart block: spec file 'bad.vl.json' is not valid JSON/YAML"),
        ("```chart\naltair: nowhere:f\n```", "post.md:3: chart block: chart module 'nowhere' not found"),
        ("```chart\naltair: charts\n```", "post.md:3: chart block: 'altair' must be module:function"),
        ("```chart\naltair: charts:missing\n```", "post.md:3: chart block: charts has no function 'missing'"),
        ("```chart\naltair: broken:f\n```", "post.md:3: chart block: chart module 'broken' failed to import: Syntax"),
        (
            "```chart\naltair: charts:not_a_chart\n```",
            "post.md:3: chart block: charts:not_a_chart must return an Altair chart, got dict",
        ),
        ("```chart\ntype: career-timeline\n```", "post.md:3: chart block: no career file: expected "),
        # filters
        (
            "```chart\ntype: prs-per-year\nyear: 2021\nfrom: 2021-03\n```",
            "post.md:3: chart block: 'year' cannot be combined with 'from' or 'to'",
        ),
        ("```chart\ntype: prs-per-year\nrepo: c\n```", "post.md:3: chart block: repo 'c' is not in the dataset 'work'"),
        ("```chart\ntype: prs-per-year\nlabel: bug\n```", "post.md:3: chart block: label 'bug' is not in the dataset"),
        (
            "```chart\ntype: prs-per-year\nfrom: 2021-05\nto: 2021-04\n```",
            "post.md:3: chart block: 'from' (2021-05-01)",
        ),
        # stats blocks and inline stats
        ("```stats\nstats: [total_prs, nope]\n```", "post.md:3: stats block: unknown stat 'nope': stats has no 'nope'"),
        (
            "```stats\ncolour: red\n```",
            "post.md:3: stats block: unknown option(s) colour; expected dataset, from, label",
        ),
        ("```stats\nstats: total_prs\n```", "post.md:3: stats block: 'stats' must be a list of stat names"),
        ("```stats\nstats: [by_year]\n```", "post.md:3: stats block: stat 'by_year' is a table, not a number"),
        ("- :stat[total_prs]{year}", "post.md:3: stat 'total_prs': expected key=value, got 'year'"),
        ("Text :stat[total_prs]{colour=red}", "post.md:3: stat 'total_prs': unknown option(s) colour; expected"),
        ('Text :stat[total_prs]{repo="a}', "post.md:3: stat 'total_prs': cannot read options 'repo=\"a'"),
        (
            "Text :stat[total_prs]{repo=nope}",
            "post.md:3: stat 'total_prs': repo 'nope' is not in the dataset 'work'; its",
        ),
        ("Text :stat[by_month.2021-13]", "post.md:3: stat 'by_month.2021-13': unknown stat 'by_month.2021-13'"),
    ],
)
def test_errors_name_page_and_line(site, block, message):
    (site / "charts.py").write_text("def boom(frame):\n    return 1 / 0\n\n\ndef not_a_chart(frame):\n    return {}\n")
    (site / "broken.py").write_text("def f(:\n")
    (site / "bad.vl.json").write_text("{")
    ext = RetroblogExtension(root=str(site))
    ext.page, ext.line_offset = "post.md", 2
    with pytest.raises(RetroblogError) as info:
        markdown.markdown(block + "\n", extensions=[ext])
    assert str(info.value).startswith(message)


def test_preview_shows_the_error_on_the_page(site):
    out = convert(site, "```chart\ntype: pie\n```\n", on_error="show")
    assert 'class="admonition failure retroblog-error"' in out and "unknown chart type &#x27;pie&#x27;" in out


def test_user_altair_function_and_spec_file(site):
    (site / "charts.py").write_text(
        "import altair as alt\n"
        "def weekly(frame):\n"
        "    rows = [{'n': frame.height}]\n"
        "    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(y='n:Q').properties(title='Mine')\n"
        "def raw(frame):\n"
        "    return alt.Chart(alt.Data(values=frame.select('title').to_dicts())).mark_bar()\n"
    )
    out = convert(site, "```chart\naltair: charts:weekly\n```\n")
    assert json.loads(attr(out, "data-retroblog-spec"))["data"]["values"] == [{"n": 18}]
    (site / "spec.json").write_text(
        json.dumps({"data": {"name": "by_month"}, "mark": "line", "encoding": {"x": {"field": "month"}}})
    )
    out = convert(site, "```chart\nspec: spec.json\ntitle: From a file\n```\n")
    assert json.loads(attr(out, "data-retroblog-spec"))["datasets"]["by_month"][0]["month"] == "2021-01"
    with pytest.raises(RetroblogError, match="never a list of PRs"):
        convert(site, "```chart\naltair: charts:raw\n```\n")


def test_hostile_data_never_becomes_markup(fixtures, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "h.json").write_bytes((fixtures / "hostile/prs-hostile.json").read_bytes())
    out = convert(tmp_path, "```chart\ntype: prs-per-repo\n```\n\n```chart\ntype: prs-per-month\n```\n")
    parser = Elements()
    parser.feed(out)
    assert "script" not in parser.tags and "img" not in parser.tags and "b" not in parser.tags
    assert not [a for a in parser.attrs if a[0].startswith("on")]
    assert "&lt;b&gt;app&lt;/b&gt;" in out


def test_private_dataset_never_publishes_names(site):
    settings = Settings.from_options({"datasets": {"work": {"private": True}}}, site)
    out = markdown.markdown("```chart\ntype: prs-per-repo\n```\n", extensions=[RetroblogExtension(settings=settings)])
    assert "Repository A" in out and ">a<" not in out
    with pytest.raises(RetroblogError, match="private dataset"):
        markdown.markdown(":stat[by_repo.a]", extensions=[RetroblogExtension(settings=settings)])


def test_cache_renders_each_chart_once_and_follows_data(site, tmp_path):
    cache_dir = tmp_path / "cache"
    settings = Settings.from_options({}, site)
    blocks = Blocks(settings, SvgCache(cache_dir))
    text = "```chart\ntype: prs-per-year\n```\n\n```chart\ntype: size-buckets\n```\n"
    first = markdown.markdown(text, extensions=[RetroblogExtension(settings=settings, blocks=blocks)])
    again = markdown.markdown(text, extensions=[RetroblogExtension(settings=settings, blocks=blocks)])
    assert first == again and blocks.cache.rendered == 2 * 2  # each chart wide and narrow
    fresh = Blocks(Settings.from_options({}, site), SvgCache(cache_dir))
    assert markdown.markdown(text, extensions=[RetroblogExtension(blocks=fresh, settings=fresh.settings)]) == first
    assert fresh.cache.rendered == 0
    # A change of sizes only: the per-year chart is unchanged, the bucket chart is rendered again.
    (site / "data" / "work.csv").write_text(CSV.replace(",11,", ",1100,"))
    markdown.markdown(text, extensions=[RetroblogExtension(settings=fresh.settings, blocks=fresh)])
    assert fresh.cache.rendered == 2  # (its two renders)


def test_the_caption_is_in_the_accessible_name_not_in_the_page_text(site):
    out = convert(site, "```chart\ntype: size-buckets\n```\n")
    caption = attr(out, "data-caption")
    assert caption == "All 18 PRs inserted 10 to 100 lines."  # a short sentence: the finding
    assert re.search(r"<figcaption [^>]*></figcaption>", out)  # no text: read time and search skip it
    description = json.loads(attr(out, "data-retroblog-spec"))["description"]
    assert description.startswith("Histogram of merged PRs by lines inserted. <10: 0, 10-100: 18")
    assert attr(out, "aria-label") == f"PRs by size (lines inserted). {description}"  # every figure
    assert f'<svg role="img" aria-label="{html.escape(description, quote=True)}"' in out


def test_charts_add_nothing_to_read_time(site):
    from material.plugins.blog.readtime.parser import ReadtimeParser

    out = convert(site, "```chart\ntype: prs-per-repo\n```\n")
    parser = ReadtimeParser()
    parser.feed(out)
    assert "".join(parser.text).strip() == ""


def _lower_edge(bucket: str) -> int:
    """``<10`` -> 0, ``10-100`` -> 10, ``>1000`` -> 1001: where a bucket starts."""
    if bucket.startswith("<"):
        return 0
    if bucket.startswith(">"):
        return int(bucket[1:]) + 1
    return int(bucket.split("-")[0])


def _csv_column(index: int) -> list[str]:
    return [line.split(",")[index] for line in YEAR_CSV.splitlines()[1:]]


def test_ordinal_axes_run_in_data_order_in_the_svg(year_site):
    """Vega-Lite sorts an ordinal axis alphabetically unless told: Apr, Aug, Dec ... and 10-100 before <10."""
    months = convert(year_site, "```chart\ntype: prs-per-month\nyear: 2021\n```\n")
    assert axis_labels(months, "x") == list(calendar.month_abbr[1:])
    buckets = axis_labels(convert(year_site, "```chart\ntype: size-buckets\n```\n"), "x")
    assert len(buckets) == 5 and buckets == sorted(buckets, key=_lower_edge)
    by_month = sorted({day[:7] for day in _csv_column(0)})
    # in words, the year once: Jan 2021, Feb, ... Dec
    in_words = [calendar.month_abbr[int(m[5:])] + (f" {m[:4]}" if i == 0 else "") for i, m in enumerate(by_month)]
    for name in ("prs-per-month", "inserts-deletes", "cumulative", "comments-per-pr"):
        assert axis_labels(convert(year_site, f"```chart\ntype: {name}\n```\n"), "x") == in_words, name
    years = convert(year_site, "```chart\ntype: prs-per-year\nfrom: 2021-03\n```\n")
    assert axis_labels(years, "x") == ["2021"]
    quarters = convert(year_site, "```chart\ntype: prs-per-quarter\nyear: 2021\n```\n")
    assert legend_labels(quarters) == ["Q1", "Q2", "Q3", "Q4"]
    repos = Counter(_csv_column(4))
    largest_first = sorted(repos, key=lambda r: (-repos[r], r))
    assert axis_labels(convert(year_site, "```chart\ntype: prs-per-repo\n```\n"), "y") == largest_first


def test_calendar_has_every_week_and_weekday_in_order_and_whole_numbers(year_site):
    out = convert(year_site, "```chart\ntype: calendar\nyear: 2021\n```\n")
    assert axis_labels(out, "y") == list(calendar.day_abbr)
    cells = [d for d in drawn(out)[0] if d.text.startswith("Week: ")]
    weeks = [re.match(r"Week: ([\d-]+)", c.text).group(1) for c in cells]  # type: ignore[union-attr]
    assert [w for _, w in sorted(zip([c.x for c in cells], weeks, strict=True))] == sorted(weeks)
    spec = json.loads(attr(out, "data-retroblog-spec"))
    domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]  # (layer 1 outlines the days)
    assert domain[0] == "2020-12-28" and domain[-1] == "2021-12-27" and len(domain) == 53  # Mondays of 2021's weeks
    legend = legend_labels(out)
    most = max(Counter(day[:10] for day in _csv_column(0)).values())
    assert legend and all(label.isdigit() for label in legend), legend  # no "1.5" PRs
    assert len(set(legend)) == len(legend) and int(legend[-1]) <= most


THREE_PRS = (
    "merged_at,additions,deletions,comments,repo\n"
    "2021-03-01T10:00:00Z,1,1,1,a\n2021-03-05T10:00:00Z,2,0,0,b\n2022-06-01T10:00:00Z,3,2,2,a\n"
)


@pytest.mark.parametrize(
    ("name", "axis", "largest", "smallest"),
    [
        ("prs-per-year", "y", 2, 0),  # 2 in 2021
        ("prs-per-month", "y", 2, 0),  # 2 in 2021-03
        ("size-buckets", "y", 3, 0),  # all three in <10
        ("prs-per-repo", "x", 2, 0),  # 2 in a
        ("cumulative", "y", 3, 0),
        ("inserts-deletes", "y", 3, -2),  # 3 inserted in 2022-06 (and 2021-03), 2 deleted in 2022-06
    ],
)
@pytest.mark.parametrize("height", [240, 1200])
def test_count_axes_tick_whole_numbers_only(tmp_path, name, axis, largest, smallest, height):
    """Vega ticks a count of 2 at 0, 0.5, 1 ... unless told; a count is never half a PR."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(THREE_PRS)
    out = convert(tmp_path, f"```chart\ntype: {name}\nheight: {height}\n```\n")
    labels = axis_labels(out, axis)
    values = [int(label.replace("\u2212", "-")) for label in labels]  # fails on "0.5"
    assert sorted(values) == list(range(smallest, largest + 1)), labels  # each whole number once


def test_comments_per_pr_breaks_its_line_at_a_month_without_prs(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(
        "merged_at,comments,review_comments\n"
        "2021-01-10T10:00:00Z,1,0\n2021-01-20T10:00:00Z,2,1\n"  # 2 PRs, (1 + 3) / 2 = 2 a PR
        "2021-03-10T10:00:00Z,3,1\n"  # none in February
        "2021-04-10T10:00:00Z,0,1\n"
    )
    out = convert(tmp_path, "```chart\ntype: comments-per-pr\n```\n")
    assert axis_labels(out, "x") == ["Jan 2021", "Feb", "Mar", "Apr"]  # the gap has its place
    spec = json.loads(attr(out, "data-retroblog-spec"))
    values = spec["data"]["values"] if "data" in spec else spec["layer"][0]["data"]["values"]
    assert [(v["month"], v["per_pr"]) for v in values] == [
        ("2021-01", 2.0),
        ("2021-02", None),
        ("2021-03", 4.0),
        ("2021-04", 1.0),
    ]
    marks = drawn(out)[0]
    points = [m for m in marks if m.attrs.get("aria-roledescription") == "point"]
    assert len(points) == 3  # none for February
    (line,) = [m for m in marks if m.attrs.get("aria-roledescription") == "line mark"]
    pieces = re.findall(r"M[^M]*", line.attrs["d"])
    assert len(pieces) == 2, line.attrs["d"]  # January alone, then March to April: no bridge over February
    assert "no value for 1 month" in attr(out, "aria-label")


def test_comments_per_pr_tooltips_cover_the_line(tmp_path):
    """A line is one path whose tooltip is its first month's: a band per month on top carries the tooltip."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(
        "merged_at,comments\n2021-01-10T10:00:00Z,1\n2021-03-10T10:00:00Z,3\n2021-04-10T10:00:00Z,0\n"
    )
    out = convert(tmp_path, "```chart\ntype: comments-per-pr\n```\n")
    layers = json.loads(attr(out, "data-retroblog-spec"))["layer"]
    assert [layer["mark"]["type"] for layer in layers] == ["line", "point", "rect"]  # the bands last: on top
    bands = layers[-1]
    assert "y" not in bands["encoding"]  # full height
    assert [t["title"] for t in bands["encoding"]["tooltip"]] == ["Month", "Comments per PR", "PRs"]
    marks = drawn(out)[0]
    rects = [m for m in marks if m.attrs.get("aria-roledescription") == "rect mark"]
    points = [m for m in marks if m.attrs.get("aria-roledescription") == "point"]
    (line,) = [m for m in marks if m.attrs.get("aria-roledescription") == "line mark"]
    assert len(rects) == len(points) == 3  # February has no PRs: no point, no band

    def box(rect):
        width, height = (float(v) for v in re.findall(r"[hv](-?[\d.]+)", rect.attrs["d"])[:2])
        return rect.x, rect.y, rect.x + width, rect.y + height

    def under(x, y):
        return [r for r in rects if box(r)[0] <= x <= box(r)[2] and box(r)[1] <= y <= box(r)[3]]

    for point in points:  # each point is inside the band of its month, which shows the same words
        assert [r.text for r in under(point.x, point.y)] == [point.text]
        assert "Month: 2021-" in point.text and "PRs: 1" in point.text
    numbers = [float(v) for v in re.findall(r"-?[\d.]+", line.attrs["d"])]
    dx, dy = line.x - numbers[0], line.y - numbers[1]
    vertices = list(zip(numbers[::2], numbers[1::2], strict=True))
    assert len(vertices) == 3
    for x, y in vertices:  # every vertex of the line is under a band
        assert len(under(dx + x, dy + y)) == 1, (x, y)


def test_donut_labels_stay_inside_the_chart(year_site):
    for height in (160, 240, 260, 400):
        out = convert(year_site, f"```chart\ntype: prs-per-quarter\nyear: 2021\nheight: {height}\n```\n")
        found, (_, svg_height) = drawn(out)
        labels = [d for d in found if d.tag == "text" and "role-mark" in d.roles]
        assert len(labels) == 4
        for label in labels:
            size = float(label.attrs["font-size"].removesuffix("px"))
            assert size <= label.y <= svg_height - size / 2, (height, label.text, label.y)


SITE_YML = (
    "site_name: t\nsite_url: http://127.0.0.1/\ntheme: {name: material, font: false}\n"
    "plugins: [search, retroblog]\nmarkdown_extensions: [pymdownx.superfences]\n"
)


def mkdocs_site(root: Path, pages: dict[str, str], csv: str = CSV, yml: str = SITE_YML) -> Path:
    """A tmp MkDocs site: mkdocs.yml, data/work.csv and ``pages`` (name under docs/ -> Markdown)."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / "work.csv").write_text(csv)
    (root / "mkdocs.yml").write_text(yml)
    for name, text in {"index.md": "# Home\n", **pages}.items():
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(text)
    return root


def mkdocs_build(root: Path) -> SiteBuild:
    return build_site(root)  # `mkdocs build --strict` in this process (tests/sitebuild.py)


BROKEN_DATE = "# Post\n\nText.\n\n```chart\ntype: prs-per-year\nfrom: 2021-13-01\n```\n"


def test_prefetch_skips_blocks_it_cannot_read(site):
    class Recording:
        def __init__(self) -> None:
            self.jobs: list[tuple[str, dict]] = []

        def submit(self, kind, options, stat_key):
            self.jobs.append((kind, dict(options)))
            return Future()

    recording = Recording()
    blocks = Blocks(Settings.from_options({}, site), SvgCache(), defer=recording)
    text = BROKEN_DATE + '\n:stat[total_prs]{from=2021-13-01} and :stat[total_prs]{x="}\n\n```stats\na: *b\n```\n'
    blocks.prefetch(text + "\n```chart\ntype: size-buckets\n```\n")
    assert recording.jobs == [("stat", {"from": "2021-13-01"}), ("chart", {"type": "size-buckets"})]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BROKEN_DATE, "blog/post.md:11: chart block: invalid YAML: '2021-13-01' is not a valid date"),
        (  # computed in the worker process: its error comes back with the page and line
            BROKEN_DATE.replace("from: 2021-13-01", "top: 3"),
            "blog/post.md:9: chart block: unknown option(s) top; expected",
        ),
        ("# Post\n\nIn :stat[total_prs]{repo=nope} PRs.\n", "blog/post.md:7: stat 'total_prs': repo 'nope' is not in"),
    ],
)
def test_a_strict_build_with_a_broken_block_names_page_and_line(tmp_path, text, message):
    done = mkdocs_build(mkdocs_site(tmp_path, {"blog/post.md": "---\ntitle: x\n---\n\n" + text}))
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert message in output
    assert "Traceback" not in output


RAW_CHARTS = """
import altair as alt
import polars as pl


def raw(prs):
    return alt.Chart(prs.select("merged_at", "additions", "repo", "number")).mark_point().encode(x="merged_at:T")


def sizes(prs):  # no PR field, but a row for each PR
    return alt.Chart(prs.select("additions", "repo")).mark_bar().encode(x="repo:N", y="additions:Q")


def times(prs):
    when = prs.select(pl.col("merged_at").dt.strftime("%Y-%m-%dT%H:%M").alias("when")).unique()
    return alt.Chart(alt.Data(values=when.head(10).to_dicts())).mark_tick().encode(x="when:T")


def layered(prs):
    rows = alt.Data(values=prs.select("additions").to_dicts())
    return alt.layer(alt.Chart(alt.Data(values=[{"a": 1}])).mark_bar(), alt.Chart(rows).mark_tick())


def per_repo(prs):
    repos = prs.group_by("repo").agg(pl.len().alias("prs"), pl.col("additions").sum()).sort("repo")
    return (
        alt.Chart(repos)
        .mark_bar()
        .encode(
            x=alt.X("repo:N", title="Repository"),
            y=alt.Y("prs:Q", title="PRs merged"),
            tooltip=[alt.Tooltip("additions:Q", title="Lines inserted")],
        )
        .properties(title="Per repository", description="PRs per repository.")
    )


def not_a_chart(prs):
    return {"mark": "bar"}
"""


@pytest.mark.parametrize(
    ("function", "problem"),
    [
        ("raw", "with the PR field number"),
        ("sizes", f"a row for each of the block's {YEAR_CSV.count(chr(10)) - 1} PRs or more"),
        ("times", "with merge times in 'when'"),
        ("layered", "a row for each"),
    ],
)
def test_user_charts_never_embed_pr_rows(year_site, function, problem):
    (year_site / "charts.py").write_text(RAW_CHARTS)
    ext = RetroblogExtension(root=str(year_site))
    ext.page = "posts/mine.md"
    with pytest.raises(RetroblogError) as info:
        markdown.markdown(f"Intro.\n\n```chart\naltair: charts:{function}\n```\n", extensions=[ext])
    message = str(info.value)
    assert message.startswith(f"posts/mine.md:3: chart block: charts:{function} embeds a table of ")
    assert problem in message and "never a list of PRs; aggregate first, e.g. prs.group_by(" in message


def test_a_spec_file_with_its_own_pr_rows_is_refused(year_site):
    rows = [{"number": n, "prs": 1} for n in range(3)]
    (year_site / "own.vl.json").write_text(json.dumps({"datasets": {"mine": rows}, "data": {"name": "mine"}}))
    with pytest.raises(RetroblogError, match=r"own\.vl\.json embeds a table of 3 rows .* with the PR field number"):
        convert(year_site, "```chart\nspec: own.vl.json\n```\n")
    # the block's own aggregates (by_week has more rows than the block has PRs) are not refused
    (year_site / "weeks.vl.json").write_text(json.dumps({"data": {"name": "by_week"}, "mark": "bar"}))
    assert "<figure" in convert(year_site, "```chart\nspec: weeks.vl.json\nfrom: 2021-12\n```\n")


def _hidden_table(out: str) -> tuple[list[str], list[list[str]]]:
    table = out[out.index('<svg class="retroblog-table"') :]
    head = re.findall(r'<th scope="col">(.*?)</th>', table)
    body = [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(<td>.*?)</tr>", table)]
    return [html.unescape(h) for h in head], [[html.unescape(c) for c in row] for row in body]


def test_a_spec_charts_table_and_description_come_from_its_own_data(year_site):
    spec = {
        "data": {"name": "by_weekday"},
        "mark": "bar",
        "description": "PRs per weekday.",
        "encoding": {
            "x": {"field": "weekday", "type": "ordinal", "title": "Day"},
            "y": {"field": "prs", "type": "quantitative", "title": "PRs merged"},
        },
    }
    (year_site / "weekday.vl.json").write_text(json.dumps(spec))
    out = convert(year_site, "```chart\nspec: weekday.vl.json\n```\n")
    days = Counter(calendar.day_abbr[dt.date.fromisoformat(d[:10]).weekday()] for d in _csv_column(0))
    expected = [[day, str(days[day])] for day in calendar.day_abbr]
    assert _hidden_table(out) == (["Day", "PRs merged"], expected)
    top = max(calendar.day_abbr, key=lambda d: days[d])
    low = min(calendar.day_abbr, key=lambda d: days[d])
    description = attr(out, "aria-label").removeprefix("Chart. ")  # the title is the file's own: none, "Chart"
    assert attr(out, "data-caption") == "PRs per weekday."  # its first sentence: the rest is for screen readers
    listed = ", ".join(f"{day}: {days[day]}" for day in calendar.day_abbr)
    assert description == (
        f"PRs per weekday. 7 rows of data: {listed}. Highest PRs merged: {days[top]} ({top}); "
        f"lowest: {days[low]} ({low})."
    )
    assert json.loads(attr(out, "data-retroblog-spec"))["description"] == description
    given = convert(year_site, "```chart\nspec: weekday.vl.json\ndescription: Mine.\n```\n")
    assert attr(given, "data-caption") == "Mine."


def test_an_altair_charts_table_and_description_come_from_its_own_data(year_site):
    (year_site / "charts.py").write_text(RAW_CHARTS)
    out = convert(year_site, "```chart\naltair: charts:per_repo\nyear: 2021\n```\n")
    repos = Counter(_csv_column(4))
    inserted = Counter()
    for repo, additions in zip(_csv_column(4), _csv_column(1), strict=True):
        inserted[repo] += int(additions)
    rows = [[r, str(repos[r]), f"{inserted[r]:,}"] for r in sorted(repos)]
    assert _hidden_table(out) == (["Repository", "PRs merged", "Lines inserted"], rows)
    top, low = max(repos, key=repos.__getitem__), min(repos, key=repos.__getitem__)
    assert attr(out, "data-caption") == "PRs per repository."
    assert json.loads(attr(out, "data-retroblog-spec"))["description"] == (
        "PRs per repository. 3 rows of data from 2021-01-01 to 2021-12-31: "
        + ", ".join(f"{r}: {repos[r]}" for r in sorted(repos))
        + f". Highest PRs merged: {repos[top]} ({top}); lowest: {repos[low]} ({low})."
    )
    assert attr(out, "aria-label").startswith("Per repository. PRs per repository. 3 rows of data")


NARROW_RULE = re.compile(
    re.escape(PALETTE_CSS) + r"@container \(max-width:[\d.]+px\)\{(#rb-[\w-]+) \.retroblog-wide\{display:none\}"
    r"\1 \.retroblog-narrow\{display:block\}\}"
)


def _css_rules(css: str) -> dict[str, str]:
    """``selector -> declarations`` of a stylesheet, whitespace removed (comments dropped)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return {
        re.sub(r"\s+", " ", sel).strip().replace(" [", " ["): re.sub(r"\s+", "", body).rstrip(";")
        for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
    }


def test_the_svgs_inline_palette_is_retroblog_css_and_series_1_is_the_accent():
    sheet = _css_rules((REPO / "retroblog" / "render" / "assets" / "retroblog.css").read_text(encoding="utf-8"))
    inline = _css_rules(PALETTE_CSS)
    placeholders = {sel: body for sel, body in inline.items() if "[fill=" in sel or "[stroke=" in sel}
    assert len(placeholders) == 16  # 4 series x fill/stroke x light/dark
    for selector, body in placeholders.items():
        assert sheet[selector] == body, selector
        if "#010101" in selector:
            assert "--md-accent-fg-color" in body and "primary" not in body, body
    assert inline[".retroblog-chart svg text"] == "font-family:var(--md-text-font-family,sans-serif)"
    assert sheet[".retroblog-chart svg text"] == inline[".retroblog-chart svg text"]


def _resolve(value: str, variables: dict[str, str]) -> str:
    """A CSS value with its var() references replaced, innermost first, as a browser would."""
    pattern = re.compile(r"var\((--[\w-]+)(?:,([^()]*))?\)")
    while "var(" in value:
        value = pattern.sub(lambda m: variables.get(m.group(1), (m.group(2) or "").strip()), value)
    return value


ACCENT_YML = SITE_YML.replace(
    "theme: {name: material, font: false}",
    "theme:\n  name: material\n  font: false\n  palette:\n    - scheme: default\n      primary: indigo\n"
    "      accent: deep orange\n    - scheme: slate\n      primary: indigo\n      accent: deep orange",
)


@pytest.mark.slow
def test_series_1_is_the_sites_accent_colour_and_text_its_font(tmp_path):
    site = mkdocs_site(tmp_path, {"post.md": "# Post\n\n```chart\ntype: prs-per-year\n```\n"}, yml=ACCENT_YML)
    done = mkdocs_build(site)
    assert done.returncode == 0, done.stderr
    page = (site / "site" / "post" / "index.html").read_text(encoding="utf-8")
    assert 'data-md-color-primary="indigo" data-md-color-accent="deep-orange"' in page
    material = "".join(p.read_text(encoding="utf-8") for p in (site / "site" / "assets" / "stylesheets").glob("*.css"))
    rules = _css_rules(material)

    def variables(selector: str) -> dict[str, str]:
        return dict(d.split(":", 1) for d in rules[selector].split(";") if d.startswith("--"))

    accent = variables("[data-md-color-accent=deep-orange]")["--md-accent-fg-color"]
    primary = variables("[data-md-color-primary=indigo]")["--md-primary-fg-color"]
    assert accent != primary
    inline = _css_rules(re.search(r"<svg [^>]*><style>(.*?)</style>", page).group(1))  # type: ignore[union-attr]
    sheet = _css_rules((site / "site" / "assets" / "retroblog" / "retroblog.css").read_text(encoding="utf-8"))
    on_page = {"--md-accent-fg-color": accent, "--md-primary-fg-color": primary}
    for css in (inline, sheet):
        for scheme in ("", '[data-md-color-scheme="slate"] '):
            fill = css[f'{scheme}.retroblog-chart [fill="#010101"]'].removeprefix("fill:")
            assert _resolve(fill, on_page) == accent, (scheme, fill)
            assert _resolve(fill, {**on_page, "--retroblog-color-1": "#123456"}) == "#123456"
    # Chart text is in the site's text font, which Material sets on the body.
    assert re.search(r"(^|})body\{[^}]*--md-text-font-family:var\(--md-text-font, ?_\)", material)
    assert '[fill="#010101"]' in page and 'font-family="sans-serif"' in page  # the SVG's own, overridden
    assert inline[".retroblog-chart svg text"] == "font-family:var(--md-text-font-family,sans-serif)"


TWO_CSV = "merged_at,additions,repo,labels\n" + "".join(
    f"2021-{m:02d}-{d:02d}T09:00:00Z,{m * d},{'xy'[d % 2]},{'bug;ui' if d % 3 == 0 else 'docs'}\n"
    for m in range(1, 5)
    for d in range(1, 2 + m * 2)
)


@pytest.fixture
def two_site(tmp_path: Path) -> Path:
    """Two datasets: ``work`` (labels, two repos) and ``home`` (three PRs)."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(TWO_CSV)
    (tmp_path / "data" / "home.csv").write_text("merged_at,additions\n2020-05-01,1\n2020-05-02,2\n2022-01-01,3\n")
    return tmp_path


def _values(out: str, *keys: str) -> list[tuple]:
    return [tuple(row[k] for k in keys) for row in json.loads(attr(out, "data-retroblog-spec"))["data"]["values"]]


def _work_rows() -> list[list[str]]:
    return [line.split(",") for line in TWO_CSV.splitlines()[1:]]


def test_chart_options_choose_the_prs_and_the_look(two_site):
    home = convert(two_site, "```chart\ntype: prs-per-year\ndataset: home\n```\n")
    assert _values(home, "year", "prs") == [("2020", 2), ("2021", 0), ("2022", 1)]
    with pytest.raises(RetroblogError, match=r"name a dataset with 'dataset:'; this site has 2 \(home, work\)"):
        convert(two_site, "```chart\ntype: prs-per-year\n```\n")
    months = Counter(r[0][:7] for r in _work_rows())
    spring = convert(two_site, "```chart\ntype: prs-per-month\ndataset: work\nfrom: 2021-02\nto: 2021-03-31\n```\n")
    assert _values(spring, "month", "prs") == [("Feb", months["2021-02"]), ("Mar", months["2021-03"])]
    assert "from February to March 2021" in attr(spring, "aria-label")  # the months drawn, in words
    bugs = sum(bool({"bug", "ui"} & set(r[3].split(";"))) for r in _work_rows())
    labelled = convert(two_site, "```chart\ntype: prs-per-year\ndataset: work\nlabel: [bug, ui]\n```\n")
    assert _values(labelled, "prs") == [(bugs,)] and "labelled bug, ui" in attr(labelled, "aria-label")
    in_x = convert(two_site, "```chart\ntype: prs-per-repo\ndataset: work\nrepo: x\ntop: 1\n```\n")
    assert _values(in_x, "repo", "prs") == [("x", sum(r[2] == "x" for r in _work_rows()))]
    described = convert(
        two_site,
        "```chart\ntype: cumulative\ndataset: work\ntitle: Mine\ndescription: Four months, one line.\n```\n",
    )
    assert attr(described, "aria-label") == "Mine. Four months, one line."
    assert attr(described, "data-caption") == "Four months, one line."
    assert json.loads(attr(described, "data-retroblog-spec"))["description"] == "Four months, one line."
    for width, height in ((400, 300), (900, 260)):
        sized = convert(
            two_site, f"```chart\ntype: inserts-deletes\ndataset: work\nwidth: {width}\nheight: {height}\n```\n"
        )
        assert drawn(sized)[1] == (width, height)
    calendar_height = drawn(convert(two_site, "```chart\ntype: calendar\ndataset: work\nheight: 400\n```\n"))[1][1]
    assert calendar_height == 160  # at most 160 pixels, as documented


def test_a_wrong_stat_option_shows_on_the_page_escaped_under_serve(two_site):
    (two_site / "data" / "work.csv").write_text(TWO_CSV.replace(",x,", ",<b>x</b>,"))
    out = convert(two_site, "Text :stat[total_prs]{dataset=work repo=nope}.\n", on_error="show")
    assert '<span class="retroblog-error" role="alert" aria-label="retroblog: ' in out
    assert "></span>" in out.split('class="retroblog-error"', 1)[1][:2000]  # no text in the sentence
    assert (
        "repo &#x27;nope&#x27; is not in the dataset &#x27;work&#x27;; its repositories: &lt;b&gt;x&lt;/b&gt;, y" in out
    )
    assert "<b>" not in out


def test_an_unknown_filter_name_of_a_private_dataset_lists_no_names(two_site):
    settings = Settings.from_options({"datasets": {"work": {"private": True}}}, two_site)
    with pytest.raises(RetroblogError) as info:
        markdown.markdown(":stat[total_prs]{dataset=work repo=z}", extensions=[RetroblogExtension(settings=settings)])
    assert "repo 'z' is not in the dataset 'work' (it is private: its repositories are not listed)" in str(info.value)
    assert "'x'" not in str(info.value) and " x" not in str(info.value).split("listed")[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, condition: Callable[[str], bool], server: subprocess.Popen, timeout: float = 120) -> str:
    """The page at ``url`` once ``condition`` holds for it (the server must stay up meanwhile)."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        assert server.poll() is None, "mkdocs serve stopped"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                text = response.read().decode("utf-8")
        except OSError:
            text = ""
        if text and condition(text):
            return text
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {url}; last page: {text[-2000:]}")


@pytest.mark.slow
def test_mkdocs_serve_shows_a_broken_block_then_the_chart_and_follows_the_data(tmp_path):
    post = "# Post\n\nI merged :stat[total_prs] PRs.\n\n```chart\ntype: prs-per-year\nfrom: 2021-13-01\n```\n"
    site = mkdocs_site(tmp_path, {"post.md": post})
    port = _free_port()
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")  # closed in finally
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=site,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/post/"
    try:
        broken = _wait_for(url, lambda page: "retroblog-error" in page, server)
        assert "post.md:7: chart block: invalid YAML: &#x27;2021-13-01&#x27; is not a valid date" in broken
        assert '<span class="retroblog-stat">18</span>' in broken  # the rest of the page is there
        (site / "docs" / "post.md").write_text(post.replace("2021-13-01", "2021-03-01"))
        fixed = _wait_for(url, lambda page: '<figure class="retroblog-chart"' in page, server)
        assert "retroblog-error" not in fixed
        with (site / "data" / "work.csv").open("a") as handle:
            handle.write("2021-07-01T10:00:00Z,5,1,0,a,,\n")
        _wait_for(url, lambda page: '<span class="retroblog-stat">19</span>' in page, server)
        assert server.poll() is None
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.seek(0)
        output = log.read()
        log.close()
    assert "post.md:7: chart block: invalid YAML" in output
    assert "Traceback" not in output, output[-3000:]


HOSTILE_CHARTS = """
import altair as alt
import polars as pl


def per_repo(prs):
    repos = prs.group_by("repo").agg(pl.len().alias("prs")).sort("repo")
    return alt.Chart(repos).mark_bar().encode(x=alt.X("repo:N", title="Repository"), y="prs:Q")
"""
SVG_ELEMENTS = {"svg", "g", "path", "rect", "text", "line", "defs", "clippath", "circle", "tspan", "title", "style"}
TABLE_ELEMENTS = {"table", "caption", "thead", "tbody", "tr", "th", "td"}
URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "data", "poster", "srcset"}


class Audit(HTMLParser):
    """Every element of a page that did not come from the site's own templates, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._script: list[str] | None = None
        self._style: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        values = {k: v or "" for k, v in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            plain = re.sub(r"[\x00-\x20]", "", value).lower()
            if name in URL_ATTRIBUTES and plain.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.problems.append(f"<{tag} {name}={value!r}>")
        tags = [t for t, _ in self.stack]
        if "foreignobject" in tags and tag not in TABLE_ELEMENTS:
            self.problems.append(f"<{tag}> inside a foreignObject")
        elif "svg" in tags and "foreignobject" not in tags and tag not in SVG_ELEMENTS | {"foreignobject"}:
            self.problems.append(f"<{tag}> inside an SVG")
        if tag == "foreignobject" and "retroblog-table" not in dict(self.stack).get("svg", {}).get("class", ""):
            self.problems.append("a foreignObject outside the data table")
        if tag == "script":
            source = values.get("src", "")
            if source and not re.match(r"^(/|(\.\./)*)assets/(javascripts|retroblog)/[\w.-]+\.js$", source):
                self.problems.append(f"<script src={source!r}>")
            self._script = [] if not source else None
        if tag == "style" and "svg" in tags:
            self._style = []
        if tag not in ("path", "rect", "line", "circle", "meta", "link", "br", "img", "input", "hr", "stop"):
            self.stack.append((tag, values))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            body = "".join(self._script)
            if any(mark in body for mark in ("alert(", "<b>", "onerror", "javascript:")):
                self.problems.append(f"an inline script with data in it: {body[:200]!r}")
            self._script = None
        if tag == "style" and self._style is not None:
            self.styles.append("".join(self._style))
            self._style = None
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        elif self._style is not None:
            self._style.append(data)
        else:
            self.text.append(data)


@pytest.mark.slow
def test_a_site_of_hostile_prs_shows_them_as_text_and_nothing_else(tmp_path, fixtures):
    # its PRs have no comment counts, creation times or languages: those charts are errors there
    # (tests/test_unknown.py, test_time_to_merge.py, test_working_hours.py), and it has no reviews dataset
    lacking = {"comments-per-pr", "time-to-merge", "languages"}
    types = sorted({*CHARTS, "career-timeline"} - lacking - REVIEW_CHARTS)
    blocks = "\n\n".join(f"```chart\ntype: {name}\n```" for name in types)
    post = (
        f"# Hostile\n\nMerged :stat[total_prs] PRs, :stat[by_repo.app] in app; busiest :stat[busiest_month].\n\n"
        f"{blocks}\n\n```chart\naltair: charts:per_repo\n```\n\n```stats\ntitle: Figures\n```\n"
    )
    site = mkdocs_site(tmp_path, {"post.md": post}, csv="")
    (site / "data" / "work.csv").unlink()
    shutil.copy2(fixtures / "hostile" / "prs-hostile.json", site / "data" / "hostile.json")
    shutil.copy2(REPO / "data" / "career.yml", site / "data" / "career.yml")
    (site / "charts.py").write_text(HOSTILE_CHARTS)
    done = mkdocs_build(site)
    assert done.returncode == 0, done.stderr
    pages = sorted((site / "site").rglob("*.html"))
    assert pages
    for page in pages:
        audit = Audit()
        audit.feed(page.read_text(encoding="utf-8"))
        assert audit.problems == [], page
        # the SVGs' only style is ours: the palette, and the rule that picks a figure's narrow render
        assert all(style == PALETTE_CSS or NARROW_RULE.fullmatch(style) for style in audit.styles), page
    audit = Audit()
    text = (site / "site" / "post" / "index.html").read_text(encoding="utf-8")
    audit.feed(text)
    assert text.count('<figure class="retroblog-chart"') == len(types) + 1
    words = "".join(audit.text)
    assert "<b>app</b>" in words  # the hostile repository name, as text: axis labels and data tables
    assert "alert(document.domain)" not in text and "alert(7)" not in text  # titles and URLs never reach a page
    specs = [json.loads(html.unescape(s)) for s in re.findall(r'data-retroblog-spec="([^"]*)"', text)]
    assert any("<b>app</b>" in json.dumps(spec, ensure_ascii=False) for spec in specs)  # in an attribute, escaped


@pytest.mark.parametrize(
    "page",
    [
        "<p>x</p><script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        "<img src=x onerror=alert(2)>",
        '<a href=" javascript:alert(5)">x</a>',
        "<svg><g><foreignObject><div>x</div></foreignObject></g></svg>",
        '<svg class="retroblog-table"><foreignObject><table><tr><td><b>web</b></td></tr></table></foreignObject></svg>',
        "<svg><g><b>web</b></g></svg>",
    ],
)
def test_the_audit_finds_markup_that_came_from_data(page):
    audit = Audit()
    audit.feed(page)
    assert audit.problems


_FRAME = re.compile(r'role-frame root.*?<path class="background"[^>]*d="M0,0h([\d.]+)v([\d.]+)')


@pytest.mark.parametrize("name", sorted(set(CHARTS) - REVIEW_CHARTS))  # (reviews charts: tests/test_reviews.py)
def test_the_smallest_size_still_has_a_plot_and_its_title(year_site, name):
    """Title, legend and axes are inside a chart's size: at 50 x 50 they left a 0-pixel plot."""
    out = convert(year_site, f"```chart\ntype: {name}\nwidth: 50\nheight: 50\n```\n")
    svg = out[out.index("<svg") :]
    frame = _FRAME.search(svg)
    assert frame, svg[:500]
    plot_width, plot_height = float(frame.group(1)), float(frame.group(2))
    assert plot_width > 40 and plot_height > 40, (plot_width, plot_height)
    items, (_, height) = drawn(out)
    titles = [d for d in items if d.tag == "text" and "role-title-text" in d.roles]
    assert titles and all(11 <= t.y <= height for t in titles), [
        (t.text, t.y) for t in titles
    ]  # baseline below a 14-px line


def test_quarters_over_years_are_a_bar_per_year_stacked_and_coloured_by_quarter_of_the_year(tmp_path):
    """Over several years a donut had a slice per quarter (37 over nine years): a bar per year instead."""
    (tmp_path / "data").mkdir()
    days = ["2020-05-04", "2020-06-01", "2020-06-08", "2021-01-04", "2021-08-02", "2021-08-03"]
    (tmp_path / "data" / "work.csv").write_text("merged_at\n" + "".join(f"{d}T10:00:00Z\n" for d in days))
    out = convert(tmp_path, "```chart\ntype: prs-per-quarter\n```\n")
    assert legend_labels(out) == ["Q1", "Q2", "Q3", "Q4"]
    assert axis_labels(out, "x") == ["2020", "2021"]
    marks = drawn(out)[0]
    assert not [m for m in marks if m.attrs.get("aria-roledescription") in ("arc", "arc mark")]  # no slice
    segments = re.findall(r'<path[^>]*aria-label="Year: (\d{4})[^"]*Quarter: Q(\d)[^"]*"[^>]*fill="([^"]+)"', out)
    assert {(y, q) for y, q, _ in segments} >= {("2020", "2"), ("2021", "1"), ("2021", "3")}
    for _, quarter, fill in segments:  # by quarter of the year: Q2 of 2020 the colour of Q2 of 2021
        assert fill == SERIES[int(quarter) - 1]
    totals = [d.text for d in marks if d.tag == "text" and "role-mark" in d.roles]
    assert totals == ["3", "3"]  # each year's total on its bar: 2020 has 3, 2021 has 1 + 2
    # the data table keeps every quarter, an empty one too
    _, body = _hidden_table(out)
    assert [row[0] for row in body] == ["2020-Q2", "2020-Q3", "2020-Q4", "2021-Q1", "2021-Q2", "2021-Q3"]


@pytest.mark.parametrize("busiest", [2, 3, 12])
def test_the_calendar_legend_counts_whole_prs_each_once(tmp_path, busiest):
    """Vega ticks 1 to 2 at 1, 1.5, 2, which "d" wrote as "1, 2, 2"."""
    (tmp_path / "data").mkdir()
    rows = ["2021-03-01T10:00:00Z"] + [f"2021-03-03T{h:02d}:00:00Z" for h in range(busiest)]
    (tmp_path / "data" / "work.csv").write_text("merged_at\n" + "\n".join(rows) + "\n")
    labels = legend_labels(convert(tmp_path, "```chart\ntype: calendar\n```\n"))
    values = [int(label) for label in labels]
    assert len(set(values)) == len(values) and values == sorted(values), labels
    assert values[0] == 1 and values[-1] == busiest, labels
    assert len(values) <= 6, labels


def test_the_calendar_description_counts_days_and_names_weekdays_in_full(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text("merged_at\n2021-03-02T10:00:00Z\n2021-03-02T11:00:00Z\n")  # a Tuesday
    caption = attr(convert(tmp_path, "```chart\ntype: calendar\n```\n"), "aria-label")
    assert "1 day with merged PRs; most on Tuesdays" in caption, caption
    assert "week's Tuesday (2)" in caption, caption


@pytest.mark.parametrize("name", sorted(set(CHARTS) - REVIEW_CHARTS))  # (reviews charts: tests/test_reviews.py)
def test_a_built_in_chart_of_no_prs_is_an_error_naming_the_datasets_dates(site, name):
    ext = RetroblogExtension(root=str(site))
    ext.page, ext.line_offset = "post.md", 2
    first, last = CSV.splitlines()[1][:10], CSV.splitlines()[-1][:10]
    with pytest.raises(RetroblogError) as info:
        markdown.markdown(f"Text\n\n```chart\ntype: {name}\nyear: 2018\n```\n", extensions=[ext])
    assert str(info.value) == (
        f"post.md:5: chart block: no PRs from 2018-01-01 to 2018-12-31 in the dataset 'work', whose PRs were "
        f"merged from {first} to {last}: widen 'from'/'to'/'year', 'repo' or 'label'"
    )
    assert "<svg" in convert(site, f"```chart\ntype: {name}\nyear: 2021\n```\n")  # the same chart, with PRs


def test_a_broken_dataset_is_one_error_box_per_page_and_one_log_line(tmp_path, caplog):
    """Issue 14: one bad date under `mkdocs serve` gave 34 error boxes and 126 log lines on one page."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text("merged_at,additions\n2021-01-04T10:00:00Z,3\nnot a date,4\n")
    page = (
        "I merged :stat[total_prs] PRs, :stat[additions] lines and :stat[by_year.2021] in 2021.\n\n"
        + "".join(f"```chart\ntype: {kind}\n```\n\n" for kind in ("prs-per-year", "prs-per-month", "cumulative"))
        + "```stats\n```\n"
    )
    ext = RetroblogExtension(root=str(tmp_path), on_error="show")
    with caplog.at_level(logging.ERROR):
        ext.page = "first.md"
        out = markdown.markdown(page, extensions=[ext, "fenced_code"])
        ext.page = "second.md"  # another page of the same build
        again = markdown.markdown(page, extensions=[ext, "fenced_code"])
    assert out.count("retroblog-error") == 1 and "work.csv:3" in out
    assert again.count("retroblog-error") == 1  # each page says it once
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "work.csv:3" in errors[0]
    # Errors of the blocks themselves are not merged: two blocks of wrong types are two boxes.
    (tmp_path / "data" / "work.csv").write_text("merged_at,additions\n2021-01-04T10:00:00Z,3\n")
    two = convert(tmp_path, "```chart\ntype: pie\n```\n\n```chart\ntype: donut\n```\n", on_error="show")
    assert two.count("unknown chart type") == 2
