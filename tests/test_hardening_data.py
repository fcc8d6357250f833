"""Dataset input at the edges: files that are not files, huge values, dates and types at the limits.

Each test feeds one hostile or unusual input and expects either a correct dataset or a one-line
``DatasetError`` naming the file, the row or line and the field.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from retroblog.data import reading
from retroblog.data.dataset import load_dataset
from retroblog.data.loaders import read_raw
from retroblog.errors import DatasetError


def _error(path: Path, **kwargs: object) -> str:
    with pytest.raises(DatasetError) as info:
        load_dataset(path, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert "Traceback" not in message
    return message


# -- 1. regular files only, with a size bound --------------------------------------------------------


CHILD = """
import sys
from retroblog.data.career import load_career
from retroblog.data.loaders import read_raw
from retroblog.errors import DatasetError
try:
    (load_career if sys.argv[2] == "career" else read_raw)(sys.argv[1])
except DatasetError as exc:
    print(exc)
"""


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def _read_in_child(path: Path, reader: str = "dataset") -> str:
    """``read_raw(path)``'s error, read in a child process with 4 GB of memory and a minute: a
    regression that blocks on a FIFO or reads /dev/zero to the end fails the test, not the machine."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), reader],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "prs.csv"
    os.mkfifo(fifo)
    message = _read_in_child(fifo)
    assert message == f"{fifo}: is a named pipe (FIFO), not a regular file; expected a dataset file"


def test_a_link_to_dev_zero_is_refused_without_reading_it(tmp_path):
    link = tmp_path / "prs.jsonl"
    link.symlink_to("/dev/zero")
    message = _read_in_child(link)
    assert message == f"{link}: is a character device, not a regular file; expected a dataset file"
    target = tmp_path / "real.jsonl"
    target.write_text('{"merged_at": "2021-01-01", "additions": 3}\n')
    link.unlink()
    link.symlink_to(target)
    assert load_dataset(link).frame["additions"].to_list() == [3]


def test_a_folder_named_like_a_dataset_is_refused(tmp_path):
    folder = tmp_path / "prs.csv"
    folder.mkdir()
    assert "is a folder" in _error(folder)


def test_a_file_over_the_size_bound_is_refused_naming_its_size(write, monkeypatch):
    path = write("prs.csv", "merged_at,additions\n" + "2021-01-01,3\n" * 100)
    size = path.stat().st_size
    monkeypatch.setattr(reading, "MAX_DATASET_BYTES", size - 1)
    message = _error(path)
    assert message.startswith(f"{path}: is {size:,} bytes; a dataset may be at most {size - 1:,} bytes")
    assert "\n" not in message
    monkeypatch.setattr(reading, "MAX_DATASET_BYTES", size)
    assert read_raw(path).frame.height == 100


def test_the_default_size_bound_is_a_few_hundred_megabytes():
    assert 100_000_000 <= reading.MAX_DATASET_BYTES <= 500_000_000


# -- 2. messages quote at most a few dozen characters of a value -------------------------------------

HUGE = 2_000_000


def _huge(mark: str) -> str:
    return mark + "x" * (HUGE - len(mark))


def _short_lines(message: str) -> list[str]:
    lines = message.splitlines()
    assert lines
    assert all(len(line) < 400 for line in lines), max(lines, key=len)[:500]
    return lines


@pytest.mark.parametrize("fmt", ["csv", "json", "yaml"])
def test_a_huge_cell_is_quoted_short_in_every_field(tmp_path, fmt):
    size = HUGE if fmt != "yaml" else 200_000  # PyYAML's pure-Python scanner is slow on megabytes
    rows = [
        {"merged_at": "m" * size, "additions": "1", "created_at": "2021-01-01", "url": "u0"},
        {"merged_at": "2021-01-02", "additions": "a" * size, "created_at": "2021-01-01", "url": "u1"},
        {"merged_at": "2021-01-02", "additions": "1", "created_at": "c" * size, "url": "u" * size},
        {"merged_at": "2021-01-03", "additions": "1", "created_at": "2021-01-01", "url": "u" * size},
    ]
    path = tmp_path / f"prs.{fmt}"
    if fmt == "csv":
        path.write_text("merged_at,additions,created_at,url\n" + "".join(",".join(r.values()) + "\n" for r in rows))
    elif fmt == "json":
        import json

        path.write_text(json.dumps(rows))
    else:
        path.write_text("".join(f"- {{{', '.join(f'{k}: {v}' for k, v in r.items())}}}\n" for r in rows))
    lines = _short_lines(_error(path))
    assert lines[0] == f"{path}: 4 problems"
    size_text = f"({size:,} characters)"
    expected = [
        f"'{'m' * 40}…' {size_text} is not a date",
        f"'{'a' * 40}…' {size_text} is not a whole number",
        f"column 'created_at': '{'c' * 40}…' {size_text} is not a date",
        f"column 'url': duplicate PR: same url ('{'u' * 40}…' {size_text})",
    ]
    assert sorted(next(i for i, line in enumerate(lines) if text in line) for text in expected) == [1, 2, 3, 4]


