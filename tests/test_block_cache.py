"""The block cache and the worker process: warm builds do no chart work, deferred charts equal direct ones."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from concurrent.futures import Future
from pathlib import Path

import markdown
import pytest

from retroblog.build.blocks import Blocks, Job
from retroblog.build.cache import FragmentStore
from retroblog.build.results import Done
from retroblog.build.settings import Settings
from retroblog.build.worker import Prefetcher
from retroblog.charts import builtin as charts
from retroblog.charts.builtin import CHARTS
from retroblog.data.reviews import REVIEW_CHARTS
from retroblog.errors import RetroblogError
from retroblog.markdown import RetroblogExtension
from retroblog.render.svg import SvgCache
from tests.blogsite import build, write_blog

CSV = "merged_at,additions,deletions,comments,repo,created_at,languages\n" + "".join(
    f"2021-{m:02d}-0{d}T10:00:00Z,{m * 10 + d},{d},{d % 3},{'ab'[d % 2]},2021-{m:02d}-01T0{d}:00:00Z,Go:{m}/{d}\n"
    for m in range(1, 7)
    for d in range(1, 4)
)
PAGE = (
    "# Numbers\n\nI merged :stat[total_prs] PRs.\n\n"
    "```chart\ntype: prs-per-month\n```\n\n```stats\nstats: [total_prs, additions]\n```\n\n"
    "```chart\ntype: size-buckets\ntitle: Sizes\n```\n"
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(CSV)
    return tmp_path


def _convert_in_fresh_process(site: Path, cache: Path) -> dict:
    script = f"""
