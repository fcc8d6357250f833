"""A worker process that computes blocks while the build goes on.

A cold build would otherwise import polars, Altair and vl-convert and render every chart on the
critical path. The MkDocs plugin submits each page's blocks before MkDocs converts the pages; one
worker process (``python -m retroblog.build.worker``) computes them on the other core, two at a time
(vl-convert renders without holding the GIL), and writes each result to the shared fragment cache.
The worker starts only when a block is not cached, so a warm build never starts it.

The worker is a plain subprocess speaking length-prefixed pickles over its stdin and stdout, not a
``multiprocessing`` pool: a pool's "spawn" start would re-run the build's own main script. Its
messages are small frozen dataclasses: the ``Site`` first, then a ``Request`` per block, each answered
by an ``Answer`` holding the block's ``Outcome`` (``retroblog.build.results``).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from retroblog.build.blocks import Blocks, Job
from retroblog.build.cache import FragmentStore
from retroblog.build.results import Crashed, Done, Failed, Outcome
from retroblog.build.settings import Settings
from retroblog.errors import BlockError, DatasetError, RetroblogError
from retroblog.render.svg import SvgCache

_HEADER = struct.Struct("!I")
MAX_STARTS = 3
"""Worker processes a ``Prefetcher`` starts at most: one that keeps dying is not started again, and the
build computes its blocks itself."""


@dataclass(frozen=True)
class Site:
    """The first message to a worker: the site's settings and the folder of the shared fragment cache."""

    root: Path
    data_dir: Path
    timezone: str
    datasets: dict[str, dict[str, Any]]
    size_buckets: tuple[int, ...]
    folder: Path | None
    language: str = "en"
    chart_timeout: float = 30.0

    def settings(self) -> Settings:
        return Settings(
            root=self.root,
            data_dir=self.data_dir,
            timezone=self.timezone,
            datasets=self.datasets,
            size_buckets=self.size_buckets,
            language=self.language,
            chart_timeout=self.chart_timeout,
        )


@dataclass(frozen=True)
class Request:
    """A block for the worker to compute, numbered by the build."""

    number: int
    job: Job


@dataclass(frozen=True)
class Answer:
    """The worker's answer to the request of the same number."""

    number: int
    outcome: Outcome


