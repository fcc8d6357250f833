"""``collect azure``: completed pull requests of a creator from Azure DevOps (Services or Server).

``GET {org}/{project}/_apis/git/pullrequests?searchCriteria.status=completed`` (100 per page with
``$top``/``$skip``) lists the project's completed PRs; a creator given as an identity GUID filters on
the server, an email or name on this side (``createdBy.uniqueName`` / ``displayName``). A completed
PR's ``closedDate`` is its merge time. Comments come from each PR's threads (text comments that are
not deleted; threads on a file count as review comments). Azure DevOps has no line counts:
``--repo-path`` computes them from ``lastMergeCommit`` in local clones.
"""

from __future__ import annotations

import re
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

API_VERSION = "7.1"
PAGE = 100
SAVE_EVERY = 25
"""The resume state is saved after this many PRs' threads (and at once when a request fails)."""
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_METHODS = {"noFastForward": "merge", "squash": "squash", "rebase": "rebase", "rebaseMerge": "rebase"}


def base_url(host: str | None, org: str, project: str) -> tuple[str, str]:
    """(``{server}/{org}/{project}``, web host): dev.azure.com by default, or a Server URL."""
    for name, value in (("--org", org), ("--project", project)):
        if not value.strip() or "/" in value:
            raise CollectError(f"{name} {value!r} is not an Azure DevOps {name[2:]} name")
    text = (host or "dev.azure.com").strip().rstrip("/")
    if "://" not in text:
        text = "https://" + text
    root = check_base_url(text)
    parts = urllib.parse.urlsplit(root)
    quoted = f"{urllib.parse.quote(org.strip())}/{urllib.parse.quote(project.strip())}"
    return f"{root}/{quoted}", (parts.hostname or "").casefold()


def azure_identity(identity: str) -> str:
    """The identity given to ``--creator`` (an email, a display name or an identity GUID), checked."""
    identity = identity.strip()
    if not identity:
        raise CollectError("--creator is empty; give your email, display name or identity GUID")
    return identity


def azure_client(
    token: str,
    *,
    sleep: Callable[[float], None] | None,
    clock: Callable[[], float] | None,
    progress: Progress,
) -> HttpClient:
    """The HTTP client of Azure DevOps' REST API (the token as basic authentication)."""
    return HttpClient(
        "Azure DevOps",
        token,
        auth="basic",
        token_hint="the token (AZURE_DEVOPS_TOKEN)",
        # Without it dev.azure.com answers a bad token with 203 and a sign-in page; with it, 401 (as
        # Microsoft's own CLI asks).
        headers={"X-TFS-FedAuthRedirect": "Suppress"},
        sleep=sleep,
        clock=clock,
        progress=progress,
    )


