"""data/career.yml: the timeline, the "at this point" context, errors with lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from retroblog.data.career import load_career
from retroblog.errors import DatasetError

REPO = Path(__file__).resolve().parents[2]


def test_example_career_timeline_and_context() -> None:
    career = load_career(REPO / "data/career.yml")
    assert career.timeline() == [
        {"employer": "Northwind Systems", "team": "Ledger", "role": "Software Engineer", "start": "2019-06-03",
         "end": "2020-08-31", "promotion": False},
        {"employer": "Northwind Systems", "team": "Ledger", "role": "Senior Software Engineer",
         "start": "2020-09-01", "end": "2021-02-28", "promotion": True},
        {"employer": "Northwind Systems", "team": "Reconciliation", "role": "Senior Software Engineer",
         "start": "2021-03-01", "end": "2022-05-31", "promotion": False},
    ]  # fmt: skip
    context = career.at(dt.date(2020, 11, 9))
    assert context is not None
    assert context.sentence() == "Senior Software Engineer on the Ledger team at Northwind Systems, 1.4 years in."
    later = career.at(dt.date(2021, 6, 3))
    assert later is not None and later.sentence().endswith("at Northwind Systems, 2 years in.")
    assert career.at(dt.date(2022, 6, 1)) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("employers: [\n", "c.yml:2: invalid YAML: expected the node content, but found '<stream end>'"),
        ("person: x\n", "c.yml:1: 'employers' must be a list of employers"),
        (
            "employers:\n  - name: A\n    start: soon\n    teams: []\n",
            "c.yml:3: 'start' must be a date such as 2019-06-03, got 'soon'",
        ),
        (
            "employers:\n  - name: A\n    start: 2020-01-01\n    end: 2019-01-01\n    teams: []\n",
            "c.yml:2: ends (2019-01-01) before it starts (2020-01-01)",
        ),
        (
            "employers:\n  - name: A\n    start: 2020-01-01\n    teams:\n      - name: T\n        roles:\n"
            "          - title: R\n            start: 2019-01-01\n",
            "c.yml:7: role 'R' starts 2019-01-01 outside A (2020-01-01 to now)",
        ),
    ],
)
def test_career_errors_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "c.yml").write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        load_career(tmp_path / "c.yml")
    assert str(caught.value) == message.replace("c.yml", str(tmp_path / "c.yml"))


@pytest.mark.parametrize(
    ("day", "tenure"),
    [
        (dt.date(2019, 6, 3), "in the first month"),
        (dt.date(2019, 7, 2), "in the first month"),
        (dt.date(2019, 7, 3), "1 month in"),
        (dt.date(2019, 8, 2), "2 months in"),
        (dt.date(2020, 6, 3), "1 year in"),
    ],
)
def test_sentence_tenure_words(day: dt.date, tenure: str) -> None:
    context = load_career(REPO / "data/career.yml").at(day)
    assert context is not None
    assert context.sentence() == f"Software Engineer on the Ledger team at Northwind Systems, {tenure}."


def test_a_team_named_team_is_not_called_team_team(tmp_path: Path) -> None:
    text = (REPO / "data/career.yml").read_text(encoding="utf-8").replace("name: Ledger", "name: Payments Team")
    (tmp_path / "career.yml").write_text(text, encoding="utf-8")
    context = load_career(tmp_path / "career.yml").at(dt.date(2019, 8, 2))
    assert context is not None
    assert context.sentence() == "Software Engineer on the Payments Team at Northwind Systems, 2 months in."


def test_time_at_an_employer_counts_from_the_stint_that_holds_the_day(tmp_path: Path) -> None:
    text = (
        "employers:\n"
        "  - name: A\n    start: 2015-01-01\n    end: 2016-12-31\n"
        "    teams:\n      - name: T\n        roles:\n          - title: R\n"
        "  - name: B\n    start: 2017-01-01\n    end: 2018-12-31\n"
        "    teams:\n      - name: T\n        roles:\n          - title: R\n"
        "  - name: A\n    start: 2019-01-01\n"
        "    teams:\n      - name: T\n        roles:\n          - title: R2\n"
    )
    (tmp_path / "c.yml").write_text(text, encoding="utf-8")
    career = load_career(tmp_path / "c.yml")
    context = career.at(dt.date(2019, 3, 1))
    assert context is not None
    assert (context.role.title, context.days_at_employer) == ("R2", 59)  # not 4 years from the first stint
    assert [r.employer for r in career.roles] == ["A", "B", "A"]


def test_a_post_datetime_counts_as_its_date() -> None:
    career = load_career(REPO / "data/career.yml")
    assert career.at(dt.datetime(2020, 8, 31, 23, 59)) == career.at(dt.date(2020, 8, 31))


def _career_file(tmp_path: Path, roles: str) -> Path:
    path = tmp_path / "career.yml"
    path.write_text(
        "person: P\nemployers:\n  - name: Acme\n    start: 2020-01-01\n    end: 2022-12-31\n    teams:\n"
        "      - name: Core\n        start: 2020-01-01\n        end: 2021-06-30\n        roles:\n" + roles,
        encoding="utf-8",
    )
    return path


def test_a_role_cannot_end_after_its_team(tmp_path: Path) -> None:
    path = _career_file(
        tmp_path, "          - title: Dev\n            start: 2020-01-01\n            end: 2021-09-30\n"
    )
    with pytest.raises(
        DatasetError, match=r"career\.yml:11: role 'Dev' ends 2021-09-30, after team 'Core' \(2021-06-30\)"
    ):
        load_career(path)


def test_overlapping_roles_name_the_line_of_the_later_one(tmp_path: Path) -> None:
    path = _career_file(
        tmp_path,
        "          - title: Dev\n            start: 2020-01-01\n            end: 2020-12-31\n"
        "          - title: Lead\n            start: 2020-06-01\n",
    )
    with pytest.raises(DatasetError, match=r"career\.yml:14: 'Dev' at Acme overlaps 'Lead' at Acme"):
        load_career(path)


def test_a_role_cannot_start_outside_its_team(tmp_path: Path) -> None:
    path = _career_file(tmp_path, "          - title: Dev\n            start: 2021-08-01\n")
    with pytest.raises(DatasetError, match=r"career\.yml:11: role 'Dev' starts 2021-08-01 outside team 'Core'"):
        load_career(path)
