"""The worker process: charts start computing at on_config, and stopping the worker never loses a job."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import markdown
import pytest

from retroblog.build.blocks import Blocks, Job
from retroblog.build.cache import FragmentStore
from retroblog.build.results import Done
from retroblog.build.settings import Settings
from retroblog.build.worker import Prefetcher
from retroblog.markdown import RetroblogExtension
from retroblog.render.svg import SvgCache
from tests.blogsite import build, write_blog

CSV = "merged_at,additions,deletions,comments,repo\n" + "".join(
    f"2021-{m:02d}-1{d}T10:00:00Z,{m * 7 + d},{d},{d},r\n" for m in range(1, 10) for d in range(3)
)
CHART = "```chart\ntype: prs-per-month\n```\n"
POST = f"---\ndate: 2022-01-01\n---\n\n# A post\n\n{CHART}"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(CSV)
    return tmp_path


def _in_place(site: Path) -> str:
    ext = RetroblogExtension(root=str(site))
    return markdown.markdown(CHART, extensions=[ext])


def test_an_idle_worker_is_stopped_at_once_and_its_answers_are_kept(site, tmp_path):
    settings = Settings.from_options({}, site)
    folder = tmp_path / "blocks"
    worker = Prefetcher(settings, folder)
    outcome = worker.submit("chart", {"type": "prs-per-month"}, None).result(timeout=120)
    process = worker._process
    assert isinstance(outcome, Done) and process is not None
    worker.close()
    # Every answer was in: the worker is killed rather than left to tear down V8 and polars.
    assert process.returncode == -signal.SIGKILL
    # What it computed was stored before it answered: a build with the same store finds it.
    blocks = Blocks(settings, SvgCache(), FragmentStore(folder))
    ext = RetroblogExtension(blocks=blocks, settings=settings)
    assert markdown.markdown(CHART, extensions=[ext]) == _in_place(site)
    assert blocks.cache.rendered == 0  # taken from the store, not rendered again


def test_stopping_a_busy_worker_still_answers_every_job(site):
    settings = Settings.from_options({}, site)
    worker = Prefetcher(settings, None)
    futures = [worker.submit("chart", {"type": kind}, None) for kind in ("prs-per-month", "calendar", "size-buckets")]
    worker.close()  # at once: the jobs are still being computed
    outcomes = [future.result(timeout=0) for future in futures]  # close() returned: every job has its answer
    assert [type(outcome) for outcome in outcomes] == [Done, Done, Done]
    helper = Blocks(settings, SvgCache())
    assert outcomes[0].html == helper.fragment(Job("chart", {"type": "prs-per-month"}))


ON_CONFIG = """
import json, sys
from mkdocs.config import load_config
config = load_config(sys.argv[1])
config.plugins.on_startup(command="build", dirty=False)
config = config.plugins.on_config(config)
plugin = config.plugins["retroblog"]
state = {
    "jobs": len(plugin.blocks._futures),
    "worker": plugin.prefetcher is not None and plugin.prefetcher._process is not None,
    "scanned": sorted(plugin.prefetched),
}
config.plugins.on_shutdown()
print(json.dumps(state))
"""


def _after_on_config(site: Path) -> dict:
    """The plugin's state once on_config has run, before MkDocs lists the files (a fresh process)."""
    done = subprocess.run(
        [sys.executable, "-c", ON_CONFIG, str(site / "mkdocs.yml")], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.slow
def test_charts_start_computing_at_on_config_and_a_warm_build_starts_no_worker(site):
    write_blog(site, {"post.md": POST})
    cold = _after_on_config(site)
    assert cold == {"jobs": 1, "worker": True, "scanned": ["blog/index.md", "blog/posts/post.md", "index.md"]}
    done = build(site)
    assert done.returncode == 0, done.stderr
    assert _after_on_config(site)["jobs"] == 0 and _after_on_config(site)["worker"] is False


def test_held_charts_are_placeholders_until_resolved(site):
    settings = Settings.from_options({}, site)
    ext = RetroblogExtension(blocks=Blocks(settings, SvgCache()), settings=settings)
    ext.hold_charts = True
    text = f"Before\n\n{CHART}\n```chart\ntype: size-buckets\ninteractive: false\n```\n"
    held = markdown.markdown(text, extensions=[ext])
    assert "<svg" not in held and "<figure" not in held
    assert 'data-retroblog-interactive="true"' in held and 'data-retroblog-interactive="false"' in held
    assert ext.resolve(held, wait=False) == markdown.markdown(text, extensions=[RetroblogExtension(root=str(site))])


HOOK = """
from pathlib import Path
SEEN = Path(__file__).with_name("seen.txt")
def on_page_context(context, page, config, nav):
    with SEEN.open("a") as out:
        out.write(page.content + "\\n")
"""


@pytest.mark.slow
def test_search_and_read_time_see_no_chart_svg_but_the_written_page_has_the_chart(site):
    write_blog(site, {"post.md": POST})
    (site / "hook.py").write_text(HOOK)
    with (site / "mkdocs.yml").open("a") as config:
        config.write("hooks: [hook.py]\n")
    for _ in range(2):  # cold (the worker's chart), then warm (the cached chart)
        (site / "seen.txt").unlink(missing_ok=True)
        done = build(site)
        assert done.returncode == 0, done.stderr
        seen = (site / "seen.txt").read_text()  # page.content as the search plugin reads it
        assert "retroblog-pending" in seen and "<svg" not in seen
        written = (site / "site" / "blog" / "2022" / "01" / "01" / "a-post" / "index.html").read_text()
        assert written.count('<figure class="retroblog-chart"') == 1 and "retroblog-pending" not in written
