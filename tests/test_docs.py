"""The documentation pages cannot drift from the code: every option, chart type, stat key and command is
documented, the examples shown are the blocks rendered, and a broken internal link fails the build."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import click
import markdown
import pytest
import yaml

from retroblog.build import options as options_module
from retroblog.build.options import CHART_KEYS
from retroblog.build.settings import read_site_settings
from retroblog.charts.builtin import CHARTS, OPTIONS
from retroblog.cli import main
from retroblog.errors import RetroblogError
from retroblog.markdown import RetroblogExtension
from retroblog.plugin import RetroblogConfig
from tests.conftest import REPO, copy_site_sources

DOCS = REPO / "docs"
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w.+-]*)")


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def fences(text: str) -> list[tuple[str, str]]:
    """(info string, body) of every top-level fenced block, as CommonMark closes them."""
    lines = text.split("\n")
    found: list[tuple[str, str]] = []
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        fence = match.group("fence")
        end = index + 1
        while end < len(lines):
            closing = lines[end].strip()
            if closing.startswith(fence) and set(closing) == {fence[0]}:
                break
            end += 1
        found.append((match.group("lang"), "\n".join(lines[index + 1 : end])))
        index = end + 1
    return found


def live(text: str, lang: str = "chart") -> list[str]:
    """Bodies of the blocks the plugin renders (info string exactly ``lang``)."""
    return [body for info, body in fences(text) if info == lang]


def shown(text: str, lang: str = "chart") -> list[str]:
    """Bodies of the ``lang`` blocks shown as source inside ````markdown examples."""
    return [body for info, outer in fences(text) if info == "markdown" for body in live(outer, lang)]


def built_in_types() -> set[str]:
    career = getattr(options_module, "CAREER_CHART", None)  # a built-in type that is not in CHARTS
    return set(CHARTS) | ({career} if career else set())


# -- configuration.md ----------------------------------------------------------------------------------


def test_every_plugin_and_extension_option_is_documented():
    page = read("configuration.md")
    plugin_options = [name for name, _ in RetroblogConfig._schema]
    extension_options = list(RetroblogExtension().config)
    assert "data_dir" in plugin_options and "on_error" in extension_options
    missing = [name for name in [*plugin_options, *extension_options] if f"| `{name}` |" not in page]
    assert missing == [], f"options not in a table of docs/configuration.md: {missing}"
    for key in ("path", "timezone", "private", "default"):  # the keys of one entry of `datasets:`
        assert f"| `{key}` |" in page


# -- charts.md -----------------------------------------------------------------------------------------


def test_every_chart_type_is_shown_live_with_its_source():
    page = read("charts.md")
    charts = [yaml.safe_load(body) for body in live(page)]
    missing = built_in_types() - {c.get("type") for c in charts}
    assert not missing, f"chart types without a live example in docs/charts.md: {sorted(missing)}"
    assert any("spec" in c for c in charts) and any("altair" in c for c in charts)
    sources = shown(page)
    assert [body for body in live(page) if body not in sources] == [], "a live chart without its source shown"
    for chart in charts:
        if "spec" in chart:
            assert (REPO / chart["spec"]).is_file(), chart
        if "altair" in chart:
            assert (REPO / (chart["altair"].split(":")[0].replace(".", "/") + ".py")).is_file(), chart
    stats_blocks = live(page, "stats")
    assert stats_blocks and all(body in shown(page, "stats") for body in stats_blocks)


def test_the_own_chart_examples_show_the_files_as_they_are():
    page = read("charts.md")
    (spec,) = [body for info, body in fences(page) if info == "json"]
    assert spec + "\n" == (DOCS / "charts" / "weekday.vl.json").read_text(encoding="utf-8")
    (code,) = [body for info, body in fences(page) if info == "python"]
    assert (REPO / "charts.py").read_text(encoding="utf-8").endswith("\n" + code + "\n")


def test_getting_started_shows_the_source_of_its_chart():
    page = read("getting-started.md")
    assert live(page) and all(body in shown(page) for body in live(page))


def test_every_chart_option_is_documented():
    page = read("charts.md")
    options = set(CHART_KEYS).union(*OPTIONS.values())
    missing = sorted(name for name in options if f"| `{name}` |" not in page)
    assert missing == [], f"chart options not in a table of docs/charts.md: {missing}"


def test_every_stat_key_is_documented(example_figures: dict[str, Any]):
    figures = example_figures
    page = read("charts.md")
    missing = [key for key in figures if f"`{key}" not in page]
    for table in ("size", "lines_changed_size", "longest_streak", "unknown"):
        prefix = "size" if table == "lines_changed_size" else table  # the percentiles are listed once
        missing += [f"{table}.{key}" for key in figures[table] if f"`{prefix}.{key}`" not in page]
    assert missing == [], f"stat keys of 'retroblog stats --json' not in docs/charts.md: {missing}"


def _convert(text: str) -> str:
    extension = RetroblogExtension(settings=read_site_settings(REPO / "mkdocs.yml"))
    extension.page = "blog/posts/my-post.md"
    return markdown.markdown(text, extensions=[extension])


def test_documented_error_messages_are_the_real_ones():
    page = read("charts.md")
    section = page[page.index("## When a block is wrong") :]
    broken = shown(section)[0]
    documented = [body for info, body in fences(section) if info == "text"]
    chart_message = re.search(r"my-post\.md:\d+: (.*?)\.\.\.$", documented[0], re.M)
    stat_message = re.search(r"my-post\.md:\d+: (.*?)\.\.\.\)$", documented[1], re.M)
    assert chart_message and stat_message
    with pytest.raises(RetroblogError) as error:
        _convert(f"```chart\n{broken}\n```\n")
    assert str(error.value).split(": ", 1)[1].startswith(chart_message.group(1))
    with pytest.raises(RetroblogError) as error:
        _convert("I merged :stat[total_pr] PRs.\n")
    assert str(error.value).split(": ", 1)[1].startswith(stat_message.group(1))


# -- the built pages -----------------------------------------------------------------------------------


def _page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.slow
def test_built_pages_render_every_live_block_and_keep_examples_literal(example_site):
    for name in ("charts", "getting-started"):
        source, page = read(f"{name}.md"), _page(example_site, name)
        assert page.count('<figure class="retroblog-chart"') == len(live(source)), name
        assert page.count('class="retroblog-stats"') == len(live(source, "stats")), name
        assert "retroblog-pending" not in page and "retroblog-error" not in page
        text = _text(page)
        for body in shown(source):
            assert f"```chart\n{body}\n```" in text, f"{name}: example not shown literally: {body!r}"
        assert ":stat[total_prs]" in text  # the syntax, shown in code
    charts = _page(example_site, "charts")
    assert "PRs merged per weekday." in charts and "PRs merged per hour of the day." in charts  # spec, altair
    assert '<span class="retroblog-stat">310</span>' in charts


@pytest.mark.slow
def test_cli_page_documents_every_command(example_site):
    page = _page(example_site, "cli")

    def ids(group: click.Group, prefix: str) -> list[str]:
        found = []
        for name, command in sorted(group.commands.items()):
            found.append(f"{prefix}-{name}")
            if isinstance(command, click.Group):
                found += ids(command, f"{prefix}-{name}")
        return found

    expected = ids(main, "retroblog")
    assert len(expected) >= 3
    missing = [anchor for anchor in expected if f'id="{anchor}"' not in page]
    assert missing == [], f"commands without a section in the built cli page: {missing}"
    for name in main.commands:
        assert f"retroblog {name} [OPTIONS]" in html.unescape(page)


@pytest.mark.slow
def test_every_docs_page_is_in_the_site(example_site):
    for path in DOCS.glob("*.md"):
        name = "" if path.stem == "index" else path.stem
        assert (example_site / name / "index.html").is_file(), path


# -- link checking -------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """mkdocs.yml may hold tags such as !ENV; they do not matter here."""


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _site(root: Path, pages: dict[str, str], nav: list[str]) -> Path:
    """A small site with the example site's `validation:` settings."""
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    root.mkdir(parents=True, exist_ok=True)
    site = {
        "site_name": "links",
        "theme": {"name": "mkdocs"},
        "validation": config["validation"],
        "nav": nav,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(site), encoding="utf-8")
    for name, text in pages.items():
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(text, encoding="utf-8")
    return root


