"""Turn a raw table into validated PR records: map column names, parse values, report every problem.

Validation is column-wise (polars expressions), so a million rows cost well under a second; only rows
with problems are looked at one by one, to build messages that name the line, the column, the value
and what was expected.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from retroblog.data.labels import labels_column, valid_text
from retroblog.data.loaders import RawTable
from retroblog.data.schema import (
    COUNT_FIELDS,
    FIELD_BY_NAME,
    FIELDS,
    LANGUAGE_FORMAT,
    LINE,
    canonical_name,
    check_timezone,
    parse_languages,
)
from retroblog.errors import MAX_REPORTED, DatasetError, Problem
from retroblog.util.quote import QUOTE_CHARS, clipped, quoted

NULL_WORDS = ("", "-", "—", "–", "n/a", "na", "null", "none", "nil", "?", "unknown")
"""Cell texts that mean "unknown" (null), never 0."""

OFFSET_FORMAT = "%Y-%m-%d %H:%M:%S%.f%z"
NAIVE_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y %I:%M %p",
    "%B %d, %Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)
DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d")

FIRST_INSTANT = dt.datetime(1970, 1, 2, tzinfo=dt.UTC)
"""Dates before this are placeholders for "no date", never a PR's: 0001-01-01 (Go's and .NET's zero
time, which Azure DevOps writes) and 1970-01-01 (Unix time 0), in any timezone."""
PLACEHOLDER = (
    "is a placeholder for 'no date' (a date before 1970-01-02, such as the 0001-01-01 that Go and Azure "
    "DevOps write, or Unix time 0), not a real date"
)

DATETIME = pl.Datetime("us")
"""Datetimes are kept in microseconds; the dataset's timezone is set on the dtype."""


@dataclass
class Validated:
    """Typed PR records, plus what was only worth a warning."""

    frame: pl.DataFrame
    columns: dict[str, str]
    """Canonical field → the column of the file it came from."""
    warnings: list[Problem] = field(default_factory=list)


def validate(raw: RawTable, timezone: str = "UTC", *, today: dt.date | None = None) -> Validated:
    """Validate a raw table; raise ``DatasetError`` with every problem (capped) if any row is bad."""
    check_timezone(timezone)
    checker = _Checker(raw, timezone)
    columns, renamed = checker.map_columns()
    frame = raw.frame.rename(renamed)
    exprs: list[pl.Series] = []
    for name in columns:
        spec = FIELD_BY_NAME[name]
        series = frame[name]
        if spec.kind == "count":
            exprs.append(checker.counts(series))
        elif spec.kind == "datetime":
            exprs.append(checker.datetimes(series, required=spec.required))
        elif spec.kind == "labels":
            exprs.append(checker.labels(series))
        else:
            exprs.append(checker.texts(series))
    frame = frame.with_columns(exprs)
    if "languages" in columns:
        checker.languages(frame["languages"])
    for f in FIELDS:
        if f.name not in frame.columns:
            dtype: pl.DataType
            if f.kind == "count":
                dtype = pl.Int64()
            elif f.kind == "datetime":
                dtype = pl.Datetime("us", timezone)
            elif f.kind == "labels":
                dtype = pl.List(pl.String)
            else:
                dtype = pl.String()
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(f.name))
    frame = checker.reconcile(frame, today or dt.date.today())
    checker.duplicates(frame)
    if checker.errors:
        errors = sorted(checker.errors, key=lambda p: (p.line or 0, p.column or ""))
        raise DatasetError(errors[:MAX_REPORTED], total=checker.error_count)
    ordered = [f.name for f in FIELDS] + [c for c in frame.columns if c not in FIELD_BY_NAME and c != LINE]
    frame = frame.select([*ordered, LINE])
    return Validated(frame, dict(checker.source), sorted(checker.warnings, key=lambda p: p.line or 0))


