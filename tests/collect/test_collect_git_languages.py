"""``collect git`` counts lines per language (by file extension) on real repositories built in tmp dirs;
the expected counts are worked out by hand from the files each PR changed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
import yaml
from collect_support import JANE, MIA, PNG, Repo, build_widgets, lines

from retroblog.build.blocks import Blocks
from retroblog.build.settings import Settings
from retroblog.collect.git import collect_git
from retroblog.collect.git.parse import LANGUAGES, language_of
from retroblog.collect.merge import write_dataset
from retroblog.data.dataset import load_dataset
from retroblog.data.schema import parse_languages
from retroblog.errors import ConfigError, DatasetError
from retroblog.render.svg import SvgCache

JANE_IDS = ["jane@corp.example", "janedoe"]


def _languages(rows: list[dict]) -> dict[int, str | None]:
    return {row["number"]: row["languages"] for row in rows}


def test_lines_per_language_of_every_merge_style(tmp_path: Path) -> None:
    repo, _ = build_widgets(tmp_path)
    found = _languages(collect_git([repo.path], JANE_IDS).rows)
    # Worked out from build_widgets (tests/collect/test_collect_git.py has the line counts):
    # 1 src/app.py +11 (package-lock.json excluded); 2 notes.txt +4, logo.png binary, a pure rename;
    # 4 docs/README.md +2 -1 (yarn.lock excluded); 5 src/app.py +2 -2; 6 src/timeout.py +5;
    # 7 src/net/timeout.py (renamed) +1 -1 and src/retry.py +6.
    assert found == {
        1: "Python:11/0",
        2: "Text:4/0",
        4: "Markdown:2/1",
        5: "Python:2/2",
        6: "Python:5/0",
        7: "Python:7/1",
    }


def test_several_languages_in_one_pr_most_lines_first_lock_and_generated_files_not_counted(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "poly")
    repo.commit("Initial commit", {"README.md": lines(1)}, MIA, "2021-01-01T09:00:00+00:00")
    repo.checkout("jane/poly", new=True)
    repo.commit(
        "Many kinds of files",
        {
            "api/server.go": lines(30),
            "api/server_test.GO": lines(5),  # the extension's case does not matter
            "web/app.tsx": lines(12),
            "web/app.min.js": lines(500),  # generated: excluded
            "web/package-lock.json": lines(900),  # a lock file: excluded
            "api/types.pb.go": lines(400),  # generated protobuf code: excluded
            "Dockerfile": lines(4),
            "docker/Dockerfile.dev": lines(2),
            "LICENSE": lines(3),  # no extension: Other
            ".env.example": lines(1),  # Other
            "logo.png": PNG,  # binary: no lines, no language
            "docs/guide.md": lines(12),
        },
        JANE,
        "2021-01-02T09:00:00+00:00",
    )
    repo.checkout("main")
    repo.merge("jane/poly", "Merge pull request #3 from jane/poly\n\nPolyglot", MIA, "2021-01-03T09:00:00+00:00")
    (row,) = collect_git([repo.path], JANE_IDS).rows
    assert row["languages"] == "Go:35/0;Markdown:12/0;TypeScript:12/0;Dockerfile:6/0;Other:4/0"
    assert row["excluded_lines"] == 1800
    parsed, problem = parse_languages(row["languages"])
    assert problem is None
    assert sum(a for a, _ in parsed.values()) == row["additions"] == 69


def test_a_pr_of_only_excluded_or_binary_files_has_its_languages_unknown(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "locks")
    repo.commit("Initial commit", {"README.md": lines(1)}, MIA, "2021-01-01T09:00:00+00:00")
    repo.commit("Bump deps (#4)", {"uv.lock": lines(40), "icon.png": PNG}, JANE, "2021-02-01T09:00:00+00:00")
    (row,) = collect_git([repo.path], JANE_IDS).rows
    assert (row["additions"], row["languages"]) == (0, None)


def test_the_languages_column_is_written_and_read_back(tmp_path: Path) -> None:
    repo, _ = build_widgets(tmp_path)
    rows = collect_git([repo.path], JANE_IDS).rows
    kept = [{k: row[k] for k in ("merged_at", "number", "languages")} for row in rows]
    for suffix in ("csv", "jsonl"):
        write_dataset(tmp_path / f"prs.{suffix}", rows)
    (tmp_path / "prs.json").write_text(json.dumps(kept))
    (tmp_path / "prs.yaml").write_text(yaml.safe_dump(kept))
    pl.DataFrame(kept).write_parquet(tmp_path / "prs.parquet")
    for suffix in ("csv", "jsonl", "json", "yaml", "parquet"):
        dataset = load_dataset(tmp_path / f"prs.{suffix}")
        assert "languages" in dataset.columns, suffix
        assert dict(zip(dataset.frame["number"], dataset.frame["languages"], strict=True)) == _languages(rows)


@pytest.mark.parametrize(
    ("path", "language"),
    [
        (b"src/app.py", "Python"),
        (b"a/b/C.PY", "Python"),
        (b"web/x.tsx", "TypeScript"),
        (b"lib/x.hpp", "C++"),
        (b"Makefile", "Makefile"),
        (b"build/Dockerfile.ci", "Dockerfile"),
        (b".bashrc", "Other"),
        (b"README", "Other"),
        (b"caf\xe9.rb", "Ruby"),  # a name that is not UTF-8
    ],
)
def test_language_of_a_path(path: bytes, language: str) -> None:
    assert language_of(path) == language


def test_every_language_name_can_be_written_in_the_column() -> None:
    for name in set(LANGUAGES.values()):
        assert parse_languages(f"{name}:1/2") == ({name: (1, 2)}, None)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Python:x/2", "entry 1 'Python:x/2': expected two whole numbers of lines, inserted/deleted, after 'Python:'"),
        ("Python:1/2;Python:3/4", "entry 2 'Python:3/4': 'Python' is given twice; expected each language once"),
        ("Python", "entry 1 'Python' has no ':' between the language and its lines"),
        (":1/2", "entry 1 ':1/2' has no language name before ':'"),
        ("Go:12", "entry 1 'Go:12': expected two whole numbers of lines"),
        ("Go:-1/2", "entry 1 'Go:-1/2': expected two whole numbers of lines"),
        ("C/C++:1/2", "entry 1 'C/C++:1/2': a language name cannot hold ':', ';' or '/'"),
    ],
)
def test_a_languages_cell_not_in_shape_is_an_error_at_its_line(tmp_path: Path, cell: str, message: str) -> None:
    path = tmp_path / "prs.csv"
    path.write_text(f'merged_at,languages\n2021-01-01T10:00:00Z,Go:1/0\n2021-01-02T10:00:00Z,"{cell}"\n')
    with pytest.raises(DatasetError) as raised:
        load_dataset(path)
    assert f"{path}:3: column 'languages': {message}" in str(raised.value)


def test_a_languages_cell_in_shape_is_read_in_every_format(tmp_path: Path) -> None:
    kept = [
        {"merged_at": "2021-01-01T10:00:00Z", "languages": " Python : 120/30 ; Markdown:10/0; "},
        {"merged_at": "2021-01-02T10:00:00Z", "languages": None},
    ]
    (tmp_path / "a.json").write_text(json.dumps(kept))
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(kept))
    pl.DataFrame(kept).write_parquet(tmp_path / "a.parquet")
    (tmp_path / "a.csv").write_text(
        'merged_at,languages\n2021-01-01T10:00:00Z," Python : 120/30 ; Markdown:10/0; "\n2021-01-02T10:00:00Z,\n'
    )
    for name in ("a.json", "a.yaml", "a.parquet", "a.csv"):
        frame = load_dataset(tmp_path / name).frame
        cells = frame["languages"].to_list()
        assert cells[1] is None, name
        assert parse_languages(cells[0]) == ({"Python": (120, 30), "Markdown": (10, 0)}, None), name


# -- the languages chart ---------------------------------------------------------------------------


def _blocks(tmp_path: Path, text: str) -> Blocks:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(text)
    return Blocks(Settings.from_options({}, tmp_path), SvgCache())


LANGS = (
    "merged_at,languages\n"
    "2020-05-01T10:00:00Z,Python:100/20;Markdown:5/5\n"
    "2020-06-01T10:00:00Z,Go:30/0;Python:1/0\n"
    "2021-01-01T10:00:00Z,Go:200/50\n"
    "2021-02-01T10:00:00Z,\n"
)


def test_chart_top_languages_by_lines_changed_and_per_year(tmp_path: Path) -> None:
    blocks = _blocks(tmp_path, LANGS)
    chart, _ = blocks.chart({"type": "languages", "top": 2})
    assert [(r["key"], r["additions"], r["deletions"]) for r in chart.rows] == [("Go", 230, 50), ("Python", 101, 20)]
    assert chart.caption == "Most lines changed were Go: 280 of 411."
    chart, _ = blocks.chart({"type": "languages", "per": "year"})
    assert [(r["key"], r["lines"]) for r in chart.rows] == [
        ("2020 · Python", 121),
        ("2020 · Go", 30),
        ("2020 · Markdown", 10),
        ("2021 · Go", 250),
    ]
    assert blocks.cache.svg(chart.spec).startswith("<svg")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "merged_at,additions\n2021-01-01T10:00:00Z,3\n",
            "the dataset 'work' has no languages column: collect it with `retroblog collect git`",
        ),
        ("merged_at,languages\n2021-01-01T10:00:00Z,\n", "no PR of the dataset 'work' has its languages known"),
    ],
)
def test_chart_of_a_dataset_without_languages_is_an_error_saying_where_to_get_them(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        _blocks(tmp_path, text).chart({"type": "languages"})
