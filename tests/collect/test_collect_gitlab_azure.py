"""``collect gitlab`` and ``collect azure`` against local servers speaking their REST wire formats."""

from __future__ import annotations

import base64
import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from collect_support import BOB, JANE, Answer, Clock, LocalServer, Repo, Seen, json_answer, lines

from retroblog.cli import main
from retroblog.collect.azure import collect_azure
from retroblog.collect.base import DateRange
from retroblog.collect.gitlab import api_url, collect_gitlab
from retroblog.data.dataset import load_dataset
from retroblog.errors import AuthError, CollectError

TOKEN = "glpat-SECRETSECRETSECRET"
PAT = "azdopat0123456789SECRET"


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, list[str]]:
    repo = Repo(tmp_path_factory.mktemp("clone") / "app")
    repo.commit("init", {"a.txt": lines(3)}, BOB, "2021-01-01T00:00:00+00:00")
    first = repo.commit("Add feature (#1)", {"f.py": lines(12), "yarn.lock": lines(50)}, JANE, "2021-02-01T00:00:00Z")
    second = repo.commit(
        "Fix (#2)", {"a.txt": "line 1\nline 2 fixed\n", "logo.png": b"\x00\x01\x02"}, JANE, "2021-03-01T00:00:00Z"
    )
    return repo, [first, second]


# -------------------------------------------------------------------------------------------------
# GitLab


