"""Chart blocks, stats blocks and inline stats: options in, HTML out (no Markdown, no MkDocs here).

``Blocks`` is shared by every page of a build. Each block's finished HTML is cached by what it is made
of (``retroblog.build.cache``): a rebuild with unchanged inputs loads no dataset and imports neither polars
nor Altair, which load only when a block must really be computed. Given a ``defer`` executor (the
MkDocs plugin's worker process), charts not yet cached are computed in parallel with the rest of the
build and come back as ``Pending`` results that the caller resolves later.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import html
import importlib.util
import json
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import yaml

from retroblog.build.cache import FragmentStore, file_digest, fragment_key
from retroblog.build.settings import Settings
from retroblog.build.syntax import BlockError, Job, parse_inline_options, parse_options, scan
from retroblog.data.dataset import DatasetConfig
from retroblog.errors import ConfigError, RetroblogError
from retroblog.render.svg import SvgCache, spec_json

__all__ = ["BlockError", "Blocks", "Job", "Pending", "Ready", "parse_inline_options"]

if TYPE_CHECKING:  # the heavy modules (polars, Altair) load on the first block that needs them
    from retroblog.charts.builtin import Chart, ChartContext
    from retroblog.data.career import Career
    from retroblog.data.dataset import Dataset
    from retroblog.stats.compute import Filters, Stats

FILTER_KEYS = {"dataset", "from", "to", "year", "repo", "label"}
CHART_KEYS = FILTER_KEYS | {"type", "title", "description", "width", "height", "interactive", "spec", "altair"}
STATS_KEYS = FILTER_KEYS | {"title", "stats"}

DEFAULT_STATS = (
    "total_prs",
    "first_merged",
    "last_merged",
    "additions",
    "deletions",
    "comments",
    "size.median",
    "busiest_month",
    "busiest_quarter",
    "longest_streak",
)
LABELS = {
    "total_prs": "PRs merged",
    "first_merged": "First merge",
    "last_merged": "Last merge",
    "additions": "Lines inserted",
    "deletions": "Lines deleted",
    "lines_changed": "Lines changed",
    "comments": "Comments",
    "review_comments": "Review comments",
    "size.median": "Median PR size (lines inserted)",
    "busiest_month": "Busiest month",
    "busiest_quarter": "Busiest quarter",
    "longest_streak": "Longest streak of weeks with a merged PR",
}


CAREER_CHART = "career-timeline"
"""The chart of ``data/career.yml``: it takes no dataset and no filters."""
CAREER_CHART_KEYS = {"type", "title", "description", "width", "height", "interactive"}

CHART_ID = "\x00retroblog-chart-id\x00"
"""Stands for the chart's id in a cached figure; replaced by the id of each place the chart appears."""


class Executor(Protocol):
    """Computes blocks elsewhere (the plugin's worker process): ``retroblog.build.worker.Prefetcher``."""

    def submit(self, kind: str, options: Mapping[str, Any], stat_key: str | None) -> Future[Any]: ...


class Pending:
    """A chart being computed by the executor; ``html()`` waits for it (or raises its ``BlockError``)."""

    def __init__(self, blocks: Blocks, key: str, future: Future[Any], chart_id: str, interactive: bool) -> None:
        self.blocks, self.key, self.future, self.chart_id = blocks, key, future, chart_id
        self.interactive = interactive
        """As the block asks; the page needs the script if so (a wrong value fails when the chart is built)."""

    def html(self) -> str:
        text = self.blocks._take(self.key, self.future)
        if text is None:  # the worker failed in an unexpected way: compute here, with a real traceback
            text = self.blocks._computed(self.key, "chart", {}, None)
        return text.replace(CHART_ID, self.chart_id)


