"""The collectors' HTTP client itself: its hooks, its transport (proxies, TLS), its logs and its imports."""

from __future__ import annotations

import logging
import shutil
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from collect_support import Clock, LocalServer, json_answer

import retroblog.collect.http as http
from retroblog.collect.gitlab import collect_gitlab
from retroblog.collect.http import HttpClient
from retroblog.errors import AuthError, CollectError

TOKEN = "glpat-TESTTOKEN0123456789SECRET"


def test_importing_the_client_imports_neither_httpx_nor_tenacity() -> None:
    code = "import sys, retroblog.collect.http; print(sorted({'httpx', 'tenacity'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_module_hooks_are_read_at_each_call_not_when_the_client_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    with LocalServer(lambda seen: json_answer({"ok": True})) as server:
        server.faults = [(503, {}, b"busy"), (502, {}, b"busy")]
        client = HttpClient("GitLab", TOKEN)  # made before the hooks are replaced (as the wire check does)
        clock = Clock()
        monkeypatch.setattr(http, "sleep", clock.sleep)
        monkeypatch.setattr(http, "clock", clock.time)
        with client:
            assert client.get(f"{server.url}/api").json() == {"ok": True}
            assert client.clock() == clock.now
    assert clock.slept == [1, 2]
    assert client.requests == 3 and client.waited == 3


def test_a_client_given_its_own_hooks_uses_them(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(seconds: float) -> None:
        raise AssertionError("the module's sleep was used")

    monkeypatch.setattr(http, "sleep", refuse)
    clock = Clock()
    with LocalServer(lambda seen: json_answer([])) as server:
        server.faults = [json_answer({"message": "slow down"}, 429, {"retry-after": "7"})]
        with HttpClient("GitLab", TOKEN, sleep=clock.sleep, clock=clock.time) as client:
            client.get(f"{server.url}/api")
    assert clock.slept == [7]


def test_a_wait_beyond_the_longest_is_refused_with_when_to_run_again() -> None:
    clock = Clock()
    with LocalServer(lambda seen: json_answer([])) as server:
        server.faults = [json_answer({"message": "later"}, 429, {"retry-after": "7200"})]
        with (
            HttpClient("GitLab", TOKEN, sleep=clock.sleep, clock=clock.time) as client,
            pytest.raises(
                CollectError, match=r"^GitLab: GitLab rate limit \(HTTP 429\); it resets at .*in 120 minutes"
            ),
        ):
            client.get(f"{server.url}/api")
    assert clock.slept == []


def test_environment_proxies_are_used_except_for_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    with (
        LocalServer(lambda seen: json_answer({"via": "proxy"})) as proxy,
        LocalServer(lambda seen: json_answer({"via": "direct"})) as direct,
    ):
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, proxy.url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        with HttpClient("GitLab", TOKEN) as client:
            assert client.get("http://gitlab.wire.example/api/v4/version").json() == {"via": "proxy"}
            assert client.get(f"{direct.url}/api/v4/version").json() == {"via": "direct"}
    assert [(s.target, s.headers.get("authorization")) for s in proxy.requests] == [
        ("http://gitlab.wire.example/api/v4/version", f"Bearer {TOKEN}")
    ]
    assert [s.target for s in direct.requests] == ["/api/v4/version"]


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and its key), made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"]
    command += ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        command,
        check=True,
        capture_output=True,
    )
    return cert, key


def test_tls_is_verified_against_the_certificates_python_trusts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = _certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    clock = Clock()
    with LocalServer(lambda seen: json_answer({"tls": True})) as server:
        server.server.socket = context.wrap_socket(server.server.socket, server_side=True)
        url = f"https://127.0.0.1:{server.server.server_address[1]}/api"
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        with (
            HttpClient("GitLab", TOKEN, sleep=clock.sleep, clock=clock.time) as client,
            pytest.raises(
                CollectError, match=r"^GitLab: cannot reach https://127.0.0.1:\d+/api \(.*CERTIFICATE_VERIFY"
            ),
        ):
            client.get(url)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # what a company's own CA is trusted with
        with HttpClient("GitLab", TOKEN) as client:
            assert client.get(url).json() == {"tls": True}


def test_the_token_is_in_no_log_record(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    with LocalServer(lambda seen: json_answer({"message": "401 Unauthorized"}, 401)) as server:
        server.faults = [(500, {}, f"echo {TOKEN}".encode()), json_answer([], 429, {"retry-after": "1"})]
        with pytest.raises(AuthError) as info:
            collect_gitlab("jane", TOKEN, host=server.url, sleep=clock.sleep, clock=clock.time)
    assert TOKEN not in str(info.value)
    assert any(r.name.startswith("httpx") for r in caplog.records)  # the records were captured
    assert TOKEN not in caplog.text
    assert all(TOKEN not in str(r.args) for r in caplog.records)


def test_a_token_in_a_server_message_is_scrubbed() -> None:
    clock = Clock()
    with (
        LocalServer(lambda seen: json_answer({"message": f"token {TOKEN} is not allowed here"}, 418)) as server,
        HttpClient("GitLab", TOKEN, sleep=clock.sleep, clock=clock.time) as client,
        pytest.raises(CollectError) as info,
    ):
        client.get(f"{server.url}/api")
    assert str(info.value) == f"GitLab: HTTP 418 from {server.url}/api: token *** is not allowed here"
