"""``retroblog import``: bring posts from Jekyll, Minimal Mistakes, Hashnode, Medium, DEV or plain text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from retroblog.cli._common import UserError, user_errors
from retroblog.posts.importer import FORMATS, ImportOptions, run_import, summary
from retroblog.util.bidi import balance
from retroblog.util.words import count


@click.command("import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--to",
    "to",
    default="docs/blog/posts",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the blog's posts.",
)
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite posts (and images) that exist and differ.")
@click.option("--download-images", is_flag=True, help="Copy remote images next to the post instead of linking them.")
@click.option(
    "--from",
    "source_format",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="Source format (default: recognised from each file).",
)
@click.option("--date", "date", metavar="YYYY-MM-DD", help="Date of posts that carry none (plain text, Medium drafts).")
@click.option("--author", metavar="ID", help="An id of .authors.yml for posts whose author is unknown.")
@click.option(
    "--authors-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The blog's .authors.yml (default: next to the posts folder).",
)
def import_posts(
    sources: tuple[Path, ...],
    to: Path,
    dry_run: bool,
    force: bool,
    download_images: bool,
    source_format: str,
    date: str | None,
    author: str | None,
    authors_file: Path | None,
) -> None:
    """Convert SOURCES (files or folders) into mkdocs-material blog posts, with a report per file.

    Reads Jekyll and Minimal Mistakes posts, Hashnode backups, Medium export HTML, DEV posts and
    posts copied as plain text. Existing posts are never overwritten without --force.
    """
    day = None
    if date is not None:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise click.BadParameter(f"'{date}' is not a date such as 2022-04-01", param_hint="--date") from None
    options = ImportOptions(
        to=to,
        dry_run=dry_run,
        force=force,
        download_images=download_images,
        date=day,
        author=author,
        format=source_format,
        authors_file=authors_file,
    )
    with user_errors():
        reports = run_import(sources, options)
    for report in reports:
        for line in report.lines():
            click.echo(balance(line))  # a title's bidi override ends with its line
    click.echo(summary(reports) + (" (dry run: nothing written)" if dry_run else ""))
    failed = [r for r in reports if r.status in ("failed", "exists")]
    if failed:
        raise UserError(f"{len(failed)} of {count(len(reports), 'file')} not imported; see the problems above")
