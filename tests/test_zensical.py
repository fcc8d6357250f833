"""One mkdocs.yml, two engines: the example site built by MkDocs and by Zensical gives the same site.

Zensical reads ``mkdocs.yml``, runs Python-Markdown extensions and drops MkDocs plugins. The example
site lists retroblog under ``markdown_extensions`` (the one place its options are), the chart assets in
``docs/assets/retroblog/`` (``retroblog assets``) and ``watch: [data]``; the MkDocs plugin adopts the
extension. Here both engines build the whole site (blog, feeds, overrides, both datasets, the docs) and
the builds are compared page by page; ``retroblog check`` finds nothing in either, and what it finds in a
site built without retroblog is named by file and line.
"""

from __future__ import annotations

import re
import shutil
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from retroblog.build.assets import ASSETS, FILES, check_assets, write_assets
from retroblog.build.settings import read_site_settings
from retroblog.cli import main
from retroblog.render.vendor import asset
from retroblog.site.check import check_site
from tests.conftest import copy_site_sources, zensical_build

FIGURE = re.compile(r'<figure class="retroblog-chart.*?</figure>', re.DOTALL)
STAT = re.compile(r'<span class="retroblog-stat">([^<]*)</span>')
STATS_TABLE = re.compile(r'<div class="retroblog-stats">.*?</div>', re.DOTALL)
CAREER = re.compile(r'<(aside|div)[^>]*class="[^"]*\bretroblog-career(?:-table)?\b[^"]*".*?</\1>', re.DOTALL)
ITEM = re.compile(r"<item>.*?</item>", re.DOTALL)

DOCUMENTED_DIFFERENCES = (" data-search-exclude",)
"""What differs in chart HTML, as docs/zensical.md says: Zensical's search drops this attribute."""


_zensical = zensical_build


