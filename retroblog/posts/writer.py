"""Write a ``Post`` as mkdocs-material blog Markdown: front matter Material accepts, then the body.

The output is a pure function of the post: the same input gives byte-identical files. Dates are
unquoted YAML timestamps (``2022-08-06`` or ``2022-08-06T10:00:00+02:00``) under ``date.created``;
lists are lists; every value is quoted by YAML itself, so no title can break out of its line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from retroblog.posts.model import Post


class _Dumper(yaml.SafeDumper):
    """Safe YAML; datetimes as ISO timestamps with ``T`` (the form Material documents)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", iso(value))


def iso(value: dt.date) -> str:
    """``value`` in ISO form, with milliseconds only when it has them (``…T16:20:05.123+00:00``)."""
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    spec = "seconds" if value.microsecond == 0 else "milliseconds" if value.microsecond % 1000 == 0 else "auto"
    return value.isoformat(timespec=spec)


_Dumper.add_representer(dt.datetime, _datetime)


def front_matter(post: Post) -> dict[str, Any]:
    """The front matter of ``post``, in the order it is written."""
    meta: dict[str, Any] = {"title": post.title}
    if post.description:
        meta["description"] = post.description
    date: dict[str, Any] = {"created": post.created}
    if post.updated is not None:
        date["updated"] = post.updated
    meta["date"] = date
    for key in ("authors", "categories", "tags"):
        values = getattr(post, key)
        if values:
            meta[key] = list(values)
    meta["slug"] = post.slug
    if post.draft:
        meta["draft"] = True
    if post.readtime is not None:
        meta["readtime"] = post.readtime
    if post.image:
        meta["image"] = post.image
    if post.hide:
        meta["hide"] = list(post.hide)
    meta.update(post.page)
    if post.extra:
        meta["retroblog"] = post.extra
    return meta


def dump_yaml(meta: dict[str, Any]) -> str:
    """``meta`` as block YAML: unicode kept, keys in the given order, no line folding."""
    return yaml.dump(
        meta,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10_000,
    )


def render(post: Post) -> str:
    """The whole file: ``---``, front matter, ``---``, a blank line, the body, one final newline."""
    body = post.body.strip("\n")
    return f"---\n{dump_yaml(front_matter(post))}---\n\n{body}\n"
