"""Career in pages: the career-timeline chart, the ``career`` fence and ``career: true`` on a post."""

from __future__ import annotations

import datetime as dt
import html
import shutil
from pathlib import Path

import markdown
import pytest
import yaml

from retroblog.build.career import context_html
from retroblog.data.career import load_career
from retroblog.errors import RetroblogError
from retroblog.markdown import RetroblogExtension
from tests.blogsite import build, write_blog

REPO = Path(__file__).resolve().parents[2]
CSV = "merged_at,additions,deletions\n2019-07-01T10:00:00Z,5,1\n2021-12-01T10:00:00Z,7,2\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(CSV)
    shutil.copy2(REPO / "data" / "career.yml", tmp_path / "data" / "career.yml")
    return tmp_path


def convert(site: Path, text: str) -> str:
    ext = RetroblogExtension(root=str(site))
    ext.page = "career.md"
    return markdown.markdown(text, extensions=[ext])


def test_career_timeline_chart_needs_no_dataset(site):
    out = convert(site, "```chart\ntype: career-timeline\ntitle: My path\n```\n")
    assert out.startswith('<figure class="retroblog-chart"') and "<svg" in out
    roles = [
        r
        for e in yaml.safe_load((site / "data" / "career.yml").read_text())["employers"]
        for t in e["teams"]
        for r in t["roles"]
    ]
    assert out.count("<tr><td>") == len(roles)  # the hidden data table: a row per role
    assert "My path" in out


def test_career_timeline_ends_open_roles_at_the_last_merged_pr(site):
    career = (site / "data" / "career.yml").read_text().replace("    end: 2022-05-31\n", "", 1)
    (site / "data" / "career.yml").write_text(career)
    out = html.unescape(convert(site, "```chart\ntype: career-timeline\n```\n"))
    assert "2021-12-01" in out  # the last merge of data/work.csv, not the build's date
    assert dt.date.today().isoformat() not in out


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            "```chart\ntype: career-timeline\ndataset: work\n```",
            "career.md:1: chart block: unknown option(s) dataset for career-timeline",
        ),
        ("```career\n```", "career.md:1: career block: a career note needs a date"),
        (
            "```career\ndate: 2021-05-01\nfoo: 1\n```",
            "career.md:1: career block: unknown option(s) foo; expected date, table",
        ),
    ],
)
def test_career_block_errors(site, block, message):
    with pytest.raises(RetroblogError) as caught:
        convert(site, block + "\n")
    assert str(caught.value).startswith(message)


def test_missing_career_file_is_named(site):
    (site / "data" / "career.yml").unlink()
    with pytest.raises(RetroblogError, match=r"career block: no career file: expected .*data/career\.yml"):
        convert(site, "```career\ndate: 2021-05-01\n```\n")


def test_an_unknown_career_timeline_option_is_reported_before_a_missing_career_file(site):
    (site / "data" / "career.yml").unlink()
    with pytest.raises(RetroblogError) as caught:
        convert(site, "```chart\ntype: career-timeline\ncolour: red\n```\n")
    assert str(caught.value).startswith("career.md:1: chart block: unknown option(s) colour for career-timeline")
    with pytest.raises(RetroblogError, match=r"chart block: no career file: expected .*data/career\.yml"):
        convert(site, "```chart\ntype: career-timeline\n```\n")  # the options are right: the file is named


def test_career_note_and_table(site):
    career = load_career(site / "data" / "career.yml")
    out = convert(site, "```career\ndate: 2020-11-09\n```\n")
    assert out == context_html(career, dt.date(2020, 11, 9))
    assert "1.4 years in" in out
    assert convert(site, "```career\ndate: 2023-01-01\n```\n") == ""  # after the career: nothing
    table = convert(site, "```career\ntable: true\n```\n")
    for role in career.roles:
        assert f"<td>{role.start.isoformat()}</td>" in table and f"<td>{html.escape(role.team)}</td>" in table


def test_hostile_career_text_stays_text(site):
    text = (site / "data" / "career.yml").read_text().replace("Ledger", "<script>alert(1)</script>")
    (site / "data" / "career.yml").write_text(text)
    out = convert(site, "```career\ntable: true\n```\n\n```career\ndate: 2020-11-09\n```\n")
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out


@pytest.mark.slow
def test_post_marked_career_shows_the_note_on_its_page_and_in_the_blog_index(site):
    write_blog(
        site,
        {"oncall.md": "---\ndate: 2020-11-09\ncareer: true\n---\n\n# On call\n\nText.\n\n```chart\ntype: nope\n```\n"},
    )
    failed = build(site)
    # the note above the block does not shift the line the error names (line 10 of the file)
    assert failed.returncode != 0 and "blog/posts/oncall.md:10: chart block: unknown chart type 'nope'" in failed.stderr
    post = site / "docs" / "blog" / "posts" / "oncall.md"
    post.write_text(post.read_text().replace("type: nope", "type: prs-per-year"))
    done = build(site)
    assert done.returncode == 0, done.stderr
    note = context_html(load_career(site / "data" / "career.yml"), dt.date(2020, 11, 9))
    page = (site / "site" / "blog" / "2020" / "11" / "09" / "on-call" / "index.html").read_text()
    assert note in page and page.index(note) < page.index('<figure class="retroblog-chart"')
    assert note in (site / "site" / "blog" / "index.html").read_text()
