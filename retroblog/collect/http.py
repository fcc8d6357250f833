"""The HTTP client of the API collectors (httpx, retried with tenacity): rate limits, no leaked tokens.

- 5xx answers and network errors are retried with exponential backoff (``retry-after`` honoured).
- Rate limits (HTTP 429, or 403 with ``retry-after``, ``x-ratelimit-remaining: 0`` /
  ``x-ratelimit-reset``, GitLab's ``ratelimit-reset``, or a "secondary rate limit" message) wait, then
  resume; the wait is reported through ``Progress.waiting``.
- 401 is an expired, revoked or wrong token: an ``AuthError`` that says so. Other 4xx fail at once.
- The token only travels in a header; it is scrubbed from every message. Redirects are refused (the
  ``Authorization`` header would go along to the new host), plain ``http://`` is only allowed to
  loopback addresses, and loopback requests never go through a proxy (other requests use the
  proxies of the environment: ``HTTPS_PROXY``, ``NO_PROXY`` ...). TLS is verified against the
  system's certificates, as Python's ``ssl`` module finds them (``SSL_CERT_FILE`` is honoured).
- ``sleep`` and ``clock`` are module-level hooks, read at each call: replace them (tests, the wire
  check) and no client waits for real. A client given its own ``sleep``/``clock`` uses those.

httpx and tenacity are imported when the first request is made, so importing this module is cheap.
Their errors never reach the user: a network failure becomes the ``CollectError`` below, which names
the service, the URL and what to do.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from retroblog.collect.base import NullProgress, Progress
from retroblog.errors import AuthError, CollectError
from retroblog.util.words import count

if TYPE_CHECKING:
    import httpx
    import tenacity

USER_AGENT = "retroblog-collect (+https://pypi.org/project/retroblog/)"

sleep: Callable[[float], None] = time.sleep
"""How clients wait when none is given (tests replace it: they never wait for real)."""
clock: Callable[[], float] = time.time
"""The clocks clients read when none is given."""


@dataclass
class Response:
    """A successful HTTP answer."""

    status: int
    headers: dict[str, str]
    """Header names in lower case."""
    body: bytes
    url: str
    service: str

    def json(self) -> Any:
        """The body as JSON; a ``CollectError`` naming the URL and showing the start of the body otherwise."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            snippet = self.body[:80].decode("utf-8", "replace").replace("\n", " ")
            raise CollectError(
                f"{self.service}: the answer of {_display(self.url)} is not valid JSON ({exc.__class__.__name__}): "
                f"{snippet!r}; the host may not be a {self.service} API server"
            ) from None


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (tests' local servers)."""
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, option: str = "--host") -> str:
    """An API base URL without a trailing slash; plain http only for loopback hosts."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise CollectError(f"{option} {url!r} is not a host name or an http(s) URL")
    if parsed.scheme == "http" and not is_loopback(parsed.hostname):
        raise CollectError(
            f"{option} {url!r}: refusing to send a token over plain http to {parsed.hostname}; use https://"
        )
    return url.rstrip("/")


def _display(url: str) -> str:
    """The URL without its query (which never holds a token, but can be long)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class HttpClient:
    """Requests to one API with a token, retrying what is worth retrying.

    One httpx ``Client`` (connection pool) per ``HttpClient``, made at the first request (a second one
    if it also talks to this machine, which no proxy may see); a collector uses one ``HttpClient`` per
    run and closes it with ``close()`` or ``with``.
    """

    def __init__(
        self,
        service: str,
        token: str,
        *,
        auth: str = "bearer",
        token_hint: str = "the token",
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        progress: Progress | None = None,
        max_retries: int = 5,
        max_rate_waits: int = 30,
        max_wait: float = 3900.0,
        timeout: float = 60.0,
    ) -> None:
        self.service = service
        self._token = token
        self._auth = auth
        self.token_hint = token_hint
        self._extra_headers = dict(headers or {})
        """Sent with every request (Azure DevOps: ``X-TFS-FedAuthRedirect: Suppress``)."""
        self._sleep = sleep
        self._clock = clock
        self.progress = progress or NullProgress()
        self.max_retries = max_retries
        self.max_rate_waits = max_rate_waits
        self.max_wait = max_wait
        self.timeout = timeout
        self.requests = 0
        self.waited = 0.0
        self._clients: dict[bool, httpx.Client] = {}

    # -- public --------------------------------------------------------------------------------------

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections; a later request opens new ones."""
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``: with the client's own ``sleep``, else with the module's as it is now."""
        (self._sleep or sleep)(seconds)  # the module-level hook, looked up at each call

    def clock(self) -> float:
        """Now, in seconds since the epoch: the client's own ``clock``, else the module's as it is now."""
        return (self._clock or clock)()

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> Response:
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"
        return self.request("GET", url)

    def post_json(self, url: str, payload: Any) -> Response:
        return self.request("POST", url, json.dumps(payload).encode("utf-8"))

    def wait(self, seconds: float, reason: str) -> None:
        """Sleep ``seconds`` (capped by ``max_wait``, refused beyond it), reporting it first."""
        self.sleep(self._allow(seconds, reason))

    def request(self, method: str, url: str, body: bytes | None = None) -> Response:
        """One request, tried again (tenacity) after network errors, 5xx answers and rate limits."""
        import tenacity

        tries = _Tries()

        def give_up(state: tenacity.RetryCallState) -> Response:
            raise _again(state).error from None

        def report(state: tenacity.RetryCallState) -> None:
            self._allow(_again(state).seconds, _again(state).reason)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Again),
            stop=lambda _state: tries.failures > self.max_retries or tries.rate_waits > self.max_rate_waits,
            wait=lambda state: max(0.0, _again(state).seconds),
            before_sleep=report,
            sleep=lambda seconds: self.sleep(float(seconds)),
            retry_error_callback=give_up,
        )
        answer: Response = retrying(self._attempt, method, url, body, tries)
        return answer

    # -- internals -----------------------------------------------------------------------------------

    def _allow(self, seconds: float, reason: str) -> float:
        """``seconds`` (at least 0) once reported and counted; a ``CollectError`` beyond ``max_wait``."""
        seconds = max(0.0, seconds)
        if seconds > self.max_wait:
            resume = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.clock() + seconds))
            raise CollectError(
                f"{self.service}: {reason}; it resets at {resume}, in {count(round(seconds / 60), 'minute')}. "
                "Run the same command again then: it resumes where it stopped"
            )
        self.progress.waiting(seconds, reason)
        self.waited += seconds
        return seconds

    def _attempt(self, method: str, url: str, body: bytes | None, tries: _Tries) -> Response:
        """One try: the answer, an ``_Again`` (wait, then try again) or the error of a final answer."""
        self.requests += 1
        try:
            status, headers, data = self._send(method, url, body)
        except _Transient as exc:
            tries.failures += 1
            raise _Again(
                min(2.0 ** (tries.failures - 1), 60.0),
                f"{self.service} unreachable ({exc})",
                CollectError(
                    f"{self.service}: cannot reach {_display(url)} ({exc}) after "
                    f"{count(tries.failures, 'try', 'tries')}; "
                    "check --host and your network, then run again"
                ),
            ) from None
        if status == 203 and headers.get("content-type", "").startswith("text/html"):
            # A sign-in page instead of the API's answer (dev.azure.com's reply to a bad token when it
            # redirects to its login): the token was refused, as a 401 says.
            raise self._failure(401, headers, url, "a sign-in page instead of the API's answer")
        if 200 <= status < 300:
            return Response(status, headers, data, url, self.service)
        message = self._message(data)
        rate_wait, told = self._rate_limit_wait(status, headers, message, tries.blind_waits)
        if rate_wait is not None:
            tries.rate_waits += 1
            tries.blind_waits += not told
            kind = "secondary rate limit" if status == 403 and "secondary" in message.casefold() else "rate limit"
            raise _Again(
                rate_wait,
                f"{self.service} {kind} (HTTP {status})",
                CollectError(
                    f"{self.service}: still rate limited after {count(self.max_rate_waits, 'wait')}; "
                    "run again later "
                    "(the run resumes where it stopped)"
                ),
            )
        if status >= 500:
            tries.failures += 1
            retry_after = _retry_after(headers, self.clock())
            raise _Again(
                retry_after if retry_after is not None else min(2.0 ** (tries.failures - 1), 60.0),
                f"{self.service} server error (HTTP {status})",
                CollectError(
                    f"{self.service}: HTTP {status} from {_display(url)} after "
                    f"{count(tries.failures, 'try', 'tries')}"
                    f"{': ' + message if message else ''}; the server is having trouble, run again later "
                    "(the run resumes where it stopped)"
                ),
            )
        raise self._failure(status, headers, url, message)

    def _send(self, method: str, url: str, body: bytes | None) -> tuple[int, dict[str, str], bytes]:
        import httpx

        client = self._client(url)
        try:
            answer = client.request(method, url, content=body, headers=self._headers(body is not None))
        except httpx.RequestError as exc:
            raise _Transient(self.scrub(str(exc) or exc.__class__.__name__)) from None
        return answer.status_code, _lower(answer.headers.items()), answer.content

    def _client(self, url: str) -> httpx.Client:
        """The httpx client for ``url``: loopback hosts are reached directly, others as the environment says."""
        host = urllib.parse.urlsplit(url).hostname
        direct = bool(host and is_loopback(host))
        client = self._clients.get(direct)
        if client is None:
            import ssl

            import httpx

            client = httpx.Client(
                timeout=httpx.Timeout(self.timeout),
                follow_redirects=False,  # a redirect is an error that names the new location (_failure)
                verify=ssl.create_default_context(),  # the system's certificates, as urllib used
                trust_env=not direct,  # HTTPS_PROXY, NO_PROXY ...; never for this machine
            )
            self._clients[direct] = client
        return client

    def _headers(self, has_body: bool) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **self._extra_headers}
        if has_body:
            headers["Content-Type"] = "application/json"
        if self._auth == "bearer":
            headers["Authorization"] = f"Bearer {self._token}"
        elif self._auth == "private-token":
            headers["PRIVATE-TOKEN"] = self._token
        elif self._auth == "basic":
            import base64

            headers["Authorization"] = "Basic " + base64.b64encode(f":{self._token}".encode()).decode()
        return headers

    def scrub(self, text: str) -> str:
        """``text`` with the token replaced by ``***``."""
        return text.replace(self._token, "***") if self._token else text

    def _message(self, data: bytes) -> str:
        """The server's own words in an error answer: its JSON message (a GraphQL body's first error),
        else the start of its text; an HTML page is named as one, not quoted."""
        try:
            value = json.loads(data[:MAX_ERROR_BODY]) if len(data) <= MAX_ERROR_BODY else None
        except ValueError:
            value = None
        if isinstance(value, dict):
            errors = value.get("errors")
            if isinstance(errors, list) and errors and isinstance(errors[0], dict):
                value = {**errors[0], **value}
            for key in ("message", "error_description", "error", "typeKey"):
                if isinstance(value.get(key), str):
                    return _shorten(self.scrub(value[key]), 300)
        text = data[:2000].decode("utf-8", "replace")
        if text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
            return "an HTML page"
        return _shorten(self.scrub(" ".join(text.split())), 200)

    def _rate_limit_wait(
        self, status: int, headers: dict[str, str], message: str, blind_waits: int
    ) -> tuple[float | None, bool]:
        """(seconds to wait, whether the server said how long) of a rate-limited answer; None: not one."""
        if status not in (403, 429):
            return None, False
        now = self.clock()
        retry_after = _retry_after(headers, now)
        if retry_after is not None:
            return retry_after, True
        for name in ("x-ratelimit-reset", "ratelimit-reset"):
            remaining = headers.get(name.replace("reset", "remaining"))
            reset = headers.get(name)
            if reset and (remaining == "0" or status == 429):
                try:
                    return max(1.0, float(reset) - now + 1), True
                except ValueError:
                    pass
        if status == 429 or "rate limit" in message.casefold():
            # GitHub: "wait at least one minute", then back off exponentially
            return min(60.0 * 2**blind_waits, 900.0), False
        return None, False

    def _failure(self, status: int, headers: dict[str, str], url: str, message: str) -> CollectError:
        """The error of a final (not retried) answer that is not a success."""
        detail = f": {message}" if message else ""
        if status == 401:
            return AuthError(
                f"{self.service} refused {self.token_hint} (HTTP 401{detail}): it has expired, was revoked or is "
                "wrong. Create a new token and run again"
            )
        if 300 <= status < 400:
            location = _display(headers.get("location", "?"))
            return CollectError(
                f"{self.service}: {_display(url)} redirects to {location}; not followed (the token would go "
                "along). Pass the API's own host with --host"
            )
        if status == 403:
            return AuthError(
                f"{self.service}: HTTP 403 forbidden for {_display(url)}{detail}; the token may lack a scope "
                "or single sign-on authorization"
            )
        if status == 404:
            return CollectError(f"{self.service}: HTTP 404, {_display(url)} not found{detail}; check --host and names")
        return CollectError(f"{self.service}: HTTP {status} from {_display(url)}{detail}")


