"""A site's own charts: Vega-Lite spec files (``spec``) and Altair functions (``altair: module:function``).

``UserCharts`` reads them from the site's folder and turns them into a ``Chart`` like the built-in
ones: a spec file gets the block's aggregates as named datasets and the site's theme; an Altair
function gets the block's PRs as a polars frame. Either way the result is checked before it is
published: no PR rows (``retroblog.charts.embedded``), nothing loaded from another address
(``check_no_urls``) and, for a private dataset, none of its text.

Both come from the site only: a spec file or chart module must resolve, symlinks followed, inside the
folder of mkdocs.yml (``site_path``). A chart function runs in a child process of a fork server, under
a time limit (``run_user_function``): the build gets its chart or one error, however the function ends.
Importing this module loads neither Altair nor polars; building a chart does.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import stat
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from retroblog.charts import embedded
from retroblog.errors import ConfigError

if TYPE_CHECKING:
    from retroblog.charts.builtin import Chart, ChartContext
    from retroblog.data.dataset import Dataset


MAX_SPEC_BYTES = 10_000_000
"""The largest spec file read (10 MB): a chart's own data is aggregates, a few thousand rows at most."""
DEFAULT_TIMEOUT = 30.0
"""Seconds a user's chart function may take (the ``chart_timeout`` option) before it is stopped."""


def site_path(root: Path, relative: str, what: str) -> Path:
    """``relative`` resolved against the site's folder (symlinks followed); an error if it leads out of it.

    An absolute path, ``..`` or a symlink to a file elsewhere is refused: a page embeds what a spec file
    holds and a build runs what a chart module does, so both come from the site, never from elsewhere
    on the machine."""
    base = root.resolve()
    try:
        path = (base / relative).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte
        raise ConfigError(f"{what} {relative!r} cannot be resolved inside the site's folder {base}") from None
    if not path.is_relative_to(base):
        raise ConfigError(
            f"{what} {relative!r} is outside the site's folder {base}: "
            "spec files and chart modules must be inside the folder of mkdocs.yml"
        )
    return path


def spec_path(root: Path, relative: str) -> Path:
    """The file of a ``spec`` block: inside the site, a regular file (not a FIFO or a device) of at most
    ``MAX_SPEC_BYTES``; its content is not read here."""
    path = site_path(root, relative, "spec file")
    try:
        info = path.stat()
    except OSError:
        raise ConfigError(f"spec file {relative!r} not found (looked in {path})") from None
    _check_regular(info, relative)
    return path


def _check_regular(info: os.stat_result, relative: str) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"spec file {relative!r} is not a regular file (a folder, FIFO or device)")
    if info.st_size > MAX_SPEC_BYTES:
        raise ConfigError(
            f"spec file {relative!r} is {info.st_size:,} bytes; a spec file holds at most {MAX_SPEC_BYTES:,}"
        )


def read_spec_text(root: Path, relative: str) -> tuple[Path, str]:
    """The text of a spec file, checked by ``spec_path``; opened without blocking, so a FIFO swapped in
    after the check is refused too, and never read past the size bound."""
    path = spec_path(root, relative)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        raise ConfigError(f"spec file {relative!r} cannot be read (looked in {path})") from None
    with os.fdopen(fd, "rb") as handle:
        _check_regular(os.fstat(handle.fileno()), relative)
        data = handle.read(MAX_SPEC_BYTES + 1)
    if len(data) > MAX_SPEC_BYTES:
        raise ConfigError(f"spec file {relative!r} holds more than {MAX_SPEC_BYTES:,} bytes")
    try:
        return path, data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"spec file {relative!r} is not UTF-8 text (byte {exc.start + 1})") from None


def parse_spec_text(text: str, relative: str, json_file: bool) -> Any:
    """A spec file's JSON or YAML; an error naming its line and the problem, never quoting its text."""
    if json_file:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"spec file {relative!r} is not valid JSON/YAML: line {exc.lineno}: {exc.msg}") from None
        except (ValueError, RecursionError) as exc:
            raise ConfigError(f"spec file {relative!r} is not valid JSON/YAML: {type(exc).__name__}") from None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark else ""
        problem = exc.problem or exc.context or "cannot be read"
        raise ConfigError(f"spec file {relative!r} is not valid JSON/YAML: {where}{problem}") from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise ConfigError(f"spec file {relative!r} is not valid JSON/YAML: {type(exc).__name__}") from None


def module_path(root: Path, target: str) -> Path:
    """The file of a chart module: ``charts:busy_days`` or ``charts`` -> ``root/charts.py``; an error
    unless the name is a dotted Python name whose file is inside the site's folder."""
    name = target.partition(":")[0]
    if not name or not all(part.isidentifier() for part in name.split(".")):
        raise ConfigError(
            f"'altair' must name a module of the site by its Python name, such as charts:busy_days, got {target!r}"
        )
    return site_path(root, name.replace(".", "/") + ".py", "chart module")


