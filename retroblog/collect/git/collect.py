"""``collect git``: merged PRs from a local clone, the path that still works after you have left.

One streamed ``git log --first-parent --diff-merges=first-parent --numstat -z`` over the main line
finds the commits that merged a PR and their net diff against the main line; a second, diff-less
``git log`` of the whole history (run at the same time) tells which commits each merged branch
brought in, for attribution and commit counts.

Merge styles recognised on the main line:

========================= =========================================================== ==============
style                     message                                                     title from
========================= =========================================================== ==============
GitHub merge commit       ``Merge pull request #N from owner/branch``                 body line 1
GitHub squash             ``Title (#N)``                                              subject
GitLab                    body line ``See merge request group/project!N``             body line 1
Azure DevOps              ``Merged PR N: Title``                                      subject
Bitbucket                 ``Merged in branch (pull request #N)``                      body line 1
Bitbucket Server / ADO    ``Merge pull request #N in P/r from ...`` / ``... N from``  body line 1
========================= =========================================================== ==============

Attribution: a squash commit (one parent) is the PR's author's; a merge commit's author is whoever
merged it, so a merged branch belongs to the author of its first commit (Azure DevOps merge commits
are authored by the PR's creator and are attributed to their author). Identities are compared after
``.mailmap`` (``%aN``/``%aE``).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
import shutil
import subprocess
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from retroblog.collect.base import (
    CollectError,
    DateRange,
    NullProgress,
    Progress,
    Row,
    iso,
    new_row,
)
from retroblog.util.words import count

DEFAULT_EXCLUDES: tuple[str, ...] = (
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "Cargo.lock",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "pdm.lock",
    "Gemfile.lock",
    "composer.lock",
    "go.sum",
    "mix.lock",
    "pubspec.lock",
    "Podfile.lock",
    "packages.lock.json",
    "flake.lock",
    "*.min.js",
    "*.min.css",
    "*.js.map",
    "*.css.map",
    "*.pb.go",
    "*_pb2.py",
    "*_pb2.pyi",
    "*.generated.*",
    "*.snap",
)
"""Lock files and generated files whose lines are not counted (they would dwarf real changes).
A pattern without ``/`` matches a file's name in any folder; with ``/``, the whole path."""

MIN_GIT = (2, 31)
"""``--diff-merges=first-parent`` needs git 2.31."""

_SEP = b"\x1f"
_MAIN_FORMAT = "%x1e%H%x1f%P%x1f%aN%x1f%aE%x1f%aI%x1f%cI%x1f%B%x1f"
_TOPO_FORMAT = "%H%x1f%P%x1f%aN%x1f%aE%x1f%aI"

_AZURE = re.compile(r"^Merged PR (\d+): (.*\S)\s*$")
_MERGE_PR = re.compile(r"^Merge pull request #?(\d+) (?:from|in) \S")
_BITBUCKET = re.compile(r"^Merged in \S+ \(pull request #(\d+)\)")
_GITLAB = re.compile(r"^See merge request (\S*)!(\d+)\s*$", re.MULTILINE)
_SQUASH = re.compile(r"^(.*\S) \(#(\d+)\)\s*$")
_TRAILER = re.compile(r"^(See merge request |[A-Za-z-]+-by: |Approved-by: )")


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

    def matches(self, name: str, email: str) -> bool:
        email = email.casefold()
        if email in self.emails or " ".join(name.split()).casefold() in self.names:
            return True
        if email.endswith("@users.noreply.github.com"):
            login = email.split("@", 1)[0].split("+", 1)[-1]
            return login in self.names
        return False


class Excludes:
    """Glob patterns of files whose lines are not counted."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(p for p in patterns if p)
        names = [fnmatch.translate(p) for p in self.patterns if "/" not in p]
        paths = [fnmatch.translate(p.lstrip("/")) for p in self.patterns if "/" in p]
        self._names = re.compile("|".join(names)) if names else None
        self._paths = re.compile("|".join(paths)) if paths else None
        self._cache: dict[bytes, bool] = {}

    def __call__(self, path: bytes) -> bool:
        hit = self._cache.get(path)
        if hit is None:
            text = path.decode("utf-8", "surrogateescape")
            name = text.rsplit("/", 1)[-1]
            hit = bool(
                (self._names is not None and self._names.match(name))
                or (self._paths is not None and self._paths.match(text))
            )
            self._cache[path] = hit
        return hit


@dataclass(slots=True)
class Counts:
    """Line and file counts of one diff."""

    additions: int = 0
    deletions: int = 0
    files: int = 0
    binary: int = 0
    excluded_lines: int = 0
    excluded_files: int = 0


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


@dataclass(frozen=True)
class RepoInfo:
    """A local repository and the name its rows get."""

    path: Path
    name: str
    host: str | None
    branch: str
    tip: str
    """The branch's commit when the run started: every git call reads the same history."""