def test_a_huge_header_and_extra_cells_are_quoted_short(tmp_path):
    name = "h" * HUGE
    twice = tmp_path / "twice.csv"
    twice.write_text(f"merged_at,{name},{name}\n2021-01-01,1,2\n")
    (line,) = _short_lines(_error(twice))
    assert f"column '{'h' * 40}… ({HUGE:,} characters)' appears twice" in line
    extra = tmp_path / "extra.csv"
    extra.write_text("merged_at,additions\n2021-01-01,1\n2021-01-02,1," + ",".join(["e" * HUGE] * 5) + "\n")
    (line,) = _short_lines(_error(extra))
    assert (
        line.endswith(f"extra values: ['{'e' * 40}…' ({HUGE:,} characters), " + "... 2 more]") or "... 2 more]" in line
    )
    alias = tmp_path / "alias.csv"
    alias.write_text(f"merged_at,mergedAt{' ' * HUGE}\n2021-01-01,2021-01-01\n")
    warnings = load_dataset(alias).warnings
    assert warnings and all(len(str(w)) < 400 for w in warnings)


def test_a_huge_timezone_name_is_quoted_short(write):
    path = write("prs.csv", "merged_at\n2021-01-01\n")
    _short_lines(_error(path, timezone="Mars/" + "x" * HUGE))


def test_duplicates_are_found_in_a_one_line_json_array(write):
    path = write("prs.json", '[{"merged_at": "2021-01-01", "url": "a"}, {"merged_at": "2021-01-02", "url": "a"}]')
    assert _error(path) == f"{path}:1: column 'url': duplicate PR: same url ('a') as line 1"


# -- 3. tracebacks at the edges of YAML and JSON -----------------------------------------------------


def test_an_impossible_yaml_timestamp_is_an_error_naming_line_and_field(write):
    path = write("prs.yaml", "- merged_at: 2021-02-28\n- merged_at: 2021-02-29\n  additions: 3\n")
    message = _error(path)
    assert message.startswith(f"{path}:2: column 'merged_at': '2021-02-29' is not a date;")
    assert "\n" not in message


def test_a_yaml_scalar_its_tag_cannot_convert_is_an_error_naming_the_line(write):
    for tagged, line in (("!!int abc", 3), ("!!float abc", 3), ("!!bool maybe", 3), ("!!timestamp 2021-13-01", 2)):
        path = write("prs.yaml", f"- merged_at: 2021-01-01\n- merged_at: 2021-01-02\n  additions: {tagged}\n")
        message = _error(path)
        assert message.startswith(f"{path}:{line}: "), message
        assert "\n" not in message


DEEP = 3000


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "block.yaml",
            "- merged_at: 2021-01-01\n  x:\n"
            + "".join("  " * (i + 2) + "k:\n" for i in range(DEEP))
            + "  " * (DEEP + 2)
            + "1\n",
        ),
        ("flow.yaml", "- merged_at: 2021-01-01\n  x: " + "[" * DEEP + "]" * DEEP + "\n"),
        ("flowmap.yaml", "- merged_at: 2021-01-01\n  x: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n"),
        ("deep.json", '[{"merged_at": "2021-01-01", "x": ' + "[" * DEEP + "]" * DEEP + "}]"),
        ("object.json", '{"prs": [{"merged_at": "2021-01-01", "x": ' + '{"a": ' * DEEP + "1" + "}" * DEEP + "}]}"),
        (
            "deep.jsonl",
            '{"merged_at": "2021-01-01"}\n{"merged_at": "2021-01-02", "x": ' + "[" * DEEP + "]" * DEEP + "}\n",
        ),
        (
            "medium.jsonl",
            '{"merged_at": "2021-01-01"}\n{"merged_at": "2021-01-02", "x": ' + "[" * 500 + "]" * 500 + "}\n",
        ),
    ],
)
def test_deep_nesting_is_one_error_not_a_recursion_error(write, name, text):
    path = write(name, text)
    message = _error(path)
    assert "nested more than 64 levels deep" in message
    assert "\n" not in message


