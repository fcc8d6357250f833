"""Publishing: the GitHub Pages address of a git remote (``retroblog pages-url``), and ``make deploy``, of
a new site and of this repository's example site, pushing to a local bare repository a site built for
that address (canonical links, sitemap, feeds), never for the local preview's 127.0.0.1:8000."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from retroblog.cli import main
from retroblog.errors import PublishError
from retroblog.site.publish import https_url, pages_url
from tests.conftest import REPO, copy_site_sources

LOCAL_PREVIEW = "127.0.0.1:8000"
needs_make_and_git = pytest.mark.skipif(not (shutil.which("make") and shutil.which("git")), reason="needs make, git")


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("https://github.com/Jane-Doe/retro-site.git", "https://jane-doe.github.io/retro-site/"),
        ("https://github.com/jane/retro-site", "https://jane.github.io/retro-site/"),
        ("git@github.com:jane/retro-site.git", "https://jane.github.io/retro-site/"),
        ("ssh://git@github.com/jane/retro-site.git", "https://jane.github.io/retro-site/"),
        ("https://x-access-token:abc@github.com/jane/retro-site.git/", "https://jane.github.io/retro-site/"),
        ("git@github.com:jane/jane.github.io.git", "https://jane.github.io/"),
    ],
)
def test_pages_url_of_a_github_remote(remote, expected):
    assert pages_url(remote) == expected


@pytest.mark.parametrize(
    "remote",
    ["/srv/git/site.git", "file:///srv/git/site.git", "https://gitlab.com/jane/site.git", "https://github.com/jane"],
)
def test_pages_url_of_another_remote_asks_for_site_url(remote):
    with pytest.raises(PublishError, match=r"is not a repository on github\.com.*set SITE_URL"):
        pages_url(remote)


def test_https_url_keeps_no_credentials_and_no_local_path():
    assert https_url("https://user:token@example.org/a/b.git") == "https://example.org/a/b.git"
    assert https_url("git@example.org:a/b.git") == "https://example.org/a/b.git"
    assert https_url("/home/me/b.git") is None and https_url("file:///home/me/b.git") is None
    assert https_url("C:/repos/b.git") is None  # a Windows path, not host C


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "MAKEFLAGS", "MFLAGS", "PYTHON")}
    env |= {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t"}
    # file: only, so that no git command here can reach github.com, whatever the remote's URL says.
    env |= {"GIT_COMMITTER_EMAIL": "t@example.com", "GIT_ALLOW_PROTOCOL": "file", "NO_MKDOCS_2_WARNING": "1"}
    return env | {"SOURCE_DATE_EPOCH": "1700000000"} | extra


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(folder), *args], env=_env(), capture_output=True, text=True, check=True)
    return done.stdout


def _repository(folder: Path, fetch_url: str, push_to: Path) -> None:
    """``folder`` as a git repository whose remote ``origin`` is ``fetch_url`` but pushes to ``push_to``."""
    git(folder.parent, "init", "-q", "--bare", str(push_to))
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "site")
    git(folder, "remote", "add", "origin", fetch_url)
    git(folder, "remote", "set-url", "--push", "origin", str(push_to))


@needs_make_and_git
def test_pages_url_command(tmp_path, monkeypatch):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "README").write_text("x\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.delenv("SITE_URL", raising=False)
    runner = CliRunner()
    missing = runner.invoke(main, ["pages-url"])
    assert missing.exit_code == 1 and missing.output.count("\n") == 1 and "Traceback" not in missing.output
    assert "no git remote named 'origin'" in missing.output
    _repository(folder, "git@github.com:jane/retro-site.git", tmp_path / "pages.git")
    assert runner.invoke(main, ["pages-url"]).output == "https://jane.github.io/retro-site/\n"
    git(folder, "remote", "add", "mirror", "https://gitlab.com/jane/retro-site.git")
    other = runner.invoke(main, ["pages-url", "mirror"])
    assert other.exit_code == 1 and "SITE_URL" in other.output
    assert runner.invoke(main, ["pages-url", "mirror"], env={"SITE_URL": "https://blog.example.org/"}).output == (
        "https://blog.example.org/\n"
    )
    (folder / "docs").mkdir()
    (folder / "docs" / "CNAME").write_text("retro.example.org\n", encoding="utf-8")
    assert runner.invoke(main, ["pages-url"]).output == "https://retro.example.org/\n"


def _published(bare: Path, name: str) -> str:
    return git(bare, "show", f"gh-pages:{name}")


def _assert_built_for(bare: Path, base: str, pages: list[str]) -> None:
    """The gh-pages branch holds a site whose every page names ``base`` as its address."""
    published = git(bare, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert "index.html" in published and ".nojekyll" in published and "sitemap.xml" in published
    for page in pages:
        text = _published(bare, page)
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', text)
        assert canonical and canonical.group(1).startswith(base), (page, canonical)
    locs = re.findall(r"<loc>([^<]+)</loc>", _published(bare, "sitemap.xml"))
    assert locs and all(loc.startswith(base) for loc in locs), locs
    for name in published:  # (prose may name the preview's address; the page's own links may not)
        text = _published(bare, name) if name.endswith((".html", ".xml", ".json")) and "search/" not in name else ""
        if name.endswith(".html"):
            text = " ".join(re.findall(r"<(?:link|meta)\b[^>]*>", text))
        assert LOCAL_PREVIEW not in text, name


@pytest.mark.slow
@needs_make_and_git
def test_make_deploy_of_a_new_site_publishes_it_for_its_pages_address(tmp_path):
    site, bare = tmp_path / "site-src", tmp_path / "pages.git"
    assert CliRunner().invoke(main, ["new", str(site)]).exit_code == 0
    _repository(site, "https://github.com/jane/retro-site.git", bare)
    # `make deploy` as a user runs it, in processes (not tests/sitebuild.py): the Makefile is what is tested.
    deploy = subprocess.run(["make", "deploy"], cwd=site, env=_env(), capture_output=True, text=True)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert "Publishing to https://jane.github.io/retro-site/" in deploy.stdout
    pages = git(bare, "ls-tree", "-r", "--name-only", "gh-pages").split()
    post = next(p for p in pages if "two-years" in p and p.endswith(".html"))  # (not its social card)
    _assert_built_for(bare, "https://jane.github.io/retro-site/", ["index.html", post])
    assert git(site, "status", "--porcelain") == ""  # site/, .cache/ and local.mk are ignored

    # Another host: make deploy stops before building, and says what to set; SITE_URL then works.
    git(site, "remote", "set-url", "origin", "https://gitlab.com/jane/retro-site.git")
    before = git(bare, "rev-parse", "gh-pages")
    refused = subprocess.run(["make", "deploy"], cwd=site, env=_env(), capture_output=True, text=True)
    assert refused.returncode != 0 and "set SITE_URL" in refused.stderr and "Traceback" not in refused.stderr
    assert "Building documentation" not in refused.stderr and git(bare, "rev-parse", "gh-pages") == before
    given = subprocess.run(
        ["make", "deploy", "SITE_URL=https://blog.example.org/"], cwd=site, env=_env(), capture_output=True, text=True
    )
    assert given.returncode == 0, given.stdout + given.stderr
    _assert_built_for(bare, "https://blog.example.org/", ["index.html"])


@pytest.mark.slow
@needs_make_and_git
def test_make_deploy_of_the_example_site_publishes_it_for_its_pages_address(tmp_path):
    """This repository's `make deploy`, run in a copy of the example site with this checkout's .venv
    (``-o``: the locked environment is taken as installed)."""
    site, bare = copy_site_sources(tmp_path / "retroblog"), tmp_path / "pages.git"
    shutil.copy2(REPO / "Makefile", site / "Makefile")
    _repository(site, "git@github.com:retro-org/retroblog.git", bare)
    venv = REPO / ".venv"
    # The repository's own Makefile and .venv, in processes (not tests/sitebuild.py): the command is tested.
    deploy = subprocess.run(
        ["make", "deploy", f"VENV={venv}", "-o", f"{venv}/.synced"],
        cwd=site,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert deploy.returncode == 0, deploy.stdout[-2000:] + deploy.stderr[-2000:]
    base = "https://retro-org.github.io/retroblog/"
    _assert_built_for(bare, base, ["index.html", "charts/index.html", "blog/index.html"])
    assert f"<link>{base}" in _published(bare, "feed_rss_created.xml")
