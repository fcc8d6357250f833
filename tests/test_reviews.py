"""Reviews datasets: the schema's validation, the site's ``kind: reviews`` datasets, the reviews charts
and the ``reviews.*`` stat keys, computed by hand on small datasets."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import markdown
import pytest

from retroblog.build.blocks import Blocks
from retroblog.build.settings import Settings
from retroblog.charts.builtin import CHARTS
from retroblog.data.dataset import DatasetRegistry
from retroblog.data.reviews import REVIEW_CHARTS, load_reviews
from retroblog.errors import ConfigError, DatasetError
from retroblog.markdown import RetroblogExtension
from retroblog.render.svg import SvgCache
from retroblog.stats.filters import Filters
from retroblog.stats.reviews import select

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reviews"

PRS = "merged_at,repo,number\n" + "".join(
    f"{day}T10:00:00Z,acme/api,{n}\n" for n, day in enumerate(["2020-03-01", "2021-01-05", "2021-02-07", "2021-06-01"])
)
REVIEWS = (
    "reviewed_at,repo,number,url,title,reviews,comments\n"
    "2020-12-31T23:30:00Z,acme/web,1,https://x.example/1,One,1,2\n"  # 2021-01-01 in Berlin
    "2021-01-10T10:00:00Z,acme/web,2,https://x.example/2,Two,2,0\n"
    "2021-01-20T10:00:00Z,acme/api,3,https://x.example/3,Three,1,\n"
    "2021-03-02T10:00:00Z,acme/web,4,https://x.example/4,Four,1,5\n"
    "2022-02-02T10:00:00Z,other/lib,5,https://x.example/5,Five,3,1\n"
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(PRS, encoding="utf-8")
    (tmp_path / "data" / "given.csv").write_text(REVIEWS, encoding="utf-8")
    return tmp_path


def settings(site: Path, **given: object) -> Settings:
    datasets = {"given": {"kind": "reviews", **given}}
    return Settings.from_options({"timezone": "Europe/Berlin", "datasets": datasets}, site)


# -------------------------------------------------------------------------------------------------
# The schema


def test_every_bad_row_is_named_with_its_line_column_and_what_was_expected(tmp_path: Path) -> None:
    path = tmp_path / "bad-reviews.csv"
    shutil.copy2(FIXTURES / "bad-reviews.csv", path)
    with pytest.raises(DatasetError) as failed:
        load_reviews(path)
    lines = str(failed.value).splitlines()
    assert lines[0] == f"{path}: 5 problems"
    assert lines[1:] == [
        f"{path}:3: column 'reviewed_at': no review date; every row needs reviewed_at (a date such as 2021-03-04)",
        f"{path}:4: column 'reviews': 'many' is not a whole number; expected a count such as 12 or 1,204 "
        "(empty means unknown)",
        f"{path}:5: column 'comments': '-1' is negative; expected a count of 0 or more",
        f"{path}:5: column 'reviewed_at': '2021-02-30' is not a date; expected a real date such as 2021-03-04, "
        "2021-03-04T10:00:00Z or June 27, 2022 11:17 PM",
        f"{path}:6: column 'number': duplicate PR: same repo and number (12) as line 2",
    ]
    assert "Traceback" not in str(failed.value)


def test_a_file_without_a_review_date_column_names_the_accepted_ones(tmp_path: Path) -> None:
    path = tmp_path / "prs.csv"
    path.write_text("merged_at,repo,number\n2021-01-01,acme/api,1\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"prs\.csv:1: no review date column; a reviews dataset needs one named "):
        load_reviews(path)


def test_aliases_formats_timezones_and_extras(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    rows = [
        {"reviewedAt": "2021-03-04T23:30:00Z", "nameWithOwner": "acme/api", "iid": 7, "approvals": 1, "notes": 2},
        {"reviewedAt": "2021-03-01", "nameWithOwner": "acme/api", "iid": 8, "approvals": 0, "notes": None, "x": 1},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    reviews = load_reviews(path, timezone="Europe/Berlin")
    frame = reviews.frame
    assert frame.columns[:7] == ["reviewed_at", "repo", "number", "url", "title", "reviews", "comments"]
    assert frame["number"].to_list() == [8, 7]  # by review date
    assert [d.isoformat() for d in frame["reviewed_at"].dt.date().to_list()] == ["2021-03-01", "2021-03-05"]
    assert frame["comments"].to_list() == [None, 2] and frame["x"].to_list() == [1, None]
    yaml = tmp_path / "r.yaml"
    yaml.write_text("- reviewed: 2021-05-01\n  repo: a/b\n  reviews: 2\n", encoding="utf-8")
    assert load_reviews(yaml).frame["reviews"].to_list() == [2]


# -------------------------------------------------------------------------------------------------
# The site's reviews datasets


def test_a_reviews_dataset_is_declared_with_kind_and_kept_apart_from_pr_datasets(site: Path) -> None:
    registry = DatasetRegistry(site / "data", "UTC", {"given": {"kind": "reviews"}})
    assert registry.names() == ["work"]
    assert registry.config(None).name == "work"  # the only PR dataset, though the folder has two files
    with pytest.raises(ConfigError, match=r"dataset 'given' is a reviews dataset \(kind: reviews\).*'reviews: given'"):
        registry.config("given")
    assert len(registry.get_reviews(None)) == 5
    with pytest.raises(ConfigError, match="unknown reviews dataset 'work'; known reviews datasets: given"):
        registry.get_reviews("work")
    with pytest.raises(ConfigError, match="'kind' must be prs or reviews, got 'review'"):
        DatasetRegistry(site / "data", "UTC", {"given": {"kind": "review"}})
    none = DatasetRegistry(site / "data", "UTC", {})
    with pytest.raises(ConfigError, match=r"this site has 0 \(none\)\. Declare one .* 'kind: reviews'"):
        none.get_reviews(None)


# -------------------------------------------------------------------------------------------------
# Charts


def test_the_reviews_charts_are_registered_and_named_where_blocks_key_them() -> None:
    assert set(CHARTS) >= REVIEW_CHARTS


def test_reviews_per_year_and_month_count_by_review_date_in_the_datasets_timezone(site: Path) -> None:
    blocks = Blocks(settings(site, timezone="Europe/Berlin"), SvgCache())
    chart, _ = blocks.chart({"type": "reviews-per-year"})
    assert chart.rows == [{"year": "2021", "prs": 4}, {"year": "2022", "prs": 1}]
    assert chart.caption == "Most PRs were reviewed in 2021: 4 of 5."
    utc = Blocks(settings(site, timezone="UTC"), SvgCache())
    assert utc.chart({"type": "reviews-per-year"})[0].rows[0] == {"year": "2020", "prs": 1}
    months, _ = blocks.chart({"type": "reviews-per-month", "year": 2021})
    assert months.title == "PRs reviewed per month in 2021"
    assert months.rows == [{"month": "Jan", "prs": 3}, {"month": "Feb", "prs": 0}, {"month": "Mar", "prs": 1}]
    repo, _ = blocks.chart({"type": "reviews-per-month", "repo": "acme/api"})
    assert repo.rows == [{"month": "Jan", "prs": 1}]


def test_merged_versus_reviewed_side_by_side(site: Path) -> None:
    blocks = Blocks(settings(site), SvgCache())
    chart, _ = blocks.chart({"type": "merged-vs-reviewed"})
    assert chart.rows == [
        {"year": "2020", "merged": 1, "reviewed": 0},
        {"year": "2021", "merged": 3, "reviewed": 4},
        {"year": "2022", "merged": 0, "reviewed": 1},
    ]
    assert chart.caption == "4 PRs merged and 5 PRs reviewed."
    assert chart.spec["encoding"]["xOffset"]["field"] == "what"
    values = chart.spec["data"]["values"] if "data" in chart.spec else chart.spec["datasets"]
    assert "One" not in json.dumps(values) and "x.example" not in json.dumps(chart.spec)  # aggregates only


def test_top_reviewed_repos_and_a_private_reviews_dataset(site: Path) -> None:
    chart, _ = Blocks(settings(site), SvgCache()).chart({"type": "top-reviewed-repos", "top": 2})
    assert chart.rows == [{"repo": "acme/web", "prs": 3}, {"repo": "acme/api", "prs": 1}]
    assert chart.title == "PRs reviewed per repository (top 2)"
    hidden, _ = Blocks(settings(site, private=True), SvgCache()).chart({"type": "top-reviewed-repos"})
    assert [r["repo"] for r in hidden.rows] == ["Repository A", "Repository B", "Repository C"]
    assert "acme" not in json.dumps([hidden.spec, hidden.title, hidden.description, hidden.caption])


def test_chart_errors_name_the_block_option(site: Path) -> None:
    blocks = Blocks(settings(site), SvgCache())
    with pytest.raises(ConfigError, match="no reviewed PRs in the reviews dataset 'given' from 2019-01-01"):
        blocks.chart({"type": "reviews-per-year", "year": 2019, "dataset": "work"})
    with pytest.raises(ConfigError, match="unknown reviews dataset 'nope'"):
        blocks.chart({"type": "reviews-per-year", "reviews": "nope"})
    with pytest.raises(ConfigError, match="'label' does not apply to reviews: a reviews dataset has no labels"):
        select(blocks.settings.registry.get_reviews(None), Filters(labels=("bug",)))


def test_a_changed_reviews_file_changes_the_charts_cache_key(site: Path, tmp_path: Path) -> None:
    text = "```chart\ntype: reviews-per-year\n```\n"
    config = settings(site)
    blocks = Blocks(config, SvgCache(tmp_path / "svg"))
    first = markdown.markdown(text, extensions=[RetroblogExtension(settings=config, blocks=blocks)])
    assert "PRs reviewed per year" in first
    assert markdown.markdown(text, extensions=[RetroblogExtension(settings=config, blocks=blocks)]) == first
    (site / "data" / "given.csv").write_text(REVIEWS.replace("2022-02-02", "2021-02-02"), encoding="utf-8")
    blocks.start()  # the next build, with the same fragment cache
    again = markdown.markdown(text, extensions=[RetroblogExtension(settings=config, blocks=blocks)])
    assert again != first and "2022" not in again.split("<table")[-1]


# -------------------------------------------------------------------------------------------------
# Stat keys


def test_review_stat_keys(site: Path) -> None:
    config = settings(site)
    ext = RetroblogExtension(settings=config)
    text = (
        ":stat[reviews.prs] reviewed, :stat[reviews.reviews] reviews, :stat[reviews.comments] comments, "
        ":stat[reviews.by_year.2021]{year=2021} in 2021, top :stat[reviews.top_repo], "
        ":stat[reviews.busiest_month], :stat[reviews.by_month.2021-02]."
    )
    out = re.sub(r"<[^>]+>", "", markdown.markdown(text, extensions=[ext]))
    assert "5 reviewed, 8 reviews, 8 comments, 4 in 2021, top acme/web, January 2021 (3 PRs), 0." in out
    with pytest.raises(Exception, match=r"unknown stat 'reviews\.by_year\.1999'"):
        markdown.markdown(":stat[reviews.by_year.1999]", extensions=[RetroblogExtension(settings=settings(site))])
    private = settings(site, private=True)
    with pytest.raises(Exception, match="would publish a repository name of the private reviews dataset"):
        markdown.markdown(":stat[reviews.top_repo]", extensions=[RetroblogExtension(settings=private)])


@pytest.mark.parametrize("name", sorted(REVIEW_CHARTS))
def test_reviews_charts_are_valid_vega_lite_and_keep_a_plot_at_the_smallest_size(
    site: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retroblog.charts import builtin

    monkeypatch.setattr(builtin, "VALIDATE_BUILT_IN", True)  # Altair validates the spec against the schema
    blocks = Blocks(settings(site), SvgCache())
    chart, _ = blocks.chart({"type": name, "width": 50, "height": 50})
    assert chart.spec["config"]["range"]["category"] == list(builtin.SERIES)
    assert chart.spec["width"] >= 50 + builtin.MIN_PLOT_WIDTH and chart.spec["height"] >= builtin.MIN_PLOT_HEIGHT
    out = markdown.markdown(f"```chart\ntype: {name}\n```\n", extensions=[RetroblogExtension(settings=settings(site))])
    assert '<figure class="retroblog-chart"' in out and "<svg" in out
