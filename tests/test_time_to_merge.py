"""Time to merge (created_at to merged_at): figures worked out by hand on small datasets, across
timezones and DST changes, business days, unknown created_at, the stat keys and the chart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retroblog.build.blocks import Blocks
from retroblog.build.settings import Settings
from retroblog.data.dataset import load_dataset
from retroblog.errors import ConfigError
from retroblog.render.svg import SvgCache
from retroblog.stats.compute import Filters, compute
from retroblog.stats.keys import duration, stat_text
from retroblog.stats.story import merge_hours
from retroblog.util.words import Words

BERLIN = ZoneInfo("Europe/Berlin")


def business_seconds(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> float:
    """The test's oracle, one PR at a time: elapsed seconds from ``start`` to ``end`` (aware datetimes)
    that are not on a Saturday or Sunday in ``zone``, walked day by day, each local day cut at its own
    midnight, so a day of 23 or 25 hours (DST) counts as long as it really was."""
    if end <= start:
        return 0.0
    utc_end = end.astimezone(dt.UTC)
    cursor = start.astimezone(dt.UTC)
    total = 0.0
    while cursor < utc_end:
        day = cursor.astimezone(zone).date()
        after = day + dt.timedelta(days=1)
        midnight = dt.datetime(after.year, after.month, after.day, tzinfo=zone).astimezone(dt.UTC)
        if midnight <= cursor:  # pragma: no cover - a zone whose midnight runs backwards; step an hour
            midnight = cursor + dt.timedelta(hours=1)
        stop = min(midnight, utc_end)
        if day.weekday() < 5:
            total += (stop - cursor).total_seconds()
        cursor = stop
    return total


# Europe/Berlin moved from +01:00 to +02:00 at 02:00 on Sunday 28 March 2021.
HEADER = "merged_at,created_at,repo,number\n"
DST = (
    # A: Saturday noon to Sunday noon across the change: 23 hours, none of them on a weekday
    "2021-03-28T12:00:00+02:00,2021-03-27T12:00:00+01:00,r,1\n"
    # B: Friday 17:00 to Monday 09:00: 63 hours; business: Friday 7 h + Monday 9 h = 16 h
    "2021-03-29T09:00:00+02:00,2021-03-26T17:00:00+01:00,r,2\n"
    # C: created_at unknown
    "2021-03-30T09:00:00+02:00,,r,3\n"
    # D: Tuesday 10:00 to 15:00 local: 5 hours
    "2021-06-01T15:00:00+02:00,2021-06-01T10:00:00+02:00,r,4\n"
)


def _write(tmp_path: Path, text: str, name: str = "prs.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + text)
    return path


def _ttm(path: Path, timezone: str = "Europe/Berlin", **filters: object) -> dict:
    stats = compute(load_dataset(path, timezone=timezone), Filters.from_options(filters))
    return stats.to_dict()["time_to_merge"]


def test_hours_across_a_dst_change_are_the_hours_that_passed(tmp_path: Path) -> None:
    path = _write(tmp_path, DST)
    march = _ttm(path, year=2021)
    # known: 23, 63, 5 hours (C unknown): median 23; p90 = 23 + 0.8 * (63 - 23) = 55
    assert march == {
        "median": 23.0,
        "p90": 55.0,
        "business_median": 5.0,  # 0, 16, 5
        "business_p90": 13.8,  # 5 + 0.8 * (16 - 5)
        "prs": 3,
        "unknown": 1,
    }


def test_a_period_whose_prs_all_lack_created_at_is_unknown_not_zero(tmp_path: Path) -> None:
    path = _write(tmp_path, DST)
    only_c = _ttm(path, **{"from": "2021-03-30", "to": "2021-03-30"})
    assert only_c == {
        "median": None,
        "p90": None,
        "business_median": None,
        "business_p90": None,
        "prs": 0,
        "unknown": 1,
    }
    data = compute(load_dataset(path), Filters.from_options({"from": "2021-03-30", "to": "2021-03-30"})).to_dict()
    assert stat_text(data, "time_to_merge.median", Words()) == "unknown"
    assert stat_text(data, "time_to_merge.median") == "unknown"


def test_words_say_on_how_many_prs_a_partly_known_figure_is_based(tmp_path: Path) -> None:
    data = compute(load_dataset(_write(tmp_path, DST), timezone="Europe/Berlin")).to_dict()
    assert stat_text(data, "time_to_merge.median", Words()) == "23 hours (based on 3 of 4 PRs)"
    assert stat_text(data, "time_to_merge.p90", Words()) == "2.3 days (based on 3 of 4 PRs)"
    assert stat_text(data, "time_to_merge.business_median", Words()) == "5 hours (based on 3 of 4 PRs)"
    assert stat_text(data, "time_to_merge.median") == "23.0"  # raw: hours, as the JSON has them
    assert stat_text(data, "time_to_merge.prs", Words()) == "3"
    whole = compute(load_dataset(_write(tmp_path, DST)), Filters.from_options({"from": "2021-06"})).to_dict()
    assert stat_text(whole, "time_to_merge.median", Words()) == "5 hours"  # every PR known: no note


def test_weekends_are_those_of_the_datasets_timezone(tmp_path: Path) -> None:
    # Friday 23:30 UTC to Saturday 00:30 UTC: a Friday half hour in UTC; in Berlin (+01:00) it is all
    # Saturday; in New York (-05:00) all Friday evening.
    path = _write(tmp_path, "2021-01-09T00:30:00Z,2021-01-08T23:30:00Z,r,1\n")
    assert _ttm(path, "UTC")["business_median"] == 0.5
    assert _ttm(path, "Europe/Berlin")["business_median"] == 0.0
    assert _ttm(path, "America/New_York")["business_median"] == 1.0
    assert {_ttm(path, tz)["median"] for tz in ("UTC", "Europe/Berlin", "America/New_York")} == {1.0}


def test_business_seconds_cut_days_at_their_own_midnight_on_dst_days() -> None:
    # Friday 29 October 2021 12:00 to Tuesday 2 November 12:00 in Berlin; Sunday 31 October has 25 hours.
    start = dt.datetime(2021, 10, 29, 12, tzinfo=BERLIN)
    end = dt.datetime(2021, 11, 2, 12, tzinfo=BERLIN)
    assert (end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds() == (4 * 24 + 1) * 3600
    assert business_seconds(start, end, BERLIN) == (12 + 24 + 12) * 3600  # Friday pm, Monday, Tuesday am
    assert business_seconds(end, start, BERLIN) == 0.0


def test_created_after_merged_is_unknown(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "2021-06-01T10:00:00Z,2021-06-02T10:00:00Z,r,1\n2021-06-03T10:00:00Z,2021-06-03T08:00:00Z,r,2\n"
    )
    assert _ttm(path)["median"] == 2.0
    assert (_ttm(path)["prs"], _ttm(path)["unknown"]) == (1, 1)


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        (0.75, "45 minutes"),
        (1 / 60, "1 minute"),
        (1, "1 hour"),
        (5, "5 hours"),
        (1.5, "1.5 hours"),
        (84, "3.5 days"),
        (24 * 12.4, "12 days"),
    ],
)
def test_durations_in_words(hours: float, words: str) -> None:
    assert duration(hours) == words


# -- the chart ----------------------------------------------------------------------------------


def _blocks(tmp_path: Path, text: str, header: str = HEADER) -> Blocks:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(header + text)
    return Blocks(Settings.from_options({"timezone": "Europe/Berlin"}, tmp_path), SvgCache())


YEARS = (
    "2020-05-04T12:00:00+02:00,2020-05-01T12:00:00+02:00,r,1\n"  # Friday noon to Monday noon: 72 h; business 24 h
    "2020-05-05T12:00:00+02:00,,r,2\n"
    "2021-05-04T12:00:00+02:00,,r,3\n"  # 2021: every PR without created_at
    "2022-05-03T12:00:00+02:00,2022-05-03T09:00:00+02:00,r,4\n"  # 3 h
)


def test_chart_has_a_bar_per_year_an_unknown_year_has_none(tmp_path: Path) -> None:
    blocks = _blocks(tmp_path, YEARS)
    chart, _ = blocks.chart({"type": "time-to-merge"})
    values = chart.spec["data"]["values"] if "data" in chart.spec else chart.spec["layer"][0]["data"]["values"]
    assert [(r["period"], r["median"], r["p90"], r["based"]) for r in values] == [
        ("2020", 3.0, 3.0, "1 of 2 PRs"),  # in days: 72 h
        ("2021", None, None, "none of 1 PR"),
        ("2022", 0.12, 0.12, "1 PR"),  # 3 h = 0.125 days
    ]
    x = chart.spec["layer"][0]["encoding"]["x"]["field"]
    assert x == "year" and [r[x] for r in values] == ["2020", "2021", "2022"]  # a band per year, not one for all
    assert [(r["when"], r["median_words"]) for r in chart.rows] == [
        ("2020", "3 days"),
        ("2021", "unknown"),
        ("2022", "3 hours"),
    ]
    assert "Unknown in 2021: no PR of theirs has a created_at." in chart.description
    assert (
        chart.caption
        == "Half the PRs were merged within 38 hours of being opened, 90% within 2.7 days (based on 2 of 4 PRs)."
    )
    assert blocks.cache.svg(chart.spec).startswith("<svg")


def test_chart_in_business_days_per_quarter(tmp_path: Path) -> None:
    chart, _ = _blocks(tmp_path, YEARS).chart({"type": "time-to-merge", "business_days": True, "per": "quarter"})
    known = [(r["when"], r["median_words"]) for r in chart.rows if r["median_words"] != "unknown"]
    assert known == [("Q2 2020", "24 hours"), ("Q2 2022", "3 hours")]
    assert chart.title == "Time to merge per quarter (business days)"
    assert "weekends left out" in chart.caption


def test_chart_of_a_dataset_without_created_at_is_an_error_saying_so(tmp_path: Path) -> None:
    blocks = _blocks(tmp_path, "2021-01-01T10:00:00Z,,r,1\n")
    with pytest.raises(ConfigError, match=r"time to merge is unknown for every PR of the dataset 'work'.*created_at"):
        blocks.chart({"type": "time-to-merge"})


@pytest.mark.parametrize(("option", "value"), [("per", "week"), ("business_days", "yes")])
def test_chart_options_are_checked(tmp_path: Path, option: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"option '{option}' must be"):
        _blocks(tmp_path, YEARS).chart({"type": "time-to-merge", option: value})


def test_inline_stat_with_a_filter(tmp_path: Path) -> None:
    blocks = _blocks(tmp_path, YEARS)
    assert blocks.stat("time_to_merge.median", {"year": 2022}) == "3 hours"
    assert blocks.stat("time_to_merge.median", {"year": 2021}) == "unknown"
    assert blocks.stat("time_to_merge.business_median", {"year": 2020}) == "24 hours (based on 1 of 2 PRs)"


INSTANTS = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2022, 12, 31))
ZONES = st.sampled_from(["Europe/Berlin", "America/New_York", "America/Santiago", "Asia/Kolkata", "UTC"])


@settings(max_examples=60, deadline=None)
@given(pairs=st.lists(st.tuples(INSTANTS, INSTANTS, st.booleans()), min_size=1, max_size=20), zone=ZONES)
def test_business_hours_of_whole_columns_are_those_of_each_pr(pairs, zone) -> None:
    """The vectorised business time (a table of local days) equals the day-by-day walk, PR by PR, on any
    instants, DST days and a midnight the clocks skip (Santiago) included; a missing or later creation is
    unknown."""
    tz = ZoneInfo(zone)
    created = [a.replace(tzinfo=dt.UTC).astimezone(tz) if known else None for a, _, known in pairs]
    merged = [b.replace(tzinfo=dt.UTC).astimezone(tz) for _, b, _ in pairs]
    frame = pl.DataFrame(
        {"created_at": created, "merged_at": merged},
        schema={"created_at": pl.Datetime("us", zone), "merged_at": pl.Datetime("us", zone)},
    )
    got = merge_hours(frame, zone, business_days=True).to_list()
    calendar = merge_hours(frame, zone).to_list()
    for start, end, hours, total in zip(created, merged, got, calendar, strict=True):
        if start is None or start > end:
            assert hours is None and total is None
        else:
            assert hours == pytest.approx(business_seconds(start, end, tz) / 3600, abs=1e-6)
            elapsed = end.astimezone(dt.UTC) - start.astimezone(dt.UTC)  # (Python: wall clocks in one zone)
            assert total == pytest.approx(elapsed.total_seconds() / 3600, abs=1e-6)
