"""``import retroblog``: a small curated API, imported lazily (PEP 562), and the one version string."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import subprocess
import sys
import tomllib

import pytest

import retroblog
from tests.conftest import REPO

HEAVY = ("polars", "altair", "yaml", "mkdocs", "markdown", "click", "rich", "vl_convert", "httpx", "ftfy")
"""What a script that only imports retroblog must not pay for."""


def fresh(code: str) -> dict[str, object]:
    """Run ``code`` in a new interpreter; it prints one JSON object, returned here."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO).stdout
    return dict(json.loads(out))


def test_every_public_name_resolves_to_the_object_of_its_module():
    public = [name for name in retroblog.__all__ if name != "__version__"]
    assert len(public) == len(set(public)) and len(public) >= 10
    assert set(public) == set(retroblog._LAZY)
    for name in public:
        value = getattr(retroblog, name)
        module = importlib.import_module(retroblog._LAZY[name])
        assert value is getattr(module, name), name
        assert getattr(value, "__module__", module.__name__).startswith("retroblog."), name
    assert isinstance(retroblog.__version__, str)


def test_the_documented_names_are_public():
    for name in ("load_dataset", "compute", "Filters", "Stats", "Dataset", "__version__"):
        assert name in retroblog.__all__
    for name in ("RetroblogError", "DatasetError", "ConfigError", "PostError"):
        error = getattr(retroblog, name)
        assert issubclass(error, retroblog.RetroblogError), name


def test_from_import_works_for_every_name():
    namespace: dict[str, object] = {}
    exec(f"from retroblog import {', '.join(retroblog.__all__)}", namespace)
    assert all(namespace[name] is getattr(retroblog, name) for name in retroblog.__all__)


def test_dir_lists_the_public_api():
    assert dir(retroblog) == sorted(retroblog.__all__)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="module 'retroblog' has no attribute 'load_datasets'"):
        _ = retroblog.load_datasets  # type: ignore[attr-defined]
    assert not hasattr(retroblog, "_private_thing")
    with pytest.raises(ImportError, match="load_datasets"):
        exec("from retroblog import load_datasets", {})


def test_import_retroblog_loads_nothing_heavy():
    loaded = fresh(
        "import json, sys; import retroblog; "
        f"print(json.dumps({{'heavy': [m for m in {HEAVY!r} if m in sys.modules], "
        "'own': sorted(m for m in sys.modules if m.startswith('retroblog.')), 'all': retroblog.__all__}))"
    )
    assert loaded["heavy"] == []
    assert loaded["own"] == []  # not even the errors: every name waits for its first use
    assert loaded["all"] == retroblog.__all__


def test_a_name_loads_its_module_on_first_use():
    loaded = fresh(
        "import json, sys; import retroblog; error = retroblog.DatasetError; "
        "print(json.dumps({'own': sorted(m for m in sys.modules if m.startswith('retroblog.')), "
        "'polars': 'polars' in sys.modules, 'cached': 'DatasetError' in vars(retroblog)}))"
    )
    assert loaded == {"own": ["retroblog.errors"], "polars": False, "cached": True}


def test_filters_are_read_without_polars():
    loaded = fresh(
        "import json, sys; import retroblog; "
        "filters = retroblog.Filters.from_options({'year': 2021, 'repo': 'a/x'}); "
        "print(json.dumps({'scope': filters.describe(), 'polars': 'polars' in sys.modules}))"
    )
    assert loaded["polars"] is False
    assert "2021" in str(loaded["scope"]) and "a/x" in str(loaded["scope"])


def test_a_script_using_the_public_api(write):
    path = write("prs.csv", "merged_at,additions,repo\n2021-03-01T10:00:00Z,5,a/x\n2022-01-01T10:00:00Z,500,b/y\n")
    dataset = retroblog.load_dataset(path)
    assert isinstance(dataset, retroblog.Dataset)
    stats = retroblog.compute(dataset, retroblog.Filters(repos=("a/x",)))
    assert isinstance(stats, retroblog.Stats)
    assert (stats.total_prs, stats.totals["additions"]) == (1, 5)
    bad = write("bad.csv", "merged_at,additions\nnot a date,5\n")
    with pytest.raises(retroblog.DatasetError, match=r"bad\.csv:2"):
        retroblog.load_dataset(bad)


# -- the version, written once -----------------------------------------------------------------------


def test_the_installed_version_is_the_packages():
    assert importlib.metadata.version("retroblog") == retroblog.__version__


def test_pyproject_reads_the_version_from_the_package():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    source = pyproject["tool"]["hatch"]["version"]["path"]
    assert (REPO / source).resolve() == (REPO / "retroblog" / "__init__.py").resolve()
    assert f'__version__ = "{retroblog.__version__}"' in (REPO / source).read_text(encoding="utf-8")