class _Checker:
    def __init__(self, raw: RawTable, timezone: str) -> None:
        self.raw = raw
        self.path = str(raw.path)
        self.timezone = timezone
        self.lines = raw.frame[LINE]
        self.errors: list[Problem] = list(raw.problems)
        self.error_count = len(raw.problems)
        self.warnings: list[Problem] = []
        self.source: dict[str, str] = {}

    # -- reporting ---------------------------------------------------------------------------------

    def _report(self, mask: pl.Series, column: str, message: Any, *, warn: bool = False) -> None:
        """Add a problem for each row where ``mask`` is true; ``message(value)`` builds the text."""
        indices = mask.fill_null(False).arg_true()
        if indices.len() == 0:
            return
        if not warn:
            self.error_count += indices.len()
        shown = indices.head(MAX_REPORTED)
        values = self.raw.frame[self.source.get(column, column)].gather(shown).to_list()
        lines = self.lines.gather(shown).to_list()
        target = self.warnings if warn else self.errors
        for line, value in zip(lines, values, strict=True):
            target.append(
                Problem(
                    self.path,
                    line,
                    message(value),
                    clipped(self.source.get(column, column), QUOTE_CHARS),
                    self.raw.location,
                )
            )

    # -- columns -----------------------------------------------------------------------------------

    def map_columns(self) -> tuple[list[str], dict[str, str]]:
        chosen: dict[str, str] = {}
        for column in self.raw.frame.columns:
            if column == LINE:
                continue
            name = canonical_name(column)
            if name is None:
                continue
            exact = column.strip().casefold() == name
            if name not in chosen or (exact and chosen[name].strip().casefold() != name):
                if name in chosen:
                    self._column_warning(chosen[name], name, column)
                chosen[name] = column
            else:
                self._column_warning(column, name, chosen[name])
        if "merged_at" not in chosen:
            accepted = ", ".join(repr(a) for a in ("merged_at", *FIELD_BY_NAME["merged_at"].aliases))
            raise DatasetError.single(
                self.path,
                f"no merge date column; expected one named {accepted}",
                line=1 if self.raw.location == "line" else None,
            )
        self.source = dict(chosen)
        renamed: dict[str, str] = {}
        for name, column in chosen.items():
            if column != name:
                if name in self.raw.frame.columns:  # e.g. 'merged_at' kept as extra beside 'mergedAt'
                    renamed[name] = f"{name} (original)"
                renamed[column] = name
        return [f.name for f in FIELDS if f.name in chosen], renamed

    def _column_warning(self, column: str, name: str, used: str) -> None:
        self.warnings.append(
            Problem(
                self.path,
                1 if self.raw.location == "line" else None,
                f"also means '{name}'; column '{clipped(used, QUOTE_CHARS)}' is used and this one is kept "
                "as an extra column",
                clipped(column, QUOTE_CHARS),
            )
        )

    # -- values ------------------------------------------------------------------------------------

    def counts(self, series: pl.Series) -> pl.Series:
        name = series.name
        dtype = series.dtype
        if dtype.is_integer():
            values = series.cast(pl.Int64, strict=False)
            self._report(values.is_null() & series.is_not_null(), name, _too_large)
        elif dtype.is_float():
            whole = series.is_finite() & (series == series.floor())
            self._report(series.is_not_null() & ~whole, name, _count_message)
            values = pl.Series(name, series.cast(pl.Int64, strict=False)).set(~whole.fill_null(True), None)
        elif isinstance(dtype, pl.List | pl.Array):
            values = series.list.len().cast(pl.Int64) if isinstance(dtype, pl.List) else series.arr.len()
        elif dtype == pl.Boolean:
            self._report(series.is_not_null(), name, _count_message)
            values = pl.Series(name, [None] * series.len(), dtype=pl.Int64)
        else:
            cast = _text(series)
            if cast is None:
                self._report(series.is_not_null(), name, _wrong_type(dtype, "a count such as 12"))
                return pl.Series(name, [None] * series.len(), dtype=pl.Int64)
            text = cast
            values = text.cast(pl.Int64, strict=False)
            if not (values.is_null() & text.is_not_null()).any():
                return self._negatives(values.alias(name))
            text = text.str.strip_chars()
            unknown = text.str.to_lowercase().is_in(NULL_WORDS)
            listed = text.str.starts_with("[")
            cleaned = text.str.replace_all(r"[,_\s]", "").str.strip_prefix("+")
            values = values.fill_null(cleaned.cast(pl.Int64, strict=False))
            floats = cleaned.cast(pl.Float64, strict=False)
            integral = floats.is_finite() & (floats == floats.floor()) & (floats.abs() < 2**53)
            values = values.fill_null(floats.cast(pl.Int64, strict=False).set(~integral.fill_null(True), None))
            if listed.any():
                lengths = [_json_length(v) if s else None for v, s in zip(text, listed, strict=True)]
                values = values.fill_null(pl.Series(lengths, dtype=pl.Int64))
            values = values.set(unknown.fill_null(False), None)
            bad = text.is_not_null() & ~unknown & values.is_null()
            self._report(bad, name, _count_message)
            values = values.set(bad.fill_null(False), None)
        return self._negatives(values.alias(name))

    def _negatives(self, values: pl.Series) -> pl.Series:
        self._report(values < 0, values.name, lambda v: f"{quoted(v)} is negative; expected a count of 0 or more")
        return values

    def texts(self, series: pl.Series) -> pl.Series:
        name = series.name
        if isinstance(series.dtype, pl.Struct):
            fields = [f.name for f in series.dtype.fields]
            for key in ("nameWithOwner", "full_name", "path_with_namespace", "name"):
                if key in fields:
                    return series.struct.field(key).cast(pl.String).alias(name)
            return series.struct.json_encode().alias(name)
        cast = _text(series)
        if cast is None:
            self._report(series.is_not_null(), name, _wrong_type(series.dtype, "a text"))
            return pl.Series(name, [None] * series.len(), dtype=pl.String)
        text = cast.str.strip_chars()
        if name == "repo" and text.str.starts_with("{").any():
            text = pl.Series(name, [_json_repo(v) for v in text], dtype=pl.String)
        return text.set(text.str.len_chars() == 0, None).alias(name)

    def languages(self, series: pl.Series) -> None:
        """A ``languages`` cell ``parse_languages`` cannot read is an error at its row, saying what is wrong."""
        bad = pl.Series([v is not None and parse_languages(v)[1] is not None for v in series], dtype=pl.Boolean)
        self._report(bad, "languages", lambda v: parse_languages(str(v).strip())[1] or f"expected {LANGUAGE_FORMAT}")

    def labels(self, series: pl.Series) -> pl.Series:
        name = series.name
        dtype = series.dtype
        if isinstance(dtype, pl.List):
            inner = dtype.inner
            try:
                if isinstance(inner, pl.Struct) and "name" in [f.name for f in inner.fields]:
                    return series.list.eval(pl.element().struct.field("name").cast(pl.String)).alias(name)
                return series.list.eval(pl.element().cast(pl.String)).alias(name)
            except pl.exceptions.PolarsError:
                pass  # nested lists, objects without a name ...
        text = _text(series)
        if text is None:
            self._report(series.is_not_null(), name, _wrong_type(dtype, "labels (a list, or a text such as bug, ui)"))
            return pl.Series(name, [None] * series.len(), dtype=pl.List(pl.String))
        return labels_column(text.alias(name))

    def datetimes(self, series: pl.Series, *, required: bool) -> pl.Series:
        name = series.name
        tz = self.timezone
        dtype = series.dtype
        if isinstance(dtype, pl.Datetime):
            if dtype.time_zone is None:
                values = series.cast(DATETIME).dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
            else:
                values = series.cast(pl.Datetime("us", dtype.time_zone)).dt.convert_time_zone(tz)
            text = series.cast(pl.String)
        elif dtype == pl.Date:
            values = local_midnights(series.cast(DATETIME), tz)
            text = series.cast(pl.String)
        else:
            cast = _text(series) if dtype not in (pl.Time, pl.Duration) else None
            if cast is None:
                self._report(series.is_not_null(), name, _wrong_type(dtype, "a date such as 2021-03-04"))
                text = pl.Series(name, [None] * series.len(), dtype=pl.String)
                values = pl.Series(name, [None] * series.len(), dtype=pl.Datetime("us", tz))
                unknown = series.is_null()
                if required:
                    self._report(unknown, name, lambda v: "no merge date; every PR needs merged_at")
                return values
            text = cast
            values = parse_datetimes(text, tz)
        unknown = text.is_null() | text.str.strip_chars().str.to_lowercase().is_in(NULL_WORDS)
        bad = ~unknown & values.is_null()
        self._report(bad, name, lambda v: _date_message(v, tz))
        values = self._in_range(values, name, required=required)
        if required:
            self._report(
                unknown,
                name,
                lambda v: "no merge date; every PR needs merged_at (a date such as 2021-03-04)",
            )
        return values.alias(name)

    def _in_range(self, values: pl.Series, name: str, *, required: bool) -> pl.Series:
        """Null where a date is a placeholder (before ``FIRST_INSTANT``) or past year 9999: an error for
        the merge date, unknown (with a warning) for an optional date."""
        early = values.dt.epoch("us") < int(FIRST_INSTANT.timestamp()) * 1_000_000
        late = values.dt.year() > 9999
        outside = (early | late).fill_null(False)
        if not outside.any():
            return values
        kept = "" if required else "; read as unknown"
        expected = "; expected the PR's real merge date" if required else ""
        self._report(early, name, lambda v: f"{quoted(v)} {PLACEHOLDER}{kept}{expected}", warn=not required)
        self._report(late, name, lambda v: f"{quoted(v)} is after the year 9999{kept}{expected}", warn=not required)
        return values.set(outside, None)

    # -- across fields and rows --------------------------------------------------------------------

    def reconcile(self, frame: pl.DataFrame, today: dt.date) -> pl.DataFrame:
        merged = frame["merged_at"]
        future = merged.dt.date() > today
        self._report(
            future,
            "merged_at",
            lambda v: f"{quoted(v)} is in the future (today is {today.isoformat()}); kept, but check it",
            warn=True,
        )
        created = frame["created_at"]
        early = created > merged
        self._report(
            early,
            "created_at",
            lambda v: f"{quoted(v)} is after the PR's merge date; kept, but check it",
            warn=True,
        )
        derived = frame["additions"] + frame["deletions"]
        given = frame["lines_changed"]
        mismatch = given.is_not_null() & derived.is_not_null() & (given != derived)
        if mismatch.any():
            self._report(
                mismatch,
                "lines_changed",
                lambda v: f"{quoted(v)} is not additions + deletions; the given value is used",
                warn=True,
            )
        return frame.with_columns(pl.coalesce(given, derived).alias("lines_changed"))

    def duplicates(self, frame: pl.DataFrame) -> None:
        self._duplicates(frame, ["repo", "number"], "number", "repo and number")
        self._duplicates(frame, ["url"], "url", "url")

    def _duplicates(self, frame: pl.DataFrame, keys: list[str], column: str, what: str) -> None:
        keyed = frame.select([*keys, LINE]).drop_nulls(keys[-1])
        if keyed.is_empty() or not keyed.select(pl.struct(keys).hash().is_duplicated().any()).item():
            return  # equal hashes are necessary for duplicates; the exact check below confirms them
        dup = keyed.filter(pl.struct(keys).is_duplicated())
        if dup.is_empty():
            return
        # By row, not by line: records of a one-line JSON array share their line.
        dup = dup.with_row_index("_row")
        first = dup.group_by(keys, maintain_order=True).agg(
            pl.col(LINE).first().alias("_first"), pl.col("_row").first().alias("_first_row")
        )
        later = dup.join(first, on=keys, how="left", nulls_equal=True).filter(pl.col("_row") != pl.col("_first_row"))
        self.error_count += later.height
        for row in later.head(MAX_REPORTED).iter_rows(named=True):
            value = row[column]
            where = "row" if self.raw.location == "row" else self.raw.location
            self.errors.append(
                Problem(
                    self.path,
                    row[LINE],
                    f"duplicate PR: same {what} ({quoted(value)}) as {where} {row['_first']}",
                    clipped(self.source.get(column, column), QUOTE_CHARS),
                    self.raw.location,
                )
            )


