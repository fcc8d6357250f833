"""Unknown is not 0, and a period a filter selects is whole: the numbers of a real career.

The datasets here have the shapes `retroblog collect git` gives: no comment counts at all (git history
has none), sparse years with empty ones, a first and a last year that are only partly covered.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner

from retroblog.cli import main
from retroblog.data.dataset import load_dataset
from retroblog.errors import RetroblogError
from retroblog.markdown import RetroblogExtension
from retroblog.stats.compute import METRICS, compute
from retroblog.stats.filters import Filters
from retroblog.stats.keys import stat_text
from retroblog.util.words import Words

# A git history: 2012 to 2022 with PRs in 2012, 2013, 2016, 2019 (April and December) and 2022 only;
# additions and deletions known, comments unknown for every PR (the columns are not even there).
GIT_DAYS = ["2012-03-05", "2012-11-20", "2013-01-07", "2016-06-01", "2019-04-10", "2019-12-02", "2022-08-15"]
GIT_CSV = "merged_at,additions,deletions,repo\n" + "".join(
    f"{day}T10:00:00Z,{10 * (i + 1)},{i},tools/{'ab'[i % 2]}\n" for i, day in enumerate(GIT_DAYS)
)
# The same career where some PRs have comment counts and some do not (a merged export): PRs 0, 3, 6.
PARTLY_CSV = "merged_at,additions,deletions,comments,repo\n" + "".join(
    f"{day}T10:00:00Z,{10 * (i + 1)},{i},{'' if i % 3 else i + 1},tools/{'ab'[i % 2]}\n"
    for i, day in enumerate(GIT_DAYS)
)
PARTLY_COMMENTS = sum(i + 1 for i in range(len(GIT_DAYS)) if i % 3 == 0)


@pytest.fixture
def git(write):
    return load_dataset(write("git.csv", GIT_CSV), name="git", timezone="UTC")


@pytest.fixture
def partly(write):
    return load_dataset(write("partly.csv", PARTLY_CSV), name="partly", timezone="UTC")


def _site(tmp_path: Path, csv: str) -> Path:
    (tmp_path / "data").mkdir(parents=True)
    (tmp_path / "data" / "work.csv").write_text(csv)
    return tmp_path


def convert(site: Path, text: str, **config: object) -> str:
    ext = RetroblogExtension(root=str(site), **config)
    return markdown.markdown(text, extensions=[ext, "fenced_code"])


def inline(html_text: str) -> list[str]:
    return re.findall(r'<span class="retroblog-stat">([^<]*)</span>', html_text)


# -- unknown stays unknown ----------------------------------------------------------------------------


def test_a_count_no_pr_has_is_unknown_in_totals_rows_and_json(git):
    stats = compute(git)
    assert stats.totals["comments"] is None and stats.totals["review_comments"] is None
    assert stats.unknown["comments"] == len(GIT_DAYS)
    assert stats.totals["additions"] == sum(10 * (i + 1) for i in range(len(GIT_DAYS)))
    data = json.loads(json.dumps(stats.to_dict()))
    assert data["comments"] is None and data["unknown"]["comments"] == len(GIT_DAYS)
    for name, rows in stats.periods.items():
        for row in rows:
            # a period with PRs has its comments unknown; one without PRs had none to comment on
            assert row["comments"] is (None if row["prs"] else 0), (name, row)
            assert row["additions"] is not None, (name, row)
    assert [r["comments"] for r in data["repos"]] == [None, None]
    assert {r["period"]: r["comments"] for r in data["periods"]["year"]}["2014"] == 0  # an empty year


def test_a_partly_known_total_keeps_its_number_and_says_on_how_many_prs(partly):
    stats = compute(partly)
    known = [i for i in range(len(GIT_DAYS)) if i % 3 == 0]  # PRs 0, 3 and 6 have comments
    assert stats.totals["comments"] == sum(i + 1 for i in known)
    assert stats.unknown["comments"] == len(GIT_DAYS) - len(known)
    data = stats.to_dict()
    text = stat_text(data, "comments", Words())
    assert text == f"{sum(i + 1 for i in known)} comments on {len(known)} of {len(GIT_DAYS)} PRs"
    assert stat_text(data, "comments") == str(sum(i + 1 for i in known))  # raw: the number alone
    # 2012 has PRs 0 (known) and 1 (unknown): a partly known year; 2013 has PR 2 only: unknown
    years = {r["period"]: r for r in stats.periods["year"]}
    assert years["2012"]["comments"] == 1 and stats.period_unknown["year"]["2012"]["comments"] == 1
    assert years["2013"]["comments"] is None and stats.period_unknown["year"]["2013"]["comments"] == 1
    assert "2014" not in stats.period_unknown["year"]


def test_the_cli_says_unknown_and_how_many_are_known(write):
    git = CliRunner().invoke(main, ["stats", str(write("git.csv", GIT_CSV))], catch_exceptions=False)
    assert git.exit_code == 0, git.output
    summary = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in git.stdout.splitlines()[:12]
        if line.count("│") == 3
    }
    assert summary["comments"] == "unknown" and summary["additions"] == f"{sum(range(10, 80, 10)):,}"
    years = [line.split("│") for line in git.stdout.splitlines() if re.match(r"│\s+20\d\d ", line)]
    by_year = {cells[1].strip(): [c.strip() for c in cells[2:-1]] for cells in years}
    assert by_year["2012"] == ["2", "30", "1", "unknown"]  # PRs, additions, deletions, comments
    assert by_year["2014"] == ["0", "0", "0", "0"]  # an empty year: nothing was merged
    partly = CliRunner().invoke(main, ["stats", str(write("partly.csv", PARTLY_CSV))], catch_exceptions=False)
    assert f"{PARTLY_COMMENTS} comments on 3 of 7 PRs" in partly.stdout
    assert re.search(r"│\s+2012 │\s+2 │\s+30 │\s+1 │\s+1 on 1 of 2 PRs │", partly.stdout)
    data = json.loads(CliRunner().invoke(main, ["stats", str(write("g.csv", GIT_CSV)), "--json"]).stdout)
    assert data["comments"] is None and data["review_comments"] is None


def test_stats_block_and_inline_stats_say_unknown(tmp_path):
    site = _site(tmp_path, GIT_CSV)
    out = convert(site, "Comments: :stat[comments], review: :stat[review_comments]{year=2019}.\n")
    assert inline(out) == ["unknown", "unknown"]
    table = convert(site, "```stats\nstats: [total_prs, comments, additions]\n```\n")
    assert "<td>Comments</td><td>unknown</td>" in table and "<td>PRs merged</td><td>7</td>" in table
    partly = convert(_site(tmp_path / "p", PARTLY_CSV), "```stats\nstats: [comments]\n```\n")
    assert f"<td>Comments</td><td>{PARTLY_COMMENTS} comments on 3 of 7 PRs</td>" in partly


def test_a_chart_of_a_count_unknown_everywhere_is_an_error_naming_the_block(tmp_path):
    site = _site(tmp_path, GIT_CSV)
    ext = RetroblogExtension(root=str(site))
    ext.page, ext.line_offset = "post.md", 2
    with pytest.raises(RetroblogError) as info:
        markdown.markdown("Intro.\n\n```chart\ntype: comments-per-pr\nyear: 2019\n```\n", extensions=[ext])
    assert str(info.value).startswith(
        "post.md:5: chart block: comments are unknown for every PR of the dataset 'work' from 2019-01-01 to "
        "2019-12-31 (git history, for one, has none)"
    )
    no_lines = _site(tmp_path / "lines", "merged_at,repo\n2021-01-04T10:00:00Z,a\n2021-03-01T10:00:00Z,a\n")
    for kind, what in (("inserts-deletes", "lines inserted and deleted are"), ("size-buckets", "lines inserted are")):
        with pytest.raises(RetroblogError, match=f"{what} unknown for every PR of the dataset 'work'"):
            convert(no_lines, f"```chart\ntype: {kind}\n```\n")


def test_a_month_of_unknown_lines_is_a_gap_not_a_bar_of_0(tmp_path):
    # January: additions known; February: a PR of unknown size; March: none; April: deletions unknown everywhere
    csv = "merged_at,additions\n2021-01-04T10:00:00Z,40\n2021-02-01T10:00:00Z,\n2021-04-01T10:00:00Z,5\n"
    out = convert(_site(tmp_path, csv), "```chart\ntype: inserts-deletes\n```\n")
    spec = json.loads(_attr(out, "data-retroblog-spec"))
    values = spec["data"]["values"] if "values" in spec.get("data", {}) else _first_values(spec)
    lines = {(v["month"], v["kind"]): v["lines"] for v in values}
    assert lines[("2021-01", "Inserted")] == 40 and lines[("2021-02", "Inserted")] is None
    assert lines[("2021-03", "Inserted")] == 0  # no PRs: nothing inserted
    assert all(lines[(m, "Deleted")] is None for m in ("2021-01", "2021-02", "2021-04"))
    assert lines[("2021-03", "Deleted")] == 0


def _attr(html_text: str, name: str) -> str:
    import html

    match = re.search(rf'{name}="([^"]*)"', html_text)
    assert match, name
    return html.unescape(match.group(1))


def _first_values(spec: dict) -> list[dict]:
    """The rows of a spec whose data sits in a layer or a named dataset."""
    for values in (spec.get("datasets") or {}).values():
        return values
    raise AssertionError("no data in the spec")


# -- a period a filter selects is whole -----------------------------------------------------------------


def test_a_year_has_all_its_months_clipped_only_to_the_datasets_own_span(git):
    year = compute(git, Filters.from_options({"year": 2019}))
    assert [r["period"] for r in year.periods["month"]] == [f"2019-{m:02d}" for m in range(1, 13)]
    assert year.counts("month")["2019-04"] == 1 and year.counts("month")["2019-05"] == 0
    assert year.counts("quarter") == {"2019-Q1": 0, "2019-Q2": 1, "2019-Q3": 0, "2019-Q4": 1}
    assert year.counts("year") == {"2019": 2}
    weeks = year.periods["week"]
    assert weeks[0]["start"] <= "2019-01-01" < weeks[1]["start"] and weeks[-1]["start"] <= "2019-12-31"
    # the dataset's first and last year are clipped to its first and last merge, not the filtered PRs'
    first = compute(git, Filters.from_options({"year": 2012}))
    assert [r["period"] for r in first.periods["month"]] == [f"2012-{m:02d}" for m in range(3, 13)]
    last = compute(git, Filters.from_options({"year": 2022, "repo": "tools/b"}))
    assert last.total_prs == 0 and [r["period"] for r in last.periods["month"]][-1] == "2022-08"
    # an empty year inside the career is twelve months of 0; outside the career, no period at all
    empty = compute(git, Filters.from_options({"year": 2014}))
    assert empty.counts("month") == {f"2014-{m:02d}": 0 for m in range(1, 13)}
    assert compute(git, Filters.from_options({"year": 2030})).counts("month") == {}
    # from/to: the range they give, clipped the same way
    spring = compute(git, Filters.from_options({"from": "2011-06", "to": "2012-05"}))
    assert list(spring.counts("month")) == ["2012-03", "2012-04", "2012-05"]


def test_unfiltered_periods_run_from_the_first_to_the_last_merge(git):
    months = compute(git).counts("month")
    assert next(iter(months)) == "2012-03" and list(months)[-1] == "2022-08"
    assert len(months) == (2022 - 2012) * 12 + 8 - 3 + 1
    assert sum(months.values()) == len(GIT_DAYS)


def test_a_filtered_stat_of_an_empty_month_is_0_not_a_missing_key(tmp_path):
    site = _site(tmp_path, GIT_CSV)
    out = convert(site, ":stat[by_month.2018-12]{year=2018} :stat[by_month.2019-05]{year=2019} :stat[by_year.2015]\n")
    assert inline(out) == ["0", "0", "0"]
    with pytest.raises(RetroblogError, match="by_month has no '2017-12'"):
        convert(site, ":stat[by_month.2017-12]{year=2018}\n")  # outside the filter: still not a key


def test_a_one_year_chart_draws_twelve_months(tmp_path):
    out = convert(_site(tmp_path, GIT_CSV), "```chart\ntype: prs-per-month\nyear: 2019\n```\n")
    spec = json.loads(_attr(out, "data-retroblog-spec"))
    values = spec["data"]["values"] if "values" in spec.get("data", {}) else _first_values(spec)
    assert len(values) == 12 and sum(v["prs"] for v in values) == 2


@pytest.mark.parametrize("metric", METRICS)
def test_every_metric_follows_the_rule(write, metric):
    column = "lines_changed" if metric == "lines_changed" else metric
    csv = f"merged_at,{column}\n2021-01-04T10:00:00Z,\n2021-01-05T10:00:00Z,\n"
    stats = compute(load_dataset(write("m.csv", csv), timezone="UTC"))
    assert stats.totals[metric] is None and stats.periods["month"][0][metric] is None
