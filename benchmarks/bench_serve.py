"""``mkdocs serve`` on the example site: how long a data edit takes to show on the served chart page.

A copy of the example site (its git-tracked sources) is served on 127.0.0.1 at a free port. Once the
first build is served, each edit appends one PR to ``data/example.csv`` and the clock runs until the
served ``/charts/`` page has the new PR count in its inline stat (``:stat[total_prs]``) and in a
chart's spec (the first chart's total, the cumulative chart's last point), with no chart still
pending. That is what a writer waits for between saving the file and seeing the charts follow:
MkDocs' file watcher (it polls every 0.5 s), the rebuild, and the charts recomputed from the changed
data. The median of ``EDITS`` edits is reported, and the rebuilds' own share (from MkDocs' log).

Run ``python benchmarks/bench_serve.py`` (or ``make bench``; ``python benchmarks/run.py serve`` for
this one alone).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("mkdocs.yml", "docs", "data", "overrides", "charts.py")
"""What the example site is built from (as tests/conftest.py copies it)."""
EDITS = 5
FIRST_BUILD = 300.0
"""Seconds the first build may take (a cold cache renders every chart)."""
EDIT_TIMEOUT = 60.0
PAGE = "charts/"
GOAL = 2.0


def copy_site(target: Path) -> Path:
    """The example site's git-tracked sources, copied into ``target``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", *SOURCES], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError):
        return None


def shows(page: str | None, total: int) -> bool:
    """The served page counts ``total`` PRs in its inline stat and in a chart, and holds no chart still
    being computed."""
    if page is None or "retroblog-pending" in page:
        return False
    if f'<span class="retroblog-stat">{total:,}</span>' not in page:
        return False
    specs = [html.unescape(spec) for spec in re.findall(r'data-retroblog-spec="([^"]*)"', page)]
    return any(re.search(rf"(?<![\d.,]){total}(?![\d.]|,\d)", spec) for spec in specs)


def wait_until(url: str, total: int, timeout: float, process: subprocess.Popen[bytes]) -> float:
    """Seconds until ``url`` shows ``total``, polling every 20 ms."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"mkdocs serve exited with {process.returncode}")
        if shows(fetch(url), total):
            return time.perf_counter() - started
        time.sleep(0.02)
    raise TimeoutError(f"{url} did not show {total} PRs within {timeout:.0f} s")


def append_pr(csv: Path, number: int) -> None:
    """One more merged PR, in June 2022 (after the example's last), in the file's own columns."""
    header = csv.read_text(encoding="utf-8").partition("\n")[0].split(",")
    values = {
        "merged_at": f"2022-06-{number:02d}T12:00:00+02:00",
        "created_at": f"2022-06-{number:02d}T09:00:00+02:00",
        "repo": "northwind/ledger-api",
        "number": str(9000 + number),
        "title": f"Bench edit {number}",
        "url": f"https://git.northwind.example/northwind/ledger-api/pull/{9000 + number}",
        "additions": "12",
        "deletions": "3",
    }
    with csv.open("a", encoding="utf-8") as out:
        out.write(",".join(values.get(column, "") for column in header) + "\n")


def total_prs(csv: Path) -> int:
    return csv.read_text(encoding="utf-8").count("\n") - 1


BUILT = re.compile(r"Documentation built in ([\d.]+) seconds")


def measure(site: Path, edits: int = EDITS) -> tuple[float, list[float], list[float]]:
    """Serve ``site``; return the first build's seconds, each edit's, and each edit's rebuild (as
    MkDocs logs it: the rest is its watcher noticing the change)."""
    port = free_port()
    log = site / "serve.log"
    url = f"http://127.0.0.1:{port}/{PAGE}"
    csv = site / "data" / "example.csv"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=site,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    try:
        wait_until(url, total_prs(csv), FIRST_BUILD, process)
        first = time.perf_counter() - started
        times: list[float] = []
        for edit in range(1, edits + 1):
            time.sleep(1.5)  # the watcher settles; the edit is not caught mid-rebuild
            if shows(fetch(url), total_prs(csv) + 1):
                raise RuntimeError(f"{url} shows {total_prs(csv) + 1} PRs before the edit: the check proves nothing")
            append_pr(csv, edit)
            times.append(wait_until(url, total_prs(csv), EDIT_TIMEOUT, process))
        builds = [float(seconds) for seconds in BUILT.findall(log.read_text(encoding="utf-8", errors="replace"))]
        return first, times, builds[1:]
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="retroblog-bench-serve-") as folder:
        site = copy_site(Path(folder))
        first, times, builds = measure(site)
    median = statistics.median(times)
    print(f"mkdocs serve, example site: first build served in {first:.1f} s")
    print(f"data edit to updated charts: median {median:.2f} s over {len(times)} edits")
    print("  each: " + ", ".join(f"{t:.2f}" for t in times) + " s")
    if builds:
        print(f"  of which the rebuild (MkDocs' log): median {statistics.median(builds):.2f} s")
    print(f"goal: under {GOAL:.0f} s: {'met' if median < GOAL else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
