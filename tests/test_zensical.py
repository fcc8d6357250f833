"""The example post built with Zensical (which runs Python-Markdown extensions, not MkDocs plugins).

The project is the one docs/zensical.md describes: ``retroblog`` under ``markdown_extensions`` with
the example site's options, the chart assets copied into ``docs/`` and listed in ``extra_css`` and
``extra_javascript``, and ``data/`` in ``watch``. Every figure the page shows is checked against
what retroblog's library computes from the same files.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from retroblog.build.blocks import Blocks
from retroblog.build.cache import FragmentStore
from retroblog.build.settings import Settings
from retroblog.build.syntax import INLINE, parse_inline_options
from retroblog.render.svg import SvgCache
from retroblog.render.vendor import BROWSER_FILES, asset, vega_bundle
from retroblog.stats.compute import compute
from tests.conftest import REPO
from tests.htmlcheck import external_resources

POST = REPO / "docs" / "blog" / "posts" / "my-three-years-at-northwind.md"
OPTIONS = {"data_dir": "data", "timezone": "UTC", "datasets": {"example": {"timezone": "Europe/Berlin"}}}
"""The retroblog options of the example site's mkdocs.yml."""

CHART_FENCE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})[ \t]*chart[ \t]*$", re.MULTILINE)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def _toml(value: object) -> str:
    """A TOML value (JSON's strings, numbers and arrays are TOML too; objects become inline tables)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_toml(item)}" for key, item in value.items()) + " }"
    return json.dumps(value)


def _project(root: Path) -> Path:
    """A Zensical project with the example post as a page; returns the post's Markdown in docs/."""
    (root / "data").mkdir(parents=True)
    shutil.copy2(REPO / "data" / "example.csv", root / "data" / "example.csv")
    page = root / "docs" / POST.name
    page.parent.mkdir(parents=True)
    shutil.copy2(POST, page)  # front matter and all: Zensical reads it and hands the extension the rest
    assets = root / "docs" / "assets" / "retroblog"
    assets.mkdir(parents=True)
    for name in BROWSER_FILES:
        (assets / name).write_bytes(asset(name))
    (assets / "vega.js").write_bytes(vega_bundle())
    options = "\n".join(f"{key} = {_toml(value)}" for key, value in OPTIONS.items())
    (root / "zensical.toml").write_text(
        f"""[project]
site_name = "retroblog on Zensical"
extra_css = ["assets/retroblog/retroblog.css"]
extra_javascript = ["assets/retroblog/retroblog.js"]
watch = ["data"]

[project.theme]
font = false

[project.markdown_extensions.attr_list]
[project.markdown_extensions.md_in_html]
[project.markdown_extensions.retroblog]
root = {json.dumps(str(root))}
{options}
""",
        encoding="utf-8",
    )
    return page


def _offline() -> list[str]:
    """A command prefix that runs the build without any network, where this system allows it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


def _expected_stats(root: Path, markdown: str) -> list[str]:
    """Each inline stat of the page, in order, as retroblog's library computes it."""
    blocks = Blocks(Settings.from_options(OPTIONS, root), SvgCache(), FragmentStore(None))
    return [
        blocks.stat(match.group("key").strip(), parse_inline_options(match.group("options") or ""))
        for match in INLINE.finditer(markdown)
    ]


@pytest.mark.slow
def test_zensical_build_renders_the_example_post(tmp_path):
    root = tmp_path / "project"
    page = _project(root)
    # A subprocess on purpose (not tests/sitebuild.py): Zensical's own command, offline where the system allows.
    result = subprocess.run(
        [*_offline(), sys.executable, "-m", "zensical", "build", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    built = (root / "site" / page.stem / "index.html").read_text(encoding="utf-8")
    article = built[built.index("<article") : built.index("</article>")]
    source = FRONT_MATTER.sub("", page.read_text(encoding="utf-8"))

    # Every chart fence became a figure with a static SVG that has marks.
    fences = len(CHART_FENCE.findall(source))
    assert fences > 0
    figures = re.findall(r'<figure class="retroblog-chart".*?</figure>', article, re.DOTALL)
    assert len(figures) == fences
    for figure in figures:
        assert "<svg" in figure and 'class="mark-' in figure, figure[:300]
    assert "```" not in article and "type: prs-per-year" not in article
    assert '<div class="retroblog-stats"><table><caption>Three years in figures</caption>' in article

    # Every inline stat became the number retroblog computes; none is left as text.
    expected = _expected_stats(root, source)
    assert len(expected) == source.count(":stat[") > 0
    shown = [html.unescape(value) for value in re.findall(r'<span class="retroblog-stat">([^<]*)</span>', article)]
    assert shown == expected
    assert ":stat[" not in built
    total = compute(Settings.from_options(OPTIONS, root).registry.get("example")).total_prs
    assert f'<span class="retroblog-stat">{total}</span> pull requests' in article

    # Data and options add no script; the page loads only its own files, with the chart assets.
    assert "<script" not in article.lower()
    assert external_resources(built) == []
    assert "assets/retroblog/retroblog.js" in built and "assets/retroblog/retroblog.css" in built
    for name in ("retroblog.js", "retroblog.css", "vega.js"):
        assert (root / "site" / "assets" / "retroblog" / name).is_file(), name


@pytest.mark.slow
def test_zensical_build_error_names_the_page_and_its_line(tmp_path):
    root = tmp_path / "project"
    page = _project(root)
    text = page.read_text(encoding="utf-8")
    broken = text.replace("type: prs-per-year", "type: prs-per-decade", 1)
    assert broken != text
    page.write_text(broken, encoding="utf-8")
    fence = next(i for i, line in enumerate(broken.splitlines(), 1) if line == "type: prs-per-decade") - 1
    # No 'root' option, and run from another folder: data/ is found beside zensical.toml all the same.
    config = root / "zensical.toml"
    config.write_text(re.sub(r"(?m)^root = .*\n", "", config.read_text(encoding="utf-8")), encoding="utf-8")
    result = subprocess.run(
        [*_offline(), sys.executable, "-m", "zensical", "build", "--strict", "-f", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"{page.name}:{fence}: chart block: unknown chart type 'prs-per-decade'" in output, output[-2000:]
