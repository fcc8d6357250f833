"""Write collected rows to a dataset file, merging with the file a user already has.

The user's file is the base and is never rewritten: new PRs are appended after its last row, in its
own columns (matched by canonical name or alias, so a hand-made ``PR #,Merged,Lines added`` file
gets its new rows in those columns), in its own encoding and line endings. Rows already there,
edited cells, extra columns and removed columns stay exactly as the user left them; the bytes
before the append are the bytes of the old file. The write is atomic
(``retroblog.util.files.atomic_write``).

A PR is "already there" when the file has a row with the same URL, or the same repository and number
and no merge commit that says otherwise; two PRs under one repository and number (two repositories that
share a name) are an error that names both, never a PR silently dropped. ``replace=True`` writes a fresh
file instead, and only then is an existing file overwritten.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from retroblog.collect.base import COLUMNS, Row, parse_timestamp
from retroblog.collect.redact import REDACTED_COLUMN, Redactor
from retroblog.data.loaders import read_raw
from retroblog.data.schema import FIELD_BY_NAME, LINE, canonical_name, header_key
from retroblog.errors import CollectError, ExistsError
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


def check_output(path: str | Path, *, writable: bool = False) -> Path:
    """The output path, if collectors can write its format; a ``CollectError`` otherwise.

    ``writable``: also refuse a path in a folder the user cannot write (checked before a long collect;
    the write itself still reports any failure, a full disk say, as a ``CollectError``)."""
    path = Path(path)
    if path.suffix.lower() not in WRITABLE:
        raise CollectError(
            f"{path}: collectors write CSV (.csv, .tsv) or JSON Lines (.jsonl); "
            f"'{path.suffix or path.name}' is not one of them"
        )
    if path.exists() and not path.is_file():
        raise CollectError(f"{path}: exists and is not a file")
    folder = next((p for p in path.absolute().parents if p.exists()), None)
    if (
        writable and folder is not None and not os.access(folder, os.W_OK | os.X_OK)
    ):  # said before a long collect, not after
        raise CollectError(f"{path}: cannot be written: {folder} is not writable (permission denied)")
    return path


def _write(path: Path, data: str | bytes, *, overwrite: bool, existed: bool) -> None:
    """``atomic_write``, its failures as one line that names the file and the system's reason."""
    try:
        atomic_write(path, data, overwrite=overwrite)
    except ExistsError:
        raise CollectError(
            f"{path}: was created by another program while collecting; nothing was written. Run the collector "
            "again to add the collected PRs to it (or pass --replace to overwrite it)"
        ) from None
    except OSError as exc:
        kept = "the file was left as it was" if existed else "nothing was written"
        raise CollectError(f"{path}: cannot be written ({exc.strerror or exc}); {kept}") from None


