"""``retroblog new``: the files of a new site, and writing them without harming what is already there.

The templates live in ``retroblog/site/templates/new/`` (package data). A few files are made here: the
authors file and ``local.mk`` from the options, ``data/prs.csv`` from the seeded generator
(``retroblog.data.sample``), and ``requirements.txt`` from the installed versions. User text (the title,
the author) reaches YAML only through ``yaml.safe_dump`` and Markdown only escaped, so no quote, bracket
or tag in it can change a file's structure or become markup.
"""

from __future__ import annotations

import dataclasses
import html
import importlib.metadata
import json
import re
import sys
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import urlsplit
from urllib.request import url2pathname

import yaml

from retroblog import __version__
from retroblog.data import sample
from retroblog.errors import ScaffoldError
from retroblog.site import publish
from retroblog.util.files import atomic_write

DEFAULT_TITLE = "My retrospective"
DEFAULT_AUTHOR = "Your Name"
AUTHOR_ID = "me"
"""The author's key in ``docs/blog/.authors.yml``, named by the first post's ``authors``."""

POST = "docs/blog/posts/two-years-in-pull-requests.md"
DATASET = "data/prs.csv"
SEED = 20250106

_PLACEHOLDER = re.compile(r"@@(yaml|md):(\w+)@@")
_DOT_PREFIX = "dot-"
"""Templates of dotfiles and dot-folders are stored as ``dot-NAME`` so that no packaging tool skips them."""

# Python-Markdown's backslash escapes: a backslash before any other character stays visible.
_MARKDOWN_ESCAPABLE = frozenset("\\`*_{}[]()>#+-.!")
# Make would read these in a path as syntax (or the shell would, in a recipe); such a path is not recorded.
_MAKE_UNSAFE = re.compile(r"[\s$#%\\:;=|&<>*?\[\]()'\"`~]")


Action = Literal["create", "replace", "unchanged"]


@dataclass(frozen=True, slots=True)
class SiteFile:
    """One file of the new site: its path relative to the site's folder, and its bytes."""

    path: PurePosixPath
    content: bytes


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """A file of the site and what writing it does to the folder."""

    file: SiteFile
    target: Path
    action: Action


@dataclass(frozen=True, slots=True)
class Plan:
    """What ``write`` will do: every file, checked before anything is written."""

    root: Path
    files: tuple[PlannedFile, ...]
    python_recorded: bool
    """Whether ``local.mk`` names the Python that ran retroblog (so ``make serve`` finds MkDocs)."""

    def count(self, action: Action) -> int:
        return sum(1 for f in self.files if f.action == action)


# -- Escaping ------------------------------------------------------------------------------------------


def one_line(text: str, what: str) -> str:
    """``text`` with runs of whitespace (newlines too) made one space; a ScaffoldError if nothing is left."""
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if not cleaned:
        raise ScaffoldError(f"{what}: must not be empty")
    return cleaned


def html_text(text: str) -> str:
    """``text`` safe in HTML text and double-quoted attributes.

    Material for MkDocs inserts ``site_name`` and an author's ``name`` into pages without escaping them,
    so these YAML values carry their HTML escapes.
    """
    return html.escape(text, quote=False).replace('"', "&quot;")


def markdown_text(text: str) -> str:
    """``text`` as Markdown that renders as exactly this text: no markup, no HTML, no retroblog syntax."""
    escaped = html.escape(text, quote=False)
    return "".join(f"\\{ch}" if ch in _MARKDOWN_ESCAPABLE else ch for ch in escaped)


def yaml_line(key: str, value: Any) -> str:
    """``key: value`` as one line of YAML, quoted as ``yaml.safe_dump`` decides."""
    return yaml.safe_dump({key: value}, allow_unicode=True, width=sys.maxsize, sort_keys=False).rstrip("\n")


