"""The chart gallery (docs/gallery.md): its seeded dataset shapes, the committed files they write, and the
built page, one rendered figure per (shape, chart type)."""

from __future__ import annotations

import re
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from retroblog.build.settings import read_site_settings
from retroblog.charts.builtin import CHARTS
from retroblog.data.dataset import PullRequest, load_dataset
from retroblog.data.reviews import REVIEW_CHARTS
from retroblog.data.sample import GALLERY, OUTLIER_LINES, SPARSE_YEARS, rows, to_csv
from retroblog.data.schema import FIELD_BY_NAME
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "data"))
import generate_example

FOLDER = REPO / "data" / "gallery"
PAGE = REPO / "docs" / "gallery.md"
NOT_SHOWN = {
    ("unknown-counts", "comments-per-pr"),
    *((shape, "languages") for shape in GALLERY),
    *((shape, kind) for shape in GALLERY for kind in REVIEW_CHARTS),
}
"""(shape, type) pairs the page leaves out: charts that are an error on the shape, which would fail the
strict build (with no comment count known, comments-per-pr has nothing to draw; no shape has the languages
column of a git collection, which docs/charts.md shows instead), and the reviews charts, which draw a
reviews dataset, not these PR datasets (docs/charts.md shows them on the example site's). The calendar is
shown on every shape: over four and fifteen years it draws a strip per year."""


def _records(shape: str) -> list[PullRequest]:
    """The committed dataset of ``shape`` as retroblog reads it."""
    return list(load_dataset(FOLDER / f"{shape}.csv").records())


def test_the_generators_write_the_same_bytes_twice():
    first = generate_example.gallery()
    assert first == generate_example.gallery()
    assert set(first) == {f"{shape}.csv" for shape in GALLERY}
    for sample in GALLERY.values():
        assert to_csv(rows(sample)) == to_csv(rows(sample))


def test_the_committed_datasets_are_what_the_generators_write():
    written = generate_example.gallery()
    assert sorted(p.name for p in FOLDER.iterdir()) == sorted(written), "run `make example-data`"
    for name, text in written.items():
        assert (FOLDER / name).read_text(encoding="utf-8") == text, f"data/gallery/{name}: run `make example-data`"


def test_columns_are_the_schemas():
    for shape in GALLERY:
        header = (FOLDER / f"{shape}.csv").read_text(encoding="utf-8").partition("\n")[0].split(",")
        assert header and all(name in FIELD_BY_NAME for name in header), shape


def test_one_pr_has_one_row():
    assert len(_records("one-pr")) == 1


def test_one_month_is_one_month():
    months = {r.merged_at.strftime("%Y-%m") for r in _records("one-month")}
    assert len(months) == 1 and len(_records("one-month")) > 1


def test_partial_years_start_and_end_inside_a_year():
    records = _records("partial-years")
    first, last = records[0].merged_at, records[-1].merged_at
    assert first.month > 6 and last.month < 6 and last.year - first.year >= 2


def test_sparse_years_span_fifteen_years_with_empty_ones():
    years = Counter(r.merged_at.year for r in _records("sparse-years"))
    span = range(min(years), max(years) + 1)
    assert len(span) == 15
    empty = [year for year in span if not years[year]]
    assert len(empty) >= 3 and empty == [year for year, n in SPARSE_YEARS.items() if n == 0]
    assert dict(years) == {year: n for year, n in SPARSE_YEARS.items() if n}


def test_many_repos_has_sixty_distinct_repositories():
    repos = Counter(r.repo for r in _records("many-repos"))
    assert len(repos) == 60
    assert max(repos.values()) >= 30 and min(repos.values()) == 1  # a few busy ones, a long tail


def test_the_outlier_is_30000_lines_among_small_prs():
    sizes = sorted(r.additions or 0 for r in _records("outlier"))
    assert sizes[-1] == OUTLIER_LINES == 30_000
    assert sizes[-2] < 1000  # among small ones: the next largest is 30 times smaller


def test_unknown_counts_have_no_comments_at_all():
    records = _records("unknown-counts")
    assert records and all(r.comments is None and r.review_comments is None for r in records)
    assert all(r.additions is not None for r in records)  # what git history does have stays known


def test_mkdocs_yml_names_every_shape_and_keeps_the_default():
    settings = read_site_settings(REPO / "mkdocs.yml")
    configs = settings.registry.configs()
    for shape in GALLERY:
        assert configs[f"gallery-{shape}"].path == settings.data_dir / "gallery" / f"{shape}.csv"
    assert settings.registry.config(None).name == "example"


def _blocks_by_section(text: str) -> dict[str, list[tuple[str, str]]]:
    """(type, dataset) of each chart block of the gallery's source, by the id of its ``##`` section."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = ""
    for heading, block in re.findall(r"^## [^\n]*\{#([\w-]+)\}$|^```chart\n(.*?)^```$", text, re.M | re.S):
        if heading:
            current = heading
            sections[current] = []
        else:
            options = dict(line.split(": ", 1) for line in block.splitlines())
            sections[current].append((options["type"], options["dataset"]))
    return sections


def test_the_page_shows_every_chart_type_on_every_shape():
    sections = _blocks_by_section(PAGE.read_text(encoding="utf-8"))
    assert list(sections) == list(GALLERY)
    for shape, blocks in sections.items():
        assert blocks == [(kind, f"gallery-{shape}") for kind in CHARTS if (shape, kind) not in NOT_SHOWN], shape


class _Figures(HTMLParser):
    """Per ``<h2 id>`` section of a page: each chart figure's inline SVG count and whether it holds an error."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: dict[str, list[dict[str, int]]] = {}
        self._section = ""
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if tag == "h2" and values.get("id"):
            self._section = str(values["id"])
            self.sections[self._section] = []
        elif tag == "figure" and "retroblog-chart" in classes:
            self.sections.setdefault(self._section, []).append({"svg": 0, "error": 0})
            self._depth = 1
        elif tag == "figure" and self._depth:
            self._depth += 1
        elif self._depth and tag == "svg":
            self.sections[self._section][-1]["svg"] += 1
        if "retroblog-error" in classes or "retroblog-pending" in classes:
            self.sections.setdefault(self._section, []).append({"svg": 0, "error": 1})

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure" and self._depth:
            self._depth -= 1


@pytest.mark.slow
def test_the_built_page_has_one_rendered_figure_per_shape_and_type(example_site: Path):
    page = _Figures()
    page.feed((example_site / "gallery" / "index.html").read_text(encoding="utf-8"))
    for shape in GALLERY:
        figures = page.sections[shape]
        assert len(figures) == len([kind for kind in CHARTS if (shape, kind) not in NOT_SHOWN]), shape
        assert all(f["svg"] >= 1 and not f["error"] for f in figures), (shape, figures)
    assert sum(len(f) for f in page.sections.values()) == len(GALLERY) * len(CHARTS) - len(NOT_SHOWN)
