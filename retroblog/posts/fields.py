"""Front-matter keys read by table: a ``Field`` says which source keys give a post field, how the value
is read and how the report words it; ``Fields`` pops, reads and reports them.

Every format's reader (``formats/``) lists its keys as ``Field`` tables and ``retroblog:`` key tables
and keeps only what is its own (Jekyll's excerpt, Hashnode's several descriptions, ...) as code. A value
that cannot be read is a ``PostError`` naming the file, the key's line and the key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from retroblog.posts.common import as_list, fixed_text, retroblog_keys, text_value
from retroblog.posts.dates import parse_date
from retroblog.posts.frontmatter import RawPost
from retroblog.posts.model import Report

Read = Callable[["Fields", str, str, Any], Any]
"""How a value is read: ``(fields, key, name, value) -> value``; errors give ``key``'s line and ``name``."""


def as_is(fields: Fields, key: str, name: str, value: Any) -> Any:
    """The value as YAML read it."""
    return value


def as_text(fields: Fields, key: str, name: str, value: Any) -> str:
    """A scalar as text (``common.text_value``): a list or a mapping is an error."""
    return text_value(value, key=name, path=fields.path, line=fields.line(key))


def as_fixed_text(fields: Fields, key: str, name: str, value: Any) -> str:
    """A scalar as text with its mojibake repaired, and the repair reported."""
    return fixed_text(as_text(fields, key, name, value), name, fields.path, fields.line(key), fields.report)


def as_date(fields: Fields, key: str, name: str, value: Any) -> Any:
    """A date or a date and time in any shape ``dates.parse_date`` reads."""
    return parse_date(value, path=fields.path, line=fields.line(key), key=name)


@dataclass(frozen=True)
class Field:
    """A post field and the source keys it is read from, in the order they are looked for."""

    target: str
    """The field as reports name it (``date.created``, ``image (cover)``)."""
    keys: tuple[str, ...]
    read: Read = as_is
    note: str | None = "{key} → {target}"
    """What is reported as mapped (with ``{key}``, ``{target}`` and ``{value}``); None: nothing."""
    name: str | None = None
    """How a value's errors and repairs name the key (default: the key itself)."""
    filled: bool = False
    """A key counts only when its value is not empty (``title: ""`` is not a title)."""
    every: bool = False
    """Every key given is read and reported, and the last one's value is used (not only the first)."""


class Fields:
    """The keys of one source post not read yet (``meta``): each one read is popped and reported."""

    def __init__(
        self,
        path: str,
        meta: dict[str, Any],
        report: Report,
        line_of: Callable[[str], int | None],
        prefix: str = "",
    ) -> None:
        self.path = path
        self.meta = meta
        self.report = report
        self.line_of = line_of
        self.prefix = prefix
        """Put before each key in reports (``header.`` for the keys of Minimal Mistakes' ``header``)."""

    @classmethod
    def of(cls, raw: RawPost, report: Report) -> Fields:
        """The front matter of ``raw`` (a copy: ``raw.meta`` is left as it is)."""
        return cls(raw.path, dict(raw.meta), report, raw.line_of)

    def line(self, key: str) -> int:
        """The line of ``key`` in the source (1 when it is not known)."""
        return self.line_of(key) or 1

    def take(self, field: Field) -> tuple[str, Any] | None:
        """The key ``field`` is read from and its value, popped and reported; None when no key is given."""
        found: tuple[str, Any] | None = None
        for key in field.keys:
            if key not in self.meta or (field.filled and not self.meta[key]):
                continue
            value = field.read(self, key, field.name or key, self.meta.pop(key))
            if field.note is not None:
                shown = value.isoformat() if isinstance(value, dt.date) else value
                self.report.add("mapped", field.note.format(key=self.prefix + key, target=field.target, value=shown))
            found = (key, value)
            if not field.every:
                break
        return found

    def get(self, field: Field) -> Any:
        """The value ``field`` is read from (``take``), or None."""
        found = self.take(field)
        return None if found is None else found[1]

    def text(self, key: str) -> str:
        """``key``'s value as text, popped ("" when it is not given)."""
        return as_text(self, key, key, self.meta.pop(key, None))

    def names(self, key: str, split: str = "auto") -> list[str]:
        """``key``'s names (a list, or a text split as ``common.as_list`` does), popped."""
        return as_list(
            self.meta.pop(key, None), key=key, path=self.path, line=self.line(key), report=self.report, split=split
        )

    def extra(self, table: Mapping[str, str], into: dict[str, Any]) -> None:
        """Each key of ``table`` that is given, as it is, under ``retroblog:`` as the table's name for it."""
        for key, target in table.items():
            if key in self.meta:
                into[target] = self.meta.pop(key)
                self.report.add("mapped", f"{self.prefix}{key} → retroblog.{target}")

    def rest(self, raw: RawPost, source: str, extra: dict[str, Any]) -> dict[str, Any]:
        """retroblog's own keys (returned, for the top level); every other key left kept under
        ``retroblog.<source>``, so that nothing is lost."""
        page = retroblog_keys(raw, self.meta, self.report)
        if self.meta:
            extra[source] = self.meta
            self.report.add("kept", f"under retroblog.{source}: {', '.join(self.meta)}")
        return page
