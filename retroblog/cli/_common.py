"""Shared helpers of the CLI commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from retroblog.errors import RetroblogError

F = TypeVar("F", bound=Callable[..., Any])


class UserError(click.ClickException):
    """A library error shown as ``Error: <message>`` with exit status 1 and no traceback."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn retroblog's errors into click's one-line errors."""
    try:
        yield
    except RetroblogError as exc:
        raise UserError(str(exc)) from None
