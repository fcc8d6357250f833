"""Repair mojibake (UTF-8 once decoded as Windows-1252) and nothing else.

Only ftfy's encoding fix runs (``ftfy.fix_encoding``): curly quotes, HTML entities, full-width
letters and ligatures stay exactly as written (ftfy's default ``fix_text`` would rewrite them; see
sources-and-formats.md §6.6). Lines inside fenced code blocks are left alone, and a line is only
handed to ftfy when it contains a character that mojibake is made of.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import ftfy

_SUSPECT = re.compile(r"[\u00c2-\u00c5\u00e2\u00f0\u00c3\u00ef\u0080-\u009f]")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
"""The opening (or closing) line of a fenced code block; ``retroblog.posts.common`` uses it too."""


@dataclass(frozen=True)
class Repair:
    """One repaired line: where, what it was, what it is."""

    line: int
    before: str
    after: str


def fix_text(text: str) -> str:
    """``text`` with its mojibake repaired (a single value such as a title)."""
    if not _SUSPECT.search(text):
        return text
    return ftfy.fix_encoding(text)


def fix_lines(text: str, first_line: int = 1) -> tuple[str, list[Repair]]:
    """Repair every line of ``text`` outside fenced code; ``first_line`` numbers its first line."""
    out: list[str] = []
    repairs: list[Repair] = []
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=first_line):
        marker = FENCE.match(line)
        if fence is None and marker:
            fence = marker.group(1)[0] * len(marker.group(1))
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is None:
            fixed = fix_text(line)
            if fixed != line:
                repairs.append(Repair(number, line, fixed))
                line = fixed
        out.append(line)
    return "\n".join(out), repairs


def changes(before: str, after: str) -> list[tuple[int, str, str]]:
    """Each changed run from ``before`` to ``after``: its offset in ``before``, what it was, what it is."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [(b1, before[b1:b2], after[a1:a2]) for tag, b1, b2, a1, a2 in matcher.get_opcodes() if tag != "equal"]


def note(path: str, line: int, column: int, before: str, after: str) -> str:
    """A report line for one repaired run at ``line`` and ``column`` (long runs shortened)."""
    if len(before) > 24:
        before, after = before[:24] + "…", after[:20] + "…"
    return f"{path}:{line}:{column}: mojibake '{before}' → '{after}'"


def describe(repair: Repair, path: str) -> list[str]:
    """Report lines for ``repair``: one per changed run of the line, with its line and column."""
    return [
        note(path, repair.line, offset + 1, before, after)
        for offset, before, after in changes(repair.before, repair.after)
    ]
