"""The ``retroblog`` command line: a thin click layer over the library.

Each command lives in its own module, listed in ``COMMANDS`` below with its one-line help; a module is
imported only when its command runs (or its own ``--help`` is asked for), so ``retroblog --help`` loads
neither polars nor the collectors. Library errors (``RetroblogError``) become one-line messages and exit
status 1, never a traceback.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import click

from retroblog import __version__


@dataclass(frozen=True)
class LazyCommand:
    """Where a command is defined, and its line in ``retroblog --help`` (kept equal by a test)."""

    module: str
    attribute: str
    short_help: str

    def load(self) -> click.Command:
        """Import the command's module and return the command."""
        command = getattr(importlib.import_module(self.module), self.attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.module}.{self.attribute} is not a click command")
        return command


COMMANDS: dict[str, LazyCommand] = {
    "assets": LazyCommand(
        "retroblog.cli.check",
        "assets",
        "Write the chart assets (retroblog.css, retroblog.js, vega.js) of this retroblog version into the docs folder.",
    ),
    "check": LazyCommand(
        "retroblog.cli.check",
        "check",
        "Scan a built site (MkDocs or Zensical) for anything retroblog should have made a chart or number.",
    ),
    "collect": LazyCommand(
        "retroblog.cli.collect",
        "collect",
        "Collect your merged PRs from git, GitHub, GitLab or Azure DevOps into a dataset.",
    ),
    "export": LazyCommand(
        "retroblog.cli.export",
        "export",
        "Write every chart of PAGES (Markdown pages of the site) to files, each with its alt text beside it.",
    ),
    "fact-check": LazyCommand(
        "retroblog.cli.factcheck",
        "fact_check",
        "Check the numbers PAGES (default: every blog post of the site) state about their data.",
    ),
    "import": LazyCommand(
        "retroblog.cli.posts",
        "import_posts",
        "Convert SOURCES (files or folders) into mkdocs-material blog posts, with a report per file.",
    ),
    "new": LazyCommand(
        "retroblog.cli.new",
        "new",
        "Create a new retroblog site in DIR, ready to preview, build and publish.",
    ),
    "pages-url": LazyCommand(
        "retroblog.cli.new",
        "pages_url",
        "Print the address GitHub Pages publishes this site at, for `make deploy` (the site_url of the "
        "build it pushes).",
    ),
    "stats": LazyCommand(
        "retroblog.cli.stats",
        "stats",
        "Exact statistics of DATASET: a file path, or a dataset name from mkdocs.yml.",
    ),
}
"""Every command of ``retroblog``: name -> where it is defined and its short help."""


class LazyCommands(MutableMapping[str, click.Command]):
    """A group's ``commands``: every name is listed at once; a command is imported when it is looked up.

    ``retroblog --help`` lists the names, ``retroblog stats`` looks up ``stats`` alone, and code that walks
    the values (mkdocs-click, the docs tests) gets every command, as with click's own dict.
    """

    def __init__(self, lazy: Mapping[str, LazyCommand]) -> None:
        self.lazy = dict(lazy)
        self.loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded:
            if name not in self.lazy:
                raise KeyError(name)
            self.loaded[name] = self.lazy[name].load()
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self.lazy.pop(name, None)
        self.loaded.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self.lazy or name in self.loaded

    def __iter__(self) -> Iterator[str]:
        yield from self.lazy
        yield from (name for name in self.loaded if name not in self.lazy)

    def __len__(self) -> int:
        return len(self.lazy.keys() | self.loaded.keys())


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use; its help lists them without importing them."""

    commands: LazyCommands

    def __init__(self, *args: Any, lazy_commands: Mapping[str, LazyCommand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(lazy_commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The ``Commands:`` section as click writes it; a command not imported yet is shown by its table line."""
        shown: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            lazy = self.commands.lazy.get(name)
            if lazy is not None and name not in self.commands.loaded:
                shown.append((name, click.Command(name, help=lazy.short_help)))  # stand-in: click shortens it
            elif (command := self.get_command(ctx, name)) is not None and not command.hidden:
                shown.append((name, command))
        if shown:
            limit = formatter.width - 6 - max(len(name) for name, _ in shown)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in shown])


# A fixed width: help reads the same in every terminal, and so does the CLI page the docs generate from it.
@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 88, "max_content_width": 88},
)
@click.version_option(__version__, prog_name="retroblog")
def main() -> None:
    """Write "my N years at X" retrospectives: PR datasets, stats and charts."""
