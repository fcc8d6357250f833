"""``retroblog stats``: the numbers of a dataset, as a table or JSON."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table
from rich.text import Text

from retroblog.cli._common import console as make_console
from retroblog.cli._common import labelled, user_errors
from retroblog.data.dataset import Dataset, load_dataset
from retroblog.data.schema import DEFAULT_EDGES, SUFFIXES
from retroblog.errors import ConfigError
from retroblog.stats.compute import Stats, compute, nothing_selected
from retroblog.stats.filters import Filters
from retroblog.stats.keys import total_text
from retroblog.util.bidi import isolate
from retroblog.util.words import Words, count

if TYPE_CHECKING:
    from retroblog.build.settings import Settings


def resolve_dataset(name_or_path: str, config_file: str, timezone: str | None) -> tuple[Dataset, tuple[int, ...]]:
    """A dataset by path, or by name from the site's ``mkdocs.yml``; with the site's bucket edges."""
    path = Path(name_or_path)
    site = Path(config_file)
    settings: Settings | None = None
    if site.exists():
        from retroblog.build.settings import read_site_settings  # with PyYAML: only when there is a site

        settings = read_site_settings(site)
    edges = settings.size_buckets if settings else None
    if path.suffix.lower() in SUFFIXES or path.exists():
        tz = timezone or (settings.timezone if settings else "UTC")
        dataset = load_dataset(path, timezone=tz)
    elif settings is None:
        raise ConfigError(f"'{name_or_path}' is not a dataset file, and there is no {site} to look its name up in")
    else:
        if timezone:
            settings.datasets.setdefault(name_or_path, {})["timezone"] = timezone
        dataset = settings.registry.get(name_or_path)
    return dataset, edges or DEFAULT_EDGES


@click.command()
@click.argument("dataset")
@click.option(
    "--from",
    "start",
    metavar="DATE",
    help="First merge date to count (2021-03-04, 2021-03 or 2021).",
)
@click.option("--to", "end", metavar="DATE", help="Last merge date to count, inclusive.")
@click.option("--repo", multiple=True, help="Only PRs of this repository (repeatable).")
@click.option("--label", multiple=True, help="Only PRs with this label (repeatable).")
@click.option("--timezone", help="Timezone of periods (default: the dataset's, else UTC).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@click.option(
    "--config-file",
    "-f",
    default="mkdocs.yml",
    show_default=True,
    help="Site config to look dataset names up in.",
)
def stats(
    dataset: str,
    start: str | None,
    end: str | None,
    repo: tuple[str, ...],
    label: tuple[str, ...],
    timezone: str | None,
    as_json: bool,
    config_file: str,
) -> None:
    """Exact statistics of DATASET: a file path, or a dataset name from mkdocs.yml."""
    with user_errors():
        data, edges = resolve_dataset(dataset, config_file, timezone)
        options = {
            "from": start,
            "to": end,
            "repo": list(repo) or None,
            "label": list(label) or None,
        }
        filters = Filters.from_options(options, "stats")
        result = compute(data, filters, edges)
        if result.total_prs == 0:  # an empty selection is not a table of zeros
            raise ConfigError(nothing_selected(data, filters) + ": widen --from/--to, --repo or --label")
    console = make_console(stderr=True)
    for warning in data.warnings:
        console.print(labelled("warning", "yellow", warning))
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_tables(result)


def _print_tables(result: Stats) -> None:
    """The summary, per-year and size tables. A sum whose counts are unknown for every PR is "unknown",
    a partly known one says on how many PRs it is ("412 comments on 80 of 120 PRs")."""
    console = make_console()
    words = Words()
    shown = result.filters
    # every repository and label its own isolate: one name's override cannot reverse the next
    scope = replace(
        shown, repos=tuple(isolate(r) for r in shown.repos), labels=tuple(isolate(label) for label in shown.labels)
    ).describe()
    summary = Table(
        title=Text(
            f"{isolate(result.dataset)}{' ' + scope if scope else ''} ({isolate(result.timezone)})", style="table.title"
        ),
        show_header=False,
    )
    summary.add_column("stat")
    summary.add_column("value", justify="right")
    summary.add_row("PRs merged", f"{result.total_prs:,}")
    summary.add_row("first / last merge", f"{result.first_merged or '-'} / {result.last_merged or '-'}")
    for key in ("additions", "deletions", "lines_changed", "comments"):
        value = total_text(result.totals[key], result.unknown[key], result.total_prs, key, words)
        summary.add_row(key.replace("_", " "), value)
    median = result.size["median"]
    summary.add_row("median additions", "unknown" if median is None else str(median))
    for key in ("month", "quarter"):
        best = result.busiest[key]
        summary.add_row(f"busiest {key}", f"{best['period']} ({best['prs']})" if best else "-")
    streak = result.longest_streak
    weeks = count(streak["weeks"], "week")
    summary.add_row(
        "longest weekly streak", f"{weeks} ({streak['start']} to {streak['end']})" if streak["start"] else weeks
    )
    console.print(summary)
    years = Table(title="per year")
    for column in ("year", "PRs", "additions", "deletions", "comments"):
        years.add_column(column, justify="right")
    unknown = result.period_unknown.get("year", {})
    for row in result.periods["year"]:
        cells = [
            total_text(row[key], unknown.get(row["period"], {}).get(key, 0), row["prs"], key, words, noun=False)
            for key in ("additions", "deletions", "comments")
        ]
        years.add_row(Text(isolate(row["period"])), f"{row['prs']:,}", *cells)
    console.print(years)
    buckets = Table(title="size buckets (additions)")
    buckets.add_column("bucket")
    buckets.add_column("PRs", justify="right")
    for name, prs in result.size_buckets.items():
        buckets.add_row(Text(isolate(name)), f"{prs:,}")
    console.print(buckets)