def parse_datetimes(text: pl.Series, timezone: str) -> pl.Series:
    """Parse date and datetime texts into datetimes in ``timezone``; null where nothing fits.

    Texts with an offset (``Z``, ``+02:00``, ``-0600``) keep their instant; texts without one are read
    as local times of ``timezone``; dates are midnight in ``timezone``. The common ISO shapes are tried
    first on the whole column; each later format only on the rows still unparsed.
    """
    # Fixed-width formats first: polars parses them many times faster than ones with optional parts.
    out = (
        text.str.to_datetime("%Y-%m-%dT%H:%M:%SZ", strict=False, time_unit="us", cache=False)
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(timezone)
    )
    out = _fill(out, text, "%Y-%m-%dT%H:%M:%S%:z", timezone, aware=True, is_date=False)
    out = _fill(out, text, "%Y-%m-%d", timezone, aware=False, is_date=True)
    out = _fill(out, text, "%Y-%m-%dT%H:%M:%S%.f%z", timezone, aware=True, is_date=False)
    utc = _fill(
        out.dt.convert_time_zone("UTC"),
        text,
        "%Y-%m-%dT%H:%M:%S%.fZ",
        "UTC",
        aware=False,
        is_date=False,
    )
    out = utc.dt.convert_time_zone(timezone)
    missing = (out.is_null() & text.is_not_null()).arg_true()
    if missing.len() == 0:
        return out
    rest = text.gather(missing).str.strip_chars()
    norm = (
        rest.str.split(" → ")
        .list.last()
        .str.replace(r"^(\d{4}-\d\d-\d\d)T", "$1 ")
        .str.replace(r"\s*(Z|UTC|GMT)$", "+00:00")
        .str.replace(r"\s+([+-]\d\d:?\d\d)$", "$1")
        .str.replace(r"(\d\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*([+-]\d\d)$", "${1}${2}:00")  # +02, as PostgreSQL writes
    )
    sub = norm.str.to_datetime(OFFSET_FORMAT, strict=False, time_unit="us").dt.convert_time_zone(timezone)
    sub = _fill(sub, norm, "%Y-%m-%d %H:%M%z", timezone, aware=True, is_date=False)
    for fmt in NAIVE_FORMATS:
        sub = _fill(sub, norm, fmt, timezone, aware=False, is_date=False)
    for fmt in DATE_FORMATS:
        sub = _fill(sub, norm, fmt, timezone, aware=False, is_date=True)
    ok = sub.is_not_null()
    return out.scatter(missing.filter(ok), sub.filter(ok)) if ok.any() else out


