"""A site's own charts: Vega-Lite spec files (``spec``) and Altair functions (``altair: module:function``).

``UserCharts`` reads them from the site's folder and turns them into a ``Chart`` like the built-in
ones: a spec file gets the block's aggregates as named datasets and the site's theme; an Altair
function gets the block's PRs as a polars frame. Either way the result is checked before it is
published: no PR rows (``retroblog.charts.embedded``) and, for a private dataset, none of its text.
Importing this module loads neither Altair nor polars; building a chart does.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from retroblog.charts import embedded
from retroblog.errors import ConfigError

if TYPE_CHECKING:
    from retroblog.charts.builtin import Chart, ChartContext
    from retroblog.data.dataset import Dataset


def module_path(root: Path, target: str) -> Path:
    """The file of a chart module: ``charts:busy_days`` or ``charts`` -> ``root/charts.py``."""
    return root / (target.partition(":")[0].replace(".", "/") + ".py")


class UserCharts:
    """The spec files and chart modules of the site in ``root``; modules are loaded again when they change."""

    def __init__(self, root: Path, modules: set[Path] | None = None) -> None:
        self.root = root
        self.modules = set() if modules is None else modules
        """Files of the chart modules used so far (shared with the engine, which has them watched)."""
        self._loaded: dict[str, tuple[Any, Any]] = {}

    def spec_chart(self, ctx: ChartContext, relative: str) -> Chart:
        """A ``spec`` block: the Vega-Lite file (JSON or YAML), with the block's aggregates as datasets."""
        from retroblog.charts.builtin import theme_config

        path = (self.root / relative).resolve()
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
        title = str(ctx.options.get("title") or title_text(spec.get("title")) or "Chart")
        if ctx.options.get("title"):
            spec["title"] = title
        for size in ("width", "height"):
            if size in ctx.options:
                spec[size] = getattr(ctx, size)
        # The site's theme (palette colours, currentColor text), under whatever the file sets itself.
        theme, own = theme_config(), spec.get("config") or {}
        spec["config"] = {
            **theme,
            **{
                k: {**theme[k], **v} if isinstance(v, dict) and isinstance(theme.get(k), dict) else v
                for k, v in own.items()
            },
        }
        ours = [name for name in named if name not in own]  # the block's aggregates: not the file's rows
        return _own_chart(ctx, spec, relative, title, spec.get("description"), ours)

    def altair_chart(self, ctx: ChartContext, target: str) -> Chart:
        """An ``altair`` block: the user's function called with the block's PRs (a private dataset's
        without titles, URLs and repositories), its chart validated and themed."""
        from retroblog.charts.builtin import finish

        module_name, _, function_name = target.partition(":")
        if not module_name or not function_name:
            raise ConfigError(f"'altair' must be module:function, such as charts:busy_days, got {target!r}")
        function = getattr(self.module(module_name), function_name, None)
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
        title = str(ctx.options.get("title") or title_text(getattr(result, "title", None)) or function_name)
        own_description = getattr(result, "description", None)
        try:
            spec = finish(result, ctx, title, title, validate=True)  # the description is set from the data below
        except Exception as exc:
            raise ConfigError(f"{target} returned a chart Altair cannot validate: {str(exc).splitlines()[0]}") from None
        return _own_chart(ctx, spec, target, title, own_description)

    def module(self, name: str) -> Any:
        """The user's chart module, loaded from the site folder; loaded again when its file changes."""
        path = module_path(self.root, name)
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


def _own_chart(
    ctx: ChartContext,
    spec: dict[str, Any],
    what: str,
    title: str,
    own_description: Any,
    aggregates: Sequence[str] = (),
) -> Chart:
    """A user's chart (spec file or Altair function), checked for raw PR rows and private text; its
    data table and description come from the rows it draws (``aggregates``: the block's own tables)."""
    from retroblog.charts.builtin import Chart

    embedded.check(spec, what, ctx.stats.total_prs, aggregates)
    check_private(spec, ctx.dataset, what)
    columns, rows, measures = embedded.drawn_table(spec)
    lead = own_description if isinstance(own_description, str) and own_description else f"{title}."
    words = embedded.describe(columns, rows, measures, ctx.scope())
    description = str(ctx.options.get("description") or f"{lead} {words}")
    spec["description"] = description
    return Chart(spec, title, description, columns, rows, first_sentence(description))


def first_sentence(text: str) -> str:
    """A user chart's visible caption: the first sentence of its description (``PRs per weekday.``),
    the rest of it, figure by figure, being for screen readers."""
    head, stop, _ = text.partition(". ")
    return f"{head}." if stop else text


def check_private(spec: Mapping[str, Any], dataset: Dataset, what: str) -> None:
    """A chart of a private dataset publishes none of its text (titles, URLs, repository names)."""
    if dataset.private:
        # The spec as the page embeds it (``retroblog.render.svg.spec_json``, which this layer may not
        # import): non-ASCII text is searched as itself, not as \\u escapes.
        text = json.dumps(dict(spec), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        for value in private_values(dataset):
            if value in text:
                raise ConfigError(f"{what} would publish text of the private dataset {dataset.name!r}")


def private_values(dataset: Dataset) -> set[str]:
    """The texts of a dataset that a chart of it must not show: its titles, repositories, URLs and labels
    (those over three characters)."""
    values: set[str] = set()
    for column in ("title", "repo", "url", "labels"):
        series = dataset.frame[column]
        if column == "labels":
            series = series.explode()
        values |= {v for v in series.drop_nulls().unique().to_list() if isinstance(v, str) and len(v) > 3}
    return values


def title_text(title: Any) -> str | None:
    """The text of a chart's own title: a string, a Vega-Lite ``{"text": ...}`` or an Altair ``TitleParams``."""
    if isinstance(title, str):
        return title
    if isinstance(title, Mapping) and isinstance(title.get("text"), str):
        return str(title["text"])
    text = getattr(title, "text", None)
    return text if isinstance(text, str) else None


def _metrics(row: Mapping[str, Any]) -> dict[str, Any]:
    """A period's row without its ``period`` (the spec's datasets name it by the period: year, month...)."""
    return {k: v for k, v in row.items() if k != "period"}
