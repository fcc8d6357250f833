"""Normalised spec snapshots of every built-in chart: a change to a chart's spec shows up in review.

The specs are built from a small fixed dataset and compared with ``tests/snapshots/charts/<type>.json``
(keys sorted, two-space indent). A difference fails the test; after an intended change, rewrite them with
``make update`` (or ``.venv/bin/pytest --update tests/test_chart_snapshots.py``) and review the diff.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from retroblog.build.blocks import Blocks
from retroblog.build.options import CAREER_CHART
from retroblog.build.settings import Settings
from retroblog.charts.builtin import CHARTS
from retroblog.render.svg import SvgCache
from tests.conftest import REPO, check_tracked

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "charts"
CSV = "merged_at,additions,deletions,comments,repo,labels,created_at,languages\n" + "".join(
    f"202{y}-{m:02d}-{d:02d}T1{d % 10}:00:00Z,{(m * 37 + d * 11) % 900},{d * 3},{d % 4},"
    f"{'abc'[d % 3]},{'bug' if d % 2 else ''},202{y}-{m:02d}-{d - 2:02d}T0{d % 10}:00:00Z,"
    f"{['Python', 'Go', 'Markdown'][d % 3]}:{(m * 37 + d * 11) % 900}/{d * 3}\n"
    for y in (0, 1)
    for m in range(1, 13, 2)
    for d in (3, 9, 17, 24)
)

REVIEWS_CSV = "reviewed_at,repo,number,reviews,comments\n" + "".join(
    f"202{y}-{m:02d}-{d:02d}T09:00:00Z,{'abd'[(m + d) % 3]},{y * 100 + m * 4 + d},{1 + d % 2},{d % 5}\n"
    for y in (0, 1)
    for m in range(2, 13, 3)
    for d in (5, 12, 19)
)
"""The reviews dataset of the reviews charts (``kind: reviews``)."""


def normalised(spec: dict) -> str:
    """Canonical text of a spec: sorted keys, stable indentation, one trailing newline."""
    return json.dumps(spec, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def blocks(tmp_path_factory: pytest.TempPathFactory) -> Blocks:
    site = tmp_path_factory.mktemp("snapshots")
    (site / "data").mkdir()
    (site / "data" / "work.csv").write_text(CSV)
    (site / "data" / "given.csv").write_text(REVIEWS_CSV)
    shutil.copy2(REPO / "data" / "career.yml", site / "data" / "career.yml")
    options = {"timezone": "Europe/Berlin", "datasets": {"given": {"kind": "reviews"}}}
    return Blocks(Settings.from_options(options, site), SvgCache())


@pytest.mark.parametrize("name", sorted([*CHARTS, CAREER_CHART]))
def test_spec_matches_its_snapshot(blocks: Blocks, update: bool, name: str) -> None:
    chart, _ = blocks.chart({"type": name})
    check_tracked(SNAPSHOTS / f"{name}.json", normalised(chart.spec), update)


def test_every_snapshot_belongs_to_a_chart() -> None:
    names = {p.stem for p in SNAPSHOTS.glob("*.json")}
    assert names == {*CHARTS, CAREER_CHART}


def test_a_changed_snapshot_fails_without_update_and_is_rewritten_with_it(
    blocks: Blocks, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot test on a copy of the snapshots with one spec changed: without --update it fails, names the
    file and ``make update``, and leaves the file as it was; with --update it passes and rewrites the file."""
    tracked, copy = SNAPSHOTS, tmp_path / "charts"
    shutil.copytree(tracked, copy)
    monkeypatch.setitem(globals(), "SNAPSHOTS", copy)
    stale = copy / "prs-per-year.json"
    stale.write_text(stale.read_text(encoding="utf-8").replace('"bar"', '"line"', 1), encoding="utf-8")
    before = stale.read_bytes()
    assert before != (tracked / "prs-per-year.json").read_bytes()
    with pytest.raises(pytest.fail.Exception) as failed:
        test_spec_matches_its_snapshot(blocks, False, "prs-per-year")
    assert f"{stale} differs from this run; `make update` (pytest --update) rewrites it" in str(failed.value)
    assert '\n-        "type": "line"\n+        "type": "bar"\n' in str(failed.value)  # the diff, snapshot first
    assert stale.read_bytes() == before  # failed, not rewritten
    (copy / "career-timeline.json").unlink()
    with pytest.raises(pytest.fail.Exception, match=r"career-timeline\.json is missing; `make update`"):
        test_spec_matches_its_snapshot(blocks, False, "career-timeline")
    assert not (copy / "career-timeline.json").exists()
    test_spec_matches_its_snapshot(blocks, True, "prs-per-year")
    test_spec_matches_its_snapshot(blocks, True, "career-timeline")
    assert stale.read_bytes() == (tracked / "prs-per-year.json").read_bytes()
    assert (copy / "career-timeline.json").read_bytes() == (tracked / "career-timeline.json").read_bytes()