def write_dataset(
    path: str | Path,
    rows: Sequence[Row],
    *,
    replace: bool = False,
    redactor: Redactor | None = None,
    dry_run: bool = False,
    columns: Sequence[str] = COLUMNS,
    order: str = "merged_at",
) -> WriteResult:
    """Write ``rows`` to ``path``: a new file, or an append of the PRs an existing file lacks.

    ``replace`` writes a new file over an existing one. ``dry_run`` only computes the result.
    ``columns`` and ``order`` (the date column new rows are sorted by) are a PR dataset's unless given
    (a reviews dataset has its own, ``retroblog.collect.reviews``).
    """
    path = check_output(path)
    delimiter = WRITABLE[path.suffix.lower()]
    prepared = [redactor.redact(r) if redactor else dict(r) for r in rows]
    prepared = _dedupe(sorted(prepared, key=lambda row: _order(row, order)))
    collected = tuple(columns)
    columns = [*collected, REDACTED_COLUMN] if redactor else list(collected)
    if replace or not path.exists():
        if not prepared:
            raise CollectError(f"{path}: no PRs to write; the file was not created")
        result = WriteResult(path, len(rows), len(prepared), 0, created=True, added_rows=prepared)
        if not dry_run:
            text = _render(prepared, columns, delimiter, "\n", header=True)
            _write(path, text, overwrite=replace, existed=path.exists())
            result.written = True
        return result
    return _append(path, rows, prepared, delimiter, redactor, dry_run=dry_run, columns=collected)


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
    columns: tuple[str, ...] = COLUMNS,
) -> WriteResult:
    original = path.read_bytes()
    raw = read_raw(path)
    frame = raw.frame
    header = [c for c in frame.columns if c != LINE]
    targets = _targets(header, columns)
    _check_redaction(path, frame, header, redactor)
    known = _Known(path, frame, targets)
    fresh: list[Row] = []
    present = 0
    for row in prepared:
        if known.has(row):
            present += 1
            continue
        known.add(row)
        fresh.append(row)
    dropped = tuple(
        c for c in (*columns, REDACTED_COLUMN) if c not in targets and any(r.get(c) is not None for r in fresh)
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
    _write(path, bom + text.encode(codec), overwrite=True, existed=True)
    result.written = True
    return result


def _targets(header: list[str], columns: tuple[str, ...] = COLUMNS) -> dict[str, str]:
    """Collected column → the user's column that takes it (canonical names through aliases)."""
    targets: dict[str, str] = {}
    by_key = {header_key(h): h for h in reversed(header)}
    for column in header:
        name = canonical_name(column)
        if name and name not in targets:
            targets[name] = column
    for column in (*columns, REDACTED_COLUMN):
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


@dataclass(frozen=True)
class _Held:
    """What tells one PR of the file from another with the same repository and number."""

    line: int | None
    title: str | None
    merge_commit: str | None


class _Known:
    """The PRs of the user's file (and those added in this run), to tell whether a collected PR is one.

    The same URL is the same PR. The same repository and number is the same PR unless its merge commits
    contradict it (``_contradiction``): two PRs under one key (two repositories with one name, say) are
    an error naming both, never a PR dropped as "already there".
    """

    def __init__(self, path: Path, frame: pl.DataFrame, targets: dict[str, str]) -> None:
        self.path = path
        self.targets = targets
        height = frame.height

        def column(name: str) -> list[str | None]:
            return _texts(frame[targets[name]]) if name in targets else [None] * height

        self.urls: set[str] = set()
        self.numbers: dict[tuple[str, int], _Held] = {}
        lines = frame[LINE].to_list()
        rows = zip(
            column("repo"), column("number"), column("url"), column("title"), column("merge_commit"), lines, strict=True
        )
        for repo, number, url, title, commit, line in rows:
            self._hold(_repo_text(repo), number, url, _Held(line, title, commit))

    def _hold(self, repo: Any, number: Any, url: Any, held: _Held) -> None:
        if url is not None and str(url).strip():
            self.urls.add(str(url).strip())
        parsed = _number(number)
        if parsed is not None:
            self.numbers.setdefault((str(repo or "").strip().casefold(), parsed), held)

    def has(self, row: Row) -> bool:
        url = row.get("url")
        if url is not None and str(url).strip() in self.urls:
            return True
        repo = row.get("repo") if "repo" in self.targets else None
        number = _number(row.get("number"))
        if number is None:
            return False
        held = self.numbers.get((str(repo or "").strip().casefold(), number))
        if held is None:
            return False
        reason = _contradiction(held, row)
        if reason is not None:
            where = f"{self.path}:{held.line}" if held.line else str(self.path)
            raise CollectError(
                f"{where}: the file's PR {repo or ''}#{number} ({_describe(held.title, held.merge_commit)}) and "
                f"a collected PR {repo or ''}#{number} ({_describe(row.get('title'), row.get('merge_commit'))}) "
                f"have the same repository and number but {reason}: two repositories named '{repo}'? Name the "
                "collected one apart (collect git --repo NAME) or write it to another file; nothing was written"
            )
        return True

    def add(self, row: Row) -> None:
        held = _Held(None, row.get("title"), row.get("merge_commit"))
        self._hold(row.get("repo") if "repo" in self.targets else None, row.get("number"), row.get("url"), held)


def _same_text(a: Any, b: Any) -> bool:
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()


def _contradiction(held: _Held, row: Row) -> str | None:
    """Why the file's PR and a collected one with its key are not the same PR; None if nothing says so.

    Merge commits are the evidence: a title alone is not (users edit titles in their files, and a
    hand-kept file's titles are not the commits' subjects). Different merge commits under one title are
    the same PR merged twice (a re-land); under different titles, two PRs.
    """
    title, commit = row.get("title"), row.get("merge_commit")
    if not (held.merge_commit and commit) or str(held.merge_commit).strip() == str(commit).strip():
        return None
    if held.title and title and _same_text(held.title, title):
        return None
    return "different merge commits and titles" if held.title and title else "different merge commits"


def _describe(title: Any, commit: Any) -> str:
    parts = [f"'{str(title)[:60]}'" if title else "no title"]
    if commit:
        parts.append(f"merge commit {str(commit)[:10]}")
    return ", ".join(parts)


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


def _order(row: Row, order: str = "merged_at") -> tuple[dt.datetime, str, int]:
    moment = parse_timestamp(row.get(order), order) or dt.datetime.min.replace(tzinfo=dt.UTC)
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
