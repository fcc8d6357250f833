"""The suite runs from a clone with nothing beside it, and changes tracked files only under ``--update``.

Its inputs are its own (tests/fixtures/, listed in tests/fixtures/README.md); no test names the samples folder
that once sat beside the checkout; the one helper that writes tracked files (``check_tracked``) writes only
when asked to, and otherwise fails with the command that refreshes them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, check_tracked

TESTS = Path(__file__).resolve().parent
OUTSIDE = re.compile(r"\.\./shared|[\"']shared[\"']")
"""A path into the folder beside the checkout: ``../shared/...``, or ``"shared"`` as a path part."""


def _files(root: Path) -> list[Path]:
    skipped = {"__pycache__", "_artifacts"}
    return sorted(p for p in root.rglob("*") if p.is_file() and not skipped & set(p.relative_to(root).parts))


def test_no_test_reads_the_folder_beside_the_checkout() -> None:
    found = [
        f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
        for path in _files(TESTS)
        if path != Path(__file__).resolve()  # (this file holds the pattern and its examples)
        for number, line in enumerate(path.read_bytes().decode("utf-8", "replace").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert found == [], "tests must read only tests/fixtures/ and the checkout:\n" + "\n".join(found)


def test_the_outside_pattern_finds_what_it_is_for() -> None:
    assert OUTSIDE.search('SAMPLES = REPO.parent / "shared" / "samples"')
    assert OUTSIDE.search("cp ../shared/samples/bad/utf16.csv .")
    assert not OUTSIDE.search("shared = (Path(sys.prefix), REPO)")  # a name, not a path
    assert not OUTSIDE.search('"""Shared fixtures: paths to the repo"""')


def test_every_fixture_is_listed_in_its_readme_and_every_listed_one_exists() -> None:
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    files = {str(p.relative_to(FIXTURES)) for p in _files(FIXTURES)} - {"README.md"}
    listed = set(re.findall(r"^\| `([^`]+)` \|", readme, flags=re.MULTILINE))
    assert files, FIXTURES
    assert sorted(files - listed) == [], "fixtures missing from tests/fixtures/README.md"
    assert sorted(listed - files) == [], "tests/fixtures/README.md lists files that do not exist"


def test_a_tracked_file_is_written_only_under_update(tmp_path: Path) -> None:
    golden = tmp_path / "golden.txt"
    with pytest.raises(pytest.fail.Exception, match=r"golden\.txt is missing; `make update` \(pytest --update\)"):
        check_tracked(golden, "new\n", update=False)
    assert not golden.exists()
    golden.write_text("old\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception) as failed:
        check_tracked(golden, "new\n", update=False)
    assert "golden.txt differs from this run; `make update` (pytest --update) rewrites it" in str(failed.value)
    assert "\n-old\n+new\n" in str(failed.value)
    assert golden.read_text(encoding="utf-8") == "old\n"
    check_tracked(golden, "new\n", update=True)
    assert golden.read_text(encoding="utf-8") == "new\n"
    os.utime(golden, ns=(1_000_000_000, 1_000_000_000))
    check_tracked(golden, "new\n", update=True)  # the same text: the file is not touched
    assert golden.stat().st_mtime_ns == 1_000_000_000
    check_tracked(golden, "new\n", update=False)  # and a match passes without the flag
