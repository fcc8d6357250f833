"""Markdown in, HTML out: charts, stats, errors, hostile data, caching and determinism."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from retroblog.blocks import Blocks
from retroblog.charts import CHARTS
from retroblog.errors import RetroblogError
from retroblog.markdown import RetroblogExtension
from retroblog.render import SvgCache
from retroblog.settings import Settings

CSV = "merged_at,additions,deletions,comments,repo\n" + "".join(
    f"2021-{m:02d}-0{d}T10:00:00Z,{m * 10 + d},{d},{d % 3},{'ab'[d % 2]}\n" for m in range(1, 7) for d in range(1, 4)
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(CSV)
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
    assert label.startswith("PRs merged per month. Bar chart of merged PRs per month.")
    assert "2021-01: 3, 2021-02: 3" in label
    spec = json.loads(attr(out, "data-retroblog-spec"))
    assert spec["data"]["values"][0] == {"month": "2021-01", "prs": 3}
    assert "$schema" not in spec
    assert "<svg " in out and "<table><caption>PRs merged per month</caption>" in out
    assert "<td>2021-06</td><td>3</td>" in out
    assert 'data-caption="Bar chart of merged PRs per month.' in out


@pytest.mark.parametrize("name", sorted(CHARTS))
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


def test_embedded_spec_does_not_grow_with_prs(tmp_path):
    sizes = []
    for copies in (1, 50):
        site = tmp_path / str(copies)
        (site / "data").mkdir(parents=True)
        days = [(m, d) for m in range(1, 7) for d in range(1, 4) for _ in range(copies)]
        rows = "".join(f"2021-{m:02d}-{d:02d}T10:00:00Z,5,x,{n}\n" for n, (m, d) in enumerate(days))
        (site / "data" / "work.csv").write_text("merged_at,additions,repo,number\n" + rows)
        out = convert(site, "```chart\ntype: size-buckets\n```\n")
        sizes.append(len(attr(out, "data-retroblog-spec")) - len(str(18 * copies)))
    assert abs(sizes[0] - sizes[1]) < 10


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
        ("```chart\ntype: prs-per-repo\ntop: 0\n```", "post.md:3: chart block: option 'top' must be a whole number"),
        ("```chart\naltair: charts:boom\n```", "post.md:3: chart block: charts:boom failed: ZeroDivisionError"),
        ("Text :stat[nope] here", "post.md:3: stat 'nope': unknown stat 'nope'"),
    ],
)
def test_errors_name_page_and_line(site, block, message):
    (site / "charts.py").write_text("def boom(frame):\n    return 1 / 0\n")
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
    with pytest.raises(RetroblogError, match="charts must embed aggregates"):
        convert(site, "```chart\naltair: charts:raw\n```\n")


def test_hostile_data_never_becomes_markup(samples, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "h.json").write_bytes((samples / "hostile/prs-hostile.json").read_bytes())
    out = convert(tmp_path, "```chart\ntype: prs-per-repo\n```\n\n```chart\ntype: prs-per-month\n```\n")
    parser = Elements()
    parser.feed(out)
    assert "script" not in parser.tags and "img" not in parser.tags and "b" not in parser.tags
    assert not [a for a in parser.attrs if a[0].startswith("on")]
    assert "&lt;b&gt;web&lt;/b&gt;" in out


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
    assert first == again and blocks.cache.rendered == 2
    fresh = Blocks(Settings.from_options({}, site), SvgCache(cache_dir))
    assert markdown.markdown(text, extensions=[RetroblogExtension(blocks=fresh, settings=fresh.settings)]) == first
    assert fresh.cache.rendered == 0
    # A change of sizes only: the per-year chart is unchanged, the bucket chart is rendered again.
    (site / "data" / "work.csv").write_text(CSV.replace(",11,", ",1100,"))
    markdown.markdown(text, extensions=[RetroblogExtension(settings=fresh.settings, blocks=fresh)])
    assert fresh.cache.rendered == 1


def test_charts_add_nothing_to_read_time(site):
    from material.plugins.blog.readtime.parser import ReadtimeParser

    out = convert(site, "```chart\ntype: prs-per-repo\n```\n")
    parser = ReadtimeParser()
    parser.feed(out)
    assert "".join(parser.text).strip() == ""
