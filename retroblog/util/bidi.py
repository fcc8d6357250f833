"""Bidirectional text made safe to put beside other text.

A repository name or a title may hold a right-to-left override (U+202E) or another bidi control; put
into a sentence, a table cell or an attribute as it is, it reverses everything after it up to the end
of the paragraph. ``balance`` closes whatever the text opens (and drops closing marks that close
nothing of its own); ``isolate`` also makes it a bidi isolate, so right-to-left letters in it cannot
reorder the text around it. Text with neither is returned as it is, so plain output is unchanged.
Used by the CLI (tables, messages) and by ``retroblog.render`` (captions, labels, cells, SVG text).
"""

from __future__ import annotations

import re
import unicodedata

_EMBEDDINGS = {"\u202a", "\u202b", "\u202d", "\u202e"}  # LRE RLE LRO RLO, closed by PDF
_PDF = "\u202c"
_ISOLATES = {"\u2066", "\u2067", "\u2068"}  # LRI RLI FSI, closed by PDI
_PDI = "\u2069"
_FSI = "\u2068"
CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""The bidi embeddings, overrides and isolates and their closing marks: what ``balance`` balances."""
_RTL = {"R", "AL", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"}


def balance(text: object) -> str:
    """``text`` with every bidirectional embedding, override and isolate it opens closed at its end.

    A closing mark that opens nothing (a stray PDI) is dropped, so it cannot close what is around the
    text either. Text without such marks is returned as it is.
    """
    value = str(text)
    if not CONTROLS.search(value):
        return value
    stack: list[str] = []
    out: list[str] = []
    for char in value:
        if char in _EMBEDDINGS:
            stack.append(_PDF)
        elif char in _ISOLATES:
            stack.append(_PDI)
        elif char == _PDF:
            if not stack or stack[-1] != _PDF:
                continue  # closes nothing of the text's own (a PDF never closes an isolate)
            stack.pop()
        elif char == _PDI:
            if _PDI not in stack:
                continue
            while stack.pop() != _PDI:  # a PDI closes the embeddings opened inside its isolate too
                pass
        out.append(char)
    out.extend(reversed(stack))
    return "".join(out)


def isolate(text: object) -> str:
    """``text`` as a bidi isolate when it holds right-to-left letters or bidi controls, else as it is.

    In a table cell or a message, an isolate cannot reorder what comes after it: an override (U+202E)
    in a repository name reverses that name only.
    """
    value = str(text)
    if not any(unicodedata.bidirectional(c) in _RTL for c in value):
        return value
    return f"{_FSI}{balance(value)}{_PDI}"