# -------------------------------------------------------------------------------------------------
# Running git


def _git() -> str:
    git = shutil.which("git")
    if git is None:
        raise CollectError("git is not installed or not on PATH; the git collector needs it")
    return git


def _run(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run([_git(), "-C", str(repo), *args], capture_output=True, check=False, timeout=120)
    except subprocess.TimeoutExpired:
        raise CollectError(f"{repo}: 'git {' '.join(args)}' did not finish within 120 s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CollectError(f"{repo}: git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout.decode("utf-8", "replace")


def git_version() -> tuple[int, int]:
    """The installed git's (major, minor)."""
    out = subprocess.run([_git(), "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)\.(\d+)", out)
    return (int(match[1]), int(match[2])) if match else (0, 0)


def _check_version() -> None:
    found = git_version()
    if found < MIN_GIT:
        raise CollectError(
            f"git {found[0]}.{found[1]} is too old; the git collector needs git "
            f"{MIN_GIT[0]}.{MIN_GIT[1]} or newer (for --diff-merges=first-parent)"
        )


def _config_args(mailmap: Path | None) -> list[str]:
    args = [
        "-c",
        "core.quotepath=off",
        "-c",
        "log.showSignature=false",
        "-c",
        "i18n.logOutputEncoding=UTF-8",
    ]
    if mailmap is not None:
        args += ["-c", f"mailmap.file={mailmap}"]
    return args


def inspect_repo(path: str | Path, branch: str | None = None) -> RepoInfo:
    """Check that ``path`` is a git repository with ``branch``; name it from its ``origin`` remote.

    Without ``branch``: the branch ``origin/HEAD`` points to (the server's default), else HEAD.
    """
    repo = Path(path)
    if not repo.exists():
        raise CollectError(f"{repo}: no such folder")
    try:
        top = Path(_run(repo, "rev-parse", "--show-toplevel").strip())
    except CollectError:
        raise CollectError(f"{repo}: not a git repository (or any parent up to /)") from None
    if branch is None:
        try:
            branch = _run(top, "symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD").strip() or "HEAD"
        except CollectError:
            branch = "HEAD"
    try:
        tip = _run(top, "rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}").strip()
    except CollectError:
        branches = _run(
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
        remote = _run(top, "config", "--get", "remote.origin.url").strip()
    except CollectError:
        remote = ""
    host, name = parse_remote(remote)
    return RepoInfo(top, name or top.name, host, branch, tip)


def parse_remote(url: str) -> tuple[str | None, str | None]:
    """(host, repo name) of a remote URL.

    Names are ``owner/name``, GitLab ``group/sub/project``, Azure DevOps ``project/repo``.
    """
    url = url.strip()
    if not url:
        return None, None
    match = re.match(r"^(?:[a-z+]+://)?(?:[^@/]+@)?([^/:]+)(?::\d+)?[:/](.+?)(?:\.git)?/?$", url)
    if not match or url.startswith(("/", ".", "file:")):
        return None, Path(url.removeprefix("file://")).name.removesuffix(".git") or None
    host, path = match[1].casefold(), match[2].strip("/")
    parts = path.split("/")
    if host in ("dev.azure.com", "ssh.dev.azure.com") or host.endswith(".visualstudio.com"):
        if "_git" in parts:
            index = parts.index("_git")
            parts = [parts[index - 1], parts[index + 1]] if 0 < index < len(parts) - 1 else parts
        elif parts and parts[0] == "v3" and len(parts) >= 4:
            parts = parts[2:4]
        host = "dev.azure.com" if host == "ssh.dev.azure.com" else host
    return host, "/".join(parts)


def _pr_url(host: str | None, repo: str, style: str, number: int) -> str | None:
    if host == "github.com" and style in ("github", "squash"):
        return f"https://github.com/{repo}/pull/{number}"
    if host == "gitlab.com" and style == "gitlab":
        return f"https://gitlab.com/{repo}/-/merge_requests/{number}"
    if host == "bitbucket.org" and style == "bitbucket":
        return f"https://bitbucket.org/{repo}/pull-requests/{number}"
    return None


# -------------------------------------------------------------------------------------------------
# Parsing


def classify(subject: str, body: str, parents: int) -> tuple[str, int, str | None] | None:
    """(style, PR number, title) of a main-line commit that merged a PR, else None."""
    match = _AZURE.match(subject)
    if match:
        return "azure", int(match[1]), match[2]
    match = _MERGE_PR.match(subject)
    if match:
        return "github", int(match[1]), _body_title(body)
    match = _BITBUCKET.match(subject)
    if match:
        return "bitbucket", int(match[1]), _body_title(body)
    match = _GITLAB.search(body)
    if match:
        return "gitlab", int(match[2]), _body_title(body) or (None if parents > 1 else subject)
    match = _SQUASH.match(subject)
    if match:
        return "squash", int(match[2]), match[1]
    return None


def _body_title(body: str) -> str | None:
    for line in body.splitlines():
        line = line.strip()
        if line and not _TRAILER.match(line):
            return line
    return None


def _split_message(message: str) -> tuple[str, str]:
    subject, _, body = message.strip("\n").partition("\n")
    return subject.strip(), body


def parse_numstat(
    stream: IO[bytes],
    excludes: Excludes,
    wanted: Callable[[list[bytes]], Counts | None],
) -> Iterator[tuple[list[bytes], Counts | None]]:
    """Read ``git log -z --numstat --format=%x1e...%x1f`` output: (header, counts) per commit.

    ``wanted(fields)`` is asked once per commit, when its header is read, and returns the ``Counts``
    to fill (yielded with the fields once the commit's rows are read), or None: then the numstat
    rows of the commit are skipped without being parsed.
    """
    pending = b""
    fields: list[bytes] | None = None
    counts: Counts | None = None
    renames = 0  # path tokens still expected for a rename row (old, new)
    rename_lines: tuple[int, int, int] = (0, 0, 0)
    while True:
        chunk = stream.read(1 << 20)
        if not chunk:
            break
        tokens = (pending + chunk).split(b"\0")
        pending = tokens.pop()
        for token in tokens:
            if renames:
                renames -= 1
                if renames == 0 and counts is not None:
                    _add(counts, rename_lines, token, excludes)
                continue
            if token.startswith(b"\n"):
                token = token.lstrip(b"\n")
            if token.startswith(b"\x1e"):
                if fields is not None:
                    yield fields, counts
                fields = token[1:].split(_SEP, 6)
                counts = wanted(fields)
                continue
            if not token:
                continue
            adds, _, rest = token.partition(b"\t")
            dels, _, path = rest.partition(b"\t")
            if not path:
                renames = 2
                if counts is not None:
                    rename_lines = _lines(adds, dels)
                continue
            if counts is not None:
                _add(counts, _lines(adds, dels), path, excludes)
    if fields is not None:
        yield fields, counts


def _lines(adds: bytes, dels: bytes) -> tuple[int, int, int]:
    if adds == b"-":
        return 0, 0, 1
    return int(adds), int(dels), 0


def _add(counts: Counts, lines: tuple[int, int, int], path: bytes, excludes: Excludes) -> None:
    if excludes(path):
        counts.excluded_lines += lines[0] + lines[1]
        counts.excluded_files += 1
        return
    counts.additions += lines[0]
    counts.deletions += lines[1]
    counts.files += 1
    counts.binary += lines[2]


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
    progress: Progress | None = None,
) -> GitCollection:
    """The user's merged PRs in the main line of each repository, as dataset rows."""
    if not repos:
        raise CollectError("give at least one repository folder")
    _check_version()
    identities = Identities(authors)
    dates = dates or DateRange()
    matcher = Excludes(excludes)
    mailmap_path = Path(mailmap).resolve() if mailmap else None
    if mailmap_path is not None and not mailmap_path.is_file():
        raise CollectError(f"{mailmap}: no such mailmap file")
    infos = [inspect_repo(r, branch) for r in repos]
    names: dict[str, Path] = {}
    for info in infos:
        key = info.name.casefold()
        if key in names:
            raise CollectError(
                f"{names[key]} and {info.path} are both named '{info.name}' (from their origin "
                "remote or folder name); collect them into separate datasets"
            )
        names[key] = info.path
    result = GitCollection(rows=[])
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
    git = _git()
    config = _config_args(mailmap)
    if not isinstance(progress, NullProgress):
        progress.total(int(_run(info.path, "rev-list", "--count", "--first-parent", info.tip).strip() or 0))
    topo_cmd = [
        git,
        "-C",
        str(info.path),
        *config,
        "log",
        "-z",
        "--use-mailmap",
        f"--format={_TOPO_FORMAT}",
    ]
    topo_cmd += [info.tip, "--"]
    main_cmd = [
        git,
        "-C",
        str(info.path),
        *config,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
    ]
    main_cmd += [
        "-M",
        "-z",
        "--numstat",
        "--no-color",
        "--no-ext-diff",
        "--no-relative",
        "--use-mailmap",
    ]
    main_cmd += [f"--format={_MAIN_FORMAT}", info.tip, "--"]
    topo = _Background(topo_cmd, info.tip)
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
        subject, body = _split_message(message)
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
                fields[2].decode("utf-8", "replace"),
                fields[3].decode("utf-8", "replace"),
                fields[4].decode(),
                committed,
                style,
                number,
                title,
            )
        )
        return candidates[-1].counts

    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(main_cmd, stdout=subprocess.PIPE, stderr=errors) as proc,
    ):
        try:
            assert proc.stdout is not None
            _widen_pipe(proc.stdout)
            for _ in parse_numstat(proc.stdout, excludes, wanted):
                pass
        except BaseException:
            proc.kill()
            topo.cancel()
            raise
        code = proc.wait()
        errors.seek(0)
        stderr = errors.read()
    if code != 0:
        topo.cancel()
        lines = stderr.decode("utf-8", "replace").strip().splitlines()
        raise CollectError(f"{info.path}: git log failed: {lines[-1] if lines else f'exit status {code}'}")
    progress.advance(scanned % 1024)
    result.commits_scanned += scanned
    result.pr_merges += len(candidates)
    branches: Branches = {}
    if any(len(c.parents) > 1 for c in candidates):
        branches = topo.result(info.path)
    else:
        topo.cancel()
    seen: set[int] = set()
    for cand in reversed(candidates):  # oldest first: a PR merged twice keeps its first merge
        author, email, created, commits = _attribute(cand, branches)
        if not identities.matches(author, email):
            result.other_authors[f"{author} <{email}>"] += 1
            continue
        if cand.number in seen:
            result.duplicates += 1
            continue
        seen.add(cand.number)
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
                url=_pr_url(info.host, info.name, cand.style, cand.number),
                created_at=created,
                source="git",
                host=info.host,
                author=email or author,
                merge_method="merge" if len(cand.parents) > 1 else "squash",
                merge_commit=cand.sha,
                binary_files=c.binary,
                excluded_lines=c.excluded_lines,
                note=note,
            )
        )


