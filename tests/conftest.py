"""Shared fixtures: paths to the repo, the project's own input fixtures (tests/fixtures/), the ``--update``
flag and small dataset writers."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
"""Input files in the shapes users bring, good, bad and hostile; tests/fixtures/README.md lists them."""

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# Under `make test` (the README's command, and CI's) make hands its level and flags to everything it
# starts; a `make` the tests run would then print "Entering directory" lines and take the outer flags.
for _name in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """The folder of input fixtures, tests/fixtures/ (read them; copy one before changing it)."""
    return FIXTURES


UPDATE_HINT = "`make update` (pytest --update) rewrites it; review the diff before committing"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update",
        action="store_true",
        default=False,
        help="rewrite the tracked files that tests compare with (chart snapshots in tests/snapshots/, post "
        "goldens in tests/posts/expected/, the README picture docs/assets/screenshot-chart-post.png) "
        "instead of failing when they differ",
    )


@pytest.fixture(scope="session")
def update(pytestconfig: pytest.Config) -> bool:
    """True under ``pytest --update`` (``make update``), the one flag under which a test writes a tracked file."""
    return bool(pytestconfig.getoption("--update"))


def check_tracked(path: Path, actual: str, update: bool) -> None:
    """``actual`` is the text of the tracked file ``path``. With ``update``, ``path`` is rewritten first when it
    differs (an unchanged file keeps its bytes and mtime); without, a missing or different file fails the test
    with a diff and the command that refreshes it, and ``path`` is left as it is."""
    if update and (not path.is_file() or path.read_text(encoding="utf-8") != actual):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    name = str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)
    if not path.is_file():
        pytest.fail(f"{name} is missing; {UPDATE_HINT}", pytrace=False)
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True), name, "this run", n=2
        )
        pytest.fail(f"{name} differs from this run; {UPDATE_HINT}\n{''.join(diff)[:6000]}", pytrace=False)


SITE_SOURCES = ("mkdocs.yml", "docs", "data", "overrides", "charts.py")
"""What the example site is built from, relative to the repo."""


def copy_site_sources(target: Path) -> Path:
    """Copy the git-tracked files the example site is built from into ``target``; return ``target``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", *SITE_SOURCES], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # (a tracked file may be deleted in the working tree)
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def build_strict(root: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of the site in ``root``, output captured. Never ``--quiet``: in MkDocs 1.6
    that hides the warnings, and with them the abort that ``--strict`` makes of any warning."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
    )


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    """The build succeeded and logged no warning."""
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "WARNING" not in output, output[-3000:]


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site (this repository's mkdocs.yml), built once with ``mkdocs build --strict``."""
    out = tmp_path_factory.mktemp("example-site")
    assert_clean(build_strict(REPO, out))
    return out


@pytest.fixture(scope="session")
def example_figures() -> dict:
    """``retroblog stats example --json`` of the example site, run as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "retroblog", "stats", "example", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write a file under tmp_path and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
