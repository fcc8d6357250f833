"""``collect github``: merged PRs of a user from GitHub, GitHub Enterprise Server or GHE.com.

One GraphQL search (``is:pr is:merged author:LOGIN merged:FROM..TO``) per date window gives line,
file, commit and comment counts of 100 PRs per request: no request per PR. Search stops at 1,000
results, so a window with more is split in two until every window is below the cap. Progress is
saved after every page (``retroblog.collect.state``): an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retroblog.collect.base import (
    DateRange,
    NullProgress,
    Progress,
    Row,
    count,
    iso,
    new_row,
    parse_timestamp,
    total_count,
)
from retroblog.collect.http import HttpClient, check_base_url
from retroblog.collect.state import ResumeState
from retroblog.errors import CollectError

SEARCH_CAP = 1000
"""GitHub search returns at most this many results per query."""

FIRST_DAY = dt.date(2008, 1, 1)
"""Before GitHub existed: the default start of the search."""

QUERY = """
query($q: String!, $first: Int!, $after: String) {
  rateLimit { cost remaining resetAt }
  search(query: $q, type: ISSUE, first: $first, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes {
      ... on PullRequest {
        number title url createdAt mergedAt additions deletions changedFiles
        author { login }
        repository { nameWithOwner }
        mergeCommit { oid }
        commits { totalCount }
        comments { totalCount }
        reviews { totalCount }
        reviewThreads { totalCount }
        labels(first: 30) { nodes { name } }
      }
    }
  }
}
""".strip()


@dataclass(frozen=True)
class Endpoint:
    """Where a GitHub host's GraphQL API is."""

    url: str
    host: str
    """The web host (github.com, github.example.com, octocorp.ghe.com)."""
    source: str
    """``github`` or ``github-enterprise``."""


def endpoint(host: str | None) -> Endpoint:
    """The GraphQL endpoint of ``--host``: github.com, a GHE.com subdomain, or an Enterprise Server.

    ``host`` is a host name (``github.example.com``), optionally with ``https://`` or, for a server on
    this machine, ``http://127.0.0.1:PORT``.
    """
    text = (host or "github.com").strip().rstrip("/")
    if "://" not in text:
        text = "https://" + text
    base = check_base_url(text)
    parts = urllib.parse.urlsplit(base)
    name = (parts.hostname or "").casefold()
    root = f"{parts.scheme}://{parts.netloc}"
    if name in ("github.com", "api.github.com"):
        return Endpoint("https://api.github.com/graphql", "github.com", "github")
    if name.endswith(".ghe.com"):
        web = name.removeprefix("api.")
        return Endpoint(f"{parts.scheme}://api.{web}{_port(parts)}/graphql", web, "github-enterprise")
    path = parts.path.rstrip("/")
    if path.endswith("/api/graphql"):
        return Endpoint(f"{root}{path}", name, "github-enterprise")
    # An Enterprise Server's REST address (https://HOST/api/v3, what most tools ask for) names the same
    # server: its GraphQL endpoint is /api/graphql beside it.
    path = path.removesuffix("/api/v3").removesuffix("/api")
    return Endpoint(f"{root}{path}/api/graphql", name, "github-enterprise")


TOKEN_NAMES = {
    "github": ("GITHUB_TOKEN", "GH_TOKEN"),
    "github-enterprise": ("GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"),
}
"""The environment variables the token is read from, first found first, by ``Endpoint.source``."""


def _port(parts: urllib.parse.SplitResult) -> str:
    return f":{parts.port}" if parts.port else ""


@dataclass
class ApiCollection:
    """What an API collector found."""

    rows: list[Row]
    warnings: list[str] = field(default_factory=list)
    resumed: int = 0
    """Rows taken over from an interrupted run."""
    requests: int = 0


def search_query(user: str, start: int, end: int, org: str | None) -> str:
    """The search text of one window of merge times (inclusive, epoch seconds)."""
    query = f"is:pr is:merged author:{user} merged:{stamp(start)}..{stamp(end)}"
    return f"{query} org:{org}" if org else query


