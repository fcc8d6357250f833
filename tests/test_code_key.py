"""The finished-block cache is keyed by retroblog's own code: a changed byte of the package misses.

A fragment cached by one version of the code must never be served by another: after an upgrade, a local
edit, or a CI cache restored from an older run. These tests run a copy of the installed package in fresh
processes, edit the copy, and watch the same cache folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from retroblog.build import cache

CSV = "merged_at,additions,deletions,comments,repo\n" + "".join(
    f"2021-{m:02d}-0{d}T10:00:00Z,{m * 10 + d},{d},{d % 3},{'ab'[d % 2]}\n" for m in range(1, 7) for d in range(1, 4)
)
PAGE = "# Numbers\n\nI merged :stat[total_prs] PRs.\n\n```chart\ntype: prs-per-year\n```\n"
FIGURE = '<figure class="retroblog-chart"'
EDITED = '<figure data-edited class="retroblog-chart"'


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the installed package under ``tmp_path/pkg``, and a site with one page in ``tmp_path/site``."""
    shutil.copytree(cache.PACKAGE, tmp_path / "pkg" / "retroblog", ignore=shutil.ignore_patterns("__pycache__"))
    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)
    (site / "data" / "work.csv").write_text(CSV)
    (site / "page.md").write_text(PAGE)
    return tmp_path


def _convert(root: Path) -> dict[str, object]:
    """Convert the page with the copy's Markdown extension in a fresh process, with one cache folder."""
    site, cache_dir = root / "site", root / "cache"
    script = f"""
import json, sys, markdown
import retroblog
from retroblog.markdown import RetroblogExtension
ext = RetroblogExtension(root={str(site)!r}, cache_dir={str(cache_dir)!r})
out = markdown.markdown(open({str(site / "page.md")!r}).read(), extensions=[ext])
computed = sorted(m for m in ("polars", "altair", "vl_convert") if m in sys.modules)
print(json.dumps({{"html": out, "computed": computed, "package": retroblog.__file__}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root / "pkg",  # the copy comes first on sys.path
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    assert result["package"] == str(root / "pkg" / "retroblog" / "__init__.py")
    return result


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_changed_byte_of_the_rendering_code_misses_the_cache_and_its_output_is_used(copy):
    cold = _convert(copy)
    assert cold["computed"] and FIGURE in str(cold["html"])
    warm = _convert(copy)
    assert warm["computed"] == [] and warm["html"] == cold["html"]  # the copy's cache works
    html_module = copy / "pkg" / "retroblog" / "render" / "html.py"
    _edit(html_module, FIGURE, EDITED)
    edited = _convert(copy)
    assert edited["computed"], "a block was served from the cache after retroblog's code changed"
    assert EDITED in str(edited["html"])
    # Restored code: the fragment the edited code made is not served under the valid key.
    _edit(html_module, EDITED, FIGURE)
    restored = _convert(copy)
    assert "data-edited" not in str(restored["html"]) and restored["html"] == cold["html"]


def test_any_file_of_the_package_is_part_of_the_key(copy):
    """Not only the rendering modules: a template, an asset or a helper can shape a block's HTML too."""
    _convert(copy)
    assert _convert(copy)["computed"] == []
    with (copy / "pkg" / "retroblog" / "util" / "words.py").open("a", encoding="utf-8") as handle:
        handle.write("#\n")
    assert _convert(copy)["computed"]
    (copy / "pkg" / "retroblog" / "render" / "assets" / "retroblog.css").write_bytes(b"/* new */")
    assert _convert(copy)["computed"]


def test_the_digest_reads_every_file_and_leaves_out_compiled_caches(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub" / "__pycache__").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    (package / "sub" / "b.html").write_text("<p>")
    before = cache.tree_digest(package)
    (package / "sub" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    (package / "stale.pyc").write_bytes(b"\0")
    assert cache.tree_digest(package) == before
    (package / "sub" / "b.html").write_text("<p >")
    assert cache.tree_digest(package) != before
    (package / "sub" / "b.html").write_text("<p>")
    (package / "sub" / "b.html").rename(package / "sub" / "c.html")  # same bytes, another name
    assert cache.tree_digest(package) != before


def test_the_code_digest_names_the_libraries_that_draw():
    digest = cache.code_digest()
    assert digest.startswith("retroblog=") and all(f"{name}=" in digest for name in cache.DEPENDENCIES)
    assert digest.split()[0] == f"retroblog={cache.tree_digest(cache.PACKAGE)}"
