"""Shared helpers of the CLI commands.

User text (file names, repository names, titles, labels, column headers, messages that quote them) is
printed as text: consoles here interpret no rich markup, no ``:emoji:`` codes and highlight nothing, so
``[skip ci]`` stays in a title and ``[/]`` in a header cannot crash a print. Styles come from ``Text``
spans only. ``isolate`` (``retroblog.util.bidi``) keeps a bidirectional control in user text (U+202E,
say) from reversing the text after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.text import Text

from retroblog.errors import RetroblogError
from retroblog.util.bidi import balance

F = TypeVar("F", bound=Callable[..., Any])


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


def labelled(label: str, style: str, message: object) -> Text:
    """``label: message``, the label styled, the message as plain text."""
    return Text.assemble((f"{label}:", style), " ", balance(message))
