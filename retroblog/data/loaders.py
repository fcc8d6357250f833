"""Read dataset files into a raw table whose rows keep the line (or row) they came from.

The loaders only read: they map nothing and check no values, except what they must to read at all
(encoding, structure, hostile YAML). ``retroblog.data.validate`` turns a ``RawTable`` into PR records.

Fast paths use polars (a million rows of CSV, JSON Lines or Parquet in well under a second); files
with irregular structure (blank lines, rows with too many fields) take a slower path with the
standard library that can name every offending line exactly.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from retroblog.data.labels import valid_text
from retroblog.data.reading import MAX_NESTING, read_dataset_bytes, safe_loader, too_deep
from retroblog.data.schema import LINE, SUFFIXES
from retroblog.errors import DatasetError, Problem
from retroblog.util.quote import QUOTE_CHARS, clipped, quoted

if TYPE_CHECKING:  # PyYAML loads only when a YAML dataset does
    import yaml

MAX_YAML_NODES = 1_000_000
"""A YAML file that would expand to more values than this (through aliases) is refused."""


@dataclass
class RawTable:
    """Rows as read, before mapping and validation."""

    path: Path
    format: str
    frame: pl.DataFrame
    """Columns as in the file plus ``_line``."""
    location: str = "line"
    """What ``_line`` counts: ``line`` (text files) or ``row`` (Parquet, 1-based)."""
    problems: list[Problem] = field(default_factory=list)
    """Structural problems found while reading (ragged rows ...)."""
    digest: str = ""
    """sha256 of the file's bytes."""


def dataset_format(path: Path) -> str:
    """The format of a dataset file, from its suffix."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(SUFFIXES))
        raise DatasetError.single(path, f"unknown dataset format {quoted(path.suffix)}; expected one of {known}")
    return fmt


def read_raw(path: str | Path) -> RawTable:
    """Read one dataset file of any supported format."""
    path = Path(path)
    fmt = dataset_format(path)
    data = read_dataset_bytes(path)
    table = _read(path, fmt, data)
    table.digest = hashlib.sha256(data).hexdigest()
    return table


def _read(path: Path, fmt: str, data: bytes) -> RawTable:
    if csv.field_size_limit() < len(data):  # the csv module refuses cells over 128 KiB by default
        csv.field_size_limit(len(data))
    if fmt == "parquet":
        return _read_parquet(path, data)
    if fmt in ("csv", "tsv", "jsonl") and _regular(data):
        fast = _fast_delimited(path, data, fmt) if fmt != "jsonl" else _fast_jsonl(path, data)
        if fast is not None:
            return fast
    text = _decode(path, data)
    if not text.strip():
        raise DatasetError.single(path, "the file is empty; expected a header row and PR rows", line=1)
    if fmt in ("csv", "tsv"):
        return _read_delimited_slow(path, text.replace("\r\n", "\n"), "," if fmt == "csv" else "\t", fmt)
    if fmt == "jsonl":
        return _read_jsonl(path, text)
    if fmt == "json":
        return _read_json(path, text)
    return _read_yaml(path, text)


def _regular(data: bytes) -> bool:
    """Plain UTF-8 lines without blank lines: polars can read it and row N is line N (+ header).

    Searched in place (no copy of a file that may be hundreds of megabytes)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] == b"\x00\x00\xfe\xff":
        return False
    end = _body_end(data)
    return _NOT_SPACE.search(data, 0, end) is not None and _BLANK_LINE.search(data, 0, end) is None


_NOT_SPACE = re.compile(rb"\S")
_BLANK_LINE = re.compile(rb"\n\r?\n")  # one regex scan: 3x faster than two bytes.find() of the pairs


def _body_end(data: bytes) -> int:
    """Where the file's text ends: before its trailing line breaks."""
    end = len(data)
    while end and data[end - 1] in b"\r\n":
        end -= 1
    return end


