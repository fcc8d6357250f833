"""``retroblog --help`` starts without the subcommands: a command's module is imported when it runs (or its own
``--help`` is asked for), and the group's help, built from ``COMMANDS``, reads as click would write it.

How fast that is, is measured in benchmarks/bench_startup.py, not here."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from retroblog.cli import COMMANDS, LazyCommand, LazyGroup, main
from tests.conftest import REPO

HEAVY = ("polars", "altair", "yaml", "mkdocs", "material", "markdown", "rich", "vl_convert", "httpx", "ftfy")
COMMAND_MODULES = sorted({lazy.module for lazy in COMMANDS.values()})

PROBE = """
import contextlib, io, json, sys
before = set(sys.modules)
import retroblog.cli
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        retroblog.cli.main(sys.argv[1:], prog_name="retroblog")
    except SystemExit as exit:
        code = exit.code
lazy_help = out.getvalue()
loaded = sorted(set(sys.modules) - before)
eager = io.StringIO()
with contextlib.redirect_stdout(eager):
    list(retroblog.cli.main.commands.values())  # import every command, as an eager click group holds them
    try:
        retroblog.cli.main(sys.argv[1:], prog_name="retroblog")
    except SystemExit:
        pass
print(json.dumps({"code": code, "help": lazy_help, "eager_help": eager.getvalue(), "loaded": loaded}))
"""


def probe(*args: str) -> dict[str, object]:
    """Run ``retroblog ARGS`` in a new interpreter: exit code, output, the modules it imported, and the output
    once every command is imported."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    return dict(json.loads(out))


def test_help_imports_no_command_module_and_nothing_heavy():
    result = probe("--help")
    loaded = result["loaded"]
    assert isinstance(loaded, list)
    assert result["code"] == 0
    assert [m for m in HEAVY if m in loaded] == []
    assert [m for m in COMMAND_MODULES if m in loaded] == []
    assert [m for m in loaded if m.startswith("retroblog.") and m not in ("retroblog.cli",)] == []
    assert "retroblog.cli" in loaded  # the probe measured the real import


def test_help_lists_every_command_as_click_writes_it():
    result = probe("--help")
    text = result["help"]
    assert isinstance(text, str)
    for name in COMMANDS:
        assert f"\n  {name} " in text, name
    assert text == result["eager_help"]  # the table's lines are the commands' own short help


def test_a_commands_help_imports_its_module_only():
    result = probe("stats", "--help")
    loaded = result["loaded"]
    assert isinstance(loaded, list)
    assert result["code"] == 0 and "Usage: retroblog stats [OPTIONS] DATASET" in str(result["help"])
    assert "retroblog.cli.stats" in loaded
    assert [m for m in COMMAND_MODULES if m in loaded and m != "retroblog.cli.stats"] == []
    assert "yaml" not in loaded  # the site's mkdocs.yml is read only when there is one


def test_stats_of_a_csv_outside_a_site_imports_only_what_it_needs(write):
    path = write("prs.csv", "merged_at,additions,repo\n2021-03-01T10:00:00Z,5,a\n")
    result = probe("stats", str(path), "--json", "--config-file", str(path.parent / "mkdocs.yml"))
    loaded = result["loaded"]
    assert isinstance(loaded, list)
    assert result["code"] == 0 and '"total_prs": 1' in str(result["help"])
    assert "polars" in loaded
    assert [m for m in ("yaml", "altair", "mkdocs", "markdown", "vl_convert", "httpx") if m in loaded] == []
    assert [m for m in COMMAND_MODULES if m in loaded and m != "retroblog.cli.stats"] == []


def test_version_imports_no_command():
    result = probe("--version")
    assert result["code"] == 0 and "retroblog, version" in str(result["help"])
    assert [m for m in COMMAND_MODULES if m in result["loaded"]] == []  # type: ignore[operator]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_table_names_each_command_and_its_short_help(name):
    lazy = COMMANDS[name]
    command = lazy.load()
    assert command.name == name
    assert not command.hidden
    for limit in (20, 45, 60, 80, 120, 500):
        stand_in = click.Command(name, help=lazy.short_help)
        assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit), limit


def test_the_group_holds_every_command():
    assert sorted(main.commands) == sorted(COMMANDS)
    assert len(main.commands) == len(COMMANDS)
    assert all(isinstance(main.commands[name], click.Command) for name in COMMANDS)
    assert "stats" in main.commands and "nope" not in main.commands
    with pytest.raises(KeyError):
        main.commands["nope"]


def test_an_unknown_command_is_still_a_usage_error():
    result = CliRunner().invoke(main, ["stat"])
    assert result.exit_code == 2
    assert "No such command 'stat'" in result.output


def test_a_lazy_command_is_imported_only_when_it_runs():
    """A command whose module does not exist: the group's help is written without it being imported."""

    @click.command()
    def here() -> None:
        """Say where."""
        click.echo("here")

    group = LazyGroup(
        name="g",
        lazy_commands={
            "missing": LazyCommand("tests.no_such_module", "cmd", "A command whose module is not there."),
        },
    )
    group.add_command(here)
    result = CliRunner().invoke(group, ["--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "missing  A command whose module is not there." in result.output
    assert "here     Say where." in result.output
    assert CliRunner().invoke(group, ["here"]).output == "here\n"
    with pytest.raises(ModuleNotFoundError, match=r"tests\.no_such_module"):
        CliRunner().invoke(group, ["missing"], catch_exceptions=False)
    del group.commands["missing"]
    assert list(group.commands) == ["here"]


def test_python_dash_m_runs_the_cli():
    out = subprocess.run(
        [sys.executable, "-m", "retroblog", "--help"], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    assert all(f"\n  {name} " in out for name in COMMANDS)
