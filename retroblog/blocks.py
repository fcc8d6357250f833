"""Chart blocks, stats blocks and inline stats: options in, HTML out (no Markdown, no MkDocs here).

``Blocks`` is shared by every page of a build: it caches stats per (dataset version, filters) and
SVGs per spec, so a rebuild with unchanged data renders nothing again.
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import json
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from retroblog.charts import CHARTS, DEFAULT_HEIGHT, DEFAULT_WIDTH, OPTIONS, Chart, ChartContext, finish
from retroblog.dataset import Dataset
from retroblog.errors import ConfigError, RetroblogError
from retroblog.render import SvgCache, figure, spec_json
from retroblog.settings import Settings
from retroblog.stats import Filters, Stats, compute

FILTER_KEYS = {"dataset", "from", "to", "year", "repo", "label"}
CHART_KEYS = FILTER_KEYS | {"type", "title", "description", "width", "height", "interactive", "spec", "altair"}
STATS_KEYS = FILTER_KEYS | {"title", "stats"}
MAX_USER_ROWS = 5000
"""A user's chart may embed at most this many data rows: charts show aggregates, not PRs."""

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


class BlockError(RetroblogError):
    """A problem in one block: ``line`` counts from the block's first line (its fence)."""

    def __init__(self, message: str, line: int = 0) -> None:
        self.line = line
        self.message = message
        super().__init__(message)


