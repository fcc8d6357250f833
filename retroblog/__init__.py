"""retroblog: PR datasets, exact stats and build-time charts for "my N years at X" posts.

The names below are the public API for scripts; each is imported from its module the first time it is
used (PEP 562), so ``import retroblog`` loads neither polars nor anything else heavy::

    import retroblog

    dataset = retroblog.load_dataset("data/prs.csv")
    stats = retroblog.compute(dataset, retroblog.Filters(repos=("acme/api",)))
    print(stats.total_prs)

The core (``data``, ``stats``, ``charts``) imports no site generator; ``retroblog.markdown`` is the
Python-Markdown extension, ``retroblog.plugin`` the thin MkDocs adapter and ``retroblog.cli`` the command line.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ imports on first use
    from retroblog.data.dataset import Dataset, PullRequest, load_dataset
    from retroblog.errors import ConfigError, DatasetError, PostError, Problem, RetroblogError
    from retroblog.stats.compute import Stats, compute
    from retroblog.stats.filters import Filters

_LAZY: dict[str, str] = {
    "Dataset": "retroblog.data.dataset",
    "PullRequest": "retroblog.data.dataset",
    "load_dataset": "retroblog.data.dataset",
    "Filters": "retroblog.stats.filters",
    "Stats": "retroblog.stats.compute",
    "compute": "retroblog.stats.compute",
    "RetroblogError": "retroblog.errors",
    "DatasetError": "retroblog.errors",
    "ConfigError": "retroblog.errors",
    "PostError": "retroblog.errors",
    "Problem": "retroblog.errors",
}
"""Public name -> the module that defines it."""

__all__ = [
    "ConfigError",
    "Dataset",
    "DatasetError",
    "Filters",
    "PostError",
    "Problem",
    "PullRequest",
    "RetroblogError",
    "Stats",
    "__version__",
    "compute",
    "load_dataset",
]
"""``__version__`` and every name of ``_LAZY`` (a test keeps them equal)."""


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (and keep it, so this runs once per name)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'retroblog' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