def _pages(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*.html")}


def _made(text: str) -> dict[str, list[str]]:
    """What retroblog made on a page: chart figures, inline numbers, stats tables, career notes."""
    for attribute in DOCUMENTED_DIFFERENCES:
        text = text.replace(attribute, "")
    return {
        "figures": FIGURE.findall(text),
        "stats": STAT.findall(text),
        "tables": STATS_TABLE.findall(text),
        "career": [match.group(0) for match in CAREER.finditer(text)],
    }


def _feed_items(path: Path) -> list[tuple[str, str, object]]:
    items = []
    for item in ITEM.findall(path.read_text(encoding="utf-8")):
        title = re.search(r"<title>([^<]*)</title>", item)
        link = re.search(r"<link>([^<]*)</link>", item)
        date = re.search(r"<pubDate>([^<]*)</pubDate>", item)
        assert title and link and date, item
        items.append((title.group(1).replace("&#34;", "&quot;"), link.group(1), parsedate_to_datetime(date.group(1))))
    return sorted(items, key=lambda entry: entry[1])


@pytest.mark.slow
def test_the_example_site_builds_the_same_on_mkdocs_and_zensical(example_site, zensical_example_site):
    zensical_site = zensical_example_site  # (from a copy of the sources, as a fresh clone has them)

    # Same URLs, and on every page the same charts, numbers, tables and career notes.
    assert _pages(zensical_site) == _pages(example_site)
    made_somewhere = 0
    for page in sorted(_pages(example_site)):
        expected = _made((example_site / page).read_text(encoding="utf-8"))
        shown = _made((zensical_site / page).read_text(encoding="utf-8"))
        for kind in expected:
            assert shown[kind] == expected[kind], f"{page}: {kind} differ"
        made_somewhere += sum(map(len, expected.values()))
    assert made_somewhere > 100
    post = "blog/2020/11/09/what-on-call-taught-me-about-writing-code/index.html"
    assert _made((zensical_site / post).read_text(encoding="utf-8"))["career"], "career: true gives its note"

    # The feeds list the same posts with the same dates (none dated at the build time).
    for feed in ("feed_rss_created.xml",):
        assert _feed_items(zensical_site / feed) == _feed_items(example_site / feed)
    # retroblog check finds nothing undone in either build; the chart assets are this version's.
    assert check_site(example_site) == []
    assert check_site(zensical_site) == []
    for name in FILES:
        assert (zensical_site / ASSETS / name).read_bytes() == (example_site / ASSETS / name).read_bytes(), name


@pytest.mark.slow
def test_zensical_error_names_the_page_and_its_line(tmp_path):
    root = copy_site_sources(tmp_path / "project")
    write_assets(root / "docs", tmp_path / "vega-cache")
    page = root / "docs" / "blog" / "posts" / "my-three-years-at-northwind.md"
    text = page.read_text(encoding="utf-8")
    broken = text.replace("type: prs-per-year", "type: prs-per-decade", 1)
    assert broken != text
    page.write_text(broken, encoding="utf-8")
    fence = next(i for i, line in enumerate(broken.splitlines(), 1) if line == "type: prs-per-decade") - 1
    result = _zensical(tmp_path, "-f", str(root / "mkdocs.yml"))  # run from another folder: data/ is found
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"blog/posts/{page.name}:{fence}: chart block: unknown chart type 'prs-per-decade'" in output, output[-2000:]


@pytest.mark.slow
def test_zensical_refuses_stale_chart_assets(tmp_path):
    root = copy_site_sources(tmp_path / "project")
    write_assets(root / "docs", tmp_path / "vega-cache")
    script = root / "docs" / ASSETS / "retroblog.js"
    script.write_bytes(b"/* retroblog 0.0.1 */\n" + script.read_bytes())
    result = _zensical(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "assets/retroblog/retroblog.js: is not the file of the installed retroblog; run 'retroblog assets'" in output


# -- the MkDocs plugin adopts the extension ------------------------------------------------------


def _small_site(root: Path, plugin: str, extension: str) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "docs").mkdir()
    shutil.copy2(Path(__file__).parents[1] / "data" / "example.csv", root / "data" / "work.csv")
    (root / "docs" / "index.md").write_text(
        "# PRs\n\nI merged :stat[total_prs] pull requests.\n\n```chart\ntype: prs-per-year\n```\n", encoding="utf-8"
    )
    (root / "mkdocs.yml").write_text(
        f"site_name: t\nplugins:\n{plugin}\nmarkdown_extensions:\n{extension}\n", encoding="utf-8"
    )
    return root / "mkdocs.yml"


EXTENSION = (
    "  - retroblog:\n      datasets:\n        work:\n          default: true\n          timezone: Europe/Berlin\n"
)


def test_plugin_adopts_the_extension_and_its_options(tmp_path, build_site):
    config = _small_site(tmp_path / "site", "  - retroblog:\n      workers: false", EXTENSION)
    build = build_site(config).assert_clean()
    page = (build.site_dir / "index.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<span class="retroblog-stat">310</span>', page)) == 1
    assert len(FIGURE.findall(page)) == 1
    assert page.count("assets/retroblog/retroblog.css") == 1
    # the CLI (retroblog stats work) reads the same options
    assert read_site_settings(config).datasets == {"work": {"default": True, "timezone": "Europe/Berlin"}}


def test_plugin_refuses_site_options_in_two_places(tmp_path, build_site):
    config = _small_site(tmp_path / "site", "  - retroblog:\n      timezone: UTC", EXTENSION)
    build = build_site(config)
    assert build.returncode == 1
    assert "site options in two places: timezone under 'plugins'" in build.stderr + build.stdout


def test_a_wrong_site_option_on_the_extension_is_one_line_under_mkdocs(tmp_path, build_site):
    """MkDocs checks `markdown_extensions` by loading each extension and prints an exception raised then
    with its traceback: the options are checked by the plugin instead, as a one-line error."""
    config = _small_site(tmp_path / "site", "  - retroblog", "  - retroblog:\n      timezone: Mars/Phobos")
    build = build_site(config)
    output = build.stderr + build.stdout
    assert build.returncode == 1
    assert "retroblog: timezone: unknown timezone 'Mars/Phobos'" in output
    assert "Traceback" not in output and 'File "' not in output, output


def test_mkdocs_warns_on_stale_chart_assets_and_serves_the_installed_ones(tmp_path, build_site):
    config = _small_site(tmp_path / "site", "  - retroblog:\n      workers: false", EXTENSION)
    docs = config.parent / "docs"
    write_assets(docs, tmp_path / "vega-cache")
    (docs / ASSETS / "retroblog.css").write_text("/* old */", encoding="utf-8")
    build = build_site(config)
    assert build.returncode == 1  # --strict: the warning stops the build
    assert "assets/retroblog/retroblog.css: is not the file of the installed retroblog" in build.stderr
    build = build_site(config, strict=False)
    assert (build.site_dir / ASSETS / "retroblog.css").read_bytes() == asset("retroblog.css")


# -- retroblog assets and retroblog check ---------------------------------------------------------


def test_assets_are_written_and_checked_against_the_installed_version(tmp_path):
    docs = tmp_path / "docs"
    assert [problem.reason for problem in check_assets(docs)] == ["missing"] * 3
    assert {path.name for path in write_assets(docs, tmp_path / "cache")} == set(FILES)
    assert check_assets(docs) == []
    assert write_assets(docs, tmp_path / "cache") == []  # current: nothing rewritten
    vega = docs / ASSETS / "vega.js"
    vega.write_bytes(b"/*! Vega, Vega-Lite and vega-embed, bundled by vl-convert-python 0.1.\n" + vega.read_bytes())
    assert [(problem.path.name, problem.reason) for problem in check_assets(docs)] == [
        ("vega.js", "is not the file of the installed retroblog")
    ]
    runner = CliRunner()
    result = runner.invoke(main, ["assets", "--check", "--docs-dir", str(docs)])
    assert result.exit_code == 1 and "vega.js: is not the file of the installed retroblog" in result.output
    result = runner.invoke(main, ["assets", "--docs-dir", str(docs)])
    assert result.exit_code == 0 and check_assets(docs) == []


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


RUNTIME_LINKS = '<link rel="stylesheet" href="../assets/retroblog/retroblog.css">\n'


def test_check_names_page_and_line_of_what_retroblog_did_not_make(tmp_path):
    site = tmp_path / "site"
    for name in FILES:
        _write(site / ASSETS / name, "x")
    _write(
        site / "post" / "index.html",
        "<html>\n<p>I merged :stat[total_prs] PRs.</p>\n<p><code>:stat[shown]</code> is the syntax</p>\n"
        '<pre><code>:stat[in a block]</code></pre>\n<div class="language-chart highlight"><pre>type: x</pre></div>\n'
        '<pre><code class="language-stats">dataset: work</code></pre>\n',
    )
    _write(
        site / "interactive" / "index.html",
        f'{RUNTIME_LINKS}<figure class="retroblog-chart" data-retroblog-interactive="true"></figure>\n',
    )
    _write(site / "fine" / "index.html", f'{RUNTIME_LINKS}<figure class="retroblog-chart"></figure>\n')
    build = "Fri, 04 Dec 2026 21:50:53 +0000"
    _write(
        site / "feed_rss_created.xml",
        f"<rss>\n<channel>\n<lastBuildDate>{build}</lastBuildDate>\n<item>\n<title>Old</title>\n"
        "<pubDate>Mon, 02 Mar 2020 00:00:00 +0000</pubDate>\n</item>\n<item>\n<title>Flat date</title>\n"
        "<description>I merged :stat[total_prs] PRs</description>\n"
        f"<pubDate>{build}</pubDate>\n</item>\n</channel>\n</rss>\n",
    )
    _write(
        site / "feed_rss_updated.xml",
        f"<rss>\n<lastBuildDate>{build}</lastBuildDate>\n<item>\n<pubDate>{build}</pubDate>\n</item></rss>",
    )
    found = [(finding.path, finding.line, finding.message.split(" (")[0]) for finding in check_site(site)]
    assert found == [
        ("feed_rss_created.xml", 10, "'Flat date': inline stat left as text in the feed's description"),
        ("feed_rss_created.xml", 11, "'Flat date' is dated at the feed's build time"),
        ("interactive/index.html", 2, "an interactive chart without retroblog.js"),
        ("post/index.html", 2, "inline stat left as text: ':stat[total_prs]'"),
        ("post/index.html", 5, "a 'chart' block left as code"),
        ("post/index.html", 6, "a 'stats' block left as code"),
    ]
    result = CliRunner().invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    assert f"{site.as_posix()}/post/index.html:2: inline stat left as text" in result.output
    assert "6 problems" in result.output


def test_check_wants_the_stylesheet_and_the_assets_folder(tmp_path):
    site = tmp_path / "site"
    _write(site / "index.html", '<figure class="retroblog-chart"></figure>\n')
    messages = [finding.message for finding in check_site(site)]
    assert messages == [
        "charts without retroblog.css (they show in placeholder colours)",
        "charts, but the site has no complete assets/retroblog/ folder",
    ]
    _write(site / "index.html", "<p>no charts here</p>\n")
    assert check_site(site) == []
    assert CliRunner().invoke(main, ["check", str(site)]).exit_code == 0


@pytest.mark.slow
def test_a_new_site_builds_the_same_on_mkdocs_and_zensical(tmp_path, build_site):
    site = tmp_path / "new"
    assert CliRunner().invoke(main, ["new", str(site), "--title", "Two engines"]).exit_code == 0
    mkdocs_build = build_site(site, site_dir=tmp_path / "mkdocs-site").assert_clean()
    assert CliRunner().invoke(main, ["assets", "--docs-dir", str(site / "docs")]).exit_code == 0
    result = _zensical(site)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    mkdocs_site, zensical_site = mkdocs_build.site_dir, site / "site"
    assert _pages(zensical_site) == _pages(mkdocs_site)
    post = next(page for page in _pages(mkdocs_site) if "two-years-in-pull-requests" in page)
    expected = _made((mkdocs_site / post).read_text(encoding="utf-8"))
    assert len(expected["figures"]) == 3 and expected["stats"]
    assert _made((zensical_site / post).read_text(encoding="utf-8")) == expected
    assert _feed_items(zensical_site / "feed_rss_created.xml") == _feed_items(mkdocs_site / "feed_rss_created.xml")
    assert check_site(mkdocs_site) == [] and check_site(zensical_site) == []