@dataclass
class Blocks:
    """Turns block options into HTML for one site."""

    settings: Settings
    cache: SvgCache = field(default_factory=SvgCache)
    _stats: dict[tuple[Any, ...], Stats] = field(default_factory=dict)
    _loaded: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    modules: set[Path] = field(default_factory=set)
    """Files of user chart modules used so far (the plugin watches them under ``mkdocs serve``)."""

    # -- options -----------------------------------------------------------------------------------

    @staticmethod
    def parse(source: str) -> dict[str, Any]:
        """The YAML options of a fenced block; errors carry the line inside the block."""
        try:
            value = yaml.safe_load(source) if source.strip() else {}
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise BlockError(f"invalid YAML: {exc.problem or exc}", (mark.line + 1) if mark else 0) from None
        if not isinstance(value, dict):
            raise BlockError("expected 'key: value' options such as 'type: prs-per-year'", 1)
        return {str(k): v for k, v in value.items()}

    def dataset(self, options: Mapping[str, Any]) -> Dataset:
        registry = self.settings.registry
        name = options.get("dataset")
        if name is None:
            names = registry.names()
            if len(names) != 1:
                known = ", ".join(names) or "none"
                raise ConfigError(f"name a dataset with 'dataset:'; this site has {len(names)} ({known})")
            name = names[0]
        return registry.get(str(name))

    def stats(self, dataset: Dataset, filters: Filters) -> Stats:
        key = (dataset.name, dataset.fingerprint, filters, self.settings.size_buckets)
        if key not in self._stats:
            self._stats[key] = compute(dataset, filters, self.settings.size_buckets)
        return self._stats[key]

    # -- charts ------------------------------------------------------------------------------------

    def chart(self, options: Mapping[str, Any]) -> tuple[Chart, bool]:
        """Build the chart a block asks for; returns it and whether it may become interactive."""
        kinds = [k for k in ("type", "spec", "altair") if k in options]
        if len(kinds) != 1:
            raise ConfigError(
                "a chart needs exactly one of 'type' (a built-in chart), 'spec' (a Vega-Lite file) or "
                f"'altair' (module:function); built-in types: {', '.join(sorted(CHARTS))}"
            )
        kind = kinds[0]
        extra = OPTIONS.get(str(options.get("type")), set())
        unknown = set(options) - CHART_KEYS - extra
        if unknown:
            expected = ", ".join(sorted(CHART_KEYS | extra))
            raise ConfigError(f"unknown option(s) {', '.join(sorted(unknown))}; expected {expected}")
        interactive = options.get("interactive", True)
        if not isinstance(interactive, bool):
            raise ConfigError(f"'interactive' must be true or false, got {interactive!r}")
        width = _size(options, "width", DEFAULT_WIDTH)
        height = _size(options, "height", DEFAULT_HEIGHT)
        dataset = self.dataset(options)
        filters = Filters.from_options(options, "chart")
        ctx = ChartContext(dataset, self.stats(dataset, filters), filters, options, width, height)
        if kind == "type":
            name = options["type"]
            if name not in CHARTS:
                raise ConfigError(f"unknown chart type {name!r}; built-in types: {', '.join(sorted(CHARTS))}")
            return CHARTS[str(name)](ctx), interactive
        if kind == "spec":
            return self._spec_chart(ctx, str(options["spec"])), interactive
        return self._altair_chart(ctx, str(options["altair"])), interactive

    def chart_html(self, options: Mapping[str, Any], chart_id: str) -> str:
        chart, interactive = self.chart(options)
        return figure(chart, self.cache.svg(chart.spec), chart_id, interactive=interactive)

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
        spec = {**spec, "datasets": {**named, **(spec.get("datasets") or {})}}
        spec.pop("$schema", None)
        title = str(ctx.options.get("title") or _title_text(spec.get("title")) or "Chart")
        description = str(ctx.options.get("description") or spec.get("description") or f"{title}{ctx.scope()}.")
        spec["description"] = description
        spec.setdefault("config", {})
        self._check_embedded(spec, ctx.dataset, relative)
        rows = named["by_month"]
        return Chart(spec, title, description, [("month", "Month"), ("prs", "PRs")], rows)

    def _altair_chart(self, ctx: ChartContext, target: str) -> Chart:
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
        except Exception as exc:  # a user's function may fail in any way: report it, no traceback
            raise ConfigError(f"{target} failed: {type(exc).__name__}: {exc}") from None
        if not hasattr(result, "to_dict"):
            raise ConfigError(f"{target} must return an Altair chart, got {type(result).__name__}")
        title = str(ctx.options.get("title") or _title_text(getattr(result, "title", None)) or function_name)
        description = str(ctx.options.get("description") or f"{title}{ctx.scope()}.")
        try:
            spec = finish(result, ctx, title, description)
        except Exception as exc:
            raise ConfigError(f"{target} returned a chart Altair cannot validate: {str(exc).splitlines()[0]}") from None
        self._check_embedded(spec, ctx.dataset, target)
        return Chart(spec, title, description, [], [])

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
    def _check_embedded(spec: Mapping[str, Any], dataset: Dataset, what: str) -> None:
        """Charts embed aggregates only: refuse raw PR rows, and any text of a private dataset."""
        tables = list((spec.get("datasets") or {}).values())
        data = spec.get("data")
        if isinstance(data, Mapping) and isinstance(data.get("values"), list):
            tables.append(data["values"])
        for rows in tables:
            if not isinstance(rows, list):
                continue
            keys = {k for row in rows[:100] if isinstance(row, Mapping) for k in row}
            if len(rows) > MAX_USER_ROWS or keys & {"title", "url"}:
                raise ConfigError(
                    f"{what} embeds {len(rows):,} rows with fields {sorted(keys)}; charts must embed aggregates "
                    "(group_by first) and never PR titles or URLs"
                )
        if dataset.private:
            text = spec_json(dict(spec))
            for value in _private_values(dataset):
                if value in text:
                    raise ConfigError(f"{what} would publish text of the private dataset {dataset.name!r}")

    # -- stats -------------------------------------------------------------------------------------

    def stat(self, key: str, options: Mapping[str, Any]) -> str:
        """One statistic, formatted for prose: ``total_prs`` -> ``310``, ``by_year.2020`` -> ``129``."""
        unknown = set(options) - FILTER_KEYS
        if unknown:
            raise ConfigError(
                f"unknown option(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(FILTER_KEYS))}"
            )
        dataset = self.dataset(options)
        if dataset.private and key.startswith(("by_repo", "repos")):
            raise ConfigError(f"{key!r} would publish repository names of the private dataset {dataset.name!r}")
        stats = self.stats(dataset, Filters.from_options(options, "stat"))
        return format_value(lookup(stats.to_dict(), key))

    def stats_table(self, options: Mapping[str, Any]) -> str:
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
            f"<tr><td>{html.escape(LABELS.get(k) or k)}</td><td>{html.escape(self.stat(k, filter_options))}</td></tr>"
            for k in keys
        )
        title = options.get("title")
        caption = f"<caption>{html.escape(str(title))}</caption>" if title else ""
        return (
            f'<table class="retroblog-stats">{caption}<thead><tr><th>Figure</th><th>Value</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )


def chart_id(options: Mapping[str, Any], page: str, index: int) -> str:
    """A stable id: the same block on the same page gets the same id in every build."""
    digest = hashlib.sha256(f"{page}\0{json.dumps(options, sort_keys=True, default=str)}".encode()).hexdigest()
    return f"rb-{digest[:10]}-{index}"


def parse_inline_options(text: str) -> dict[str, Any]:
    """``year=2021 repo="a b"`` -> ``{"year": 2021, "repo": "a b"}``."""
    options: dict[str, Any] = {}
    try:
        parts = shlex.split(text.replace(",", " "))
    except ValueError as exc:
        raise ConfigError(f"cannot read options {text!r}: {exc}") from None
    for part in parts:
        key, sep, value = part.partition("=")
        if not sep or not key:
            raise ConfigError(f"expected key=value, got {part!r}")
        options[key] = int(value) if value.isdigit() and key == "year" else value
    return options


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
