"""``collect gitlab``: merged merge requests of a user from GitLab.com or a self-managed GitLab.

``GET /api/v4/merge_requests?scope=all&state=merged&author_username=NAME`` (100 per page, following
``x-next-page``) gives dates, titles, links and comment counts (``user_notes_count``). The REST API
has no line counts: ``--repo-path`` computes them from the merge (or squash) commits in local clones.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
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
)
from retroblog.collect.git import DEFAULT_EXCLUDES, fill_from_clones
from retroblog.collect.github import ApiCollection
from retroblog.collect.http import HttpClient, check_base_url
from retroblog.collect.state import ResumeState
from retroblog.errors import CollectError


def api_url(host: str | None) -> tuple[str, str]:
    """(REST base URL, web host) of ``--host`` (default gitlab.com; a URL may carry a path prefix)."""
    text = (host or "gitlab.com").strip().rstrip("/")
    if "://" not in text:
        text = "https://" + text
    base = check_base_url(text)
    parts = urllib.parse.urlsplit(base)
    path = parts.path.rstrip("/").removesuffix("/api/v4")
    return f"{parts.scheme}://{parts.netloc}{path}/api/v4", (parts.hostname or "").casefold()


def gitlab_user(user: str) -> str:
    """A GitLab username as given to ``--user`` (``@name`` or ``name``), checked."""
    user = user.strip().removeprefix("@")
    if not user or any(c.isspace() for c in user):
        raise CollectError(f"--user {user!r} is not a GitLab username")
    return user


def gitlab_client(
    token: str,
    *,
    sleep: Callable[[float], None] | None,
    clock: Callable[[], float] | None,
    progress: Progress,
) -> HttpClient:
    """The HTTP client of GitLab's REST API (the token in the ``PRIVATE-TOKEN`` header)."""
    return HttpClient(
        "GitLab",
        token,
        auth="private-token",
        token_hint="the token (GITLAB_TOKEN)",
        sleep=sleep,
        clock=clock,
        progress=progress,
    )


def collect_gitlab(
    user: str,
    token: str,
    *,
    host: str | None = None,
    dates: DateRange | None = None,
    repo_paths: Sequence[str | Path] = (),
    excludes: Iterable[str] = DEFAULT_EXCLUDES,
    state_file: Path | None = None,
    progress: Progress | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
) -> ApiCollection:
    """The merged MRs ``user`` authored, as dataset rows (dates compared in UTC)."""
    user = gitlab_user(user)
    base, web = api_url(host)
    dates = dates or DateRange()
    progress = progress or NullProgress()
    client = gitlab_client(token, sleep=sleep, clock=clock, progress=progress)
    params: dict[str, Any] = {
        "scope": "all",
        "state": "merged",
        "author_username": user,
        "per_page": 100,
        "order_by": "created_at",
        "sort": "asc",
    }
    if dates.since:  # merged after since implies updated after since: fewer pages
        params["updated_after"] = f"{dates.since.isoformat()}T00:00:00Z"
    state = ResumeState(
        state_file, {"source": "gitlab", "base": base, "user": user, **{k: str(v) for k, v in params.items()}}
    )
    saved = state.load() or {}
    rows: dict[str, Row] = {r["url"]: r for r in saved.get("rows", []) if isinstance(r, dict) and r.get("url")}
    page: str | None = str(saved.get("page") or "1")
    result = ApiCollection(rows=[], resumed=len(rows))
    progress.advance(len(rows))
    with client:
        while page:
            answer = client.get(f"{base}/merge_requests", {**params, "page": page})
            items = answer.json()
            if not isinstance(items, list):
                raise CollectError(f"GitLab: unexpected answer from {base}/merge_requests: expected a JSON list")
            total = answer.headers.get("x-total")
            if total and total.isascii() and total.isdigit():
                progress.total(int(total))
            for item in items:
                row = _row(item, web)
                if row is not None and dates.contains(
                    parse_timestamp(row["merged_at"], "merged_at") or dt.datetime.min
                ):
                    rows.setdefault(row["url"], row)
                progress.advance()
            page = answer.headers.get("x-next-page") or None
            state.save({"rows": list(rows.values()), "page": page})
    ordered = sorted(rows.values(), key=lambda r: (r["merged_at"], r["repo"] or "", r["number"] or 0))
    fill_from_clones(ordered, repo_paths, excludes, service="GitLab")
    state.clear()
    result.rows = ordered
    result.requests = client.requests
    return result


def repo_of(item: dict[str, Any], url: str) -> str | None:
    """An MR's project path: from ``references.full`` (``grp/sub/app!12``), else from its web URL."""
    references = item.get("references") or {}
    full = references.get("full") if isinstance(references, dict) else None
    repo = full.rsplit("!", 1)[0] if isinstance(full, str) and "!" in full else None
    if repo is None:
        repo = urllib.parse.urlsplit(url).path.strip("/").split("/-/", 1)[0] or None
    return repo


def _row(item: Any, web: str) -> Row | None:
    if not isinstance(item, dict):
        return None
    url = item.get("web_url")
    merged = parse_timestamp(item.get("merged_at"), f"GitLab MR {url}: merged_at")
    if merged is None or not isinstance(url, str):
        return None
    repo = repo_of(item, url)
    author = item.get("author") or {}
    labels = [label for label in item.get("labels") or [] if isinstance(label, str)]
    squash = item.get("squash_commit_sha")
    return new_row(
        merged_at=iso(merged),
        comments=count(item.get("user_notes_count")),
        number=count(item.get("iid")),
        repo=repo,
        title=item.get("title") if isinstance(item.get("title"), str) else None,
        url=url,
        created_at=iso(parse_timestamp(item.get("created_at"), f"GitLab MR {url}: created_at")),
        labels=labels or None,
        source="gitlab",
        host=web,
        author=author.get("username") if isinstance(author, dict) else None,
        merge_method="squash" if squash else ("merge" if item.get("merge_commit_sha") else None),
        merge_commit=item.get("merge_commit_sha") or squash,
    )
