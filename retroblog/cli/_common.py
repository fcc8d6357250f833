"""Shared helpers of the CLI commands.

User text (file names, repository names, titles, labels, column headers, messages that quote them) is
printed as text: consoles here interpret no rich markup, no ``:emoji:`` codes and highlight nothing, so
``[skip ci]`` stays in a title and ``[/]`` in a header cannot crash a print. Styles come from ``Text``
spans only. ``isolate`` keeps a bidirectional control in user text (U+202E, say) from reversing the text
after it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.text import Text

from retroblog.errors import RetroblogError

F = TypeVar("F", bound=Callable[..., Any])

_EMBEDDINGS = {"\u202a", "\u202b", "\u202d", "\u202e"}  # LRE RLE LRO RLO, closed by PDF
_PDF = "\u202c"
_ISOLATES = {"\u2066", "\u2067", "\u2068"}  # LRI RLI FSI, closed by PDI
_PDI = "\u2069"
_FSI = "\u2068"
_RTL = {"R", "AL", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"}


class UserError(click.ClickException):
    """A library error shown as ``Error: <message>`` with exit status 1 and no traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(balance(message))


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn retroblog's errors into click's one-line errors."""
    try:
        yield
    except RetroblogError as exc:
        raise UserError(str(exc)) from None


def console(*, stderr: bool = False) -> Console:
    """A rich console that prints strings as they are: no markup, no emoji codes, no highlighting."""
    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)


def balance(text: object) -> str:
    """``text`` with every bidirectional embedding, override and isolate it opens closed at its end.

    A closing mark that opens nothing (a stray PDI) is dropped, so it cannot close what is around the
    text either. Text without such marks is returned as it is.
    """
    value = str(text)
    if not any(c in _EMBEDDINGS or c in _ISOLATES or c in (_PDF, _PDI) for c in value):
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


def labelled(label: str, style: str, message: object) -> Text:
    """``label: message``, the label styled, the message as plain text."""
    return Text.assemble((f"{label}:", style), " ", balance(message))
