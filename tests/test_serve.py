"""Under ``mkdocs serve`` one worker process lasts for every rebuild, and a data edit shows on the page.

The in-process tests run the plugin as ``mkdocs serve`` does: one plugin object (``on_startup`` with
``command="serve"``) through several ``load_config`` and ``build`` calls. The last one starts a real
``mkdocs serve`` on 127.0.0.1 and edits its data. How fast that is, is ``benchmarks/bench_serve.py``'s.
"""

from __future__ import annotations

import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from retroblog.plugin import RetroblogPlugin
from tests.sitebuild import _PLUGINS, BUILD_ENV

CSV = "merged_at,additions,deletions,comments,repo,number\n" + "".join(
    f"2021-{m:02d}-1{d}T10:00:00Z,{m * 7 + d},{d},{d},acme/app,{m * 10 + d}\n" for m in range(1, 10) for d in range(3)
)
PAGE = "# Numbers\n\nI merged :stat[total_prs] pull requests.\n\n```chart\ntype: cumulative\n```\n"
MKDOCS_YML = "site_name: t\nplugins: [retroblog]\nmarkdown_extensions: [pymdownx.superfences]\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site-src"
    (root / "data").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "data" / "work.csv").write_text(CSV)
    (root / "docs" / "index.md").write_text(PAGE)
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    return root


def _append_pr(site: Path, day: int) -> int:
    """One more PR in the dataset; the number of PRs it now holds."""
    with (site / "data" / "work.csv").open("a") as out:
        out.write(f"2021-11-{day:02d}T10:00:00Z,5,1,0,acme/app,{900 + day}\n")
    return (site / "data" / "work.csv").read_text().count("\n") - 1


def _shows(page: str, total: int) -> bool:
    """The page has ``total`` in its inline stat and a finished chart whose line ends at it."""
    specs = [html.unescape(spec) for spec in re.findall(r'data-retroblog-spec="([^"]*)"', page)]
    return (
        f'<span class="retroblog-stat">{total}</span>' in page
        and "retroblog-pending" not in page
        and "retroblog-error" not in page
        and any(re.search(rf'"total":\s*{total}\b', spec) for spec in specs)
    )


class Serve:
    """The plugin as ``mkdocs serve`` runs it: one plugin object, a fresh config for every rebuild."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.out = site.parent / "out"
        self.plugin: RetroblogPlugin | None = None

    def rebuild(self) -> str:
        """Build once more; the built home page."""
        config = load_config(config_file=str(self.site / "mkdocs.yml"), site_dir=str(self.out))
        plugin = config.plugins["retroblog"]
        assert isinstance(plugin, RetroblogPlugin)
        if self.plugin is None:
            config.plugins.on_startup(command="serve", dirty=False)
            self.plugin = plugin
        assert plugin is self.plugin  # MkDocs keeps a plugin with on_startup across rebuilds
        build(config, serve_url="http://127.0.0.1:8000/")
        return (self.out / "index.html").read_text(encoding="utf-8")

    def worker(self) -> subprocess.Popen[bytes]:
        assert self.plugin is not None and self.plugin.prefetcher is not None
        process = self.plugin.prefetcher._process
        assert process is not None and process.poll() is None, "no worker running"
        return process


@pytest.fixture
def serve(site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Serve]:
    for name, value in BUILD_ENV.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.chdir(site)
    _PLUGINS.plugin_cache.clear()
    session = Serve(site)
    try:
        yield session
    finally:
        if session.plugin is not None:
            session.plugin.on_shutdown()
        _PLUGINS.plugin_cache.clear()


def test_the_worker_survives_rebuilds_and_a_data_edit_shows_the_new_number(serve, site):
    assert _shows(serve.rebuild(), 27)
    worker = serve.worker()
    prefetcher = serve.plugin.prefetcher
    total = _append_pr(site, 3)
    assert _shows(serve.rebuild(), total)
    assert serve.worker() is worker and serve.plugin.prefetcher is prefetcher
    assert serve.rebuild()  # nothing changed: the same worker still
    total = _append_pr(site, 4)
    assert _shows(serve.rebuild(), total)
    assert serve.worker() is worker and prefetcher.started == 1
    serve.plugin.on_shutdown()
    assert worker.poll() is not None  # stopped at the end of `mkdocs serve`
    serve.plugin = None


def test_a_worker_that_died_is_replaced_at_the_next_rebuild(serve, site):
    serve.rebuild()
    worker = serve.worker()
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    total = _append_pr(site, 5)
    assert _shows(serve.rebuild(), total)
    assert serve.worker() is not worker and serve.plugin.prefetcher.started == 2


def test_changed_settings_start_a_new_worker(serve, site):
    serve.rebuild()
    worker = serve.worker()
    (site / "mkdocs.yml").write_text(MKDOCS_YML.replace("[retroblog]", "[{retroblog: {timezone: Asia/Tokyo}}]"))
    total = _append_pr(site, 6)
    assert _shows(serve.rebuild(), total)
    assert worker.poll() is not None  # the old one is stopped ...
    assert serve.worker() is not worker  # ... and one with the new settings computes the charts


def test_workers_false_under_serve_stops_the_worker(serve, site):
    serve.rebuild()
    worker = serve.worker()
    (site / "mkdocs.yml").write_text(MKDOCS_YML.replace("[retroblog]", "[{retroblog: {workers: false}}]"))
    total = _append_pr(site, 7)
    assert _shows(serve.rebuild(), total)
    assert worker.poll() is not None and serve.plugin.prefetcher is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> set[int]:
    """The processes ``pid`` started (Linux: /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def _wait_for(url: str, total: int, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "mkdocs serve exited"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if _shows(response.read().decode("utf-8"), total):
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.05)
    pytest.fail(f"{url} did not show {total} PRs within {timeout} s")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the worker process through /proc")
def test_a_real_mkdocs_serve_keeps_its_worker_and_serves_the_edit(site):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in {**os.environ, **BUILD_ENV}.items() if v is not None}
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=site,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(url, 27, process)
        workers = _children(process.pid)
        assert len(workers) == 1  # the worker, started by the first build
        for day in (8, 9):
            time.sleep(1)  # MkDocs' watcher polls every 0.5 s: two edits are two rebuilds
            _wait_for(url, _append_pr(site, day), process)
            assert _children(process.pid) == workers  # the same worker, warm
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
