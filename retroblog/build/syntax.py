"""retroblog's syntax in a page's Markdown: the fences and inline stats, found and read without Markdown.

The Markdown extension converts what this module finds; the MkDocs plugin scans pages with it before
they are converted (to start their charts early) and adds a post's career note. No framework here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from retroblog.errors import BlockError, ConfigError, RetroblogError

LANGUAGES = ("chart", "stats", "career")
"""The info strings of retroblog's fences: the one list that the extension converts and the plugin looks for."""
COMPUTED = ("chart", "stats")
"""The fences computed from a dataset, which ``scan`` finds for the worker (a career note is read at once)."""
FENCE_MARKS = ("```", "~~~")
INLINE_MARK = ":stat["
MARKS = (INLINE_MARK, *(fence + lang for lang in LANGUAGES for fence in FENCE_MARKS))
"""Text that a page using retroblog's syntax holds (before its code is told apart from its prose)."""

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w.+-]*)[^\n]*$")
INLINE = re.compile(r":stat\[(?P<key>[^\]\n]+)\](?:\{(?P<options>[^}\n]*)\})?")
CODE_SPAN = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)")


def may_hold_blocks(text: str) -> bool:
    """Whether a page may hold a fence or an inline stat (a cheap test before scanning it)."""
    return INLINE_MARK in text or any(mark in text for mark in FENCE_MARKS)


def uses_blocks(text: str) -> bool:
    """Whether text holds one of retroblog's fences or an inline stat (or their marks in code)."""
    return any(mark in text for mark in MARKS)


@dataclass
class Job:
    """One block found in a page's Markdown: what to compute, before the page is converted."""

    kind: str
    """``chart``, ``stats`` (a stats fence) or ``stat`` (an inline stat)."""
    options: dict[str, Any]
    stat_key: str | None = None


def parse_options(source: str) -> dict[str, Any]:
    """The YAML options of a fenced block; errors carry the line inside the block."""
    return dict(_parse_options(source))  # a copy: callers may change it