PAGES = {"index.md": "# Home\n\n[ok](other.md#a-heading)\n", "other.md": "# Other\n\n## A heading\n"}
NAV = ["index.md", "other.md"]


@pytest.mark.slow
def test_strict_build_passes_with_working_links(tmp_path, build_site):
    result = build_site(_site(tmp_path, PAGES, NAV))
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("index", "nav", "complaint"),
    [
        ("[a page](missing.md)", NAV, "contains a link 'missing.md', but the target is not found"),
        ("[an anchor](other.md#nowhere)", NAV, "does not contain an anchor '#nowhere'"),
        ("[a folder](other/)", NAV, "unrecognized relative link 'other/'"),
        ("[ok](other.md#a-heading)", ["index.md"], 'not included in the "nav" configuration'),
        (
            "[ok](other.md#a-heading)",
            [*NAV, "gone.md"],
            "A reference to 'gone.md' is included in the 'nav' configuration",
        ),
    ],
)
def test_strict_build_fails_on_a_broken_internal_link(tmp_path, build_site, index, nav, complaint):
    result = build_site(_site(tmp_path, PAGES | {"index.md": f"# Home\n\n{index}\n"}, nav))
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Aborted" in output
    assert complaint in output, output


@pytest.mark.slow
def test_the_example_sites_strict_build_fails_on_its_own_broken_links(tmp_path, build_site):
    """The build the tests rely on (tests/sitebuild.py's, as the example_site fixture runs it) aborts on
    a broken link in the real docs, and names the page and each broken target."""
    site = copy_site_sources(tmp_path / "src")
    page = site / "docs" / "getting-started.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\nSee [a page](no-such-page.md) and [a section](charts.md#no-such-anchor).\n",
        encoding="utf-8",
    )
    result = build_site(site, site_dir=tmp_path / "out")
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Aborted with 2 warnings in strict mode" in output, output[-3000:]
    warnings = [line for line in output.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 2, warnings
    assert "'getting-started.md' contains a link 'no-such-page.md', but the target is not found" in warnings[0]
    assert "'charts.md' does not contain an anchor '#no-such-anchor'" in warnings[1]


# -- README --------------------------------------------------------------------------------------------


def test_readme_links_and_pictures_exist():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", readme)
    assert "docs/assets/screenshot-chart-post.png" in targets
    local = [t for t in targets if not re.match(r"^[a-z]+:", t)]
    missing = [t for t in local if not (REPO / t.split("#")[0]).exists()]
    assert missing == []
    for page in ("getting-started", "charts", "configuration", "importing", "cli"):
        assert f"docs/{page}.md" in targets, page