class _ConfigLoader(yaml.SafeLoader):
    """Reads the scaffold's mkdocs.yml back: ``!ENV [NAME, default]`` gives the default."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.SequenceNode) and node.value:
        return loader.construct_object(node.value[-1])
    return None


_ConfigLoader.add_constructor("!ENV", _env_tag)


def read_config(text: str) -> dict[str, Any]:
    """A scaffolded ``mkdocs.yml`` as data (``!ENV`` values are their defaults)."""
    loaded = yaml.load(text, Loader=_ConfigLoader)  # a SafeLoader: no Python objects
    return loaded if isinstance(loaded, dict) else {}


# -- The files -----------------------------------------------------------------------------------------


def _templates() -> Traversable:
    return files(__package__).joinpath("templates", "new")


def _walk(folder: Traversable, prefix: PurePosixPath) -> list[tuple[PurePosixPath, bytes]]:
    found: list[tuple[PurePosixPath, bytes]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = "." + entry.name[len(_DOT_PREFIX) :] if entry.name.startswith(_DOT_PREFIX) else entry.name
        if entry.is_dir():
            found += _walk(entry, prefix / name)
        elif entry.is_file():
            found.append((prefix / name, entry.read_bytes()))
    return found


def _fill(text: str, path: PurePosixPath, values: Mapping[str, str]) -> str:
    """Replace ``@@yaml:key@@`` (a whole line ``key: value``) and ``@@md:key@@`` (escaped text) in one pass."""

    def replace(match: re.Match[str]) -> str:
        kind, key = match.groups()
        if key not in values:
            raise KeyError(f"{path}: unknown placeholder {match.group(0)}")
        if kind == "yaml":
            return yaml_line(key, html_text(values[key]))
        return markdown_text(values[key])

    return _PLACEHOLDER.sub(replace, text)


def render(
    *,
    title: str = DEFAULT_TITLE,
    author: str = DEFAULT_AUTHOR,
    python: str | None = None,
    requirement: Requirement | None = None,
) -> list[SiteFile]:
    """Every file of a new site, in path order. ``python`` is the interpreter that ``make`` should use;
    ``requirement`` is requirements.txt's line for retroblog (``retroblog_requirement()`` if not given)."""
    title = one_line(title, "--title")
    author = one_line(author, "--author")
    values = {"site_name": title, "title": title, "author": author, "site_description": f"{title}, by {author}"}
    out: dict[PurePosixPath, bytes] = {}
    for path, raw in _walk(_templates(), PurePosixPath()):
        if b"@@" in raw:
            raw = _fill(raw.decode("utf-8"), path, values).encode("utf-8")
        out[path] = raw
    config = read_config(out[PurePosixPath("mkdocs.yml")].decode("utf-8"))
    if config.get("site_name") != html_text(title):  # pragma: no cover - guards the template itself
        raise AssertionError("mkdocs.yml: site_name did not survive the round trip")
    out[PurePosixPath("docs/blog/.authors.yml")] = authors_file(author).encode("utf-8")
    out[PurePosixPath(DATASET)] = sample_dataset().encode("utf-8")
    out[PurePosixPath("requirements.txt")] = requirements(requirement).encode("utf-8")
    makefile_local = local_mk(python)
    if makefile_local is not None:
        out[PurePosixPath("local.mk")] = makefile_local.encode("utf-8")
    return [SiteFile(path, out[path]) for path in sorted(out, key=str)]


def authors_file(author: str) -> str:
    """``docs/blog/.authors.yml``: the one author of the first post."""
    data = {
        "authors": {
            AUTHOR_ID: {
                "name": html_text(author),
                "description": "Writes about the years behind the pull requests",
                "avatar": "blog/assets/avatar.svg",
            }
        }
    }
    body = yaml.safe_dump(data, allow_unicode=True, width=sys.maxsize, sort_keys=False)
    return "# The blog's authors; a post names them by key under `authors:` in its front matter.\n" + body


def local_mk(python: str | None) -> str | None:
    """``local.mk``: the Python that has retroblog, for the Makefile; None if ``python`` is unsafe in make."""
    if not python or _MAKE_UNSAFE.search(python):
        return None
    return (
        "# The Python that ran `retroblog new` (it has retroblog and MkDocs). Not committed: it names a\n"
        "# path on this machine. Without it (or with .venv/) the Makefile uses .venv/, made from requirements.txt.\n"
        f"RETROBLOG_PYTHON := {python}\n"
    )


PYPI_RELEASE = "https://pypi.org/pypi/retroblog/{version}/json"
"""PyPI's JSON API for one release: 200 if it exists, 404 if not."""


@dataclass(frozen=True, slots=True)
class Requirement:
    """requirements.txt's line for retroblog, and why another machine may not install it so, if it may not."""

    line: str
    problem: str | None = None
    """What stands in the way (``retroblog new`` prints it, requirements.txt keeps it above the line)."""
    fix: str | None = None
    """What to do about it."""

    @property
    def warning(self) -> str | None:
        return None if self.problem is None else " ".join(filter(None, (self.problem + ".", self.fix)))


