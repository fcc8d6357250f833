"""Shared helpers of the post tests: run ``retroblog import`` in a folder, compare golden files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from retroblog.cli import main
from tests.conftest import check_tracked

EXPECTED = Path(__file__).parent / "expected"


def run_import(cwd: Path, *args: str) -> Result:
    """``retroblog import ARGS`` with ``cwd`` as the current folder."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, ["import", *args], catch_exceptions=False)
    finally:
        os.chdir(old)


def copy_fixture(fixtures: Path, relative: str, dest: Path) -> Path:
    """Copy ``fixtures/relative`` (a file or folder) to ``dest/src/relative``."""
    source = fixtures / relative
    target = dest / "src" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copy(source, target)
    return target


def assert_golden(name: str, actual: str, update: bool) -> None:
    """``actual`` equals ``expected/name`` byte for byte; ``update`` (``pytest --update``) rewrites it instead."""
    check_tracked(EXPECTED / name, actual, update)
