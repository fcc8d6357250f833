"""``retroblog export``: the example post's charts as files, in each format and scheme, with their alt text."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from retroblog.build.cards import site_accent
from retroblog.build.settings import read_site_config
from retroblog.charts.theme import SERIES
from retroblog.cli import main
from retroblog.render.export import SCHEMES, themed_svg
from tests.conftest import REPO

POST = REPO / "docs" / "blog" / "posts" / "my-three-years-at-northwind.md"
CHART_TYPES = re.findall(r"^```chart\ntype: ([\w-]+)$", POST.read_text(encoding="utf-8"), re.M)
STEM = "my-three-years-at-northwind"


CACHE: list[Path] = []
"""The test session's export cache (never the checkout's .cache)."""


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    if not CACHE:
        CACHE.append(tmp_path_factory.mktemp("export-cache"))


def _export(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["export", *map(str, args), "--cache-dir", str(CACHE[0])])
    return result.exit_code, result.output


def _names(fmt: str, schemes: tuple[str, ...]) -> set[str]:
    names = set()
    for number, kind in enumerate(CHART_TYPES, start=1):
        names.add(f"{STEM}-{number}-{kind}.txt")
        names |= {f"{STEM}-{number}-{kind}{suffix}.{fmt}" for suffix in schemes}
    return names


def test_the_example_post_has_charts():
    assert len(CHART_TYPES) >= 5


def test_svg_in_both_schemes_one_file_per_chart_and_scheme_with_real_colours(tmp_path):
    code, output = _export(POST, "--to", tmp_path, "--format", "svg", "--scheme", "both")
    assert code == 0, output
    assert {p.name for p in tmp_path.iterdir()} == _names("svg", ("-light", "-dark"))
    for path in tmp_path.glob("*.svg"):
        text = path.read_text(encoding="utf-8")
        root = ET.fromstring(text)  # well-formed XML
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert "currentColor" not in text, path.name
        assert not any(placeholder in text for placeholder in SERIES), path.name
        scheme = SCHEMES["dark" if path.stem.endswith("-dark") else "light"]
        assert f'<rect width="100%" height="100%" fill="{scheme.background}"/>' in text
        assert f'fill="{scheme.text}"' in text  # the text, in the scheme's colour
    first = tmp_path / f"{STEM}-1-{CHART_TYPES[0]}-light.svg"
    # the bars in series 1's colour: the site's accent (indigo: Material's #526cfe), not a fallback
    accent = site_accent(read_site_config(REPO / "mkdocs.yml")["theme"]["palette"])
    assert accent == "#526cfe" and accent in first.read_text(encoding="utf-8")
    assert accent in (tmp_path / f"{STEM}-1-{CHART_TYPES[0]}-dark.svg").read_text(encoding="utf-8")
    alt = (tmp_path / f"{STEM}-1-{CHART_TYPES[0]}.txt").read_text(encoding="utf-8")
    assert alt.startswith("PRs merged per year. Bar chart of merged PRs per year.") and "310 in all" in alt


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_png_at_a_scale_and_byte_identical_twice(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        code, output = _export(POST, "--to", folder, "--scheme", "dark", "--scale", "1.5")
        assert code == 0, output
    assert {p.name for p in first.iterdir()} == _names("png", ("",))
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name  # deterministic
    code, _ = _export(POST, "--to", tmp_path / "svg", "--format", "svg", "--scheme", "dark")
    for path in first.glob("*.png"):
        svg = (tmp_path / "svg" / path.with_suffix(".svg").name).read_text(encoding="utf-8")
        found = re.search(r'<svg[^>]*width="([\d.]+)" height="([\d.]+)"', svg)
        assert found
        assert _png_size(path.read_bytes()) == (round(float(found.group(1)) * 1.5), round(float(found.group(2)) * 1.5))


def test_nothing_is_overwritten_without_force(tmp_path):
    code, output = _export(POST, "--to", tmp_path, "--format", "svg")
    assert code == 0, output
    one = tmp_path / f"{STEM}-2-{CHART_TYPES[1]}.svg"
    one.write_text("mine", encoding="utf-8")
    (tmp_path / f"{STEM}-1-{CHART_TYPES[0]}.svg").unlink()
    code, output = _export(POST, "--to", tmp_path, "--format", "svg")
    assert code == 1
    assert "exists" in output and "--force" in output and "Traceback" not in output
    assert one.read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / f"{STEM}-1-{CHART_TYPES[0]}.svg").exists()  # nothing written at all
    code, output = _export(POST, "--to", tmp_path, "--format", "svg", "--force")
    assert code == 0, output
    assert one.read_text(encoding="utf-8").startswith("<svg")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text("merged_at,additions\n2021-03-05T10:00:00Z,4\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: s\nplugins:\n  - retroblog\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    return tmp_path


def test_a_page_without_a_chart_a_missing_page_and_a_block_error_are_one_line(site, tmp_path):
    docs = site / "docs"
    (docs / "plain.md").write_text("# Plain\n\n```stats\n```\n", encoding="utf-8")
    code, output = _export(docs / "plain.md", "--to", tmp_path / "out")
    assert (
        code == 1
        and output
        == f"Error: {docs / 'plain.md'}: no chart block (only stats blocks); nothing to export "
        "(a chart is a ```chart fence)\n"
    )
    code, output = _export(docs / "gone.md", "--to", tmp_path / "out")
    assert code == 1 and output == f"Error: {docs / 'gone.md'}: no such file; expected a Markdown page of the site\n"
    (docs / "bad.md").write_text("# Bad\n\n```chart\ntype: card\n```\n\n```chart\ntype: pie\n```\n", encoding="utf-8")
    code, output = _export(docs / "bad.md", "--to", tmp_path / "out")
    assert code == 1 and output.startswith(f"Error: {docs / 'bad.md'}:7: chart block: unknown chart type 'pie'")
    assert len(output.strip().splitlines()) == 1
    (docs / "yaml.md").write_text("# Y\n\n```chart\ntype: card\ntitle: [oops\n```\n", encoding="utf-8")
    code, output = _export(docs / "yaml.md", "--to", tmp_path / "out")
    assert code == 1 and re.match(rf"Error: {re.escape(str(docs / 'yaml.md'))}:\d+: chart block: invalid YAML", output)
    assert not (tmp_path / "out").exists()  # an error writes nothing


def test_the_site_is_found_above_the_page_and_a_card_exports(site, tmp_path, monkeypatch):
    (site / "docs" / "post.md").write_text("# Post\n\n```chart\ntype: card\n```\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path.parent)  # not the site's folder: its mkdocs.yml is found from the page
    code, output = _export(site / "docs" / "post.md", "--to", tmp_path / "out", "--format", "svg")
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["post-1-card.svg", "post-1-card.txt"]
    alt = (tmp_path / "out" / "post-1-card.txt").read_text(encoding="utf-8")
    assert alt.startswith("PRs in figures. Summary card of merged PRs. PR merged: 1;"), alt


def test_themed_svg_replaces_every_placeholder_and_current_colour():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><path fill="#010101" stroke="#040404"/>'
        '<text fill="currentColor">x</text></svg>'
    )
    dark = SCHEMES["dark"]
    out = themed_svg(svg, dark)
    assert f'fill="{dark.series[0]}"' in out and f'stroke="{dark.series[3]}"' in out
    assert f'<text fill="{dark.text}">' in out
    assert out.index(f'fill="{dark.background}"') < out.index("<path")  # the background first, under the chart
