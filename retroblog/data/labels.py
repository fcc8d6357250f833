"""A labels column as lists of label names, with polars expressions.

A cell is a JSON list (``["bug", "ui"]``, ``[{"name": "bug"}]``) or text separated by commas or
semicolons (``bug; ui``). Text cells, the usual case of CSV, are split by polars on the whole column;
JSON cells are decoded once per distinct text (a column of a million PRs holds a few thousand label
sets) by ``split_labels``, which defines what every cell means.
"""

from __future__ import annotations

import json

import polars as pl

WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""What Python's ``str.strip()`` strips (``str.isspace``); polars' default strips a little less."""

LABELS = pl.List(pl.String)


def labels_column(text: pl.Series) -> pl.Series:
    """The labels of each cell of ``text`` (null stays null): ``split_labels`` of every cell, computed
    column-wise."""
    stripped = text.str.strip_chars(WHITESPACE)
    plain = (
        stripped.str.replace_all(";", ",", literal=True)
        .str.split(",")
        .list.eval(pl.element().str.strip_chars(WHITESPACE).filter(pl.element().str.strip_chars(WHITESPACE) != ""))
        .alias(text.name)
    )
    listed = stripped.str.starts_with("[").fill_null(False)
    if not listed.any():
        return plain
    distinct = stripped.filter(listed).unique()
    table = pl.DataFrame(
        {"cell": distinct, "decoded": pl.Series([split_labels(c) for c in distinct.to_list()], dtype=LABELS)}
    )
    frame = pl.DataFrame({"cell": stripped, "plain": plain, "listed": listed})
    joined = frame.join(table, on="cell", how="left", maintain_order="left")
    return joined.select(pl.when("listed").then("decoded").otherwise("plain").alias(text.name)).to_series()


def split_labels(text: str | None) -> list[str] | None:
    """One cell's labels: a JSON list's items (an object's ``name``), else the text split at commas
    and semicolons, each part stripped, empty parts left out."""
    if text is None:
        return None
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            value = json.loads(stripped)
        except (ValueError, RecursionError):
            value = None
        if isinstance(value, list):
            out = []
            for item in value:
                if isinstance(item, dict) and "name" in item:
                    out.append(valid_text(str(item["name"])))
                elif item is not None:
                    out.append(valid_text(str(item)))
            return out
    parts = [p.strip() for p in stripped.replace(";", ",").split(",")]
    return [p for p in parts if p]


def valid_text(text: str) -> str:
    """``text`` with each lone surrogate (JSON's ``"\\ud800"``, which no UTF-8 can hold) as U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text