@functools.lru_cache(maxsize=4096)  # a blog converts each post again for its index pages
def _parse_options(source: str) -> dict[str, Any]:
    """Options, or a ``BlockError`` with the line: never another exception, whatever the text."""
    if not source.strip():
        return {}
    try:
        for event in yaml.parse(source, Loader=yaml.SafeLoader) if "*" in source else ():
            if isinstance(event, yaml.AliasEvent):  # `*name`: options never need one, and aliases can
                # multiply a few lines into millions of values
                line = event.start_mark.line + 1 if event.start_mark else 0
                raise BlockError("invalid YAML: aliases (*name) are not allowed in a block", line)
        value = yaml.safe_load(source)
    except yaml.reader.ReaderError as exc:  # a control character: refused before any parsing, without a mark
        line = source[: max(exc.position, 0)].count("\n") + 1
        raise BlockError(f"invalid YAML: character {exc.character!r} is not allowed in a block", line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "cannot be read"
        raise BlockError(f"invalid YAML: {_one_line(problem)}", (mark.line + 1) if mark else 0) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        # PyYAML reads `2021-13-01` as a date and fails with a bare ValueError, without a line
        line, problem = _failing_value(source, exc)
        raise BlockError(f"invalid YAML: {_one_line(problem)}", line) from None
    if not isinstance(value, dict):
        raise BlockError("expected 'key: value' options such as 'type: prs-per-year'", 1)
    return {str(k): v for k, v in value.items()}


_KINDS = {"timestamp": "date", "int": "whole number", "float": "number", "bool": "true or false"}


def _one_line(text: object) -> str:
    """An error's words on one line (PyYAML's may hold a snippet of the text under them)."""
    return " ".join(str(text).split())


def _failing_value(source: str, error: Exception) -> tuple[int, str]:
    """The line (from the fence) and words for the scalar PyYAML could not read as its type."""
    loader = yaml.SafeLoader(source)
    try:
        nodes = [loader.get_single_node()]
        while nodes:
            node = nodes.pop(0)
            if isinstance(node, yaml.MappingNode):
                nodes += [n for pair in node.value for n in pair]
            elif isinstance(node, yaml.SequenceNode):
                nodes += node.value
            elif isinstance(node, yaml.ScalarNode):
                try:
                    loader.construct_object(node, deep=True)
                except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
                    kind = _KINDS.get(str(node.tag).rpartition(":")[2], "value")
                    return node.start_mark.line + 1, f"{node.value!r} is not a valid {kind} ({exc})"
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        pass
    finally:
        loader.dispose()
    return 0, f"{type(error).__name__}: {error}"


def fence_end(lines: list[str], start: int, fence: str) -> int:
    """Index of the line closing the fence opened at ``start`` (the last line if it is never closed)."""
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            return index
    return len(lines) - 1


def segments(lines: list[str]) -> Iterator[tuple[int, int, re.Match[str] | None]]:
    """A page's lines as CommonMark reads its fences: ``(first, last, fence)`` for each fenced block
    (``fence``: the match of its opening line, ``last`` its closing line), ``(i, i, None)`` for each
    other line. The one walk of a page's fences: the extension, the block scan, export and the
    fact-check all read a page through it."""
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if match is None:
            yield index, index, None
            index += 1
            continue
        end = fence_end(lines, index, match.group("fence"))
        yield index, end, match
        index = end + 1


def fence_body(lines: list[str], start: int, end: int, indent: str) -> str:
    """The text between a fence's lines, without the fence's own indentation."""
    return "\n".join(line[len(indent) :] if line.startswith(indent) else line for line in lines[start + 1 : end])


def outside_code(line: str) -> Iterator[str]:
    """The parts of a line that are not inside a code span."""
    last = 0
    for span in CODE_SPAN.finditer(line):
        yield line[last : span.start()]
        last = span.end()
    yield line[last:]


def scan(markdown: str) -> Iterator[Job]:
    """Every block and inline stat of a page, as the Markdown extension will meet them (bad ones skipped)."""
    lines = markdown.split("\n")
    for start, end, fence in segments(lines):
        if fence is None:
            if INLINE_MARK in lines[start]:
                for part in outside_code(lines[start]):
                    for inline in INLINE.finditer(part):
                        try:
                            inline_options = parse_inline_options(inline.group("options") or "")
                        except RetroblogError:
                            continue
                        yield Job("stat", inline_options, inline.group("key").strip())
        elif fence.group("lang") in COMPUTED:
            body = fence_body(lines, start, end, fence.group("indent"))
            options = None
            with contextlib.suppress(BlockError):  # the page's conversion reports it, with its line
                options = parse_options(body)
            if options is not None:
                yield Job("chart" if fence.group("lang") == "chart" else "stats", options)


def parse_inline_options(text: str) -> dict[str, Any]:
    """``year=2021 repo="a b"`` -> ``{"year": 2021, "repo": "a b"}``."""
    options: dict[str, Any] = {}
    try:
        parts = shlex.split(text.replace(",", " "))
    except ValueError as exc:
        raise ConfigError(f"cannot read options {text!r}: {exc}") from None
    for part in parts:
        key, sep, value = part.partition("=")
        if not sep or not key:
            raise ConfigError(f"expected key=value, got {part!r}")
        # (ASCII digits only: "²".isdigit() is true, and int() refuses it)
        options[key] = int(value) if key == "year" and value.isascii() and value.isdigit() else value
    return options


def post_date(meta: Mapping[str, Any]) -> dt.date | None:
    """A post's date from its front matter: ``date: 2022-05-01`` or mkdocs-material's ``date: {created: ...}``."""
    value = meta.get("date")
    if isinstance(value, Mapping):
        value = value.get("created")
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def with_career_note(markdown: str, day: dt.date) -> str:
    """The Markdown with a ``career`` fence for ``day`` under its first ``# title`` line (else at the top).

    The date is written into the block, so the note is the same wherever the post's Markdown is
    converted again (a blog index converts each post's excerpt under the index's name).
    """
    lines = markdown.split("\n")
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    return "\n".join([*lines[:at], "", "```career", f"date: {day.isoformat()}", "```", "", *lines[at:]])
