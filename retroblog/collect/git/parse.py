"""Reading what git writes: merge subjects, remote URLs, ``--numstat`` streams; no git is run here.

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
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

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

LANGUAGES: dict[str, str] = {
    **dict.fromkeys((".py", ".pyi", ".pyx"), "Python"),
    **dict.fromkeys((".js", ".mjs", ".cjs", ".jsx"), "JavaScript"),
    **dict.fromkeys((".ts", ".tsx", ".mts", ".cts"), "TypeScript"),
    ".go": "Go",
    ".rs": "Rust",
    ".java": "Java",
    **dict.fromkeys((".kt", ".kts"), "Kotlin"),
    ".scala": "Scala",
    ".rb": "Ruby",
    ".php": "PHP",
    **dict.fromkeys((".c", ".h"), "C"),
    **dict.fromkeys((".cc", ".cpp", ".cxx", ".hh", ".hpp", ".hxx"), "C++"),
    ".cs": "C#",
    ".fs": "F#",
    ".swift": "Swift",
    **dict.fromkeys((".m", ".mm"), "Objective-C"),
    ".dart": "Dart",
    **dict.fromkeys((".ex", ".exs"), "Elixir"),
    ".erl": "Erlang",
    ".hs": "Haskell",
    ".clj": "Clojure",
    ".lua": "Lua",
    ".r": "R",
    ".pl": "Perl",
    **dict.fromkeys((".sh", ".bash", ".zsh"), "Shell"),
    ".ps1": "PowerShell",
    ".sql": "SQL",
    **dict.fromkeys((".html", ".htm"), "HTML"),
    **dict.fromkeys((".css", ".scss", ".sass", ".less"), "CSS"),
    ".vue": "Vue",
    ".svelte": "Svelte",
    **dict.fromkeys((".md", ".markdown"), "Markdown"),
    ".rst": "reStructuredText",
    ".txt": "Text",
    ".json": "JSON",
    **dict.fromkeys((".yaml", ".yml"), "YAML"),
    ".toml": "TOML",
    ".xml": "XML",
    **dict.fromkeys((".tf", ".hcl"), "HCL"),
    ".proto": "Protocol Buffers",
    ".ipynb": "Jupyter Notebook",
    "Dockerfile": "Dockerfile",
    "Makefile": "Makefile",
}
"""The language of a file: by its extension (compared without case: ``.PY`` is Python), or by its whole
name (``Dockerfile``, ``Makefile``, also ``Dockerfile.dev``). Any other file is ``Other``."""
OTHER_LANGUAGE = "Other"


def language_of(path: bytes) -> str:
    """The language ``LANGUAGES`` gives a file's path (``src/app.py`` -> ``Python``), else ``Other``."""
    name = path.decode("utf-8", "surrogateescape").rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    if name in LANGUAGES:
        return LANGUAGES[name]
    if dot and stem in ("Dockerfile", "Makefile"):
        return LANGUAGES[stem]
    if dot and stem:  # a dotfile such as .bashrc has no extension
        return LANGUAGES.get(f".{extension.casefold()}", OTHER_LANGUAGE)
    return OTHER_LANGUAGE


SEP = b"\x1f"
MAIN_FORMAT = "%x1e%H%x1f%P%x1f%aN%x1f%aE%x1f%aI%x1f%cI%x1f%B%x1f"
"""``git log --format`` of the main-line call: sha, parents, author, email, dates, message (``parse_numstat``)."""
TOPO_FORMAT = "%H%x1f%P%x1f%aN%x1f%aE%x1f%aI"
"""``git log --format`` of the whole-history call: sha, parents, author, email, author date."""

_AZURE = re.compile(r"^Merged PR (\d+): (.*\S)\s*$")
_MERGE_PR = re.compile(r"^Merge pull request #?(\d+) (?:from|in) \S")
_BITBUCKET = re.compile(r"^Merged in \S+ \(pull request #(\d+)\)")
_GITLAB = re.compile(r"^See merge request (\S*)!(\d+)\s*$", re.MULTILINE)
_SQUASH = re.compile(r"^(.*\S) \(#(\d+)\)\s*$")
_TRAILER = re.compile(r"^(See merge request |[A-Za-z-]+-by: |Approved-by: )")


# -------------------------------------------------------------------------------------------------
# Files whose lines are not counted


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
    languages: dict[str, list[int]] = field(default_factory=dict)
    """Lines ``[inserted, deleted]`` of the counted files per language (``language_of``)."""


# -------------------------------------------------------------------------------------------------
# Merge commits and remotes


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


_BRANCH_OWNER = re.compile(r"^Merge pull request #?\d+ from ([A-Za-z0-9][A-Za-z0-9-]*)/\S")


def branch_owner(subject: str) -> str | None:
    """The GitHub login whose branch a merge commit merged (``Merge pull request #12 from LOGIN/topic``)."""
    match = _BRANCH_OWNER.match(subject)
    return match[1] if match else None


def git_text(raw: bytes) -> str:
    """A name or email of git's output as text; bytes that are not UTF-8 (a commit written by a tool that
    checked nothing) are kept as surrogates, so the same bytes given to ``--author`` match them."""
    return raw.decode("utf-8", "surrogateescape")


def shown(value: str) -> str:
    """``value`` as text that can be written and printed: bytes that are not UTF-8 as ``\\xNN``."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def is_login(name: str, email: str, login: str) -> bool:
    """Whether a commit's author is recognisably the GitHub user ``login``: GitHub's no-reply address
    (``LOGIN@`` or ``ID+LOGIN@users.noreply.github.com``), or a name or email user part equal to it."""
    login = login.casefold()
    email = email.casefold()
    user = email.split("@", 1)[0]
    if email.endswith("@users.noreply.github.com") and user.split("+", 1)[-1] == login:
        return True
    return name.strip().casefold() == login or user == login


def _body_title(body: str) -> str | None:
    for line in body.splitlines():
        line = line.strip()
        if line and not _TRAILER.match(line):
            return line
    return None


def split_message(message: str) -> tuple[str, str]:
    """(subject, body) of a commit message."""
    subject, _, body = message.strip("\n").partition("\n")
    return subject.strip(), body


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


def pr_url(host: str | None, repo: str, style: str, number: int) -> str | None:
    """The web page of PR ``number`` on the hosts whose URLs are known, else None."""
    if host == "github.com" and style in ("github", "squash"):
        return f"https://github.com/{repo}/pull/{number}"
    if host == "gitlab.com" and style == "gitlab":
        return f"https://gitlab.com/{repo}/-/merge_requests/{number}"
    if host == "bitbucket.org" and style == "bitbucket":
        return f"https://bitbucket.org/{repo}/pull-requests/{number}"
    return None


# -------------------------------------------------------------------------------------------------
# --numstat streams


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
                fields = token[1:].split(SEP, 6)
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
    if lines[0] or lines[1]:
        language = counts.languages.setdefault(language_of(path), [0, 0])
        language[0] += lines[0]
        language[1] += lines[1]
