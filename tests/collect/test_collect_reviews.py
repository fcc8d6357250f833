"""``collect github|gitlab|azure --reviews`` against local servers speaking the APIs' wire formats.

The servers answer from ``tests/fixtures/reviews/`` (GraphQL PR nodes with every user's reviews, GitLab
MRs with their approvals and notes, Azure DevOps PRs with their reviewers' votes and threads) and apply
the filters the real APIs apply (search qualifiers, ``reviews(author:)``, ``reviewer_username``,
``searchCriteria.reviewerId``), so the collectors are checked against what those filters leave.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from collect_support import Answer, Clock, LocalServer, Seen, json_answer

from retroblog.cli import main
from retroblog.collect.base import DateRange
from retroblog.collect.reviews import (
    COLUMNS,
    collect_azure_reviews,
    collect_github_reviews,
    collect_gitlab_reviews,
    write_reviews,
)
from retroblog.data.reviews import load_reviews
from retroblog.errors import CollectError

TOKEN = "ghp_REVIEWSSECRET0123456789"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reviews"
TODAY = dt.date(2022, 6, 1)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


# -------------------------------------------------------------------------------------------------
# GitHub


class FakeGitHubReviews:
    """GitHub's GraphQL search for ``reviewed-by:``: the qualifiers (``-author:``, ``created:A..B``,
    ``updated:>=D``, ``org:``), a result cap, cursor pages, ``reviews(author: $login)`` filtered on the
    server, and a ``{}`` node for a result the token cannot see."""

    def __init__(self, nodes: list[dict[str, Any]], cap: int = 1000) -> None:
        self.nodes = nodes
        self.cap = cap
        self.windows: list[str] = []

    def __call__(self, seen: Seen) -> Answer:
        assert (seen.method, seen.path) == ("POST", "/api/graphql")
        if seen.headers.get("authorization") != f"Bearer {TOKEN}":
            return json_answer({"message": "Bad credentials"}, 401)
        query, variables = seen.body["query"], seen.body["variables"]
        assert "reviews(first: 100, author: $login)" in query and "$login: String!" in query
        terms: dict[str, str] = {}
        for term in variables["q"].split():
            key, _, value = term.partition(":")
            terms[key] = value
        assert terms["is"] == "pr" and terms["reviewed-by"] == terms["-author"] == variables["login"]
        low, high = (dt.datetime.fromisoformat(x) for x in terms["created"].split(".."))
        login = variables["login"]
        hits = [
            n
            for n in self.nodes
            if n["author"]["login"] != terms["-author"]
            and any(r["author"] == login for r in n["reviews"])
            and low <= _utc(n["createdAt"]) <= high
            and ("updated" not in terms or n["updatedAt"][:10] >= terms["updated"].removeprefix(">="))
            and ("org" not in terms or n["repository"]["nameWithOwner"].startswith(terms["org"] + "/"))
        ]
        offset = int(base64.b64decode(variables["after"])) if variables.get("after") else 0
        if offset == 0:
            self.windows.append(terms["created"])
        capped = hits[: self.cap]
        page = capped[offset : offset + variables["first"]]
        after = offset + len(page)
        nodes = [self._node(n, login) for n in page]
        data = {
            "rateLimit": {"cost": 1, "remaining": 4000, "resetAt": "2030-01-01T00:00:00Z"},
            "search": {
                "issueCount": len(hits),
                "pageInfo": {"hasNextPage": after < len(capped), "endCursor": base64.b64encode(b"%d" % after).decode()},
                "nodes": ([{}] if offset == 0 else []) + nodes,
            },
        }
        return json_answer({"data": data})

    @staticmethod
    def _node(node: dict[str, Any], login: str) -> dict[str, Any]:
        mine = [r for r in node["reviews"] if r["author"] == login]
        out = {k: v for k, v in node.items() if k not in ("reviews", "updatedAt")}
        out["reviews"] = {
            "totalCount": len(mine),
            "nodes": [{"submittedAt": r["submittedAt"], "comments": {"totalCount": r["comments"]}} for r in mine],
        }
        return out


@pytest.fixture
def github() -> Any:
    fake = FakeGitHubReviews(fixture("github.json")["nodes"])
    with LocalServer(fake) as server:
        server.fake = fake  # type: ignore[attr-defined]
        yield server


def test_github_reviews_counts_the_users_own_reviews_and_comments_over_pages(github: Any) -> None:
    found = collect_github_reviews("jane", TOKEN, host=github.url, today=TODAY, page_size=1)
    by_number = {r["number"]: r for r in found.rows}
    # 102: only a pending review (no submittedAt): no review given; 103: her own PR.
    assert sorted(by_number) == [7, 9, 101]
    first = by_number[101]
    assert first == {
        "reviewed_at": "2021-01-06T10:00:00Z",  # her first review, not bob's nor her later one
        "repo": "acme/api",
        "number": 101,
        "url": "https://github.com/acme/api/pull/101",
        "title": "Cache the parser",
        "reviews": 2,
        "comments": 4,
        "source": "github-enterprise",
        "host": "127.0.0.1",
        "author": "bob",
    }
    assert (by_number[7]["reviews"], by_number[7]["comments"]) == (1, 0)
    assert [r["number"] for r in found.rows] == [101, 7, 9]  # by reviewed_at
    pages = [r for r in github.requests if r.body["variables"]["after"]]
    assert len(pages) >= 3  # page_size 1: the cursor chain was followed
    assert "created:2008-01-01T00:00:00+00:00..2022-06-01T23:59:59+00:00" in github.requests[0].body["variables"]["q"]


def test_github_reviews_dates_filter_on_the_review_and_narrow_the_search(github: Any) -> None:
    found = collect_github_reviews(
        "jane", TOKEN, host=github.url, dates=DateRange(dt.date(2021, 3, 1), dt.date(2021, 12, 31)), today=TODAY
    )
    # 9 was created in 2021 but reviewed in 2022; 101 was reviewed before March.
    assert [r["number"] for r in found.rows] == [7]
    assert "updated:>=2021-03-01" in github.requests[0].body["variables"]["q"]
    org = collect_github_reviews("jane", TOKEN, host=github.url, org="other", today=TODAY)
    assert [r["repo"] for r in org.rows] == ["other/lib"]


def test_github_reviews_split_windows_above_the_search_cap(github: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("retroblog.collect.github.SEARCH_CAP", 2)
    github.fake.cap = 2
    found = collect_github_reviews("jane", TOKEN, host=github.url, today=TODAY)
    assert sorted(r["number"] for r in found.rows) == [7, 9, 101]
    assert len(github.fake.windows) > 1  # 3 results over the cap of 2: the window was split


def test_github_reviews_wait_on_rate_limits_then_resume_an_interrupted_run(github: Any, tmp_path: Path) -> None:
    clock = Clock(start=1_700_000_000)
    github.faults = [
        json_answer(
            {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]},
            200,
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(1_700_000_000 + 300)},
        ),
        json_answer({"message": "slow down"}, 429, {"retry-after": "7"}),
    ]
    found = collect_github_reviews(
        "jane", TOKEN, host=github.url, today=TODAY, sleep=clock.sleep, clock=clock.time, page_size=1
    )
    assert [round(s) for s in clock.slept] == [301, 7] and len(found.rows) == 3

    state = tmp_path / "state.json"
    github.faults = [lambda seen: None, lambda seen: None] + [(500, {}, b"down")] * 6
    with pytest.raises(CollectError, match="HTTP 500"):
        collect_github_reviews(
            "jane",
            TOKEN,
            host=github.url,
            today=TODAY,
            state_file=state,
            sleep=clock.sleep,
            clock=clock.time,
            page_size=1,
        )
    saved = json.loads(state.read_text())
    assert saved["progress"]["rows"] and TOKEN not in state.read_text()
    github.faults = []
    before = len(github.requests)
    again = collect_github_reviews("jane", TOKEN, host=github.url, today=TODAY, state_file=state, page_size=1)
    assert again.resumed >= 1 and len(again.rows) == 3 and not state.exists()
    assert all(r.body["variables"]["after"] for r in github.requests[before:])  # went on from its cursor


def test_github_reviews_refuse_at_me() -> None:
    with pytest.raises(CollectError, match="not @me"):
        collect_github_reviews("@me", TOKEN, host="http://127.0.0.1:9")


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "GITHUB_TOKEN": TOKEN,
        "GH_TOKEN": "",
        "GH_ENTERPRISE_TOKEN": "",
        "GITHUB_ENTERPRISE_TOKEN": "",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }


def test_cli_reviews_writes_a_reviews_dataset_merges_keeping_edits_and_never_the_token(
    github: Any, tmp_path: Path
) -> None:
    out = tmp_path / "data" / "reviews.csv"
    args = ["collect", "github", "--reviews", "--user", "jane", "--host", github.url, "--out", str(out)]
    runner = CliRunner()
    first = runner.invoke(main, [*args, "--until", "2021-12-31"], env=_env(tmp_path))
    assert first.exit_code == 0, first.stderr
    assert "found 2 reviewed PRs on 127.0.0.1; wrote 2 PRs to" in first.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(COLUMNS)
    assert [(r["number"], r["reviews"], r["comments"]) for r in rows] == [("101", "2", "4"), ("7", "1", "0")]
    # The user edits a title; the next run adds the 2022 review and keeps the edit and the bytes before it.
    text = out.read_text(encoding="utf-8").replace("Cache the parser", "Parser cache (my words)")
    out.write_text(text, encoding="utf-8")
    second = runner.invoke(main, args, env=_env(tmp_path))
    assert second.exit_code == 0, second.stderr
    assert "added 1 new PR to" in second.stderr and "(2 already there)" in second.stderr
    assert out.read_text(encoding="utf-8").startswith(text)
    reviews = load_reviews(out)
    assert reviews.frame["number"].to_list() == [101, 7, 9]
    assert reviews.frame["title"][0] == "Parser cache (my words)"
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert TOKEN not in path.read_text(errors="replace")
    assert not list((tmp_path / "cache").rglob("*.json"))  # the completed runs removed their state


def test_cli_reviews_redact_and_refuse_a_pr_dataset(github: Any, tmp_path: Path) -> None:
    out = tmp_path / "reviews.jsonl"
    base = ["collect", "github", "--reviews", "--user", "jane", "--host", github.url]
    runner = CliRunner()
    done = runner.invoke(main, [*base, "--out", str(out), "--redact"], env=_env(tmp_path))
    assert done.exit_code == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "acme" not in text and "Cache the parser" not in text and "bob" not in text
    records = [json.loads(line) for line in text.splitlines()]
    assert all(r["redacted"] == "true" and r["url"].startswith("urn:retroblog:pr-") for r in records)
    assert [r["reviews"] for r in records] == [2, 1, 1]
    # Without --redact, real names are not added to the redacted file.
    mixed = runner.invoke(main, [*base, "--out", str(out)], env=_env(tmp_path))
    assert mixed.exit_code == 1 and "pass --redact" in mixed.stderr
    prs = tmp_path / "prs.csv"
    prs.write_text("merged_at,repo,number\n2021-01-01,acme/api,1\n", encoding="utf-8")
    refused = runner.invoke(main, [*base, "--out", str(prs)], env=_env(tmp_path))
    assert refused.exit_code == 1 and "not a reviews dataset" in refused.stderr
    assert prs.read_text(encoding="utf-8") == "merged_at,repo,number\n2021-01-01,acme/api,1\n"
    assert "Traceback" not in refused.stderr


# -------------------------------------------------------------------------------------------------
# GitLab

GL_TOKEN = "glpat-REVIEWSSECRETSECRET"


class FakeGitLabReviews:
    """GitLab's REST API: ``/merge_requests`` filtered by ``reviewer_username`` and
    ``not[author_username]``, ``/approvals`` and ``/notes`` of each MR, pages of two with
    ``x-next-page``."""

    per_page = 2

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def _page(self, items: list[Any], seen: Seen) -> Answer:
        page = int(seen.query.get("page", ["1"])[0])
        chunk = items[(page - 1) * self.per_page : page * self.per_page]
        more = page * self.per_page < len(items)
        headers = {"x-page": str(page), "x-next-page": str(page + 1) if more else "", "x-total": str(len(items))}
        return json_answer(chunk, headers=headers)

    def __call__(self, seen: Seen) -> Answer:
        if seen.headers.get("private-token") != GL_TOKEN:
            return json_answer({"message": "401 Unauthorized"}, 401)
        q = {k: v[0] for k, v in seen.query.items()}
        if seen.path == "/api/v4/merge_requests":
            assert (q["scope"], q["reviewer_username"], q["not[author_username]"]) == ("all", "jane", "jane")
            after = q.get("updated_after")
            items = [m for m in self.data["merge_requests"] if after is None or m["updated_at"] >= after]
            return self._page(items, seen)
        parts = seen.path.split("/")
        assert parts[:6] == ["", "api", "v4", "projects", "7", "merge_requests"], seen.path
        iid, what = parts[6], parts[7]
        if what == "approvals":
            return json_answer(self.data["approvals"][iid])
        assert what == "notes"
        return self._page(self.data["notes"][iid], seen)


@pytest.fixture
def gitlab() -> Any:
    with LocalServer(FakeGitLabReviews(fixture("gitlab.json"))) as server:
        yield server


def test_gitlab_reviews_approvals_and_notes(gitlab: Any) -> None:
    found = collect_gitlab_reviews("jane", GL_TOKEN, host=gitlab.url)
    rows = {r["number"]: r for r in found.rows}
    assert sorted(rows) == [11, 12, 13]  # 14: neither an approval nor a note of hers
    assert rows[11] == {
        "reviewed_at": "2021-04-01T10:00:00Z",  # her note came before her approval
        "repo": "grp/app",
        "number": 11,
        "url": "https://gitlab.example/grp/app/-/merge_requests/11",
        "title": "Add the importer",
        "reviews": 1,
        "comments": 1,  # the system note "approved this merge request" and bob's note are not hers
        "source": "gitlab",
        "host": "127.0.0.1",
        "author": "bob",
    }
    assert (rows[12]["reviews"], rows[12]["comments"], rows[12]["reviewed_at"]) == (0, 3, "2021-05-03T10:00:00Z")
    # An approval without approved_at (older GitLab): dated by the MR's merge.
    assert (rows[13]["reviews"], rows[13]["comments"], rows[13]["reviewed_at"]) == (1, 0, "2021-06-02T07:00:00Z")
    assert rows[13]["repo"] == "grp/sub/lib"
    notes_pages = [r for r in gitlab.requests if r.path.endswith("/12/notes")]
    assert [r.query["page"] for r in notes_pages] == [["1"], ["2"]]
    listing = [r for r in gitlab.requests if r.path == "/api/v4/merge_requests"]
    assert len(listing) == 2  # four MRs, two per page


def test_gitlab_reviews_dates_rate_limit_and_resume(gitlab: Any, tmp_path: Path) -> None:
    clock = Clock()
    found = collect_gitlab_reviews(
        "jane", GL_TOKEN, host=gitlab.url, dates=DateRange(dt.date(2021, 5, 1), dt.date(2021, 5, 31))
    )
    assert [r["number"] for r in found.rows] == [12]
    assert gitlab.requests[0].query["updated_after"] == ["2021-05-01T00:00:00Z"]
    gitlab.faults = [lambda seen: None] * 3 + [json_answer({"message": "Retry later"}, 429, {"retry-after": "9"})]
    limited = collect_gitlab_reviews("jane", GL_TOKEN, host=gitlab.url, sleep=clock.sleep, clock=clock.time)
    assert clock.slept == [9] and len(limited.rows) == 3
    state = tmp_path / "state.json"
    gitlab.faults = [lambda seen: None] * 6 + [(500, {}, b"down")] * 6
    with pytest.raises(CollectError, match="HTTP 500"):
        collect_gitlab_reviews("jane", GL_TOKEN, host=gitlab.url, state_file=state, sleep=clock.sleep, clock=clock.time)
    assert GL_TOKEN not in state.read_text()
    gitlab.faults = []
    before = len(gitlab.requests)
    again = collect_gitlab_reviews("jane", GL_TOKEN, host=gitlab.url, state_file=state)
    assert again.resumed == 1 and len(again.rows) == 3 and not state.exists()
    asked = [r.path for r in gitlab.requests[before:]]
    assert "/api/v4/merge_requests" not in asked and not any("/11/" in p for p in asked)


# -------------------------------------------------------------------------------------------------
# Azure DevOps

PAT = "azdopatREVIEWS0123456789"
JANE_ID = "11111111-2222-3333-4444-555555555555"


class FakeAzureReviews:
    """Azure DevOps REST 7.1: the project's pull requests (``$top``/``$skip`` pages,
    ``searchCriteria.reviewerId`` filtered on the server) and each PR's threads."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __call__(self, seen: Seen) -> Answer:
        expected = "Basic " + base64.b64encode(f":{PAT}".encode()).decode()
        if seen.headers.get("authorization") != expected:
            return json_answer({"message": "TF400813: The user is not authorized"}, 401)
        q = {k: v[0] for k, v in seen.query.items()}
        assert q["api-version"] == "7.1"
        if seen.path == "/fabrikam/Fabrikam/_apis/git/pullrequests":
            assert q["searchCriteria.status"] == "all"
            items = self.data["pullrequests"]
            if "searchCriteria.reviewerId" in q:
                items = [p for p in items if any(r["id"] == q["searchCriteria.reviewerId"] for r in p["reviewers"])]
            skip, top = int(q.get("$skip", "0")), int(q["$top"])
            return json_answer({"value": items[skip : skip + top], "count": len(items[skip : skip + top])})
        number = seen.path.split("/pullRequests/")[1].split("/")[0]
        assert seen.path.endswith("/threads")
        return json_answer({"value": self.data["threads"][number], "count": len(self.data["threads"][number])})


