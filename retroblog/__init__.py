"""retroblog: PR datasets, exact stats and build-time charts for "my N years at X" posts.

The core (``dataset``, ``stats``, ``charts``) imports no site generator; ``retroblog.markdown`` is the
Python-Markdown extension and ``retroblog.plugin`` the thin MkDocs adapter.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
