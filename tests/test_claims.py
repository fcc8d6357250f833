"""The fact-check's reading of prose (``retroblog.posts.claims``): each sentence's report line against the
example dataset (true, false, not read), no line for numbers that are not about the data, and the pure
check on answers given by hand."""

from __future__ import annotations

import pytest

from retroblog.cli.factcheck import answer
from retroblog.data.dataset import load_dataset
from retroblog.posts.claims import Answer, Claim, Question, Size, Unread, check, find_claims, unread
from tests.conftest import REPO

EDGES = (10, 100, 500, 1000)
"""The example site's size buckets (its mkdocs.yml gives none: the defaults)."""


@pytest.fixture(scope="module")
def example():
    return load_dataset(REPO / "data" / "example.csv", name="example", timezone="Europe/Berlin")


def report(text: str, dataset) -> list[str]:
    lines = []
    for item in find_claims(text):
        finding = unread(item) if isinstance(item, Unread) else check(item, answer(item.question, dataset, EDGES))
        lines.append(finding.report("post.md"))
    return lines


SPACE = "no inline stat writes a share; :stat[size_buckets.>1000] and :stat[total_prs] write its parts"
PERIOD_HELP = (
    "write a year ('in 2020'), a month ('in March 2021'), a quarter ('in Q2 2020'), a range ('from March 2021 "
    "to June 2021') or a day ('on 2021-03-04')"
)
TABLE = [
    # the claim of the issue: 13 of the 310 example PRs have 1,000 inserts or more
    (
        "90% of the pull requests had at least 1000 inserts.",
        'false: "90% of the pull requests had at least 1000 inserts.": the data says 4.2% (13 of 310 PRs inserted '
        f"at least 1,000 lines); {SPACE}",
    ),
    (
        "About 4% of my PRs had at least 1,000 inserts.",
        'true: "About 4% of my PRs had at least 1,000 inserts.": the data says 4.2% (13 of 310 PRs inserted at '
        f"least 1,000 lines); {SPACE}",
    ),
    (
        "90% of the pull requests had at least 1000 inserts/deletes.",
        'false: "90% of the pull requests had at least 1000 inserts/deletes.": the data says 6.5% (20 of 310 PRs '
        "changed at least 1,000 lines); no inline stat counts PRs by lines changed",
    ),
    (
        "I merged 129 PRs in 2020.",
        'true: "I merged 129 PRs in 2020.": the data says 129 PRs in 2020; :stat[by_year.2020]',
    ),
    (
        "In 2021 I merged 130 pull requests.",
        'false: "In 2021 I merged 130 pull requests.": the data says 120 PRs in 2021; :stat[by_year.2021]',
    ),
    ("I merged over 300 PRs.", 'true: "I merged over 300 PRs.": the data says 310 PRs; :stat[total_prs]'),
    ("I merged fewer than 300 PRs.", 'false: "I merged fewer than 300 PRs.": the data says 310 PRs; :stat[total_prs]'),
    (
        "I merged 19 PRs in April 2020.",
        'true: "I merged 19 PRs in April 2020.": the data says 19 PRs in April 2020; :stat[by_month.2020-04]',
    ),
    (
        "I merged 40 PRs in Q2 2020.",
        'false: "I merged 40 PRs in Q2 2020.": the data says 47 PRs in Q2 2020; :stat[by_quarter.2020-Q2]',
    ),
    (
        "I merged 58 PRs from March 2021 to June 2021.",
        'true: "I merged 58 PRs from March 2021 to June 2021.": the data says 58 PRs from 2021-03 to 2021-06; '
        ":stat[total_prs]{from=2021-03 to=2021-06}",
    ),
    (
        "The busiest month was April 2020.",
        'true: "The busiest month was April 2020.": the data says April 2020 (19 PRs); :stat[busiest_month]',
    ),
    (
        "The busiest quarter was Q2 2020 with 50 PRs.",
        'false: "The busiest quarter was Q2 2020 with 50 PRs.": the data says Q2 2020 (47 PRs); :stat[busiest_quarter]',
    ),
    (
        "The busiest month of 2021 was March.",
        'false: "The busiest month of 2021 was March.": the data says April 2021 (17 PRs); '
        ":stat[busiest_month]{year=2021}",
    ),
    (
        "March 2021 was my busiest month.",
        'false: "March 2021 was my busiest month.": the data says April 2020 (19 PRs); :stat[busiest_month]',
    ),
    (
        "Between 100 and 500 inserts: 71 PRs.",
        'true: "Between 100 and 500 inserts: 71 PRs.": the data says 71 of 310 PRs inserted between 100 and 500 '
        "lines; :stat[size_buckets.100-500] (it counts the PRs that inserted between 100 and 499 lines)",
    ),
    (
        "13 PRs inserted more than 1,000 lines.",
        'true: "13 PRs inserted more than 1,000 lines.": the data says 13 of 310 PRs inserted at least 1,001 '
        "lines; :stat[size_buckets.>1000] (it counts the PRs that inserted at least 1,000 lines)",
    ),
    (
        "In 2021, 30 PRs had fewer than 10 inserts.",
        'false: "In 2021, 30 PRs had fewer than 10 inserts.": the data says 42 of 120 PRs in 2021 inserted at '
        "most 9 lines; :stat[size_buckets.<10]{year=2021}",
    ),
    (
        "I merged 7 PRs in one week.",
        'true: "I merged 7 PRs in one week.": the data says at most 7 PRs in one week (2020-W14); '
        ":stat[by_week.2020-W14] writes that week's count",
    ),
    (
        "In one week I merged 3 PRs with over 1,000 inserts.",
        'false: "In one week I merged 3 PRs with over 1,000 inserts.": the data says at most 2 PRs that inserted '
        "at least 1,001 lines in one week (2022-W21); no inline stat writes the most in one week",
    ),
    # not read: each says why
    (
        "I merged 40 PRs in the spring of 2021.",
        "not checked: \"I merged 40 PRs in the spring of 2021.\": 'spring' is not a period retroblog reads: "
        + PERIOD_HELP,
    ),
    (
        "By 2021 I had merged 150 PRs.",
        'not checked: "By 2021 I had merged 150 PRs.": the year 2021 is not in a period retroblog reads '
        "('in 2021', 'from ... to 2021')",
    ),
    (
        "40% of my PRs were tiny.",
        'not checked: "40% of my PRs were tiny.": a share of PRs without a size retroblog reads (such as '
        "'at least 1000 inserts' or 'between 10 and 100 lines inserted')",
    ),
    (
        "5 PRs had over 100 lines.",
        "not checked: \"5 PRs had over 100 lines.\": 'lines' does not say which lines: write lines inserted "
        "(inserts), lines deleted, or lines changed (inserts/deletes)",
    ),
    (
        "I merged a dozen huge PRs, 12 in all.",
        "not checked: \"I merged a dozen huge PRs, 12 in all.\": 12 and 'PRs' in one sentence, but no pattern "
        "reads it: write a count in digits right before 'PRs' (with a period such as 'in 2020'), or a percentage "
        "of PRs",
    ),
    (
        "My busiest week was in May.",
        'not checked: "My busiest week was in May.": the busiest week is not a period retroblog counts (a month '
        "or a quarter)",
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_each_sentence_gets_its_report_line(example, sentence, expected):
    assert report(f"Some prose.\n\n{sentence}\n", example) == [f"post.md:3: {expected}"]


NOT_CLAIMS = [
    "I got 2 promotions in 2021.",
    "I moved the services from Python 3.8 to 3.11 on 2021-03-04.",
    "We upgraded to retroblog 1.2.0 and PostgreSQL 14.",
    "PR #380 was the one that fixed invoices.",
    "In 2019 I joined Northwind; I left in May 2022.",
    "The 3rd review at 10:30 was the 1st one I enjoyed.",
    "From June to December 2019 I merged :stat[by_year.2019] PRs.",
    "The busiest month of all was :stat[busiest_month].",
    "Most were small: :stat[size_buckets.<10] added fewer than 10 lines.",
]


@pytest.mark.parametrize("sentence", NOT_CLAIMS)
def test_numbers_that_are_not_claims_about_the_data_get_no_line(example, sentence):
    assert report(sentence, example) == []


def test_code_headings_tables_front_matter_and_comments_are_not_prose(example):
    page = (
        "---\ntitle: 300 PRs\ndescription: I merged 300 PRs\n---\n\n# 300 PRs in 2020\n\n"
        "```text\nI merged 300 PRs in 2020.\n```\n\n| year | PRs |\n| 2020 | 300 PRs |\n\n"
        "<!-- I merged 300 PRs in 2020. -->\n\nI wrote `300 PRs in 2020` in a code span.\n\n"
        "~~~\n500 PRs\n~~~\n\nI merged 129 PRs\nin 2020.\n"
    )
    # only the last sentence is prose, and its line is where it starts (a sentence may wrap)
    assert report(page, example) == [
        'post.md:23: true: "I merged 129 PRs in 2020.": the data says 129 PRs in 2020; :stat[by_year.2020]'
    ]


def test_each_sentence_of_a_line_and_each_line_of_a_paragraph_is_located():
    items = find_claims("Intro.\n\nI merged 1 PR in 2020. I merged 2 PRs\nin 2021. And\n3 PRs in 2022.\n")
    assert [(item.line, item.text) for item in items] == [
        (3, "I merged 1 PR in 2020."),
        (3, "I merged 2 PRs in 2021."),
        (4, "And 3 PRs in 2022."),
    ]


def test_the_check_is_pure_answers_given_by_hand():
    """No dataset: the claim's question, an answer written here, the verdict and the stat to write."""
    (claim,) = find_claims("Half of it: 50% of my PRs inserted at most 99 lines in 2021.")
    assert isinstance(claim, Claim)
    assert claim.question == Question(
        "count", (("year", 2021),), "in 2021", "by_year.2021", Size("additions", None, 99), "all"
    )
    # 60 of 100 known (20 unknown left out): 60%
    finding = check(claim, Answer(60, total=120, unknown=20, dataset="work", edges=(100, 1000)))
    assert finding.report("p.md") == (
        'p.md:1: false: "Half of it: 50% of my PRs inserted at most 99 lines in 2021.": the data says 60% (60 of '
        "100 PRs in 2021 inserted at most 99 lines, 20 of unknown size left out); no inline stat writes a share; "
        ":stat[size_buckets.<100]{dataset=work year=2021} and :stat[total_prs]{dataset=work year=2021} write its "
        "parts"
    )
    # a share without a qualifier is true when the data rounds to it (50.4%), false otherwise (50.6%)
    assert check(claim, Answer(504, total=1000, edges=(100,))).verdict == "true"
    assert check(claim, Answer(506, total=1000, edges=(100,))).verdict == "false"
