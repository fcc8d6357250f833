"""``collect github|gitlab|azure --reviews``: the PRs a user reviewed but did not author.

Each collector writes rows of a reviews dataset (``retroblog.data.reviews``): when the user first
reviewed the PR (``reviewed_at``), the PR (``repo``, ``number``, ``url``, ``title``), how many reviews
they gave (``reviews``) and how many review comments they left (``comments``), plus ``source``, ``host``
and the PR's ``author``. The PR collectors' machinery is reused as it is: the HTTP client (retries, rate
limits, the token never written), the resume state, ``--redact`` and the merge into an existing file.

- GitHub: a GraphQL search ``is:pr reviewed-by:LOGIN -author:LOGIN`` by windows of creation dates
  (split below the 1,000-results cap), with ``reviews(author: LOGIN)`` of each PR: its count, the
  first ``submittedAt`` and the review comments of those reviews.
- GitLab: ``GET /merge_requests?scope=all&reviewer_username=NAME&not[author_username]=NAME``, then each
  MR's ``/approvals`` (an approval by the user counts as one review) and ``/notes`` (the user's notes
  that are not system notes are the comments).
- Azure DevOps: the project's pull requests (``searchCriteria.reviewerId`` for an identity GUID, else
  filtered on ``reviewers[].uniqueName`` / ``displayName``), the user's ``vote`` (any vote but 0 counts
  as one review) and their text comments in each PR's threads.

A PR is kept when the user gave a review or left a comment on it, and its ``reviewed_at`` falls in
``--since``/``--until``. Votes and approvals without a time of their own date the row by the user's
first comment, else by the PR's own date (GitLab ``approved_at`` when the server gives it, else the
MR's merge or update time; Azure DevOps the PR's closing or creation time).
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retroblog.collect.base import DateRange, NullProgress, Progress, Row, count, iso, parse_timestamp
from retroblog.collect.github import (
    FIRST_DAY,
    ApiCollection,
    endpoint,
    epoch,
    github_client,
    search_windows,
    stamp,
)
from retroblog.collect.http import HttpClient
from retroblog.collect.state import ResumeState
from retroblog.data.reviews import REVIEW_COLUMNS
from retroblog.errors import CollectError

if TYPE_CHECKING:
    from retroblog.collect.merge import WriteResult
    from retroblog.collect.redact import Redactor

EXTRA_COLUMNS: tuple[str, ...] = ("source", "host", "author")
"""Columns a reviews collector writes after ``REVIEW_COLUMNS``: where the PR is, and who authored it."""

COLUMNS: tuple[str, ...] = (*REVIEW_COLUMNS, *EXTRA_COLUMNS)
"""Every column of a collected reviews dataset, in order."""

ORDER = "reviewed_at"
"""The column collected rows are sorted by."""


def review_row(**values: Any) -> Row:
    """A reviews row with every column, None where not given."""
    unknown = set(values) - set(COLUMNS)
    if unknown:  # pragma: no cover - programming error
        raise ValueError(f"unknown columns {sorted(unknown)}")
    row: Row = dict.fromkeys(COLUMNS)
    row.update(values)
    return row


def _sorted(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (r["reviewed_at"] or "", r["repo"] or "", r["number"] or 0))


def _earliest(*moments: dt.datetime | None) -> dt.datetime | None:
    known = [m for m in moments if m is not None]
    return min(known) if known else None


# -------------------------------------------------------------------------------------------------
# GitHub

REVIEWS_QUERY = """
query($q: String!, $first: Int!, $after: String, $login: String!) {
  rateLimit { cost remaining resetAt }
  search(query: $q, type: ISSUE, first: $first, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes {
      ... on PullRequest {
        number title url createdAt
        author { login }
        repository { nameWithOwner }
        reviews(first: 100, author: $login) {
          totalCount
          nodes { submittedAt comments { totalCount } }
        }
      }
    }
  }
}
""".strip()
"""One page of the PRs a user reviewed, with that user's reviews of each (their count, their first
submission time and the review comments they hold)."""


def reviews_search_query(user: str, start: int, end: int, org: str | None, since: dt.date | None) -> str:
    """The search text of one window of creation times (inclusive, epoch seconds)."""
    created = f"{stamp(start)}..{stamp(end)}"
    query = f"is:pr reviewed-by:{user} -author:{user} created:{created}"
    if since is not None:  # a review after `since` updated the PR after it: fewer pages
        query += f" updated:>={since.isoformat()}"
    return f"{query} org:{org}" if org else query


def collect_github_reviews(
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
    page_size: int = 50,
) -> ApiCollection:
    """The PRs ``user`` reviewed and did not author on GitHub, as reviews rows (dates compared in UTC)."""
    user = user.strip().removeprefix("@")
    if user == "me":
        raise CollectError("--reviews needs your GitHub login in --user, not @me (reviews are searched by login)")
    if not user or any(c.isspace() for c in user):
        raise CollectError(f"--user {user!r} is not a GitHub login")
    if org is not None and (not org.strip() or any(c.isspace() for c in org.strip())):
        raise CollectError(f"--org {org!r} is not an organization login")
    where = endpoint(host)
    dates = dates or DateRange()
    last = dates.until or today or dt.datetime.now(dt.UTC).date()
    if dates.since and dates.since > last:
        raise CollectError(f"--since {dates.since.isoformat()} is after --until {last.isoformat()}; nothing to collect")
    progress = progress or NullProgress()
    client = github_client(where, token, progress, sleep, clock)
    query = {
        "source": "github-reviews",
        "endpoint": where.url,
        "user": user,
        "org": org,
        "since": dates.since.isoformat() if dates.since else None,
        "until": last.isoformat(),
    }
    state = ResumeState(state_file, query)
    result = ApiCollection(rows=[])
    with client:
        rows = search_windows(
            client,
            where,
            state,
            (epoch(FIRST_DAY), epoch(last, end=True)),
            lambda start, end: reviews_search_query(user, start, end, org, dates.since),
            lambda node: _github_row(node, where.source, where.host, user, result.warnings),
            result,
            progress,
            page_size=page_size,
            query=REVIEWS_QUERY,
            variables={"login": user},
            noun="PRs created",
        )
    state.clear()
    kept = [r for r in rows.values() if dates.contains(_moment(r))]
    result.rows = _sorted(kept)
    result.requests = client.requests
    return result


def _moment(row: Row) -> dt.datetime:
    return parse_timestamp(row["reviewed_at"], "reviewed_at") or dt.datetime.min.replace(tzinfo=dt.UTC)


def _github_row(node: Any, source: str, host: str, user: str, warnings: list[str]) -> Row | None:
    if not isinstance(node, dict) or not isinstance(node.get("url"), str):
        return None  # an issue, or a PR the token cannot see
    url = node["url"]
    author = node.get("author") or {}
    login = author.get("login") if isinstance(author, dict) else None
    if isinstance(login, str) and login.casefold() == user.casefold():
        return None  # the user's own PR (search's -author: already leaves them out)
    found = node.get("reviews")
    reviews: dict[str, Any] = found if isinstance(found, dict) else {}
    nodes = [n for n in reviews.get("nodes") or [] if isinstance(n, dict)]
    submitted = [parse_timestamp(n.get("submittedAt"), f"GitHub PR {url}: submittedAt") for n in nodes]
    first = _earliest(*submitted)
    if first is None:
        return None  # no submitted review of the user's (a pending one is not a review given)
    total = count(reviews.get("totalCount"))
    comments: int | None = sum(count(total_of(n, "comments")) or 0 for n in nodes)
    if total is not None and total > len(nodes):
        comments = None  # more reviews than one page holds: their comments are not all counted
        warnings.append(f"{url}: more than {len(nodes)} reviews by {user}; its comments are left unknown")
    repository = node.get("repository") or {}
    return review_row(
        reviewed_at=iso(first),
        repo=repository.get("nameWithOwner") if isinstance(repository, dict) else None,
        number=count(node.get("number")),
        url=url,
        title=node.get("title") if isinstance(node.get("title"), str) else None,
        reviews=total if total is not None and total > len(nodes) else sum(1 for s in submitted if s is not None),
        comments=comments,
        source=source,
        host=host,
        author=login if isinstance(login, str) else None,
    )


def total_of(node: dict[str, Any], key: str) -> Any:
    inner = node.get(key)
    return inner.get("totalCount") if isinstance(inner, dict) else None


# -------------------------------------------------------------------------------------------------
# GitLab


def collect_gitlab_reviews(
    user: str,
    token: str,
    *,
    host: str | None = None,
    dates: DateRange | None = None,
    state_file: Path | None = None,
    progress: Progress | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
) -> ApiCollection:
    """The MRs ``user`` was a reviewer of and did not author on GitLab, with their approval and notes."""
    from retroblog.collect.gitlab import api_url, gitlab_client, gitlab_user

    user = gitlab_user(user)
    base, web = api_url(host)
    dates = dates or DateRange()
    progress = progress or NullProgress()
    client = gitlab_client(token, sleep=sleep, clock=clock, progress=progress)
    params: dict[str, Any] = {
        "scope": "all",
        "reviewer_username": user,
        "not[author_username]": user,
        "per_page": 100,
        "order_by": "created_at",
        "sort": "asc",
    }
    if dates.since:  # reviewed after since implies updated after since: fewer pages
        params["updated_after"] = f"{dates.since.isoformat()}T00:00:00Z"
    state = ResumeState(
        state_file, {"source": "gitlab-reviews", "base": base, "user": user, **{k: str(v) for k, v in params.items()}}
    )
    saved = state.load() or {}
    listed: list[dict[str, Any]] = [i for i in saved.get("listed", []) if isinstance(i, dict)]
    page: str | None = None if saved.get("done_listing") is True else str(saved.get("page") or "1")
    done: dict[str, Row | None] = {
        k: r for k, r in (saved.get("rows") or {}).items() if isinstance(r, dict) or r is None
    }
    result = ApiCollection(rows=[], resumed=sum(1 for r in done.values() if r))

    def save() -> None:
        state.save({"listed": listed, "page": page, "done_listing": page is None, "rows": done})

    with client:
        while page:
            answer = client.get(f"{base}/merge_requests", {**params, "page": page})
            items = answer.json()
            if not isinstance(items, list):
                raise CollectError(f"GitLab: unexpected answer from {base}/merge_requests: expected a JSON list")
            listed.extend(_gitlab_listed(item) for item in items if isinstance(item, dict))
            page = answer.headers.get("x-next-page") or None
            save()
        progress.total(len(listed))
        progress.advance(len(done))
        try:
            for item in listed:
                key = f"{item['project_id']}!{item['iid']}"
                if key in done:
                    continue
                done[key] = _gitlab_review(client, base, item, user, web)
                progress.advance()
                save()
        except CollectError:
            save()
            raise
    state.clear()
    kept = [r for r in done.values() if r is not None and dates.contains(_moment(r))]
    result.rows = _sorted(kept)
    result.requests = client.requests
    return result


def _gitlab_listed(item: dict[str, Any]) -> dict[str, Any]:
    """What the resume state keeps of a listed MR: the fields a reviews row is made of."""
    keep = ("project_id", "iid", "title", "web_url", "references", "author", "merged_at", "updated_at", "created_at")
    return {k: item.get(k) for k in keep}


def _gitlab_review(
    client: HttpClient,
    base: str,
    item: dict[str, Any],
    user: str,
    web: str,
) -> Row | None:
    from retroblog.collect.gitlab import repo_of

    project, iid = item.get("project_id"), item.get("iid")
    if not isinstance(project, int) or not isinstance(iid, int):
        return None
    where = f"{base}/projects/{project}/merge_requests/{iid}"
    wanted = user.casefold()
    approvals = client.get(f"{where}/approvals").json()
    approved_at: dt.datetime | None = None
    approved = False
    for entry in (approvals.get("approved_by") if isinstance(approvals, dict) else None) or []:
        person = entry.get("user") if isinstance(entry, dict) else None
        if isinstance(person, dict) and str(person.get("username", "")).casefold() == wanted:
            approved = True
            approved_at = parse_timestamp(entry.get("approved_at"), f"GitLab MR {where}: approved_at")
    notes: list[dt.datetime | None] = []
    page: str | None = "1"
    while page:
        answer = client.get(f"{where}/notes", {"per_page": 100, "page": page, "sort": "asc", "order_by": "created_at"})
        body = answer.json()
        if not isinstance(body, list):
            raise CollectError(f"GitLab: unexpected answer from {where}/notes: expected a JSON list")
        for note in body:
            if not isinstance(note, dict) or note.get("system"):
                continue
            author = note.get("author") or {}
            if isinstance(author, dict) and str(author.get("username", "")).casefold() == wanted:
                notes.append(parse_timestamp(note.get("created_at"), f"GitLab MR {where}: note created_at"))
        page = answer.headers.get("x-next-page") or None
    if not approved and not notes:
        return None  # a reviewer who neither approved nor commented gave no review
    fallback = parse_timestamp(item.get("merged_at") or item.get("updated_at"), f"GitLab MR {where}: merged_at")
    reviewed = _earliest(approved_at, *notes) or fallback
    if reviewed is None:
        return None
    url = item.get("web_url") if isinstance(item.get("web_url"), str) else None
    author = item.get("author") or {}
    return review_row(
        reviewed_at=iso(reviewed),
        repo=repo_of(item, url) if url else None,
        number=iid,
        url=url,
        title=item.get("title") if isinstance(item.get("title"), str) else None,
        reviews=1 if approved else 0,
        comments=len(notes),
        source="gitlab",
        host=web,
        author=author.get("username") if isinstance(author, dict) else None,
    )


# -------------------------------------------------------------------------------------------------
# Azure DevOps


def collect_azure_reviews(
    org: str,
    project: str,
    reviewer: str,
    token: str,
    *,
    host: str | None = None,
    dates: DateRange | None = None,
    state_file: Path | None = None,
    progress: Progress | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
) -> ApiCollection:
    """The pull requests ``reviewer`` (email, name or identity GUID) voted on or commented in, and did not
    create, in ``org/project``."""
    from retroblog.collect.azure import (
        _GUID,
        API_VERSION,
        PAGE,
        _is_creator,
        _key,
        azure_client,
        azure_identity,
        base_url,
    )

    reviewer = azure_identity(reviewer)
    base, web = base_url(host, org, project)
    dates = dates or DateRange()
    progress = progress or NullProgress()
    client = azure_client(token, sleep=sleep, clock=clock, progress=progress)
    params: dict[str, Any] = {"searchCriteria.status": "all", "$top": PAGE, "api-version": API_VERSION}
    if _GUID.match(reviewer):
        params["searchCriteria.reviewerId"] = reviewer
    state = ResumeState(
        state_file,
        {"source": "azure-reviews", "base": base, "reviewer": reviewer, **{k: str(v) for k, v in params.items()}},
    )
    saved = state.load() or {}
    mine: list[dict[str, Any]] = [i for i in saved.get("mine", []) if isinstance(i, dict)]
    skip: int = saved["skip"] if isinstance(saved.get("skip"), int) else 0
    listed = saved.get("listed") is True
    done: dict[str, Row | None] = {
        k: r for k, r in (saved.get("rows") or {}).items() if isinstance(r, dict) or r is None
    }
    result = ApiCollection(rows=[], resumed=sum(1 for r in done.values() if r))

    def save() -> None:
        state.save({"mine": mine, "skip": skip, "listed": listed, "rows": done})

    with client:
        while not listed:
            answer = client.get(f"{base}/_apis/git/pullrequests", {**params, "$skip": skip})
            body = answer.json()
            items = body.get("value") if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise CollectError(
                    f"Azure DevOps: unexpected answer from {base}/_apis/git/pullrequests: no 'value' list"
                )
            for item in items:
                if not isinstance(item, dict) or _is_creator(item.get("createdBy"), reviewer):
                    continue
                if any(_is_creator(r, reviewer) for r in item.get("reviewers") or []):
                    mine.append(item)
            listed = len(items) < PAGE
            skip += 0 if listed else len(items)
            save()
        progress.total(len(mine))
        progress.advance(len(done))
        try:
            for index, item in enumerate(mine):
                key = _key(item, index)
                if key in done:
                    continue
                done[key] = _azure_review(client, base, web, item, reviewer, API_VERSION, _is_creator)
                progress.advance()
                save()
        except CollectError:
            save()
            raise
    state.clear()
    kept = [r for r in done.values() if r is not None and dates.contains(_moment(r))]
    result.rows = _sorted(kept)
    result.requests = client.requests
    return result


def _azure_review(
    client: HttpClient,
    base: str,
    web: str,
    item: dict[str, Any],
    reviewer: str,
    version: str,
    is_person: Callable[[Any, str], bool],
) -> Row | None:
    number = count(item.get("pullRequestId"))
    repository = item.get("repository") or {}
    repo_id = repository.get("id") if isinstance(repository, dict) else None
    vote = next(
        (r.get("vote") for r in item.get("reviewers") or [] if is_person(r, reviewer)),
        None,
    )
    voted = isinstance(vote, int) and not isinstance(vote, bool) and vote != 0
    comments: list[dt.datetime | None] = []
    if repo_id and number is not None:
        answer = client.get(
            f"{base}/_apis/git/repositories/{urllib.parse.quote(str(repo_id))}/pullRequests/{number}/threads",
            {"api-version": version},
        )
        body = answer.json()
        threads = body.get("value") if isinstance(body, dict) else None
        for thread in threads if isinstance(threads, list) else []:
            if not isinstance(thread, dict) or thread.get("isDeleted"):
                continue
            for comment in thread.get("comments") or []:
                if (
                    isinstance(comment, dict)
                    and comment.get("commentType") == "text"
                    and not comment.get("isDeleted")
                    and is_person(comment.get("author"), reviewer)
                ):
                    comments.append(
                        parse_timestamp(comment.get("publishedDate"), f"Azure DevOps PR {number}: publishedDate")
                    )
    if not voted and not comments:
        return None  # a reviewer who did not vote or comment gave no review
    where = f"Azure DevOps PR {number}"
    own = parse_timestamp(item.get("closedDate"), f"{where}: closedDate") or parse_timestamp(
        item.get("creationDate"), f"{where}: creationDate"
    )
    reviewed = _earliest(*comments) or own
    if reviewed is None:
        return None
    name = repository.get("name") if isinstance(repository, dict) else None
    project = (repository.get("project") or {}).get("name") if isinstance(repository, dict) else None
    created_by = item.get("createdBy") or {}
    return review_row(
        reviewed_at=iso(reviewed),
        repo=f"{project}/{name}" if project and name else name,
        number=number,
        url=f"{base}/_git/{urllib.parse.quote(str(name))}/pullrequest/{number}" if name and number else None,
        title=item.get("title") if isinstance(item.get("title"), str) else None,
        reviews=1 if voted else 0,
        comments=len(comments),
        source="azure-devops",
        host=web,
        author=created_by.get("uniqueName") if isinstance(created_by, dict) else None,
    )


# -------------------------------------------------------------------------------------------------
# Writing


def write_reviews(
    path: str | Path,
    rows: list[Row],
    *,
    replace: bool = False,
    redactor: Redactor | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """``merge.write_dataset`` with the reviews columns: a new file, or the new PRs appended to an existing
    reviews dataset (its edits kept). A PR dataset given as ``path`` is refused, not mixed with reviews."""
    from retroblog.collect.merge import check_output, write_dataset
    from retroblog.data.loaders import read_raw
    from retroblog.data.reviews import review_name
    from retroblog.data.schema import LINE

    path = check_output(path)
    if path.exists() and not replace:
        header = [c for c in read_raw(path).frame.columns if c != LINE]
        if not any(review_name(c) == "reviewed_at" for c in header):
            raise CollectError(
                f"{path}: has no reviewed_at column, so it is not a reviews dataset (a PR dataset?); --reviews "
                "writes the PRs you reviewed to a file of their own: give another --out"
            )
    return write_dataset(path, rows, replace=replace, redactor=redactor, dry_run=dry_run, columns=COLUMNS, order=ORDER)
