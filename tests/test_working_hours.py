"""The working-hours heatmap: merges by weekday and hour of the day in the dataset's timezone, worked out
by hand across timezones and the days clocks change (a merge at 01:30 local on a DST change day)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retroblog.build.blocks import Blocks
from retroblog.build.settings import Settings
from retroblog.data.dataset import load_dataset
from retroblog.errors import ConfigError
from retroblog.render.svg import SvgCache
from retroblog.stats.story import working_hours

MON, TUE, SUN = 1, 2, 7

MERGES = (
    "merged_at\n"
    # Sunday 28 March 2021: Berlin jumps from 02:00 CET to 03:00 CEST; New York is already on EDT (since 14 March)
    "2021-03-28T00:30:00Z\n"  # Berlin 01:30 CET (hour 1); New York Sat 20:30 EDT
    "2021-03-28T01:30:00Z\n"  # Berlin 03:30 CEST (hour 3: there is no 02:xx that day); New York Sat 21:30
    # Sunday 31 October 2021: Berlin goes back from 03:00 CEST to 02:00 CET, 02:30 happens twice
    "2021-10-31T00:30:00Z\n"  # Berlin 02:30 CEST; New York Sat 20:30 EDT
    "2021-10-31T01:30:00Z\n"  # Berlin 02:30 CET; New York Sat 21:30 EDT
    # Summer and winter time on an ordinary weekday
    "2021-06-01T08:15:00Z\n"  # Tue: Berlin 10:15 CEST; New York 04:15 EDT
    "2021-01-05T08:15:00Z\n"  # Tue: Berlin 09:15 CET; New York 03:15 EST
    # Monday late evening in UTC is Tuesday just after midnight in Berlin
    "2021-01-04T23:30:00Z\n"  # Berlin Tue 00:30; New York Mon 18:30
    # a date without a time of day: no hour to count
    "2021-02-01\n"
)


@pytest.fixture
def merges(tmp_path: Path) -> Path:
    path = tmp_path / "prs.csv"
    path.write_text(MERGES)
    return path


def test_hours_in_berlin_across_both_dst_changes(merges: Path) -> None:
    hours = working_hours(load_dataset(merges, timezone="Europe/Berlin").frame, "Europe/Berlin")
    assert hours.cells == {(SUN, 1): 1, (SUN, 3): 1, (SUN, 2): 2, (TUE, 10): 1, (TUE, 9): 1, (TUE, 0): 1}
    assert hours.dated == 1


def test_the_same_merges_in_new_york_and_in_utc(merges: Path) -> None:
    new_york = working_hours(load_dataset(merges, timezone="America/New_York").frame, "America/New_York")
    assert new_york.cells == {(6, 20): 2, (6, 21): 2, (TUE, 4): 1, (TUE, 3): 1, (MON, 18): 1}
    utc = working_hours(load_dataset(merges, timezone="UTC").frame, "UTC")
    assert utc.cells == {(SUN, 0): 2, (SUN, 1): 2, (TUE, 8): 2, (MON, 23): 1}
    # the date is midnight in each timezone: never counted as a merge at 00:00
    assert new_york.dated == utc.dated == 1


def test_hours_convert_from_another_timezone_than_the_frames(merges: Path) -> None:
    frame = load_dataset(merges, timezone="UTC").frame
    hours = working_hours(frame, "Europe/Berlin")  # polars' conversion of the UTC instants
    assert hours.cells[(SUN, 1)] == 1 and hours.cells[(SUN, 3)] == 1 and hours.cells[(TUE, 0)] == 1


def _blocks(tmp_path: Path, text: str, timezone: str = "Europe/Berlin") -> Blocks:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(text)
    return Blocks(Settings.from_options({"timezone": timezone}, tmp_path), SvgCache())


def test_chart_rows_words_and_render(tmp_path: Path) -> None:
    blocks = _blocks(tmp_path, MERGES)
    chart, _ = blocks.chart({"type": "working-hours"})
    assert [(r["weekday"], r["hour"], r["prs"]) for r in chart.rows] == [
        ("Tue", 0, 1),
        ("Tue", 9, 1),
        ("Tue", 10, 1),
        ("Sun", 1, 1),
        ("Sun", 2, 2),
        ("Sun", 3, 1),
    ]
    assert chart.rows[4]["when"] == "Sunday 02:00-03:00"
    assert chart.caption == "Most PRs were merged on Sundays and between 02:00 and 03:00; 4 of 7 on weekends."
    assert "hour of the day in Europe/Berlin" in chart.description
    assert chart.description.endswith(" 1 PR with a date but no time of day is not counted.")
    assert '"title": "Hour of the day (Europe/Berlin)"' in json.dumps(chart.spec)
    assert blocks.cache.svg(chart.spec).startswith("<svg")


def test_chart_of_dates_only_is_an_error_saying_so(tmp_path: Path) -> None:
    blocks = _blocks(tmp_path, "merged_at\n2021-01-04\n2021-01-05\n")
    with pytest.raises(ConfigError, match=r"dates without a time of day \(2 PRs\)"):
        blocks.chart({"type": "working-hours"})
