"""``retroblog check``: a built site has no chart or number left undone (``retroblog.site.check``);
``retroblog assets``: write the chart assets into docs/ for both engines (``retroblog.build.assets``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from retroblog.build.assets import ASSETS, check_assets, write_assets
from retroblog.site.check import check_site
from retroblog.util.words import count


@click.command("check")
@click.argument("site_dir", metavar="SITE_DIR", type=click.Path(path_type=Path))
def check(site_dir: Path) -> None:
    """Scan a built site (MkDocs or Zensical) for anything retroblog should have made a chart or number.

    Fails, naming file and line, on an inline stat left as its syntax, a chart or stats fence left as code,
    a chart without retroblog's stylesheet or script, a site without its chart assets, and a feed item dated
    at the build time. Run it after the build, in CI.
    """
    if not site_dir.is_dir():
        click.echo(f"{site_dir}: no such folder (build the site first)", err=True)
        sys.exit(1)
    findings = check_site(site_dir)
    for finding in findings:
        click.echo(f"{site_dir.as_posix().rstrip('/')}/{finding}", err=True)
    if findings:
        click.echo(f"{count(len(findings), 'problem')} in {site_dir}", err=True)
        sys.exit(1)
    click.echo(f"{site_dir}: every chart and number was made")


@click.command("assets")
@click.option(
    "--docs-dir",
    default="docs",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The site's docs folder; the assets go in its assets/retroblog/.",
)
@click.option("--check", "only_check", is_flag=True, help="Write nothing; fail if the assets are missing or stale.")
def assets(docs_dir: Path, only_check: bool) -> None:
    """Write the chart assets (retroblog.css, retroblog.js, vega.js) of this retroblog version into the docs folder.

    MkDocs and Zensical both copy them to the site from there; list the first two under `extra_css` and
    `extra_javascript` in mkdocs.yml. Run it again after upgrading retroblog (a build warns when they are stale).
    """
    if only_check:
        problems = check_assets(docs_dir)
        for problem in problems:
            click.echo(str(problem), err=True)
        if problems:
            sys.exit(1)
        click.echo(f"{docs_dir / ASSETS}: the assets of this retroblog version")
        return
    written = write_assets(docs_dir, Path(".cache/retroblog"))
    for path in written:
        click.echo(f"wrote {path}")
    if not written:
        click.echo(f"{docs_dir / ASSETS}: already the assets of this retroblog version")
