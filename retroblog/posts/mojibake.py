"""Repair mojibake (UTF-8 once decoded as Windows-1252) and nothing else.

Only ftfy's encoding fix runs (``ftfy.fix_encoding``): curly quotes, HTML entities, full-width
letters and ligatures stay exactly as written (ftfy's default ``fix_text`` would rewrite them; see
sources-and-formats.md §6.6). Lines inside fenced code blocks are left alone, and a line is only
handed to ftfy when it contains a character that mojibake is made of.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ftfy

if TYPE_CHECKING:
    from retroblog.posts.model import Kind

_SUSPECT = re.compile(r"[\u00c2-\u00c5\u00e2\u00f0\u00c3\u00ef\u0080-\u009f]")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
"""The opening (or closing) line of a fenced code block; ``retroblog.posts.common`` uses it too."""


@dataclass(frozen=True)
class Repair:
    """One repaired line: where, what it was, what it is."""

    line: int
    before: str
    after: str


_QUOTES = re.compile("\u201c|\u00e2\u20ac\u0153|\u201d|\u00e2\u20ac\u009d|\u00e2\u20ac(?= |$)")
"""Opening quotes (“, and its mojibake), closing ones (”, and its mojibake) and an ``â€`` whose last byte
was lost: ” is E2 80 9D, and 0x9D has no character in Windows-1252, so a text that went through it
keeps only ``â€``; followed by a space, ftfy reads the space as a lost no-break space and makes ``†``
(E2 80 A0)."""


def _lost_bytes(text: str) -> tuple[str, list[str]]:
    """``text`` with each ``â€`` that lost its last byte decided by its context, and a note on each.

    After an opening quote that is not closed yet, it is the closing quote ``”``; otherwise the repair
    is ftfy's (``†`` before a space), which may be wrong: both are noted, for the author to check.
    """
    out: list[str] = []
    notes: list[str] = []
    opened, last = 0, 0
    for match in _QUOTES.finditer(text):
        token = match.group()
        if token in ("\u201c", "\u00e2\u20ac\u0153"):
            opened += 1
        elif token in ("\u201d", "\u00e2\u20ac\u009d"):
            opened = max(opened - 1, 0)
        elif opened:
            opened -= 1
            out += [text[last : match.start()], "\u201d"]
            last = match.end()
            notes.append(
                f"column {match.start() + 1}: 'â€' read as a closing quote '”' whose last byte was lost "
                "(a quote opens before it); check it"
            )
        else:
            notes.append(
                f"column {match.start() + 1}: 'â€' is a closing quote '”' whose last byte was lost, or a "
                "dagger '†': repaired as ftfy reads it, with no opening quote before it to tell; check it"
            )
    return "".join([*out, text[last:]]), notes


def fix_text(text: str) -> str:
    """``text`` with its mojibake repaired (a single value such as a title)."""
    if not _SUSPECT.search(text):
        return text
    return ftfy.fix_encoding(_lost_bytes(text)[0])


def ambiguities(text: str) -> list[str]:
    """Notes on the repairs of ``text`` that had to be chosen (see ``_lost_bytes``): what to check."""
    return _lost_bytes(text)[1] if _SUSPECT.search(text) else []


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


def report(repair: Repair, path: str, add: Callable[[Kind, str], None]) -> None:
    """Report ``repair`` through ``add`` (a ``Report``'s): a ``repaired`` line per changed run, and a
    ``check`` line per repair that had to be chosen."""
    for line in describe(repair, path):
        add("repaired", line)
    for ambiguity in ambiguities(repair.before):
        add("check", f"{path}:{repair.line}: {ambiguity}")
