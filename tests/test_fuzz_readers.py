"""Fuzzing the dataset readers: any bytes in any format give a dataset or our one-line error.

Generated CSV, TSV, JSON, JSON Lines and YAML (random records, random structure, deep nesting, odd
Unicode, huge values, and bytes mangled after writing) go through ``load_dataset``, and a dataset that
loads goes through its records and ``compute``. Anything but a ``DatasetError`` (a traceback) fails,
as does an example slower than the deadline (a hang guard, not a benchmark).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retroblog.data.dataset import load_dataset
from retroblog.errors import DatasetError
from retroblog.stats.compute import compute

FUZZ = settings(
    max_examples=40,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same examples every run: a failure here is reproducible, never flaky
)

KEYS = st.sampled_from(
    [
        "merged_at",
        "mergedAt",
        "date",
        "created_at",
        "additions",
        "deletions",
        "lines_changed",
        "comments",
        "number",
        "repo",
        "title",
        "url",
        "labels",
        "extra",
        "_line",
        "",
        " ",
    ]
) | st.text(max_size=8)

DATES = st.sampled_from(
    [
        "2021-03-04",
        "2021-03-04T10:00:00Z",
        "2021-03-04 10:00:00+02",
        "2021-02-29",
        "0001-01-01T00:00:00Z",
        "9999-12-31",
        "9999-12-31T23:00:00-02:00",
        "2021-03-28 02:30",
        "June 27, 2022 11:17 PM",
        "²⁰²¹-01-01",
        "n/a",
        "",
    ]
)

ODD = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)
HUGE = st.integers(1, 300_000).map(lambda n: "x" * n)
SCALARS = (
    DATES
    | ODD
    | HUGE
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.none()
    | st.sampled_from(["1,204", "+3", "²", "1e400", "[1, 2]", '[{"name": "bug"}]', "bug; ui", "{}"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)
RECORDS = st.lists(st.dictionaries(KEYS, VALUES, min_size=0, max_size=8), min_size=0, max_size=6)


def _deep(depth: int, open_: str, close: str) -> str:
    return open_ * depth + close * depth


def _load(suffix: str, data: bytes) -> None:
    """Load ``data`` as a dataset file; pass on a dataset (used) or a ``DatasetError`` of one-line problems."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"prs{suffix}"
        path.write_bytes(data)
        try:
            dataset = load_dataset(path, timezone="Europe/Berlin")
        except DatasetError as exc:
            message = str(exc)
            for line in message.splitlines():
                assert line.startswith(str(path)) or line.startswith("... and "), line[:300]
                assert len(line) < 2000, line[:300]
            return
        list(dataset.records())
        stats = compute(dataset)
        assert stats.total_prs == len(dataset)


