"""The grain of a time chart: which periods its marks stand for, which of them its axis labels, in what words.

A chart over a few months draws a bar per month and names each one; over ten years that is 120 bars
of a few pixels and 120 labels piled on each other. ``choose`` takes the span (in months) and the plot's
width (in pixels) and returns a ``Grain``: the bins (months up to three years, then quarters, then
years, each bar at least ``MIN_BAR`` pixels wide) and the step between labelled ticks, so that
horizontal labels never overlap (``LONG_LABEL`` pixels for "Apr 2016", ``SHORT_LABEL`` for "2016").

Axes stay ordinal, keyed by the rows' own periods (``2016-04``, ``2016-Q2``, ``2016``): every period
has its band, an empty one too, and the labels are an explicit list (``axis_labels``) rather than
Vega's own choice. Pure functions of strings and numbers: no Altair here.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from retroblog.util.words import MONTH_ABBR as MONTH_ABBR  # months on an axis, in English: Jan to Dec
from retroblog.util.words import MONTHS, Words

MONTH_NAMES = MONTHS
"""Months in words, in English (the site's default language; ``Words`` has them in others)."""
ENGLISH = Words()
"""The words of a chart when none are given: English."""
BIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}
"""How many months one bin of each grain holds."""
MONTH_BINS_UP_TO = 36
"""The longest span, in months, drawn a bar per month (about three years)."""
QUARTER_BINS_UP_TO = 48
"""The most quarters drawn a bar per quarter (twelve years); more are drawn a bar per year."""
MIN_BAR = 6
"""The narrowest bin, in pixels: a finer grain whose bins would be narrower is not chosen."""
LONG_LABEL = 60
"""Pixels per tick a label of two words takes with its gap (``Apr 2016``, ``Q2 2016``)."""
SHORT_LABEL = 40
"""Pixels per tick a label of one word takes with its gap (``Apr``, ``Q2``, ``2016``)."""
STEPS = (1, 2, 3, 6, 12, 24, 36, 60, 120, 240, 600, 1200)
"""Months between labelled ticks, finest first: a step of 12 or more labels years."""


@dataclass(frozen=True)
class Grain:
    """What a time chart draws: one mark per ``bin``, a labelled tick every ``step`` months."""

    bin: str
    """``month``, ``quarter`` or ``year``."""
    step: int
    """Months between labelled ticks, a whole number of bins."""
    one_year: bool = False
    """Every bin is in the same calendar year: the labels leave the year out (``Apr``, ``Q2``)."""

    @property
    def heading(self) -> str:
        """The bin in a heading: ``Month``, ``Quarter``, ``Year``."""
        return self.bin.capitalize()

    def label(self, key: str, words: Words = ENGLISH) -> str:
        """The axis label of a bin's key: ``Apr 2016`` (or ``Apr``), ``Q2 2016`` (``Q2``), ``2016``; month
        names in ``words``' language (``Mär 2016``)."""
        year = key[:4]
        if self.bin == "year" or self.step >= 12:
            return year
        if self.bin == "quarter":
            return key[5:] if self.one_year else words.quarter(key)
        return words.month_abbr(int(key[5:7])) if self.one_year else words.short_month(key)

    def ticks(self, keys: Sequence[str]) -> list[str]:
        """The keys that get a labelled tick: those starting a step (January for a step of 12, the
        years divisible by 2 for 24 ...), or the first key when no key does."""
        chosen = [k for k in keys if _month_index(k) % self.step == 0]
        return chosen or list(keys[:1])


