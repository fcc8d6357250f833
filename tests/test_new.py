"""``retroblog new``: the scaffold's files, safe writes (no overwrite without --force, --dry-run writes nothing),
user text that stays text, the Pages workflows, and (slow) the scaffold building strictly and deploying."""

from __future__ import annotations

import html
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import example, given
from hypothesis import strategies as st

from retroblog import __version__
from retroblog.cli import main
from retroblog.data.dataset import load_dataset
from retroblog.plugin import RetroblogConfig
from retroblog.site.scaffold import (
    DATASET,
    POST,
    Requirement,
    html_text,
    markdown_text,
    one_line,
    read_config,
    render,
    requirements,
    sample_dataset,
    sample_rows,
)
from retroblog.site.scaffold import on_pypi as real_on_pypi
from retroblog.stats.compute import compute
from retroblog.util.words import Words
from tests.conftest import REPO
from tests.htmlcheck import external_resources
from tests.sitebuild import build_site

HOSTILE_TITLE = '<script>alert(1)</script> "quoted: yes" :stat[total_prs] & {#id} *em*'
HOSTILE_AUTHOR = '<script>alert(2)</script> O\'Brien "Jo" [x](javascript:alert(3))'
HOSTILE = [HOSTILE_TITLE, '"quoted: yes"', "it's: a [title] #1", "- item\n\nsecond line", "@@md:author@@ &amp; x"]

SITE_FILES = {
    ".github/workflows/deploy.yml",
    ".gitignore",
    "Makefile",
    "data/prs.csv",
    "docs/blog/.authors.yml",
    "docs/blog/assets/avatar.svg",
    "docs/blog/index.md",
    "docs/blog/tags.md",
    "docs/index.md",
    POST,
    "mkdocs.yml",
    "requirements.txt",
}


def new(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["new", *map(str, args)])


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _env() -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}
    env.pop("SITE_URL", None)
    return env


# -- Writing the files ---------------------------------------------------------------------------------