def _fill(out: pl.Series, norm: pl.Series, fmt: str, tz: str, *, aware: bool, is_date: bool) -> pl.Series:
    missing = (out.is_null() & norm.is_not_null()).arg_true()
    if missing.len() == 0:
        return out
    subset = norm.gather(missing)
    if is_date:
        parsed = local_midnights(subset.str.to_date(fmt, strict=False, cache=False).cast(DATETIME), tz)
        ok = parsed.is_not_null()
        return out.scatter(missing.filter(ok), parsed.filter(ok)) if ok.any() else out
    else:
        parsed = subset.str.to_datetime(fmt, strict=False, time_unit="us", cache=False)
    if aware:
        parsed = parsed.dt.convert_time_zone(tz)
    else:
        parsed = parsed.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    ok = parsed.is_not_null()
    if not ok.any():
        return out
    return out.scatter(missing.filter(ok), parsed.filter(ok))


def _count_message(value: Any) -> str:
    return f"{quoted(value)} is not a whole number; expected a count such as 12 or 1,204 (empty means unknown)"


def _too_large(value: Any) -> str:
    return f"{quoted(value)} is too large for a count; expected a count below 2**63"


def _wrong_type(dtype: Any, expected: str) -> Any:
    def message(value: Any) -> str:
        return f"{quoted(value)} is a {_type_name(dtype)} value; expected {expected}"

    return message