def test_yaml_keys_that_read_the_same_are_an_error_and_mixed_keys_are_read(write):
    path = write("prs.yaml", "- merged_at: 2021-01-01\n  1: a\n  '1': b\n")
    assert _error(path) == f"{path}:1: the key '1' appears twice in the record"
    mixed = write("mixed.yaml", "- merged_at: 2021-01-01\n  extra: {1: a, b: c}\n")
    assert load_dataset(mixed).frame["extra"].to_list() == ['{"1": "a", "b": "c"}']


# -- 3. dates and types at their limits ---------------------------------------------------------------


def test_a_merge_in_year_9999_is_counted_to_its_last_week(write):
    from retroblog.stats.compute import compute

    path = write("prs.csv", "merged_at\n9999-12-20\n9999-12-31\n")
    dataset = load_dataset(path)
    stats = compute(dataset)
    assert stats.last_merged == "9999-12-31"
    assert [(w["period"], w["prs"]) for w in stats.periods["week"]] == [("9999-W51", 1), ("9999-W52", 1)]
    assert stats.periods["month"][-1]["period"] == "9999-12"
    assert [r.merged_at.year for r in dataset.records()] == [9999, 9999]


def test_an_offset_that_pushes_a_date_past_9999_is_an_error(write):
    path = write("prs.csv", "merged_at\n2021-01-01\n9999-12-31T23:00:00-02:00\n")
    assert _error(path) == (
        f"{path}:3: column 'merged_at': '9999-12-31T23:00:00-02:00' is after the year 9999; "
        "expected the PR's real merge date"
    )


def _parquet(tmp_path: Path, name: str, columns: dict[str, object]) -> Path:
    import polars as pl

    path = tmp_path / name
    pl.DataFrame(columns).write_parquet(path)
    return path


def test_a_parquet_duration_as_merge_date_is_an_error_naming_the_row(tmp_path):
    import polars as pl

    path = _parquet(tmp_path, "prs.parquet", {"merged_at": pl.Series([1_000_000], dtype=pl.Duration("us"))})
    assert _error(path) == (
        f"{path}, row 1: column 'merged_at': '0:00:01' is a Duration value; expected a date such as 2021-03-04"
    )


def test_a_parquet_uint64_count_above_the_int64_range_is_an_error_naming_the_row(tmp_path):
    import polars as pl

    path = _parquet(
        tmp_path,
        "prs.parquet",
        {"merged_at": ["2021-01-01", "2021-01-02"], "additions": pl.Series([3, 2**63 + 5], dtype=pl.UInt64)},
    )
    assert _error(path) == (
        f"{path}, row 2: column 'additions': {2**63 + 5} is too large for a count; expected a count below 2**63"
    )


def _every_dtype() -> dict[str, object]:
    import datetime as dt
    import decimal

    import polars as pl

    return {
        "int8": pl.Series([1], dtype=pl.Int8),
        "uint64": pl.Series([2**64 - 1], dtype=pl.UInt64),
        "float": pl.Series([1.5]),
        "nan": pl.Series([float("nan")]),
        "decimal": pl.Series([decimal.Decimal("12.50")]),
        "bool": pl.Series([True]),
        "text": pl.Series(["x"]),
        "binary": pl.Series([b"\xff\xfe"]),
        "date": pl.Series([dt.date(2021, 1, 1)]),
        "date0001": pl.Series([dt.date(1, 1, 1)]),
        "naive": pl.Series([dt.datetime(2021, 1, 1, 12)]),
        "aware_ns": pl.Series([dt.datetime(2021, 1, 1, tzinfo=dt.UTC)], dtype=pl.Datetime("ns", "UTC")),
        "duration": pl.Series([dt.timedelta(days=1)]),
        "time": pl.Series([dt.time(10, 30)]),
        "categorical": pl.Series(["a"], dtype=pl.Categorical),
        "enum": pl.Series(["a"], dtype=pl.Enum(["a", "b"])),
        "list_int": pl.Series([[1, 2]]),
        "list_text": pl.Series([["a", "b"]]),
        "list_list": pl.Series([[[1], [2]]]),
        "array": pl.Series([[1, 2]], dtype=pl.Array(pl.Int64, 2)),
        "struct": pl.Series([{"a": 1}]),
        "struct_name": pl.Series([{"name": "x"}]),
        "list_struct": pl.Series([[{"a": 1}]]),
        "null": pl.Series([None], dtype=pl.Null),
    }


