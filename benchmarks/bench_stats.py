"""1,000,000 PRs from CSV, JSON Lines and Parquet (and the CSV with labels): load, validate and compute every
statistic.

Each format is measured in a fresh Python process (so caches and warm-up are counted), three times;
the figures are wall-clock seconds for ``load_dataset`` + ``compute`` after imports, and for the whole
process including interpreter start and imports. Goal: under 2 s each on a 2-core machine.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

ROWS = 1_000_000
DATA = Path(__file__).parent / ".data"
REPEATS = 3

CHILD = """
import sys, time, json
t0 = time.perf_counter()
from retroblog.data.dataset import load_dataset
from retroblog.stats.compute import compute
t1 = time.perf_counter()
dataset = load_dataset(sys.argv[1])
t2 = time.perf_counter()
stats = compute(dataset)
t3 = time.perf_counter()
assert stats.total_prs == %d, stats.total_prs
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "stats": t3 - t2}))
"""


def make_data() -> dict[str, Path]:
    DATA.mkdir(exist_ok=True)
    paths = {fmt: DATA / f"prs-{ROWS}.{fmt}" for fmt in ("csv", "jsonl", "parquet")}
    paths["labels"] = DATA / f"prs-{ROWS}-labels.csv"  # the CSV plus a labels column ("bug, ui")
    if all(p.exists() for p in paths.values()):
        return paths
    rng = random.Random(7)
    start = 1_420_070_400  # 2015-01-01
    span = 11 * 365 * 86400
    seconds = sorted(rng.randrange(span) for _ in range(ROWS))
    frame = pl.DataFrame(
        {
            "merged_at": pl.Series([start + s for s in seconds]).cast(pl.Int64) * 1_000_000,
            "additions": [int(rng.lognormvariate(3.5, 1.6)) for _ in range(ROWS)],
            "deletions": [int(rng.lognormvariate(2.5, 1.6)) for _ in range(ROWS)],
            "comments": [rng.randrange(12) for _ in range(ROWS)],
            "repo": [f"org/repo-{rng.randrange(40)}" for _ in range(ROWS)],
            "number": list(range(1, ROWS + 1)),
            "title": [f"Change {i}, part {i % 7}" for i in range(ROWS)],
        }
    ).with_columns(pl.col("merged_at").cast(pl.Datetime("us", "UTC")))
    text = frame.with_columns(pl.col("merged_at").dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    text.write_csv(paths["csv"])
    text.write_ndjson(paths["jsonl"])
    names = ("bug", "ui", "infra", "docs", "perf", "security", "tests", "needs review")
    labels = [", ".join(rng.sample(names, rng.randrange(4))) for _ in range(ROWS)]
    text.with_columns(pl.Series("labels", labels)).write_csv(paths["labels"])
    frame.write_parquet(paths["parquet"])
    return paths


def measure(path: Path) -> dict[str, float]:
    runs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", CHILD % ROWS, str(path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        wall = time.perf_counter() - started
        runs.append({**json.loads(out), "process": wall})
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def main() -> int:
    paths = make_data()
    print(f"{ROWS:,} PRs; {platform.processor() or platform.machine()}, {os.cpu_count()} cores; median of {REPEATS}")
    print(
        f"{'format':<8} {'size MB':>8} {'load+validate':>14} {'stats':>7} {'together':>9} {'imports':>8} {'process':>8}"
    )
    worst = 0.0
    for fmt, path in paths.items():
        m = measure(path)
        together = m["load"] + m["stats"]
        worst = max(worst, together)
        size = path.stat().st_size / 1e6
        print(
            f"{fmt:<8} {size:>8.0f} {m['load']:>13.2f}s {m['stats']:>6.2f}s {together:>8.2f}s "
            f"{m['import']:>7.2f}s {m['process']:>7.2f}s"
        )
    print(f"goal: load + stats under 2 s for each format: {'met' if worst < 2 else 'NOT met'} (worst {worst:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
