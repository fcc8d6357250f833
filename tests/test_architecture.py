"""The shape to keep: only adapters import their framework; the core stays free of MkDocs."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.htmlcheck import external_resources

PACKAGE = REPO / "retroblog"

BASE = {"retroblog", "errors", "util"}
"""What every layer may import: the package itself (its version), the errors and the small helpers."""
LAYERS: dict[str, set[str]] = {
    # part of the package: the parts of retroblog it may import (one-way: dataset files -> records ->
    # stats -> chart specs -> markup -> built blocks -> adapters)
    "errors": set(),
    "util": {"errors"},
    "data": BASE,
    "stats": BASE | {"data"},
    "charts": BASE | {"data", "stats"},
    "render": BASE | {"charts"},
    "build": BASE | {"data", "stats", "charts", "render", "posts"},  # posts: the fact-check's claim reader
    "collect": BASE | {"data"},
    "posts": BASE,
    "site": BASE | {"data"},
    # the adapters
    "markdown": BASE | {"build", "render"},
    "plugin": BASE | {"build", "render", "markdown", "posts"},
    "cli": BASE | {"data", "stats", "build", "collect", "posts", "site"},
    "__main__": {"cli"},
    "__init__": {"errors", "data", "stats"},  # the public API; lazily (tests/test_public_api.py)
}
FRAMEWORKS: dict[str, set[str]] = {
    # third-party package: the only parts of retroblog that may import it
    "mkdocs": {"plugin"},
    "material": {"plugin"},
    "click": {"cli"},
    "rich": {"cli"},
    "markdown": {"markdown", "plugin"},
    "altair": {"charts"},
    "vl_convert": {"render", "build"},
}


def _part(path: Path) -> str:
    """The layer a module of the package belongs to: its first folder, or its own name at the top."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_part_of_the_package_has_a_row_in_the_layer_table():
    assert {_part(path) for path in MODULES} == set(LAYERS)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_each_layer_imports_only_the_layers_below_it(path):
    part = _part(path)
    for name in _imports(path):
        top, _, rest = name.partition(".")
        if top == "retroblog":
            target = rest.split(".")[0] or "retroblog"
            assert target == part or target in LAYERS[part], (
                f"{path.relative_to(REPO)} imports {name}; {part} may import only {sorted(LAYERS[part])}"
            )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_frameworks_are_imported_only_by_their_adapter(path):
    part = _part(path)
    for name in _imports(path):
        top = name.split(".")[0]
        if top in FRAMEWORKS:
            assert part in FRAMEWORKS[top], (
                f"{path.relative_to(REPO)} imports {top}; only {sorted(FRAMEWORKS[top])} may"
            )


def test_the_layer_check_finds_an_import_against_the_flow(tmp_path, monkeypatch):
    """The check itself: a stats module that imports a chart module is caught."""
    bad = PACKAGE / "stats" / "compute.py"
    copy = tmp_path / "retroblog" / "stats" / "compute.py"
    copy.parent.mkdir(parents=True)
    copy.write_text(bad.read_text(encoding="utf-8") + "\nfrom retroblog.charts.builtin import Chart\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "retroblog")
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    with pytest.raises(AssertionError, match="stats may import only"):
        test_each_layer_imports_only_the_layers_below_it(copy)


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
    from retroblog.data.schema import alias_table

    assert alias_table() in (REPO / "docs" / "data-formats.md").read_text(encoding="utf-8")


def test_the_importers_html_blocks_are_python_markdowns():
    from markdown.util import BLOCK_LEVEL_ELEMENTS

    from retroblog.posts.images import _HTML_BLOCKS

    assert frozenset(BLOCK_LEVEL_ELEMENTS) - {"hr"} == _HTML_BLOCKS


def test_the_architecture_page_names_every_part_of_the_package():
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    folders = {path.parent.relative_to(PACKAGE).parts[0] for path in MODULES if path.parent != PACKAGE}
    for folder in sorted(folders):
        assert f"`{folder}/`" in page, f"docs/architecture.md does not describe retroblog/{folder}/"
    for adapter in ("plugin.py", "markdown.py", "cli/"):
        assert f"`{adapter}`" in page


MARKUP = re.compile(r"<(?:div|span|figure|figcaption|table|tr|td|th|svg|p|aside|script|style|caption)\b")
"""An HTML element being written: what only ``render/`` does (the adapters and the engine call it)."""


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if _part(p) in {"data", "stats", "charts", "build", "markdown", "plugin"}],
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_only_render_writes_markup(path):
    assert _markup_written(path) == [], f"{path.relative_to(REPO)} writes markup: render/ does"


def _markup_written(path: Path) -> list[tuple[int, str]]:
    """The lines and texts of string literals in ``path`` that write an HTML element (docstrings aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and MARKUP.search(node.value)
    ]


def test_the_markup_check_finds_an_element_in_an_f_string_and_not_in_a_docstring(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""A <div> in a docstring is words."""\nx = f\'<span class="a">{1}</span>\'\n')
    assert _markup_written(module) == [(2, '<span class="a">')]


def test_every_exception_a_user_can_see_is_in_errors_py():
    """errors.py holds every exception class; a module may keep a private one (a leading underscore) for
    its own control flow, and the CLI its click exception."""
    found = []
    for path in MODULES:
        if path.name == "errors.py" or _part(path) == "cli":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                if any(b.endswith(("Error", "Exception")) for b in bases):
                    found.append(f"{path.relative_to(REPO)}: {node.name}")
    assert found == []