@pytest.mark.parametrize("field", ["merged_at", "created_at", "additions", "number", "title", "repo", "labels"])
def test_every_parquet_type_in_every_kind_of_field_gives_a_dataset_or_our_error(tmp_path, field):
    from retroblog.data.schema import FIELDS

    assert {f.kind for f in FIELDS} <= {"datetime", "count", "text", "labels"}
    for name, series in _every_dtype().items():
        columns: dict[str, object] = {field: series.alias(field)}  # type: ignore[attr-defined]
        if field != "merged_at":
            columns["merged_at"] = ["2021-01-01"]
        path = _parquet(tmp_path, f"{field}-{name}.parquet", columns)
        try:
            dataset = load_dataset(path)
        except DatasetError as exc:
            assert f"{path}, row 1: column '{field}': " in str(exc), (name, str(exc))
            assert "\n" not in str(exc), (name, str(exc))
        else:
            list(dataset.records())


SUPERSCRIPT_CELLS = [
    ("²", "additions"),
    ("1²", "number"),
    ("٣", "comments"),
    ("2021-0²-01", "merged_at"),
    ("²⁰²¹-01-01", "merged_at"),
]


def test_superscript_digits_are_no_number_in_a_dataset_or_a_year_option(write):
    """``str.isdigit`` is true for '²', which ``int`` refuses: every check is ASCII-only."""
    from retroblog.errors import ConfigError
    from retroblog.stats.filters import Filters

    for cell, field in SUPERSCRIPT_CELLS:
        text = f"merged_at,{field}\n2021-01-01,{cell}\n" if field != "merged_at" else f"merged_at\n{cell}\n"
        path = write("prs.csv", text)
        assert _error(path).startswith(f"{path}:2: column '{field}': {cell!r} is not a")
    for year in ("²⁰²¹", "²"):
        with pytest.raises(ConfigError, match="'year' must be a year such as 2021"):
            Filters.from_options({"year": year})


def test_a_month_key_in_superscript_digits_is_kept_as_it_is():
    from retroblog.util.words import Words

    assert Words().period("2021-²³") == "2021-²³"
    assert Words().period("²⁰²¹-03") == "²⁰²¹-03"
    assert Words().period("2021-13") == "2021-13"
    assert Words().period("2021-02-30") == "2021-02-30"
    assert Words().period("2021-03") == "March 2021"


# -- 4. placeholder dates ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00Z", "0001-01-01", "1970-01-01T00:00:00Z", "1969-12-31 19:00"])
def test_a_placeholder_merge_date_is_an_error_with_its_row(write, text):
    path = write("prs.csv", f"merged_at,additions\n2021-01-01,1\n{text},2\n")
    message = _error(path)
    assert message.startswith(f"{path}:3: column 'merged_at': {text!r} is a placeholder for 'no date'")
    assert "\n" not in message


def test_a_placeholder_creation_date_is_unknown_with_a_warning(write):
    from retroblog.stats.compute import compute

    path = write("prs.csv", "merged_at,created_at\n2021-01-04,0001-01-01T00:00:00Z\n2021-01-05,2021-01-01\n")
    dataset = load_dataset(path)
    assert [r.created_at is None for r in dataset.records()] == [True, False]
    (warning,) = dataset.warnings
    assert str(warning).startswith(f"{path}:2: column 'created_at': '0001-01-01T00:00:00Z' is a placeholder")
    assert "read as unknown" in str(warning)
    stats = compute(dataset)
    assert len(stats.periods["week"]) == 1
    assert len(str(stats.to_dict())) < 10_000
    first_real_day = write("real.csv", "merged_at,created_at\n1970-01-02T00:00:00Z,1970-01-02T00:00:00Z\n")
    assert next(load_dataset(first_real_day).records()).created_at is not None


# -- 5. wrongly refused ------------------------------------------------------------------------------


def test_a_date_whose_midnight_the_clocks_skip_is_its_first_instant(write):
    path = write("prs.csv", "merged_at,created_at\n2021-09-05,2021-09-05\n2021-09-06,2021-09-04\n")
    dataset = load_dataset(path, timezone="America/Santiago")
    merged = [r.merged_at.isoformat() for r in dataset.records()]
    assert merged == ["2021-09-05T01:00:00-03:00", "2021-09-06T00:00:00-03:00"]
    assert next(dataset.records()).created_at.isoformat() == "2021-09-05T01:00:00-03:00"