@pytest.fixture
def azure(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr("retroblog.collect.azure.PAGE", 2)
    with LocalServer(FakeAzureReviews(fixture("azure.json"))) as server:
        yield server


@pytest.mark.parametrize("who", ["jane@corp.example", "Jane Doe", JANE_ID])
def test_azure_reviews_votes_and_threads(azure: Any, who: str) -> None:
    found = collect_azure_reviews("fabrikam", "Fabrikam", who, PAT, host=azure.url)
    rows = {r["number"]: r for r in found.rows}
    # 23: no vote, no comment; 24: her own; 25: not her review.
    assert sorted(rows) == [20, 21, 22]
    assert rows[20] == {
        "reviewed_at": "2021-05-03T10:00:00.123456Z",
        "repo": "Fabrikam/api",
        "number": 20,
        "url": f"{azure.url}/fabrikam/Fabrikam/_git/api/pullrequest/20",
        "title": "Cache tokens",
        "reviews": 1,  # vote 10
        "comments": 2,  # her general and file comments; not the deleted one, not the system one
        "source": "azure-devops",
        "host": "127.0.0.1",
        "author": "fabrikamfiber16@hotmail.com",
    }
    assert (rows[21]["reviews"], rows[21]["comments"]) == (0, 1)  # no vote, one comment
    assert (rows[22]["reviews"], rows[22]["comments"], rows[22]["reviewed_at"]) == (1, 0, "2021-07-02T09:00:00Z")
    listing = [r for r in azure.requests if r.path.endswith("/pullrequests")]
    assert ("searchCriteria.reviewerId" in listing[0].query) == (who == JANE_ID)
    assert len(listing) >= 2  # pages of two


def test_azure_reviews_resume_after_a_failure_and_rate_limit(azure: Any, tmp_path: Path) -> None:
    clock = Clock()
    state = tmp_path / "state.json"

    def threads_of_21(seen: Seen) -> Answer | None:
        return (500, {}, b"down") if "/pullRequests/21/" in seen.path else None

    azure.faults = [threads_of_21] * 20
    with pytest.raises(CollectError, match="HTTP 500"):
        collect_azure_reviews(
            "fabrikam", "Fabrikam", "jane@corp.example", PAT, host=azure.url, state_file=state, sleep=clock.sleep
        )
    assert PAT not in state.read_text()
    azure.faults = [json_answer({"message": "TF400733: request was blocked"}, 429, {"retry-after": "11"})]
    before = len(azure.requests)
    again = collect_azure_reviews(
        "fabrikam",
        "Fabrikam",
        "jane@corp.example",
        PAT,
        host=azure.url,
        state_file=state,
        sleep=clock.sleep,
        clock=clock.time,
    )
    assert again.resumed == 1 and sorted(r["number"] for r in again.rows) == [20, 21, 22]
    assert 11 in clock.slept and not state.exists()
    asked = [r.path for r in azure.requests[before:]]
    assert not any(p.endswith("/pullrequests") for p in asked) and not any("/pullRequests/20/" in p for p in asked)


def test_cli_gitlab_and_azure_reviews(gitlab: Any, azure: Any, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {**_env(tmp_path), "GITLAB_TOKEN": GL_TOKEN, "AZURE_DEVOPS_TOKEN": PAT}
    gl = tmp_path / "gl.csv"
    done = runner.invoke(
        main, ["collect", "gitlab", "--reviews", "--user", "jane", "--host", gitlab.url, "--out", str(gl)], env=env
    )
    assert done.exit_code == 0, done.stderr
    assert "found 3 reviewed merge requests" in done.stderr
    assert load_reviews(gl).frame["reviews"].to_list() == [1, 0, 1]
    az = tmp_path / "az.csv"
    args = ["collect", "azure", "--reviews", "--org", "fabrikam", "--project", "Fabrikam"]
    done = runner.invoke(
        main, [*args, "--creator", "jane@corp.example", "--host", azure.url, "--out", str(az)], env=env
    )
    assert done.exit_code == 0, done.stderr
    assert "found 3 reviewed pull requests in fabrikam/Fabrikam" in done.stderr
    nobody = runner.invoke(
        main, [*args, "--creator", "nobody@corp.example", "--host", azure.url, "--out", str(az)], env=env
    )
    assert nobody.exit_code == 1 and "found no pull requests reviewed by nobody@corp.example" in nobody.stderr


def test_write_reviews_dedupes_and_orders_by_review_date(tmp_path: Path) -> None:
    rows = [
        {"reviewed_at": "2021-02-01T00:00:00Z", "repo": "a/b", "number": 2, "url": "u2", "reviews": 1},
        {"reviewed_at": "2021-01-01T00:00:00Z", "repo": "a/b", "number": 1, "url": "u1", "reviews": 1},
        {"reviewed_at": "2021-01-01T00:00:00Z", "repo": "a/b", "number": 1, "url": "u1", "reviews": 1},
    ]
    result = write_reviews(tmp_path / "r.csv", rows)
    assert result.added == 2
    assert load_reviews(tmp_path / "r.csv").frame["number"].to_list() == [1, 2]