def choose(
    months: int, width: float, *, one_year: bool = False, bins: Sequence[str] = ("month", "quarter", "year")
) -> Grain:
    """The grain of a chart spanning ``months`` months on a plot ``width`` pixels wide.

    The bin is the first of ``bins`` that fits: months up to ``MONTH_BINS_UP_TO`` months, quarters
    up to ``QUARTER_BINS_UP_TO`` quarters, years always; each only while its bins are ``MIN_BAR``
    pixels wide or more (``bins=("month",)``: a line of monthly values, which only needs its ticks
    chosen). The step is the finest of ``STEPS`` whose labels, ``LONG_LABEL`` or ``SHORT_LABEL``
    pixels each, fit side by side. ``one_year``: the span is inside one calendar year, so labels of
    months and quarters are one word.
    """
    months = max(months, 1)
    width = max(width, 1.0)
    limits = {"month": MONTH_BINS_UP_TO, "quarter": QUARTER_BINS_UP_TO}
    grain = bins[-1]
    for candidate in bins[:-1]:
        count = _bins(months, BIN_MONTHS[candidate])
        if count <= limits.get(candidate, count) and width / count >= MIN_BAR:
            grain = candidate
            break
    size = BIN_MONTHS[grain]
    count = _bins(months, size)
    for step in STEPS:
        if step % size:
            continue
        label = SHORT_LABEL if step >= 12 or one_year else LONG_LABEL
        if width / count * (step // size) >= label:
            return Grain(grain, step, one_year)
    return Grain(grain, STEPS[-1], one_year)


def _bins(months: int, size: int) -> int:
    """The most bins of ``size`` months that ``months`` consecutive months can touch."""
    return math.ceil((months + size - 1) / size) if size > 1 else months


def _month_index(key: str) -> int:
    """Months since year 0 of the first month of a key: ``2016-04``, ``2016-Q2``, ``2016``, ``2016-04-04``."""
    year = int(key[:4])
    if len(key) == 4:
        return year * 12
    if key[5] == "Q":
        return year * 12 + (int(key[6]) - 1) * 3
    return year * 12 + int(key[5:7]) - 1


def bin_key(month: str, grain: str) -> str:
    """The key of the bin a month (``2016-04``) falls in: itself, ``2016-Q2`` or ``2016``."""
    if grain == "quarter":
        return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"
    return month[:4] if grain == "year" else month


def bin_words(key: str, words: Words = ENGLISH) -> str:
    """A bin's key in words, for a tooltip: ``April 2016``, ``Q2 2016``, ``2016`` (in ``words``' language)."""
    if len(key) == 4:
        return key
    if key[5] == "Q":
        return words.quarter(key)
    return month_words(key, words)


def month_words(month: str, words: Words = ENGLISH) -> str:
    """``2016-04`` -> ``April 2016`` (in ``words``' language: ``März 2016``)."""
    return words.month(month)


def period_words(first: str, last: str, words: Words = ENGLISH) -> str:
    """The months from ``first`` to ``last`` (``YYYY-MM``) in words, after a chart's noun:
    ``in April 2016``, ``from April to December 2019``, ``from April 2017 to December 2019`` (the
    months in ``words``' language)."""
    if first == last:
        return f"in {month_words(first, words)}"
    if first[:4] == last[:4]:
        return f"from {words.month_name(int(first[5:7]))} to {month_words(last, words)}"
    return f"from {month_words(first, words)} to {month_words(last, words)}"


def one_year(months: Iterable[str]) -> bool:
    """Whether every month key (``YYYY-MM``) is in the same calendar year."""
    return len({m[:4] for m in months}) <= 1


def label_expr(labels: dict[str, str], field: str = "value") -> str:
    """A Vega expression that writes each tick's label: the key's entry in ``labels`` (a tick not in it
    gets none). Keys and labels are the chart's own periods and words, quoted as JSON strings.
    ``field``: the datum's field that holds the key (a tick's ``value``, a row's ``month``)."""
    keys = json.dumps(list(labels), ensure_ascii=False)
    texts = json.dumps([*labels.values(), ""], ensure_ascii=False)
    return f"{texts}[indexof({keys}, datum.{field}) < 0 ? {len(labels)} : indexof({keys}, datum.{field})]"


def axis_options(
    grain: Grain,
    keys: Sequence[str],
    shown: Sequence[str] | None = None,
    *,
    year_on_first: bool = True,
    words: Words = ENGLISH,
) -> dict[str, Any]:
    """Axis properties of an ordinal time axis with the ``grain``'s ticks: horizontal labels, only at
    the chosen keys, in words; ``labelOverlap`` hides any that would still touch (a narrower view).

    ``keys`` are the bins' periods (``2016-04``, ``2016-Q2``, ``2016``); ``shown``, when given, the
    values the axis's field holds for them, in the same order (``Apr`` for ``2021-04`` in a chart of
    one year). Labels of one year leave the year out but for the first (``Jan 2021``, ``Feb``, ...),
    unless ``year_on_first`` is false (the chart's title names the year). Months in ``words``' language.
    """
    values = dict(zip(keys, shown or keys, strict=True))
    ticks = grain.ticks(keys)
    labels = {values[k]: grain.label(k, words) for k in ticks}
    if ticks and year_on_first and grain.one_year and grain.bin != "year" and grain.step < 12:
        labels[values[ticks[0]]] = year_label(grain, ticks[0], words)
    return {"values": list(labels), "labelExpr": label_expr(labels), "labelAngle": 0, "labelOverlap": "greedy"}


def year_label(grain: Grain, key: str, words: Words = ENGLISH) -> str:
    """The first label of a chart of one year, with its year: ``Jan 2021``, ``Q1 2021`` (``Jän. 2021``)."""
    return dataclasses.replace(grain, one_year=False).label(key, words)