class UserCharts:
    """The spec files and chart modules of the site in ``root``.

    A chart function runs in a child process (``run_user_function``) under a time limit: however it
    ends (returning, raising, calling ``sys.exit`` or ``os._exit``, never returning), the build gets a
    chart or an error, and keeps none of the module's state."""

    def __init__(self, root: Path, modules: set[Path] | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.root = root
        self.modules = set() if modules is None else modules
        """Files of the chart modules used so far (shared with the engine, which has them watched)."""
        self.timeout = timeout
        """Seconds a chart function may run (its module's import included) before it is stopped."""

    def spec_chart(self, ctx: ChartContext, relative: str) -> Chart:
        """A ``spec`` block: the Vega-Lite file (JSON or YAML), with the block's aggregates as datasets."""
        from retroblog.charts.builtin import theme_config

        path, text = read_spec_text(self.root, relative)
        spec = parse_spec_text(text, relative, path.suffix == ".json")
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
        if not isinstance(own, dict):
            raise ConfigError(f"spec file {relative!r}: 'datasets' must map names to tables")
        check_no_urls(spec, f"spec file {relative!r}")  # before its own datasets are merged with ours
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
        if not isinstance(own, dict):
            raise ConfigError(f"spec file {relative!r}: 'config' must be a mapping")
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
        module_name, _, function_name = target.partition(":")
        if not module_name or not function_name:
            raise ConfigError(f"'altair' must be module:function, such as charts:busy_days, got {target!r}")
        path = module_path(self.root, target)
        if not path.is_file():
            raise ConfigError(f"chart module {module_name!r} not found: expected {path}")
        self.modules.add(path)
        frame = ctx.filters.apply(ctx.dataset.frame)
        if ctx.dataset.private:
            frame = frame.drop("title", "url", "repo")
        sizes = {size: getattr(ctx, size) for size in ("width", "height") if size in ctx.options}
        title = str(ctx.options.get("title") or "")
        made = run_user_function(
            UserCall(str(self.root.resolve()), str(path), module_name, function_name, title, sizes), frame, self.timeout
        )
        check_no_urls(made["spec"], target)
        return _own_chart(ctx, made["spec"], target, made["title"], made["description"])


@dataclass(frozen=True)
class UserCall:
    """What a child process needs to call a user's chart function (the PRs travel beside it)."""

    root: str
    path: str
    """The module's file, checked to be inside ``root``."""
    module: str
    function: str
    title: str
    """The block's own ``title`` ("" if none)."""
    sizes: dict[str, int]
    """The block's ``width`` and ``height``, where it gives them."""

    @property
    def target(self) -> str:
        return f"{self.module}:{self.function}"


_PRELOADED = False
_PRELOAD_LOCK = threading.Lock()


def _context() -> Any:
    """The start method of chart processes: a fork server (a fresh, single-threaded process with polars
    and Altair imported, forked for each chart), where the platform has one.

    Not a plain fork of the build: the build's polars thread pool would not exist in the child, whose
    first frame operation would then wait forever."""
    import multiprocessing

    global _PRELOADED
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    with _PRELOAD_LOCK:
        if not _PRELOADED:
            # (not "__main__": the build's own script is not run again in the server)
            context.set_forkserver_preload(["retroblog.charts.builtin"])
            _PRELOADED = True
    return context


def run_user_function(call: UserCall, frame: Any, timeout: float) -> dict[str, Any]:
    """Call a user's chart function in a child process and return its chart (``spec``, ``title`` and
    ``description``); an error, naming the function, for every other way it ends: an exception (any
    ``BaseException``, ``SystemExit`` and ``KeyboardInterrupt`` among them), an exit of the process,
    or no answer within ``timeout`` seconds (the child is then killed)."""
    context = _context()
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(writer, call, frame), name=f"retroblog-chart {call.target}", daemon=True
    )
    try:
        process.start()
    except OSError as exc:
        reader.close()
        raise ConfigError(f"{call.target} could not be run: {exc}") from None
    finally:
        writer.close()  # the child holds the only writer: its end is the reader's end of file
    data: bytes | None = None
    try:
        if not reader.poll(timeout):
            process.kill()
            raise ConfigError(
                f"{call.target} did not return a chart within {timeout:g} s and was stopped "
                "(the 'chart_timeout' option sets the limit)"
            )
        with contextlib.suppress(EOFError, OSError):
            data = reader.recv_bytes()
    finally:
        reader.close()
        process.join(5)
        if process.is_alive():  # its answer is in; whatever it still does is not waited for
            process.kill()
            process.join()
    if data is None:
        code = process.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            raise ConfigError(f"{call.target} was killed ({name}) before it returned a chart")
        raise ConfigError(f"{call.target} ended its process (exit status {code}) before it returned a chart")
    message = json.loads(data)
    if "error" in message:
        raise ConfigError(str(message["error"]))
    return dict(message)


