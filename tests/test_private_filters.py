"""A private dataset's repositories and labels never reach a page through a block's own filters.

The author names a repository or label in a block (``repo: NAME``, ``label: NAME``) to select PRs; the
page must still not publish that name: not in the figure's aria-label, the caption, the SVG, the spec, the
data table, a stats table or an inline stat, and in ``prs-per-repo`` the words must not undo the
pseudonyms. Every built-in chart type is tried with each filter.
"""

from __future__ import annotations

import html
from pathlib import Path

import markdown
import pytest

from retroblog.build.settings import Settings
from retroblog.charts.builtin import CHARTS
from retroblog.data.reviews import REVIEW_CHARTS
from retroblog.errors import RetroblogError
from retroblog.markdown import RetroblogExtension
from retroblog.stats.filters import Filters

REPOS = ("acme/ZqRepoSecret-api", "acme/ZqRepoSecret-web")
LABEL = "zq-label-secret"
MARKERS = ("zqreposecret", "zq-label-secret")
CSV = "merged_at,additions,deletions,comments,repo,labels,title,url,created_at,languages\n" + "".join(
    f"2021-{m:02d}-{d + 10}T10:00:00Z,{m * 10 + d},{d},{d},{REPOS[d % 2]},{LABEL if d == 1 else 'x'},"
    f"Title {m}{d},https://git.example/{m}{d},2021-{m:02d}-0{d + 1}T10:00:00Z,Python:{m}/{d}\n"
    for m in range(1, 13)
    for d in range(3)
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(CSV)
    return Settings.from_options({"datasets": {"work": {"private": True}}}, tmp_path)


def _convert(settings: Settings, text: str) -> str:
    return markdown.markdown(text, extensions=[RetroblogExtension(settings=settings)])


def _assert_no_private_name(out: str) -> None:
    published = html.unescape(out).lower()
    for marker in MARKERS:
        assert marker not in published, f"{marker} is on the page"


FILTERS = [f"repo: {REPOS[1]}", f"repo: [{REPOS[0]}, {REPOS[1]}]", f"label: {LABEL}", f"year: 2021\nrepo: {REPOS[0]}"]


@pytest.mark.parametrize("kind", sorted(set(CHARTS) - REVIEW_CHARTS))  # (a private reviews dataset: test_reviews.py)
@pytest.mark.parametrize("option", FILTERS, ids=["repo", "two-repos", "label", "year-and-repo"])
def test_no_chart_of_a_private_dataset_names_the_repositories_or_labels_it_filters(settings, kind, option):
    out = _convert(settings, f"```chart\ntype: {kind}\n{option}\n```\n")
    assert out.count('class="retroblog-chart"') == 1, out[:500]
    _assert_no_private_name(out)


def test_the_filters_are_counted_in_the_words_instead():
    filters = Filters.from_options({"repo": list(REPOS), "label": LABEL})
    assert filters.describe(private=True) == "in 2 repositories with 1 label"
    assert Filters.from_options({"repo": REPOS[0]}).describe(private=True) == "in 1 repository"
    assert filters.describe() == f"in {REPOS[0]}, {REPOS[1]} labelled {LABEL}"  # a dataset that is not private


def test_prs_per_repo_words_do_not_undo_the_pseudonyms(settings):
    out = _convert(settings, f"```chart\ntype: prs-per-repo\nrepo: {REPOS[1]}\n```\n")
    assert "Repository A" in out and "in 1 repository" in out
    _assert_no_private_name(out)


def test_stats_tables_and_inline_stats_with_filters_name_nothing_private(settings):
    out = _convert(
        settings,
        f"I merged :stat[total_prs]{{repo={REPOS[1]}}} PRs there and :stat[total_prs]{{label={LABEL}}} "
        f"labelled.\n\n```stats\nrepo: {REPOS[0]}\nlabel: {LABEL}\n```\n",
    )
    assert '<span class="retroblog-stat">12</span>' in out and '<div class="retroblog-stats">' in out
    _assert_no_private_name(out)


@pytest.mark.parametrize("key", ["filters.repo", "filters.repo.0", "filters.label", "filters"])
def test_a_stat_key_that_echoes_the_filters_is_refused(settings, key):
    with pytest.raises(RetroblogError, match="would publish repository names or labels of the private dataset"):
        _convert(settings, f":stat[{key}]{{repo={REPOS[0]} label={LABEL}}}")


def test_an_error_of_a_filtered_block_names_no_private_name(settings):
    with pytest.raises(RetroblogError) as info:
        _convert(settings, f"```chart\ntype: prs-per-month\nyear: 2030\nrepo: {REPOS[0]}\n```\n")
    assert "no PRs from 2030-01-01 to 2030-12-31 in 1 repository in the dataset 'work'" in str(info.value)
    assert "zqreposecret" not in str(info.value).lower()


def test_the_last_guard_refuses_a_private_name_by_any_path(settings):
    """The author's own words are a path too: a description that names a private repository is refused,
    not published (the guard looks at what the chart would publish, not at where it came from)."""
    with pytest.raises(RetroblogError, match="would publish repository names of the private dataset 'work'"):
        _convert(settings, f"```chart\ntype: prs-per-year\ndescription: My work on {REPOS[0]}\n```\n")
    with pytest.raises(RetroblogError, match="would publish labels of the private dataset 'work'"):
        _convert(settings, f"```chart\ntype: cumulative\ntitle: The {LABEL} work\n```\n")
