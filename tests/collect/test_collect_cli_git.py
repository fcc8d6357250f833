"""``retroblog collect git`` end to end: files written, re-runs, errors as one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from collect_support import Repo, build_widgets

from retroblog.cli import main
from retroblog.data.dataset import load_dataset


@pytest.fixture(scope="module")
def widgets(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return build_widgets(tmp_path_factory.mktemp("git"))[0]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["collect", *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_collect_git_writes_then_adds_only_new_prs(widgets: Repo, tmp_path: Path) -> None:
    out = tmp_path / "data" / "work.csv"
    base = ["git", str(widgets.path), "--author", "jane@corp.example", "--author", "janedoe", "--out", str(out)]
    code, _, err = run(*base, "--until", "2020-04-30")
    assert code == 0, err
    assert "found 3 PRs in 11 main-line commits; wrote 3 PRs to" in err
    assert [r.number for r in load_dataset(out).records()] == [1, 2, 4]
    before = out.read_bytes()
    code, _, err = run(*base)
    assert code == 0, err
    assert "added 3 new PRs" in err and "(3 already there)" in err
    assert out.read_bytes().startswith(before)
    assert [r.number for r in load_dataset(out).records()] == [1, 2, 4, 5, 6, 7]
    code, _, err = run(*base)
    assert code == 0 and "no new PRs" in err


def test_collect_git_options(widgets: Repo, tmp_path: Path) -> None:
    out = tmp_path / "prs.jsonl"
    code, _, err = run(
        "git",
        str(widgets.path),
        "--author",
        "Jane Doe",
        "--out",
        str(out),
        "--no-default-excludes",
        "--exclude",
        "docs/*",
        "--since",
        "2020-02-01",
        "--branch",
        "main",
        "--dry-run",
    )
    assert code == 0, err
    assert "would write 6 PRs" in err and not out.exists()
    code, _, err = run(
        "git",
        str(widgets.path),
        "--author",
        "Jane Doe",
        "--out",
        str(out),
        "--no-default-excludes",
        "--exclude",
        "docs/*",
    )
    assert code == 0, err
    records = list(load_dataset(out).records())
    assert [(r.number, r.additions) for r in records][:3] == [(1, 111), (2, 4), (4, 20)]


def test_collect_git_redact(widgets: Repo, tmp_path: Path) -> None:
    out = tmp_path / "public.csv"
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    args = ["git", str(widgets.path), "--author", "jane@corp.example", "--out", str(out), "--redact"]
    code, _, err = run(*args, env=env)
    assert code == 0, err
    assert (tmp_path / "config" / "retroblog" / "redact.key").exists()
    text = out.read_text()
    for secret in ("acme", "widgets", "Add the app", "jane", "github.com/acme"):
        assert secret not in text
    code, _, err = run(*args, env=env)
    assert code == 0 and "no new PRs" in err
    code, _, err = run(*args[:-1], env=env)
    assert code == 1 and "its rows are redacted" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["git", "{tmp}/missing", "--author", "x", "--out", "{tmp}/o.csv"], "missing: no such folder"),
        (["git", "{tmp}", "--author", "x", "--out", "{tmp}/o.csv"], "not a git repository"),
        (["git", "{repo}", "--author", "x", "--out", "{tmp}/o.xlsx"], "collectors write CSV"),
        (
            ["git", "{repo}", "--author", "x", "--out", "{tmp}/o.csv", "--since", "2020-13-01"],
            "--since '2020-13-01' is not a date; expected YYYY-MM-DD",
        ),
        (
            [
                "git",
                "{repo}",
                "--author",
                "x",
                "--out",
                "{tmp}/o.csv",
                "--since",
                "2021-01-01",
                "--until",
                "2020-01-01",
            ],
            "--since 2021-01-01 is after --until 2020-01-01",
        ),
        (
            ["git", "{repo}", "--author", "nobody@example.com", "--out", "{tmp}/o.csv"],
            "no merged PRs by nobody@example.com in the repository (11 main-line commits, 8 PR merges in the date "
            "range); PR authors found: Jane Doe <jane@corp.example> (5), Bob Roe <bob@corp.example> (2), "
            "Jane Doe <12345+janedoe@users.noreply.github.com> (1)",
        ),
        (["git", "{repo}", "--author", "x", "--out", "{tmp}/o.csv", "--branch", "nope"], "no branch or commit 'nope'"),
    ],
)
def test_collect_git_errors_are_one_line(widgets: Repo, tmp_path: Path, args: list[str], message: str) -> None:
    filled = [a.format(tmp=tmp_path, repo=widgets.path) for a in args]
    code, out, err = run(*filled)
    assert code == 1
    assert err.startswith("Error: ") and message in err
    assert "Traceback" not in err + out
    assert not (tmp_path / "o.csv").exists()


def test_collect_git_never_overwrites_a_file_it_cannot_read(widgets: Repo, tmp_path: Path) -> None:
    out = tmp_path / "prs.csv"
    out.write_text("")
    code, _, err = run("git", str(widgets.path), "--author", "Jane Doe", "--out", str(out))
    assert code == 1 and "the file is empty" in err
    assert out.read_text() == ""


def _squash_merges(path: Path, remote: str, titles: list[str]) -> Repo:
    """A repository whose origin remote is ``remote`` (a local path, as a clone of a bare repository has)
    with one squash-merged PR of Jane per title, numbered 1, 2, ..."""
    from collect_support import JANE

    repo = Repo(path)
    repo.git("remote", "add", "origin", remote)
    for number, title in enumerate(titles, start=1):
        repo.commit(f"{title} (#{number})", {f"f{number}.txt": title}, JANE, f"2021-0{number}-01T10:00:00+00:00")
    return repo


def test_two_clones_with_one_folder_name_never_lose_a_pr(tmp_path: Path) -> None:
    """Issue 14: two clones whose remotes end in the same folder name were both named 'repo'; a second
    collect into the same file said "3 already there" about three other PRs and dropped them."""
    first = _squash_merges(tmp_path / "a", "/srv/git/team-a/repo.git", ["Add the parser", "Fix the lexer"])
    second = _squash_merges(tmp_path / "b", "/srv/git/team-b/repo.git", ["Speed up search", "Drop Python 3.8"])
    out = tmp_path / "work.csv"
    code, _, err = run("git", str(first.path), "--author", "jane@corp.example", "--out", str(out))
    assert code == 0, err
    assert "repo: named from its origin remote (/srv/git/team-a/repo.git)" in err
    before = out.read_bytes()
    code, _, err = run("git", str(second.path), "--author", "jane@corp.example", "--out", str(out))
    assert code == 1
    assert f"{out}:2: the file's PR repo#1 ('Add the parser', merge commit " in err
    assert "a collected PR repo#1 ('Speed up search', merge commit " in err
    assert "two repositories named 'repo'? Name the collected one apart (collect git --repo NAME)" in err
    assert out.read_bytes() == before  # nothing written, nothing lost
    code, _, err = run(
        "git", str(second.path), "--author", "jane@corp.example", "--repo", "team-b/repo", "--out", str(out)
    )
    assert code == 0, err
    assert "team-b/repo: named from --repo" in err and "added 2 new PRs" in err
    rows = [(r.repo, r.number, r.title) for r in load_dataset(out).records()]
    assert sorted(rows) == [
        ("repo", 1, "Add the parser"),
        ("repo", 2, "Fix the lexer"),
        ("team-b/repo", 1, "Speed up search"),
        ("team-b/repo", 2, "Drop Python 3.8"),
    ]


def test_a_pr_collected_again_is_already_there_even_with_an_edited_title(tmp_path: Path) -> None:
    repo = _squash_merges(tmp_path / "a", "git@github.com:acme/api.git", ["Add the parser", "Fix the lexer"])
    out = tmp_path / "work.csv"
    assert run("git", str(repo.path), "--author", "jane@corp.example", "--out", str(out))[0] == 0
    out.write_text(out.read_text(encoding="utf-8").replace("Add the parser", "Add the parser (my words)"))
    code, _, err = run("git", str(repo.path), "--author", "jane@corp.example", "--out", str(out))
    assert code == 0, err  # the same merge commit: the same PR, whatever its title now says
    assert "no new PRs" in err and "acme/api: named from its origin remote (git@github.com:acme/api.git)" in err


def test_repo_names_one_per_folder(tmp_path: Path) -> None:
    repo = _squash_merges(tmp_path / "a", "/srv/git/x/repo.git", ["Add the parser"])
    code, _, err = run("git", str(repo.path), "--author", "j", "--repo", "a", "--repo", "b", "--out", "x.csv")
    assert code == 1 and "--repo names 2 repositories for 1 folder" in err
    code, _, err = run("git", str(repo.path), "--author", "j", "--repo", "has space", "--out", "x.csv")
    assert code == 1 and "--repo 'has space' is not a repository name" in err