def collect_azure(
    org: str,
    project: str,
    creator: str,
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
    """The completed PRs ``creator`` (email, name or identity GUID) opened in ``org/project``."""
    creator = azure_identity(creator)
    base, web = base_url(host, org, project)
    dates = dates or DateRange()
    progress = progress or NullProgress()
    client = azure_client(token, sleep=sleep, clock=clock, progress=progress)
    params: dict[str, Any] = {"searchCriteria.status": "completed", "$top": PAGE, "api-version": API_VERSION}
    if _GUID.match(creator):
        params["searchCriteria.creatorId"] = creator
    if dates.since or dates.until:
        params["searchCriteria.queryTimeRangeType"] = "closed"
        if dates.since:
            params["searchCriteria.minTime"] = f"{dates.since.isoformat()}T00:00:00Z"
        if dates.until:
            params["searchCriteria.maxTime"] = f"{dates.until.isoformat()}T23:59:59Z"
    state = ResumeState(
        state_file, {"source": "azure", "base": base, "creator": creator, **{k: str(v) for k, v in params.items()}}
    )
    saved = state.load() or {}
    mine: list[dict[str, Any]] = [i for i in saved.get("mine", []) if isinstance(i, dict)]
    skip: int = saved["skip"] if isinstance(saved.get("skip"), int) else 0
    listed = saved.get("listed") is True
    done: dict[str, Row] = {k: r for k, r in (saved.get("rows") or {}).items() if isinstance(r, dict)}

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
                if isinstance(item, dict) and _is_creator(item.get("createdBy"), creator):
                    closed = parse_timestamp(item.get("closedDate"), f"Azure DevOps PR {item.get('pullRequestId')}")
                    if closed is not None and dates.contains(closed):
                        mine.append(item)
            listed = len(items) < PAGE
            skip += 0 if listed else len(items)
            save()
        progress.total(len(mine))
        progress.advance(len(done))
        resumed = len(done)
        try:
            for index, item in enumerate(mine):
                key = _key(item, index)
                if key in done:
                    continue
                comments, review_comments = _comments(client, base, item)
                done[key] = _row(item, base, web, comments, review_comments)
                progress.advance()
                if len(done) % SAVE_EVERY == 0:
                    save()
        except CollectError:
            save()  # the threads fetched so far are kept: the next run asks only for the rest
            raise
    rows = sorted(done.values(), key=lambda r: (r["merged_at"], r["repo"] or "", r["number"] or 0))
    fill_from_clones(rows, repo_paths, excludes, service="Azure DevOps")
    state.clear()
    return ApiCollection(rows=rows, requests=client.requests, resumed=resumed)


def _key(item: dict[str, Any], index: int) -> str:
    """A listed PR's key in the resume state: its repository id and number (its place in the list if
    it has neither)."""
    repository = item.get("repository") or {}
    repo_id = repository.get("id") if isinstance(repository, dict) else None
    number = item.get("pullRequestId")
    return f"{repo_id}/{number}" if repo_id and number is not None else f"#{index}"


def _is_creator(created_by: Any, creator: str) -> bool:
    if not isinstance(created_by, dict):
        return False
    wanted = creator.casefold()
    return any(
        isinstance(created_by.get(key), str) and created_by[key].casefold() == wanted
        for key in ("uniqueName", "displayName", "id")
    )


def _comments(client: HttpClient, base: str, item: dict[str, Any]) -> tuple[int | None, int | None]:
    repository = item.get("repository") or {}
    repo_id = repository.get("id") if isinstance(repository, dict) else None
    number = item.get("pullRequestId")
    if not repo_id or not isinstance(number, int):
        return None, None
    answer = client.get(
        f"{base}/_apis/git/repositories/{urllib.parse.quote(str(repo_id))}/pullRequests/{number}/threads",
        {"api-version": API_VERSION},
    )
    body = answer.json()
    threads = body.get("value") if isinstance(body, dict) else None
    if not isinstance(threads, list):
        return None, None
    general = on_files = 0
    for thread in threads:
        if not isinstance(thread, dict) or thread.get("isDeleted"):
            continue
        texts = sum(
            1
            for c in thread.get("comments") or []
            if isinstance(c, dict) and c.get("commentType") == "text" and not c.get("isDeleted")
        )
        if thread.get("threadContext"):
            on_files += texts
        else:
            general += texts
    return general, on_files


def _row(item: dict[str, Any], base: str, web: str, comments: int | None, review_comments: int | None) -> Row:
    number = count(item.get("pullRequestId"))
    repository = item.get("repository") or {}
    name = repository.get("name") if isinstance(repository, dict) else None
    project = (repository.get("project") or {}).get("name") if isinstance(repository, dict) else None
    created_by = item.get("createdBy") or {}
    options = item.get("completionOptions") or {}
    last_merge = item.get("lastMergeCommit") or {}
    labels = [
        label["name"]
        for label in item.get("labels") or []
        if isinstance(label, dict) and isinstance(label.get("name"), str) and label.get("active", True)
    ]
    where = f"Azure DevOps PR {number}"
    return new_row(
        merged_at=iso(parse_timestamp(item.get("closedDate"), f"{where}: closedDate")),
        comments=comments,
        review_comments=review_comments,
        number=number,
        repo=f"{project}/{name}" if project and name else name,
        title=item.get("title") if isinstance(item.get("title"), str) else None,
        url=f"{base}/_git/{urllib.parse.quote(str(name))}/pullrequest/{number}" if name and number else None,
        created_at=iso(parse_timestamp(item.get("creationDate"), f"{where}: creationDate")),
        labels=labels or None,
        source="azure-devops",
        host=web,
        author=created_by.get("uniqueName") if isinstance(created_by, dict) else None,
        merge_method=_METHODS.get(options.get("mergeStrategy", "")) if isinstance(options, dict) else None,
        merge_commit=last_merge.get("commitId") if isinstance(last_merge, dict) else None,
    )
