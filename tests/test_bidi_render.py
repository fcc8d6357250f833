"""A right-to-left override in a repository name or a title reverses that text only, never the page after it.

U+202E (RIGHT-TO-LEFT OVERRIDE) opens an override that lasts to the end of the paragraph unless something
closes it. Every text and attribute retroblog writes (caption, aria-label, data table, stats table, inline
stat, the SVG's labels and accessible names) must close what its user text opens; each name inside a sentence
is its own isolate. Checked on what a real conversion writes, for every built-in chart type.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from retroblog.build.settings import Settings
from retroblog.charts.builtin import CHARTS
from retroblog.data.reviews import REVIEW_CHARTS
from retroblog.markdown import RetroblogExtension
from retroblog.util.bidi import balance, isolate

RLO, PDF, FSI, PDI = "\u202e", "\u202c", "\u2068", "\u2069"
REPOS = (f"acme/{RLO}evil", "acme/plain")
CSV = "merged_at,additions,deletions,comments,repo,labels,created_at,languages\n" + "".join(
    f"2021-{m:02d}-1{d}T10:00:00Z,{m * 10 + d},{d},{d},{REPOS[d % 2]},{RLO}lbl,2021-{m:02d}-0{d + 1}T10:00:00Z,"
    f"Go:{m}/1\n"
    for m in range(1, 13)
    for d in range(3)
)


def open_at_end(text: str) -> int:
    """How many embeddings, overrides and isolates ``text`` leaves open at its end."""
    stack: list[str] = []
    for char in text:
        if char in "\u202a\u202b\u202d\u202e":
            stack.append(PDF)
        elif char in "\u2066\u2067\u2068":
            stack.append(PDI)
        elif char == PDF and stack and stack[-1] == PDF:
            stack.pop()
        elif char == PDI and PDI in stack:
            while stack.pop() != PDI:
                pass
    return len(stack)


class Texts(HTMLParser):
    """Every text node and attribute value of a page, unescaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.texts.extend(value for _, value in attrs if value)

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


def texts(page: str) -> list[str]:
    parser = Texts()
    parser.feed(page)
    return parser.texts


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(CSV, encoding="utf-8")
    return Settings.from_options({}, tmp_path)


def _convert(settings: Settings, text: str) -> str:
    return markdown.markdown(text, extensions=[RetroblogExtension(settings=settings)])


@pytest.mark.parametrize("kind", sorted(set(CHARTS) - REVIEW_CHARTS))  # (reviews charts: tests/test_reviews.py)
def test_no_text_of_a_chart_leaves_an_override_open(settings, kind):
    out = _convert(settings, f"```chart\ntype: {kind}\ntitle: Chart {RLO}of mine\nrepo: {REPOS[0]}\n```\n")
    assert 'class="retroblog-chart"' in out, out[:400]
    assert RLO in html.unescape(out)  # the names are there, as they are
    left_open = [t for t in texts(out) if open_at_end(t)]
    assert not left_open, left_open[:3]


def test_a_name_inside_a_caption_is_its_own_isolate(settings):
    out = _convert(settings, "```chart\ntype: prs-per-repo\n```\n")
    caption = next(t for t in texts(out) if "PRs were merged in" in t)
    # the override reverses the name only: it is closed before the words after it
    assert f"{FSI}acme/{RLO}evil{PDF}{PDI}" in caption


def test_stats_tables_and_inline_stats_close_what_a_title_opens(settings):
    out = _convert(settings, f":stat[total_prs]{{repo='{REPOS[0]}'}}\n\n```stats\ntitle: Mine {RLO}here\n```\n")
    assert f"Mine {RLO}here" in html.unescape(out)
    assert not [t for t in texts(out) if open_at_end(t)]


def test_plain_text_is_left_as_it_is():
    assert isolate("acme/api") == "acme/api" and balance("Apr 2016") == "Apr 2016"
    assert isolate(f"a{RLO}b") == f"{FSI}a{RLO}b{PDF}{PDI}"