# -------------------------------------------------------------------------------------------------
# Text


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM); UTF-16 and UTF-32 only with a BOM, which makes them unambiguous."""
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise DatasetError.single(path, f"not valid {codec.upper()} text: {exc.reason}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DatasetError.single(
            path,
            f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8 "
            "(Excel: 'CSV UTF-8'), or as UTF-16 with a byte order mark",
            line=line,
        ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _names(names: list[str], shown: int = 5) -> str:
    """Column names for a message: a few, each cut to a few dozen characters."""
    text = ", ".join(clipped(n, QUOTE_CHARS) for n in names[:shown])
    return text if len(names) <= shown else f"{text} and {len(names) - shown:,} more"


def _values(values: list[str], shown: int = 3) -> str:
    """Cell values for a message: a few, each quoted with at most a few dozen characters."""
    text = ", ".join(quoted(v) for v in values[:shown])
    return f"[{text}]" if len(values) <= shown else f"[{text}, ... {len(values) - shown:,} more]"


def _string_frame(header: list[str], rows: list[list[str | None]], lines: list[int]) -> pl.DataFrame:
    columns = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    frame = pl.DataFrame(columns, schema=dict.fromkeys(header, pl.String))
    return frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64))


def _check_header(path: Path, header: list[str]) -> None:
    seen: dict[str, int] = {}
    for index, name in enumerate(header, start=1):
        if not name.strip():
            raise DatasetError.single(path, f"column {index} of the header has no name", line=1)
        if name in seen:
            raise DatasetError.single(
                path,
                f"column '{clipped(name, QUOTE_CHARS)}' appears twice in the header (columns {seen[name]} and {index})",
                line=1,
            )
        seen[name] = index


def _fast_delimited(path: Path, data: bytes, fmt: str) -> RawTable | None:
    """polars' reader on the file's bytes; None when only the exact reader can tell the lines."""
    separator = "," if fmt == "csv" else "\t"
    try:
        frame = pl.read_csv(
            data,
            separator=separator,
            infer_schema=False,
            empty_string_is_null=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:
        return None  # too many fields in a row, broken quoting, not UTF-8 ...
    if data.count(b"\n", 0, _body_end(data)) != frame.height:
        return None  # newlines inside quoted fields
    newline = data.find(b"\n")
    try:  # polars reads the header leniently (a bad byte becomes U+FFFD): the exact reader names it
        first = data[: newline if newline >= 0 else len(data)].decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError:
        return None
    header = frame.columns
    try:
        names = next(csv.reader([first], delimiter=separator))
    except csv.Error:
        return None  # a lone carriage return ...: the exact reader names the line
    _check_header(path, [h.strip() for h in names])
    if frame.height == 0:
        raise DatasetError.single(path, "has a header but no PR rows", line=1)
    # polars pads short rows with empty strings; only rows whose last cell is empty can be short.
    problems: list[Problem] = []
    candidates = frame.select(pl.col(header[-1]) == "").to_series().arg_true().to_list()
    lines = data.split(b"\n") if candidates else []
    for index in candidates:
        try:
            fields = next(csv.reader([lines[index + 1].decode("utf-8").rstrip("\r")], delimiter=separator))
        except (csv.Error, UnicodeDecodeError):
            return None
        if len(fields) < len(header):
            problems.append(
                Problem(
                    str(path),
                    index + 2,
                    f"row has {len(fields)} fields but the header has {len(header)}; "
                    f"missing: {_names(header[len(fields) :])}",
                )
            )
    frame = frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(LINE))
    return RawTable(path, fmt, frame, problems=problems)


def _read_delimited_slow(path: Path, text: str, separator: str, fmt: str) -> RawTable:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    problems: list[Problem] = []
    header: list[str] | None = None
    rows: list[list[str | None]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not record or all(not cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
                _check_header(path, header)
                continue
            if len(record) != len(header):
                extra = "" if len(record) < len(header) else f"; extra values: {_values(record[len(header) :])}"
                problems.append(
                    Problem(
                        str(path),
                        line,
                        f"row has {len(record)} fields but the header has {len(header)}{extra}",
                    )
                )
                if len(record) > len(header):
                    continue
            padded: list[str | None] = [*record, *[None] * (len(header) - len(record))]
            rows.append(padded)
            lines.append(line)
    except csv.Error as exc:
        raise DatasetError.single(
            path, f"not readable as {fmt.upper()}: {clipped(str(exc))}", line=reader.line_num
        ) from None
    if header is None:
        raise DatasetError.single(path, "the file is empty; expected a header row and PR rows", line=1)
    if not rows and not problems:
        raise DatasetError.single(path, "has a header but no PR rows", line=1)
    return RawTable(path, fmt, _string_frame(header, rows, lines), problems=problems)


# -------------------------------------------------------------------------------------------------
# JSON


def _fast_jsonl(path: Path, data: bytes) -> RawTable | None:
    if _SURROGATE_ESCAPE.search(data):
        return None  # polars reads a lone "\ud800" as NUL; the exact reader as U+FFFD
    if not _shallow(data):
        return None  # polars infers deep types in cubic time (500 levels: 2 s); the exact reader refuses them
    lines = data.count(b"\n", 0, _body_end(data)) + 1
    try:
        frame = pl.read_ndjson(data, infer_schema_length=1000)
        if not _all_keys_seen(frame, data, lines):
            # A key that first appears after the sampled lines must not be dropped: infer from all.
            frame = pl.read_ndjson(data, infer_schema_length=None)
    except pl.exceptions.PolarsError:
        return None  # mixed types or broken lines: the exact reader names the line
    if frame.height != lines or any(_dtype_depth(t) > MAX_NESTING - 1 for t in frame.dtypes):
        return None  # the exact reader names the line (of the record nested too deep)
    frame = frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 1).alias(LINE))
    return RawTable(path, "jsonl", frame)


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}\n")
_MANY_BRACKETS = re.compile(rb"[^\n]{%d}" % MAX_NESTING)


def _shallow(data: bytes) -> bool:
    """True when no line of ``data`` can nest ``MAX_NESTING`` levels deep: none has that many brackets.

    (Brackets inside strings count too: such a line only takes the exact reader.) 0.1 s for 150 MB."""
    return _MANY_BRACKETS.search(data.translate(None, _NOT_BRACKETS)) is None


def _all_keys_seen(frame: pl.DataFrame, data: bytes, lines: int) -> bool:
    """True when the schema sampled from the first lines certainly covers every key of the file.

    Holds when the records are flat, no value is missing or null (so every line has every sampled
    key) and the file has exactly one ``":`` per sampled key and line (so no line has another key).
    Anything else (nested values, nulls, spacing, ``":`` inside strings) answers False: safe, slower.
    """
    if frame.height != lines or any(isinstance(t, pl.Struct | pl.List | pl.Array) for t in frame.dtypes):
        return False
    if any(frame.null_count().row(0)):
        return False
    return data.count(b'":') == lines * frame.width


def _read_jsonl(path: Path, text: str) -> RawTable:
    records: list[tuple[int, Any]] = []
    decoder = json.JSONDecoder()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value, end = decoder.raw_decode(line.strip())
        except json.JSONDecodeError as exc:
            raise DatasetError.single(path, f"not valid JSON: {exc.msg} (column {exc.colno})", line=number) from None
        except RecursionError:
            raise DatasetError.single(path, too_deep(), line=number) from None
        if end != len(line.strip()):
            raise DatasetError.single(path, "more than one JSON value on the line", line=number)
        records.append((number, value))
    return RawTable(path, "jsonl", _records_frame(path, records))


def _read_json(path: Path, text: str) -> RawTable:
    decoder = json.JSONDecoder()
    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    try:
        if not stripped.startswith("["):
            value = json.loads(text)
            if isinstance(value, dict):
                for key in (
                    "prs",
                    "pull_requests",
                    "pullRequests",
                    "data",
                    "items",
                    "records",
                    "value",
                ):
                    if isinstance(value.get(key), list):
                        return _read_json_list(path, value[key])
            raise DatasetError.single(path, "expected a JSON array of PR objects", line=1)
        records: list[tuple[int, Any]] = []
        index = offset + 1
        line = text.count("\n", 0, offset) + 1
        last = offset
        while True:
            while index < len(text) and text[index] in " \t\r\n,":
                index += 1
            if index >= len(text):
                raise json.JSONDecodeError("unterminated array", text, index)
            if text[index] == "]":
                break
            line += text.count("\n", last, index)
            last = index
            value, end = decoder.raw_decode(text, index)
            records.append((line, value))
            index = end
            while index < len(text) and text[index] in " \t\r\n":
                index += 1
            if index < len(text) and text[index] not in ",]":
                raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
    except json.JSONDecodeError as exc:
        raise DatasetError.single(path, f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from None
    except RecursionError:
        raise DatasetError.single(
            path, too_deep(), line=text.count("\n", 0, index) + 1 if stripped[:1] == "[" else None
        ) from None
    if text[index + 1 :].strip():
        raise DatasetError.single(path, "text after the end of the JSON array", line=text.count("\n", 0, index) + 1)
    return RawTable(path, "json", _records_frame(path, records))


def _read_json_list(path: Path, values: list[Any]) -> RawTable:
    return RawTable(path, "json", _records_frame(path, list(enumerate(values, start=1))), location="record")


def _records_frame(path: Path, records: Iterable[tuple[int, Any]]) -> pl.DataFrame:
    """Objects to a frame of strings (nested values as JSON text), so mixed types never break reading."""
    columns: dict[str, list[Any]] = {}
    lines: list[int] = []
    for count, (line, record) in enumerate(records):
        if not isinstance(record, dict):
            raise DatasetError.single(
                path, f"expected an object with PR fields, found {type(record).__name__}", line=line
            )
        if len(record) > 1 and len({str(k) for k in record}) < len(record):
            raise DatasetError.single(path, f"the key {quoted(_twice(record))} appears twice in the record", line=line)
        for key, value in record.items():
            key = str(key)
            if key not in columns:
                columns[key] = [None] * count
            if isinstance(value, list | dict) and _depth(value) > MAX_NESTING - 2:  # under the list and the record
                raise DatasetError.single(path, too_deep(), line=line)
            columns[key].append(_cell(value))
        for values in columns.values():
            if len(values) == count:
                values.append(None)
        lines.append(line)
    if not lines:
        raise DatasetError.single(path, "has no PR records", line=1)
    try:
        frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    except UnicodeEncodeError:  # a lone surrogate escape ("\ud800"), which no UTF-8 text can hold
        columns = {
            valid_text(k): [None if v is None else valid_text(v) for v in values] for k, values in columns.items()
        }
        frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    return frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64))


def _depth(value: Any) -> int:
    """How deep lists and objects nest in ``value`` (1 for a flat list), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        deepest = max(deepest, level)
        if level > MAX_NESTING:
            break
        stack.extend((c, level + 1) for c in children if isinstance(c, list | dict))
    return deepest


def _dtype_depth(dtype: Any) -> int:
    if isinstance(dtype, pl.List | pl.Array):
        return 1 + _dtype_depth(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return 1 + max((_dtype_depth(f.dtype) for f in dtype.fields), default=0)
    return 0


def _twice(record: dict[Any, Any]) -> str:
    """The first key of ``record`` whose text another key has too (YAML's ``1`` and ``'1'``)."""
    seen: set[str] = set()
    for key in map(str, record):
        if key in seen:
            return key
        seen.add(key)
    raise AssertionError("no key appears twice")  # pragma: no cover


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, (list, dict)):
        try:
            return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        except TypeError:  # YAML keys of mixed types (1 and 'a') cannot be sorted
            return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)  # YAML dates and datetimes: isoformat-like text


