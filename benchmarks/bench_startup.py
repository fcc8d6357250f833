"""Whole-process times of the command line: ``retroblog --help`` and ``retroblog stats`` on 1,000,000 PRs from CSV.

Each command is the installed ``retroblog`` script, run as a new process, several times (median), with its
output discarded, from a folder without ``mkdocs.yml`` (the dataset is given by its path); the time is from
starting the process to its exit, interpreter start and imports included. Goals (issue 11): ``--help`` under
0.25 s, ``stats`` under 1.2 s.

Python's bytecode cache decides much of a start: with compiled modules (``__pycache__``, what every run after
the first one uses) polars imports in ~0.15 s, from source in ~0.7 s. The figures are measured with a cache
of their own (``benchmarks/.data/pycache``, filled by one run that is not counted), and again with none
(``PYTHONDONTWRITEBYTECODE=1`` and an empty cache: every module compiled in every run) to show that cost.
``--baseline DIR`` runs the same commands, interleaved, with another checkout's ``retroblog`` package first on
``PYTHONPATH`` (``git archive REV retroblog | tar -x -C DIR``), for a before/after on the same busy machine.
A breakdown of the stats process, in one interpreter, says where its time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench_stats import DATA, ROWS, make_data

GOALS = {"help": 0.25, "stats": 1.2}
PYCACHE = DATA / "pycache"

BREAKDOWN = """
import contextlib, io, json, sys, time
t0 = time.perf_counter()
from retroblog.cli import main
t1 = time.perf_counter()
from retroblog.cli.stats import _print_tables, resolve_dataset
from retroblog.stats.compute import Filters, compute
t2 = time.perf_counter()
dataset, edges = resolve_dataset(sys.argv[1], "mkdocs.yml", None)
t3 = time.perf_counter()
stats = compute(dataset, Filters(), edges)
t4 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    _print_tables(stats)
t5 = time.perf_counter()
assert stats.total_prs == %d, stats.total_prs
print(json.dumps({"import retroblog.cli": t1 - t0, "import the stats command": t2 - t1,
                  "load + validate": t3 - t2, "compute": t4 - t3, "print the tables": t5 - t4,
                  "exit": time.time()}), flush=True)
"""


def command() -> list[str]:
    """The ``retroblog`` script of the running interpreter's environment, as a user runs it."""
    script = Path(sys.executable).parent / "retroblog"
    return [str(script)] if script.exists() else [sys.executable, "-m", "retroblog"]


def environment(cache: Path, *, write: bool, package: Path | None = None) -> dict[str, str]:
    """The environment of a measured process: its bytecode cache, and optionally another retroblog first."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONPATH")
    }
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    if not write:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    if package is not None:
        env["PYTHONPATH"] = str(package)
    return env


def timed(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, every thread) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(args: Sequence[str], envs: Mapping[str, Mapping[str, str]], cwd: Path, repeats: int) -> dict[str, Any]:
    """Each environment's median wall-clock and CPU seconds and its sorted runs; the runs take turns."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in envs}
    for _ in range(repeats):
        for name, env in envs.items():
            runs[name].append(timed(args, env, cwd))
    return {
        name: {
            "wall": statistics.median(w for w, _ in done),
            "cpu": statistics.median(c for _, c in done),
            "runs": sorted(w for w, _ in done),
        }
        for name, done in runs.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each command (median; default 7)")
    parser.add_argument("--baseline", type=Path, metavar="DIR", help="a folder holding another retroblog package")
    options = parser.parse_args()
    csv = make_data()["csv"]
    work = Path(tempfile.mkdtemp(prefix="retroblog-startup-"))  # no mkdocs.yml: a dataset given by path
    cases = {"help": [*command(), "--help"], "stats": [*command(), "stats", str(csv)]}
    packages: dict[str, Path | None] = {"": None}
    if options.baseline:
        packages["baseline "] = options.baseline.resolve()
    print(
        f"{ROWS:,} PRs from CSV; {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; median of {options.repeat} whole processes; "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )
    try:
        cached = {f"{p}cached": environment(PYCACHE, write=True, package=d) for p, d in packages.items()}
        source = {f"{p}source": environment(work / "none", write=False, package=d) for p, d in packages.items()}
        for args in cases.values():
            for env in cached.values():
                timed(args, env, work)  # fills the bytecode cache; not counted
        print(f"{'command':<42} {'bytecode cached':>16} {'(CPU)':>7} {'no bytecode':>12} {'goal':>6}")
        met = True
        for name, args in cases.items():
            warm = measure(args, cached, work, options.repeat)
            cold = measure(args, source, work, max(3, options.repeat // 2))
            met &= warm["cached"]["wall"] < GOALS[name]
            for prefix in packages:
                label = prefix + "retroblog " + " ".join(args[len(command()) :]).replace(str(csv), csv.name)
                w, c = warm[f"{prefix}cached"], cold[f"{prefix}source"]
                print(
                    f"{label:<42} {w['wall']:>15.2f}s {w['cpu']:>6.2f}s {c['wall']:>11.2f}s "
                    f"{GOALS[name]:>5.2f}s  (runs: {', '.join(f'{r:.2f}' for r in w['runs'])})"
                )
        print(f"goals (bytecode cached): {'met' if met else 'NOT met'}")
        parts = []
        for _ in range(3):
            out = subprocess.run(
                [sys.executable, "-c", BREAKDOWN % ROWS, str(csv)],
                env=cached["cached"],
                cwd=work,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            part = json.loads(out)
            part["interpreter exit"] = time.time() - part.pop("exit")
            parts.append(part)
        start = measure([sys.executable, "-c", "pass"], {"": cached["cached"]}, work, options.repeat)[""]["wall"]
        print(f"load average {os.getloadavg()[0]:.1f} at the end (a busy machine makes every figure longer)")
        print("\nretroblog stats, where the time goes (one interpreter, bytecode cached, median of 3):")
        print(f"  {'interpreter start':<36} {start:>6.2f}s")
        for key in parts[0]:
            print(f"  {key:<36} {statistics.median(p[key] for p in parts):>6.2f}s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
