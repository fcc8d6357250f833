"""A tolerant front-matter reader that knows the line of every key.

Reads ``---``-fenced YAML front matter the way mkdocs-material does (safe YAML, ``utf-8-sig``), with
three differences that matter for posts written for other engines:

* every problem is a ``PostError`` naming the file and the line (never a PyYAML traceback);
* a scalar whose quoting is broken in a way only one reading makes sense of (Hashnode writes
  ``title: "Why I keep choosing "boring" infrastructure"``; Jekyll authors write
  ``title: Infra: what nobody tells you``) is re-quoted and read, and the repair is noted;
* anchors and aliases are refused (they buy nothing in front matter and are how YAML bombs work).

Anything else wrong in the YAML, a fence that never closes, or front matter that is not a mapping
is an error with the line where it is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from retroblog.errors import PostError

FENCE = re.compile(r"^---[ \t]*$")
CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w.-]*)(?P<sep>:[ \t]+)(?P<value>\S.*?)[ \t]*$")
_TOP_KEY = re.compile(r"^(?P<key>[^\s#'\"{\[&*!|>%@`-][^:#]*?):(?:[ \t]|$)")
_MAX_REPAIRS = 20


@dataclass(frozen=True)
class RawPost:
    """A post's text split into front matter and body; nothing interpreted yet."""

    path: str
    meta: dict[str, Any]
    """The front matter as YAML reads it (after repairs); empty when there is none."""
    body: str
    """Everything after the closing fence (or the whole text without front matter)."""
    body_line: int
    """The line number (1-based) where ``body`` starts in the file."""
    has_front_matter: bool
    key_lines: dict[str, int] = field(default_factory=dict)
    """The line of each top-level key."""
    repairs: tuple[str, ...] = ()
    """What the tolerant reading changed, each naming its line."""
    duplicates: tuple[str, ...] = ()
    """Top-level keys given more than once, each naming the line whose value is used."""

    def line_of(self, key: str) -> int:
        """The line of ``key`` in the file, or of the opening fence when the key is absent."""
        return self.key_lines.get(key, 1)


class _AliasError(yaml.MarkedYAMLError):
    """YAML anchors and aliases are refused."""


class _Loader(yaml.SafeLoader):
    """Safe YAML without aliases; bad dates become marked errors instead of ``ValueError``."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML's stubs leave it untyped
            raise _AliasError(None, None, "aliases (*name) are not allowed in front matter", event.start_mark)
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if getattr(event, "anchor", None) is not None:
            raise _AliasError(None, None, "anchors (&name) are not allowed in front matter", event.start_mark)
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is not a real date ({exc})", node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def read_post(text: str, path: str = "<post>") -> RawPost:
    """Split ``text`` into front matter and body; raise ``PostError`` with a line on any problem."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or not FENCE.match(lines[0]):
        return RawPost(path=path, meta={}, body=text, body_line=1, has_front_matter=False)
    close = next((i for i in range(1, len(lines)) if CLOSE.match(lines[i])), None)
    if close is None:
        raise PostError(path, 1, "the front matter opened here with '---' is never closed by a '---' line")
    yaml_lines = lines[1:close]
    body = "\n".join(lines[close + 1 :])
    meta, key_lines, repairs, duplicates = _parse(yaml_lines, path)
    return RawPost(
        path=path,
        meta=meta,
        body=body,
        body_line=close + 2,
        has_front_matter=True,
        key_lines=key_lines,
        repairs=tuple(repairs),
        duplicates=tuple(duplicates),
    )


def _parse(yaml_lines: list[str], path: str) -> tuple[dict[str, Any], dict[str, int], list[str], list[str]]:
    """Parse the YAML between the fences (file line = index + 2), repairing broken quoting.

    Returns the front matter, the line of each key, the repairs and the repeated keys."""
    current = list(yaml_lines)
    repairs: list[str] = []
    repaired: set[int] = set()
    for _ in range(_MAX_REPAIRS):
        try:
            meta, key_lines, duplicates = _load("\n".join(current) + "\n", path)
        except PostError as exc:
            fixed = _repair(current, exc.line, path)
            if fixed is None or fixed[0] in repaired:
                raise
            index, note = fixed
            repaired.add(index)
            repairs.append(note)
            current[index] = _requote(current[index])
            continue
        return meta, key_lines, repairs, duplicates
    meta, key_lines, duplicates = _load("\n".join(current) + "\n", path)
    return meta, key_lines, repairs, duplicates


