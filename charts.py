"""Chart functions of the example site, used by ``altair: charts:merge_hours`` in docs/charts.md.

retroblog imports this file from the folder of mkdocs.yml. A function gets the block's PRs (a polars
DataFrame, filtered by the block's dataset, from, to, year, repo and label) and returns an Altair chart.
It must embed aggregates, never one row per PR: group first. docs/charts.md shows the code below as it
is (tests/test_docs.py checks that).
"""

from __future__ import annotations

import altair as alt
import polars as pl


def merge_hours(prs: pl.DataFrame) -> alt.Chart:
    hours = prs.group_by(pl.col("merged_at").dt.hour().alias("hour")).agg(pl.len().alias("prs"))
    return (
        alt.Chart(alt.Data(values=hours.sort("hour").to_dicts()))
        .mark_bar(color="#020202")  # series 2 of the site's palette
        .encode(
            x=alt.X("hour:O", title="Hour of the day"),
            y=alt.Y("prs:Q", title="PRs merged"),
            tooltip=["hour:O", "prs:Q"],
        )
        .properties(title="PRs merged per hour of the day", width=640, height=200)
    )
