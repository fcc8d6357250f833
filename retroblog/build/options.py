"""A block's options, checked once and typed: what a ``chart``, ``stats``, inline stat or ``career`` block asks.

Each ``parse`` takes the block's mapping (its YAML, or an inline stat's ``key=value`` pairs) and either
returns a frozen dataclass or raises ``ConfigError`` naming the option and what was expected; the page
and line are added by the adapter. Parsing loads no dataset: the engine (``retroblog.build.blocks``)
then checks the options against the data (dataset names, repositories and labels, chart types).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from typing import Any

from retroblog.errors import ConfigError
from retroblog.stats.filters import Filters
from retroblog.stats.keys import DEFAULT_STATS, FORMATS

FILTER_KEYS = frozenset({"dataset", "from", "to", "year", "repo", "label"})
"""Options that select a dataset's PRs: every chart, stats block and inline stat takes them."""
CHART_KEYS = FILTER_KEYS | {"type", "title", "description", "width", "height", "interactive", "spec", "altair"}
"""Options of every chart of a dataset (a built-in type adds its own: ``retroblog.charts.builtin.OPTIONS``)."""
STAT_KEYS = FILTER_KEYS | {"format"}
"""Options of an inline stat (``format``: ``words``, the default, or ``raw``)."""
STATS_KEYS = FILTER_KEYS | {"title", "stats"}
"""Options of a ``stats`` block."""

CAREER_CHART = "career-timeline"
"""The chart of ``data/career.yml``: it takes no dataset and no filters."""
CAREER_CHART_KEYS = frozenset({"type", "title", "description", "width", "height", "interactive"})
CAREER_NOTE_KEYS = frozenset({"date", "table"})

CHART_KINDS = ("type", "spec", "altair")
"""The options that say which chart a block draws: a built-in type, a Vega-Lite file or an Altair function."""


def check_known(options: Mapping[str, Any], known: Set[str], what: str = "") -> None:
    """Refuse options not in ``known``, naming them and every option expected (``what``: words after them)."""
    unknown = set(options) - known
    if unknown:
        raise ConfigError(f"unknown option(s) {', '.join(sorted(unknown))}{what}; expected {', '.join(sorted(known))}")


def interactive(options: Mapping[str, Any]) -> bool:
    """The ``interactive`` option (default true): whether the chart becomes a live Vega view in the browser."""
    value = options.get("interactive", True)
    if not isinstance(value, bool):
        raise ConfigError(f"'interactive' must be true or false, got {value!r}")
    return value


def asks_interactive(options: Mapping[str, Any]) -> bool:
    """Whether a block asks for an interactive chart, before its options are checked (a wrong value fails
    when the chart is computed): a page holding a chart still being computed knows if it needs the script."""
    return options.get("interactive", True) is not False


def size(options: Mapping[str, Any], key: str, default: int) -> int:
    """``width`` or ``height``: pixels from 50 to 4000."""
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 50 <= value <= 4000:
        raise ConfigError(f"'{key}' must be a number of pixels from 50 to 4000, got {value!r}")
    return value


def _text(options: Mapping[str, Any], key: str) -> str | None:
    """A text option (``title``, ``description``): None when it is not given or empty."""
    value = options.get(key)
    return str(value) if value else None


def _dataset(options: Mapping[str, Any]) -> str | None:
    name = options.get("dataset")
    return None if name is None else str(name)


@dataclass(frozen=True)
class StatOptions:
    """An inline stat's options (``:stat[key]{year=2021 format=raw}``): which dataset and which of its
    PRs, and how the value is written."""

    dataset: str | None
    """The dataset's name; None: the site's default dataset."""
    filters: Filters
    format: str = FORMATS[0]
    """``words`` (for people: ``April 2016 (9 PRs)``, ``37``) or ``raw`` (``2016-04 (9 PRs)``, ``36.5``)."""

    @classmethod
    def parse(cls, options: Mapping[str, Any]) -> StatOptions:
        check_known(options, STAT_KEYS)
        written = options.get("format", FORMATS[0])
        if written not in FORMATS:
            raise ConfigError(f"'format' must be one of {', '.join(FORMATS)}, got {written!r}")
        return cls(_dataset(options), Filters.from_options(options, ""), str(written))


