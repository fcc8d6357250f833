"""tests/sitebuild.py, the in-process build every site test uses: it counts warnings as ``mkdocs build``
does, and one build leaves nothing behind for the next (plugins, environment, logger, modules, caches)."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import pytest

from tests.sitebuild import REPO

CONFIG = (
    "site_name: t\nsite_url: http://127.0.0.1/\ntheme: {name: mkdocs}\n"
    "plugins: [retroblog]\nhooks: [hook.py]\nvalidation: {links: {not_found: warn}}\n"
)
HOOK = """
import json, os
from pathlib import Path
from mkdocs.plugins import event_priority

@event_priority(100)  # before the retroblog plugin's own on_config
def on_config(config):
    plugin = config.plugins["retroblog"]
    seen = {name: os.environ.get(name) for name in ("SOURCE_DATE_EPOCH", "NO_MKDOCS_2_WARNING", "SITE_URL")}
    seen |= {"cwd": os.getcwd(), "site_url": config.site_url, "fresh": plugin.blocks is None}
    with Path(__file__).with_name("seen.jsonl").open("a") as out:
        out.write(json.dumps(seen) + "\\n")
"""


def _site(root: Path, index: str = "# Home\n\nI merged :stat[total_prs] PRs.\n") -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "data" / "work.csv").write_text("merged_at,additions,deletions\n2021-03-01T10:00:00Z,5,1\n")
    (root / "docs" / "index.md").write_text(index)
    (root / "mkdocs.yml").write_text(CONFIG)
    (root / "hook.py").write_text(HOOK)
    return root


@pytest.mark.slow
def test_each_build_has_its_own_plugins_and_the_test_environment(tmp_path, build_site, monkeypatch):
    site = _site(tmp_path / "src")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "5")
    monkeypatch.setenv("SITE_URL", "http://elsewhere.example/")
    logger = logging.getLogger("mkdocs")
    before = (logger.level, list(logger.handlers), Path.cwd())
    first, second = build_site(site).assert_clean(), build_site(site).assert_clean()
    assert '<span class="retroblog-stat">1</span>' in (site / "site" / "index.html").read_text()
    # The same site twice: new plugin objects (the retroblog plugin would reuse its blocks and caches).
    assert first.plugins["retroblog"] is not second.plugins["retroblog"]
    seen = [json.loads(line) for line in (site / "seen.jsonl").read_text().splitlines()]
    during = {
        "SOURCE_DATE_EPOCH": "1700000000",
        "NO_MKDOCS_2_WARNING": "1",
        "SITE_URL": None,
        "cwd": str(site),
        "site_url": "http://127.0.0.1/",
        "fresh": True,
    }
    assert seen == [during, during]
    # Afterwards: the environment, the working directory, the logger and sys.modules as they were.
    assert os.environ["SOURCE_DATE_EPOCH"] == "5" and os.environ["SITE_URL"] == "http://elsewhere.example/"
    assert (logger.level, list(logger.handlers), Path.cwd()) == before
    loaded = [m.__file__ for m in list(sys.modules.values()) if str(getattr(m, "__file__", None)).startswith(str(site))]
    assert loaded == []
    # Its caches are the site's, in tmp_path (the test's), none in the checkout.
    assert first.caches == {"retroblog": site.resolve() / ".cache" / "retroblog"}
    assert list((site / ".cache" / "retroblog").glob("vega-*.js"))


@pytest.mark.slow
def test_a_warning_fails_a_strict_build_as_mkdocs_build_does(tmp_path, build_site):
    site = _site(tmp_path, "# Home\n\nSee [a page](nowhere.md).\n")
    strict = build_site(site)
    assert strict.returncode == 1 and strict.abort == "Aborted with 1 warnings in strict mode!"
    assert strict.messages() == [
        "Doc file 'index.md' contains a link 'nowhere.md', but the target is not found among documentation files."
    ]
    assert "WARNING -  Doc file 'index.md' contains a link 'nowhere.md'" in strict.stderr
    assert "Aborted with 1 warnings in strict mode!" in strict.stdout
    lenient = build_site(site, strict=False)
    assert lenient.returncode == 0 and lenient.abort is None and lenient.messages() == strict.messages()
    assert (site / "site" / "index.html").is_file()


def test_a_build_in_the_checkout_is_refused(tmp_path):
    from tests.sitebuild import build_site

    with pytest.raises(AssertionError, match="site_dir is in the checkout"):
        build_site(REPO, site_dir=REPO / "site", cache_dir=tmp_path)
    with pytest.raises(AssertionError, match="cache_dir is in the checkout"):
        build_site(REPO, site_dir=tmp_path / "out")
