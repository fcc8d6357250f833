"""The ``retroblog`` command line: a thin click layer over the library.

Each command group lives in its own module and is added to ``main`` below. Library errors
(``RetroblogError``) become one-line messages and exit status 1, never a traceback.
"""

from __future__ import annotations

import click

from retroblog import __version__


# A fixed width: help reads the same in every terminal, and so does the CLI page the docs generate from it.
@click.group(context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 88, "max_content_width": 88})
@click.version_option(__version__, prog_name="retroblog")
def main() -> None:
    """Write "my N years at X" retrospectives: PR datasets, stats and charts."""


def _register() -> None:
    from retroblog.cli.stats import stats

    main.add_command(stats)
    main.add_command(__import__("retroblog.cli.collect", fromlist=["collect"]).collect)
    main.add_command(__import__("retroblog.cli.posts", fromlist=["import_posts"]).import_posts)
    main.add_command(__import__("retroblog.cli.new", fromlist=["new"]).new)
    main.add_command(__import__("retroblog.cli.new", fromlist=["pages_url"]).pages_url)


_register()
