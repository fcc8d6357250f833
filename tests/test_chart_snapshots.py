"""Normalised spec snapshots of every built-in chart: a change to a chart's spec shows up in review.

The specs are built from a small fixed dataset and compared with ``tests/snapshots/charts/<type>.json``
(keys sorted, two-space indent). After an intended change, rewrite them with
``RETROBLOG_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_chart_snapshots.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from retroblog.build.blocks import CAREER_CHART, Blocks
from retroblog.build.settings import Settings
from retroblog.charts.builtin import CHARTS
from retroblog.render.svg import SvgCache
from tests.conftest import REPO

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "charts"
CSV = "merged_at,additions,deletions,comments,repo,labels\n" + "".join(
    f"202{y}-{m:02d}-{d:02d}T1{d % 10}:00:00Z,{(m * 37 + d * 11) % 900},{d * 3},{d % 4},"
    f"{'abc'[d % 3]},{'bug' if d % 2 else ''}\n"
    for y in (0, 1)
    for m in range(1, 13, 2)
    for d in (3, 9, 17, 24)
)


def normalised(spec: dict) -> str:
    """Canonical text of a spec: sorted keys, stable indentation, one trailing newline."""
    return json.dumps(spec, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def blocks(tmp_path_factory: pytest.TempPathFactory) -> Blocks:
    site = tmp_path_factory.mktemp("snapshots")
    (site / "data").mkdir()
    (site / "data" / "work.csv").write_text(CSV)
    shutil.copy2(REPO / "data" / "career.yml", site / "data" / "career.yml")
    return Blocks(Settings.from_options({"timezone": "Europe/Berlin"}, site), SvgCache())


@pytest.mark.parametrize("name", sorted([*CHARTS, CAREER_CHART]))
def test_spec_matches_its_snapshot(blocks: Blocks, name: str) -> None:
    chart, _ = blocks.chart({"type": name})
    text = normalised(chart.spec)
    path = SNAPSHOTS / f"{name}.json"
    if os.environ.get("RETROBLOG_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no snapshot for {name}: run with RETROBLOG_UPDATE_SNAPSHOTS=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"{name}: spec differs from {path.relative_to(REPO)}"


def test_every_snapshot_belongs_to_a_chart() -> None:
    names = {p.stem for p in SNAPSHOTS.glob("*.json")}
    assert names == {*CHARTS, CAREER_CHART}