def _child(writer: Any, call: UserCall, frame: Any) -> None:
    """A chart process: import the module, call the function, send its chart's spec as JSON."""
    os.dup2(2, 1)  # print() goes to the build's log stream, never to a pipe of the build (the worker's answers)
    try:
        os.chdir(call.root)
        message: dict[str, Any] = _user_spec(call, frame)
    except ConfigError as exc:
        message = {"error": str(exc)}
    except BaseException as exc:  # every way a user's code can end is reported
        message = {"error": f"{call.target} failed: {type(exc).__name__}: {_one_line(exc)}"}
    try:
        data = json.dumps(message, default=str).encode()
    except (TypeError, ValueError) as exc:
        data = json.dumps({"error": f"{call.target} returned a chart that is not JSON: {exc}"}).encode()
    writer.send_bytes(data)
    writer.close()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def _user_spec(call: UserCall, frame: Any) -> dict[str, Any]:
    """In the chart process: the function's chart, sized, titled, validated and themed."""
    from retroblog.charts.builtin import finish

    module = _load_module(call)
    function = getattr(module, call.function, None)
    if not callable(function):
        raise ConfigError(f"{call.module} has no function {call.function!r}")
    try:
        result = function(frame)
        if call.sizes and hasattr(result, "properties"):
            result = result.properties(**call.sizes)
    except Exception as exc:  # a user's function may fail in any way: report it, no traceback
        raise ConfigError(f"{call.target} failed: {type(exc).__name__}: {_one_line(exc)}") from None
    if not hasattr(result, "to_dict"):
        raise ConfigError(f"{call.target} must return an Altair chart, got {type(result).__name__}")
    title = call.title or title_text(getattr(result, "title", None)) or call.function
    description = getattr(result, "description", None)
    try:
        spec = finish(result, None, title, title, validate=True)  # the description is set from the data later
    except Exception as exc:
        raise ConfigError(f"{call.target} returned a chart Altair cannot validate: {_one_line(exc)}") from None
    return {"spec": spec, "title": title, "description": description if isinstance(description, str) else None}


def _load_module(call: UserCall) -> Any:
    spec = importlib.util.spec_from_file_location(call.module, call.path)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has a loader
        raise ConfigError(f"chart module {call.module!r} cannot be loaded from {call.path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[call.module] = module  # (in the chart process only: the build's modules stay its own)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise ConfigError(f"chart module {call.module!r} failed to import: {type(exc).__name__}: {exc}") from None
    return module


def check_no_urls(spec: Any, what: str) -> None:
    """Refuse a chart that would load anything from another address: data from a URL (``data.url``, at
    any depth: layers, concatenations, facets, lookups, ``datasets``) or an image by URL (an ``image``
    mark's ``url``, in its mark, its encoding or the config). An image given inline as a ``data:`` URI
    is kept: it is in the page already."""
    stack: list[tuple[str, Any]] = [("", spec)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, list):
            stack += [(f"{where}[{i}]", v) for i, v in enumerate(node)]
            continue
        if not isinstance(node, Mapping):
            continue
        for key, value in node.items():
            here = f"{where}.{key}" if where else str(key)
            if (key == "values" and where.endswith("data")) or key == "usermeta":
                continue  # inline rows (data, not the chart's structure) and the author's own notes
            if key == "datasets" and isinstance(value, Mapping):
                for name, table in value.items():
                    if isinstance(table, Mapping) and "url" in table:
                        raise _url_error(what, f"{here}.{name}.url")
                continue  # inline tables, as "values"
            if key == "url" and not _inline_image(value):
                kind = "loads data from a URL" if where.endswith("data") else "draws an image from a URL"
                raise ConfigError(
                    f"{what} {kind} ({here}): a chart draws only the block's data and what it embeds, "
                    "and the page fetches nothing from another address"
                )
            stack.append((here, value))


def _url_error(what: str, where: str) -> ConfigError:
    return ConfigError(
        f"{what} loads data from a URL ({where}): a chart draws only the block's data and what it embeds, "
        "and the page fetches nothing from another address"
    )


def _inline_image(value: Any) -> bool:
    """Whether a ``url`` is an image given inline: a ``data:`` URI, itself or as an encoding's ``value``."""
    if isinstance(value, Mapping) and set(value) == {"value"}:
        value = value["value"]
    return isinstance(value, str) and value.strip().lower().startswith("data:")


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
