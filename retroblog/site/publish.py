"""Where a site goes and where retroblog comes from, read from git: the GitHub Pages address of a
remote (what ``make deploy`` sets as ``site_url``), and the public address and commit of a source
checkout (what a new site's requirements.txt installs retroblog from)."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from retroblog.errors import PublishError


_SCP = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>(?!/).+)$")
"""git's scp-like form: ``git@github.com:owner/repo.git``."""


def git(folder: Path, *args: str) -> str | None:
    """The output of ``git -C folder ARGS`` without its trailing newline; None if git fails or is missing."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30, env=env, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.rstrip("\n") if done.returncode == 0 else None


def https_url(remote: str) -> str | None:
    """The public https address of a git remote URL (scp-like, ssh://, git://, http(s)://), without any
    user name or token; None for a remote that is a path on this machine."""
    remote = remote.strip()
    scp = _SCP.match(remote) if "://" not in remote else None
    if scp:
        host, path = scp.group("host"), scp.group("path")
    else:
        parts = urlsplit(remote)
        if parts.scheme not in ("https", "http", "ssh", "git", "git+ssh", "git+https") or not parts.hostname:
            return None
        host, path = parts.hostname, parts.path.lstrip("/")
    path = path.rstrip("/")
    return f"https://{host}/{path}" if path else None


def pages_url(remote: str, cname: str | None = None) -> str:
    """The address GitHub Pages serves a repository's site from: ``https://OWNER.github.io/REPO/``
    (``https://OWNER.github.io/`` for the repository OWNER.github.io), or ``https://CNAME/``."""
    if cname:
        return f"https://{cname.strip().strip('/')}/"
    address = https_url(remote)
    parts = urlsplit(address or "")
    segments = [s for s in parts.path.split("/") if s]
    if parts.hostname != "github.com" or len(segments) != 2:
        raise PublishError(
            f"{remote!r} is not a repository on github.com, so its GitHub Pages address is unknown; "
            "set SITE_URL to the address the site is published at (make deploy SITE_URL=https://...)"
        )
    owner, repo = segments[0].lower(), segments[1].removesuffix(".git")
    if repo.lower() == f"{owner}.github.io":
        return f"https://{owner}.github.io/"
    return f"https://{owner}.github.io/{repo}/"


def remote_pages_url(folder: Path, remote: str = "origin") -> str:
    """``pages_url`` of the git remote named ``remote`` of the repository at ``folder``; a site's
    ``docs/CNAME`` (a custom domain, which gh-deploy publishes) wins."""
    cname = folder / "docs" / "CNAME"
    if cname.is_file() and cname.read_text(encoding="utf-8").strip():
        return pages_url("", cname.read_text(encoding="utf-8").strip())
    url = git(folder, "remote", "get-url", remote)
    if url is None:
        raise PublishError(
            f"{folder.resolve()}: no git remote named {remote!r}; add it (git remote add {remote} URL), "
            "or set SITE_URL to the address the site is published at"
        )
    return pages_url(url)


@dataclass(frozen=True, slots=True)
class Checkout:
    """A git checkout that others can install from: its public address and its commit."""

    url: str
    commit: str
    pushed: bool
    """Whether a branch of the remote (as last fetched) holds the commit."""
    dirty: bool
    """Whether the checkout has changes that are not committed."""


def checkout(folder: Path) -> Checkout | None:
    """The public remote (``origin``, else the first) and commit of the git checkout at ``folder``, or
    None when it is not a checkout, has no commit or has no remote with a public address."""
    commit = git(folder, "rev-parse", "--verify", "HEAD")
    names = (git(folder, "remote") or "").split()
    if not commit or not names:
        return None
    name = "origin" if "origin" in names else names[0]
    url = https_url(git(folder, "remote", "get-url", name) or "")
    if url is None:
        return None
    branches = git(folder, "branch", "--remotes", "--contains", commit) or ""
    pushed = any(line.strip().startswith(f"{name}/") for line in branches.splitlines())
    dirty = bool(git(folder, "status", "--porcelain", "--untracked-files=no"))
    return Checkout(url, commit, pushed, dirty)
