"""``retroblog collect``: write a dataset from git, GitHub, GitLab or Azure DevOps.

Every subcommand writes (or extends) ``--out``: re-runs add only new PRs and keep the user's edits
(``retroblog.collect.merge``). Progress goes to stderr; library errors become one-line messages.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from retroblog.cli._common import UserError, labelled, user_errors
from retroblog.cli._common import console as make_console
from retroblog.collect.base import DateRange, Row, parse_date
from retroblog.collect.merge import WriteResult, check_output, write_dataset
from retroblog.collect.redact import Redactor
from retroblog.errors import CollectError
from retroblog.util.bidi import balance, isolate

if TYPE_CHECKING:  # (the collectors load with their command)
    from retroblog.collect.github import ApiCollection
from retroblog.util.words import count

F = TypeVar("F", bound=Callable[..., Any])


class _Bar:
    """The library's ``Progress`` as a rich progress bar with ETA on stderr."""

    def __init__(self, console: Console, description: str) -> None:
        self.console = console
        self.bar = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self.task = self.bar.add_task(balance(description), total=None)

    def total(self, total: int | None) -> None:
        self.bar.update(self.task, total=total)

    def advance(self, count: int = 1) -> None:
        self.bar.advance(self.task, count)

    def waiting(self, seconds: float, reason: str) -> None:
        until = (dt.datetime.now() + dt.timedelta(seconds=seconds)).strftime("%H:%M:%S")
        self.console.print(
            Text.assemble((balance(reason), "yellow"), f": waiting {seconds:.0f} s (until {until})"), soft_wrap=True
        )


@contextmanager
def _progress(description: str) -> Iterator[_Bar]:
    console = make_console(stderr=True)
    bar = _Bar(console, description)
    with bar.bar:
        yield bar