import json, sys, markdown
from retroblog.markdown import RetroblogExtension
ext = RetroblogExtension(root={str(site)!r}, cache_dir={str(cache)!r})
out = markdown.markdown(open({str(site / "page.md")!r}).read(), extensions=[ext])
print(json.dumps({{"html": out, "loaded": sorted(m for m in ("polars", "altair", "vl_convert") if m in sys.modules)}}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_warm_conversion_loads_no_dataset_and_imports_neither_polars_nor_altair(site, tmp_path):
    (site / "page.md").write_text(PAGE)
    cache = tmp_path / "cache"
    cold = _convert_in_fresh_process(site, cache)
    assert cold["loaded"] == ["altair", "polars", "vl_convert"]
    assert '<span class="retroblog-stat">18</span>' in cold["html"] and cold["html"].count("<figure") == 2
    warm = _convert_in_fresh_process(site, cache)
    assert warm == {"html": cold["html"], "loaded": []}
    # Changed data: the cached HTML is not used, the new numbers are.
    with (site / "data" / "work.csv").open("a") as handle:
        handle.write("2021-07-01T10:00:00Z,5,1,0,a,,\n")
    changed = _convert_in_fresh_process(site, cache)
    assert '<span class="retroblog-stat">19</span>' in changed["html"] and changed["loaded"]


def test_fragment_keys_follow_every_input(site, tmp_path):
    (site / "bars.vl.json").write_text(json.dumps({"mark": "bar", "data": {"name": "by_year"}}))
    blocks = Blocks(Settings.from_options({}, site), SvgCache(), FragmentStore(tmp_path / "cache"))
    base = Job("chart", {"type": "prs-per-year"})
    key = blocks.key(base)
    assert key == blocks.key(Job("chart", {"type": "prs-per-year"}))
    assert key != blocks.key(Job("chart", {"type": "prs-per-year", "year": 2021}))
    spec = Job("chart", {"spec": "bars.vl.json"})
    before = blocks.key(spec)
    (site / "bars.vl.json").write_text(json.dumps({"mark": "line", "data": {"name": "by_year"}}))
    assert blocks.key(spec) != before
    other_zone = Blocks(Settings.from_options({"timezone": "Asia/Tokyo"}, site), SvgCache())
    assert other_zone.key(base) != key
    assert blocks.key(Job("chart", {"altair": "charts:mine"})) is None  # user code: never cached whole


def test_an_altair_charts_key_follows_its_module_and_the_files_beside_it(site, tmp_path):
    """The module's digests and retroblog's own code digest are both in the key (neither replaces the other)."""
    (site / "charts.py").write_text("def mine(prs):\n    return None\n")
    blocks = Blocks(Settings.from_options({}, site), SvgCache(), FragmentStore(tmp_path / "cache"))
    job = Job("chart", {"altair": "charts:mine"})
    before = blocks.key(job)
    assert before is not None and blocks.modules == {site / "charts.py"}
    (site / "charts.py").write_text("def mine(prs):\n    return 1\n")
    edited = blocks.key(job)
    assert edited != before
    (site / "helpers.py").write_text("X = 1\n")  # a file the module may import from the site
    assert blocks.key(job) not in (before, edited)


def test_prune_removes_entries_a_build_did_not_use(site, tmp_path):
    cache = tmp_path / "cache"
    settings = Settings.from_options({}, site)
    blocks = Blocks(settings, SvgCache(), FragmentStore(cache))
    markdown.markdown("```chart\ntype: prs-per-year\n```\n", extensions=[RetroblogExtension(blocks=blocks)])
    old = set(cache.glob("*.html"))
    blocks.start()
    markdown.markdown("```chart\ntype: size-buckets\n```\n", extensions=[RetroblogExtension(blocks=blocks)])
    assert blocks.store.prune() == len(old) == 1
    assert not (old & set(cache.glob("*.html"))) and len(list(cache.glob("*.html"))) == 1


@pytest.mark.parametrize("name", sorted(set(CHARTS) - REVIEW_CHARTS))  # (reviews charts: tests/test_reviews.py)
def test_built_in_specs_are_valid_vega_lite(site, name, monkeypatch):
    """Builds skip Altair's schema validation of built-in charts; here every one is validated."""
    monkeypatch.setattr(charts, "VALIDATE_BUILT_IN", True)
    blocks = Blocks(Settings.from_options({}, site), SvgCache())
    chart, _ = blocks.chart({"type": name, "year": 2021})
    assert chart.spec["config"]["range"]["category"] == list(charts.SERIES)


def _deferred(site: Path, tmp_path: Path, text: str) -> tuple[str, RetroblogExtension, Prefetcher]:
    settings = Settings.from_options({}, site)
    worker = Prefetcher(settings, tmp_path / "worker-cache")
    blocks = Blocks(settings, SvgCache(), FragmentStore(tmp_path / "worker-cache"), worker)
    blocks.prefetch(text)
    ext = RetroblogExtension(blocks=blocks, settings=settings)
    ext.page = "posts/numbers.md"
    return markdown.markdown(text, extensions=[ext]), ext, worker


def test_charts_from_the_worker_equal_charts_computed_in_place(site, tmp_path):
    plain = RetroblogExtension(root=str(site))
    plain.page = "posts/numbers.md"
    direct = markdown.markdown(PAGE, extensions=[plain])
    out, ext, worker = _deferred(site, tmp_path, PAGE)
    try:
        assert ext.resolve(out) == direct
        assert worker._process is not None  # the worker really ran
    finally:
        worker.close()
    assert len(list((tmp_path / "worker-cache").glob("*.html"))) == 4  # 2 charts, 1 table, 1 stat


def test_an_error_in_the_worker_names_page_and_line(site, tmp_path):
    text = "# Broken\n\nSome text.\n\n```chart\ntype: prs-per-decade\n```\n"
    settings = Settings.from_options({}, site)
    worker = Prefetcher(settings, None)
    try:
        blocks = Blocks(settings, SvgCache(), FragmentStore(), worker)
        ext = RetroblogExtension(blocks=blocks, settings=settings)
        ext.page = "posts/broken.md"
        out = markdown.markdown(text, extensions=[ext])
        with pytest.raises(
            RetroblogError, match=r"posts/broken\.md:5: chart block: unknown chart type 'prs-per-decade'"
        ):
            ext.resolve(out)
    finally:
        worker.close()


def test_a_dead_worker_costs_speed_not_charts(site, tmp_path):
    settings = Settings.from_options({}, site)
    worker = Prefetcher(settings, None)
    blocks = Blocks(settings, SvgCache(), FragmentStore(), worker)
    ext = RetroblogExtension(blocks=blocks, settings=settings)
    worker.submit("stat", {}, "total_prs").result(timeout=60)  # started and answering
    assert worker._process is not None
    os.kill(worker._process.pid, signal.SIGKILL)
    worker._process.wait()
    out = markdown.markdown("```chart\ntype: prs-per-year\n```\n", extensions=[ext])
    resolved = ext.resolve(out)
    worker.close()
    assert resolved == markdown.markdown(
        "```chart\ntype: prs-per-year\n```\n", extensions=[RetroblogExtension(root=str(site))]
    )
    assert "<svg" in resolved


class HeldBack:
    """An executor whose jobs finish only when the test says so."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Future, str, dict, str | None]] = []

    def submit(self, kind, options, stat_key):
        future: Future = Future()
        self.jobs.append((future, kind, dict(options), stat_key))
        return future


def test_pending_chart_is_an_empty_placeholder_until_its_result_arrives(site):
    from material.plugins.blog.readtime.parser import ReadtimeParser

    settings = Settings.from_options({}, site)
    held = HeldBack()
    blocks = Blocks(settings, SvgCache(), FragmentStore(), held)
    ext = RetroblogExtension(blocks=blocks, settings=settings)
    text = "Before\n\n```chart\ntype: calendar\n```\n\nAfter\n"
    out = markdown.markdown(text, extensions=[ext])
    assert "<figure" not in out and 'data-retroblog-interactive="true"' in out and "data-search-exclude" in out
    parser = ReadtimeParser()
    parser.feed(out)
    assert "".join(parser.text).split() == ["Before", "After"]  # no words: read time as with the chart
    assert ext.resolve(out, wait=False) == out  # not computed yet: left for later
    future, kind, options, stat_key = held.jobs[0]
    helper = Blocks(settings, SvgCache())
    future.set_result(Done(helper.fragment(Job(kind, options, stat_key))))
    assert ext.resolve(out, wait=False) == markdown.markdown(text, extensions=[RetroblogExtension(root=str(site))])


@pytest.mark.slow
def test_blog_index_excerpts_get_unique_ids_the_script_and_no_placeholder(site):
    """Two posts with the same chart above <!-- more -->: the blog index shows both, ids unique, charts live."""
    post = "---\ndate: 2022-01-0{0}\n---\n\n# Post {0}\n\n```chart\ntype: prs-per-year\n```\n\n<!-- more -->\n\nRest.\n"
    write_blog(site, {f"p{day}.md": post.format(day) for day in (1, 2)})
    done = build(site)
    assert done.returncode == 0, done.stderr
    index = (site / "site" / "blog" / "index.html").read_text()
    ids = [part.split('"')[0] for part in index.split('<figure class="retroblog-chart" id="')[1:]]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert "retroblog-pending" not in index
    assert "assets/retroblog/retroblog.js" in index
    for day in (1, 2):
        post = (site / "site" / "blog" / "2022" / "01" / f"0{day}" / f"post-{day}" / "index.html").read_text()
        assert post.count('<figure class="retroblog-chart"') == 1 and "retroblog-pending" not in post
