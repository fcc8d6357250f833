"""A site of 200 posts, 50 of them with a chart: build time with the chart blocks vs without them,
and with the social cards (issue 16: a PNG per post and the home page) vs without them.

Both sites use the same mkdocs.yml (material, blog, retroblog plugin) and the same posts; the
"without" site has the chart fences removed. Measured side by side in one run, each build in a fresh
process: a cold build (empty chart cache), then a warm rebuild (cache kept, nothing changed). The chart
overhead is measured with the cards off (``cards: false``) on both sites; "with cards" is the charted site
with them on (the default), cold meaning no cached card either.
Also reports the bytes a chart page needs before its charts are visible.
"""

from __future__ import annotations

import gzip
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POSTS = 200
CHARTED = 50
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
"""Builds of each kind; the median is reported (this machine varies by ~0.2 s from one build to the next)."""
TYPES = ["prs-per-year", "prs-per-month", "size-buckets", "cumulative", "prs-per-quarter", "inserts-deletes"]


def make_site(root: Path, charts: bool, cards: bool = False) -> None:
    (root / "docs" / "blog" / "posts").mkdir(parents=True)
    (root / "data").mkdir()
    shutil.copy2(REPO / "data" / "example.csv", root / "data" / "example.csv")
    (root / "docs" / "index.md").write_text("# Bench\n")
    (root / "docs" / "blog" / "index.md").write_text("# Blog\n")
    (root / "mkdocs.yml").write_text(
        "site_name: bench\nsite_url: http://127.0.0.1/\ntheme:\n  name: material\n  font: false\n"
        "  features: [navigation.instant]\nplugins:\n  - search\n  - blog\n  - retroblog:\n"
        f"      datasets: {{example: {{timezone: Europe/Berlin}}}}\n      cards: {str(cards).lower()}\n"
        "markdown_extensions:\n  - pymdownx.superfences\n"
    )
    rng = random.Random(3)
    words = ["pull", "request", "ledger", "review", "merge", "deploy", "team", "release", "billing", "refactor", "test"]
    for i in range(POSTS):
        body = "\n\n".join(" ".join(rng.choice(words) for _ in range(60)) for _ in range(6))
        block = ""
        if i < CHARTED:
            year = 2019 + i % 4
            block = (
                f"\n\n```chart\ntype: {TYPES[i % len(TYPES)]}\ndataset: example\nyear: {year}\n"
                f"title: Chart of post {i}\n```\n"
            )
        day = 1 + i % 28
        (root / "docs" / "blog" / "posts" / f"post-{i:03d}.md").write_text(
            f"---\ndate: 2022-{1 + i % 12:02d}-{day:02d}\n---\n\n# Post {i}\n\n{body}{block if charts else ''}\n"
        )


def build(root: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "--strict"],
        cwd=root,
        check=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1700000000"},
    )
    return time.perf_counter() - started


def page_weight(site: Path) -> tuple[int, int]:
    page = next(p for p in sorted(site.glob("blog/20*/**/index.html")) if b"retroblog-chart" in p.read_bytes())
    html = page.read_bytes()
    blocking = html
    for href in re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html):
        blocking += (page.parent / href.decode()).resolve().read_bytes()
    for src in re.findall(rb'<script src="([^"]+)"(?![^>]*defer)', html):
        target = (page.parent / src.decode()).resolve()
        if target.exists():
            blocking += target.read_bytes()
    return len(blocking), len(gzip.compress(blocking, 9))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        sites = {"with charts": Path(tmp, "with"), "without": Path(tmp, "without"), "with cards": Path(tmp, "cards")}
        make_site(sites["with charts"], True)
        make_site(sites["without"], False)
        make_site(sites["with cards"], True, cards=True)
        # Warm the shared Vega runtime cache of both sites alike, so only chart work differs.
        for root in sites.values():
            build(root)
        cold: dict[str, list[float]] = {k: [] for k in sites}
        warm: dict[str, list[float]] = {k: [] for k in sites}
        for _ in range(REPEAT):
            for name, root in sites.items():
                # Cold: no finished block and no SVG cached (the Vega runtime file stays, as for "without").
                shutil.rmtree(root / ".cache" / "retroblog" / "blocks", ignore_errors=True)
                shutil.rmtree(root / ".cache" / "retroblog" / "cards", ignore_errors=True)
                for svg in (root / ".cache" / "retroblog").glob("*.svg"):
                    svg.unlink()
                cold[name].append(build(root))
                warm[name].append(build(root))
        c = {k: statistics.median(v) for k, v in cold.items()}
        w = {k: statistics.median(v) for k, v in warm.items()}
        print(f"{POSTS} posts, {CHARTED} charts; median of {REPEAT} builds, side by side")
        print(
            f"cold build (no cached SVG): with {c['with charts']:.2f} s, without {c['without']:.2f} s, "
            f"ratio {c['with charts'] / c['without']:.3f} (goal 1.15)"
        )
        print(
            f"warm rebuild (cache kept):  with {w['with charts']:.2f} s, without {w['without']:.2f} s, "
            f"ratio {w['with charts'] / w['without']:.3f} (goal 1.05)"
        )
        for kind, m in (("cold", c), ("warm", w)):
            print(
                f"{kind} with cards ({POSTS + 1} cards): {m['with cards']:.2f} s, with charts only "
                f"{m['with charts']:.2f} s: cards add {m['with cards'] - m['with charts']:.2f} s "
                f"(ratio {m['with cards'] / m['with charts']:.3f})"
            )
        raw, gz = page_weight(sites["with charts"] / "site")
        print(f"chart page before its charts are visible (HTML + blocking CSS/JS): {raw:,} B, {gz:,} B gzip-9")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
