"""``retroblog export``: the charts of pages as PNG or SVG files (``retroblog.build.export`` does the work)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from retroblog.cli._common import console as make_console
from retroblog.cli._common import user_errors
from retroblog.util.bidi import isolate
from retroblog.util.words import count

FORMATS = ("png", "svg")
SCHEMES = ("light", "dark", "both")


@click.command()
@click.argument("pages", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--to", "to", required=True, type=click.Path(path_type=Path), help="Folder to write the files in (created)."
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="png", show_default=True, help="File format.")
@click.option(
    "--scheme",
    type=click.Choice(SCHEMES),
    default="light",
    show_default=True,
    help="Colours of the light or dark scheme, or a file of each (NAME-light, NAME-dark).",
)
@click.option(
    "--scale",
    type=click.FloatRange(0, 8, min_open=True),
    default=2,
    show_default=True,
    help="PNG pixels per CSS pixel (2: sharp on high-density screens).",
)
@click.option("--force", is_flag=True, help="Replace files that exist (else nothing is written).")
@click.option(
    "-f",
    "--config-file",
    type=click.Path(path_type=Path),
    help="The site's mkdocs.yml (default: the one in or above the first page's folder, else here).",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where rendered charts are kept by their spec (default: .cache/retroblog/export beside mkdocs.yml).",
)
def export(
    pages: tuple[Path, ...],
    to: Path,
    fmt: str,
    scheme: str,
    scale: float,
    force: bool,
    config_file: Path | None,
    cache_dir: Path | None,
) -> None:
    """Write every chart of PAGES (Markdown pages of the site) to files, each with its alt text beside it.

    Files are named after the page and the chart: PAGE-N-TYPE.png, and PAGE-N-TYPE.txt holds the
    chart's alt text, to paste with the picture into another platform.
    """
    from retroblog.build.export import export as export_charts  # polars, Altair, vl-convert: only now

    err = make_console(stderr=True)
    bar = Progress(
        TextColumn("rendering charts"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    task = bar.add_task("charts", total=None)
    with user_errors(), bar:
        written = export_charts(
            list(pages),
            to,
            fmt=fmt,
            scheme=scheme,
            scale=scale,
            force=force,
            config=config_file,
            cache_dir=cache_dir,
            on_total=lambda total: bar.update(task, total=total),
            progress=lambda done, _total: bar.update(task, completed=done),
        )
    pictures = [path for path in written if path.suffix != ".txt"]
    out = make_console()
    out.print(f"wrote {count(len(pictures), 'chart')} and their alt text to {isolate(to)}", soft_wrap=True)
    for path in pictures:
        out.print(f"  {isolate(path.name)}", soft_wrap=True)
