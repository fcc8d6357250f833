"""Write collected rows to a dataset file, merging with the file a user already has.

The user's file is the base and is never rewritten: new PRs are appended after its last row, in its
own columns (matched by canonical name or alias, so a hand-made ``PR #,Merged,Lines added`` file
gets its new rows in those columns), in its own encoding and line endings. Rows already there,
edited cells, extra columns and removed columns stay exactly as the user left them; the bytes
before the append are the bytes of the old file. The write is atomic
(``retroblog.util.files.atomic_write``).

A PR is "already there" when the file has a row with the same repository and number, or the same
URL. ``replace=True`` writes a fresh file instead, and only then is an existing file overwritten.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from retroblog.collect.base import COLUMNS, CollectError, Row, parse_timestamp
from retroblog.collect.redact import REDACTED_COLUMN, Redactor
from retroblog.data.loaders import read_raw
from retroblog.data.schema import FIELD_BY_NAME, LINE, canonical_name, header_key
from retroblog.util.files import atomic_write

WRITABLE = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".jsonl": None, ".ndjson": None}
"""Suffixes collectors write, with the CSV delimiter (None: JSON Lines)."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xef\xbb\xbf", "utf-8"),
)

Key = tuple[str, str, int] | tuple[str, str]


@dataclass
class WriteResult:
    """What a write did (or, with ``dry_run``, would do)."""

    path: Path
    collected: int
    """Rows the collector produced."""
    added: int
    """Rows appended (or written to a new file)."""
    already_present: int
    """Collected rows skipped because the file has them."""
    existing: int = 0
    """Rows the file had before."""
    created: bool = False
    written: bool = False
    dropped_columns: tuple[str, ...] = ()
    """Collected columns the user's file does not have (their values were not written)."""
    added_rows: list[Row] = field(default_factory=list)


def check_output(path: str | Path) -> Path:
    """The output path, if collectors can write its format; a ``CollectError`` otherwise."""
    path = Path(path)
    if path.suffix.lower() not in WRITABLE:
        raise CollectError(
            f"{path}: collectors write CSV (.csv, .tsv) or JSON Lines (.jsonl); "
            f"'{path.suffix or path.name}' is not one of them"
        )
    if path.exists() and not path.is_file():
        raise CollectError(f"{path}: exists and is not a file")
    return path