def _widen_pipe(stream: IO[bytes]) -> None:
    """Let git write up to 1 MiB ahead (Linux), so it never waits while Python holds the GIL elsewhere."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError, ValueError):
        pass  # other systems, or a lower limit: the default pipe works, a little slower


def _attribute(cand: _Candidate, branches: Branches) -> tuple[str, str, str | None, int | None]:
    """(author name, email, created_at, commits) of a candidate PR."""
    if len(cand.parents) < 2:
        return cand.author, cand.email, None, None
    commits = branches.get(cand.sha.encode(), [])
    if cand.style == "azure" or not commits:
        return cand.author, cand.email, None, len(commits) or None
    first = min(commits, key=lambda c: dt.datetime.fromisoformat(c[2].decode()))
    created = iso(dt.datetime.fromisoformat(first[2].decode()))
    return first[0].decode("utf-8", "replace"), first[1].decode("utf-8", "replace"), created, len(commits)


Branches = dict[bytes, list[tuple[bytes, bytes, bytes]]]
"""Merge commit (sha) → (name, email, author date) of each commit its branch brought in."""


def branch_commits(history: bytes, tip: bytes) -> Branches:
    """For each merge on the first-parent line from ``tip``: the commits its branch brought in.

    ``history`` is ``git log -z --format=%H%x1f%P%x1f%aN%x1f%aE%x1f%aI`` output. The main line is walked
    oldest first; ``seen`` holds every ancestor of the current main-line commit, so the commits
    reachable from a merge's other parents and not yet seen are exactly ``M^1..M``.
    """
    topology: dict[bytes, list[bytes]] = {}
    for record in history.split(b"\0"):
        parts = record.strip(b"\n").split(_SEP)
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


class _Background:
    """The whole-history ``git log``, read and walked in a thread while the main parse runs."""

    def __init__(self, cmd: list[str], tip: str) -> None:
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.tip = tip.encode()
        self.err = b""
        self.branches: Branches = {}
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, daemon=True)
        self.thread.start()

    def _work(self) -> None:
        try:
            with self.proc:
                out, self.err = self.proc.communicate()
            if self.proc.returncode == 0:
                self.branches = branch_commits(out, self.tip)
        except BaseException as exc:  # pragma: no cover - reported by result()
            self.error = exc

    def cancel(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.thread.join()

    def result(self, repo: Path) -> Branches:
        self.thread.join()
        if self.error is not None:  # pragma: no cover
            raise self.error
        if self.proc.returncode != 0:
            lines = self.err.decode("utf-8", "replace").strip().splitlines()
            raise CollectError(f"{repo}: git log failed: {lines[-1] if lines else self.proc.returncode}")
        return self.branches


# -------------------------------------------------------------------------------------------------
# Counts of given commits (for API collectors with --repo-path)


def commit_counts(
    repo: str | Path, shas: Iterable[str], excludes: Iterable[str] = DEFAULT_EXCLUDES
) -> dict[str, Counts]:
    """Line counts of commits of a local clone: a merge against its first parent, else its own diff.

    Commits the clone lacks are left out of the result.
    """
    repo = Path(repo)
    wanted = sorted({s for s in shas if s and re.fullmatch(r"[0-9a-fA-F]{7,64}", s)})
    if not wanted:
        return {}
    info = inspect_repo(repo, "HEAD")
    check = subprocess.run(
        [_git(), "-C", str(info.path), "cat-file", "--batch-check=%(objectname) %(objecttype)"],
        input="\n".join(wanted).encode() + b"\n",
        capture_output=True,
        check=False,
    )
    present = [
        line.split()[0]
        for line in check.stdout.decode().splitlines()
        if line.endswith(" commit") and not line.endswith("missing")
    ]
    if not present:
        return {}
    cmd = [
        _git(),
        "-C",
        str(info.path),
        *_config_args(None),
        "log",
        "--no-walk=unsorted",
        "--stdin",
    ]
    cmd += ["--diff-merges=first-parent", "-M", "-z", "--numstat", "--no-color", "--no-ext-diff"]
    cmd += [f"--format={_MAIN_FORMAT}"]
    out: dict[str, Counts] = {}
    matcher = Excludes(excludes)
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors) as proc,
    ):
        assert proc.stdin is not None and proc.stdout is not None
        feeder = threading.Thread(target=_feed, args=(proc.stdin, present), daemon=True)
        feeder.start()
        for fields, counts in parse_numstat(proc.stdout, matcher, lambda _f: Counts()):
            if counts is not None:
                out[fields[0].decode()] = counts
        feeder.join()
        proc.wait()
        errors.seek(0)
        stderr = errors.read()
    if proc.returncode != 0:
        lines = stderr.decode("utf-8", "replace").strip().splitlines()
        raise CollectError(f"{info.path}: git log failed: {lines[-1] if lines else proc.returncode}")
    found: dict[str, Counts] = {}
    for sha in wanted:
        if sha.lower() in out:
            found[sha] = out[sha.lower()]
        else:
            full = next((f for f in out if f.startswith(sha.lower())), None)
            if full is not None:
                found[sha] = out[full]
    return found


def _feed(stdin: IO[bytes], shas: list[str]) -> None:
    try:
        stdin.write(("\n".join(shas) + "\n").encode())
    finally:
        stdin.close()


def fill_from_clones(
    rows: Sequence[Row],
    clones: Sequence[str | Path],
    excludes: Iterable[str] = DEFAULT_EXCLUDES,
    *,
    service: str,
) -> None:
    """Line counts of API rows (without any) from the merge commits in local clones (``--repo-path``).

    A row whose ``merge_commit`` is in none of the clones keeps null counts and gets a note.
    """
    shas = [r["merge_commit"] for r in rows if r.get("merge_commit")]
    counts: dict[str, Counts] = {}
    for clone in clones:
        counts.update(commit_counts(clone, [s for s in shas if s not in counts], excludes))
    for row in rows:
        found = counts.get(row.get("merge_commit") or "")
        if found is None:
            if clones:
                row["note"] = "line counts unknown: the merge commit is not in the --repo-path clones"
            else:
                row["note"] = f"line counts unknown: {service}'s API gives none; pass --repo-path with a clone"
            continue
        row.update(
            additions=found.additions,
            deletions=found.deletions,
            lines_changed=found.additions + found.deletions,
            changed_files=found.files,
            binary_files=found.binary,
            excluded_lines=found.excluded_lines,
        )
