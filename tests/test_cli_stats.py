"""``retroblog stats``: JSON and tables, datasets by path or by name, errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from retroblog.cli import main

CSV = "merged_at,additions,repo\n2021-03-01T10:00:00Z,5,a\n2021-06-01T10:00:00Z,50,b\n2022-01-01T10:00:00Z,500,a\n"


def run(*args: str, cwd=None):
    runner = CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_json_by_path(write):
    path = write("prs.csv", CSV)
    result = run("stats", str(path), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total_prs"] == 3
    assert data["by_year"] == {"2021": 2, "2022": 1}
    assert data["by_quarter"] == {
        "2021-Q1": 1,
        "2021-Q2": 1,
        "2021-Q3": 0,
        "2021-Q4": 0,
        "2022-Q1": 1,
    }
    assert data["by_month"]["2021-03"] == 1
    assert data["size_buckets"] == {"<10": 1, "10-100": 1, "100-500": 0, "500-1000": 1, ">1000": 0}
    # the file has no deletions column: unknown for every PR, null (not 0), and counted as unknown
    assert (data["additions"], data["deletions"]) == (555, None)
    assert data["unknown"]["deletions"] == 3


def test_filters_and_repo(write):
    path = write("prs.csv", CSV)
    data = json.loads(run("stats", str(path), "--json", "--from", "2021-04", "--repo", "a").stdout)
    assert data["total_prs"] == 1
    assert data["filters"] == {"from": "2021-04-01", "to": None, "repo": ["a"], "label": []}


def test_dataset_by_name_from_mkdocs_yml(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text("merged_at\n2020-12-31T23:30:00Z\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  - retroblog:\n      datasets:\n        work: {timezone: Asia/Tokyo}\n"
    )
    monkeypatch.chdir(tmp_path)
    data = json.loads(run("stats", "work", "--json").stdout)
    assert data["by_year"] == {"2021": 1}
    assert data["timezone"] == "Asia/Tokyo"


def test_table_output(write):
    path = write("prs.csv", CSV)
    result = run("stats", str(path))
    assert result.exit_code == 0
    assert "PRs merged" in result.stdout and " 3 " in result.stdout
    assert "500-1000" in result.stdout


def test_errors_are_one_line_without_traceback(fixtures, tmp_path, monkeypatch):
    result = CliRunner().invoke(main, ["stats", str(fixtures / "bad/bad-values.csv")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.startswith("Error: ")
    assert "bad-values.csv:3: column 'additions': 'many' is not a whole number" in result.output
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["stats", "nosuch"])
    assert result.exit_code == 1
    assert result.output == "Error: 'nosuch' is not a dataset file, and there is no mkdocs.yml to look its name up in\n"
    result = CliRunner().invoke(main, ["stats", str(fixtures / "bad/bad-values.csv"), "--from", "soon"])
    assert result.exit_code == 1


def test_unknown_dataset_name_lists_known_ones(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text("merged_at\n2021-01-01\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - retroblog\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["stats", "home"])
    assert result.exit_code == 1
    assert result.output == "Error: unknown dataset 'home'; known datasets: work\n"


def test_numbers_and_units_agree_in_cli_text(write, capsys):
    # one PR: a streak of 1 week; PRs in two weeks running (Monday 2021-03-01, then 2021-03-08): 2 weeks
    one = run("stats", str(write("one.csv", "merged_at\n2021-03-03T10:00:00Z\n")))
    assert one.exit_code == 0, one.output
    assert "1 week (2021-W09 to 2021-W09)" in one.stdout and "1 weeks" not in one.stdout
    two = run("stats", str(write("two.csv", "merged_at\n2021-03-03T10:00:00Z\n2021-03-09T10:00:00Z\n")))
    assert "2 weeks (2021-W09 to 2021-W10)" in two.stdout
    # An empty selection says so and names the dataset's dates (issue 14), rather than a table of zeros.
    none = run("stats", str(write("none.csv", "merged_at\n2021-03-03T10:00:00Z\n")), "--from", "2022")
    assert none.exit_code == 1 and none.stdout == ""
    assert none.stderr.strip() == (
        "Error: no PRs from 2022-01-01 in the dataset 'none', whose PRs were merged from 2021-03-03 to 2021-03-03: "
        "widen --from/--to, --repo or --label"
    )
    json_too = run("stats", str(write("none.csv", "merged_at\n2021-03-03T10:00:00Z\n")), "--repo", "x", "--json")
    assert json_too.exit_code == 1 and "no PRs in x in the dataset 'none'" in json_too.stderr

    from retroblog.cli.collect import _report
    from retroblog.collect.merge import WriteResult

    _report(WriteResult(Path("prs.csv"), 1, 1, 1, created=True), "found it", dry_run=False)
    _report(WriteResult(Path("prs.csv"), 2, 1, 1), "found 2 PRs", dry_run=False)
    err = capsys.readouterr().err
    assert "wrote 1 PR to prs.csv" in err and "added 1 new PR to prs.csv" in err and "PRs to" not in err


def test_count_words():
    from retroblog.util.words import count

    assert [count(n, "week") for n in (0, 1, 2, 1234)] == ["0 weeks", "1 week", "2 weeks", "1,234 weeks"]
    assert [count(n, "try", "tries") for n in (1, 6)] == ["1 try", "6 tries"]
