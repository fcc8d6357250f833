"""The git collector on real repositories built in tmp dirs; expected PRs computed by hand."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from collect_support import BOB, JANE, MIA, Repo, build_widgets, lines

from retroblog.collect.base import DateRange
from retroblog.collect.git import Excludes, Identities, classify, collect_git, commit_counts, parse_remote
from retroblog.collect.merge import write_dataset
from retroblog.data.dataset import load_dataset
from retroblog.errors import CollectError

JANE_IDS = ["jane@corp.example", "janedoe"]
KEYS = (
    "number",
    "title",
    "merged_at",
    "additions",
    "deletions",
    "changed_files",
    "binary_files",
    "excluded_lines",
    "commits",
    "created_at",
    "merge_method",
    "author",
    "url",
)

# Worked out from build_widgets by hand:
# 1 GitHub merge: app.py is new with 11 lines (2 commits: +10, then 1 changed and 1 added);
#   package-lock.json (100 lines) is excluded. Jane's commits use her old email, mapped by .mailmap.
# 2 squash by Jane's noreply email (login janedoe): logo.png (binary), README.md -> docs/README.md
#   (pure rename: no lines), notes.txt +4.
# 3 GitLab merge of Bob's branch: not Jane's.
# 4 GitLab merge: docs/README.md line 2 changed and line 4 added (+2 -1); yarn.lock (20) excluded.
# 5 Azure squash: app.py lines 5-6 become one line and line 12 is added (+2 -2).
# 6 Azure merge commit authored by Jane (the PR's creator); the branch commit is Bob's: +5.
# 7 Bitbucket merge: timeout.py renamed with one line changed (+1 -1), retry.py +6.
# Fix typo (no marker), Bob's squash #8 and the local revert of #2 are not Jane's PRs.
EXPECTED: list[dict[str, Any]] = [
    {
        "number": 1,
        "title": "Add the app",
        "merged_at": "2020-02-03T12:00:00+02:00",
        "additions": 11,
        "deletions": 0,
        "changed_files": 1,
        "binary_files": 0,
        "excluded_lines": 100,
        "commits": 2,
        "created_at": "2020-02-01T10:00:00+01:00",
        "merge_method": "merge",
        "author": "jane@corp.example",
        "url": "https://github.com/acme/widgets/pull/1",
    },
    {
        "number": 2,
        "title": "Add logo and move docs",
        "merged_at": "2020-03-01T08:30:00-05:00",
        "additions": 4,
        "deletions": 0,
        "changed_files": 3,
        "binary_files": 1,
        "excluded_lines": 0,
        "commits": None,
        "created_at": None,
        "merge_method": "squash",
        "author": "12345+janedoe@users.noreply.github.com",
        "url": "https://github.com/acme/widgets/pull/2",
    },
    {
        "number": 4,
        "title": "Document the API",
        "merged_at": "2020-04-02T09:00:00Z",
        "additions": 2,
        "deletions": 1,
        "changed_files": 1,
        "binary_files": 0,
        "excluded_lines": 20,
        "commits": 1,
        "created_at": "2020-04-01T09:00:00Z",
        "merge_method": "merge",
        "author": "jane@corp.example",
        "url": None,
    },
    {
        "number": 5,
        "title": "Speed up the cache",
        "merged_at": "2020-05-01T16:00:00+09:00",
        "additions": 2,
        "deletions": 2,
        "changed_files": 1,
        "binary_files": 0,
        "excluded_lines": 0,
        "commits": None,
        "created_at": None,
        "merge_method": "squash",
        "author": "jane@corp.example",
        "url": None,
    },
    {
        "number": 6,
        "title": "Handle timeouts",
        "merged_at": "2020-06-02T09:00:00Z",
        "additions": 5,
        "deletions": 0,
        "changed_files": 1,
        "binary_files": 0,
        "excluded_lines": 0,
        "commits": 1,
        "created_at": None,
        "merge_method": "merge",
        "author": "jane@corp.example",
        "url": None,
    },
    {
        "number": 7,
        "title": "Add retries",
        "merged_at": "2020-07-02T09:00:00Z",
        "additions": 7,
        "deletions": 1,
        "changed_files": 2,
        "binary_files": 0,
        "excluded_lines": 0,
        "commits": 1,
        "created_at": "2020-07-01T09:00:00Z",
        "merge_method": "merge",
        "author": "jane@corp.example",
        "url": None,
    },
]


def pick(rows: list[dict[str, Any]], keys: tuple[str, ...] = KEYS) -> list[dict[str, Any]]:
    return [{k: r[k] for k in keys} for r in rows]


@pytest.fixture(scope="module")
def widgets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, dict[str, str]]:
    return build_widgets(tmp_path_factory.mktemp("git"))


def test_every_merge_style_identity_binary_rename_and_lock_file(widgets: tuple[Repo, dict[str, str]]) -> None:
    repo, shas = widgets
    found = collect_git([repo.path], JANE_IDS)
    assert pick(found.rows) == EXPECTED
    assert [r["merge_commit"] for r in found.rows] == [shas[n] for n in ("1", "2", "4", "5", "6", "7")]
    assert {r["repo"] for r in found.rows} == {"acme/widgets"}  # from the origin remote
    assert {r["source"] for r in found.rows} == {"git"}
    assert [r["lines_changed"] for r in found.rows] == [11, 4, 3, 4, 5, 8]
    assert found.commits_scanned == 11
    assert found.pr_merges == 8
    assert found.other_authors == {"Bob Roe <bob@corp.example>": 2}


def test_mailmap_maps_old_identities(widgets: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = widgets
    # Only the work email: PR 1 (commits made as jane.old@..., mapped by .mailmap) is found; the squash
    # made with the noreply email is not.
    found = collect_git([repo.path], ["jane@corp.example"])
    assert [r["number"] for r in found.rows] == [1, 4, 5, 6, 7]
    # The unmapped old email matches nothing: git reports the mapped identity.
    assert collect_git([repo.path], ["jane.old@personal.example"]).rows == []
    # A name works too, without case.
    assert [r["number"] for r in collect_git([repo.path], ["JANE DOE"]).rows] == [1, 2, 4, 5, 6, 7]


def test_extra_mailmap_file(widgets: tuple[Repo, dict[str, str]], tmp_path: Path) -> None:
    repo, _ = widgets
    mailmap = tmp_path / "mailmap"
    mailmap.write_text(
        "Bob Roe <bob@corp.example> Bob Roe <bob@corp.example>\n"
        "Jane Doe <jane@corp.example> Bob Roe <bob@corp.example>\n"
    )
    found = collect_git([repo.path], ["jane@corp.example"], mailmap=mailmap)
    # Bob's commits are now Jane's: MR !3 and squash #8 join her PRs.
    assert [r["number"] for r in found.rows] == [1, 3, 4, 5, 6, 7, 8]


def test_date_range_uses_each_commits_own_date(widgets: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = widgets
    found = collect_git([repo.path], JANE_IDS, dates=DateRange(*map(_date, ("2020-03-01", "2020-05-01"))))
    assert [r["number"] for r in found.rows] == [2, 4, 5]


def _date(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_excludes_can_be_changed(widgets: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = widgets
    everything = collect_git([repo.path], JANE_IDS, excludes=())
    first = everything.rows[0]
    assert (first["additions"], first["changed_files"], first["excluded_lines"]) == (111, 2, 0)
    custom = collect_git([repo.path], JANE_IDS, excludes=("src/*",))
    assert [(r["number"], r["additions"], r["excluded_lines"]) for r in custom.rows] == [
        (1, 100, 11),
        (2, 4, 0),
        (4, 22, 0),
        (5, 0, 4),
        (6, 0, 5),
        (7, 0, 8),
    ]


def test_output_is_a_valid_dataset_with_offsets_kept(widgets: tuple[Repo, dict[str, str]], tmp_path: Path) -> None:
    repo, _ = widgets
    rows = collect_git([repo.path], JANE_IDS).rows
    for name in ("prs.csv", "prs.jsonl"):
        write_dataset(tmp_path / name, rows)
        text = (tmp_path / name).read_text()
        assert "2020-02-03T12:00:00+02:00" in text and "2020-05-01T16:00:00+09:00" in text
        dataset = load_dataset(tmp_path / name)
        records = list(dataset.records())
        assert [r.number for r in records] == [1, 2, 4, 5, 6, 7]
        assert records[0].merged_at.isoformat() == "2020-02-03T10:00:00+00:00"
        assert [r.additions for r in records] == [11, 4, 2, 2, 5, 7]
        assert records[1].commits is None and records[1].comments is None  # unknown, not 0
        assert records[0].extra["excluded_lines"] in (100, "100")


def test_merge_commit_with_branch_history_and_main_merged_into_branch(tmp_path: Path) -> None:
    # A long-lived branch that merged main into itself: only its own commits count for the PR.
    repo = Repo(tmp_path / "r")
    repo.commit("init", {"a.txt": lines(1)}, BOB, "2021-01-01T00:00:00+00:00")
    repo.checkout("topic", new=True)
    repo.commit("topic 1", {"t.txt": lines(2)}, JANE, "2021-01-02T00:00:00+00:00")
    repo.checkout("main")
    repo.commit("Other work (#1)", {"b.txt": lines(3)}, BOB, "2021-01-03T00:00:00+00:00")
    repo.checkout("topic")
    repo.merge("main", "Merge branch 'main' into topic", JANE, "2021-01-04T00:00:00+00:00")
    repo.commit("topic 2", {"t.txt": lines(4)}, JANE, "2021-01-05T00:00:00+00:00")
    repo.checkout("main")
    repo.merge("topic", "Merge pull request #2 from jane/topic\n\nTopic work", MIA, "2021-01-06T00:00:00+00:00")
    found = collect_git([repo.path], ["Jane Doe"])
    assert pick(found.rows, ("number", "title", "additions", "commits", "created_at", "url")) == [
        {
            "number": 2,
            "title": "Topic work",
            "additions": 4,
            "commits": 3,
            "created_at": "2021-01-02T00:00:00Z",
            "url": None,
        },
    ]
    assert found.rows[0]["repo"] == "r"  # no remote: the folder's name


def test_pr_merged_twice_is_kept_once(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit("init", {"a.txt": lines(1)}, BOB, "2021-01-01T00:00:00+00:00")
    repo.commit("Add b (#3)", {"b.txt": lines(2)}, JANE, "2021-01-02T00:00:00+00:00")
    repo.commit("Add b (#3)", {"b.txt": lines(3)}, JANE, "2021-01-03T00:00:00+00:00")  # re-landed
    found = collect_git([repo.path], ["Jane Doe"])
    assert [(r["number"], r["merged_at"], r["additions"]) for r in found.rows] == [(3, "2021-01-02T00:00:00Z", 2)]
    assert found.duplicates == 1


def test_several_repositories_and_branch_option(widgets: tuple[Repo, dict[str, str]], tmp_path: Path) -> None:
    repo, _ = widgets
    other = Repo(tmp_path / "tools", branch="trunk")
    other.commit("init", {"a.txt": lines(1)}, BOB, "2021-01-01T00:00:00+00:00")
    other.commit("Add tool (#1)", {"tool.sh": lines(3)}, JANE, "2021-01-02T00:00:00+00:00")
    other.checkout("side", new=True)
    other.commit("Side (#2)", {"side.sh": lines(1)}, JANE, "2021-01-03T00:00:00+00:00")
    other.checkout("trunk")
    found = collect_git([repo.path, other.path], JANE_IDS)
    assert [(r["repo"], r["number"]) for r in found.rows][-1] == ("tools", 1)
    side = collect_git([other.path], JANE_IDS, branch="side")
    assert [r["number"] for r in side.rows] == [1, 2]


def test_origin_head_is_the_default_branch(tmp_path: Path) -> None:
    upstream = Repo(tmp_path / "up")
    upstream.commit("init", {"a.txt": lines(1)}, BOB, "2021-01-01T00:00:00+00:00")
    upstream.commit("Feature (#1)", {"b.txt": lines(1)}, JANE, "2021-01-02T00:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(upstream.path), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", "-b", "mine", "HEAD~1"], check=True)
    found = collect_git([clone], ["jane@corp.example"])  # HEAD is 'mine', origin/HEAD is main
    assert [r["number"] for r in found.rows] == [1]
    assert found.rows[0]["repo"] == "up"


def test_errors_name_the_repository_and_the_problem(tmp_path: Path, widgets: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = widgets
    with pytest.raises(CollectError, match=r"nothere: no such folder"):
        collect_git([tmp_path / "nothere"], JANE_IDS)
    (tmp_path / "plain").mkdir()
    with pytest.raises(CollectError, match=r"plain: not a git repository"):
        collect_git([tmp_path / "plain"], JANE_IDS)
    with pytest.raises(CollectError, match=r"no branch or commit 'develop'; branches: .*main"):
        collect_git([repo.path], JANE_IDS, branch="develop")
    with pytest.raises(CollectError, match=r"at least one --author"):
        collect_git([repo.path], [" "])
    with pytest.raises(CollectError, match=r"no such mailmap file"):
        collect_git([repo.path], JANE_IDS, mailmap=tmp_path / "missing")
    with pytest.raises(CollectError, match=r"both named 'acme/widgets'"):
        collect_git([repo.path, repo.path], JANE_IDS)


def test_progress_reports_total_and_commits(widgets: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = widgets

    class Recorder:
        def __init__(self) -> None:
            self.totals: list[int | None] = []
            self.done = 0

        def total(self, total: int | None) -> None:
            self.totals.append(total)

        def advance(self, count: int = 1) -> None:
            self.done += count

        def waiting(self, seconds: float, reason: str) -> None:
            raise AssertionError("git never waits")

    recorder = Recorder()
    collect_git([repo.path], JANE_IDS, progress=recorder)
    assert recorder.totals == [11] and recorder.done == 11


@pytest.mark.parametrize(
    ("subject", "body", "parents", "expected"),
    [
        ("Merge pull request #12 from a/b", "Title here\n", 2, ("github", 12, "Title here")),
        ("Merge pull request #12 in PROJ/repo from f to master", "* Fix\n", 2, ("github", 12, "* Fix")),
        ("Merge pull request 6611 from feature into main", "", 2, ("github", 6611, None)),
        ("Fix the thing (#34)", "", 1, ("squash", 34, "Fix the thing")),
        ('Revert "Fix the thing (#34)" (#40)', "", 1, ("squash", 40, 'Revert "Fix the thing (#34)"')),
        ('Revert "Fix the thing (#34)"', "", 1, None),
        ("Merged PR 77: Add: colon title", "", 1, ("azure", 77, "Add: colon title")),
        ("Merged in feature/x (pull request #5)", "PR title\n\nApproved-by: X\n", 2, ("bitbucket", 5, "PR title")),
        ("Merge branch 'x' into 'main'", "Title\n\nSee merge request grp/sub/proj!9\n", 2, ("gitlab", 9, "Title")),
        ("Merge branch 'x' into 'main'", "See merge request !7", 2, ("gitlab", 7, None)),
        ("Squashed MR title", "See merge request g/p!8", 1, ("gitlab", 8, "Squashed MR title")),
        ("Merge branch 'x'", "", 2, None),
        ("Fix (#no)", "", 1, None),
    ],
)
def test_classify(subject: str, body: str, parents: int, expected: Any) -> None:
    assert classify(subject, body, parents) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("git@github.com:acme/widgets.git", ("github.com", "acme/widgets")),
        ("https://github.com/acme/widgets", ("github.com", "acme/widgets")),
        ("ssh://git@gitlab.example:2222/grp/sub/proj.git", ("gitlab.example", "grp/sub/proj")),
        ("https://org@dev.azure.com/org/Project/_git/repo", ("dev.azure.com", "Project/repo")),
        ("git@ssh.dev.azure.com:v3/org/Project/repo", ("dev.azure.com", "Project/repo")),
        ("/srv/git/tools.git", (None, "tools")),
        ("", (None, None)),
    ],
)
def test_parse_remote(url: str, expected: tuple[str | None, str | None]) -> None:
    assert parse_remote(url) == expected


def test_identities_and_excludes() -> None:
    ids = Identities(["Jane  Doe", "JANE@corp.example", "janedoe"])
    assert ids.matches("jane doe", "x@y")
    assert ids.matches("Someone", "jane@CORP.example")
    assert ids.matches("J", "12345+janedoe@users.noreply.github.com")
    assert ids.matches("J", "janedoe@users.noreply.github.com")
    assert not ids.matches("Jane", "jane@other.example")
    excludes = Excludes(["package-lock.json", "*.min.js", "docs/generated/*"])
    assert excludes(b"web/package-lock.json") and excludes(b"a/b/x.min.js")
    assert excludes(b"docs/generated/api/x.md") and not excludes(b"src/docs/generated/x.md")
    assert not excludes(b"src/package-lock.json.txt")


def test_commit_counts_of_given_commits(widgets: tuple[Repo, dict[str, str]]) -> None:
    repo, shas = widgets
    counts = commit_counts(repo.path, [shas["1"], shas["2"][:10], "0" * 40, "not-a-sha"])
    assert set(counts) == {shas["1"], shas["2"][:10]}
    assert (counts[shas["1"]].additions, counts[shas["1"]].excluded_lines) == (11, 100)
    assert (counts[shas["2"][:10]].files, counts[shas["2"][:10]].binary) == (3, 1)


WAYLAN = ("Waylan Limberg", "waylan.limberg@icloud.example")
WAYLAN_WEB = ("Waylan Limberg", "66+waylan@users.noreply.github.com")


def _merged_branch(repo: Repo, number: int, owner: str, commits: list[tuple[tuple[str, str], str]], day: int) -> None:
    """A branch with ``commits`` (author, file) merged by Mia as 'Merge pull request #N from OWNER/topic'."""
    repo.checkout(f"topic-{number}", new=True)
    for index, (who, name) in enumerate(commits):
        repo.commit(f"work {index}", {name: f"{number} {index}\n"}, who, f"2022-01-{day:02d}T1{index}:00:00+00:00")
    repo.checkout("main")
    repo.merge(
        f"topic-{number}",
        f"Merge pull request #{number} from {owner}/topic-{number}\n\nTopic {number}",
        MIA,
        f"2022-01-{day:02d}T20:00:00+00:00",
    )


@pytest.fixture
def contributors(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "markdown")
    repo.commit("start", {"README": "x\n"}, BOB, "2022-01-01T00:00:00+00:00")
    _merged_branch(repo, 10, "waylan", [(WAYLAN, "a.txt")], 2)  # his only commits, from his fork
    _merged_branch(repo, 11, "waylan", [(BOB, "b.txt"), (WAYLAN_WEB, "c.txt")], 3)  # Bob's commit first
    _merged_branch(repo, 12, "bobroe", [(BOB, "d.txt"), (WAYLAN, "e.txt")], 4)  # Bob's branch
    return repo


def test_a_github_login_finds_the_prs_merged_from_its_branches(contributors: Repo) -> None:
    """Issue 14: --author waylan (a login) matched nothing although the subjects read 'from waylan/...'."""
    found = collect_git([contributors.path], ["waylan"])
    assert [(r["number"], r["author"]) for r in found.rows] == [
        (10, WAYLAN[1]),  # the branch's only author, who pushed it from waylan's fork
        (11, WAYLAN_WEB[1]),  # two authors: the tie goes to the branch's owner, not to the first commit
    ]


def test_branches_are_still_credited_by_their_commits_authors(contributors: Repo) -> None:
    bob = collect_git([contributors.path], ["bob@corp.example"])
    assert [r["number"] for r in bob.rows] == [12]  # his own branch; not #11, which is waylan's
    assert collect_git([contributors.path], ["Waylan Limberg"]).rows[0]["number"] == 10


def test_a_pr_merged_twice_is_one_pr_in_the_rows_and_in_the_authors_list(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit("start", {"README": "x\n"}, BOB, "2022-01-01T00:00:00+00:00")
    repo.commit("Add the cache (#5)", {"a.txt": "1\n"}, BOB, "2022-01-02T10:00:00+00:00")
    repo.commit("Revert the cache", {"a.txt": None}, BOB, "2022-01-03T10:00:00+00:00")
    repo.commit("Add the cache (#5)", {"a.txt": "2\n"}, BOB, "2022-01-04T10:00:00+00:00")  # re-landed
    found = collect_git([repo.path], ["jane@corp.example"])
    assert found.rows == [] and found.other_authors == {f"{BOB[0]} <{BOB[1]}>": 1}
    bob = collect_git([repo.path], [BOB[1]])
    assert [(r["number"], r["merged_at"][:10]) for r in bob.rows] == [(5, "2022-01-02")]