class _Transient(Exception):
    """A network error worth retrying."""


class _Again(Exception):
    """A try worth repeating: wait ``seconds`` (reported as ``reason``); ``error`` when no try is left."""

    def __init__(self, seconds: float, reason: str, error: CollectError) -> None:
        super().__init__(reason)
        self.seconds = seconds
        self.reason = reason
        self.error = error


@dataclass
class _Tries:
    """What one request has been through so far."""

    failures: int = 0
    """Network errors and 5xx answers (``max_retries`` of them are tried again)."""
    rate_waits: int = 0
    """Rate-limited answers (``max_rate_waits`` of them are waited out)."""
    blind_waits: int = 0
    """Rate-limited answers that did not say how long to wait (each doubles the next guess)."""


def _again(state: tenacity.RetryCallState) -> _Again:
    """The ``_Again`` a failed try raised."""
    error = state.outcome.exception() if state.outcome is not None else None
    assert isinstance(error, _Again)
    return error


def _lower(items: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in items}


MAX_ERROR_BODY = 1 << 20
"""An error answer's body is read as JSON up to this size (a larger one is only quoted)."""


def _shorten(text: str, most: int) -> str:
    """``text`` cut at a word before ``most`` characters, with an ellipsis, never in the middle of a word."""
    if len(text) <= most:
        return text
    cut = text[: most - 1].rsplit(" ", 1)[0] if " " in text[: most - 1] else text[: most - 1]
    return cut.rstrip(" ,;:") + "…"


def _retry_after(headers: Mapping[str, str], now: float) -> float | None:
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)