def stamp(seconds: int) -> str:
    """An epoch second as GitHub's search writes a moment (``2021-03-04T10:00:00+00:00``)."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def epoch(day: dt.date, end: bool = False) -> int:
    moment = dt.datetime.combine(day, dt.time(23, 59, 59) if end else dt.time(0, 0), dt.UTC)
    return int(moment.timestamp())


def collect_github(
    user: str,
    token: str,
    *,
    host: str | None = None,
    org: str | None = None,
    dates: DateRange | None = None,
    state_file: Path | None = None,
    progress: Progress | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
    today: dt.date | None = None,
    page_size: int = 100,
) -> ApiCollection:
    """The merged PRs ``user`` authored, with counts, as dataset rows (dates compared in UTC)."""
    user = user.strip().removeprefix("@") if user.strip() != "@me" else "@me"
    if not user or any(c.isspace() for c in user):
        raise CollectError(f"--user {user!r} is not a GitHub login")
    if org is not None and (not org.strip() or any(c.isspace() for c in org.strip())):
        raise CollectError(f"--org {org!r} is not an organization login")
    where = endpoint(host)
    dates = dates or DateRange()
    first = dates.since or FIRST_DAY
    last = dates.until or today or dt.datetime.now(dt.UTC).date()
    if first > last:
        raise CollectError(f"--since {first.isoformat()} is after --until {last.isoformat()}; nothing to collect")
    progress = progress or NullProgress()
    client = github_client(where, token, progress, sleep, clock)
    query = {
        "source": "github",
        "endpoint": where.url,
        "user": user,
        "org": org,
        "since": first.isoformat(),
        "until": last.isoformat(),
    }
    state = ResumeState(state_file, query)
    result = ApiCollection(rows=[])
    with client:
        rows = search_windows(
            client,
            where,
            state,
            (epoch(first), epoch(last, end=True)),
            lambda start, end: search_query(user, start, end, org),
            lambda node: _row(node, where),
            result,
            progress,
            page_size=page_size,
            noun="PRs merged",
        )
    state.clear()
    result.rows = sorted(rows.values(), key=lambda r: (r["merged_at"], r["repo"] or "", r["number"] or 0))
    result.requests = client.requests
    return result


def github_client(
    where: Endpoint,
    token: str,
    progress: Progress,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
) -> HttpClient:
    """The HTTP client of a GitHub host, whose errors name the host's token variables."""
    names = TOKEN_NAMES[where.source]
    kwargs: dict[str, Any] = {"progress": progress, "token_hint": f"the token ({', '.join(names[:-1])} or {names[-1]})"}
    if sleep is not None:
        kwargs["sleep"] = sleep
    if clock is not None:
        kwargs["clock"] = clock
    return HttpClient("GitHub", token, **kwargs)


def search_windows(
    client: HttpClient,
    where: Endpoint,
    state: ResumeState,
    span: tuple[int, int],
    text_of: Callable[[int, int], str],
    row_of: Callable[[Any], Row | None],
    result: ApiCollection,
    progress: Progress,
    *,
    page_size: int = 100,
    query: str = QUERY,
    variables: dict[str, Any] | None = None,
    noun: str = "PRs",
) -> dict[str, Row]:
    """Every row a search finds over ``span`` (epoch seconds, inclusive), by URL.

    ``text_of(start, end)`` is the search text of one window; a window with more than ``SEARCH_CAP``
    results is split in two until each is below it. The state is saved after every page, and a saved
    state of the same query resumes the run.
    """
    saved = state.load()
    rows: dict[str, Row] = {}
    queue: list[list[int]] = [list(span)]
    cursor: str | None = None
    total: int | None = None
    if saved:
        rows = {r["url"]: r for r in saved.get("rows", []) if isinstance(r, dict) and r.get("url")}
        queue = [list(w) for w in saved.get("queue", queue)]
        cursor = saved.get("cursor")
        total = saved.get("total")
        result.resumed = len(rows)
        progress.total(total)
        progress.advance(len(rows))
    while queue:
        start, end = queue[0]
        data, warnings = _search(client, where, text_of(start, end), page_size, cursor, query, variables)
        result.warnings.extend(w for w in warnings if w not in result.warnings)
        search = data["search"]
        found = count(search.get("issueCount")) or 0
        if total is None:
            total = found
            progress.total(total)
        if cursor is None and found > SEARCH_CAP and end > start:
            middle = (start + end) // 2
            queue[0:1] = [[start, middle], [middle + 1, end]]
            state.save(_progress(rows, queue, None, total))
            continue
        if cursor is None and found > SEARCH_CAP:
            result.warnings.append(
                f"more than {SEARCH_CAP:,} {noun} at {stamp(start)}; only the first {SEARCH_CAP:,} are listed"
            )
        for node in search.get("nodes") or []:
            row = row_of(node)
            if row is not None and row["url"] not in rows:
                rows[row["url"]] = row
                progress.advance()
        page = search.get("pageInfo") or {}
        if page.get("hasNextPage") and isinstance(page.get("endCursor"), str):
            cursor = page["endCursor"]
        else:
            queue.pop(0)
            cursor = None
        state.save(_progress(rows, queue, cursor, total))
        _respect_budget(client, data)
    return rows


