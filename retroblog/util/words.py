"""Numbers in words for people: ``1 week``, ``2 weeks``, ``1,234 PRs``; months, quarters and dates in
the site's language (``April 2016``, ``Q2 2016``, ``3 June 2019``).

English is built in; another language's month names, quarters and number separators come from Babel
(installed with mkdocs-material), imported only when such a language is used.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from retroblog.errors import ConfigError

ENGLISH = "en"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_ABBR = tuple(name[:3] for name in MONTHS)
"""Months on an axis, in English: ``Jan`` to ``Dec``."""


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, singular for exactly one, else ``plural`` (default: ``noun`` + "s")."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def rounded(value: float) -> float | int:
    """A figure with sensible precision for prose: a whole number from 10 up (36.5 -> 37, halves up),
    one decimal below 10 (2.25 -> 2.3, 4.0 -> 4)."""
    places = Decimal(1) if abs(value) >= 10 else Decimal("0.1")
    exact = Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)
    return int(exact) if exact == exact.to_integral_value() else float(exact)


def check_language(language: Any, option: str = "language") -> str:
    """``language`` if it names a language whose words retroblog can write (``en``, ``de``, ``pt-BR``);
    else a ``ConfigError`` naming the option and what is expected."""
    if not isinstance(language, str) or not language.strip():
        raise ConfigError(f"retroblog: '{option}' must be a language code such as en, de or pt-BR, got {language!r}")
    code = str(language).strip()
    if code == ENGLISH:
        return code
    if _locale(code) is None:
        raise ConfigError(
            f"retroblog: '{option}' {code!r} is not a language retroblog can write dates in "
            "(Babel knows no such locale, or Babel is not installed: pip install babel); "
            "expected a code such as en, de, fr or pt-BR"
        )
    return code


@functools.lru_cache(maxsize=16)
def _locale(language: str) -> Any:
    """Babel's locale for ``pt-BR`` / ``pt_BR`` / ``ku-IQ`` (then ``ku``), or None if there is none."""
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:
        return None
    code = language.replace("-", "_")
    for candidate in (code, code.split("_")[0]):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return None


@functools.lru_cache(maxsize=16)
def _own_stand_alone_months(name: str) -> dict[str, dict[int, str]]:
    """The stand-alone month names (``wide``, ``abbreviated``) a Babel locale file has itself.

    Read from its file, not through ``Locale.months``: a language with none of its own shares the root's
    aliases, which Babel resolves once, for the first language asking, and then gives every other
    language that one's names (French asked after Japanese got ``3月``)."""
    import pickle

    from babel import localedata

    try:
        with Path(localedata.resolve_locale_filename(name)).open("rb") as file:
            data = pickle.load(file)  # Babel's own data file, as Babel reads it
    except (OSError, ValueError, pickle.UnpicklingError):
        return {}
    names = data.get("months", {}).get("stand-alone", {}) if isinstance(data, dict) else {}
    return {width: dict(values) for width, values in names.items() if isinstance(values, dict)}


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


@dataclass(frozen=True)
class Words:
    """Figures as a page shows them, in one language (``language``: a code ``check_language`` accepts)."""

    language: str = ENGLISH

    @property
    def _babel(self) -> Any:
        """Babel's locale, or None for the built-in English."""
        return None if self.language == ENGLISH else _locale(self.language)

    def number(self, value: float) -> str:
        """``1,234`` (the language's separators); a fraction with ``rounded``'s precision."""
        if isinstance(value, float):
            value = rounded(value)
        locale = self._babel
        if locale is None:
            return f"{value:,}"
        from babel.numbers import format_decimal

        return str(format_decimal(value, format="#,##0.#", locale=locale))

    def month(self, key: str) -> str:
        """``2016-04`` -> ``April 2016``."""
        day = dt.date(int(key[:4]), int(key[5:7]), 1)
        return self._format(day, "yMMMM", f"{MONTHS[day.month - 1]} {day.year}")

    def month_name(self, month: int) -> str:
        """A month's name on its own (``4`` -> ``April``; ``April`` in German, ``avril`` in French)."""
        return self._month_names("wide", month, MONTHS)

    def month_abbr(self, month: int) -> str:
        """A month's short name on its own, for an axis (``4`` -> ``Apr``; ``Mär`` for 3 in German)."""
        return self._month_names("abbreviated", month, MONTH_ABBR)

    def short_month(self, key: str) -> str:
        """``2016-04`` -> ``Apr 2016`` (the language's own pattern: ``Apr. 2016``, ``2016年4月``)."""
        day = dt.date(int(key[:4]), int(key[5:7]), 1)
        return self._format(day, "yMMM", f"{MONTH_ABBR[day.month - 1]} {day.year}")

    def _month_names(self, width: str, month: int, english: tuple[str, ...]) -> str:
        """The stand-alone name (CLDR's for a month on its own) where the language has one of its own,
        else, as CLDR says, its name in a date."""
        locale = self._babel
        if locale is None:
            return english[month - 1]
        for name in dict.fromkeys((str(locale), locale.language)):
            names = _own_stand_alone_months(name).get(width)
            if names and month in names:
                return str(names[month])
        return str(locale.months["format"][width][month])

    def quarter(self, key: str) -> str:
        """``2016-Q2`` -> ``Q2 2016``."""
        year, quarter = int(key[:4]), int(key[-1])
        return self._format(dt.date(year, quarter * 3 - 2, 1), "yQQQ", f"Q{quarter} {year}")

    def date(self, key: str) -> str:
        """``2019-06-03`` -> ``3 June 2019``."""
        day = dt.date.fromisoformat(key)
        return self._format(day, "yMMMMd", f"{day.day} {MONTHS[day.month - 1]} {day.year}")

    def period(self, key: str) -> str:
        """A month, quarter, date or year key in words (a year, or any other key, as it is)."""
        if not _ascii_digits(key[:4]):  # str.isdigit alone is true for "²" too
            return key
        if len(key) == 7 and key[4] == "-" and _ascii_digits(key[5:]) and 1 <= int(key[5:]) <= 12:
            return self.month(key)
        if len(key) == 7 and key[4:6] == "-Q" and key[6] in "1234":
            return self.quarter(key)
        if len(key) == 10 and key[4] == key[7] == "-" and _ascii_digits(key[5:7] + key[8:]):
            try:
                return self.date(key)
            except ValueError:  # 2021-02-30
                return key
        return key

    def _format(self, day: dt.date, skeleton: str, english: str) -> str:
        locale = self._babel
        if locale is None:
            return english
        from babel.dates import format_skeleton

        return str(format_skeleton(skeleton, day, locale=locale))
