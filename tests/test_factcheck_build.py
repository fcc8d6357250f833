"""The fact-check in the build (``fact_check: true``): a false claim of a page's prose is a warning naming
its file and line, so ``mkdocs build --strict`` fails on it; a true one and an unread sentence are not.
Under MkDocs (plugin option or the adopted extension's), the extension alone, and Zensical."""

from __future__ import annotations

import logging
from pathlib import Path

import markdown
import pytest

from retroblog.build.settings import Settings
from retroblog.errors import ConfigError
from retroblog.markdown import RetroblogExtension
from tests.conftest import zensical_build

WORK = (
    "merged_at,additions,repo\n"
    "2020-03-02T10:00:00Z,5,a\n"
    "2020-03-03T10:00:00Z,1500,a\n"
    "2020-07-01T10:00:00Z,50,b\n"
    "2021-01-04T10:00:00Z,2000,a\n"
)
"""Three PRs in 2020, one in 2021."""
SIDE = "merged_at,additions,repo\n2020-05-01T10:00:00Z,7,x\n"
"""One PR in 2020."""

PAGE = (
    "---\ntitle: Looking back\n---\n\n# Looking back\n\n"  # lines 1-5
    "I merged 3 PRs in 2020.\n\n"  # line 7: true
    "Then, in 2021, it got busy. I merged 5 PRs in 2021.\n\n"  # line 9: false
    "I merged 9 PRs in spring 2020.\n"  # line 11: not read
)
TRUE = '"I merged 3 PRs in 2020."'
FALSE = 'index.md:9: false: "I merged 5 PRs in 2021.": the data says 1 PRs in 2021; :stat[by_year.2021]'
UNREAD = '"I merged 9 PRs in spring 2020."'

PLUGIN = "site_name: t\nplugins:\n  - retroblog:\n      workers: false\n      datasets: {work: {default: true}}\n"


def site(root: Path, config: str, page: str = PAGE) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "data" / "work.csv").write_text(WORK, encoding="utf-8")
    (root / "data" / "side.csv").write_text(SIDE, encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(page, encoding="utf-8")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root / "mkdocs.yml"


@pytest.mark.parametrize(
    "config",
    [
        PLUGIN + "      fact_check: true\n",
        "site_name: t\nplugins:\n  - retroblog:\n      workers: false\nmarkdown_extensions:\n  - retroblog:\n"
        "      datasets: {work: {default: true}}\n      fact_check: true\n",
    ],
    ids=["plugin-option", "extension-option"],
)
def test_a_false_claim_fails_the_strict_build_naming_its_file_and_line(tmp_path, build_site, config):
    build = build_site(site(tmp_path / "site", config))
    assert build.returncode == 1
    assert "strict mode" in (build.abort or "")
    assert build.messages() == [FALSE]
    assert TRUE not in build.output
    info = build.messages(logging.INFO)
    assert any(m.startswith("index.md:11: not checked: " + UNREAD) for m in info), info


def test_without_the_option_the_claims_are_not_checked(tmp_path, build_site):
    build = build_site(site(tmp_path / "site", PLUGIN)).assert_clean()
    assert "false:" not in build.output and "not checked" not in build.output


def test_the_claims_of_a_page_are_checked_against_the_dataset_its_front_matter_names(tmp_path, build_site):
    page = "---\ndataset: side\n---\n\nI merged 1 PR in 2020. I merged 3 PRs in 2020.\n"
    build = build_site(site(tmp_path / "site", PLUGIN + "      fact_check: true\n", page))
    assert build.messages() == [
        'index.md:5: false: "I merged 3 PRs in 2020.": the data says 1 PRs in 2020; :stat[by_year.2020]{dataset=side}'
    ]


def test_a_page_may_opt_out_in_its_front_matter(tmp_path, build_site):
    page = "---\nfact_check: false\n---\n\nA tutorial: write 'I merged 500 PRs in 2021.' and see.\n"
    build_site(site(tmp_path / "site", PLUGIN + "      fact_check: true\n", page)).assert_clean()


def test_the_extension_alone_logs_the_false_claim_as_a_warning(tmp_path, caplog):
    site(tmp_path, "site_name: t\n")
    extension = RetroblogExtension(fact_check=True, root=str(tmp_path), datasets={"work": {"default": True}})
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        html = markdown.markdown(PAGE, extensions=[extension])
    assert "I merged 5 PRs in 2021." in html  # the post is never rewritten
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [FALSE.replace("index.md", "<markdown>")]
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert [m.split(": ", 2)[:2] for m in infos] == [["<markdown>:11", "not checked"]]
    assert all(r.name.startswith("mkdocs.") for r in caplog.records)  # what mkdocs build --strict counts


def test_the_extension_without_the_option_logs_nothing(tmp_path, caplog):
    site(tmp_path, "site_name: t\n")
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        markdown.markdown(PAGE, extensions=[RetroblogExtension(root=str(tmp_path))])
    assert caplog.records == []


@pytest.mark.parametrize("value", ["yes", 1, [True]])
def test_fact_check_is_true_or_false(tmp_path, value):
    with pytest.raises(ConfigError, match="'fact_check' must be true or false, got "):
        Settings.from_options({"fact_check": value}, tmp_path)


ZENSICAL = (
    "site_name: t\nextra_css:\n  - assets/retroblog/retroblog.css\nmarkdown_extensions:\n  - retroblog:\n"
    "      datasets: {work: {default: true}}\n      fact_check: true\n"
)


@pytest.mark.slow
def test_zensical_fails_on_a_false_claim_under_strict_true_in_mkdocs_yml(tmp_path):
    from retroblog.build.assets import write_assets

    config = site(tmp_path / "site", ZENSICAL + "strict: true\n")
    write_assets(config.parent / "docs", tmp_path / "vega-cache")
    result = zensical_build(config.parent)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert FALSE in output, output[-2000:]
    assert TRUE not in output


@pytest.mark.slow
def test_zensical_prints_the_false_claim_but_its_strict_flag_does_not_count_it(tmp_path):
    """The documented limit: Zensical's ``--strict`` counts no warning a Python-Markdown extension logs."""
    from retroblog.build.assets import write_assets

    config = site(tmp_path / "site", ZENSICAL)
    write_assets(config.parent / "docs", tmp_path / "vega-cache")
    result = zensical_build(config.parent)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-2000:]
    assert FALSE in output