def on_pypi(version: str) -> bool | None:
    """Whether PyPI has retroblog ``version``; None if PyPI cannot be asked (offline, an error).

    The one network request of ``retroblog new``, made only when asked for (``--check-pypi``)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(PYPI_RELEASE.format(version=version), timeout=5) as response:
            return bool(response.status == 200)
    except urllib.error.HTTPError as error:
        return False if error.code == 404 else None
    except (OSError, ValueError):
        return None


def _direct_url() -> dict[str, Any]:
    """PEP 610's direct_url.json of the installed retroblog: where it was installed from, if not an index."""
    try:
        text = importlib.metadata.distribution("retroblog").read_text("direct_url.json")
        origin = json.loads(text) if text else {}
    except (importlib.metadata.PackageNotFoundError, ValueError):
        origin = {}
    return origin if isinstance(origin, dict) else {}


def retroblog_requirement(*, check_pypi: bool = False) -> Requirement:
    """How a new site installs this retroblog on another machine (GitHub Actions, a fresh clone).

    Decided from what this machine knows, with no network request: a Git install (PEP 610's
    direct_url.json) gives ``retroblog @ git+URL@COMMIT``, a remote archive its URL; a local folder (an
    editable install of a checkout) gives its git remote's public address at the checkout's commit. An
    install from a package index (no direct_url.json) pins the version. Anything else (a checkout without
    a public remote, a local wheel) pins the version with a warning that another machine may not have it.

    With ``check_pypi``, a pinned version is looked up on PyPI (``on_pypi``, one request): it is written
    without a warning if PyPI has it, and with one saying so if PyPI does not or cannot be asked.
    """
    origin = _direct_url()
    url = str(origin.get("url", ""))
    vcs = origin.get("vcs_info")
    if url.startswith(("https://", "http://")) and isinstance(vcs, dict) and vcs.get("vcs") == "git":
        commit = vcs.get("commit_id")
        return Requirement(f"retroblog @ git+{url}@{commit}" if commit else f"retroblog @ git+{url}")
    if url.startswith(("https://", "http://")) and not vcs and "dir_info" not in origin:
        return Requirement(f"retroblog @ {url}")
    source = Path(url2pathname(urlsplit(url).path)) if url.startswith("file://") else None
    found = publish.checkout(source) if source is not None else None
    if found is not None:
        line = f"retroblog @ git+{found.url}@{found.commit}"
        problems = []
        if not found.pushed:
            problems.append(f"commit {found.commit[:12]} is on no branch of {found.url} yet")
        if found.dirty:
            problems.append(f"{source} has changes that commit {found.commit[:12]} does not have")
        if not problems:
            return Requirement(line)
        return Requirement(line, "; ".join(problems), "Push (and commit) them before GitHub Actions builds the site.")
    pin = f"retroblog=={__version__}"
    if source is None:
        where = "from a package index"
    elif source.is_dir():
        where = f"from {source}, which has no git remote with a public address"
    else:
        where = f"from the file {source}"
    fix = (
        f"Replace the line '{pin}' in requirements.txt with where retroblog can be installed from, such as "
        "'retroblog @ git+https://github.com/OWNER/retroblog@COMMIT' or the URL of a wheel."
    )
    if not check_pypi:
        if source is None:
            return Requirement(pin)  # it came from an index, where other machines can find it too
        return Requirement(
            pin,
            f"retroblog {__version__} was installed {where}, so another machine (GitHub Actions, a fresh clone)"
            " can install it only if a package index has this version",
            f"{fix} (retroblog new --check-pypi asks PyPI whether it has {__version__}.)",
        )
    available = on_pypi(__version__)
    if available:
        return Requirement(pin)
    return Requirement(
        pin,
        f"retroblog {__version__} {'is not on PyPI' if available is False else 'could not be looked up on PyPI'}"
        f" and was installed {where}, so another machine (GitHub Actions, a fresh clone) cannot install it",
        fix,
    )


