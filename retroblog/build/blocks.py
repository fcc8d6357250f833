"""The blocks engine: chart blocks, stats blocks and inline stats in, HTML out (no Markdown, no MkDocs here).

``Blocks`` is shared by every page of a build. It keys each block by what it is made of and caches its
finished HTML (``retroblog.build.cache``): a rebuild with unchanged inputs loads no dataset and imports
neither polars nor Altair, which load only when a block must really be computed. Given a ``defer``
executor (the MkDocs plugin's worker process), charts not yet cached are computed in parallel with the
rest of the build and come back as ``PendingChart`` results that the caller resolves later.

What it hands a block to: ``options`` (typed, checked options), ``charts.builtin`` and ``charts.user``
(the chart), ``career`` (data/career.yml), ``stats.keys`` (stat lookup) and ``render.html`` (markup).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import json
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from retroblog.build.cache import FragmentStore, file_digest, fragment_key
from retroblog.build.career import SiteCareer
from retroblog.build.options import (
    CAREER_CHART,
    CareerChartOptions,
    ChartOptions,
    StatOptions,
    StatsOptions,
    asks_interactive,
    is_career_chart,
)
from retroblog.build.results import ChartResult, Done, Failed, Outcome, PendingChart
from retroblog.build.settings import Settings
from retroblog.build.syntax import Job, parse_inline_options, parse_options, scan
from retroblog.charts.user import UserCharts, module_path, spec_path
from retroblog.data.dataset import DatasetConfig
from retroblog.data.reviews import REVIEW_CHARTS, STAT_PREFIX, reads_reviews
from retroblog.errors import BlockError, ConfigError, RetroblogError
from retroblog.render.html import NARROW_WIDTH, figure, stats_table
from retroblog.render.svg import SvgCache
from retroblog.stats.keys import PRIVATE_TABLES, label, stat_text
from retroblog.util.words import Words

__all__ = ["BlockError", "Blocks", "ChartResult", "Job", "PendingChart", "chart_id", "parse_inline_options"]

if TYPE_CHECKING:  # the heavy modules (polars, Altair) load on the first block that needs them
    from retroblog.charts.builtin import Chart
    from retroblog.data.career import Career
    from retroblog.data.dataset import Dataset
    from retroblog.stats.compute import Stats
    from retroblog.stats.filters import Filters

NARROW_LABEL_LIMIT = 130
"""Pixels of a y axis label in a chart's narrow render (a longer one ends in …), so the plot keeps room."""

CHART_ID = "\x00retroblog-chart-id\x00"
"""Stands for the chart's id in a cached figure; replaced by the id of each place the chart appears."""


class Executor(Protocol):
    """Computes blocks elsewhere (the plugin's worker process): ``retroblog.build.worker.Prefetcher``."""

    def submit(self, kind: str, options: Mapping[str, Any], stat_key: str | None) -> Future[Outcome]: ...


