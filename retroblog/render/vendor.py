"""What charts need in the browser, self-hosted: retroblog's own assets and the Vega runtime.

The Vega runtime is vl-convert's bundle of Vega, Vega-Lite and vega-embed.
Building the bundle takes seconds the first time, so it is kept in the cache folder, keyed by the
vl-convert version; the file served is byte-identical across builds.
"""

from __future__ import annotations

from importlib import resources
from importlib.metadata import version as package_version
from pathlib import Path

from retroblog.util.files import atomic_write

NOTICE = """/*! Vega, Vega-Lite and vega-embed, bundled by vl-convert-python {version}.
 * Vega {vega} and vega-embed {embed}: Copyright (c) 2015-2023, University of Washington Interactive Data Lab.
 * All rights reserved. BSD-3-Clause license: https://github.com/vega/vega/blob/main/LICENSE
 * Vega-Lite: Copyright (c) 2015-2023, University of Washington Interactive Data Lab. BSD-3-Clause license.
 */
"""

BROWSER_FILES = ("retroblog.js", "retroblog.css")
"""retroblog's own browser files, in ``retroblog/render/assets/``."""


def asset(name: str) -> bytes:
    """The bytes of one of retroblog's own browser files (one of ``BROWSER_FILES``)."""
    return (resources.files(__package__) / "assets" / name).read_bytes()


def vega_bundle(cache_dir: Path | None = None) -> bytes:
    """The bundle's bytes (with its license notice), from the cache folder when it is there."""
    version = package_version("vl-convert-python")  # the package's version, without loading it
    path = cache_dir / f"vega-{version}.js" if cache_dir else None
    if path and path.is_file():
        return path.read_bytes()
    import vl_convert as vlc

    notice = NOTICE.format(version=version, vega=vlc.get_vega_version(), embed=vlc.get_vega_embed_version())
    data = (notice + vlc.javascript_bundle()).encode("utf-8")  # type: ignore[call-arg]
    if path:
        atomic_write(path, data, overwrite=True)
    return data
