"""Feeds of posts that use retroblog's syntax: the abstract shows numbers, never the syntax."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.blogsite import write_blog

CSV = "merged_at,additions,deletions\n2019-07-01T10:00:00Z,5,1\n2021-12-01T10:00:00Z,7,2\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(CSV)
    return tmp_path


@pytest.mark.slow
def test_feed_abstract_of_a_post_without_description_shows_numbers_not_syntax(site, build_site):
    """mkdocs-rss-plugin renders abstracts with plain Markdown; the plugin hands it the converted excerpt."""
    post = (
        "---\ndate: 2021-03-01\n---\n\n# Numbers\n\nI merged :stat[total_prs] PRs.\n\n"
        "```chart\ntype: prs-per-year\n```\n\n<!-- more -->\n\nRest.\n"
    )
    write_blog(site, {"numbers.md": post})
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "plugins: [search, blog, retroblog]",
            "plugins: [search, blog, retroblog, {rss: {match_path: blog/posts/.*, json_feed_enabled: true, "
            "abstract_delimiter: <!-- more -->, use_git: false, date_from_meta: {as_creation: date}}}]",
        )
    )
    done = build_site(site)
    assert done.returncode == 0, done.stderr
    feed = (site / "site" / "feed_rss_created.xml").read_text()
    assert "I merged" in feed and ":stat[" not in feed and "```chart" not in feed and "prs-per-year" not in feed
    assert "retroblog-stat" in html.unescape(feed) and ">2<" in html.unescape(feed)  # the number, 2 PRs in work.csv
