"""The example site: its dataset's published figures, the generator's determinism, and a strict build."""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
import html
import itertools
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import yaml

from retroblog.charts.builtin import CHARTS
from retroblog.data.reviews import REVIEW_CHARTS
from tests.conftest import REPO
from tests.htmlcheck import external_resources

sys.path.insert(0, str(REPO / "data"))
import generate_example


@pytest.fixture(scope="module")
def figures(example_figures: dict) -> dict:
    return example_figures


def test_published_figures(figures):
    assert figures["total_prs"] == 310
    assert figures["by_year"] == {"2019": 29, "2020": 129, "2021": 120, "2022": 32}
    assert figures["size_buckets"] == {
        "<10": 93,
        "10-100": 122,
        "100-500": 71,
        "500-1000": 11,
        ">1000": 13,
    }
    assert figures["first_merged"].startswith("2019-06")
    assert figures["last_merged"].startswith("2022-05")
    assert figures["timezone"] == "Europe/Berlin"


def test_spring_is_the_busiest_season(figures):
    months = figures["by_month"]
    for year in ("2020", "2021", "2022"):
        spring = [months[f"{year}-{m:02d}"] for m in (3, 4, 5)]
        others = [v for k, v in months.items() if k.startswith(year) and int(k[5:]) not in (3, 4, 5)]
        assert min(spring) > max(others), year