# -------------------------------------------------------------------------------------------------
# YAML


def _read_yaml(path: Path, text: str) -> RawTable:
    import yaml

    try:
        loader = safe_loader()(text)
    except yaml.reader.ReaderError as exc:  # a control character, checked before any parsing
        raise DatasetError.single(
            path,
            f"character U+{exc.character:04X} is not allowed in YAML (a control character)",
            line=text.count("\n", 0, exc.position) + 1,
        ) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise DatasetError.single(path, "the file is empty; expected a list of PR records", line=1)
        _check_yaml_size(path, node)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in what:
            what = f"{what}; only plain YAML values are allowed in a dataset"
        raise DatasetError.single(path, clipped(what), line=line) from None
    except yaml.YAMLError as exc:
        raise DatasetError.single(path, f"invalid YAML: {clipped(' '.join(str(exc).split()))}") from None
    finally:
        loader.dispose()
    if isinstance(data, dict):
        for key in ("prs", "pull_requests", "records"):
            if isinstance(data.get(key), list):
                found = next((v for k, v in node.value if k.value == key), None)
                items = found.value if isinstance(found, yaml.SequenceNode) else []
                if len(items) != len(data[key]):  # a list that came through a merge key (<<)
                    return RawTable(path, "yaml", _records_frame(path, [(1, v) for v in data[key]]))
                return RawTable(path, "yaml", _records_frame(path, _yaml_lines(items, data[key])))
        raise DatasetError.single(path, "expected a list of PR records (or a mapping with a 'prs' list)", line=1)
    if not isinstance(data, list):
        raise DatasetError.single(path, "expected a list of PR records", line=1)
    return RawTable(path, "yaml", _records_frame(path, _yaml_lines(node.value, data)))


