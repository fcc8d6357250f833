"""Line counts from local clones for the API collectors (``--repo-path``), counted as ``collect git`` counts.

The APIs of GitLab and Azure DevOps give no line counts; the merge (or squash) commit of each PR,
looked up in the user's clones, gives them: a merge against its first parent, else its own diff.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from retroblog.collect.base import Row
from retroblog.collect.git.collect import inspect_repo
from retroblog.collect.git.parse import DEFAULT_EXCLUDES, MAIN_FORMAT, Counts, Excludes, parse_numstat
from retroblog.collect.git.run import git, git_command, streamed


def commit_counts(
    repo: str | Path, shas: Iterable[str], excludes: Iterable[str] = DEFAULT_EXCLUDES
) -> dict[str, Counts]:
    """Line counts of commits of a local clone: a merge against its first parent, else its own diff.

    Commits the clone lacks are left out of the result.
    """
    repo = Path(repo)
    wanted = sorted({s for s in shas if s and re.fullmatch(r"[0-9a-fA-F]{7,64}", s)})
    if not wanted:
        return {}
    info = inspect_repo(repo, "HEAD")
    check = subprocess.run(
        [git(), "-C", str(info.path), "cat-file", "--batch-check=%(objectname) %(objecttype)"],
        input="\n".join(wanted).encode() + b"\n",
        capture_output=True,
        check=False,
    )
    present = [
        line.split()[0]
        for line in check.stdout.decode().splitlines()
        if line.endswith(" commit") and not line.endswith("missing")
    ]
    if not present:
        return {}
    cmd = git_command(info.path, None, "log", "--no-walk=unsorted", "--stdin")
    cmd += ["--diff-merges=first-parent", "-M", "-z", "--numstat", "--no-color", "--no-ext-diff"]
    cmd += [f"--format={MAIN_FORMAT}"]
    out: dict[str, Counts] = {}
    matcher = Excludes(excludes)
    with streamed(info.path, "log", cmd, stdin=present) as stream:
        for fields, counts in parse_numstat(stream, matcher, lambda _f: Counts()):
            if counts is not None:
                out[fields[0].decode()] = counts
    found: dict[str, Counts] = {}
    for sha in wanted:
        if sha.lower() in out:
            found[sha] = out[sha.lower()]
        else:
            full = next((f for f in out if f.startswith(sha.lower())), None)
            if full is not None:
                found[sha] = out[full]
    return found


def fill_from_clones(
    rows: Sequence[Row],
    clones: Sequence[str | Path],
    excludes: Iterable[str] = DEFAULT_EXCLUDES,
    *,
    service: str,
) -> None:
    """Line counts of API rows (without any) from the merge commits in local clones (``--repo-path``).

    A row whose ``merge_commit`` is in none of the clones keeps null counts and gets a note.
    """
    shas = [r["merge_commit"] for r in rows if r.get("merge_commit")]
    counts: dict[str, Counts] = {}
    for clone in clones:
        counts.update(commit_counts(clone, [s for s in shas if s not in counts], excludes))
    for row in rows:
        found = counts.get(row.get("merge_commit") or "")
        if found is None:
            if clones:
                row["note"] = "line counts unknown: the merge commit is not in the --repo-path clones"
            else:
                row["note"] = f"line counts unknown: {service}'s API gives none; pass --repo-path with a clone"
            continue
        row.update(
            additions=found.additions,
            deletions=found.deletions,
            lines_changed=found.additions + found.deletions,
            changed_files=found.files,
            binary_files=found.binary,
            excluded_lines=found.excluded_lines,
        )
