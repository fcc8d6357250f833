"""Which PRs a stat or chart covers: the ``from``, ``to``, ``year``, ``repo`` and ``label`` options.

``Filters.from_options`` reads a block's (or the CLI's) options and names the option and what was
expected when one is wrong; ``Filters.apply`` selects the PRs of a dataset's frame. Reading options
loads nothing heavy: polars is imported only when filters are applied to a frame.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from retroblog.errors import ConfigError
from retroblog.util.bidi import isolate
from retroblog.util.words import count

if TYPE_CHECKING:
    import polars as pl


@dataclass(frozen=True)
class Filters:
    """Which PRs a stat or chart covers. Dates are inclusive and in the dataset's timezone."""

    start: dt.date | None = None
    end: dt.date | None = None
    repos: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()

    @classmethod
    def from_options(cls, options: Mapping[str, Any], where: str = "filters") -> Filters:
        """Build from user options ``from``, ``to``, ``year``, ``repo``, ``label`` (strings or lists)."""
        start = _date_option(options.get("from"), "from", where)
        end = _date_option(options.get("to"), "to", where)
        year = options.get("year")
        if year is not None and (start or end):
            raise ConfigError(
                f"{_at(where)}'year' cannot be combined with 'from' or 'to': give 'year: {year}' alone, "
                "or 'from' and 'to' (such as from: 2021-03 and to: 2021-06)"
            )
        if year is not None:
            if (
                isinstance(year, bool)
                or (not isinstance(year, int) and not (str(year).isascii() and str(year).isdigit()))
                or not 1 <= int(year) <= 9999
            ):
                raise ConfigError(f"{_at(where)}'year' must be a year such as 2021, got {year!r}")
            y = int(year)
            start, end = dt.date(y, 1, 1), dt.date(y, 12, 31)
        if start and end and start > end:
            raise ConfigError(f"{_at(where)}'from' ({start}) is after 'to' ({end})")
        return cls(
            start,
            end,
            _names(options.get("repo"), "repo", where),
            _names(options.get("label"), "label", where),
        )

    def apply(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The rows of ``frame`` (a dataset's PRs) that the filters cover."""
        import polars as pl  # loaded with the first dataset, not with the options

        conditions: list[pl.Expr] = []
        day = pl.col("merged_at").dt.date()
        if self.start:
            conditions.append(day >= self.start)
        if self.end:
            conditions.append(day <= self.end)
        if self.repos:
            conditions.append(pl.col("repo").is_in(self.repos))
        if self.labels:
            conditions.append(pl.col("labels").list.eval(pl.element().is_in(self.labels)).list.any().fill_null(False))
        return frame.filter(*conditions) if conditions else frame

    def describe(self, *, private: bool = False) -> str:
        """Human words for the filters, for chart descriptions and table captions.

        ``private``: the filters of a private dataset, whose repositories and labels are never named:
        they are counted instead ("in 2 repositories", "with 1 label").
        """
        parts = []
        if self.start and self.end:
            parts.append(f"from {self.start.isoformat()} to {self.end.isoformat()}")
        elif self.start:
            parts.append(f"from {self.start.isoformat()}")
        elif self.end:
            parts.append(f"up to {self.end.isoformat()}")
        if self.repos:
            names = ", ".join(map(isolate, self.repos))  # a name's bidi override ends with it
            if private:
                names = count(len(self.repos), "repository", "repositories")
            parts.append(f"in {names}")
        if self.labels:
            labels = ", ".join(map(isolate, self.labels))
            parts.append(f"with {count(len(self.labels), 'label')}" if private else f"labelled {labels}")
        return " ".join(parts)


def _at(where: str) -> str:
    """The start of a message about an option: ``"chart: "``, or nothing inside a block's own message."""
    return f"{where}: " if where else ""


def _date_option(value: Any, name: str, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt, widen in (("%Y-%m-%d", None), ("%Y-%m", "month"), ("%Y", "year")):
        try:
            parsed = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if widen and name == "to":
            if widen == "year":
                return dt.date(parsed.year, 12, 31)
            return parsed.replace(day=calendar.monthrange(parsed.year, parsed.month)[1])
        return parsed
    raise ConfigError(f"{_at(where)}'{name}' must be a date such as 2021-03-04, 2021-03 or 2021, got {value!r}")


def _names(value: Any, name: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{_at(where)}'{name}' must be a name or a list of names, got {value!r}")