def test_three_giants_in_the_last_week_of_may_2022(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "retroblog",
            "stats",
            "example",
            "--json",
            "--from",
            "2022-05-25",
            "--to",
            "2022-05-31",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    last_week = json.loads(result.stdout)
    rows = generate_example.generate()
    giants = [r for r in rows if int(r["additions"]) > 2000]
    assert len(giants) == 3
    assert all("2022-05-25" <= str(r["merged_at"])[:10] <= "2022-05-31" for r in giants)
    assert last_week["size"]["max"] > 2000
    assert last_week["total_prs"] >= 3


def test_generator_is_seeded_and_matches_the_committed_file():
    committed = (REPO / "data" / "example.csv").read_text(encoding="utf-8")
    assert generate_example.render(generate_example.generate()) == committed
    assert generate_example.render(generate_example.generate(seed=1)) != committed


def _copy_site(tmp_path: Path) -> Path:
    site = tmp_path / "site-src"
    site.mkdir(parents=True)
    for name in ("mkdocs.yml", "docs", "data", "overrides", "charts.py"):
        source = REPO / name
        if not source.exists():
            continue
        if source.is_dir():
            shutil.copytree(source, site / name)
        else:
            shutil.copy2(source, site / name)
    return site


@pytest.mark.slow
def test_example_site_builds_strict_and_self_contained(example_build):
    """The session's strict build of the example site (tests/conftest.py), shared with the other tests
    that read it; test_same_inputs_build_byte_identical_html builds copies of its sources."""
    assert example_build.returncode == 0, example_build.stderr
    out = example_build.site_dir
    html_files = list(out.rglob("*.html"))
    assert (out / "index.html").is_file()
    post = next(p for p in html_files if "my-three-years-at-northwind" in str(p))
    text = post.read_text(encoding="utf-8")
    assert '<span class="retroblog-stat">310</span> pull requests' in text
    assert text.count('<figure class="retroblog-chart"') == 9
    assert "assets/retroblog/retroblog.js" in text
    assert (out / "assets" / "retroblog" / "vega.js").stat().st_size > 500_000
    # Career (data/career.yml): the timeline and table on the career page, the note on a `career: true` post.
    career = (out / "career" / "index.html").read_text(encoding="utf-8")
    assert career.count('<figure class="retroblog-chart"') == 1 and "retroblog-career-table" in career
    oncall = next(p for p in html_files if p.parent.name == "what-on-call-taught-me-about-writing-code")
    assert 'class="admonition info retroblog-career"' in oncall.read_text(encoding="utf-8")
    # Charts stay out of the search index: no descriptions, no specs.
    index = (out / "search" / "search_index.json").read_text(encoding="utf-8")
    posts = json.dumps([d for d in json.loads(index)["docs"] if d["location"].startswith("blog/")])
    assert "Bar chart of merged PRs" not in posts  # (the charts docs page may quote one in its prose)
    assert "retroblog-spec" not in index
    assert "pull requests into the ledger" in index
    # Nothing a reader's browser loads may come from another host.
    for page in html_files:
        text = page.read_text(encoding="utf-8")
        assert external_resources(text) == [], page
        assert "fonts.googleapis" not in text
    css = list(out.rglob("*.css"))
    assert css and not any("fonts.googleapis" in p.read_text(encoding="utf-8") for p in css)


def _tree(folder: Path) -> set[tuple[str, int, int]]:
    """Every file and folder in ``folder``, itself included, with its mtime and size; empty if it is missing."""
    paths = [folder, *folder.rglob("*")] if folder.exists() else []
    return {(p.relative_to(folder).as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in paths}


@pytest.mark.slow
def test_the_example_site_fixture_caches_in_a_temporary_folder(example_build, tmp_path_factory):
    """The session's example site is built in place, from the checkout's own mkdocs.yml, where the caches'
    defaults (.cache/retroblog, .cache/plugins/rss) are the checkout's: each goes to a temporary folder."""
    temporary = tmp_path_factory.getbasetemp().resolve()
    assert example_build.cache_dir.is_relative_to(temporary) and example_build.site_dir.is_relative_to(temporary)
    cache = example_build.cache_dir
    assert example_build.caches == {"rss": cache / "plugins" / "rss", "retroblog": cache / "retroblog"}
    assert list((cache / "retroblog" / "blocks").glob("*.html")) and list((cache / "retroblog").glob("vega-*.js"))


def _differing(a: Path, b: Path, suffixes: tuple[str, ...]) -> list[str]:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    return [
        str(p)
        for p in files_a
        if p.suffix in suffixes and (a / p).read_bytes() != (b / p).read_bytes() and p.name != "sitemap.xml.gz"
    ]


@pytest.mark.slow
def test_same_inputs_build_byte_identical_html(tmp_path, build_site):
    first = _copy_site(tmp_path / "a")
    second = _copy_site(tmp_path / "b")
    checkout_cache = _tree(REPO / ".cache")
    builds = [build_site(site) for site in (first, second)]  # cold: charts computed by the worker process
    assert [build.returncode for build in builds] == [0, 0], builds[0].stderr + builds[1].stderr
    assert list((first / ".cache" / "retroblog" / "blocks").glob("*.html"))
    # Hermetic: each build's caches are its site copy's, in tmp_path; the checkout's .cache is untouched.
    # (mkdocs-rss-plugin's default is .cache/plugins/rss in the folder it was imported from: here, the checkout.)
    for site, build in zip((first, second), builds, strict=True):
        cache = (site / ".cache").resolve()
        assert build.caches == {"rss": cache / "plugins" / "rss", "retroblog": cache / "retroblog"}
        assert list((cache / "retroblog" / "blocks").glob("*.html")) and list((cache / "retroblog").glob("vega-*.js"))
        assert (cache / "plugins" / "rss").is_dir()
    assert _tree(REPO / ".cache") == checkout_cache
    assert _differing(first / "site", second / "site", (".html", ".svg", ".js", ".css", ".png")) == []  # cards too
    # Warm (every block from the cache, no worker) and cold give the same bytes, search index included.
    assert build_site(first, site_dir=first / "site-warm").returncode == 0
    everything = (".html", ".svg", ".js", ".css", ".json", ".xml", ".png")  # the social cards' PNGs too
    assert _differing(first / "site", first / "site-warm", everything) == []


# -- every chart of the example post agrees with `retroblog stats` ------------------------------------

POST = REPO / "docs" / "blog" / "posts" / "my-three-years-at-northwind.md"


def _stats_json(filters: dict) -> dict:
    """``retroblog stats example --json`` with a chart's filters, run as a user would."""
    args = []
    if "year" in filters:
        args += ["--from", str(filters["year"]), "--to", str(filters["year"])]
    for option in ("from", "to"):
        if option in filters:
            args += [f"--{option}", str(filters[option])]
    for option in ("repo", "label"):
        values = filters.get(option, [])
        for value in [values] if isinstance(values, str) else values:
            args += [f"--{option}", value]
    done = subprocess.run(
        [sys.executable, "-m", "retroblog", "stats", "example", "--json", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _chart_blocks() -> list[dict]:
    text = POST.read_text(encoding="utf-8")
    return [yaml.safe_load(body) for body in re.findall(r"^```chart\n(.*?)^```$", text, re.S | re.M)]


def _specs(site: Path) -> list[dict]:
    post = next(site.rglob("my-three-years-at-northwind/index.html")).read_text(encoding="utf-8")
    return [json.loads(html.unescape(s)) for s in re.findall(r'data-retroblog-spec="([^"]*)"', post)]


def _month_of(year: int, name: str) -> str:
    return f"{year}-{list(calendar.month_abbr).index(name):02d}"


def _expected_rows(kind: str, options: dict, figures: dict) -> list[dict]:
    """What each chart type must embed, from the stats JSON alone."""
    months = figures["periods"]["month"]
    if kind == "prs-per-year":
        return [{"year": y, "prs": n} for y, n in figures["by_year"].items()]
    if kind == "prs-per-month":
        year = options.get("year")
        return [
            {"month": dt.date(year, int(k[5:]), 1).strftime("%b") if year else k, "prs": n}
            for k, n in figures["by_month"].items()
        ]
    if kind == "prs-per-quarter":
        return [{"quarter": k[5:] if options.get("year") else k, "prs": n} for k, n in figures["by_quarter"].items()]
    if kind == "size-buckets":
        return [{"bucket": k, "prs": n} for k, n in figures["size_buckets"].items()]
    if kind == "inserts-deletes":
        inserted = [{"month": m["period"], "kind": "Inserted", "lines": m["additions"]} for m in months]
        return inserted + [{"month": m["period"], "kind": "Deleted", "lines": -m["deletions"]} for m in months]
    if kind == "cumulative":
        running = itertools.accumulate(m["prs"] for m in months)
        return [{"month": m["period"], "prs": m["prs"], "total": t} for m, t in zip(months, running, strict=True)]
    if kind == "prs-per-repo":
        return [{"repo": r, "prs": n} for r, n in list(figures["by_repo"].items())[: options.get("top", 10)]]
    if kind == "comments-per-pr":
        assert figures["unknown"]["comments"] == figures["unknown"]["review_comments"] == 0
        return [
            {
                "month": m["period"],
                "per_pr": round((m["comments"] + m["review_comments"]) / m["prs"], 2),
                "prs": m["prs"],
            }
            for m in months
            if m["prs"]
        ]
    raise AssertionError(f"no expectation for chart type {kind!r}: add one")


def _check_calendar(rows: list[dict], figures: dict) -> None:
    """Days: their sums per ISO week and per weekday are the stats' weeks and weekdays."""
    weeks: Counter[str] = Counter()
    weekdays: Counter[str] = Counter()
    for row in rows:
        year, week, _ = dt.date.fromisoformat(row["week"]).isocalendar()
        weeks[f"{year}-W{week:02d}"] += row["prs"]
        weekdays[row["weekday"]] += row["prs"]
    assert weeks == {k: n for k, n in figures["by_week"].items() if n}
    assert weekdays == {k: n for k, n in figures["by_weekday"].items() if n}
    assert len({(r["week"], r["weekday"]) for r in rows}) == len(rows)  # one row a day


@pytest.mark.slow
def test_every_chart_of_the_example_post_agrees_with_retroblog_stats(example_site, example_figures):
    blocks, specs = _chart_blocks(), _specs(example_site)
    # every built-in chart of PRs merged; the card, the story charts (time to merge, working hours,
    # languages) and the reviews charts are checked against figures worked out by hand in their own tests
    # (test_card, test_time_to_merge, test_working_hours, test_reviews) and shown on docs/charts.md
    elsewhere = REVIEW_CHARTS | {"card", "time-to-merge", "working-hours", "languages"}
    assert len(specs) == len(blocks) and {b["type"] for b in blocks} >= set(CHARTS) - elsewhere
    by_filters: dict[str, dict] = {}
    for block, spec in zip(blocks, specs, strict=True):
        filters = {k: v for k, v in block.items() if k in ("year", "from", "to", "repo", "label")}
        key = json.dumps(filters, sort_keys=True)
        if key not in by_filters:
            by_filters[key] = _stats_json(filters) if filters else example_figures
        figures = by_filters[key]
        rows = spec["data"]["values"]
        if block["type"] == "calendar":
            _check_calendar(rows, figures)
        else:
            assert rows == _expected_rows(block["type"], block, figures), block


@pytest.mark.slow
def test_every_inline_number_of_the_example_post_is_the_stats_figure(example_site, example_figures):
    text = POST.read_text(encoding="utf-8")
    post = next(example_site.rglob("my-three-years-at-northwind/index.html")).read_text(encoding="utf-8")
    article = post[post.index("<article") :]
    shown = [html.unescape(v) for v in re.findall(r'<span class="retroblog-stat">([^<]*)</span>', article)]
    keys = re.findall(r":stat\[([^\]]+)\](\{[^}]*\})?", text)
    assert len(shown) == len(keys) > 10
    for (key, options), value in zip(keys, shown, strict=True):
        figures = example_figures
        if options:
            filters = dict(part.split("=", 1) for part in options.strip("{}").split() if part != "dataset=example")
            figures = _stats_json(filters)
        expected = figures
        for part in key.split(".", 1):
            expected = expected[part]
        if isinstance(expected, dict) and "period" in expected:  # busiest month, in words: April 2020 (14 PRs)
            year, month = expected["period"].split("-")
            assert value == f"{calendar.month_name[int(month)]} {year} ({expected['prs']:,} PRs)", (key, value)
        elif isinstance(expected, dict):
            assert value.startswith(str(expected["weeks"])), (key, value)
        elif isinstance(expected, int):
            assert value == f"{expected:,}", key
        elif isinstance(expected, float):  # lines: a whole number from 10 up, halves up (36.5 reads 37)
            places = decimal.Decimal(1) if expected >= 10 else decimal.Decimal("0.1")
            shown = decimal.Decimal(str(expected)).quantize(places, decimal.ROUND_HALF_UP).normalize()
            assert value == f"{shown:,f}", key
        else:
            assert value == str(expected), key


def test_the_chart_script_loads_only_on_pages_with_an_interactive_chart(example_site):
    pages = sorted(example_site.rglob("*.html"))
    with_chart = [p for p in pages if 'data-retroblog-interactive="true"' in p.read_text(encoding="utf-8")]
    assert len(with_chart) >= 4  # the post, the charts page, the career page, the hostile-data page
    for page in pages:
        text = page.read_text(encoding="utf-8")
        scripts = re.findall(r'<script src="([^"]*)"', text)
        ours = [src for src in scripts if src.endswith("assets/retroblog/retroblog.js")]
        assert len(ours) == (1 if page in with_chart else 0), page.relative_to(example_site)
        assert not any(src.endswith("vega.js") for src in scripts)  # retroblog.js loads it when needed


def test_the_feeds_name_the_sites_icon_and_every_enclosure_its_size(example_site):
    favicon = example_site / "assets" / "images" / "favicon.png"
    assert favicon.is_file()
    for name in ("feed_rss_created.xml", "feed_rss_updated.xml"):
        channel = ET.parse(example_site / name).getroot().find("channel")
        assert channel is not None
        url = channel.findtext("image/url")
        assert url is not None and url.endswith("/assets/images/favicon.png") and url.startswith("http")
        for enclosure in channel.iter("enclosure"):
            assert int(enclosure.get("length", "")) > 0
    for name in ("feed_json_created.json", "feed_json_updated.json"):
        feed = json.loads((example_site / name).read_text(encoding="utf-8"))
        assert feed["icon"].endswith("/assets/images/favicon.png")