def _csv(records: list[dict[str, Any]], delimiter: str) -> bytes:
    header = list(dict.fromkeys(str(k) for r in records for k in r)) or ["merged_at"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for record in records:
        row = {str(k): v for k, v in record.items()}
        writer.writerow(
            [
                "" if row.get(h) is None else json.dumps(row[h]) if isinstance(row[h], list | dict) else row[h]
                for h in header
            ]
        )
    return out.getvalue().encode("utf-8", "surrogatepass")


def _json(records: list[dict[str, Any]], indent: int | None) -> bytes:
    return json.dumps(records, indent=indent, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _jsonl(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8", "surrogatepass")


def _yaml(records: list[dict[str, Any]]) -> bytes:
    return yaml.safe_dump(records, allow_unicode=True).encode("utf-8", "surrogatepass")


def _mangle(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    for position, delete, insert in edits:
        at = position % (len(data) + 1)
        data = data[:at] + insert + data[at + delete :]
    return data


EDITS = st.lists(
    st.tuples(
        st.integers(0, 10_000),
        st.integers(0, 4),
        st.sampled_from(
            [
                b"",
                b"\n",
                b"\n\n",
                b",",
                b"\t",
                b'"',
                b"[",
                b"{",
                b"}",
                b"]",
                b":",
                b"- ",
                b"&a ",
                b"*a",
                b"\xff",
                b"\x00",
                b"\r",
            ]
        ),
    ),
    max_size=4,
)


@FUZZ
@given(records=RECORDS, fmt=st.sampled_from(["csv", "tsv", "json", "json-indent", "jsonl", "yaml"]), edits=EDITS)
def test_generated_records_in_every_text_format(records, fmt, edits):
    if fmt in ("csv", "tsv"):
        data, suffix = _csv(records, "," if fmt == "csv" else "\t"), f".{fmt}"
    elif fmt.startswith("json") and fmt != "jsonl":
        data, suffix = _json(records, 2 if fmt == "json-indent" else None), ".json"
    elif fmt == "jsonl":
        data, suffix = _jsonl(records), ".jsonl"
    else:
        data, suffix = _yaml(records), ".yaml"
    _load(suffix, _mangle(data, edits))


@FUZZ
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".tsv", ".json", ".jsonl", ".yaml", ".parquet"]))
def test_random_bytes(data, suffix):
    _load(suffix, data)


@FUZZ
@given(
    text=st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    suffix=st.sampled_from([".csv", ".json", ".jsonl", ".yaml"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]),
)
def test_random_text_in_every_encoding(text, suffix, encoding):
    _load(suffix, text.encode(encoding, "surrogatepass"))


@FUZZ
@given(
    depth=st.integers(0, 3000),
    shape=st.sampled_from(["json-list", "json-object", "jsonl", "yaml-flow", "yaml-flow-map", "yaml-block"]),
)
def test_deep_nesting(depth, shape):
    if shape == "json-list":
        _load(".json", f'[{{"merged_at": "2021-01-01", "x": {_deep(depth, "[", "]")}}}]'.encode())
    elif shape == "json-object":
        _load(".json", ('[{"merged_at": "2021-01-01", "x": ' + '{"a": ' * depth + "1" + "}" * depth + "}]").encode())
    elif shape == "jsonl":
        _load(".jsonl", f'{{"merged_at": "2021-01-01", "x": {_deep(depth, "[", "]")}}}\n'.encode())
    elif shape == "yaml-flow":
        _load(".yaml", f"- merged_at: 2021-01-01\n  x: {_deep(depth, '[', ']')}\n".encode())
    elif shape == "yaml-flow-map":
        _load(".yaml", ("- merged_at: 2021-01-01\n  x: " + "{a: " * depth + "1" + "}" * depth + "\n").encode())
    else:
        depth = min(depth, 400)  # block indentation grows with the square of the depth
        body = "".join("  " * (i + 2) + "k:\n" for i in range(depth)) + "  " * (depth + 2) + "1\n"
        _load(".yaml", ("- merged_at: 2021-01-01\n  x:\n" + body).encode())


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl", ".yaml"])
def test_a_huge_value_in_every_format(suffix):
    huge = "²" * 1_000_000 if suffix != ".yaml" else "²" * 200_000
    records = [{"merged_at": huge, "additions": huge, "title": huge}]
    data = {
        ".csv": _csv(records, ","),
        ".json": _json(records, None),
        ".jsonl": _jsonl(records),
        ".yaml": _yaml(records),
    }
    _load(suffix, data[suffix])


YAML_TOKENS = st.sampled_from(
    [
        "- ",
        "\n",
        "  ",
        "merged_at: ",
        "2021-02-29",
        "2021-03-04",
        "prs:",
        "<<: ",
        "&a ",
        "*a",
        "!!int ",
        "!!binary ",
        "!!timestamp ",
        "!!set ",
        "!!omap ",
        "!!python/object ",
        "? ",
        ": ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "'",
        '"',
        "|",
        ">",
        "#",
        "---",
        "...",
        "%YAML 1.1",
        "1",
        "-1",
        "0x1F",
        "1_000",
        ".inf",
        ".nan",
        "null",
        "~",
        "yes",
        "labels: ",
        "additions: ",
        "created_at: ",
        "0001-01-01",
        "\t",
        "²",
        "\u2028",
        "\ufeff",
    ]
)
CSV_TOKENS = st.sampled_from(
    [
        "merged_at",
        "additions",
        "labels",
        "created_at",
        ",",
        "\t",
        "\n",
        "\r\n",
        "\r",
        '"',
        '""',
        "2021-03-04",
        "0001-01-01T00:00:00Z",
        "2021-03-28 02:30",
        "1,204",
        "-3",
        "²",
        "n/a",
        "bug; ui",
        '["a", 1]',
        " ",
        "\ufeff",
        "x" * 200,
    ]
)
JSON_TOKENS = st.sampled_from(
    [
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        '"merged_at"',
        '"additions"',
        '"labels"',
        '"prs"',
        '"2021-03-04"',
        '"0001-01-01"',
        "1",
        "-1",
        "1e999",
        "NaN",
        "Infinity",
        "null",
        "true",
        '"\\ud800"',
        '"\\u0000"',
        "\n",
        " ",
        '"x"',
        '{"name": "a"}',
    ]
)


@FUZZ
@given(tokens=st.lists(YAML_TOKENS, max_size=60))
def test_yaml_token_soup(tokens):
    _load(".yaml", "".join(tokens).encode("utf-8"))


@FUZZ
@given(tokens=st.lists(CSV_TOKENS, max_size=60), suffix=st.sampled_from([".csv", ".tsv"]))
def test_csv_token_soup(tokens, suffix):
    _load(suffix, "".join(tokens).encode("utf-8"))


@FUZZ
@given(tokens=st.lists(JSON_TOKENS, max_size=60), suffix=st.sampled_from([".json", ".jsonl"]))
def test_json_token_soup(tokens, suffix):
    _load(suffix, "".join(tokens).encode("utf-8"))


LABEL_TEXT = st.lists(
    st.sampled_from([*',;[]{}": \t\x1c\u3000\xa0abn', "name", "null", "1", "true", "\\u00e9", "\\ud800"]), max_size=40
).map("".join)


@FUZZ
@given(cells=st.lists(st.none() | LABEL_TEXT | st.builds(lambda v: json.dumps(v), VALUES), max_size=30))
def test_labels_column_is_split_labels_on_every_cell(cells):
    import polars as pl

    from retroblog.data.labels import labels_column, split_labels

    column = labels_column(pl.Series("labels", cells, dtype=pl.String))
    assert column.to_list() == [split_labels(c) for c in cells]