def _type_name(dtype: Any) -> str:
    """``Duration`` for ``Duration(time_unit='us')``."""
    return str(dtype).split("(", 1)[0]


def _text(series: pl.Series) -> pl.Series | None:
    """``series`` as text, or None for a type that has no text (durations, binary that is not UTF-8,
    objects of a Parquet file)."""
    if series.dtype == pl.String:
        return series
    try:
        return series.cast(pl.String)
    except pl.exceptions.PolarsError:
        return None


def _date_message(value: Any, timezone: str) -> str:
    gap = _gap(value, timezone)
    if gap is not None:
        return gap
    return (
        f"{quoted(value)} is not a date; expected a real date such as 2021-03-04, 2021-03-04T10:00:00Z "
        "or June 27, 2022 11:17 PM"
    )


def _gap(value: Any, timezone: str) -> str | None:
    """The message for a local time the clocks skip in ``timezone`` (02:30 on the day they jump from
    02:00 to 03:00), or None when ``value`` is no such time."""
    if isinstance(value, dt.datetime):
        wall = value.replace(tzinfo=None)
    elif isinstance(value, str) and len(value) < 100:
        parsed = parse_datetimes(pl.Series([value], dtype=pl.String), "UTC")[0]  # UTC has no gaps
        if not isinstance(parsed, dt.datetime):
            return None
        wall = parsed.replace(tzinfo=None)
    else:
        return None
    zone = ZoneInfo(timezone)
    there = wall.replace(tzinfo=zone)
    if there.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return None  # the time exists: the text was refused for another reason
    return (
        f"{quoted(value)}: {wall:%H:%M} does not exist on {wall:%Y-%m-%d} in {timezone} (clocks jump forward); "
        "give the time with its offset (such as 2021-03-28T03:30:00+02:00) or the time the clocks showed"
    )