@dataclass(frozen=True)
class StatsOptions:
    """A ``stats`` block's options: the figures of its table, its caption and the PRs it covers."""

    dataset: str | None
    filters: Filters
    stats: tuple[str, ...]
    """Stat keys, one row each (``DEFAULT_STATS`` when the block names none)."""
    title: str | None

    @classmethod
    def parse(cls, options: Mapping[str, Any]) -> StatsOptions:
        check_known(options, STATS_KEYS)
        keys = options.get("stats") or list(DEFAULT_STATS)
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise ConfigError("'stats' must be a list of stat names such as [total_prs, by_year.2021]")
        return cls(_dataset(options), Filters.from_options(options, ""), tuple(keys), _text(options, "title"))


@dataclass(frozen=True)
class ChartOptions:
    """A ``chart`` block's options for a chart of a dataset: which chart, of which PRs, how large."""

    kind: str
    """Which of ``CHART_KINDS`` the block gives: ``type``, ``spec`` or ``altair``."""
    target: str
    """Its value: the built-in type's name, the spec file (relative to the site) or ``module:function``."""
    dataset: str | None
    filters: Filters
    width: int
    height: int
    interactive: bool
    source: Mapping[str, Any] = field(hash=False, compare=False)
    """The block's mapping, from which a chart reads its own options (title, description, a type's extras)."""

    @classmethod
    def parse(cls, options: Mapping[str, Any]) -> ChartOptions:
        """Check the options of a chart of a dataset (not the career chart: ``CareerChartOptions``)."""
        from retroblog.charts.builtin import DEFAULT_HEIGHT, DEFAULT_WIDTH, OPTIONS

        kind = chart_kind(options)
        extra = OPTIONS.get(str(options.get("type")), set())
        check_known(options, CHART_KEYS | extra)
        return cls(
            kind=kind,
            target=str(options[kind]),
            interactive=interactive(options),
            width=size(options, "width", DEFAULT_WIDTH),
            height=size(options, "height", DEFAULT_HEIGHT),
            dataset=_dataset(options),
            filters=Filters.from_options(options, ""),
            source=options,
        )


def chart_kind(options: Mapping[str, Any]) -> str:
    """Which of ``CHART_KINDS`` a chart block gives; an error unless exactly one."""
    kinds = [k for k in CHART_KINDS if k in options]
    if len(kinds) != 1:
        from retroblog.charts.builtin import CHARTS

        raise ConfigError(
            "a chart needs exactly one of 'type' (a built-in chart), 'spec' (a Vega-Lite file) or "
            f"'altair' (module:function); built-in types: {', '.join(sorted(CHARTS))}"
        )
    return kinds[0]


def is_career_chart(options: Mapping[str, Any]) -> bool:
    """Whether a chart block draws the career timeline (which reads ``data/career.yml``, not a dataset)."""
    return options.get("type") == CAREER_CHART


@dataclass(frozen=True)
class CareerChartOptions:
    """A ``chart`` block of the career timeline: its size and text (it takes no dataset and no filters)."""

    width: int
    height: int
    title: str | None
    description: str | None
    interactive: bool

    @staticmethod
    def check_known(options: Mapping[str, Any]) -> None:
        """Refuse options the career chart does not take (before its file is read: they are the block's)."""
        check_known(options, CAREER_CHART_KEYS, f" for {CAREER_CHART} (it reads data/career.yml, not a dataset)")

    @classmethod
    def parse(cls, options: Mapping[str, Any]) -> CareerChartOptions:
        chart_kind(options)
        cls.check_known(options)
        return cls(
            width=size(options, "width", 640),
            height=size(options, "height", 240),
            title=_text(options, "title"),
            description=_text(options, "description"),
            interactive=interactive(options),
        )


CAREER_NOTE_DATE = (
    "a career note needs a date: 'date: 2021-05-01' in the block, or a post whose front matter "
    "has a date (got {!r}); or 'table: true' for the table of roles"
)


@dataclass(frozen=True)
class CareerNoteOptions:
    """A ``career`` block: the note for a day (``date``, else the post's), or with ``table: true`` every role."""

    table: bool
    date: dt.date | None
    """The block's own date; None: the post's."""

    @classmethod
    def parse(cls, options: Mapping[str, Any]) -> CareerNoteOptions:
        check_known(options, CAREER_NOTE_KEYS)
        if options.get("table") is True:
            return cls(True, None)
        if "date" not in options:
            return cls(False, None)
        return cls(False, _day(options["date"]))

    def day(self, page_date: dt.date | None) -> dt.date:
        """The day of the note: the block's date, else the post's; an error when neither is given."""
        return self.date if self.date is not None else _day(page_date)


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, dt.date):
        raise ConfigError(CAREER_NOTE_DATE.format(value))
    return value
