"""``retroblog new``: scaffold a site (the logic is ``retroblog.site.scaffold``); ``retroblog pages-url``: the
address ``make deploy`` publishes it at (``retroblog.site.publish``)."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from retroblog.cli._common import user_errors
from retroblog.site import publish
from retroblog.site.scaffold import (
    DATASET,
    DEFAULT_AUTHOR,
    DEFAULT_TITLE,
    POST,
    PlannedFile,
    plan,
    render,
    retroblog_requirement,
    write,
)
from retroblog.util.words import count

_VERBS = {
    False: {"create": "created", "replace": "replaced", "unchanged": "unchanged"},
    True: {"create": "would create", "replace": "would replace", "unchanged": "unchanged"},
}


@click.command("new")
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=True, path_type=Path))
@click.option(
    "--title",
    default=DEFAULT_TITLE,
    show_default=True,
    help="The site's title: its name in every page's header and the home page's heading.",
)
@click.option(
    "--author",
    default=DEFAULT_AUTHOR,
    show_default=True,
    help="Your name, as the author of the first post and on the home page.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into DIR even if it is not empty: the site's files replace files of the same names; "
    "every other file is kept.",
)
@click.option("--dry-run", is_flag=True, help="List the files that would be written; write nothing.")
@click.option(
    "--check-pypi",
    is_flag=True,
    help="Ask PyPI whether it has this retroblog version when requirements.txt pins it (without it, "
    "retroblog new makes no network request).",
)
def new(directory: Path, title: str, author: str, force: bool, dry_run: bool, check_pypi: bool) -> None:
    """Create a new retroblog site in DIR, ready to preview, build and publish.

    DIR gets an mkdocs.yml (Material for MkDocs with its blog, tags, search and the retroblog plugin),
    a home page, a first post with charts and numbers, an invented dataset in data/prs.csv to replace
    with your pull requests, a Makefile (make serve, make build, make deploy), a requirements.txt and a
    GitHub Actions workflow that publishes the site to GitHub Pages. DIR is created if it is missing;
    an existing DIR that is not empty is left alone unless --force is given.

    requirements.txt installs retroblog from where this one came (a Git URL at its commit, a wheel's URL,
    or the version from a package index), decided without asking the network; --check-pypi asks PyPI
    whether it has the version, where the file pins one.
    """
    with user_errors():
        requirement = retroblog_requirement(check_pypi=check_pypi)
        files = render(title=title, author=author, python=sys.executable, requirement=requirement)
        site = plan(directory, files, force=force)

        def report(planned: PlannedFile) -> None:
            click.echo(f"  {_VERBS[dry_run][planned.action]:<13} {planned.file.path}")

        if dry_run:
            for planned in site.files:
                report(planned)
        else:
            write(site, report)
    if dry_run:
        click.echo(f"dry run: nothing written to {directory}")
        return
    written = site.count("create") + site.count("replace")
    click.echo(f"\nA new retroblog site in {directory} ({count(written, 'file')} written). Next steps:\n")
    click.echo(f"  cd {shlex.quote(str(directory))}")
    click.echo("  make serve          # preview on http://127.0.0.1:8000")
    if not site.python_recorded:
        click.echo("                     # in a shell where the Python with retroblog is python3 (or: PYTHON=...)")
    click.echo(f"\nThen replace {DATASET} with your pull requests (retroblog collect --help) and edit {POST}.")
    if requirement.warning:
        click.echo(f"\nWarning: requirements.txt: {requirement.warning}", err=True)


@click.command("pages-url")
@click.argument("remote", default="origin")
def pages_url(remote: str) -> None:
    """Print the address GitHub Pages publishes this site at, for `make deploy` (the site_url of the
    build it pushes).

    The address comes from the git remote REMOTE (default: origin) of the current folder: a repository
    github.com/OWNER/REPO is published at https://OWNER.github.io/REPO/ (OWNER/OWNER.github.io at
    https://OWNER.github.io/), or at the domain in docs/CNAME. SITE_URL, when set, is printed instead.
    Another host fails with a message asking for SITE_URL.
    """
    given = os.environ.get("SITE_URL", "").strip()
    with user_errors():
        click.echo(given or publish.remote_pages_url(Path.cwd(), remote))