@dataclass
class Blocks:
    """Turns block options into HTML for one site."""

    settings: Settings
    cache: SvgCache = field(default_factory=SvgCache)
    store: FragmentStore = field(default_factory=FragmentStore)
    """Finished block HTML by content key (memory, and disk when given a folder)."""
    defer: Executor | None = None
    """Where charts not yet cached are computed in parallel; None computes them at once."""
    _stats: dict[tuple[Any, ...], Stats] = field(default_factory=dict)
    _names: dict[tuple[str, str, str], frozenset[str]] = field(default_factory=dict)
    """The repositories and labels of each dataset version, by (name, fingerprint, column)."""
    _futures: dict[str, Future[Outcome]] = field(default_factory=dict)
    _jobs: dict[str, Job] = field(default_factory=dict)
    _configs: dict[str, DatasetConfig] | None = None
    modules: set[Path] = field(default_factory=set)
    """Files of user chart modules used so far (the plugin watches them under ``mkdocs serve``)."""
    user: UserCharts = field(init=False, repr=False)
    """The site's spec files and chart modules."""
    site_career: SiteCareer = field(init=False, repr=False)
    """The site's ``data/career.yml``."""

    def __post_init__(self) -> None:
        self.user = UserCharts(self.settings.root, self.modules, self.settings.chart_timeout)
        self.site_career = SiteCareer(self.settings.data_dir)

    def start(self) -> None:
        """A build begins: look at the data folder again and start counting which cache entries are used."""
        self._configs = None
        self._futures = {k: f for k, f in self._futures.items() if not f.done()}
        self.store.start()

    # -- content keys and cached fragments ---------------------------------------------------------

    def key(self, job: Job) -> str | None:
        """The content key of a block, computed without loading data; None if it cannot be cached."""
        options = job.options
        if self._configs is None:
            self._configs = self.settings.registry.configs()
        inputs: list[Any]
        if job.kind == "chart" and is_career_chart(options):
            CareerChartOptions.check_known(options)  # a wrong option first: it is the block's, the file the site's
            inputs = [["career", file_digest(self.career_path())]]
            inputs += [[c.name, file_digest(c.path), c.timezone] for c in self._configs.values()]
        else:
            name = options.get("dataset")
            config = self.settings.registry.config(None if name is None else str(name), self._configs)
            inputs = [config.name, file_digest(config.path), config.timezone, config.private]
        parts: dict[str, Any] = {
            "kind": job.kind,
            "stat": job.stat_key,
            "options": options,
            "dataset": inputs,
            "buckets": self.settings.size_buckets,
        }
        if reads_reviews(job.kind, options, job.stat_key):  # a reviews chart or stat reads a second file
            named = options.get("reviews") if job.kind == "chart" else None
            review = self.settings.registry.reviews_config(None if named is None else str(named), self._configs)
            parts["reviews"] = [review.name, file_digest(review.path), review.timezone, review.private]
        parts["language"] = self.settings.language  # the words of dates and numbers, a chart's months too
        if job.kind == "chart" and "altair" in options:
            # The module's file and the Python files beside it (what it may import from the site).
            try:
                module = module_path(self.settings.root, str(options["altair"]))
            except ConfigError:
                return None  # outside the site, or not a module name: computing the block reports it
            if not module.is_file():
                return None  # computing the block reports it
            self.modules.add(module)  # watched under `mkdocs serve`, even when the chart comes from the cache
            # ("modules", not "code": fragment_key adds retroblog's own code under that name)
            beside = sorted(p for p in module.parent.glob("*.py") if p.is_file())  # (never a FIFO's read)
            parts["modules"] = [[p.name, file_digest(p)] for p in beside]
        if job.kind == "chart" and "spec" in options:
            try:  # inside the site, a regular file of a bounded size; else computing the block reports it
                path = spec_path(self.settings.root, str(options["spec"]))
            except ConfigError:
                return None
            parts["spec"] = [str(options["spec"]), file_digest(path)]
        try:
            return fragment_key(parts)
        except (TypeError, ValueError):  # options YAML cannot be keyed (never in practice): no cache
            return None

    def fragment(self, job: Job) -> str:
        """The block's HTML, from the cache or computed now (a chart's id is still ``CHART_ID``)."""
        key = self.key(job)
        if key is not None:
            text = self.store.get(key)
            if text is not None:
                return text
            future = self._futures.get(key)
            if future is not None:
                text = self._take(key, future)
                if text is not None:
                    return text
        return self._computed(key, job)

    def _computed(self, key: str | None, job: Job) -> str:
        """Compute a block here and store it (the block submitted under ``key``, if there is one)."""
        if key is not None and key in self._jobs:
            job = self._jobs[key]
        if job.kind == "chart":
            chart, interactive = self.chart(job.options)
            text = self._figure(job.options, chart, interactive)
        elif job.kind == "stats":
            text = self._stats_table(StatsOptions.parse(job.options))
        else:
            text = self._stat(str(job.stat_key), StatOptions.parse(job.options))
        if key is not None:
            self.store.put(key, text)
        return text

    def _take(self, key: str, future: Future[Outcome]) -> str | None:
        """The result of an executor's job: its HTML, or its error raised here; None if it crashed."""
        outcome = future.result()
        if isinstance(outcome, Done):
            self.store.remember(key, outcome.html)  # the executor has stored it
            return outcome.html
        if isinstance(outcome, Failed):
            raise BlockError(outcome.message, outcome.line, shared=outcome.shared)
        return None

    def submit(self, job: Job) -> None:
        """Start computing a block on the executor (if there is one and the block is not cached)."""
        try:
            key = self.key(job)
        except (RetroblogError, OSError):
            return  # the page's conversion reports it, with the page and line
        if key is None or self.defer is None or key in self._futures or self.store.get(key) is not None:
            return
        self._jobs[key] = job
        self._futures[key] = self.defer.submit(job.kind, job.options, job.stat_key)

    def prefetch(self, markdown: str) -> None:
        """Submit every block of a page before the page is converted (stats first: pages wait for them).

        Never raises: a block that cannot be read or keyed is skipped here, and the page's conversion
        reports it with the page and line (under ``mkdocs serve``, on the page).
        """
        jobs = list(scan(markdown))
        for job in sorted(jobs, key=lambda j: j.kind == "chart"):
            self.submit(job)

    # -- data --------------------------------------------------------------------------------------

    @staticmethod
    def parse(source: str) -> dict[str, Any]:
        """The YAML options of a fenced block; errors carry the line inside the block."""
        return parse_options(source)

    def dataset(self, name: str | None) -> Dataset:
        """A dataset of the site by name (None: the default one)."""
        config = self.settings.registry.config(name)
        return self.settings.registry.get(config.name)

    def stats(self, dataset: Dataset, filters: Filters) -> Stats:
        from retroblog.stats.compute import compute

        key = (dataset.name, dataset.fingerprint, filters, self.settings.size_buckets)
        if key not in self._stats:
            self._stats[key] = compute(dataset, filters, self.settings.size_buckets)
        return self._stats[key]

    def _known_names(self, dataset: Dataset, filters: Filters) -> Filters:
        """``filters``, if every repository and label it names is in the dataset; else an error naming the
        closest ones (none for a private dataset, whose names are never shown)."""
        for option, wanted, column, noun in (
            ("repo", filters.repos, "repo", "repositories"),
            ("label", filters.labels, "labels", "labels"),
        ):
            if not wanted:
                continue
            known = self._column_values(dataset, column)
            missing = [name for name in wanted if name not in known]
            if not missing:
                continue
            where = f"{option} {missing[0]!r} is not in the dataset {dataset.name!r}"
            if dataset.private:
                raise ConfigError(f"{where} (it is private: its {noun} are not listed)")
            if not known:
                raise ConfigError(f"{where}, which has no {noun}")
            if len(known) <= 5:
                raise ConfigError(f"{where}; its {noun}: {', '.join(sorted(known))}")
            closest = difflib.get_close_matches(missing[0], sorted(known), n=5, cutoff=0)
            raise ConfigError(f"{where}; the closest of its {len(known):,} {noun}: {', '.join(closest)}")
        return filters

    def _column_values(self, dataset: Dataset, column: str) -> frozenset[str]:
        """The repositories (``repo``) or labels (``labels``) of a dataset, read once per dataset version,
        not once per block: the column is as long as the dataset."""
        key = (dataset.name, dataset.fingerprint, column)
        if key not in self._names:
            values = dataset.frame[column]
            self._names[key] = frozenset((values.explode() if column == "labels" else values).drop_nulls().to_list())
        return self._names[key]

    def _keep_private(self, dataset: Dataset, published: Any, what: str) -> None:
        """The last guard of a private dataset: ``published`` (a chart's spec, words and rows, or a
        stat's text) names none of its repositories or labels, whatever path the name took."""
        if not dataset.private:
            return
        text = json.dumps(published, sort_keys=True, ensure_ascii=False, default=str)
        for column, noun in (("repo", "repository names"), ("labels", "labels")):
            if any(len(name) > 3 and name in text for name in self._column_values(dataset, column)):
                raise ConfigError(f"{what} would publish {noun} of the private dataset {dataset.name!r}")

    # -- charts ------------------------------------------------------------------------------------

    def chart(self, options: Mapping[str, Any], width: int | None = None) -> tuple[Chart, bool]:
        """Build the chart a block asks for; returns it and whether it may become interactive.

        ``width`` lays a built-in chart out for that many pixels instead of the block's ``width`` (the
        narrow render of ``_figure``)."""
        from retroblog.charts.builtin import CHARTS, ChartContext

        if is_career_chart(options):
            career = CareerChartOptions.parse(options)
            if width is not None:
                career = dataclasses.replace(career, width=width)
            return self.site_career.chart(career, self._last_merge()), career.interactive
        parsed = ChartOptions.parse(options)
        if width is not None:
            parsed = dataclasses.replace(parsed, width=width)
        dataset = self.dataset(parsed.dataset)
        filters = self._known_names(dataset, parsed.filters)
        ctx = ChartContext(
            dataset,
            self.stats(dataset, filters),
            filters,
            parsed.source,
            parsed.width,
            parsed.height,
            language=self.settings.language,
        )
        if parsed.kind == "spec":
            return self.user.spec_chart(ctx, parsed.target), parsed.interactive
        if parsed.kind == "altair":
            return self.user.altair_chart(ctx, parsed.target), parsed.interactive
        if parsed.target in REVIEW_CHARTS:
            named = options.get("reviews")
            ctx.extra["reviews"] = self.settings.registry.get_reviews(None if named is None else str(named))
        if parsed.target not in CHARTS:
            known = ", ".join(sorted([*CHARTS, CAREER_CHART]))
            raise ConfigError(f"unknown chart type {parsed.target!r}; built-in types: {known}")
        if ctx.stats.total_prs == 0 and parsed.target not in REVIEW_CHARTS:  # (those say it of their reviews)
            raise ConfigError(self._nothing_selected(dataset, filters))
        chart = CHARTS[parsed.target](ctx)
        published = [chart.spec, chart.title, chart.description, chart.rows]
        self._keep_private(dataset, published, f"the {parsed.target} chart")
        return chart, parsed.interactive

    def _figure(self, options: Mapping[str, Any], chart: Chart, interactive: bool) -> str:
        """A chart's figure, with a second static render laid out for a narrow column when the chart is
        wider than ``NARROW_WIDTH``: a built-in chart built again at that width (its axes, bins and
        labels chosen for it), a user's chart with its spec's width set to it.

        Both SVGs are rendered at once (vl-convert releases the GIL), so the second costs little time.
        """
        from concurrent.futures import ThreadPoolExecutor

        narrow = self._narrow_spec(options, chart)
        if narrow is None:
            return figure(chart, self.cache.svg(chart.spec), CHART_ID, interactive=interactive)
        with ThreadPoolExecutor(1, thread_name_prefix="retroblog-narrow") as pool:
            second = pool.submit(self.cache.svg, narrow)
            svg = self.cache.svg(chart.spec)
            return figure(chart, svg, CHART_ID, interactive=interactive, narrow=second.result())

    def _narrow_spec(self, options: Mapping[str, Any], chart: Chart) -> dict[str, Any] | None:
        """The spec of a chart's narrow render; None if the chart is no wider than it, or is not one view
        with a width in pixels (a user's concatenated or faceted chart lays itself out)."""
        width = chart.spec.get("width")
        if not isinstance(width, int | float) or isinstance(width, bool) or width <= NARROW_WIDTH:
            return None
        if "spec" in options or "altair" in options:
            if any(key in chart.spec for key in ("concat", "hconcat", "vconcat", "facet", "repeat")):
                return None
            # the whole chart in the column, whatever the spec's own autosize (its width is the plot's)
            return {**chart.spec, "width": NARROW_WIDTH, "autosize": {"type": "fit", "contains": "padding"}}
        spec = self.chart(options, NARROW_WIDTH)[0].spec
        # A chart grows past its width when it guesses its labels need the room (long repository
        # names); in a phone's column they are cut short (…) instead, the whole name in the tooltip
        # and the data table.
        config = spec.get("config") or {}
        axis_y = {**config.get("axisY", {}), "labelLimit": NARROW_LABEL_LIMIT}
        return {**spec, "width": NARROW_WIDTH, "config": {**config, "axisY": axis_y}}

    @staticmethod
    def _nothing_selected(dataset: Dataset, filters: Filters) -> str:
        """Why a built-in chart has nothing to draw: its filters, and the dates the dataset covers."""
        from retroblog.stats.compute import nothing_selected

        if dataset.frame.height == 0:
            return f"the dataset '{dataset.name}' has no PRs to chart"
        return nothing_selected(dataset, filters) + ": widen 'from'/'to'/'year', 'repo' or 'label'"

    def chart_figure(self, options: Mapping[str, Any], chart_id: str) -> PendingChart:
        """A chart's figure with its id: computed now (or taken from the cache), or, with an executor,
        still being computed; ``done()`` tells which, ``result()`` waits for it."""
        job = Job("chart", dict(options))
        interactive = asks_interactive(options)
        if self.defer is not None:
            self.submit(job)
            key = self.key(job)
            future = self._futures.get(key) if key else None
            if key and future is not None and not future.done() and self.store.get(key) is None:
                return PendingChart(interactive, lambda: self._finish(key, future, chart_id, interactive), future.done)
        return PendingChart.ready(ChartResult(self.fragment(job).replace(CHART_ID, chart_id), interactive))

    def _finish(self, key: str, future: Future[Outcome], chart_id: str, interactive: bool) -> ChartResult:
        """A chart the executor was computing: its figure, or its error raised here."""
        text = self._take(key, future)
        if text is None:  # the worker failed in an unexpected way: compute here, with a real traceback
            text = self._computed(key, Job("chart", {}))
        return ChartResult(text.replace(CHART_ID, chart_id), interactive)

    # -- career (data/career.yml) ---------------------------------------------------------------------

    def career_path(self) -> Path:
        """The career file: ``career.yml`` (or ``.yaml``) in the data folder."""
        return self.site_career.path()

    def career(self) -> Career:
        """The career, loaded again only when its file changes."""
        return self.site_career.career()

    def career_note(self, options: Mapping[str, Any], page_date: dt.date | None) -> str:
        """A ``career`` fence: the "at this point in the career" note for ``date`` (or the post's date),
        or with ``table: true`` a table of every role."""
        return self.site_career.note(options, page_date)

    def _last_merge(self) -> dt.datetime | None:
        """The last merged PR of the site's datasets: where the career chart's ongoing roles end."""
        registry = self.settings.registry
        lasts = [registry.get(name).frame["merged_at"].max() for name in registry.names()]
        return max((last for last in lasts if isinstance(last, dt.datetime)), default=None)

    # -- stats -------------------------------------------------------------------------------------

    def stat(self, key: str, options: Mapping[str, Any]) -> str:
        """One statistic, written for prose: ``total_prs`` -> ``310``, ``busiest_month`` -> ``April 2020 (14 PRs)``."""
        return self.fragment(Job("stat", dict(options), key))

    def stats_table(self, options: Mapping[str, Any]) -> str:
        """A ``stats`` fence: a table of key figures."""
        return self.fragment(Job("stats", dict(options)))

    def _stat(self, key: str, options: StatOptions) -> str:
        if key.startswith(STAT_PREFIX):
            return self._review_stat(key, options)
        dataset = self.dataset(options.dataset)
        if dataset.private and key.startswith(PRIVATE_TABLES):
            raise ConfigError(
                f"{key!r} would publish repository names or labels of the private dataset {dataset.name!r}"
            )
        stats = self.stats(dataset, self._known_names(dataset, options.filters))
        words = None if options.format == "raw" else Words(self.settings.language)
        value = stat_text(stats.to_dict(), key, words)
        self._keep_private(dataset, value, f"stat {key!r}")
        return value

    def _review_stat(self, key: str, options: StatOptions) -> str:
        """A stat of the site's reviews dataset (``reviews.prs``, ``reviews.by_year.2021`` ...)."""
        from retroblog.stats.reviews import PRIVATE_KEYS, review_stats

        reviews = self.settings.registry.get_reviews(None)
        if reviews.private and key.startswith(PRIVATE_KEYS):
            raise ConfigError(
                f"{key!r} would publish a repository name of the private reviews dataset {reviews.name!r}"
            )
        words = None if options.format == "raw" else Words(self.settings.language)
        return stat_text({"reviews": review_stats(reviews, options.filters)}, key, words)

    def _stats_table(self, options: StatsOptions) -> str:
        selection = StatOptions(options.dataset, options.filters)
        rows = [(label(key), self._stat(key, selection)) for key in options.stats]
        return stats_table(rows, options.title)


def chart_id(options: Mapping[str, Any], page: str, index: int, document: str = "") -> str:
    """A stable id: the same block in the same document gets the same id in every build.

    ``document`` (a digest of the Markdown being converted) tells apart the excerpts that a blog index
    converts one after another under one page name.
    """
    text = f"{page}\0{document}\0{json.dumps(options, sort_keys=True, default=str)}"
    return f"rb-{hashlib.sha256(text.encode()).hexdigest()[:10]}-{index}"