def requirements(requirement: Requirement | None = None) -> str:
    """``requirements.txt``: retroblog (``retroblog_requirement()`` unless given) and its dependencies at
    the installed versions."""
    requirement = requirement or retroblog_requirement()
    lines = [
        "# What the site needs: retroblog (it brings MkDocs and Material for MkDocs), from where the one that",
        "# created the site came, and its dependencies at the versions installed then, so that GitHub Actions",
        "# and `make` on another machine build what you previewed.",
    ]
    if requirement.warning:
        note = f"NOTE: {requirement.warning}"
        lines += textwrap.wrap(note, 100, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False)
    lines.append(requirement.line)
    try:
        declared = importlib.metadata.requires("retroblog") or []
    except importlib.metadata.PackageNotFoundError:
        declared = []
    for name in declared:
        if ";" in name and "extra" in name.split(";", 1)[1]:
            continue
        name = re.split(r"[\s<>=!~;\[(]", name, maxsplit=1)[0]
        try:
            lines.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            lines.append(name)
    return "\n".join(lines) + "\n"


# -- The sample dataset --------------------------------------------------------------------------------

NEW_SITE = sample.Sample(
    seed=SEED,
    first_month=(2023, 1),
    # PRs merged per month, January 2023 to December 2024: a slow start, a busier second year.
    monthly=(1, 2, 3, 2, 2, 1, 2, 3, 3, 2, 3, 1, 2, 3, 3, 4, 3, 2, 2, 3, 4, 3, 3, 3),
    sizes={(1, 9): 18, (10, 99): 24, (100, 499): 13, (500, 999): 3, (1000, 2400): 2},
    repos={"acme/api": 3, "acme/web": 2, "acme/infra": 1},
    url="https://git.example.com/{repo}/pull/{number}",
    timezone="UTC",
    labels=("feature", "bug", "refactor", "docs", "tests"),
    max_labels=1,
    verbs=("Add", "Fix", "Refactor", "Remove", "Speed up", "Document", "Test", "Tidy"),
    things=(
        "login form",
        "invoice export",
        "retry policy",
        "search filters",
        "audit log",
        "CSV importer",
        "rate limiter",
        "dark mode",
        "deploy pipeline",
        "error pages",
        "billing webhooks",
        "feature flags",
    ),
)
"""``data/prs.csv``: an invented engineer's merged PRs over 2023 and 2024 (the years the first post names)."""


def sample_rows(seed: int = SEED) -> list[dict[str, str | int]]:
    """``NEW_SITE``'s rows; the same seed gives the same rows."""
    return sample.rows(dataclasses.replace(NEW_SITE, seed=seed))


def sample_dataset(seed: int = SEED) -> str:
    """``data/prs.csv``: ``sample_rows`` as CSV."""
    return sample.to_csv(sample_rows(seed))


# -- Writing -------------------------------------------------------------------------------------------


def plan(root: str | Path, site_files: list[SiteFile], *, force: bool = False) -> Plan:
    """Check that ``site_files`` can be written into ``root``; raise ``ScaffoldError`` naming the path if not.

    Without ``force``, ``root`` must be missing or empty. With it, the site's files replace files of the
    same names; nothing else in ``root`` is touched.
    """
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise ScaffoldError(f"{root}: exists and is not a folder")
    if root.is_dir() and not force and any(root.iterdir()):
        raise ScaffoldError(
            f"{root}: exists and is not empty; nothing written (--force writes the site's files into it, "
            "replacing files of the same names and keeping the others)"
        )
    planned: list[PlannedFile] = []
    for site_file in site_files:
        target = root.joinpath(*site_file.path.parts)
        for parent in list(reversed(target.parents))[len(root.parents) + 1 :]:
            if parent.exists() and not parent.is_dir():
                raise ScaffoldError(f"{parent}: is a file where the site needs a folder; nothing written")
        action: Action = "create"
        if target.is_dir():
            raise ScaffoldError(f"{target}: is a folder where the site needs a file; nothing written")
        if target.exists() or target.is_symlink():
            action = "unchanged" if _same(target, site_file.content) else "replace"
        planned.append(PlannedFile(site_file, target, action))
    return Plan(root, tuple(planned), any(f.path.name == "local.mk" for f in site_files))


def _same(path: Path, content: bytes) -> bool:
    try:
        return path.read_bytes() == content
    except OSError:
        return False


def write(site: Plan, on_write: Callable[[PlannedFile], None] | None = None) -> None:
    """Write the plan's files, each atomically (a temporary file, then a rename); skip unchanged ones."""
    for planned in site.files:
        if planned.action != "unchanged":
            atomic_write(planned.target, planned.file.content, overwrite=planned.action == "replace")
        if on_write is not None:
            on_write(planned)
