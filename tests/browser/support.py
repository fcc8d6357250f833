"""Browser-test plumbing: a static HTTP server, page recorders, the Chromium launcher."""

from __future__ import annotations

import functools
import shutil
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
ASSETS = REPO / "retroblog" / "assets"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = REPO / "tests" / "_artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server:
    """``http.server`` on 127.0.0.1, an ephemeral port, in a daemon thread."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@dataclass
class Recorder:
    """Everything a page did that the tests check: requests, console messages, errors, dialogs."""

    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"] + self.page_errors

    def warnings(self) -> list[str]:
        return [text for kind, text in self.console if kind == "warning"]

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).hostname != "127.0.0.1"]


def record(context: Any, page: Any) -> Recorder:
    rec = Recorder()
    context.set_default_timeout(10_000)
    context.on("request", lambda request: rec.requests.append(request.url))
    page.on("console", lambda msg: rec.console.append((msg.type, msg.text)))
    page.on("pageerror", lambda error: rec.page_errors.append(str(error)))

    def on_dialog(dialog: Any) -> None:
        rec.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return rec


def install_assets(root: Path) -> Path:
    """Copy retroblog.js/.css and write vega.js (vl-convert's bundle) to ``root/assets/retroblog``."""
    import vl_convert

    target = root / "assets" / "retroblog"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ASSETS / "retroblog.js", target / "retroblog.js")
    shutil.copy2(ASSETS / "retroblog.css", target / "retroblog.css")
    if not (target / "vega.js").exists():
        (target / "vega.js").write_text(vl_convert.javascript_bundle(), encoding="utf-8")
    return target


def launch(p: Any) -> Any:
    return p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
