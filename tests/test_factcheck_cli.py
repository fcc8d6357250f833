"""``retroblog fact-check`` end to end on a site built in tmp_path: the pages it reads, each page's dataset,
the report and the exit status; and the example post's report, which must be the command's own output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from retroblog.cli import main
from tests.conftest import REPO

WORK = (
    "merged_at,additions,repo\n"
    "2020-03-02T10:00:00Z,5,a\n"
    "2020-03-03T10:00:00Z,1500,a\n"
    "2020-07-01T10:00:00Z,50,b\n"
    "2021-01-04T10:00:00Z,2000,a\n"
)
"""Three PRs in 2020 (two in March, one over 1,000 inserts), one in 2021."""
SIDE = "merged_at,additions,repo\n2020-05-01T10:00:00Z,7,x\n"

CONFIG = """site_name: t
plugins:
  - blog
  - retroblog:
      datasets:
        work:
          default: true
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(WORK, encoding="utf-8")
    (tmp_path / "data" / "side.csv").write_text(SIDE, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    posts = tmp_path / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def post(site: Path, name: str, text: str) -> Path:
    path = site / "docs" / "blog" / "posts" / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(main, ["fact-check", *args], catch_exceptions=False)


def test_every_post_of_the_site_by_default_and_exit_0_when_all_claims_hold(site):
    post(site, "a.md", "---\ndate: 2021-02-01\n---\n\n# A\n\nI merged 3 PRs in 2020.\n")
    post(site, "b.md", "The busiest month was March 2020.\n\nI got 2 promotions.\n")
    (site / "docs" / "index.md").write_text("I merged 99 PRs in 2020.\n", encoding="utf-8")  # not a post
    result = run()
    assert result.exit_code == 0, result.output
    assert result.output == (
        'docs/blog/posts/a.md:7: true: "I merged 3 PRs in 2020.": the data says 3 PRs in 2020; :stat[by_year.2020]\n'
        'docs/blog/posts/b.md:1: true: "The busiest month was March 2020.": the data says March 2020 (2 PRs); '
        ":stat[busiest_month]\n"
        "2 claims in 2 pages: 2 true, 0 false\n"
    )


def test_a_false_claim_exits_1_and_the_post_is_left_as_it_is(site):
    text = "I merged 4 PRs in 2020. 50% of my PRs had at least 1000 inserts.\n\nI merged 9 PRs in spring 2020.\n"
    path = post(site, "a.md", text)
    result = run()
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        'docs/blog/posts/a.md:1: false: "I merged 4 PRs in 2020.": the data says 3 PRs in 2020; :stat[by_year.2020]',
        'docs/blog/posts/a.md:1: true: "50% of my PRs had at least 1000 inserts.": the data says 50% (2 of 4 PRs '
        "inserted at least 1,000 lines); no inline stat writes a share; :stat[size_buckets.>1000] and "
        ":stat[total_prs] write its parts",
        "docs/blog/posts/a.md:3: not checked: \"I merged 9 PRs in spring 2020.\": 'spring' is not a period "
        "retroblog reads: write a year ('in 2020'), a month ('in March 2021'), a quarter ('in Q2 2020'), a range "
        "('from March 2021 to June 2021') or a day ('on 2021-03-04')",
        "2 claims in 1 page: 1 true, 1 false; 1 not checked (not read)",
    ]
    assert path.read_text(encoding="utf-8") == text


def test_sentences_not_read_alone_exit_0(site):
    post(site, "a.md", "I merged 9 PRs in spring 2020.\n")
    result = run()
    assert result.exit_code == 0
    assert result.output.endswith("0 claims in 1 page: 0 true, 0 false; 1 not checked (not read)\n")


def test_each_claim_is_checked_against_its_pages_dataset(site):
    # front matter: the whole page counts `side`; the stat names it, as it is not the site's default
    post(site, "side.md", "---\ndataset: side\n---\nI merged 1 PR in 2020.\n")
    # no front matter: the dataset of the block before the sentence (the site's default before any block)
    post(
        site,
        "blocks.md",
        "I merged 3 PRs in 2020.\n\n```chart\ntype: prs-per-year\ndataset: side\n```\n\nI merged 1 PR in 2020.\n\n"
        "```stats\ndataset: work\n```\n\nI merged 3 PRs in 2020.\n",
    )
    result = run("docs/blog/posts/side.md", "docs/blog/posts/blocks.md")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith(":stat[by_year.2020]{dataset=side}"), lines[0]
    assert lines[0].startswith("docs/blog/posts/side.md:4: true:")
    assert [line.split(": ")[0:2] for line in lines[1:4]] == [
        ["docs/blog/posts/blocks.md:1", "true"],
        ["docs/blog/posts/blocks.md:8", "true"],
        ["docs/blog/posts/blocks.md:14", "true"],
    ]
    assert lines[2].endswith("{dataset=side}") and lines[3].endswith(":stat[by_year.2020]")


def test_user_errors_are_one_line_and_exit_1(site):
    missing = run("docs/blog/posts/missing.md")
    assert missing.exit_code == 1
    assert missing.output.startswith("Error: docs/blog/posts/missing.md: cannot be read:"), missing.output
    assert "Traceback" not in missing.output
    post(site, "a.md", "---\ndataset: nowhere\n---\nI merged 3 PRs in 2020.\n")
    unknown = run()
    assert unknown.exit_code == 1
    assert unknown.output == "Error: unknown dataset 'nowhere'; known datasets: side, work\n"
    (site / "docs" / "blog" / "posts" / "a.md").unlink()
    empty = run()
    assert empty.exit_code == 1
    assert "no posts in" in empty.output and "name the pages to check" in empty.output


def test_the_example_posts_report_is_the_commands_own_output():
    """The example post shows the check's output in a code block: it must be what the command prints on it,
    in a fresh process from the checkout (the site's own mkdocs.yml and data/example.csv)."""
    page = REPO / "docs" / "blog" / "posts" / "fact-checking-my-own-retrospective.md"
    shown = re.search(r"```console\n\$ retroblog fact-check (\S+)\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    assert shown is not None
    result = subprocess.run(
        [sys.executable, "-m", "retroblog", "fact-check", shown.group(1)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 1, result.stderr  # four of its claims are false, on purpose
    assert result.stdout == shown.group(2)
    assert "4 true, 4 false; 1 not checked" in result.stdout
    assert '90% of the pull requests had at least 1000 inserts.": the data says 4.2% (13 of 310 PRs' in result.stdout