def _load(source: str, path: str) -> tuple[dict[str, Any], dict[str, int], list[str]]:
    loader: _Loader | None = None
    try:
        loader = _Loader(source)
        node = loader.get_single_node()
        if node is None:
            return {}, {}, []
        if not isinstance(node, yaml.MappingNode):
            raise PostError(
                path,
                node.start_mark.line + 2,
                "front matter must be 'key: value' lines, not a list or text",
            )
        data = loader.construct_document(node)
    except PostError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 2
        problem = exc.problem or exc.context or "invalid YAML"
        context = exc.context_mark.line + 2 if exc.context_mark is not None else line
        if exc.context and context != line and "block mapping" not in exc.context:
            problem = f"{problem} ({exc.context} started on line {context})"
        key = _key_at(source, min(line, context))
        field = f", in '{key}'" if key else ""
        raise PostError(path, line, f"invalid YAML in the front matter{field}: {problem}") from None
    except yaml.reader.ReaderError as exc:
        line = source.count("\n", 0, max(exc.position, 0)) + 2
        raise PostError(
            path,
            line,
            f"front matter contains a control character YAML does not allow (U+{exc.character:04X})",
        ) from None
    except yaml.YAMLError as exc:
        raise PostError(path, 2, f"invalid YAML in the front matter: {exc}") from None
    except RecursionError:
        raise PostError(path, 2, "front matter is nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    key_lines: dict[str, int] = {}
    seen: dict[str, list[int]] = {}
    meta: dict[str, Any] = {}
    for key_node, _value in node.value:
        line = key_node.start_mark.line + 2
        if not isinstance(key_node, yaml.ScalarNode):
            raise PostError(path, line, "front matter keys must be names, not lists or mappings")
        key_lines[str(key_node.value)] = line  # YAML keeps a repeated key's last value: its line is that one's
        seen.setdefault(str(key_node.value), []).append(line)
    duplicates = [
        f"{path}:{lines[-1]}: '{key}' is given {len(lines)} times (lines {', '.join(map(str, lines))}); "
        f"the last one (line {lines[-1]}) is used, as YAML reads it"
        for key, lines in seen.items()
        if len(lines) > 1
    ]
    for key, value in data.items():
        if not isinstance(key, str):
            name = key.isoformat() if isinstance(key, dt.date) else str(key)
            raise PostError(
                path,
                key_lines.get(name, 2),
                f"front matter key {name!r} must be a name, not a number or date",
            )
        meta[key] = value
    return meta, key_lines, duplicates


def _key_at(source: str, line: int) -> str | None:
    """The top-level key whose value file line ``line`` is part of (front matter starts on line 2)."""
    lines = source.split("\n")[: max(line - 1, 0)]
    for text in reversed(lines):
        if match := _TOP_KEY.match(text):
            return match["key"]
    return None


def _repair(lines: list[str], error_line: int | None, path: str) -> tuple[int, str] | None:
    """Which line (index) to re-quote for an error on file line ``error_line``, and a note."""
    if error_line is None:
        return None
    for index in (error_line - 2, error_line - 3):
        if not 0 <= index < len(lines):
            continue
        match = _KEY_LINE.match(lines[index])
        if match is None:
            continue
        value = match["value"]
        quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" and value[0] in value[1:-1]
        colon = value[0] not in "\"'[{|>&*!%@`#" and ": " in value
        if quoted or colon:
            what = "unescaped quotes inside quotes" if quoted else "': ' inside an unquoted value"
            return index, f"{path}:{index + 2}: '{match['key']}' had {what}; read as the whole line"
    return None


def _requote(line: str) -> str:
    match = _KEY_LINE.match(line)
    assert match is not None
    value = match["value"]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return f"{match['key']}: '{value.replace(chr(39), chr(39) * 2)}'"
