"""Benchmark: ``retroblog collect git`` against the ``git log`` call it makes, on 100,000 commits.

Builds a repository with ``git fast-import`` in a temporary folder (about 20 s): a main line of PR
merge commits (each bringing a branch of 3 commits) and squash merges, 8 authors, lock files. Then
times, best of ``--repeat`` runs each:

- ``git log`` main call: the exact ``git log --first-parent --diff-merges=first-parent --numstat -z``
  command the collector streams, output discarded;
- ``git log`` history call: the diff-less whole-history call for attribution (run concurrently by
  the collector);
- the collector (``retroblog.collect.git.collect.collect_git``) end to end.

Goal (issue 5): the collector within 1.3x of the ``git log`` call. Run::

    .venv/bin/python benchmarks/bench_collect_git.py [--commits 100000] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

AUTHORS = [(f"Dev {i}", f"dev{i}@corp.example") for i in range(8)]
ME = AUTHORS[0]


def build(path: Path, commits: int, seed: int = 5) -> int:
    """A repository of about ``commits`` commits; returns how many PRs of ME it has."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    files: dict[str, list[str]] = {}
    out: list[bytes] = []
    mark = 0
    when = 1_500_000_000
    made = 0
    mine = 0

    def data(text: str) -> None:
        raw = text.encode()
        out.append(b"data %d\n" % len(raw))
        out.append(raw)
        out.append(b"\n")

    def commit(ref: str, who: tuple[str, str], message: str, parents: list[int], changes: dict[str, str]) -> int:
        nonlocal mark, when, made
        mark += 1
        made += 1
        when += 600
        out.append(f"commit {ref}\nmark :{mark}\n".encode())
        out.append(f"author {who[0]} <{who[1]}> {when} +0200\n".encode())
        out.append(f"committer {who[0]} <{who[1]}> {when} +0200\n".encode())
        data(message)
        if parents:
            out.append(f"from :{parents[0]}\n".encode())
        for parent in parents[1:]:
            out.append(f"merge :{parent}\n".encode())
        for name, content in changes.items():
            out.append(f"M 100644 inline {name}\n".encode())
            data(content)
        return mark

    def change(name: str) -> str:
        body = files.setdefault(name, [f"line {i}" for i in range(20)])
        body[rng.randrange(len(body))] = f"changed {rng.random():.6f}"
        if len(body) < 60:
            body.append(f"added {rng.random():.6f}")
        return "\n".join(body) + "\n"

    main = commit("refs/heads/main", AUTHORS[1], "Initial commit\n", [], {"README.md": "hello\n"})
    number = 0
    while made < commits:
        number += 1
        author = AUTHORS[rng.randrange(len(AUTHORS))]
        mine += author == ME
        paths = [f"src/mod{rng.randrange(40)}/file{rng.randrange(2000)}.py" for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.1:
            paths.append("package-lock.json")
        if rng.random() < 0.3:  # squash merge
            main = commit(
                "refs/heads/main", author, f"Change {number} (#{number})\n", [main], {p: change(p) for p in paths}
            )
            continue
        tip = main
        final: dict[str, str] = {}
        for step in range(3):
            changes = {p: change(p) for p in paths[step % len(paths) :][:1] or paths[:1]}
            final.update(changes)
            tip = commit("refs/heads/topic", author, f"Work {number}.{step}\n", [tip], changes)
        merger = AUTHORS[rng.randrange(len(AUTHORS))]
        message = f"Merge pull request #{number} from dev/topic-{number}\n\nChange {number}\n"
        main = commit("refs/heads/main", merger, message, [main, tip], final)
    out.append(b"done\n")
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet", "--done"], input=b"".join(out), check=True)
    subprocess.run(["git", "-C", str(path), "branch", "-q", "-D", "topic"], check=True)
    return mine


def best(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the repository here instead of a temp dir")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from retroblog.collect.git import DEFAULT_EXCLUDES, collect_git
    from retroblog.collect.git.parse import MAIN_FORMAT as _MAIN_FORMAT
    from retroblog.collect.git.parse import TOPO_FORMAT as _TOPO_FORMAT
    from retroblog.collect.git.run import config_args as _config_args

    with tempfile.TemporaryDirectory() as tmp:
        repo = args.keep or Path(tmp) / "repo"
        start = time.perf_counter()
        if not (repo / ".git").exists():
            build(repo, args.commits)
        built = time.perf_counter() - start
        count = subprocess.run(
            ["git", "-C", str(repo), "rev-list", "--count", "main"], capture_output=True, text=True, check=True
        ).stdout.strip()
        config = _config_args(None)
        main_cmd = ["git", "-C", str(repo), *config, "log", "--first-parent", "--diff-merges=first-parent", "-M"]
        main_cmd += ["-z", "--numstat", "--no-color", "--no-ext-diff", "--no-relative", "--use-mailmap"]
        main_cmd += [f"--format={_MAIN_FORMAT}", "main", "--"]
        topo_cmd = ["git", "-C", str(repo), *config, "log", "-z", "--use-mailmap", f"--format={_TOPO_FORMAT}", "main"]
        env = {**os.environ, "LC_ALL": "C"}

        def git_main() -> None:
            subprocess.run(main_cmd, stdout=subprocess.DEVNULL, check=True, env=env)

        def git_topo() -> None:
            subprocess.run(topo_cmd, stdout=subprocess.DEVNULL, check=True, env=env)

        found: list[int] = []

        def collector() -> None:
            result = collect_git([repo], [ME[1]], branch="main", excludes=DEFAULT_EXCLUDES)
            found.append(len(result.rows))

        t_main = best(git_main, args.repeat)
        t_topo = best(git_topo, args.repeat)
        t_collect = best(collector, args.repeat)
        print(f"repository: {count} commits (built in {built:.1f} s); PRs of {ME[1]}: {found[-1]:,}")
        print(f"git log main call (--first-parent --numstat -z): {t_main:6.2f} s")
        print(f"git log history call (no diffs):                 {t_topo:6.2f} s")
        print(f"collect_git end to end:                          {t_collect:6.2f} s")
        print(f"ratio collector / main git log call:             {t_collect / t_main:6.2f}x (goal <= 1.3x)")
        print(f"ratio collector / both git log calls in a row:   {t_collect / (t_main + t_topo):6.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
