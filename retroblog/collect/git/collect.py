"""``collect git``: merged PRs from a local clone, the path that still works after you have left.

One streamed ``git log --first-parent --diff-merges=first-parent --numstat -z`` over the main line
finds the commits that merged a PR and their net diff against the main line; a second, diff-less
``git log`` of the whole history (run at the same time) tells which commits each merged branch
brought in, for attribution and commit counts. The merge styles recognised are listed in
``retroblog.collect.git.parse``.

Attribution: a squash commit (one parent) is the PR's author's; a merge commit's author is whoever
merged it, so a merged branch belongs to the author of its first commit (Azure DevOps merge commits
are authored by the PR's creator and are attributed to their author). Identities are compared after
``.mailmap`` (``%aN``/``%aE``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from retroblog.collect.base import (
    DateRange,
    NullProgress,
    Progress,
    Row,
    iso,
    new_row,
)
from retroblog.collect.git.parse import (
    DEFAULT_EXCLUDES,
    MAIN_FORMAT,
    SEP,
    TOPO_FORMAT,
    Counts,
    Excludes,
    branch_owner,
    classify,
    git_text,
    is_login,
    parse_numstat,
    parse_remote,
    pr_url,
    shown,
    split_message,
)
from retroblog.collect.git.run import Background, check_version, git_command, run, streamed
from retroblog.data.schema import format_languages
from retroblog.errors import CollectError
from retroblog.util.words import count


class Identities:
    """Who "you" are: names and emails (several at once), compared without case.

    An ID with ``@`` is an email; any other ID is a name, and also a GitHub login, which matches the
    ``ID+login@users.noreply.github.com`` emails GitHub writes for web edits and squash merges.
    """

    def __init__(self, ids: Iterable[str]) -> None:
        cleaned = [" ".join(i.split()) for i in ids if i and i.strip()]
        if not cleaned:
            raise CollectError("give at least one --author (a name or an email you commit with)")
        self.ids = tuple(cleaned)
        self.emails = frozenset(i.casefold() for i in cleaned if "@" in i)
        self.names = frozenset(i.casefold() for i in cleaned if "@" not in i)

    def matches(self, name: str, email: str, login: str | None = None) -> bool:
        """Whether an author is you; ``login``: the GitHub login the author is known to have (the owner of
        the branch a merge commit merged, when the author is that owner).

        A name or email whose bytes are not UTF-8 (``git_text``) matches an ID of the same bytes (as the
        command line passes them) and its ``shown`` form (``Jos\\xe9``, as reports print it)."""
        if self._matches(name, email, login):
            return True
        return (shown(name), shown(email)) != (name, email) and self._matches(shown(name), shown(email), login)

    def _matches(self, name: str, email: str, login: str | None) -> bool:
        email = email.casefold()
        if email in self.emails or " ".join(name.split()).casefold() in self.names:
            return True
        if login is not None and login.casefold() in self.names:
            return True
        if email.endswith("@users.noreply.github.com"):
            return email.split("@", 1)[0].split("+", 1)[-1] in self.names
        return False


Branches = dict[bytes, list[tuple[bytes, bytes, bytes]]]
"""Merge commit (sha) → (name, email, author date) of each commit its branch brought in."""


@dataclass(slots=True)
class _Candidate:
    sha: str
    parents: list[str]
    author: str
    email: str
    authored: str
    committed: str
    style: str
    number: int
    title: str | None
    owner: str | None = None
    """The GitHub login whose branch was merged (``Merge pull request #N from LOGIN/...``)."""
    counts: Counts = field(default_factory=Counts)


@dataclass
class GitCollection:
    """What ``collect_git`` found: the user's PRs plus figures that explain an empty result."""

    rows: list[Row]
    commits_scanned: int = 0
    pr_merges: int = 0
    """Main-line commits that merged a PR (anyone's) in the date range."""
    other_authors: Counter[str] = field(default_factory=Counter)
    """Authors of the PRs that were not attributed to you, with their counts."""
    duplicates: int = 0
    named: list[tuple[str, str]] = field(default_factory=list)
    """Each repository's name and where it comes from (``RepoInfo.named_by``), for the report."""


@dataclass(frozen=True)
class RepoInfo:
    """A local repository and the name its rows get."""

    path: Path
    name: str
    host: str | None
    branch: str
    tip: str
    """The branch's commit when the run started: every git call reads the same history."""
    named_by: str = "--repo"
    """Where ``name`` comes from, for the report: ``--repo``, ``its origin remote (URL)``, ``its folder``."""


# -------------------------------------------------------------------------------------------------
# Repositories


def inspect_repo(path: str | Path, branch: str | None = None) -> RepoInfo:
    """Check that ``path`` is a git repository with ``branch``; name it from its ``origin`` remote.

    Without ``branch``: the branch ``origin/HEAD`` points to (the server's default), else HEAD.
    """
    repo = Path(path)
    if not repo.exists():
        raise CollectError(f"{repo}: no such folder")
    try:
        top = Path(run(repo, "rev-parse", "--show-toplevel").strip())
    except CollectError:
        raise CollectError(f"{repo}: not a git repository (or any parent up to /)") from None
    if branch is None:
        try:
            branch = run(top, "symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD").strip() or "HEAD"
        except CollectError:
            branch = "HEAD"
    try:
        tip = run(top, "rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}").strip()
    except CollectError:
        branches = run(
            top,
            "for-each-ref",
            "--format=%(refname:short)",
            "--count=8",
            "refs/heads",
            "refs/remotes",
        )
        known = ", ".join(branches.split()) or "none"
        raise CollectError(f"{top}: no branch or commit '{branch}'; branches: {known}") from None
    try:
        remote = run(top, "config", "--get", "remote.origin.url").strip()
    except CollectError:
        remote = ""
    host, name = parse_remote(remote)
    if name:
        return RepoInfo(top, name, host, branch, tip, f"its origin remote ({remote})")
    return RepoInfo(top, top.name, host, branch, tip, "its folder's name (it has no origin remote)")


# -------------------------------------------------------------------------------------------------
# Collecting


def collect_git(
    repos: Sequence[str | Path],
    authors: Iterable[str],
    *,
    dates: DateRange | None = None,
    branch: str | None = None,
    excludes: Iterable[str] = DEFAULT_EXCLUDES,
    mailmap: str | Path | None = None,
    names: Sequence[str] = (),
    progress: Progress | None = None,
) -> GitCollection:
    """The user's merged PRs in the main line of each repository, as dataset rows.

    ``names`` (``--repo``) names the repositories, one per folder in order; by default a repository is
    named from its origin remote's URL, else its folder (``GitCollection.named`` says which).
    """
    if not repos:
        raise CollectError("give at least one repository folder")
    if names and len(names) != len(repos):
        raise CollectError(
            f"--repo names {count(len(names), 'repository', 'repositories')} for "
            f"{count(len(repos), 'folder')}: give one --repo NAME per folder, in the same order, or none"
        )
    for name in names:
        if not name.strip() or any(c.isspace() for c in name.strip()):
            raise CollectError(f"--repo {name!r} is not a repository name (such as acme/api)")
    check_version()
    identities = Identities(authors)
    dates = dates or DateRange()
    matcher = Excludes(excludes)
    mailmap_path = Path(mailmap).resolve() if mailmap else None
    if mailmap_path is not None and not mailmap_path.is_file():
        raise CollectError(f"{mailmap}: no such mailmap file")
    infos = [inspect_repo(r, branch) for r in repos]
    if names:
        infos = [
            dataclasses.replace(info, name=name.strip(), named_by="--repo")
            for info, name in zip(infos, names, strict=True)
        ]
    seen: dict[str, RepoInfo] = {}
    for info in infos:
        key = info.name.casefold()
        if key in seen:
            raise CollectError(
                f"{seen[key].path} and {info.path} are both named '{info.name}' (from "
                f"{seen[key].named_by} and {info.named_by}): name them apart with --repo NAME, once per folder"
            )
        seen[key] = info
    result = GitCollection(rows=[], named=[(info.name, info.named_by) for info in infos])
    for info in infos:
        _collect_repo(info, identities, dates, matcher, mailmap_path, progress or NullProgress(), result)
    return result


def _collect_repo(
    info: RepoInfo,
    identities: Identities,
    dates: DateRange,
    excludes: Excludes,
    mailmap: Path | None,
    progress: Progress,
    result: GitCollection,
) -> None:
    if not isinstance(progress, NullProgress):
        progress.total(int(run(info.path, "rev-list", "--count", "--first-parent", info.tip).strip() or 0))
    topo_cmd = git_command(info.path, mailmap, "log", "-z", "--use-mailmap", f"--format={TOPO_FORMAT}", info.tip, "--")
    main_cmd = git_command(info.path, mailmap, "log", "--first-parent", "--diff-merges=first-parent")
    main_cmd += ["-M", "-z", "--numstat", "--no-color", "--no-ext-diff", "--no-relative", "--use-mailmap"]
    main_cmd += [f"--format={MAIN_FORMAT}", info.tip, "--"]
    tip = info.tip.encode()
    topo: Background[Branches] = Background(topo_cmd, lambda history: branch_commits(history, tip), empty={})
    candidates: list[_Candidate] = []
    scanned = 0

    def wanted(fields: list[bytes]) -> Counts | None:
        nonlocal scanned
        scanned += 1
        if scanned % 1024 == 0:
            progress.advance(1024)
        parents = fields[1].decode().split()
        message = fields[6].decode("utf-8", "replace")
        if message.endswith("\x1f"):
            message = message[:-1]
        subject, body = split_message(message)
        found = classify(subject, body, len(parents))
        if found is None:
            return None
        committed = fields[5].decode()
        if not dates.contains(dt.datetime.fromisoformat(committed)):
            return None
        style, number, title = found
        candidates.append(
            _Candidate(
                fields[0].decode(),
                parents,
                git_text(fields[2]),
                git_text(fields[3]),
                fields[4].decode(),
                committed,
                style,
                number,
                title,
                branch_owner(subject) if len(parents) > 1 else None,
            )
        )
        return candidates[-1].counts

    try:
        with streamed(info.path, "log", main_cmd) as stream:
            for _ in parse_numstat(stream, excludes, wanted):
                pass
    except BaseException:
        topo.cancel()
        raise
    progress.advance(scanned % 1024)
    result.commits_scanned += scanned
    result.pr_merges += len(candidates)
    branches: Branches = {}
    if any(len(c.parents) > 1 for c in candidates):
        branches = topo.result(info.path, "log")
    else:
        topo.cancel()
    seen: set[int] = set()
    for cand in reversed(candidates):  # oldest first: a PR merged twice keeps its first merge
        if cand.number in seen:  # a re-land: one PR, counted once whoever it is credited to
            result.duplicates += 1
            continue
        seen.add(cand.number)
        author, email, created, commits, login = _attribute(cand, branches)
        if not identities.matches(author, email, login):
            result.other_authors[f"{shown(author)} <{shown(email)}>"] += 1
            continue
        c = cand.counts
        note = None
        if c.excluded_files:
            note = f"{count(c.excluded_files, 'excluded file')} not counted"
        result.rows.append(
            new_row(
                merged_at=iso(dt.datetime.fromisoformat(cand.committed)),
                additions=c.additions,
                deletions=c.deletions,
                changed_files=c.files,
                commits=commits,
                number=cand.number,
                repo=info.name,
                title=cand.title,
                url=pr_url(info.host, info.name, cand.style, cand.number),
                created_at=created,
                source="git",
                host=info.host,
                author=shown(email or author),
                merge_method="merge" if len(cand.parents) > 1 else "squash",
                merge_commit=cand.sha,
                binary_files=c.binary,
                excluded_lines=c.excluded_lines,
                languages=format_languages({name: (lines[0], lines[1]) for name, lines in c.languages.items()}),
                note=note,
            )
        )


def _attribute(cand: _Candidate, branches: Branches) -> tuple[str, str, str | None, int | None, str | None]:
    """(author name, email, created_at, commits, login) of a candidate PR.

    A merged branch is credited to the author of its first commit, unless its commits have several
    authors and one of them is recognisably the owner of the branch the merge commit names (``from
    LOGIN/...``): then to that one. ``login`` is the owner's login when the credited author is the
    owner (the only author of the branch, or the one the tie was broken for), else None.
    """
    if len(cand.parents) < 2:
        return cand.author, cand.email, None, None, None
    commits = branches.get(cand.sha.encode(), [])
    if cand.style == "azure" or not commits:
        return cand.author, cand.email, None, len(commits) or None, None
    ordered = sorted(commits, key=lambda c: dt.datetime.fromisoformat(c[2].decode()))
    created = iso(dt.datetime.fromisoformat(ordered[0][2].decode()))
    people = list(dict.fromkeys((git_text(c[0]), git_text(c[1])) for c in ordered))
    credited, login = people[0], None
    if cand.owner is not None:
        owners = [p for p in people if is_login(p[0], p[1], cand.owner)]
        if owners:
            credited, login = owners[0], cand.owner
        elif len(people) == 1:
            login = cand.owner  # the branch's only author pushed it from the owner's fork: the owner
    return credited[0], credited[1], created, len(commits), login


def branch_commits(history: bytes, tip: bytes) -> Branches:
    """For each merge on the first-parent line from ``tip``: the commits its branch brought in.

    ``history`` is ``git log -z --format=%H%x1f%P%x1f%aN%x1f%aE%x1f%aI`` output. The main line is walked
    oldest first; ``seen`` holds every ancestor of the current main-line commit, so the commits
    reachable from a merge's other parents and not yet seen are exactly ``M^1..M``.
    """
    topology: dict[bytes, list[bytes]] = {}
    for record in history.split(b"\0"):
        parts = record.strip(b"\n").split(SEP)
        if len(parts) == 5:
            topology[parts[0]] = parts
    main_line: list[bytes] = []
    current: bytes | None = tip
    while current is not None and current in topology:
        main_line.append(current)
        parents = topology[current][1].split()
        current = parents[0] if parents else None
    seen: set[bytes] = set()
    out: Branches = {}
    for sha in reversed(main_line):
        parents = topology[sha][1].split()
        if len(parents) > 1:
            found: list[tuple[bytes, bytes, bytes]] = []
            stack = [p for p in parents[1:] if p not in seen]
            while stack:
                commit = stack.pop()
                if commit in seen:
                    continue
                seen.add(commit)
                entry = topology.get(commit)
                if entry is None:  # shallow clone: history ends here
                    continue
                found.append((entry[2], entry[3], entry[4]))
                stack.extend(p for p in entry[1].split() if p not in seen)
            out[sha] = found
        seen.add(sha)
    return out