def test_new_writes_the_site_and_says_what_next(tmp_path):
    site = tmp_path / "my site"
    result = new(site, "--title", "My two years at Acme", "--author", "Jane Doe")
    assert result.exit_code == 0, result.output
    written = set(_files(site))
    assert written >= SITE_FILES
    assert written - SITE_FILES <= {"local.mk"}  # names this machine's Python, when make can use the path
    assert f"cd '{site}'" in result.output and "make serve" in result.output
    assert "created" in result.output and "mkdocs.yml" in result.output
    config = read_config((site / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "My two years at Acme"
    assert "repo_url" not in config and config["theme"]["font"] is False
    assert "navigation.instant" in config["theme"]["features"]
    assert [p["toggle"]["name"] for p in config["theme"]["palette"]] == ["Switch to dark mode", "Switch to light mode"]
    plugins = [next(iter(p)) if isinstance(p, dict) else p for p in config["plugins"]]
    assert plugins == ["search", "blog", "tags", "rss", "retroblog"]
    # the site options are the Markdown extension's (read by MkDocs' plugin and by Zensical alike)
    assert config["plugins"][4] == "retroblog"
    assert {"retroblog": {"data_dir": "data", "timezone": "UTC", "datasets": {"prs": {"default": True}}}} in config[
        "markdown_extensions"
    ]
    authors = yaml.safe_load((site / "docs/blog/.authors.yml").read_text(encoding="utf-8"))
    assert authors["authors"]["me"]["name"] == "Jane Doe"
    assert "- me" in (site / POST).read_text(encoding="utf-8")
    ignored = (site / ".gitignore").read_text(encoding="utf-8").split()
    assert {"site/", ".cache/", "local.mk"} <= set(ignored)


def test_the_same_options_write_the_same_bytes(tmp_path):
    assert new(tmp_path / "a").exit_code == 0
    assert new(tmp_path / "b").exit_code == 0
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_sample_dataset_passes_the_loader(tmp_path):
    site = tmp_path / "s"
    assert new(site).exit_code == 0
    assert (site / DATASET).read_text(encoding="utf-8") == sample_dataset()
    dataset = load_dataset(site / DATASET, timezone="UTC")
    assert not dataset.warnings
    stats = compute(dataset)
    assert stats.total_prs == len(sample_rows()) and 50 <= stats.total_prs <= 80
    assert set(stats.to_dict()["by_year"]) == {"2023", "2024"}  # the years the first post names
    header = (REPO / "data" / "example.csv").read_text(encoding="utf-8").splitlines()[0]
    assert (site / DATASET).read_text(encoding="utf-8").splitlines()[0] == header


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    site = tmp_path / "mine"
    site.mkdir()
    (site / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    (site / "notes.txt").write_text("keep me\n", encoding="utf-8")
    before = _files(site)
    result = new(site)
    assert result.exit_code != 0
    assert str(site) in result.output and "--force" in result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "Traceback" not in result.output
    assert _files(site) == before


def test_force_writes_the_site_and_keeps_other_files(tmp_path):
    site = tmp_path / "mine"
    (site / "docs").mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    (site / "notes.txt").write_text("keep me\n", encoding="utf-8")
    (site / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    result = new(site, "--force", "--title", "Forced")
    assert result.exit_code == 0, result.output
    assert "replaced" in result.output and "mkdocs.yml" in result.output
    assert (site / "notes.txt").read_text(encoding="utf-8") == "keep me\n"
    assert (site / "docs" / "about.md").read_text(encoding="utf-8") == "# About\n"
    assert read_config((site / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"] == "Forced"
    assert set(_files(site)) >= SITE_FILES
    again = new(site, "--force", "--title", "Forced")  # the same files again: nothing to replace
    assert again.exit_code == 0 and "replaced" not in again.output and "unchanged" in again.output


def test_dry_run_writes_nothing(tmp_path):
    missing = tmp_path / "missing"
    result = new(missing, "--dry-run")
    assert result.exit_code == 0, result.output
    assert not missing.exists()
    assert "would create" in result.output and "nothing written" in result.output
    for name in SITE_FILES:
        assert name in result.output
    site = tmp_path / "mine"
    site.mkdir()
    (site / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    before = _files(site)
    forced = new(site, "--dry-run", "--force")
    assert forced.exit_code == 0 and "would replace" in forced.output
    assert _files(site) == before
    refused = new(site, "--dry-run")
    assert refused.exit_code != 0 and str(site) in refused.output
    assert _files(site) == before


def test_paths_in_the_way_are_one_line_errors(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    result = new(a_file)
    assert result.exit_code != 0 and f"Error: {a_file}: exists and is not a folder" in result.output
    site = tmp_path / "site"
    (site / "mkdocs.yml").mkdir(parents=True)
    (site / "docs").write_text("a file, not a folder", encoding="utf-8")
    result = new(site, "--force")
    assert result.exit_code != 0 and "Traceback" not in result.output and result.output.count("\n") == 1
    assert str(site / "docs") in result.output or str(site / "mkdocs.yml") in result.output
    assert _files(site) == {"docs": b"a file, not a folder"}
    empty = new(tmp_path / "e", "--title", " \n ")
    assert empty.exit_code != 0 and "--title: must not be empty" in empty.output


def test_help_describes_every_option():
    result = CliRunner().invoke(main, ["new", "--help"])
    assert result.exit_code == 0
    assert "Create a new retroblog site in DIR" in result.output
    for option in ("--title", "--author", "--force", "--dry-run"):
        line = next(line for line in result.output.splitlines() if line.strip().startswith(option))
        assert len(line.split(maxsplit=2)) > 1, option


# -- User text stays text ------------------------------------------------------------------------------


@pytest.mark.parametrize("title", HOSTILE)
def test_title_and_author_reach_yaml_as_values(tmp_path, title):
    by_path = {str(f.path): f.content.decode("utf-8") for f in render(title=title, author=title)}
    expected = one_line(title, "t")
    assert read_config(by_path["mkdocs.yml"])["site_name"] == html_text(expected)
    assert yaml.safe_load(by_path["docs/blog/.authors.yml"])["authors"]["me"]["name"] == html_text(expected)
    for text in by_path.values():
        assert "<script" not in text
    rendered = markdown.markdown(by_path["docs/index.md"], extensions=["attr_list", "toc"])
    assert html.unescape(re.sub(r"<[^>]+>", "", rendered.split("</h1>")[0])) == expected


@example("<b>bold</b> &amp; <script>x</script>")
@example("1. [link](javascript:x) :stat[total_prs]{dataset=prs} # {#id}")
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_escaped_markdown_renders_as_the_same_text(text):
    try:
        expected = one_line(text, "t")
    except Exception:
        return  # only whitespace or unprintable characters
    for source, tag in ((markdown_text(expected), "p"), ("# " + markdown_text(expected), "h1")):
        rendered = markdown.markdown(source, extensions=["attr_list"])
        assert rendered.startswith(f"<{tag}>") and rendered.endswith(f"</{tag}>"), rendered
        inner = rendered[len(tag) + 2 : -len(tag) - 3]
        assert "<" not in inner, rendered
        assert html.unescape(inner) == expected


# -- Requirements and workflows ------------------------------------------------------------------------


def test_requirements_pin_retroblog_and_the_installed_dependencies():
    text = requirements(Requirement(f"retroblog=={__version__}"))
    assert "NOTE" not in text
    pins = dict(line.split("==") for line in text.splitlines() if line and not line.startswith("#"))
    assert pins.pop("retroblog") == __version__
    declared = {
        re.split(r"[\s<>=!~;\[(]", r, maxsplit=1)[0]
        for r in importlib.metadata.requires("retroblog") or []
        if "extra ==" not in r
    }
    assert set(pins) == declared
    for name, version in pins.items():
        assert importlib.metadata.version(name) == version


def _workflow(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def _check_pages_workflow(flow: dict[str, Any]) -> list[dict[str, Any]]:
    assert flow["on"]["push"]["branches"] == ["main"] and "workflow_dispatch" in flow["on"]
    assert flow["permissions"]["pages"] == "write" and flow["permissions"]["id-token"] == "write"
    assert flow["concurrency"]["group"]
    build, deploy = flow["jobs"]["build"]["steps"], flow["jobs"]["deploy"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in build]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    assert build[0]["with"]["fetch-depth"] == 0
    assert str(build[1]["with"]["python-version"]) == "3.11"
    assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    assert build[uses.index("actions/upload-pages-artifact")]["with"]["path"] == "site"
    assert flow["jobs"]["deploy"]["needs"] == "build"
    assert flow["jobs"]["deploy"]["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy] == ["actions/deploy-pages"]
    # retroblog's chart cache is kept between runs, restored before the build: a push that changes one
    # post re-renders only its charts, not every chart of the site.
    cache = build[uses.index("actions/cache")]
    assert cache["with"]["path"] == RetroblogConfig.cache_dir.default
    assert "hashFiles(" in cache["with"]["key"] and cache["with"]["key"].startswith(cache["with"]["restore-keys"])
    assert uses.index("actions/cache") < next(i for i, s in enumerate(build) if "build" in s.get("run", ""))
    return [s["run"] for s in build if "run" in s]


def test_repo_workflow_installs_through_the_makefile_and_publishes_to_pages():
    runs = _check_pages_workflow(_workflow(REPO / ".github" / "workflows" / "deploy.yml"))
    assert runs == ["make .venv/.synced", "make build"]
    # The install step is the Makefile's own: uv from PyPI, then the locked dependencies (-n: print, run nothing).
    plan = subprocess.run(
        ["make", "-n", "--always-make", ".venv/.synced"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert "pip install" in plan and "uv sync --frozen" in plan
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^build: .*\n\t\$\(BIN\)/mkdocs build --strict$", makefile, re.M)
    deploy = subprocess.run(
        ["make", "-n", "-o", ".venv/.synced", "deploy"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert "retroblog pages-url origin" in deploy and "mkdocs gh-deploy --strict" in deploy


def test_scaffold_workflow_installs_the_requirements_and_builds_strict(tmp_path):
    assert new(tmp_path / "s").exit_code == 0
    flow = _workflow(tmp_path / "s" / ".github" / "workflows" / "deploy.yml")
    runs = _check_pages_workflow(flow)
    assert runs == [
        "python -m pip install -r requirements.txt",
        "python -m retroblog assets",  # the chart assets of the installed retroblog, for both engines
        "python -m mkdocs build --strict",
        "python -m retroblog check site",  # nothing retroblog should have made is left as syntax
    ]
    build = next(s for s in flow["jobs"]["build"]["steps"] if s.get("run", "").endswith("--strict"))
    assert build["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"


def test_templates_are_package_data():
    templates = REPO / "retroblog" / "site" / "templates" / "new"
    assert templates.is_dir() and not list(templates.rglob("__pycache__"))
    names = [p.name for p in templates.rglob("*")]
    assert not [n for n in names if n.startswith(".")], "dotfiles are stored as dot-NAME"
    ignored = subprocess.run(
        ["git", "check-ignore", *map(str, templates.rglob("*"))], cwd=REPO, capture_output=True, text=True
    )
    assert ignored.stdout == "", "hatchling leaves git-ignored files out of the wheel"


# -- Building and deploying the scaffold (slow) --------------------------------------------------------


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append(dict(attrs).get("src") or "")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.scripts.append(f"{tag} {name}={value}")

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("new") / "site-src"
    result = new(site, "--title", HOSTILE_TITLE, "--author", HOSTILE_AUTHOR)
    assert result.exit_code == 0, result.output
    build = build_site(site)  # in this process, as `python -m mkdocs build --strict` in the site's folder
    assert build.returncode == 0, build.stderr
    return site


@pytest.mark.slow
def test_a_second_dataset_does_not_break_the_first_post(tmp_path):
    """Issue 14: the first post's blocks name no dataset; a second data file made them ambiguous and broke
    the build. The scaffold marks its dataset the default."""
    site = tmp_path / "site-src"
    assert new(site, "--title", "Two datasets", "--author", "Jane").exit_code == 0
    (site / "data" / "side-project.csv").write_text("merged_at,additions\n2024-01-02T10:00:00Z,5\n", encoding="utf-8")
    build = build_site(site)
    assert build.returncode == 0, build.stderr
    post = next((site / "site").rglob("two-years-in-pull-requests/index.html")).read_text(encoding="utf-8")
    assert post.count('<figure class="retroblog-chart"') == 3 and "retroblog-error" not in post


@pytest.mark.slow
def test_scaffold_builds_with_charts_and_the_datasets_numbers(built):
    post = next((built / "site").rglob("two-years-in-pull-requests/index.html")).read_text(encoding="utf-8")
    assert post.count('<figure class="retroblog-chart"') == 3
    for figure in post.split('<figure class="retroblog-chart"')[1:]:
        assert "<svg" in figure.split("</figure>")[0]
    figures = json.loads(
        subprocess.run(
            [sys.executable, "-m", "retroblog", "stats", "prs", "--json"],
            cwd=built,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    keys = re.findall(r":stat\[([^\]]+)\]", (built / POST).read_text(encoding="utf-8"))
    shown = re.findall(r'<span class="retroblog-stat">([^<]*)</span>', post)
    assert len(keys) == len(shown) >= 5 and "total_prs" in keys
    for key, text in zip(keys, shown, strict=True):
        head, _, rest = key.partition(".")
        value = figures[head] if not rest else figures[head][rest]
        if isinstance(value, dict):  # a period, in words: "April 2024 (4 PRs)"
            assert text == f"{Words().period(value['period'])} ({value['prs']:,} PRs)", key
        else:  # a count, or a median rounded as prose writes it
            assert text == Words().number(value), key
    assert f'<span class="retroblog-stat">{figures["total_prs"]}</span> pull requests' in post


@pytest.mark.slow
def test_scaffold_publishes_rss_and_json_feeds_of_its_first_post(built):
    text = (built / POST).read_text(encoding="utf-8")
    post = yaml.safe_load(text.split("---")[1])
    post["title"] = next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))
    for name in ("feed_rss_created.xml", "feed_rss_updated.xml"):
        channel = ET.parse(built / "site" / name).getroot().find("channel")
        assert channel is not None
        titles = [item.findtext("title") for item in channel.iter("item")]
        assert titles == [post["title"]], name
        assert channel.findtext("image/url", "").endswith("/assets/images/favicon.png")
    feed = json.loads((built / "site" / "feed_json_created.json").read_text(encoding="utf-8"))
    assert [item["title"] for item in feed["items"]] == [post["title"]]
    assert feed["items"][0]["content_html"] == post["description"]
    assert feed["items"][0]["url"].endswith("/two-years-in-pull-requests/")


@pytest.mark.slow
def test_hostile_title_and_author_stay_text_in_the_built_site(built):
    pages = list((built / "site").rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text, page
        parser = _Scripts()
        parser.feed(text)
        assert not [s for s in parser.scripts if "alert" in s], page
        assert external_resources(text) == [], page  # no page asks another host for anything
    for other in (built / "site").rglob("*"):
        if other.is_file() and other.suffix in (".json", ".xml", ".js", ".css"):
            assert "<script>alert" not in other.read_text(encoding="utf-8", errors="replace"), other
    home = (built / "site" / "index.html").read_text(encoding="utf-8")
    heading = re.search(r"<h1[^>]*>(.*?)<a class=\"headerlink\"", home)
    assert heading and html.unescape(heading.group(1)) == HOSTILE_TITLE  # the title, as text
    assert "&lt;script&gt;alert(2)&lt;/script&gt; O'Brien" in home  # the author, escaped once, shown as text


# -- Where requirements.txt installs retroblog from ---------------------------------------------------


class _Installed:
    requires: list[str] | None = None  # what importlib.metadata.requires() reads

    def __init__(self, direct_url: dict[str, Any] | None) -> None:
        self.direct_url = None if direct_url is None else json.dumps(direct_url)

    def read_text(self, name: str) -> str | None:
        return self.direct_url if name == "direct_url.json" else None


_UNASKED = "unasked"


@pytest.fixture
def installed(monkeypatch):
    """``installed(direct_url, on_pypi=...)``: retroblog as if installed so (PEP 610), and the requirement
    ``retroblog new`` writes for it; with ``on_pypi``, as with ``--check-pypi`` and PyPI as if it said so.
    Without it PyPI must not be asked."""
    from retroblog.site import scaffold

    def install(direct_url: dict[str, Any] | None, on_pypi: bool | str | None = _UNASKED) -> Requirement:
        def answer(version: str) -> bool | None:
            assert on_pypi != _UNASKED, "PyPI was asked without --check-pypi"
            return on_pypi  # type: ignore[return-value]

        monkeypatch.setattr(scaffold.importlib.metadata, "distribution", lambda name: _Installed(direct_url))
        monkeypatch.setattr(scaffold, "on_pypi", answer)
        return scaffold.retroblog_requirement(check_pypi=on_pypi != _UNASKED)

    return install


def _git(folder: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_ALLOW_PROTOCOL": "file"}
    done = subprocess.run(["git", "-C", str(folder), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def source(tmp_path) -> Path:
    """A git checkout of "retroblog" with one commit, which an editable install would point at."""
    folder = tmp_path / "retroblog-src"
    folder.mkdir()
    _git(folder, "init", "-q", "-b", "main")
    (folder / "pyproject.toml").write_text("[project]\nname = 'retroblog'\n", encoding="utf-8")
    _git(folder, "add", ".")
    _git(folder, "commit", "-q", "-m", "retroblog")
    return folder


def _editable(folder: Path) -> dict[str, Any]:
    return {"url": folder.as_uri(), "dir_info": {"editable": True}}


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (
            {"url": "https://github.com/me/retroblog", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
            "retroblog @ git+https://github.com/me/retroblog@abc123",
        ),
        (
            {"url": "https://example.org/retroblog-0.1.0-py3-none-any.whl", "archive_info": {}},
            "retroblog @ https://example.org/retroblog-0.1.0-py3-none-any.whl",
        ),
    ],
)
def test_a_git_or_url_install_is_installed_again_from_there(installed, direct_url, expected):
    requirement = installed(direct_url)
    assert (requirement.line, requirement.warning) == (expected, None)
    assert expected in requirements(requirement).splitlines()


@pytest.mark.parametrize(
    ("remote", "public"),
    [
        ("git@github.com:jane/retroblog.git", "https://github.com/jane/retroblog.git"),
        ("https://jane:s3cret-token@github.com/jane/retroblog.git", "https://github.com/jane/retroblog.git"),
        ("ssh://git@gitlab.example.org:2222/tools/retroblog", "https://gitlab.example.org/tools/retroblog"),
    ],
)
def test_an_editable_checkout_is_installed_from_its_remote_at_its_commit(installed, source, remote, public):
    _git(source, "remote", "add", "origin", remote)
    commit = _git(source, "rev-parse", "HEAD")
    _git(source, "update-ref", "refs/remotes/origin/main", commit)  # as if pushed and fetched
    requirement = installed(_editable(source))
    assert requirement == Requirement(f"retroblog @ git+{public}@{commit}")
    assert "s3cret" not in requirements(requirement)


def test_an_unpushed_or_changed_checkout_is_written_with_a_warning(installed, source):
    _git(source, "remote", "add", "origin", "https://github.com/jane/retroblog.git")
    commit = _git(source, "rev-parse", "HEAD")
    requirement = installed(_editable(source))
    assert requirement.line == f"retroblog @ git+https://github.com/jane/retroblog.git@{commit}"
    assert requirement.warning and f"commit {commit[:12]} is on no branch of" in requirement.warning
    (source / "pyproject.toml").write_text("changed\n", encoding="utf-8")
    _git(source, "update-ref", "refs/remotes/origin/main", commit)
    warning = installed(_editable(source)).warning
    assert warning and "has changes that commit" in warning and "no branch" not in warning


@pytest.mark.parametrize("remote", [None, "/srv/git/retroblog.git"])
def test_a_checkout_without_a_public_remote_is_pinned_only_if_pypi_has_it(installed, source, remote):
    if remote:
        _git(source, "remote", "add", "origin", remote)
    assert installed(_editable(source), on_pypi=True) == Requirement(f"retroblog=={__version__}")
    missing = installed(_editable(source), on_pypi=False)
    assert missing.line == f"retroblog=={__version__}"
    assert missing.warning and f"retroblog {__version__} is not on PyPI" in missing.warning
    assert str(source) in missing.warning and "Replace the line" in missing.warning
    offline = installed(None, on_pypi=None)
    assert offline.warning and "could not be looked up on PyPI" in offline.warning
    assert installed(None, on_pypi=True) == Requirement(f"retroblog=={__version__}")  # an index install


def test_new_prints_the_warning_and_notes_it_in_requirements(installed, source, tmp_path):
    requirement = installed(_editable(source), on_pypi=False)
    result = new(tmp_path / "site", "--check-pypi")
    assert result.exit_code == 0
    assert f"Warning: requirements.txt: {requirement.warning}" in result.output
    text = (tmp_path / "site" / "requirements.txt").read_text(encoding="utf-8")
    notes = [line[2:] for line in text.splitlines() if line.startswith("# ")]
    assert " ".join(notes).endswith("NOTE: " + requirement.warning)
    assert f"retroblog=={__version__}" in text.splitlines()
    installed({"url": "https://github.com/me/retroblog", "vcs_info": {"vcs": "git", "commit_id": "abc"}})
    quiet = new(tmp_path / "other")
    assert quiet.exit_code == 0 and "Warning" not in quiet.output


def test_without_check_pypi_the_requirement_comes_from_local_facts(installed, source, tmp_path):
    pin = f"retroblog=={__version__}"
    assert installed(None) == Requirement(pin)  # from a package index: other machines find it there too
    unpublished = installed(_editable(source))  # a checkout without a public remote
    assert unpublished.line == pin
    assert unpublished.warning and str(source) in unpublished.warning and "Replace the line" in unpublished.warning
    assert "--check-pypi" in unpublished.warning
    assert "is not on PyPI" not in unpublished.warning and "looked up" not in unpublished.warning  # not asked
    wheel = tmp_path / f"retroblog-{__version__}-py3-none-any.whl"
    local = installed({"url": wheel.as_uri(), "archive_info": {}})
    assert local.line == pin and local.warning and str(wheel) in local.warning


@pytest.fixture
def network(monkeypatch) -> list[str]:
    """Every attempt to resolve or connect to an address, refused as if offline; the list of attempts."""
    import socket

    attempts: list[str] = []

    def refuse(what: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{what} {args[-1] if what.startswith('socket.') else args[0]!r}")
            raise OSError(f"a test asked the network: {attempts[-1]}")

        return refused

    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    return attempts


def test_new_asks_no_network_unless_told_to_check_pypi(network, monkeypatch, source, tmp_path):
    from retroblog.site import scaffold

    result = new(tmp_path / "as-installed")  # this checkout's own install, whatever it is
    assert result.exit_code == 0, result.output
    for index, direct_url in enumerate([None, _editable(source)]):  # from an index; a checkout, no remote
        monkeypatch.setattr(scaffold.importlib.metadata, "distribution", lambda name, d=direct_url: _Installed(d))
        result = new(tmp_path / f"site-{index}")
        assert result.exit_code == 0, result.output
    assert network == []
    checked = new(tmp_path / "checked", "--check-pypi")  # the explicit path does ask (here: refused)
    assert checked.exit_code == 0, checked.output
    assert network  # (pypi.org, or a proxy)
    assert "could not be looked up on PyPI" in checked.output


def test_on_pypi_asks_pypi_for_the_release(monkeypatch):
    """Against a local stand-in for PyPI's JSON API: 200, 404, and no answer."""
    import http.server
    import threading

    from retroblog.site import scaffold

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/pypi/retroblog/1.0/json" else 404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        monkeypatch.setattr(scaffold, "PYPI_RELEASE", base + "/pypi/retroblog/{version}/json")
        assert real_on_pypi("1.0") is True
        assert real_on_pypi("0.1.0") is False
    finally:
        server.shutdown()
        server.server_close()
    monkeypatch.setattr(scaffold, "PYPI_RELEASE", base + "/pypi/retroblog/{version}/json")  # nobody listens
    assert real_on_pypi("1.0") is None


# -- The scaffold's Makefile ---------------------------------------------------------------------------


def _make_plan(site: Path, target: str) -> str:
    """What ``make TARGET`` would run in ``site`` (make -n: print, run nothing)."""
    env = {k: v for k, v in _env().items() if k not in ("PYTHON", "MAKEFLAGS", "MFLAGS")}
    return subprocess.run(["make", "-n", target], cwd=site, env=env, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not shutil.which("make"), reason="needs make")
def test_make_creates_the_venv_from_requirements_on_a_fresh_clone(tmp_path):
    site = tmp_path / "site"
    assert new(site).exit_code == 0
    local = site / "local.mk"
    assert local.is_file()
    for target in ("serve", "build", "deploy"):  # this machine: the Python that ran retroblog new
        plan = _make_plan(site, target)
        assert "-m venv" not in plan and "pip install" not in plan, plan
        assert f"{sys.executable} -m mkdocs" in plan
    local.unlink()  # a fresh clone: local.mk is not committed
    for target in ("serve", "build", "deploy"):
        plan = _make_plan(site, target).splitlines()
        assert plan[:2] == ["python3 -m venv .venv", ".venv/bin/python -m pip install -r requirements.txt"], plan
        assert ".venv/bin/python -m mkdocs" in "\n".join(plan[2:]), plan
