"""Shared fixtures: paths to the repo, the project's own input fixtures (tests/fixtures/) and small dataset
writers."""

from __future__ import annotations

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