def test_a_parquet_date_whose_midnight_the_clocks_skip_is_its_first_instant(tmp_path):
    import datetime as dt

    path = _parquet(tmp_path, "prs.parquet", {"merged_at": [dt.date(2021, 9, 5)]})
    dataset = load_dataset(path, timezone="America/Santiago")
    assert next(dataset.records()).merged_at.isoformat() == "2021-09-05T01:00:00-03:00"


@pytest.mark.parametrize(
    "text", ["2021-03-04T10:00:00+02", "2021-03-04 10:00:00+02", "2021-03-04 10:00:00 +02", "2021-03-04 10:00+02"]
)
def test_an_offset_of_hours_only_is_read(write, text):
    path = write("prs.csv", f"merged_at\n{text}\n")
    assert next(load_dataset(path).records()).merged_at.isoformat() == "2021-03-04T08:00:00+00:00"


def test_a_time_in_a_dst_gap_is_named_as_such(write):
    path = write("prs.csv", "merged_at\n2021-03-28 02:30\n")
    message = _error(path, timezone="Europe/Berlin")
    assert "02:30 does not exist on 2021-03-28 in Europe/Berlin (clocks jump forward)" in message
    assert message.startswith(f"{path}:2: column 'merged_at': '2021-03-28 02:30'")


# -- 7. what the fuzzer found ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bad-header.csv", b"\x80\n1\n", ":1: byte 0x80 is not UTF-8"),
        ("lone-cr.csv", b"merged_at\r\x00\n2021-01-01\n", ":2: column 'merged_at': '\\x00' is not a date"),
        ("control.yaml", b"- merged_at: 2021-01-01\n- title: \x1b\n", ":2: character U+001B is not allowed in YAML"),
        ("empty-int.yaml", b"- merged_at: 2021-01-01\n  additions: !!int\n", ":2: cannot read '' as int"),
    ],
)
def test_inputs_the_fuzzer_found_are_one_line_errors(write, name, data, expected):
    path = write(name, data)
    message = _error(path)
    assert message.startswith(f"{path}{expected}"), message
    assert "\n" not in message


# -- 6. labels, column-wise ---------------------------------------------------------------------------

LABEL_SHAPES = [
    None,
    "",
    " ",
    "bug",
    "bug, ui",
    "bug;ui",
    " a ;; b ,",
    ",,,",
    "\x1cbug\x1f",  # str.strip strips these, Rust's trim does not
    "\u3000a\u3000",
    "\xa0a\u2028",
    "a\nb",
    "Ünïcødé, 🐛",
    "[",
    "[bug, ui]",
    "[]",
    '["a", "b"]',
    '  ["a"]  ',
    '[{"name": "x"}, {"a": 1}, null, 1, 1.5, true, ["n"]]',
    '[{"name": null}, {"name": 3}]',
    '{"name": "a"}',
    '["a", ',
    '["\\u00e9", "\\ud83d\\ude00"]',
]


def test_labels_column_gives_what_split_labels_gives_for_every_shape():
    import polars as pl

    from retroblog.data.labels import labels_column, split_labels

    cells = LABEL_SHAPES * 3  # repeated cells are decoded once and joined back in their rows
    column = labels_column(pl.Series("labels", cells, dtype=pl.String))
    assert column.name == "labels"
    assert column.to_list() == [split_labels(c) for c in cells]
    assert column.to_list()[:5] == [None, [], [], ["bug"], ["bug", "ui"]]
    assert column.to_list()[LABEL_SHAPES.index(",,,")] == []
    assert column.to_list()[LABEL_SHAPES.index("\x1cbug\x1f")] == ["bug"]
    assert column.to_list()[LABEL_SHAPES.index('[{"name": null}, {"name": 3}]')] == ["None", "3"]


def test_labels_of_a_dataset_in_every_format_are_those_of_split_labels(write):
    import json

    from retroblog.data.labels import split_labels

    cells = [c for c in LABEL_SHAPES if c is not None]
    rows = [{"merged_at": f"2021-01-{i % 28 + 1:02d}", "number": i, "labels": c} for i, c in enumerate(cells)]
    path = write("prs.json", json.dumps(rows))
    assert load_dataset(path).frame["labels"].to_list() == [split_labels(c) for c in cells]


