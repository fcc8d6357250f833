"""The chart assets a site serves from its own docs folder, for every engine (MkDocs and Zensical).

``retroblog.css``, ``retroblog.js`` and ``vega.js`` (the Vega runtime) go in ``docs/assets/retroblog/``,
where MkDocs and Zensical both copy them to the site; ``mkdocs.yml`` lists the first two under
``extra_css`` and ``extra_javascript``. They belong to one version of retroblog: ``retroblog assets``
(and ``retroblog new``) writes them, and both adapters check them against the installed version, so a
site never serves the script of another version than the one that made its charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path

from retroblog.render.vendor import BROWSER_FILES, NOTICE, asset, vega_bundle
from retroblog.util.files import atomic_write

ASSETS = "assets/retroblog"
"""Where the assets are, relative to the docs folder (and to the built site)."""

FILES = (*BROWSER_FILES, "vega.js")
COMMAND = "retroblog assets"
"""The command that writes them (``retroblog assets --docs-dir DOCS``)."""


@dataclass(frozen=True)
class AssetProblem:
    """One asset file that is missing or belongs to another version of retroblog (or vl-convert)."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}; run '{COMMAND}' to write the chart assets of this retroblog version"


def _vega_header() -> bytes:
    """The first line of the installed Vega bundle (it names vl-convert's version), without building it."""
    return NOTICE.format(version=package_version("vl-convert-python"), vega="", embed="").split("\n", 1)[0].encode()


def check_assets(docs_dir: Path) -> list[AssetProblem]:
    """The asset files in ``docs_dir/assets/retroblog`` that are missing or not this version's (none: all good).

    ``retroblog.js`` and ``retroblog.css`` must be byte for byte the installed ones; ``vega.js`` must be the
    bundle of the installed vl-convert (its first line names the version; reading it costs no build).
    """
    folder = docs_dir / ASSETS
    problems: list[AssetProblem] = []
    for name in FILES:
        path = folder / name
        try:
            if name == "vega.js":
                with path.open("rb") as file:
                    same = file.readline().rstrip(b"\n") == _vega_header()
            else:
                same = path.read_bytes() == asset(name)
        except FileNotFoundError:
            problems.append(AssetProblem(path, "missing"))
            continue
        except OSError as exc:
            problems.append(AssetProblem(path, f"cannot be read ({exc.strerror or exc})"))
            continue
        if not same:
            problems.append(AssetProblem(path, "is not the file of the installed retroblog"))
    return problems


def has_assets(docs_dir: Path) -> bool:
    """Whether the site keeps chart assets in its docs folder (any of the three files is there)."""
    return any((docs_dir / ASSETS / name).exists() for name in FILES)


def write_assets(docs_dir: Path, cache_dir: Path | None = None) -> list[Path]:
    """Write the installed version's assets into ``docs_dir/assets/retroblog``; returns the files changed."""
    folder = docs_dir / ASSETS
    folder.mkdir(parents=True, exist_ok=True)
    stale = {problem.path for problem in check_assets(docs_dir)}
    written: list[Path] = []
    for name in FILES:
        path = folder / name
        if path not in stale:
            continue
        data = vega_bundle(cache_dir) if name == "vega.js" else asset(name)
        atomic_write(path, data, overwrite=True)
        written.append(path)
    return written