def gitlab_mrs(shas: list[str]) -> list[dict[str, Any]]:
    mrs = []
    for i in range(1, 251):
        merged = dt.datetime(2021, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=i)
        mrs.append(
            {
                "id": 1000 + i,
                "iid": i,
                "project_id": 7,
                "title": f"MR {i}",
                "state": "merged",
                "created_at": (merged - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S.123Z"),
                "merged_at": merged.strftime("%Y-%m-%dT%H:%M:%S.520Z"),
                "author": {"id": 5, "username": "jane", "name": "Jane Doe"},
                "user_notes_count": i % 5,
                "labels": ["backend"] if i % 2 else [],
                "web_url": f"https://gitlab.example/grp/sub/app/-/merge_requests/{i}",
                "references": {"short": f"!{i}", "full": f"grp/sub/app!{i}"},
                "merge_commit_sha": shas[0] if i == 1 else None,
                "squash_commit_sha": shas[1] if i == 2 else ("f" * 40 if i == 3 else None),
            }
        )
    return mrs


class FakeGitLab:
    def __init__(self, mrs: list[dict[str, Any]]) -> None:
        self.mrs = mrs

    def __call__(self, seen: Seen) -> Answer:
        assert seen.path == "/api/v4/merge_requests"
        if seen.headers.get("private-token") != TOKEN:
            return json_answer({"message": "401 Unauthorized"}, 401)
        q = {k: v[0] for k, v in seen.query.items()}
        assert (q["scope"], q["state"], q["author_username"]) == ("all", "merged", "jane")
        after = dt.datetime.fromisoformat(q.get("updated_after", "2000-01-01T00:00:00Z").replace("Z", "+00:00"))
        hits = [m for m in self.mrs if dt.datetime.fromisoformat(m["merged_at"].replace("Z", "+00:00")) >= after]
        per, page = int(q["per_page"]), int(q.get("page", "1"))
        chunk = hits[(page - 1) * per : page * per]
        pages = math.ceil(len(hits) / per)
        headers = {
            "x-total": str(len(hits)),
            "x-total-pages": str(pages),
            "x-page": str(page),
            "x-next-page": str(page + 1) if page < pages else "",
        }
        return json_answer(chunk, headers=headers)


def test_gitlab_pages_dates_counts_from_a_clone(clone: tuple[Repo, list[str]], tmp_path: Path) -> None:
    repo, shas = clone
    clock = Clock()
    with LocalServer(FakeGitLab(gitlab_mrs(shas))) as server:
        server.faults = [
            json_answer({"message": "Retry later"}, 429, {"retry-after": "2", "ratelimit-remaining": "0"}),
            (500, {}, b"boom"),
        ]
        found = collect_gitlab(
            "jane",
            TOKEN,
            host=server.url,
            repo_paths=[repo.path],
            sleep=clock.sleep,
            clock=clock.time,
            state_file=tmp_path / "state.json",
        )
        assert clock.slept == [2, 1]
        pages = [r.query.get("page") for r in server.requests]
        assert pages == [["1"], ["1"], ["1"], ["2"], ["3"]]
        since = collect_gitlab(
            "jane", TOKEN, host=server.url, dates=DateRange(dt.date(2021, 9, 1), dt.date(2021, 9, 2))
        )
        assert server.requests[-1].query["updated_after"] == ["2021-09-01T00:00:00Z"]
        assert [r["number"] for r in since.rows] == [243, 244]
    assert len(found.rows) == 250 and not (tmp_path / "state.json").exists()
    one, two, three, four = found.rows[:4]
    assert {
        k: one[k]
        for k in (
            "number",
            "repo",
            "title",
            "url",
            "merged_at",
            "created_at",
            "comments",
            "labels",
            "additions",
            "deletions",
            "changed_files",
            "excluded_lines",
            "merge_method",
            "note",
            "source",
            "host",
            "author",
        )
    } == {
        "number": 1,
        "repo": "grp/sub/app",
        "title": "MR 1",
        "url": "https://gitlab.example/grp/sub/app/-/merge_requests/1",
        "merged_at": "2021-01-02T00:00:00.520000Z",
        "created_at": "2021-01-01T21:00:00.123000Z",
        "comments": 1,
        "labels": ["backend"],
        "additions": 12,
        "deletions": 0,
        "changed_files": 1,
        "excluded_lines": 50,
        "merge_method": "merge",
        "note": None,
        "source": "gitlab",
        "host": "127.0.0.1",
        "author": "jane",
    }
    assert (two["additions"], two["deletions"], two["binary_files"], two["merge_method"]) == (1, 2, 1, "squash")
    assert three["additions"] is None and "not in the --repo-path clones" in three["note"]
    assert four["additions"] is None and four["comments"] == 4
    out = tmp_path / "gl.csv"
    from retroblog.collect.merge import write_dataset

    write_dataset(out, found.rows)
    assert len(load_dataset(out)) == 250


def test_gitlab_errors(tmp_path: Path) -> None:
    with LocalServer(FakeGitLab([])) as server:
        with pytest.raises(
            AuthError, match=r"GitLab refused the token \(GITLAB_TOKEN\) \(HTTP 401: 401 Unauthorized\)"
        ):
            collect_gitlab("jane", "glpat-old", host=server.url)
        server.faults = [(200, {}, b"<!DOCTYPE html><html>")]
        with pytest.raises(CollectError, match=r"GitLab: the answer of .*/api/v4/merge_requests is not valid JSON"):
            collect_gitlab("jane", TOKEN, host=server.url)
        server.faults = [json_answer({"message": "oops"})]
        with pytest.raises(CollectError, match="expected a JSON list"):
            collect_gitlab("jane", TOKEN, host=server.url)
        found = collect_gitlab("jane", TOKEN, host=server.url)
        assert found.rows == []
    assert api_url(None) == ("https://gitlab.com/api/v4", "gitlab.com")
    assert api_url("https://git.corp.example/gitlab/") == ("https://git.corp.example/gitlab/api/v4", "git.corp.example")


def test_gitlab_cli(clone: tuple[Repo, list[str]], tmp_path: Path) -> None:
    repo, shas = clone
    out = tmp_path / "gl.jsonl"
    with LocalServer(FakeGitLab(gitlab_mrs(shas))) as server:
        env = {"GITLAB_TOKEN": TOKEN, "XDG_CACHE_HOME": str(tmp_path / "cache")}
        args = [
            "collect",
            "gitlab",
            "--user",
            "jane",
            "--host",
            server.url,
            "--out",
            str(out),
            "--repo-path",
            str(repo.path),
        ]
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 0, result.stderr
        assert "found 250 merge requests on 127.0.0.1; wrote 250 PRs" in result.stderr
        again = CliRunner().invoke(main, args, env=env)
        assert again.exit_code == 0 and "no new PRs" in again.stderr
    assert TOKEN not in out.read_text()
    assert [r.additions for r in load_dataset(out).records()][:3] == [12, 1, None]


# -------------------------------------------------------------------------------------------------
# Azure DevOps


def azure_prs(shas: list[str]) -> list[dict[str, Any]]:
    prs = []
    for i in range(1, 231):
        mine = i % 4 != 0
        closed = dt.datetime(2022, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=20 * i)
        prs.append(
            {
                "pullRequestId": i,
                "title": f"PR {i}",
                "status": "completed",
                "creationDate": (closed - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.6655471Z"),
                "closedDate": closed.strftime("%Y-%m-%dT%H:%M:%S.1234567Z"),
                "createdBy": {
                    "id": "9d2b1c1e-0000-4000-8000-00000000000a" if mine else "other-id",
                    "displayName": "Jane Doe" if mine else "Bob Roe",
                    "uniqueName": "Jane@Corp.example" if mine else "bob@corp.example",
                },
                "repository": {
                    "id": "3411ebc1-d5aa-464f-9615-0b527bc66719",
                    "name": "app",
                    "project": {"id": "a7573007", "name": "Fabrikam"},
                },
                "lastMergeCommit": {"commitId": shas[0] if i == 1 else ("e" * 40)},
                "completionOptions": {"mergeStrategy": "squash" if i % 2 else "noFastForward"},
                "labels": [{"id": "x", "name": "release", "active": True}] if i == 1 else [],
            }
        )
    return prs


class FakeAzure:
    def __init__(self, prs: list[dict[str, Any]]) -> None:
        self.prs = prs

    def __call__(self, seen: Seen) -> Answer:
        expected = "Basic " + base64.b64encode(f":{PAT}".encode()).decode()
        if seen.headers.get("authorization") != expected:
            return 401, {"content-type": "text/html"}, b""
        q = {k: v[0] for k, v in seen.query.items()}
        assert q["api-version"] == "7.1"
        if seen.path == "/fabrikam-org/Fabrikam/_apis/git/pullrequests":
            assert q["searchCriteria.status"] == "completed"
            hits = [p for p in self.prs if q.get("searchCriteria.creatorId") in (None, p["createdBy"]["id"])]
            if "searchCriteria.minTime" in q:
                assert q["searchCriteria.queryTimeRangeType"] == "closed"
                hits = [
                    p for p in hits if q["searchCriteria.minTime"] <= p["closedDate"] <= q["searchCriteria.maxTime"]
                ]
            skip, top = int(q.get("$skip", 0)), int(q["$top"])
            page = hits[skip : skip + top]
            return json_answer({"value": page, "count": len(page)})
        prefix = "/fabrikam-org/Fabrikam/_apis/git/repositories/3411ebc1-d5aa-464f-9615-0b527bc66719/pullRequests/"
        assert seen.path.startswith(prefix) and seen.path.endswith("/threads")
        number = int(seen.path[len(prefix) :].split("/")[0])
        threads = [
            {"id": 1, "isDeleted": False, "comments": [{"id": 1, "commentType": "system", "content": "Jane voted 10"}]},
            {
                "id": 2,
                "isDeleted": False,
                "comments": [
                    {"id": 1, "commentType": "text", "content": "Looks good"},
                    {"id": 2, "commentType": "text", "content": "gone", "isDeleted": True},
                ],
            },
            {
                "id": 3,
                "isDeleted": False,
                "threadContext": {"filePath": "/src/app.py"},
                "comments": [{"id": 1, "commentType": "text", "content": "nit"} for _ in range(number % 3)],
            },
        ]
        return json_answer({"value": threads, "count": len(threads)})


def test_azure_pages_filters_creator_counts_comments(clone: tuple[Repo, list[str]]) -> None:
    repo, shas = clone
    clock = Clock()
    with LocalServer(FakeAzure(azure_prs(shas))) as server:
        server.faults = [
            json_answer(
                {"message": "TF400733: The request has been canceled: rate limited"}, 429, {"retry-after": "30"}
            ),
            (503, {"retry-after": "4"}, b""),
        ]
        found = collect_azure(
            "fabrikam-org",
            "Fabrikam",
            "jane@corp.example",
            PAT,
            host=server.url,
            repo_paths=[repo.path],
            sleep=clock.sleep,
            clock=clock.time,
        )
        assert clock.slept == [30, 4]
        listing = [r for r in server.requests if r.path.endswith("/pullrequests")]
        assert [r.query.get("$skip") for r in listing] == [["0"], ["0"], ["0"], ["100"], ["200"]]
        by_guid = collect_azure(
            "fabrikam-org",
            "Fabrikam",
            "9d2b1c1e-0000-4000-8000-00000000000a",
            PAT,
            host=server.url,
            dates=DateRange(dt.date(2022, 1, 2), dt.date(2022, 1, 3)),
        )
        assert server.requests[-3].query["searchCriteria.creatorId"] == ["9d2b1c1e-0000-4000-8000-00000000000a"]
        assert [r["number"] for r in by_guid.rows] == [2, 3]
    assert len(found.rows) == 230 - 57
    first = found.rows[0]
    assert {
        k: first[k]
        for k in (
            "number",
            "repo",
            "title",
            "url",
            "merged_at",
            "created_at",
            "comments",
            "review_comments",
            "labels",
            "additions",
            "excluded_lines",
            "merge_method",
            "author",
            "source",
        )
    } == {
        "number": 1,
        "repo": "Fabrikam/app",
        "title": "PR 1",
        "url": f"{server.url}/fabrikam-org/Fabrikam/_git/app/pullrequest/1",
        "merged_at": "2022-01-01T20:00:00.123456Z",
        "created_at": "2021-12-31T20:00:00.665547Z",
        "comments": 1,
        "review_comments": 1,
        "labels": ["release"],
        "additions": 12,
        "excluded_lines": 50,
        "merge_method": "squash",
        "author": "Jane@Corp.example",
        "source": "azure-devops",
    }
    assert found.rows[1]["additions"] is None and "not in the --repo-path clones" in found.rows[1]["note"]
    assert found.rows[1]["merge_method"] == "merge" and found.rows[1]["review_comments"] == 2


def test_azure_errors_and_cli(tmp_path: Path) -> None:
    with LocalServer(FakeAzure(azure_prs(["a" * 40]))) as server:
        with pytest.raises(AuthError, match=r"Azure DevOps refused the token \(AZURE_DEVOPS_TOKEN\) \(HTTP 401\)"):
            collect_azure("fabrikam-org", "Fabrikam", "jane@corp.example", "expired", host=server.url)
        with pytest.raises(
            CollectError, match=r"Azure DevOps: HTTP 404, .*/nope/Fabrikam/_apis/git/pullrequests not found"
        ):
            server.faults = [json_answer({"message": "TF200016: The following project does not exist"}, 404)]
            collect_azure("nope", "Fabrikam", "jane@corp.example", PAT, host=server.url)
        with pytest.raises(CollectError, match=r"--project 'a/b' is not an Azure DevOps project name"):
            collect_azure("org", "a/b", "jane@corp.example", PAT, host=server.url)
        out = tmp_path / "ado.csv"
        env = {"AZURE_DEVOPS_TOKEN": PAT}
        args = [
            "collect",
            "azure",
            "--org",
            "fabrikam-org",
            "--project",
            "Fabrikam",
            "--creator",
            "Jane Doe",
            "--host",
            server.url,
            "--out",
            str(out),
            "--since",
            "2022-01-01",
            "--until",
            "2022-01-10",
        ]
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 0, result.stderr
        assert "found 9 pull requests in fabrikam-org/Fabrikam; wrote 9 PRs" in result.stderr
        nobody = CliRunner().invoke(main, [*args[:7], "nobody@corp.example", *args[8:]], env=env)
        assert (
            nobody.exit_code == 1 and "found no completed pull requests created by nobody@corp.example" in nobody.stderr
        )
    records = list(load_dataset(out).records())
    assert [r.number for r in records] == [1, 2, 3, 5, 6, 7, 9, 10, 11]
    assert "line counts unknown: Azure DevOps's API gives none" in out.read_text()
    assert PAT not in out.read_text() + result.output + result.stderr


class SignInPage(FakeAzure):
    """dev.azure.com's answer to a bad token: 203 and an HTML sign-in page, unless the client asks it not to
    redirect (``X-TFS-FedAuthRedirect: Suppress``), then 401."""

    def __call__(self, seen: Seen) -> Answer:
        expected = "Basic " + base64.b64encode(f":{PAT}".encode()).decode()
        if seen.headers.get("authorization") == expected:
            return super().__call__(seen)
        if seen.headers.get("x-tfs-fedauthredirect") == "Suppress":
            return json_answer({"message": "TF400813: The user is not authorized to access this resource."}, 401)
        return 203, {"content-type": "text/html; charset=utf-8"}, b"<!DOCTYPE html><html><title>Sign in</title>"


def test_azure_asks_for_a_401_and_takes_a_sign_in_page_as_a_refused_token() -> None:
    with LocalServer(SignInPage(azure_prs(["a" * 40]))) as server:
        with pytest.raises(AuthError, match=r"refused the token \(AZURE_DEVOPS_TOKEN\) \(HTTP 401: TF400813"):
            collect_azure("fabrikam-org", "Fabrikam", "jane@corp.example", "expired", host=server.url)
        assert server.requests[-1].headers["x-tfs-fedauthredirect"] == "Suppress"
        # A server that sends its sign-in page anyway (the header dropped on the way): still the token.
        server.faults = [(203, {"content-type": "text/html"}, b"<!DOCTYPE html><html><title>Sign in</title>")]
        with pytest.raises(AuthError, match=r"refused the token \(AZURE_DEVOPS_TOKEN\) \(HTTP 401: a sign-in page"):
            collect_azure("fabrikam-org", "Fabrikam", "jane@corp.example", PAT, host=server.url)


def test_an_azure_run_stopped_by_a_server_error_resumes_where_it_stopped(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    prs = azure_prs(["a" * 40])[:40]  # 30 of them Jane's

    def threads_fail_after_ten(seen: Seen) -> Answer | None:
        """Every threads request after the tenth fails (the handler runs after the request is logged)."""
        if seen.path.endswith("/threads") and sum(r.path.endswith("/threads") for r in server.requests) > 10:
            return json_answer({"message": "TF400898: An Internal Error Occurred."}, 500)
        return None

    clock = Clock()
    with LocalServer(FakeAzure(prs)) as server:
        server.faults = [threads_fail_after_ten] * 17  # the 11th threads request fails 6 times
        with pytest.raises(CollectError, match=r"HTTP 500 .* after 6 tries.*resumes where it stopped"):
            collect_azure(
                "fabrikam-org",
                "Fabrikam",
                "jane@corp.example",
                PAT,
                host=server.url,
                state_file=state,
                sleep=clock.sleep,
                clock=clock.time,
            )
        assert state.is_file()
        before = len(server.requests)
        server.faults = []
        found = collect_azure(
            "fabrikam-org",
            "Fabrikam",
            "jane@corp.example",
            PAT,
            host=server.url,
            state_file=state,
            sleep=clock.sleep,
            clock=clock.time,
        )
        again = server.requests[before:]
    assert found.resumed == 10 and len(found.rows) == 30
    assert not any(r.path.endswith("/pullrequests") for r in again)  # the list was kept
    assert sum(r.path.endswith("/threads") for r in again) == 20  # only the PRs not fetched before
    assert not state.exists()  # a completed run leaves no state
    assert [r["number"] for r in found.rows] == sorted(r["number"] for r in found.rows)
