"""Helpers of the collector tests: real git repositories built in tmp dirs."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

JANE = ("Jane Doe", "jane@corp.example")
JANE_OLD = ("jd", "jane.old@personal.example")  # mapped to JANE by the repository's .mailmap
JANE_NOREPLY = ("Jane Doe", "12345+janedoe@users.noreply.github.com")  # GitHub web/squash email
BOB = ("Bob Roe", "bob@corp.example")
MIA = ("Mia Merger", "mia@corp.example")


class Repo:
    """A git repository in a folder, driven with explicit authors and dates."""

    def __init__(self, path: Path, branch: str = "main") -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)
        self.git("config", "commit.gpgsign", "false")

    def git(
        self,
        *args: str,
        who: tuple[str, str] = BOB,
        date: str = "2020-01-01T00:00:00+00:00",
        committer: tuple[str, str] | None = None,
        committed: str | None = None,
    ) -> str:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "GIT_AUTHOR_NAME": who[0],
            "GIT_AUTHOR_EMAIL": who[1],
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": (committer or who)[0],
            "GIT_COMMITTER_EMAIL": (committer or who)[1],
            "GIT_COMMITTER_DATE": committed or date,
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(self.path),
        }
        done = subprocess.run(["git", "-C", str(self.path), *args], env=env, capture_output=True, check=False)
        if done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {done.stderr.decode()}")
        return done.stdout.decode()

    def write(self, files: dict[str, str | bytes | None]) -> None:
        for name, content in files.items():
            target = self.path / name
            if content is None:
                self.git("rm", "-q", name)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content)
            self.git("add", name)

    def commit(
        self,
        message: str,
        files: dict[str, str | bytes | None],
        who: tuple[str, str],
        date: str,
        committer: tuple[str, str] | None = None,
        committed: str | None = None,
    ) -> str:
        self.write(files)
        self.git(
            "commit", "-q", "--allow-empty", "-m", message, who=who, date=date, committer=committer, committed=committed
        )
        return self.head()

    def mv(self, old: str, new: str) -> None:
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)

    def checkout(self, branch: str, *, new: bool = False) -> None:
        self.git("checkout", "-q", *(["-b"] if new else []), branch)

    def merge(self, branch: str, message: str, who: tuple[str, str], date: str) -> str:
        self.git("merge", "-q", "--no-ff", "-m", message, branch, who=who, date=date)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()


def lines(n: int, word: str = "line") -> str:
    return "".join(f"{word} {i}\n" for i in range(1, n + 1))


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def build_widgets(root: Path) -> tuple[Repo, dict[str, str]]:
    """The main test repository: every merge style, three identities of Jane, a .mailmap,
    binary files, renames and lock files. Returns the repo and the merge commits by PR number."""
    repo = Repo(root / "widgets")
    repo.git("remote", "add", "origin", "git@github.com:acme/widgets.git")
    shas: dict[str, str] = {}
    # 1. not a PR: initial commit by Bob, with the .mailmap mapping Jane's old email
    repo.commit(
        "Initial commit",
        {"README.md": lines(3), ".mailmap": "Jane Doe <jane@corp.example> jd <jane.old@personal.example>\n"},
        BOB,
        "2020-01-01T09:00:00+00:00",
    )
    # 2. PR #1, GitHub merge commit by Mia; Jane's two commits under her old email (.mailmap)
    repo.checkout("jane/app", new=True)
    repo.commit("Start the app", {"src/app.py": lines(10)}, JANE_OLD, "2020-02-01T10:00:00+01:00")
    repo.commit(
        "Finish the app",
        {"src/app.py": lines(10).replace("line 3\n", "line three\n") + "line 11\n", "package-lock.json": lines(100)},
        JANE_OLD,
        "2020-02-02T10:00:00+01:00",
    )
    repo.checkout("main")
    shas["1"] = repo.merge(
        "jane/app", "Merge pull request #1 from jane/app\n\nAdd the app", MIA, "2020-02-03T12:00:00+02:00"
    )
    # 3. PR #2, GitHub squash commit authored with Jane's noreply email: a binary file, a pure
    #    rename and a new text file
    repo.mv("README.md", "docs/README.md")
    shas["2"] = repo.commit(
        "Add logo and move docs (#2)\n\n* Add logo\n* Move docs",
        {"logo.png": PNG, "notes.txt": lines(4)},
        JANE_NOREPLY,
        "2020-03-01T08:30:00-05:00",
    )
    # 4. MR !3, GitLab merge of Bob's branch: not Jane's
    repo.checkout("bob-fix", new=True)
    repo.commit("Fix the parser", {"src/parser.py": lines(7)}, BOB, "2020-03-10T09:00:00+00:00")
    repo.checkout("main")
    shas["3"] = repo.merge(
        "bob-fix",
        "Merge branch 'bob-fix' into 'main'\n\nFix the parser\n\nSee merge request acme/widgets!3",
        MIA,
        "2020-03-11T09:00:00+00:00",
    )
    # 5. MR !4, GitLab merge of Jane's branch (docs change + yarn.lock)
    repo.checkout("jane-docs", new=True)
    repo.commit(
        "Document the API",
        {"docs/README.md": "line 1\nline two\nline 3\nline 4\n", "yarn.lock": lines(20)},
        JANE,
        "2020-04-01T09:00:00+00:00",
    )
    repo.checkout("main")
    shas["4"] = repo.merge(
        "jane-docs",
        "Merge branch 'jane-docs' into 'main'\n\nDocument the API\n\nCloses #9\n\nSee merge request acme/widgets!4",
        MIA,
        "2020-04-02T09:00:00+00:00",
    )
    # 6. Azure DevOps squash "Merged PR 5: ..." by Jane
    shas["5"] = repo.commit(
        "Merged PR 5: Speed up the cache",
        {
            "src/app.py": lines(10).replace("line 3\n", "line three\n").replace("line 5\nline 6\n", "fast\n")
            + "line 11\nline 12\n"
        },
        JANE,
        "2020-05-01T16:00:00+09:00",
    )
    # 7. Azure DevOps merge commit "Merged PR 6: ...": authored by the PR's creator (Jane), the
    #    branch commit is Bob's: attributed to Jane
    repo.checkout("timeouts", new=True)
    repo.commit("Add timeouts", {"src/timeout.py": lines(5)}, BOB, "2020-06-01T09:00:00+00:00")
    repo.checkout("main")
    shas["6"] = repo.merge("timeouts", "Merged PR 6: Handle timeouts", JANE, "2020-06-02T09:00:00+00:00")
    # 8. Bitbucket merge of Jane's branch: a new file and a rename with one changed line
    repo.checkout("feature/retries", new=True)
    repo.mv("src/timeout.py", "src/net/timeout.py")
    repo.commit(
        "Add retries",
        {"src/net/timeout.py": lines(5).replace("line 5\n", "line five\n"), "src/retry.py": lines(6, "retry")},
        JANE,
        "2020-07-01T09:00:00+00:00",
    )
    repo.checkout("main")
    shas["7"] = repo.merge(
        "feature/retries",
        "Merged in feature/retries (pull request #7)\n\nAdd retries\n\nApproved-by: Bob Roe",
        MIA,
        "2020-07-02T09:00:00+00:00",
    )
    # 9. not a PR: Jane's direct commit; 10. Bob's squash #8; 11. Jane's local revert of #2
    repo.commit("Fix typo", {"notes.txt": lines(4).replace("line 2", "line 2.")}, JANE, "2020-08-01T09:00:00+00:00")
    shas["8"] = repo.commit("Bob's change (#8)", {"bob.txt": lines(2)}, BOB, "2020-08-02T09:00:00+00:00")
    repo.commit(
        'Revert "Add logo and move docs (#2)"',
        {"logo.png": None},
        JANE,
        "2020-08-03T09:00:00+00:00",
    )
    return repo, shas


# -------------------------------------------------------------------------------------------------
# Local HTTP servers speaking the APIs' wire formats


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    target: str = ""
    """The request line's target as sent: a path, or a whole URL when the server is used as a proxy."""


Answer = tuple[int, dict[str, str], bytes]
Handler = Callable[[Seen], Answer]


@dataclass
class LocalServer:
    """An HTTP server on 127.0.0.1 (ephemeral port) in a thread; ``faults`` answer first, in order."""

    handler: Handler
    faults: list[Answer | Callable[[Seen], Answer | None]] = field(default_factory=list)
    requests: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw
                seen = Seen(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    self.path,
                )
                outer.requests.append(seen)
                answer: Answer | None = None
                if outer.faults:  # one fault per request; a callable may pass (None)
                    fault = outer.faults.pop(0)
                    answer = fault(seen) if callable(fault) else fault
                status, headers, data = answer if answer is not None else outer.handler(seen)
                self.send_response(status)
                for name, value in {"content-type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _serve
            do_POST = _serve

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def json_answer(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    return status, headers or {}, json.dumps(value).encode()


class Clock:
    """A fake clock whose sleep moves time forward at once."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