def test_a_lone_surrogate_escape_is_a_replacement_character_not_a_traceback(write):
    text = '{"merged_at": "2021-01-01", "labels": ["\\ud800", "a"], "title": "\\ud800x", "repo": {"name": "\\udfff"}}'
    for name, data in (("prs.jsonl", text + "\n"), ("prs.json", f"[{text}]")):
        dataset = load_dataset(write(name, data))
        assert dataset.frame.select("labels", "title", "repo").row(0) == (["\ufffd", "a"], "\ufffdx", "\ufffd")
    path = write("prs.csv", 'merged_at,labels,repo\n2021-01-01,"[""\\ud800""]","{""name"": ""\\udfff""}"\n')
    assert load_dataset(path).frame.select("labels", "repo").row(0) == (["\ufffd"], "\ufffd")


# -- the career file, read like a dataset -----------------------------------------------------------


def _career_error(path: Path) -> str:
    from retroblog.data.career import load_career

    with pytest.raises(DatasetError) as info:
        load_career(path)
    return str(info.value)


def test_the_career_file_is_read_with_the_dataset_bounds(tmp_path):
    link = tmp_path / "career.yml"
    link.symlink_to("/dev/zero")
    assert (
        _read_in_child(link, "career") == f"{link}: is a character device, not a regular file; expected a dataset file"
    )
    fifo = tmp_path / "fifo.yml"
    os.mkfifo(fifo)
    assert (
        _read_in_child(fifo, "career") == f"{fifo}: is a named pipe (FIFO), not a regular file; expected a dataset file"
    )
    deep = tmp_path / "deep.yml"
    deep.write_text("person: x\nemployers: " + "[" * DEEP + "]" * DEEP + "\n")
    assert "nested more than 64 levels deep" in _career_error(deep)
    control = tmp_path / "control.yml"
    control.write_text("person: \x1b\n")
    assert "\n" not in _career_error(control)
    bad = tmp_path / "bad.yml"
    bad.write_bytes(b"person: \xff\n")
    assert _career_error(bad) == f"{bad}:1: byte 0xff is not UTF-8"
    size = 200_000  # PyYAML's pure-Python scanner is slow on megabytes
    huge = "h" * size
    names = tmp_path / "names.yml"
    names.write_text(
        f"employers:\n  - name: {huge}\n    start: 2019-01-01\n    teams:\n      - name: {huge}\n"
        f"        roles:\n          - title: {huge}\n            start: 2018-01-01\n"
    )
    message = _career_error(names)
    assert f"role '{'h' * 40}…' ({size:,} characters) starts 2018-01-01 outside {'h' * 40}…" in message
    assert len(message) < 400
    empty_int = tmp_path / "int.yml"
    empty_int.write_text("person: !!int\nemployers: []\n")
    assert "\n" not in _career_error(empty_int)


def test_a_fifo_in_the_data_folder_fails_its_block_and_never_hangs_the_build(tmp_path):
    """The build hashes a dataset to key its blocks before any loader reads it: that step too reads regular
    files only (a FIFO's open would wait for a writer for ever, /dev/zero would be hashed for ever)."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "real.csv").write_text("merged_at,additions\n2021-01-04T10:00:00Z,3\n")
    os.mkfifo(tmp_path / "data" / "work.csv")  # (not found by the data folder's listing: named by path)
    (tmp_path / "data" / "zero.jsonl").symlink_to("/dev/zero")
    script = (
        "import markdown, sys\n"
        "from retroblog.markdown import RetroblogExtension\n"
        "paths = {n: {'path': f'{n}.{x}'} for n, x in (('work', 'csv'), ('zero', 'jsonl'), ('gone', 'csv'))}\n"
        "paths['real'] = {'default': True}\n"
        "for name in ('work', 'zero', 'gone'):\n"
        "    ext = RetroblogExtension(root=sys.argv[1], datasets=paths)\n"
        "    try:\n"
        "        markdown.markdown(f'```chart\\ntype: prs-per-year\\ndataset: {name}\\n```\\n', extensions=[ext])\n"
        "    except Exception as exc:\n"
        "        print(type(exc).__name__, exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60, check=True
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 3, done.stdout + done.stderr
    assert "work.csv: is a named pipe (FIFO), not a regular file" in lines[0]
    assert "zero.jsonl: is a character device, not a regular file" in lines[1]
    assert lines[2].startswith("RetroblogError ") and "gone.csv: no such file" in lines[2]  # not a traceback
