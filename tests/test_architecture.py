"""The shape to keep: only adapters import their framework; the core stays free of MkDocs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.htmlcheck import external_resources

PACKAGE = REPO / "retroblog"

RULES = {
    "mkdocs": {"retroblog/plugin.py"},
    "material": {"retroblog/plugin.py"},
    "click": {"retroblog/cli"},
    "markdown": {"retroblog/markdown.py", "retroblog/plugin.py", "retroblog/mdx"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(REPO)))
def test_frameworks_are_imported_only_by_their_adapter(path):
    relative = str(path.relative_to(REPO))
    for framework, allowed in RULES.items():
        if framework in _imports(path):
            assert any(relative == a or relative.startswith(a + "/") for a in allowed), (
                f"{relative} imports {framework}; only {sorted(allowed)} may"
            )


def test_external_resource_check_finds_cdn_scripts_and_ignores_links():
    html = (
        '<link rel="canonical" href="https://example.org/"><a href="https://x.org">x</a>'
        '<script src="https://cdn.jsdelivr.net/npm/vega@6"></script>'
        '<link rel="stylesheet" href="//fonts.example/x.css">'
        '<img src="assets/a.png"><style>body{background:url("https://img.example/b.png")}</style>'
    )
    assert external_resources(html) == [
        "https://cdn.jsdelivr.net/npm/vega@6",
        "//fonts.example/x.css",
        "https://img.example/b.png",
    ]


def test_docs_list_every_column_alias():
    from retroblog.schema import alias_table

    assert alias_table() in (REPO / "docs" / "data-formats.md").read_text(encoding="utf-8")


def test_the_importers_html_blocks_are_python_markdowns():
    from markdown.util import BLOCK_LEVEL_ELEMENTS

    from retroblog.posts.importer import _HTML_BLOCKS

    assert frozenset(BLOCK_LEVEL_ELEMENTS) - {"hr"} == _HTML_BLOCKS
