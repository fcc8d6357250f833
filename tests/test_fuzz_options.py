"""Fuzzed block options: whatever text a fence's body or an inline stat's ``{...}`` holds, reading it gives
typed options or retroblog's one-line error (``BlockError`` with its line, ``ConfigError``), never another
exception, and each example is read within the hypothesis deadline.

The text is drawn two ways: any characters at all, and YAML-shaped lines built from the option names,
values of every YAML type (dates that do not exist, huge numbers, tags, anchors and aliases, flow
collections left open, deep nesting) and the quoting of ``key=value`` pairs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from retroblog.build.options import (
    CHART_KEYS,
    STATS_KEYS,
    CareerChartOptions,
    CareerNoteOptions,
    ChartOptions,
    StatOptions,
    StatsOptions,
    is_career_chart,
)
from retroblog.build.syntax import parse_inline_options, parse_options, scan
from retroblog.errors import BlockError, ConfigError

FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
"""Modest: the four tests take a few seconds together; a single example over 2 s fails as a hang."""

KEYS = sorted(CHART_KEYS | STATS_KEYS | {"top", "date", "table", "format", "metric", "stats"})
SCALARS = st.one_of(
    st.sampled_from(
        [
            "2021",
            "2021-13-01",
            "2021-02-30",
            "2021-05",
            "9999-12-31",
            "0001-01-01",
            "99999999999999999999999",
            "-1",
            "0",
            "1e309",
            ".nan",
            "-.inf",
            "true",
            "no",
            "~",
            "null",
            "''",
            '"a\\x00b"',
            "!!python/object/apply:os.system ['true']",
            "!!binary aGk=",
            "!!timestamp 2021-99-99",
            "!!int x",
            "!!float y",
            "!ENV X",
            "&a [1, 2]",
            "*a",
            "[oops",
            "{a: 1",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
            "{a: {a: {a: {a: {a: {a: {a: {a: 1}}}}}}}}",
            "prs-per-year",
            "career-timeline",
            "charts:f",
            "../x.json",
            "[total_prs, by_year.2021, nope]",
            "|\n  text",
            "'quoted: colon'",
            "2021-01-01T25:00:00",
        ]
    ),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
    st.text(alphabet=st.characters(whitelist_categories=("Nd", "No", "Nl")), min_size=1, max_size=5),  # ², ٣, Ⅻ
)
LINE = st.one_of(
    st.tuples(st.sampled_from(KEYS), SCALARS).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.tuples(st.text(max_size=8), SCALARS).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.sampled_from(["- item", "  nested: 1", "\tkey: tab", "---", "...", "%YAML 1.1", "# comment", "", "key"]),
)
BODY = st.one_of(st.lists(LINE, max_size=8).map("\n".join), st.text(max_size=200))
INLINE_VALUE = st.one_of(SCALARS, st.text(max_size=12))
INLINE = st.one_of(
    st.lists(
        st.tuples(st.sampled_from([*KEYS, "", "=", "x y"]), st.sampled_from(["=", "", "=="]), INLINE_VALUE),
        max_size=6,
    ).map(lambda parts: " ".join(f"{k}{sep}{v}" for k, sep, v in parts)),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="}\n"), max_size=60),
)


def one_line(error: Exception) -> str:
    message = str(error)
    assert message and "\n" not in message and "Traceback" not in message, repr(message)
    return message


def typed(options: Mapping[str, Any]) -> None:
    """The options as each fence would type them: parsed, or a one-line ``ConfigError``."""
    chart = CareerChartOptions.parse if is_career_chart(options) else ChartOptions.parse
    for parse in (chart, StatsOptions.parse, CareerNoteOptions.parse, StatOptions.parse):
        try:
            parse(options)
        except ConfigError as exc:
            one_line(exc)


@FUZZ
@given(BODY)
@example("\x1b[31mtype: calendar")  # found by this test: a control character escaped as PyYAML's ReaderError
@example("type: prs-per-year\ntitle: [oops\n  x: {")
def test_a_fence_body_gives_options_or_one_line_error(body):
    try:
        options = parse_options(body)
    except BlockError as exc:
        one_line(exc)
        assert isinstance(exc.line, int) and 0 <= exc.line <= body.count("\n") + 2, (exc.line, body)
        return
    assert isinstance(options, dict) and all(isinstance(k, str) for k in options)
    typed(options)


@FUZZ
@given(INLINE)
@example("year=²")  # found by this test: "²".isdigit(), and int("²") raised ValueError
@example("year=٣")
def test_inline_stat_attributes_give_options_or_one_line_error(text):
    try:
        options = parse_inline_options(text)
    except ConfigError as exc:
        one_line(exc)
        return
    assert all(isinstance(k, str) and k for k in options)
    try:
        StatOptions.parse(options)
    except ConfigError as exc:
        one_line(exc)


@FUZZ
@given(
    st.lists(st.one_of(BODY.map(lambda b: f"```chart\n{b}\n```"), INLINE.map(lambda t: f":stat[x]{{{t}}}")), max_size=4)
)
def test_scanning_a_page_of_fuzzed_blocks_never_raises(blocks):
    """The plugin scans every page before it is converted: a block it cannot read is left to the page's
    conversion, which reports it with the page and line."""
    for job in scan("\n\n".join(blocks)):
        assert job.kind in ("chart", "stats", "stat") and isinstance(job.options, dict)