@dataclass(frozen=True)
class Output:
    """Where and how a collector writes: the options every ``collect`` command shares."""

    out: Path
    since: str | None
    until: str | None
    redact: bool
    redact_key: Path | None
    replace: bool
    dry_run: bool

    @property
    def dates(self) -> DateRange:
        return DateRange(parse_date(self.since, "--since"), parse_date(self.until, "--until"))

    def write(self, rows: Sequence[Row]) -> WriteResult:
        redactor = Redactor.from_key_file(self.redact_key) if self.redact else None
        return write_dataset(self.out, rows, replace=self.replace, redactor=redactor, dry_run=self.dry_run)

    def write_reviews(self, rows: Sequence[Row]) -> WriteResult:
        """The rows of ``--reviews`` into a reviews dataset (``retroblog.collect.reviews``)."""
        from retroblog.collect.reviews import write_reviews

        redactor = Redactor.from_key_file(self.redact_key) if self.redact else None
        return write_reviews(self.out, list(rows), replace=self.replace, redactor=redactor, dry_run=self.dry_run)

    def report(self, result: WriteResult, what: str) -> None:
        _report(result, what, self.dry_run)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold ``out`` while collecting: a second collect into it stops at once and says why."""
        from retroblog.collect.state import output_lock

        with output_lock(self.out):
            yield


def _output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The shared output options, handed to the command as one ``output: Output``."""
    options = [
        click.option(
            "--out",
            "-o",
            required=True,
            type=click.Path(dir_okay=False, path_type=Path),
            help="Dataset to write (.csv, .tsv or .jsonl). If it exists, only new PRs are added.",
        ),
        click.option("--since", metavar="DATE", help="First merge date to collect (YYYY-MM-DD)."),
        click.option("--until", metavar="DATE", help="Last merge date to collect, inclusive (YYYY-MM-DD)."),
        click.option(
            "--redact",
            is_flag=True,
            help="Replace titles, repo names, URLs, authors and hosts with stable pseudonyms.",
        ),
        click.option(
            "--redact-key",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Secret key file of the pseudonyms (default: $XDG_CONFIG_HOME/retroblog/redact.key, else "
            "~/.config/retroblog/redact.key; created if missing).",
        ),
        click.option(
            "--replace",
            is_flag=True,
            help="Overwrite --out with the collected PRs instead of adding to it (drops your edits).",
        ),
        click.option("--dry-run", is_flag=True, help="Collect and report, but write nothing."),
    ]

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        fields = {name: kwargs.pop(name) for name in Output.__dataclass_fields__}
        return func(*args, output=Output(**fields), **kwargs)

    for option in reversed(options):
        command = option(command)
    return command


def _report(result: WriteResult, what: str, dry_run: bool) -> None:
    console = make_console(stderr=True)
    where = isolate(result.path)
    verb = "would add" if dry_run else "added"
    if result.created:
        action = "would write" if dry_run else "wrote"
        console.print(Text(f"{what}; {action} {count(result.added, 'PR')} to {where}"), soft_wrap=True)
        return
    if result.added == 0:
        message = f"{what}; no new PRs, {where} left as it was"
    else:
        message = f"{what}; {verb} {count(result.added, 'new PR')} to {where}"
    if result.already_present:
        message += f" ({result.already_present:,} already there)"
    console.print(Text(message), soft_wrap=True)
    if result.dropped_columns:
        console.print(
            labelled(
                "note",
                "yellow",
                f"{where} has no column {', '.join(result.dropped_columns)}; those values were not written",
            ),
            soft_wrap=True,
        )


@contextmanager
def _interruptible() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        raise UserError(
            "interrupted; nothing was written to the dataset (API collectors resume where they stopped)"
        ) from None


@click.group()
def collect() -> None:
    """Collect your merged PRs from git, GitHub, GitLab or Azure DevOps into a dataset."""


@collect.command("git")
@click.argument("repos", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--author",
    "authors",
    multiple=True,
    required=True,
    metavar="ID",
    help="Your name or email as in the commits (repeatable: every identity you used). .mailmap applies.",
)
@click.option("--branch", metavar="NAME", help="Main line to read (default: origin's default branch, else HEAD).")
@click.option(
    "--exclude",
    "excludes",
    multiple=True,
    metavar="GLOB",
    help="Files whose lines are not counted, e.g. 'docs/generated/*' (repeatable; adds to the defaults).",
)
@click.option("--no-default-excludes", is_flag=True, help="Count lock files and generated files too.")
@click.option(
    "--mailmap",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Extra mailmap file mapping your old names and emails to one identity.",
)
@click.option(
    "--repo",
    "names",
    multiple=True,
    metavar="NAME",
    help="The repository's name in the dataset, such as acme/api (one per folder, in order; default: from "
    "its origin remote, else its folder).",
)
@_output_options
def git_command(
    repos: tuple[Path, ...],
    authors: tuple[str, ...],
    branch: str | None,
    excludes: tuple[str, ...],
    no_default_excludes: bool,
    mailmap: Path | None,
    names: tuple[str, ...],
    output: Output,
) -> None:
    """Merged PRs on the main line of local git REPOS (merge commits and squash merges)."""
    from retroblog.collect.git import DEFAULT_EXCLUDES, collect_git

    with user_errors(), _interruptible(), output.locked():
        check_output(output.out, writable=not output.dry_run)
        patterns = (*(() if no_default_excludes else DEFAULT_EXCLUDES), *excludes)
        with _progress("reading git history") as bar:
            found = collect_git(
                repos,
                authors,
                dates=output.dates,
                branch=branch,
                excludes=patterns,
                mailmap=mailmap,
                names=names,
                progress=bar,
            )
        if not found.rows:
            raise CollectError(_nothing_in_git(found, authors, len(repos)))
        result = output.write(found.rows)
    console = make_console(stderr=True)
    for name, named_by in found.named:
        console.print(Text(f"{isolate(name)}: named from {isolate(named_by)}"), soft_wrap=True)
    what = f"found {count(len(found.rows), 'PR')} in {count(found.commits_scanned, 'main-line commit')}"
    output.report(result, what)


def _nothing_in_git(found: Any, authors: Sequence[str], repos: int) -> str:
    from retroblog.collect.git.parse import shown

    ids = ", ".join(shown(a) for a in authors)  # bytes of the command line that are not UTF-8 as \xNN
    where = "the repository" if repos == 1 else f"the {repos} repositories"
    message = (
        f"no merged PRs by {ids} in {where} ({count(found.commits_scanned, 'main-line commit')}, "
        f"{count(found.pr_merges, 'PR merge')} in the date range)"
    )
    if found.other_authors:
        top = ", ".join(f"{who} ({n})" for who, n in found.other_authors.most_common(5))
        message += f"; PR authors found: {top}. Pass the names or emails you used with --author"
    elif found.pr_merges == 0:
        message += (
            "; no commit on the main line looks like a PR merge (Merge pull request #N, Title (#N), "
            "See merge request g/p!N, Merged PR N: ...). Check --branch"
        )
    return message


def _token(*names: str) -> str:
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    raise CollectError(f"no token: set {' or '.join(names)} to a personal access token with read access")


def _keep(
    output: Output, found: ApiCollection, *, reviews: bool, nothing: str, noun: str, where: str, resumed: bool = True
) -> None:
    """Write what an API collector found (PRs, or with ``reviews`` the PRs reviewed) and report it;
    ``nothing`` is the error when it found none. ``noun`` names one PR (``merge request``), ``where``
    the place (``on gitlab.com``)."""
    _print_warnings(found.warnings)
    if not found.rows:
        raise CollectError(nothing)
    written = output.write_reviews(found.rows) if reviews else output.write(found.rows)
    kind = f"reviewed {noun}" if reviews else noun
    interrupted = f", {found.resumed:,} of them from an interrupted run" if resumed and found.resumed else ""
    output.report(written, f"found {count(len(found.rows), kind)} {where}{interrupted}")


def _print_warnings(warnings: Sequence[str]) -> None:
    console = make_console(stderr=True)
    for warning in warnings:
        console.print(labelled("warning", "yellow", warning), soft_wrap=True)


def _reviews_option(func: F) -> F:
    func = click.option(
        "--reviews",
        is_flag=True,
        help="Collect the PRs you reviewed but did not author instead, into a reviews dataset "
        "(reviewed_at, repo, number, url, title, reviews, comments).",
    )(func)
    return func


@collect.command("github")
@click.option("--user", required=True, metavar="LOGIN", help="Your GitHub login (or @me).")
@click.option(
    "--host",
    metavar="HOST",
    help="github.com (default), a GitHub Enterprise Server host, or SUBDOMAIN.ghe.com (data residency).",
)
@click.option("--org", metavar="ORG", help="Only PRs in repositories of this organization.")
@_reviews_option
@_output_options
def github_command(
    user: str,
    host: str | None,
    org: str | None,
    reviews: bool,
    output: Output,
) -> None:
    """Your merged PRs from GitHub (GraphQL search; token from GITHUB_TOKEN or GH_TOKEN)."""
    from retroblog.collect.github import TOKEN_NAMES, collect_github, endpoint
    from retroblog.collect.state import state_path

    with user_errors(), _interruptible(), output.locked():
        check_output(output.out, writable=not output.dry_run)
        where = endpoint(host)
        token = _token(*TOKEN_NAMES[where.source])
        scope = f"{user}{' in ' + org if org else ''} on {where.host}"
        if reviews:
            from retroblog.collect.reviews import collect_github_reviews

            with _progress(f"searching reviews on {isolate(where.host)}") as bar:
                found = collect_github_reviews(
                    user,
                    token,
                    host=host,
                    org=org,
                    dates=output.dates,
                    state_file=state_path(output.out, "github-reviews"),
                    progress=bar,
                )
            nothing = (
                f"GitHub found no PRs reviewed by {scope} (and authored by someone else); "
                "check --user, --org and the dates"
            )
        else:
            with _progress(f"searching {isolate(where.host)}") as bar:
                found = collect_github(
                    user,
                    token,
                    host=host,
                    org=org,
                    dates=output.dates,
                    state_file=state_path(output.out, "github"),
                    progress=bar,
                )
            nothing = (
                f"GitHub found no merged PRs by {scope}; check --user, --org and the dates "
                "(search only lists repositories the token can see)"
            )
        _keep(output, found, reviews=reviews, nothing=nothing, noun="PR", where=f"on {isolate(where.host)}")


def _repo_path_option(func: F) -> F:
    func = click.option(
        "--repo-path",
        "repo_paths",
        multiple=True,
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        help="Local clone to compute line counts from (repeatable); without it they stay unknown.",
    )(func)
    return func


@collect.command("gitlab")
@click.option("--user", required=True, metavar="NAME", help="Your GitLab username.")
@click.option("--host", metavar="HOST", help="gitlab.com (default) or your GitLab's host (https://HOST).")
@_repo_path_option
@_reviews_option
@_output_options
def gitlab_command(
    user: str,
    host: str | None,
    repo_paths: tuple[Path, ...],
    reviews: bool,
    output: Output,
) -> None:
    """Your merged merge requests from GitLab (REST API; token from GITLAB_TOKEN)."""
    from retroblog.collect.gitlab import api_url, collect_gitlab
    from retroblog.collect.state import state_path

    with user_errors(), _interruptible(), output.locked():
        check_output(output.out, writable=not output.dry_run)
        _, web = api_url(host)
        token = _token("GITLAB_TOKEN")
        if reviews:
            from retroblog.collect.reviews import collect_gitlab_reviews

            with _progress(f"listing reviewed merge requests on {isolate(web)}") as bar:
                found = collect_gitlab_reviews(
                    user,
                    token,
                    host=host,
                    dates=output.dates,
                    state_file=state_path(output.out, "gitlab-reviews"),
                    progress=bar,
                )
            nothing = (
                f"GitLab found no merge requests reviewed by {user} on {web} (approved or commented on as "
                "a reviewer, authored by someone else); check --user and the dates"
            )
        else:
            with _progress(f"listing merge requests on {isolate(web)}") as bar:
                found = collect_gitlab(
                    user,
                    token,
                    host=host,
                    dates=output.dates,
                    repo_paths=repo_paths,
                    state_file=state_path(output.out, "gitlab"),
                    progress=bar,
                )
            nothing = f"GitLab found no merged merge requests by {user} on {web}; check --user and the dates"
        # (the PRs' report has never said how many came from an interrupted run)
        where = f"on {isolate(web)}"
        _keep(output, found, reviews=reviews, nothing=nothing, noun="merge request", where=where, resumed=reviews)


@collect.command("azure")
@click.option("--org", required=True, metavar="ORG", help="Organization (or, on Azure DevOps Server, collection).")
@click.option("--project", required=True, metavar="PROJECT", help="Project.")
@click.option("--creator", required=True, metavar="EMAIL", help="Your email, display name or identity GUID.")
@click.option("--host", metavar="HOST", help="dev.azure.com (default) or your Azure DevOps Server URL.")
@_repo_path_option
@_reviews_option
@_output_options
def azure_command(
    org: str,
    project: str,
    creator: str,
    host: str | None,
    repo_paths: tuple[Path, ...],
    reviews: bool,
    output: Output,
) -> None:
    """Your completed pull requests from Azure DevOps (token from AZURE_DEVOPS_TOKEN)."""
    from retroblog.collect.azure import collect_azure
    from retroblog.collect.state import state_path

    with user_errors(), _interruptible(), output.locked():
        check_output(output.out, writable=not output.dry_run)
        token = _token("AZURE_DEVOPS_TOKEN", "AZURE_DEVOPS_EXT_PAT")
        if reviews:
            from retroblog.collect.reviews import collect_azure_reviews

            with _progress(f"listing reviewed pull requests of {isolate(org)}/{isolate(project)}") as bar:
                found = collect_azure_reviews(
                    org,
                    project,
                    creator,
                    token,
                    host=host,
                    dates=output.dates,
                    state_file=state_path(output.out, "azure-reviews"),
                    progress=bar,
                )
            nothing = (
                f"Azure DevOps found no pull requests reviewed by {creator} in {org}/{project} (voted on or "
                "commented in, created by someone else); check --creator and the dates"
            )
        else:
            with _progress(f"listing pull requests of {isolate(org)}/{isolate(project)}") as bar:
                found = collect_azure(
                    org,
                    project,
                    creator,
                    token,
                    host=host,
                    dates=output.dates,
                    repo_paths=repo_paths,
                    state_file=state_path(output.out, "azure"),
                    progress=bar,
                )
            nothing = (
                f"Azure DevOps found no completed pull requests created by {creator} in {org}/{project}; "
                "check --creator (the email you sign in with) and the dates"
            )
        where = f"in {isolate(org)}/{isolate(project)}"
        _keep(output, found, reviews=reviews, nothing=nothing, noun="pull request", where=where)