def local_midnights(naive: pl.Series, timezone: str) -> pl.Series:
    """Dates (naive midnights) as the first instant of their day in ``timezone``: midnight, or where the
    clocks jump over midnight (America/Santiago on 2021-09-05) the instant they jump."""
    out = naive.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    gaps = (out.is_null() & naive.is_not_null()).arg_true()
    if gaps.len() == 0:
        return out
    days = naive.gather(gaps).dt.date()
    first = {day: _first_instant(day, timezone) for day in days.unique().to_list()}
    instants = pl.Series([first[day] for day in days.to_list()], dtype=pl.Datetime("us", "UTC"))
    return out.scatter(gaps, instants.dt.convert_time_zone(timezone))


def _first_instant(day: dt.date, timezone: str) -> dt.datetime:
    """The first instant of ``day`` in ``timezone``, whose midnight the clocks skip (UTC)."""
    zone = ZoneInfo(timezone)
    midnight = dt.datetime.combine(day, dt.time())
    # In a gap, fold=1 reads the wall time with the offset after the jump (an instant before it) and
    # fold=0 with the offset before (an instant after it): the jump is between, to the second.
    low = midnight.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
    high = midnight.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)
    while high - low > dt.timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).date() >= day:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0, tzinfo=None)


def _json_length(text: str) -> int | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return len(value) if isinstance(value, list) else None


def _json_repo(text: str | None) -> str | None:
    if text is None or not text.startswith("{"):
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, dict):
        for key in ("nameWithOwner", "full_name", "path_with_namespace", "name"):
            if isinstance(value.get(key), str):
                return valid_text(str(value[key]))
    return text


__all__ = ["COUNT_FIELDS", "Validated", "check_timezone", "parse_datetimes", "validate"]