def _yaml_lines(nodes: list[yaml.Node], values: list[Any]) -> list[tuple[int, Any]]:
    return [(n.start_mark.line + 1, v) for n, v in zip(nodes, values, strict=True)]


def _check_yaml_size(path: Path, root: yaml.Node) -> None:
    """Refuse alias bombs before constructing anything: count what the aliases would expand to."""
    import yaml

    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if done or not children:
            size = 1 + sum(sizes.get(id(c), 1) for c in children)
            sizes[key] = size
            if size > MAX_YAML_NODES:
                raise DatasetError.single(
                    path,
                    f"the YAML expands to more than {MAX_YAML_NODES:,} values through aliases (&anchor/*alias); "
                    "refused as an alias bomb",
                    line=node.start_mark.line + 1,
                )
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)


# -------------------------------------------------------------------------------------------------
# Parquet


def _read_parquet(path: Path, data: bytes) -> RawTable:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except pl.exceptions.PolarsError as exc:
        raise DatasetError.single(
            path, f"not a readable Parquet file: {clipped((str(exc).splitlines() or [''])[0])}"
        ) from None
    if frame.height == 0:
        raise DatasetError.single(path, "has no PR rows")
    frame = frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 1).alias(LINE))
    return RawTable(path, "parquet", frame, location="row")
