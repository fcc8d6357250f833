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
from typing import Any

import pytest

from tests.sitebuild import SiteBuild
from tests.sitebuild import build_site as build_site_in_process

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


@pytest.fixture
def build_site(tmp_path: Path) -> Callable[..., SiteBuild]:
    """``build_site(config, site_dir=None, strict=True, env=None)``: tests/sitebuild.py's in-process build,
    with the caches under this test's ``tmp_path``: beside mkdocs.yml (``.cache/``, as a user's site
    has them) when the site is in ``tmp_path``, else in ``tmp_path/.cache``."""

    def build(config: Path, **options: Any) -> SiteBuild:
        root = config if config.is_dir() else config.parent
        inside = root.resolve().is_relative_to(tmp_path.resolve())
        options.setdefault("cache_dir", root / ".cache" if inside else tmp_path / ".cache")
        return build_site_in_process(config, **options)

    return build


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """The example site (this repository's mkdocs.yml, in place), built once with ``--strict`` and no
    warning, its site and caches in temporary folders."""
    out, cache = tmp_path_factory.mktemp("example-site"), tmp_path_factory.mktemp("example-cache")
    return build_site_in_process(REPO, site_dir=out, cache_dir=cache).assert_clean()


@pytest.fixture(scope="session")
def example_site(example_build: SiteBuild) -> Path:
    """The built example site's folder (see ``example_build``)."""
    return example_build.site_dir


def zensical_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``zensical build --strict`` in ``root`` (offline where the system allows it), as a user runs it."""
    unshare = shutil.which("unshare")
    offline = [unshare, "-rn"] if unshare and subprocess.run([unshare, "-rn", "true"]).returncode == 0 else []
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    return subprocess.run(
        [*offline, sys.executable, "-m", "zensical", "build", "--strict", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,  # a hang guard
        env=env,
    )


@pytest.fixture(scope="session")
def zensical_example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site built by Zensical from a copy of its sources, as a fresh clone would: the chart
    assets written by ``retroblog assets`` first (``retroblog.build.assets``), then ``zensical build``."""
    from retroblog.build.assets import ASSETS, write_assets

    root = copy_site_sources(tmp_path_factory.mktemp("zensical-project"))
    assert not (root / "docs" / ASSETS).exists()  # not tracked: a fresh clone has none until the command runs
    write_assets(root / "docs", tmp_path_factory.mktemp("zensical-vega-cache"))
    result = zensical_build(root)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return root / "site"


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
