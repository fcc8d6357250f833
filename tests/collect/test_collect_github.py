"""``collect github`` against a local server speaking GitHub's GraphQL search wire format."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from collect_support import Answer, Clock, LocalServer, Seen, json_answer

from retroblog.cli import main
from retroblog.collect.base import DateRange
from retroblog.collect.github import SEARCH_CAP, collect_github, endpoint
from retroblog.collect.merge import write_dataset
from retroblog.data.dataset import load_dataset
from retroblog.errors import AuthError, CollectError

TOKEN = "ghp_TESTTOKEN0123456789abcdefSECRET"
UTC = dt.UTC


def make_prs() -> list[dict[str, Any]]:
    """2,600 PRs of jane (1,400 merged in one week of June 2021: the search cap must be beaten by
    splitting that week down) and 40 of bob."""
    prs = []
    start = dt.datetime(2019, 1, 1, tzinfo=UTC)
    for i in range(1200):
        prs.append(_pr(i + 1, "jane", start + dt.timedelta(hours=13 * i)))
    burst = dt.datetime(2021, 6, 1, tzinfo=UTC)
    for i in range(1400):
        prs.append(_pr(2000 + i, "jane", burst + dt.timedelta(minutes=7 * i)))
    for i in range(40):
        prs.append(_pr(5000 + i, "bob", start + dt.timedelta(days=i)))
    return prs


def _pr(number: int, login: str, merged: dt.datetime) -> dict[str, Any]:
    org = "acme" if number % 3 else "other"
    return {
        "number": number,
        "title": f"Change {number}",
        "url": f"https://github.example/{org}/repo{number % 5}/pull/{number}",
        "createdAt": (merged - dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "mergedAt": merged.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "additions": number % 97,
        "deletions": number % 13,
        "changedFiles": number % 7 + 1,
        "author": {"login": login},
        "repository": {"nameWithOwner": f"{org}/repo{number % 5}"},
        "mergeCommit": {"oid": f"{number:040x}"},
        "commits": {"totalCount": number % 4 + 1},
        "comments": {"totalCount": number % 6},
        "reviews": {"totalCount": number % 3},
        "reviewThreads": {"totalCount": number % 2},
        "labels": {"nodes": [{"name": "bug"}] if number % 10 == 0 else []},
    }


class FakeGitHub:
    """GraphQL search as GitHub answers it: qualifiers, issueCount beyond the cap, 1,000 results at
    most, cursor pagination, rateLimit, 401 on a bad token."""

    def __init__(self, prs: list[dict[str, Any]]) -> None:
        self.prs = prs
        self.windows: list[tuple[str, int]] = []
        self.remaining = 5000

    def __call__(self, seen: Seen) -> Answer:
        assert (seen.method, seen.path) == ("POST", "/api/graphql")
        if seen.headers.get("authorization") != f"Bearer {TOKEN}":
            return json_answer({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}, 401)
        variables = seen.body["variables"]
        assert "search(query: $q, type: ISSUE" in seen.body["query"]
        terms = dict(t.split(":", 1) for t in variables["q"].split())
        assert terms["is"] in ("pr", "merged")
        if terms["author"] == "ghost":
            return json_answer(
                {
                    "data": {"search": None},
                    "errors": [{"type": "INVALID", "message": "The listed users cannot be searched"}],
                }
            )
        low, high = (dt.datetime.fromisoformat(x) for x in terms["merged"].split(".."))
        hits = [
            p
            for p in self.prs
            if p["author"]["login"] == terms["author"]
            and low <= dt.datetime.fromisoformat(p["mergedAt"].replace("Z", "+00:00")) <= high
            and ("org" not in terms or p["repository"]["nameWithOwner"].startswith(terms["org"] + "/"))
        ]
        hits.sort(key=lambda p: p["mergedAt"], reverse=True)
        offset = int(base64.b64decode(variables["after"])) if variables.get("after") else 0
        if offset == 0:
            self.windows.append((terms["merged"], len(hits)))
        capped = hits[:SEARCH_CAP]
        page = capped[offset : offset + variables["first"]]
        after = offset + len(page)
        self.remaining -= 1
        data = {
            "rateLimit": {"cost": 1, "remaining": self.remaining, "resetAt": "2030-01-01T00:00:00Z"},
            "search": {
                "issueCount": len(hits),
                "pageInfo": {
                    "hasNextPage": after < len(capped),
                    "endCursor": base64.b64encode(str(after).encode()).decode(),
                },
                "nodes": ([{}] if offset == 0 else []) + page,  # {}: a result the token cannot see
            },
        }
        return json_answer({"data": data})


@pytest.fixture
def github() -> Any:
    fake = FakeGitHub(make_prs())
    with LocalServer(fake) as server:
        server.fake = fake  # type: ignore[attr-defined]
        yield server


def test_collects_every_pr_beating_the_search_cap(github: Any, tmp_path: Path) -> None:
    clock = Clock()
    totals: list[int | None] = []
    advanced = []

    class Recorder:
        def total(self, total: int | None) -> None:
            totals.append(total)

        def advance(self, count: int = 1) -> None:
            advanced.append(count)

        def waiting(self, seconds: float, reason: str) -> None:
            raise AssertionError(reason)

    found = collect_github(
        "jane",
        TOKEN,
        host=github.url,
        today=dt.date(2022, 1, 1),
        sleep=clock.sleep,
        clock=clock.time,
        progress=Recorder(),
        state_file=tmp_path / "state.json",
    )
    expected = {p["url"] for p in github.fake.prs if p["author"]["login"] == "jane"}
    assert len(found.rows) == 2600 and {r["url"] for r in found.rows} == expected
    assert totals == [2600] and sum(advanced) == 2600
    # Windows with more than 1,000 hits were split, never paged; every window read is below the cap.
    first_window = github.fake.windows[0]
    assert first_window == ("2008-01-01T00:00:00+00:00..2022-01-01T23:59:59+00:00", 2600)
    read = [w for w in github.fake.windows if w[1] <= SEARCH_CAP]
    assert sum(n for _, n in read) == 2600
    assert not clock.slept and not (tmp_path / "state.json").exists()
    row = next(r for r in found.rows if r["number"] == 2010)
    assert {
        k: row[k]
        for k in (
            "merged_at",
            "additions",
            "deletions",
            "changed_files",
            "commits",
            "comments",
            "review_comments",
            "reviews",
            "review_threads",
            "labels",
            "repo",
            "title",
            "created_at",
            "author",
            "source",
            "host",
        )
    } == {
        "merged_at": "2021-06-01T01:10:00Z",
        "additions": 2010 % 97,
        "deletions": 2010 % 13,
        "changed_files": 2010 % 7 + 1,
        "commits": 2010 % 4 + 1,
        "comments": 2010 % 6,
        "review_comments": None,
        "reviews": 0,
        "review_threads": 0,
        "labels": ["bug"],
        "repo": "other/repo0",
        "title": "Change 2010",
        "created_at": "2021-05-31T20:10:00Z",
        "author": "jane",
        "source": "github-enterprise",
        "host": "127.0.0.1",
    }
    write_dataset(tmp_path / "gh.csv", found.rows)
    dataset = load_dataset(tmp_path / "gh.csv")
    assert len(dataset) == 2600
    assert sum(r.additions or 0 for r in dataset.records()) == sum(
        p["additions"] for p in github.fake.prs if p["author"]["login"] == "jane"
    )


def test_org_and_dates_go_into_the_query(github: Any) -> None:
    found = collect_github(
        "jane",
        TOKEN,
        host=github.url,
        org="acme",
        dates=DateRange(dt.date(2019, 1, 1), dt.date(2019, 1, 31)),
    )
    queries = [r.body["variables"]["q"] for r in github.requests]
    assert queries == [
        "is:pr is:merged author:jane merged:2019-01-01T00:00:00+00:00..2019-01-31T23:59:59+00:00 org:acme"
    ]
    assert found.rows and all(r["repo"].startswith("acme/") for r in found.rows)
    assert all(r["merged_at"] < "2019-02-01" for r in found.rows)
    assert len(found.rows) == len(
        [
            p
            for p in github.fake.prs
            if p["author"]["login"] == "jane" and p["mergedAt"] < "2019-02" and p["number"] % 3 != 0
        ]
    )


def test_rate_limits_and_server_errors_wait_then_resume(github: Any) -> None:
    clock = Clock(start=1_700_000_000)
    reset = str(1_700_000_000 + 120)
    github.faults = [
        json_answer(
            {"message": "API rate limit exceeded"}, 403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}
        ),
        json_answer({"message": "slow down"}, 429, {"retry-after": "7"}),
        json_answer({"message": "You have exceeded a secondary rate limit. Please wait a few minutes"}, 403),
        (502, {"content-type": "text/html"}, b"<html>Bad gateway</html>"),
        json_answer({"message": "unavailable"}, 503, {"retry-after": "3"}),
        json_answer(
            {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]},
            200,
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(1_700_000_000 + 1000)},
        ),
    ]
    waits: list[tuple[float, str]] = []

    class Recorder:
        def total(self, total: int | None) -> None: ...
        def advance(self, count: int = 1) -> None: ...
        def waiting(self, seconds: float, reason: str) -> None:
            waits.append((seconds, reason))

    found = collect_github(
        "jane",
        TOKEN,
        host=github.url,
        dates=DateRange(dt.date(2019, 1, 1), dt.date(2019, 1, 10)),
        sleep=clock.sleep,
        clock=clock.time,
        progress=Recorder(),
    )
    assert [round(s) for s in clock.slept] == [121, 7, 60, 1, 3, 1000 - 121 - 7 - 60 - 1 - 3 + 1]
    assert [r for _, r in waits] == [
        "GitHub rate limit (HTTP 403)",
        "GitHub rate limit (HTTP 429)",
        "GitHub secondary rate limit (HTTP 403)",
        "GitHub server error (HTTP 502)",
        "GitHub server error (HTTP 503)",
        "GitHub rate limit (GraphQL RATE_LIMITED)",
    ]
    assert len(found.rows) == 19  # every 13 hours over 10 days
    assert len(github.requests) == 7


def test_the_2026_rate_limit_answer_waits_for_the_reset_too(github: Any) -> None:
    """Since 2026 api.github.com answers a used-up GraphQL limit with type RATE_LIMIT and code
    graphql_rate_limit (HTTP 200), not RATE_LIMITED: it is a wait, not a failed search."""
    clock = Clock(start=1_700_000_000)
    github.faults = [
        json_answer(
            {
                "errors": [
                    {
                        "type": "RATE_LIMIT",
                        "code": "graphql_rate_limit",
                        "message": "API rate limit already exceeded for user ID 1.",
                    }
                ]
            },
            200,
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(1_700_000_000 + 60)},
        )
    ]
    found = collect_github(
        "jane",
        TOKEN,
        host=github.url,
        dates=DateRange(dt.date(2019, 1, 1), dt.date(2019, 1, 10)),
        sleep=clock.sleep,
        clock=clock.time,
    )
    assert [round(s) for s in clock.slept] == [61]
    assert len(found.rows) == 19


def test_used_up_points_wait_for_the_reset(github: Any) -> None:
    clock = Clock(start=dt.datetime(2029, 12, 31, 23, 0, tzinfo=UTC).timestamp())
    github.fake.remaining = 1
    collect_github(
        "jane",
        TOKEN,
        host=github.url,
        dates=DateRange(dt.date(2019, 1, 1), dt.date(2019, 1, 2)),
        sleep=clock.sleep,
        clock=clock.time,
    )
    assert clock.slept == [3601.0]


def test_server_errors_give_up_with_a_clear_message_and_resume_later(github: Any, tmp_path: Path) -> None:
    clock = Clock()
    state = tmp_path / "state.json"
    # The first 12 requests work, then the server fails for good.
    served = {"n": 0}

    def flaky(seen: Seen) -> Answer | None:
        served["n"] += 1
        return None if served["n"] <= 12 else (500, {}, b"oops")

    github.faults = [flaky] * 18
    with pytest.raises(
        CollectError, match=r"GitHub: HTTP 500 from http://127.0.0.1:\d+/api/graphql after 6 tries.*resumes"
    ):
        collect_github(
            "jane",
            TOKEN,
            host=github.url,
            today=dt.date(2022, 1, 1),
            state_file=state,
            sleep=clock.sleep,
            clock=clock.time,
        )
    assert clock.slept == [1, 2, 4, 8, 16]
    saved = json.loads(state.read_text())
    assert saved["progress"]["rows"] and TOKEN not in state.read_text()
    before = len(github.requests)
    github.faults = []
    found = collect_github(
        "jane", TOKEN, host=github.url, today=dt.date(2022, 1, 1), state_file=state, sleep=clock.sleep, clock=clock.time
    )
    assert found.resumed == len(saved["progress"]["rows"]) > 0
    assert len(found.rows) == 2600 and not state.exists()
    fresh = FakeGitHub(make_prs())
    with LocalServer(fresh) as other:
        collect_github("jane", TOKEN, host=other.url, today=dt.date(2022, 1, 1))
        assert len(github.requests) - before < len(other.requests)  # resumed: fewer requests than a full run
    # Another query does not take over the state of this one.
    assert (
        collect_github("jane", TOKEN, host=github.url, today=dt.date(2022, 1, 1), org="acme", state_file=state).resumed
        == 0
    )


def test_an_enterprise_rest_address_names_its_graphql_endpoint() -> None:
    assert endpoint("https://ghe.corp.example/api/v3").url == "https://ghe.corp.example/api/graphql"
    assert endpoint("https://ghe.corp.example/api/v3/").url == "https://ghe.corp.example/api/graphql"
    assert endpoint("https://ghe.corp.example/api/graphql").url == "https://ghe.corp.example/api/graphql"
    assert endpoint("ghe.corp.example").url == "https://ghe.corp.example/api/graphql"
    assert endpoint("https://api.github.com").url == "https://api.github.com/graphql"


def test_a_persistent_graphql_502_quotes_the_servers_message_not_a_cut_json_fragment(github: Any) -> None:
    message = (
        "Something went wrong while executing your query. This may be the result of a timeout, or it could be a "
        "GitHub bug. Please include `C1F2:3D4E:5A6B7C:8D9E0F:65A1B2C3` when reporting this issue."
    )
    body = json.dumps({"data": None, "errors": [{"message": message}], "padding": "x" * 3000}).encode()
    github.faults = [(502, {"content-type": "application/json"}, body)] * 6
    clock = Clock()
    with pytest.raises(CollectError) as info:
        collect_github("jane", TOKEN, host=github.url, sleep=clock.sleep, clock=clock.time)
    text = str(info.value)
    assert message in text and '{"data"' not in text  # the whole message, its request id uncut


def test_expired_token_malformed_json_and_graphql_errors(github: Any) -> None:
    with pytest.raises(
        AuthError,
        # (127.0.0.1 is an Enterprise host: the token is read from GH_ENTERPRISE_TOKEN first, and the hint says so)
        match=r"GitHub refused the token \(GH_ENTERPRISE_TOKEN, GITHUB_ENTERPRISE_TOKEN, GITHUB_TOKEN or GH_TOKEN\) "
        r"\(HTTP 401: Bad credentials\): it has expired",
    ) as info:
        collect_github("jane", "ghp_expired", host=github.url)
    assert "ghp_expired" not in str(info.value)
    github.faults = [(200, {}, b'{"data": {"search": {"issueCount": 3, "nodes": [')]
    with pytest.raises(CollectError, match=r"the answer of http://127.0.0.1:\d+/api/graphql is not valid JSON"):
        collect_github("jane", TOKEN, host=github.url)
    github.faults = [(200, {"content-type": "text/html"}, b"<html>Sign in</html>")]
    with pytest.raises(CollectError, match=r"not valid JSON .*'<html>Sign in</html>'"):
        collect_github("jane", TOKEN, host=github.url)
    with pytest.raises(CollectError, match=r"GitHub: the search failed: The listed users cannot be searched"):
        collect_github("ghost", TOKEN, host=github.url)
    github.faults = [json_answer({"message": "Resource not accessible"}, 403)]
    with pytest.raises(AuthError, match=r"HTTP 403 forbidden .*Resource not accessible; the token may lack a scope"):
        collect_github("jane", TOKEN, host=github.url)
    github.faults = [(301, {"location": "https://elsewhere.example/api/graphql"}, b"")]
    with pytest.raises(CollectError, match=r"redirects to https://elsewhere.example/api/graphql; not followed"):
        collect_github("jane", TOKEN, host=github.url)


def test_unreachable_host_retries_then_fails(tmp_path: Path) -> None:
    clock = Clock()
    with LocalServer(lambda seen: json_answer({})) as server:
        url = server.url
    with pytest.raises(CollectError, match=r"cannot reach http://127.0.0.1:\d+/api/graphql .* after 6 tries"):
        collect_github("jane", TOKEN, host=url, sleep=clock.sleep, clock=clock.time)
    assert clock.slept == [1, 2, 4, 8, 16]


@pytest.mark.parametrize(
    ("host", "url", "web", "source"),
    [
        (None, "https://api.github.com/graphql", "github.com", "github"),
        ("api.github.com", "https://api.github.com/graphql", "github.com", "github"),
        ("octocorp.ghe.com", "https://api.octocorp.ghe.com/graphql", "octocorp.ghe.com", "github-enterprise"),
        ("api.octocorp.ghe.com", "https://api.octocorp.ghe.com/graphql", "octocorp.ghe.com", "github-enterprise"),
        ("github.corp.example", "https://github.corp.example/api/graphql", "github.corp.example", "github-enterprise"),
        (
            "https://github.corp.example/",
            "https://github.corp.example/api/graphql",
            "github.corp.example",
            "github-enterprise",
        ),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/graphql", "127.0.0.1", "github-enterprise"),
    ],
)
def test_endpoints(host: str | None, url: str, web: str, source: str) -> None:
    found = endpoint(host)
    assert (found.url, found.host, found.source) == (url, web, source)


def test_plain_http_to_a_remote_host_is_refused() -> None:
    with pytest.raises(CollectError, match=r"refusing to send a token over plain http to github\.corp\.example"):
        endpoint("http://github.corp.example")


def test_cli_never_writes_or_logs_the_token(github: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr("retroblog.collect.http.sleep", clock.sleep)
    out = tmp_path / "data" / "gh.jsonl"
    cache = tmp_path / "cache"
    env = {
        "GITHUB_TOKEN": TOKEN,
        "GH_TOKEN": "",
        "GH_ENTERPRISE_TOKEN": "",
        "GITHUB_ENTERPRISE_TOKEN": "",
        "XDG_CACHE_HOME": str(cache),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    runner = CliRunner()
    args = [
        "collect",
        "github",
        "--user",
        "jane",
        "--host",
        github.url,
        "--out",
        str(out),
        "--since",
        "2021-06-01",
        "--until",
        "2021-06-30",
    ]
    # An interrupted run leaves a resume state; it must not hold the token either.
    github.faults = [lambda seen: None] * 8 + [(500, {}, b"down")] * 6
    first = runner.invoke(main, args, env=env)
    assert first.exit_code == 1 and "after 6 tries" in first.stderr
    states = list(cache.rglob("*.json"))
    assert len(states) == 1 and TOKEN not in states[0].read_text()
    assert re.search(r"^Error: GitHub: HTTP 500", first.stderr, re.MULTILINE)
    assert "GitHub server error (HTTP 500): waiting 16 s" in first.stderr
    assert clock.slept == [1, 2, 4, 8, 16]
    second = runner.invoke(main, args, env=env)
    assert second.exit_code == 0, second.stderr
    assert re.search(
        r"found 1,400 PRs on 127.0.0.1, [1-9][0-9,]* of them from an interrupted run; wrote 1,400 PRs", second.stderr
    )
    bad = runner.invoke(main, args, env={**env, "GITHUB_TOKEN": TOKEN + "x"})
    assert bad.exit_code == 1 and "HTTP 401" in bad.stderr
    texts = [first.output, first.stderr, second.output, second.stderr, bad.output, bad.stderr]
    for path in [*tmp_path.rglob("*")]:
        if path.is_file():
            texts.append(path.read_text(errors="replace"))
    assert all(TOKEN not in t for t in texts)
    assert not list(cache.rglob("*.json"))  # the completed run removed its state
    # The token was sent, in the header only.
    assert all(r.headers["authorization"] == f"Bearer {r.headers['authorization'][7:]}" for r in github.requests)
    assert all(TOKEN not in json.dumps(r.body) and TOKEN not in r.path for r in github.requests)
    records = list(load_dataset(out).records())
    assert len(records) == 1400 and records[0].url is not None


def test_cli_without_a_token(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["collect", "github", "--user", "jane", "--out", str(tmp_path / "x.csv")],
        env={"GITHUB_TOKEN": "", "GH_TOKEN": ""},
    )
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "Error: no token: set GITHUB_TOKEN or GH_TOKEN to a personal access token with read access"
    )