def _progress(rows: dict[str, Row], queue: list[list[int]], cursor: str | None, total: int | None) -> dict[str, Any]:
    return {"rows": list(rows.values()), "queue": queue, "cursor": cursor, "total": total}


def _search(
    client: HttpClient,
    where: Endpoint,
    text: str,
    page_size: int,
    cursor: str | None,
    query: str = QUERY,
    variables: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """One search page (of ``query``, the PR search unless given); GraphQL rate-limit errors (HTTP 200)
    wait and retry."""
    waits = 0
    while True:
        answer = client.post_json(
            where.url,
            {"query": query, "variables": {"q": text, "first": page_size, "after": cursor, **(variables or {})}},
        )
        body = answer.json()
        if not isinstance(body, dict):
            raise CollectError(f"GitHub: unexpected answer from {where.url}: expected a JSON object")
        errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
        limited = next((e for e in errors if _is_rate_limit(e)), None)
        if limited is not None:
            waits += 1
            if waits > client.max_rate_waits:
                raise CollectError("GitHub: still rate limited; run again later (the run resumes where it stopped)")
            reset = answer.headers.get("x-ratelimit-reset")
            seconds = (
                float(reset) - client.clock() + 1 if reset and reset.isascii() and reset.isdigit() else 60.0 * waits
            )
            client.wait(seconds, f"GitHub rate limit (GraphQL {limited.get('type') or limited.get('code')})")
            continue
        messages = [client.scrub(str(e.get("message", e))) for e in errors]
        data = body.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("search"), dict):
            detail = "; ".join(messages) or "no data in the answer"
            raise CollectError(f"GitHub: the search failed: {detail}")
        return data, messages


RATE_LIMIT_TYPES = frozenset({"RATE_LIMITED", "RATE_LIMIT"})
"""The ``type`` of a GraphQL error that means "wait": ``RATE_LIMITED`` (GitHub's documented answer) and
``RATE_LIMIT`` with the code ``graphql_rate_limit`` (what api.github.com answers since 2026)."""


def _is_rate_limit(error: dict[str, Any]) -> bool:
    return error.get("type") in RATE_LIMIT_TYPES or error.get("code") == "graphql_rate_limit"


def _respect_budget(client: HttpClient, data: dict[str, Any]) -> None:
    """Wait for the reset when the hour's GraphQL points are used up (before GitHub refuses)."""
    limit = data.get("rateLimit")
    if not isinstance(limit, dict):
        return
    remaining, cost = count(limit.get("remaining")), count(limit.get("cost")) or 1
    if remaining is None or remaining >= cost:
        return
    reset = parse_timestamp(limit.get("resetAt"), "GitHub rateLimit.resetAt")
    if reset is not None:
        client.wait(reset.timestamp() - client.clock() + 1, "GitHub rate limit used up (GraphQL points)")


def _row(node: Any, where: Endpoint) -> Row | None:
    if not isinstance(node, dict) or not node:
        return None  # an issue, or a PR the token cannot see
    url = node.get("url")
    merged = parse_timestamp(node.get("mergedAt"), f"GitHub PR {url}: mergedAt")
    if merged is None or not isinstance(url, str):
        return None
    labels = [
        n["name"]
        for n in ((node.get("labels") or {}).get("nodes") or [])
        if isinstance(n, dict) and isinstance(n.get("name"), str)
    ]
    repository = node.get("repository") or {}
    author = node.get("author") or {}
    merge_commit = node.get("mergeCommit") or {}
    return new_row(
        merged_at=iso(merged),
        additions=count(node.get("additions")),
        deletions=count(node.get("deletions")),
        changed_files=count(node.get("changedFiles")),
        commits=total_count(node, "commits"),
        comments=total_count(node, "comments"),
        number=count(node.get("number")),
        repo=repository.get("nameWithOwner") if isinstance(repository, dict) else None,
        title=node.get("title") if isinstance(node.get("title"), str) else None,
        url=url,
        created_at=iso(parse_timestamp(node.get("createdAt"), f"GitHub PR {url}: createdAt")),
        labels=labels or None,
        source=where.source,
        host=where.host,
        author=author.get("login") if isinstance(author, dict) else None,
        merge_commit=merge_commit.get("oid") if isinstance(merge_commit, dict) else None,
        reviews=total_count(node, "reviews"),
        review_threads=total_count(node, "reviewThreads"),
    )
