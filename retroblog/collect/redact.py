"""``--redact``: stable pseudonyms for titles, repository names, URLs, authors and hosts.

A pseudonym is an HMAC-SHA256 of the value under a secret key kept outside the site (by default
``~/.config/retroblog/redact.key``): the same value gives the same pseudonym on every run with that
key, so re-runs merge, and nobody without the key can confirm a guess ("is repo-3f9a1c2e07
acme/billing?") by hashing candidate names. Counts, dates, numbers and labels are kept.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from retroblog.collect.base import Row
from retroblog.errors import CollectError

REDACTED_COLUMN = "redacted"
"""Extra column set to ``true`` on redacted rows, so a later run without ``--redact`` is refused."""

PUBLIC_HOSTS = frozenset({"github.com", "gitlab.com", "dev.azure.com", "bitbucket.org"})
"""Hosts that say nothing about an employer and are kept as they are."""


def default_key_file() -> Path:
    """``$XDG_CONFIG_HOME/retroblog/redact.key`` (``~/.config/...`` when unset)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "retroblog" / "redact.key"


class Redactor:
    """Replaces identifying texts of rows by pseudonyms derived from a secret key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise CollectError("the redaction key is too short; expected at least 16 bytes")
        self._key = key

    @classmethod
    def from_key_file(cls, path: str | Path | None = None) -> Redactor:
        """Read the key file, creating it (mode 0600, 32 random bytes) on first use."""
        path = Path(path) if path is not None else default_key_file()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # created meanwhile by another run: read that one
            else:
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(secrets.token_hex(32) + "\n")
        try:
            text = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise CollectError(f"{path}: the redaction key cannot be read ({exc})") from None
        try:
            key = bytes.fromhex(text)
        except ValueError:
            raise CollectError(f"{path}: not a redaction key; expected hexadecimal text (64 digits)") from None
        return cls(key)

    def pseudonym(self, kind: str, value: str) -> str:
        """``kind-<10 hex digits>``, the same for the same value and key."""
        digest = hmac.new(self._key, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()
        return f"{kind}-{digest[:10]}"

    def redact(self, row: Row) -> Row:
        """A copy of ``row`` with title, repo, url, author, host and merge commit replaced."""
        out = dict(row)
        repo = row.get("repo")
        if repo:
            out["repo"] = self.pseudonym("repo", str(repo))
        if row.get("title"):
            out["title"] = self.pseudonym("title", str(row["title"]))
        if row.get("url"):
            # A valid URI that no browser follows and no server receives; unique per PR.
            out["url"] = "urn:retroblog:" + self.pseudonym("pr", str(row["url"]))
        if row.get("author"):
            out["author"] = self.pseudonym("author", str(row["author"]).casefold())
        host = row.get("host")
        if host and str(host).casefold() not in PUBLIC_HOSTS:
            out["host"] = self.pseudonym("host", str(host).casefold())
        if "merge_commit" in row:
            out["merge_commit"] = None
        out[REDACTED_COLUMN] = "true"
        return out
