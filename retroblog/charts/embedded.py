"""The data a user's chart (a ``spec`` file or an ``altair`` function) embeds: checked, tabled, described.

Charts publish aggregates, never a list of PRs. ``check`` refuses an inline table that holds PR rows:
a PR field (``number``, ``title``, ``url``), merge times, or one row per PR. ``drawn_table`` finds the
rows the chart draws and its columns (the fields of its encodings, with their titles), from which the
figure gets its hidden data table, and ``describe`` the words of its description. No Altair here:
specs are plain dicts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from retroblog.errors import ConfigError

MAX_ROWS = 5000
"""A user's chart may embed at most this many rows in one table."""
PR_FIELDS = frozenset({"number", "title", "url"})
"""Fields that identify one PR: a table with one of them lists PRs."""
ROW_PER_PR_FLOOR = 20
"""Above this many PRs, a table with a row for each of them (or more) is a list of PRs."""
LISTED = 12
"""Up to this many rows, the description names every row's value."""

_TIME_OF_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}[T ](\d{2}):(\d{2})(?::(\d{2}))?")
_CHANNELS = ("x", "y", "theta", "x2", "y2", "color", "size", "opacity", "text", "tooltip")
"""Channels in the order their fields become the table's columns; other channels come after."""
AGGREGATE_FIRST = (
    "aggregate first, e.g. prs.group_by(pl.col('merged_at').dt.strftime('%Y-%m').alias('month'))"
    ".agg(pl.len().alias('prs'))"
)


def tables(spec: Mapping[str, Any], skip: Sequence[str] = ()) -> Iterator[tuple[str, Any]]:
    """Every inline table of a spec, with where it is: ``datasets`` entries (but those in ``skip``)
    and the ``values`` of any ``data``, at any depth (layers, concatenations, lookups)."""
    for name, rows in (spec.get("datasets") or {}).items():
        if name not in skip:
            yield f"datasets.{name}", rows
    stack: list[Any] = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            data = node.get("data")
            if isinstance(data, Mapping) and "values" in data:
                yield "data.values", data["values"]
            stack += [v for k, v in node.items() if k != "datasets"]
        elif isinstance(node, list):
            stack += node


def check(spec: Mapping[str, Any], what: str, prs: int, skip: Sequence[str] = ()) -> None:
    """Refuse a spec whose inline tables hold PR rows rather than aggregates (``prs``: PRs the block covers)."""
    for where, rows in tables(spec, skip):
        if isinstance(rows, str):  # inline CSV/TSV text: a header and a line a row
            rows = rows.strip().splitlines()[1:]
        if not isinstance(rows, list):
            continue
        fields = sorted({k for row in rows if isinstance(row, Mapping) for k in row})
        problem = _raw_rows(rows, fields, prs)
        if problem:
            listed = f" (fields {', '.join(fields)})" if fields else ""
            raise ConfigError(
                f"{what} embeds a table of {len(rows):,} rows{listed} in {where}, {problem}: a chart publishes "
                f"aggregates, never a list of PRs; {AGGREGATE_FIRST}"
            )


def _raw_rows(rows: list[Any], fields: list[str], prs: int) -> str | None:
    """Why ``rows`` look like PR rows, or None."""
    if len(rows) > MAX_ROWS:
        return f"more than {MAX_ROWS:,}"
    named = sorted(PR_FIELDS.intersection(fields))
    if named:
        return f"with the PR field{'s' if len(named) > 1 else ''} {', '.join(named)}"
    for name in fields:
        if any(_time_of_day(row.get(name)) for row in rows if isinstance(row, Mapping)):
            return f"with merge times in '{name}'"
    if prs > ROW_PER_PR_FLOOR and len(rows) >= prs:
        return f"a row for each of the block's {prs:,} PRs or more"
    return None


def _time_of_day(value: Any) -> bool:
    """Whether ``value`` is a moment with a time of day (not a bare date or midnight)."""
    if isinstance(value, dt.datetime):
        return value.time() != dt.time()
    if isinstance(value, str):
        match = _TIME_OF_DAY.match(value)
        return match is not None and any(int(part or 0) for part in match.groups())
    return False


def drawn_table(spec: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[dict[str, Any]], set[str]]:
    """The rows the chart draws, its columns as (field, heading), and which fields are quantitative.

    The rows are the top-level data (else the first layer's); the columns are the fields its
    encodings name, headed by their titles, else every field of the rows.
    """
    rows = _rows(spec, spec.get("data"))
    for view in spec.get("layer") or []:
        if rows or not isinstance(view, Mapping):
            break
        rows = _rows(spec, view.get("data"))
    known = {k for row in rows for k in row}
    columns: dict[str, str] = {}
    measures: set[str] = set()
    for field, title, kind in _fields(spec):
        if field in known:
            columns.setdefault(field, title)
            if kind == "quantitative":
                measures.add(field)
    if not columns and rows:
        columns = {k: k for k in rows[0]}
    return list(columns.items()), rows, measures


def _rows(spec: Mapping[str, Any], data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, Mapping):
        return []
    values = data.get("values")
    if values is None and isinstance(data.get("name"), str):
        values = (spec.get("datasets") or {}).get(data["name"])
    return [dict(row) for row in values if isinstance(row, Mapping)] if isinstance(values, list) else []


def _fields(spec: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(field, title, type) of every encoding of the spec and its layers, channels in ``_CHANNELS`` order."""
    views = [spec, *[v for v in spec.get("layer") or [] if isinstance(v, Mapping)]]
    encodings = [v["encoding"] for v in views if isinstance(v.get("encoding"), Mapping)]
    for channel in _CHANNELS:
        for encoding in encodings:
            yield from _definitions(encoding.get(channel))
    for encoding in encodings:
        for channel, definition in encoding.items():
            if channel not in _CHANNELS:
                yield from _definitions(definition)


def _definitions(definition: Any) -> Iterator[tuple[str, str, str]]:
    for one in definition if isinstance(definition, list) else [definition]:
        if isinstance(one, Mapping) and isinstance(one.get("field"), str):
            title = one.get("title")
            yield one["field"], title if isinstance(title, str) and title else one["field"], str(one.get("type"))


def describe(columns: list[tuple[str, str]], rows: list[dict[str, Any]], measures: set[str], scope: str) -> str:
    """Words for a table: how many rows, each row's value (up to ``LISTED`` rows), the highest and lowest."""
    count = f"{len(rows):,} row{'' if len(rows) == 1 else 's'} of data{scope}"
    numeric = [f for f, _ in columns if rows and all(_is_number(r.get(f)) for r in rows)]
    measure = next((f for f in numeric if f in measures), numeric[0] if numeric else None)
    label = next((f for f, _ in columns if f != measure), None)
    if measure is None or label is None:
        return f"{count}."
    heading = dict(columns)[measure]
    high = max(rows, key=lambda r: r[measure])
    low = min(rows, key=lambda r: r[measure])
    listed = ""
    if len(rows) <= LISTED:
        listed = ": " + ", ".join(f"{r.get(label)}: {_figure(r[measure])}" for r in rows)
    return (
        f"{count}{listed}. Highest {heading}: {_figure(high[measure])} ({high.get(label)}); "
        f"lowest: {_figure(low[measure])} ({low.get(label)})."
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _figure(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}" if _is_number(value) else str(value)