def _send(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    size = _HEADER.unpack(header)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # our own worker's messages, over a private pipe


class Prefetcher:
    """Computes blocks in a worker process; ``submit`` returns a future of the block's ``Outcome``."""

    def __init__(self, settings: Settings, folder: Path | None) -> None:
        self.site = Site(
            settings.root,
            settings.data_dir,
            settings.timezone,
            settings.datasets,
            settings.size_buckets,
            folder,
            settings.language,
            settings.chart_timeout,
        )
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._futures: dict[int, Future[Outcome]] = {}
        self._lock = threading.Lock()
        self._next = 0
        self.started = 0
        """Worker processes started so far (one, unless a worker exited and was replaced)."""

    def submit(self, kind: str, options: Mapping[str, Any], stat_key: str | None) -> Future[Outcome]:
        future: Future[Outcome] = Future()
        with self._lock:
            try:
                process = self._start()
                self._next += 1
                self._futures[self._next] = future
                assert process.stdin is not None
                _send(process.stdin, Request(self._next, Job(kind, dict(options), stat_key)))
            except (OSError, ValueError) as exc:  # no worker: the build computes the block itself
                self._futures.pop(self._next, None)
                future.set_result(Crashed(f"worker unavailable: {exc}"))
        return future

    def _start(self) -> subprocess.Popen[bytes]:
        """The running worker, started now if there is none or the last one has exited (under
        ``mkdocs serve`` one worker lasts for every rebuild; one that died is replaced, not given up on)."""
        if self._process is not None and self._process.poll() is None:
            return self._process
        if self._process is not None:  # exited: its reader fails whatever it had not answered
            self._retire(self._process)
        if self.started >= MAX_STARTS:
            raise OSError(f"the worker process exited {self.started} times")
        process = subprocess.Popen(
            [sys.executable, "-m", "retroblog.build.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
        )
        assert process.stdin is not None
        _send(process.stdin, self.site)
        self._process = process
        self._futures = {}  # the jobs of this worker alone: the reader of an exited one fails only its own
        self.started += 1
        self._reader = threading.Thread(
            target=self._read, args=(process, self._futures), name="retroblog-worker", daemon=True
        )
        self._reader.start()
        return process

    def _retire(self, process: subprocess.Popen[bytes]) -> None:
        """Let go of an exited worker's pipes (its reader thread ends on its own)."""
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._process = None

    def _read(self, process: subprocess.Popen[bytes], futures: dict[int, Future[Outcome]]) -> None:
        assert process.stdout is not None
        try:
            while True:
                answer: Answer = _receive(process.stdout)
                with self._lock:
                    future = futures.pop(answer.number, None)
                if future is not None:
                    future.set_result(answer.outcome)
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):  # (ValueError: a pipe closed by _retire)
            pass
        with self._lock:  # the worker is gone: whatever it did not answer is computed by the build
            left = dict(futures)
            futures.clear()
        for future in left.values():
            future.set_result(Crashed("the worker process ended"))

    def close(self) -> None:
        """Stop the worker. With every answer in, it is killed at once: its results are already stored
        (it answers a job only after writing it) and its exit, tearing down V8 and polars, takes ~0.5 s."""
        with self._lock:
            process, self._process = self._process, None
            idle = not self._futures
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):  # a worker that died leaves a broken pipe
                process.stdin.close()
        if idle:
            process.kill()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck render
            process.kill()
            process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)
        if process.stdout is not None:
            process.stdout.close()


def _compute(blocks: Blocks, job: Job) -> Outcome:
    """One block, computed and stored; errors are returned for the page's conversion to report."""
    try:
        return Done(blocks.fragment(job))
    except BlockError as exc:
        return Failed(exc.message, exc.line, shared=exc.shared)
    except DatasetError as exc:
        return Failed(str(exc), shared=True)
    except RetroblogError as exc:
        return Failed(str(exc))
    except Exception as exc:  # a bug: the build process computes the block itself and shows the traceback
        return Crashed(f"{type(exc).__name__}: {exc}")


WARM_SPEC = {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}}
"""A tiny chart rendered when the worker starts, so the renderer's runtime is up before the first job."""


def _warm_renderer() -> None:
    import vl_convert

    with contextlib.suppress(Exception):  # a broken renderer shows on the first real chart instead
        vl_convert.vegalite_to_svg(WARM_SPEC, allowed_base_urls=[])


def main() -> None:
    """The worker: read jobs from stdin, answer on stdout (anything printed goes to stderr instead)."""
    source = sys.stdin.buffer
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr
    site: Site = _receive(source)
    blocks = Blocks(site.settings(), SvgCache(), FragmentStore(site.folder))
    write = threading.Lock()
    # vl-convert starts its JavaScript runtime on its own thread (~0.4 s) while this one imports
    # polars and Altair (~1 s): the first chart then waits for neither one after the other.
    threading.Thread(target=_warm_renderer, name="retroblog-warm", daemon=True).start()
    import retroblog.charts.builtin  # noqa: F401 - load Altair and polars while the first jobs arrive

    def run(request: Request) -> None:
        answer = Answer(request.number, _compute(blocks, request.job))
        with write:
            _send(answers, answer)

    with ThreadPoolExecutor(2, thread_name_prefix="retroblog-job") as pool:
        while True:
            try:
                request = _receive(source)
            except EOFError:
                break
            pool.submit(run, request)


if __name__ == "__main__":
    # The module's imported copy, not this __main__ one: the Answers it sends then pickle as
    # retroblog.build.worker.Answer, a class the build process can load.
    from retroblog.build import worker

    worker.main()