def write_dataset(
    path: str | Path,
    rows: Sequence[Row],
    *,
    replace: bool = False,
    redactor: Redactor | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Write ``rows`` to ``path``: a new file, or an append of the PRs an existing file lacks.

    ``replace`` writes a new file over an existing one. ``dry_run`` only computes the result.
    """
    path = check_output(path)
    delimiter = WRITABLE[path.suffix.lower()]
    prepared = [redactor.redact(r) if redactor else dict(r) for r in rows]
    prepared = _dedupe(sorted(prepared, key=_order))
    columns = [*COLUMNS, REDACTED_COLUMN] if redactor else list(COLUMNS)
    if replace or not path.exists():
        if not prepared:
            raise CollectError(f"{path}: no PRs to write; the file was not created")
        result = WriteResult(path, len(rows), len(prepared), 0, created=True, added_rows=prepared)
        if not dry_run:
            text = _render(prepared, columns, delimiter, "\n", header=True)
            atomic_write(path, text, overwrite=replace)
            result.written = True
        return result
    return _append(path, rows, prepared, delimiter, redactor, dry_run=dry_run)


# -------------------------------------------------------------------------------------------------
# Appending to a user's file


def _append(
    path: Path,
    rows: Sequence[Row],
    prepared: list[Row],
    delimiter: str | None,
    redactor: Redactor | None,
    *,
    dry_run: bool,
) -> WriteResult:
    original = path.read_bytes()
    raw = read_raw(path)
    frame = raw.frame
    header = [c for c in frame.columns if c != LINE]
    targets = _targets(header)
    _check_redaction(path, frame, header, redactor)
    keys = _existing_keys(frame, targets)
    fresh: list[Row] = []
    present = 0
    for row in prepared:
        row_keys = _row_keys(row.get("repo") if "repo" in targets else None, row.get("number"), row.get("url"))
        if row_keys & keys:
            present += 1
            continue
        keys |= row_keys
        fresh.append(row)
    dropped = tuple(
        c for c in (*COLUMNS, REDACTED_COLUMN) if c not in targets and any(r.get(c) is not None for r in fresh)
    )
    result = WriteResult(
        path,
        len(rows),
        len(fresh),
        present,
        existing=frame.height,
        dropped_columns=dropped,
        added_rows=fresh,
    )
    if not fresh or dry_run:
        return result
    codec, bom, text = _decode(path, original)
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith(("\n", "\r")):
        text += newline
    mapped = [{targets[c]: v for c, v in row.items() if c in targets} for row in fresh]
    text += _render(mapped, header, delimiter, newline, header=False)
    if path.read_bytes() != original:
        raise CollectError(f"{path}: changed while collecting; run the collector again")
    atomic_write(path, bom + text.encode(codec), overwrite=True)
    result.written = True
    return result


def _targets(header: list[str]) -> dict[str, str]:
    """Collected column → the user's column that takes it (canonical names through aliases)."""
    targets: dict[str, str] = {}
    by_key = {header_key(h): h for h in reversed(header)}
    for column in header:
        name = canonical_name(column)
        if name and name not in targets:
            targets[name] = column
    for column in (*COLUMNS, REDACTED_COLUMN):
        if column not in FIELD_BY_NAME and header_key(column) in by_key:
            found = by_key[header_key(column)]
            if canonical_name(found) is None:
                targets[column] = found
    return targets


def _check_redaction(path: Path, frame: pl.DataFrame, header: list[str], redactor: Redactor | None) -> None:
    flag = next((h for h in header if header_key(h) == header_key(REDACTED_COLUMN)), None)
    marks = _texts(frame[flag]) if flag else [None] * frame.height
    redacted = sum(1 for m in marks if (m or "").strip().casefold() == "true")
    if redactor is None and redacted:
        raise CollectError(
            f"{path}: its rows are redacted (column '{flag}'); pass --redact (with the same key) "
            "so that real titles and names are not added to it"
        )
    if redactor is not None and redacted < frame.height:
        raise CollectError(
            f"{path}: has {frame.height - redacted} rows that are not redacted; --redact would mix "
            "real names and pseudonyms in one file. Write the redacted dataset to a new file, "
            "or pass --replace"
        )


def _existing_keys(frame: pl.DataFrame, targets: dict[str, str]) -> set[Key]:
    height = frame.height
    repos = _texts(frame[targets["repo"]]) if "repo" in targets else [None] * height
    numbers = _texts(frame[targets["number"]]) if "number" in targets else [None] * height
    urls = _texts(frame[targets["url"]]) if "url" in targets else [None] * height
    keys: set[Key] = set()
    for repo, number, url in zip(repos, numbers, urls, strict=True):
        keys |= _row_keys(_repo_text(repo), number, url)
    return keys


def _row_keys(repo: Any, number: Any, url: Any) -> set[Key]:
    keys: set[Key] = set()
    parsed = _number(number)
    if parsed is not None:
        keys.add(("n", str(repo or "").strip().casefold(), parsed))
    if url is not None and str(url).strip():
        keys.add(("u", str(url).strip()))
    return keys


def _number(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    match = re.fullmatch(r"\s*(?:PR\s*)?[#!]?\s*(\d+)(?:\.0+)?\s*", str(value), flags=re.IGNORECASE)
    return int(match[1]) if match else None


def _repo_text(value: str | None) -> str | None:
    if value and value.startswith("{"):
        try:
            data = json.loads(value)
        except ValueError:
            return value
        if isinstance(data, dict):
            for key in ("nameWithOwner", "full_name", "path_with_namespace", "name"):
                if isinstance(data.get(key), str):
                    return str(data[key])
    return value


def _texts(series: pl.Series) -> list[str | None]:
    """A column of any type (JSON Lines columns are typed) as texts."""
    out: list[str | None] = []
    for value in series.to_list():
        if value is None or isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict | list):
            out.append(json.dumps(value, ensure_ascii=False, default=str))
        else:
            out.append(str(value))
    return out


def _decode(path: Path, data: bytes) -> tuple[str, bytes, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, bom, data[len(bom) :].decode(codec)
    try:
        return "utf-8", b"", data.decode("utf-8")
    except UnicodeDecodeError:  # pragma: no cover - read_raw refused it already
        raise CollectError(f"{path}: not UTF-8 text; cannot append to it") from None


# -------------------------------------------------------------------------------------------------
# Rendering


def _order(row: Row) -> tuple[dt.datetime, str, int]:
    moment = parse_timestamp(row.get("merged_at"), "merged_at") or dt.datetime.min.replace(tzinfo=dt.UTC)
    number = row.get("number")
    return moment, str(row.get("repo") or ""), number if isinstance(number, int) else -1


def _dedupe(rows: list[Row]) -> list[Row]:
    seen: set[Key] = set()
    out: list[Row] = []
    for row in rows:
        keys = _row_keys(row.get("repo"), row.get("number"), row.get("url"))
        if keys & seen:
            continue
        seen |= keys
        out.append(row)
    return out


def _render(rows: Iterable[Row], columns: list[str], delimiter: str | None, newline: str, *, header: bool) -> str:
    if delimiter is None:
        lines = [json.dumps({c: row.get(c) for c in columns if c in row}, ensure_ascii=False) for row in rows]
        return "".join(line + newline for line in lines)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    if header:
        writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