class Ready(Pending):
    """A chart already made, held back like a ``Pending`` one until the page is written."""

    def __init__(self, text: str, interactive: bool) -> None:
        self.text, self.interactive = text, interactive
        self.future: Future[Any] = Future()
        self.future.set_result(("ok", text))

    def html(self) -> str:
        return self.text


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
    _loaded: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    _futures: dict[str, Future[Any]] = field(default_factory=dict)
    _jobs: dict[str, Job] = field(default_factory=dict)
    _configs: dict[str, DatasetConfig] | None = None
    _career: tuple[Any, Career] | None = None
    modules: set[Path] = field(default_factory=set)
    """Files of user chart modules used so far (the plugin watches them under ``mkdocs serve``)."""

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
        if job.kind == "chart" and options.get("type") == CAREER_CHART:
            _check_career_options(options)  # a wrong option first: it is the block's, the file is the site's
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
        if job.kind == "chart" and "altair" in options:
            # The module's file and the Python files beside it (what it may import from the site).
            module = self.settings.root / (str(options["altair"]).partition(":")[0].replace(".", "/") + ".py")
            if not module.is_file():
                return None  # computing the block reports it
            self.modules.add(module)  # watched under `mkdocs serve`, even when the chart comes from the cache
            parts["code"] = [[p.name, file_digest(p)] for p in sorted(module.parent.glob("*.py"))]
        if job.kind == "chart" and "spec" in options:
            path = (self.settings.root / str(options["spec"])).resolve()
            parts["spec"] = [str(options["spec"]), file_digest(path) if path.is_file() else None]
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
        return self._computed(key, job.kind, job.options, job.stat_key)

    def _computed(self, key: str | None, kind: str, options: Mapping[str, Any], stat_key: str | None) -> str:
        if key is not None and key in self._jobs:
            job = self._jobs[key]
            kind, options, stat_key = job.kind, job.options, job.stat_key
        if kind == "chart":
            from retroblog.render.html import figure

            chart, interactive = self.chart(options)
            text = figure(chart, self.cache.svg(chart.spec), CHART_ID, interactive=interactive)
        elif kind == "stats":
            text = self._stats_table(options)
        else:
            text = self._stat(str(stat_key), options)
        if key is not None:
            self.store.put(key, text)
        return text

    def _take(self, key: str, future: Future[Any]) -> str | None:
        """The result of an executor's job: its HTML, or its error raised here; None if it crashed."""
        outcome = future.result()
        if outcome[0] == "ok":
            self.store.put(key, outcome[1])
            return str(outcome[1])
        if outcome[0] == "error":
            raise BlockError(outcome[1], outcome[2])
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

    # -- options -----------------------------------------------------------------------------------

    @staticmethod
    def parse(source: str) -> dict[str, Any]:
        """The YAML options of a fenced block; errors carry the line inside the block."""
        return parse_options(source)

    def dataset(self, options: Mapping[str, Any]) -> Dataset:
        name = options.get("dataset")
        config = self.settings.registry.config(None if name is None else str(name))
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
            key = (dataset.name, dataset.fingerprint, column)
            if key not in self._names:  # once per dataset, not once per block: the column may be long
                values = dataset.frame[column]
                self._names[key] = frozenset(
                    (values.explode() if column == "labels" else values).drop_nulls().to_list()
                )
            known = self._names[key]
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

    # -- charts ------------------------------------------------------------------------------------

    def chart(self, options: Mapping[str, Any]) -> tuple[Chart, bool]:
        """Build the chart a block asks for; returns it and whether it may become interactive."""
        from retroblog.charts.builtin import CHARTS, DEFAULT_HEIGHT, DEFAULT_WIDTH, OPTIONS, ChartContext
        from retroblog.stats.compute import Filters

        kinds = [k for k in ("type", "spec", "altair") if k in options]
        if len(kinds) != 1:
            raise ConfigError(
                "a chart needs exactly one of 'type' (a built-in chart), 'spec' (a Vega-Lite file) or "
                f"'altair' (module:function); built-in types: {', '.join(sorted(CHARTS))}"
            )
        kind = kinds[0]
        if options.get("type") == CAREER_CHART:
            return self._career_chart(options), _interactive(options)
        extra = OPTIONS.get(str(options.get("type")), set())
        unknown = set(options) - CHART_KEYS - extra
        if unknown:
            expected = ", ".join(sorted(CHART_KEYS | extra))
            raise ConfigError(f"unknown option(s) {', '.join(sorted(unknown))}; expected {expected}")
        interactive = _interactive(options)
        width = _size(options, "width", DEFAULT_WIDTH)
        height = _size(options, "height", DEFAULT_HEIGHT)
        dataset = self.dataset(options)
        filters = self._known_names(dataset, Filters.from_options(options, ""))
        ctx = ChartContext(dataset, self.stats(dataset, filters), filters, options, width, height)
        if kind == "type":
            name = options["type"]
            if name not in CHARTS:
                known = ", ".join(sorted([*CHARTS, CAREER_CHART]))
                raise ConfigError(f"unknown chart type {name!r}; built-in types: {known}")
            if ctx.stats.total_prs == 0:  # a chart of nothing: empty axes and captions without numbers
                raise ConfigError(self._nothing_selected(dataset, filters))
            return CHARTS[str(name)](ctx), interactive
        if kind == "spec":
            return self._spec_chart(ctx, str(options["spec"])), interactive
        return self._altair_chart(ctx, str(options["altair"])), interactive

    def _nothing_selected(self, dataset: Dataset, filters: Filters) -> str:
        """Why a built-in chart has nothing to draw: its filters, and the dates the dataset covers."""
        from retroblog.stats.compute import Filters as AllPRs

        whole = self.stats(dataset, AllPRs())
        if whole.total_prs == 0:
            return f"the dataset '{dataset.name}' has no PRs to chart"
        return (
            f"no PRs {filters.describe() or 'match the filters'} in the dataset '{dataset.name}', whose PRs "
            f"were merged from {whole.first_merged} to {whole.last_merged}: widen 'from'/'to'/'year', "
            "'repo' or 'label'"
        )

    def chart_html(self, options: Mapping[str, Any], chart_id: str, *, hold: bool = False) -> str | Pending:
        """A chart's figure; with an executor, a ``Pending`` while the chart is still being computed;
        with ``hold``, a ``Ready`` one when it is done (the caller puts every chart in place later)."""
        job = Job("chart", dict(options))
        interactive = options.get("interactive", True) is not False
        if self.defer is not None:
            self.submit(job)
            key = self.key(job)
            future = self._futures.get(key) if key else None
            if key and future is not None and not future.done() and self.store.get(key) is None:
                return Pending(self, key, future, chart_id, interactive)
        text = self.fragment(job).replace(CHART_ID, chart_id)
        return Ready(text, interactive) if hold else text

    # -- career (data/career.yml) ---------------------------------------------------------------------

    def career_path(self) -> Path:
        """The career file: ``career.yml`` (or ``.yaml``) in the data folder."""
        for name in ("career.yml", "career.yaml"):
            path = self.settings.data_dir / name
            if path.is_file():
                return path
        raise ConfigError(f"no career file: expected {self.settings.data_dir / 'career.yml'} (see docs/career.md)")

    def career(self) -> Career:
        """The career, loaded again only when its file changes."""
        from retroblog.data.career import load_career

        path = self.career_path()
        stamp = (path, path.stat().st_mtime_ns, path.stat().st_size)
        if self._career is None or self._career[0] != stamp:
            self._career = (stamp, load_career(path))
        return self._career[1]

    def _career_chart(self, options: Mapping[str, Any]) -> Chart:
        from retroblog.charts.career import career_timeline

        _check_career_options(options)
        registry = self.settings.registry
        # Ongoing roles end at the last merged PR of the site's datasets: never today's date.
        lasts = [registry.get(name).frame["merged_at"].max() for name in registry.names()]
        until = max((last for last in lasts if isinstance(last, dt.datetime)), default=None)
        return career_timeline(
            self.career(),
            width=_size(options, "width", 640),
            height=_size(options, "height", 240),
            title=str(options["title"]) if options.get("title") else None,
            description=str(options["description"]) if options.get("description") else None,
            until=until,
        )

    def career_note(self, options: Mapping[str, Any], page_date: dt.date | None) -> str:
        """A ``career`` fence: the "at this point in the career" note for ``date`` (or the post's date),
        or with ``table: true`` a table of every role."""
        from retroblog.data.career import career_table_html, context_html

        unknown = set(options) - {"date", "table"}
        if unknown:
            raise ConfigError(f"unknown option(s) {', '.join(sorted(unknown))}; expected date, table")
        if options.get("table") is True:
            return career_table_html(self.career())
        day = options.get("date", page_date)
        if isinstance(day, dt.datetime):
            day = day.date()
        if not isinstance(day, dt.date):
            raise ConfigError(
                "a career note needs a date: 'date: 2021-05-01' in the block, or a post whose front matter "
                f"has a date (got {day!r}); or 'table: true' for the table of roles"
            )
        return context_html(self.career(), day)

    def _spec_chart(self, ctx: ChartContext, relative: str) -> Chart:
        path = (self.settings.root / relative).resolve()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            raise ConfigError(f"spec file {relative!r} not found (looked in {path})") from None
        try:
            spec = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as exc:
            raise ConfigError(f"spec file {relative!r} is not valid JSON/YAML: {exc}") from None
        if not isinstance(spec, dict):
            raise ConfigError(f"spec file {relative!r} must hold a Vega-Lite object")
        stats = ctx.stats
        named = {
            "by_year": [{"year": r["period"], **_metrics(r)} for r in stats.periods["year"]],
            "by_quarter": [{"quarter": r["period"], **_metrics(r)} for r in stats.periods["quarter"]],
            "by_month": [{"month": r["period"], **_metrics(r)} for r in stats.periods["month"]],
            "by_week": [{"week": r["period"], **_metrics(r)} for r in stats.periods["week"]],
            "by_weekday": [{"weekday": r["period"], **_metrics(r)} for r in stats.periods["weekday"]],
            "size_buckets": [{"bucket": k, "prs": v} for k, v in stats.size_buckets.items()],
            "by_repo": [] if ctx.dataset.private else [dict(r) for r in stats.by_repo],
        }
        own = spec.get("datasets") or {}
        spec = {**spec, "datasets": {**named, **own}}
        spec.pop("$schema", None)
        title = str(ctx.options.get("title") or _title_text(spec.get("title")) or "Chart")
        if ctx.options.get("title"):
            spec["title"] = title
        for size in ("width", "height"):
            if size in ctx.options:
                spec[size] = getattr(ctx, size)
        # The site's theme (palette colours, currentColor text), under whatever the file sets itself.
        from retroblog.charts.builtin import theme_config

        theme, own = theme_config(), spec.get("config") or {}
        spec["config"] = {
            **theme,
            **{
                k: {**theme[k], **v} if isinstance(v, dict) and isinstance(theme.get(k), dict) else v
                for k, v in own.items()
            },
        }
        ours = [name for name in named if name not in own]  # the block's aggregates: not the file's rows
        return self._own_chart(ctx, spec, relative, title, spec.get("description"), ours)

    def _altair_chart(self, ctx: ChartContext, target: str) -> Chart:
        from retroblog.charts.builtin import finish

        module_name, _, function_name = target.partition(":")
        if not module_name or not function_name:
            raise ConfigError(f"'altair' must be module:function, such as charts:busy_days, got {target!r}")
        function = getattr(self._module(module_name), function_name, None)
        if not callable(function):
            raise ConfigError(f"{module_name} has no function {function_name!r}")
        frame = ctx.filters.apply(ctx.dataset.frame)
        if ctx.dataset.private:
            frame = frame.drop("title", "url", "repo")
        try:
            result = function(frame)
            sizes = {size: getattr(ctx, size) for size in ("width", "height") if size in ctx.options}
            if sizes and hasattr(result, "properties"):
                result = result.properties(**sizes)
        except Exception as exc:  # a user's function may fail in any way: report it, no traceback
            raise ConfigError(f"{target} failed: {type(exc).__name__}: {exc}") from None
        if not hasattr(result, "to_dict"):
            raise ConfigError(f"{target} must return an Altair chart, got {type(result).__name__}")
        title = str(ctx.options.get("title") or _title_text(getattr(result, "title", None)) or function_name)
        own_description = getattr(result, "description", None)
        try:
            spec = finish(result, ctx, title, title, validate=True)  # the description is set from the data below
        except Exception as exc:
            raise ConfigError(f"{target} returned a chart Altair cannot validate: {str(exc).splitlines()[0]}") from None
        return self._own_chart(ctx, spec, target, title, own_description)

    def _own_chart(
        self,
        ctx: ChartContext,
        spec: dict[str, Any],
        what: str,
        title: str,
        own_description: Any,
        aggregates: Sequence[str] = (),
    ) -> Chart:
        """A user's chart (spec file or Altair function), checked for raw PR rows and private text; its
        data table and description come from the rows it draws (``aggregates``: the block's own tables)."""
        from retroblog.charts import embedded
        from retroblog.charts.builtin import Chart

        embedded.check(spec, what, ctx.stats.total_prs, aggregates)
        self._check_private(spec, ctx.dataset, what)
        columns, rows, measures = embedded.drawn_table(spec)
        lead = own_description if isinstance(own_description, str) and own_description else f"{title}."
        words = embedded.describe(columns, rows, measures, ctx.scope())
        description = str(ctx.options.get("description") or f"{lead} {words}")
        spec["description"] = description
        return Chart(spec, title, description, columns, rows)

    def _module(self, name: str) -> Any:
        """The user's chart module, loaded from the site folder; loaded again when its file changes."""
        path = self.settings.root / (name.replace(".", "/") + ".py")
        if not path.is_file():
            raise ConfigError(f"chart module {name!r} not found: expected {path}")
        self.modules.add(path)
        stamp = (path, path.stat().st_mtime_ns, path.stat().st_size)
        cached = self._loaded.get(name)
        if cached and cached[0] == stamp:
            return cached[1]
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has a loader
            raise ConfigError(f"chart module {name!r} cannot be loaded from {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            raise ConfigError(f"chart module {name!r} failed to import: {type(exc).__name__}: {exc}") from None
        self._loaded[name] = (stamp, module)
        return module

    @staticmethod
    def _check_private(spec: Mapping[str, Any], dataset: Dataset, what: str) -> None:
        """A chart of a private dataset publishes none of its text (titles, URLs, repository names)."""
        if dataset.private:
            text = spec_json(dict(spec))
            for value in _private_values(dataset):
                if value in text:
                    raise ConfigError(f"{what} would publish text of the private dataset {dataset.name!r}")

    # -- stats -------------------------------------------------------------------------------------

    def stat(self, key: str, options: Mapping[str, Any]) -> str:
        """One statistic, formatted for prose: ``total_prs`` -> ``310``, ``by_year.2020`` -> ``129``."""
        return self.fragment(Job("stat", dict(options), key))

    def stats_table(self, options: Mapping[str, Any]) -> str:
        """A ``stats`` fence: a table of key figures."""
        return self.fragment(Job("stats", dict(options)))

    def _stat(self, key: str, options: Mapping[str, Any]) -> str:
        from retroblog.stats.compute import Filters

        unknown = set(options) - FILTER_KEYS
        if unknown:
            raise ConfigError(
                f"unknown option(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(FILTER_KEYS))}"
            )
        dataset = self.dataset(options)
        if dataset.private and key.startswith(("by_repo", "repos")):
            raise ConfigError(f"{key!r} would publish repository names of the private dataset {dataset.name!r}")
        stats = self.stats(dataset, self._known_names(dataset, Filters.from_options(options, "")))
        return format_value(lookup(stats.to_dict(), key))

    def _stats_table(self, options: Mapping[str, Any]) -> str:
        unknown = set(options) - STATS_KEYS
        if unknown:
            raise ConfigError(
                f"unknown option(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(STATS_KEYS))}"
            )
        keys = options.get("stats") or list(DEFAULT_STATS)
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise ConfigError("'stats' must be a list of stat names such as [total_prs, by_year.2021]")
        filter_options = {k: v for k, v in options.items() if k in FILTER_KEYS}
        rows = "".join(
            f"<tr><td>{html.escape(LABELS.get(k) or k)}</td><td>{html.escape(self._stat(k, filter_options))}</td></tr>"
            for k in keys
        )
        title = options.get("title")
        caption = f"<caption>{html.escape(str(title))}</caption>" if title else ""
        # The class is on a wrapper: mkdocs-material styles only tables without a class.
        return (
            f'<div class="retroblog-stats"><table>{caption}<thead><tr><th>Figure</th><th>Value</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div>"
        )


def chart_id(options: Mapping[str, Any], page: str, index: int, document: str = "") -> str:
    """A stable id: the same block in the same document gets the same id in every build.

    ``document`` (a digest of the Markdown being converted) tells apart the excerpts that a blog index
    converts one after another under one page name.
    """
    text = f"{page}\0{document}\0{json.dumps(options, sort_keys=True, default=str)}"
    return f"rb-{hashlib.sha256(text.encode()).hexdigest()[:10]}-{index}"


def lookup(data: Mapping[str, Any], key: str) -> Any:
    """``by_year.2020`` in the stats JSON; names the valid keys when the path does not exist."""
    value: Any = data
    walked: list[str] = []
    for part in _split_key(key):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
            walked.append(part)
            continue
        where = ".".join(walked) or "stats"
        options = ", ".join(list(value)[:12]) if isinstance(value, Mapping) else "none"
        raise ConfigError(f"unknown stat {key!r}: {where} has no {part!r} (available: {options})")
    if isinstance(value, Mapping) and "period" in value:
        return f"{value['period']} ({value['prs']:,} PRs)"
    if isinstance(value, Mapping) and "weeks" in value:
        return f"{value['weeks']} weeks" if value["weeks"] else "0 weeks"
    if isinstance(value, Mapping | list):
        raise ConfigError(f"stat {key!r} is a table, not a number; name one entry such as {key}.<name>")
    return value


def _split_key(key: str) -> list[str]:
    head, _, rest = key.partition(".")
    return [head, rest] if rest else [head]


def format_value(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return str(value)


def _metrics(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "period"}


def _check_career_options(options: Mapping[str, Any]) -> None:
    unknown = set(options) - CAREER_CHART_KEYS
    if unknown:
        raise ConfigError(
            f"unknown option(s) {', '.join(sorted(unknown))} for {CAREER_CHART} (it reads data/career.yml, "
            f"not a dataset); expected {', '.join(sorted(CAREER_CHART_KEYS))}"
        )


def _interactive(options: Mapping[str, Any]) -> bool:
    interactive = options.get("interactive", True)
    if not isinstance(interactive, bool):
        raise ConfigError(f"'interactive' must be true or false, got {interactive!r}")
    return interactive


def _size(options: Mapping[str, Any], key: str, default: int) -> int:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 50 <= value <= 4000:
        raise ConfigError(f"'{key}' must be a number of pixels from 50 to 4000, got {value!r}")
    return value


def _title_text(title: Any) -> str | None:
    if isinstance(title, str):
        return title
    if isinstance(title, Mapping) and isinstance(title.get("text"), str):
        return str(title["text"])
    text = getattr(title, "text", None)
    return text if isinstance(text, str) else None


def _private_values(dataset: Dataset) -> set[str]:
    values: set[str] = set()
    for column in ("title", "repo", "url"):
        values |= {
            v for v in dataset.frame[column].drop_nulls().unique().to_list() if isinstance(v, str) and len(v) > 3
        }
    return values
