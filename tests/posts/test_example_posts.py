"""The example blog's imported posts are what ``make example-posts`` makes of examples/imports, byte for byte,
and tell one coherent story with data/career.yml."""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner

from retroblog.cli import main

REPO = Path(__file__).resolve().parents[2]
POSTS = REPO / "docs/blog/posts"


def _make_recipe(target: str) -> list[str]:
    """The arguments of ``$(BIN)/retroblog`` in the Makefile's recipe for ``target``."""
    text = (REPO / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    recipe = re.search(rf"^{re.escape(target)}:[^\n]*\n\t([^\n]+)", text, re.MULTILINE)
    assert recipe is not None, f"no '{target}' target in the Makefile"
    words = shlex.split(recipe[1])
    assert words[0] == "$(BIN)/retroblog", words
    return words[1:]


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_make_example_posts_reimports_the_example_posts_byte_for_byte(tmp_path: Path) -> None:
    args = _make_recipe("example-posts")
    assert args[args.index("--to") + 1] == "docs/blog/posts" and "--force" in args
    to = tmp_path / "docs/blog/posts"
    to.mkdir(parents=True)
    shutil.copy(REPO / "docs/blog/.authors.yml", tmp_path / "docs/blog/.authors.yml")
    args[args.index("--to") + 1] = str(to)
    old = Path.cwd()
    os.chdir(REPO)  # the sources as make names them
    try:
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "3 written"
    written = sorted(p.relative_to(to) for p in to.rglob("*") if p.is_file())
    imported = sorted(
        p.relative_to(POSTS)
        for p in POSTS.rglob("*")
        if p.is_file() and (p.suffix != ".md" or "source" in (_front(p).get("retroblog") or {}))
    )
    assert written == imported and len(written) == 6  # three posts, three images
    for name in written:
        assert (to / name).read_bytes() == (POSTS / name).read_bytes(), name


def test_example_posts_agree_with_the_career() -> None:
    career = yaml.safe_load((REPO / "data/career.yml").read_text(encoding="utf-8"))
    (employer,) = career["employers"]
    teams = {team["name"].lower(): team for team in employer["teams"]}
    start, end = employer["start"], employer["end"]
    tags: set[str] = set()
    categories: set[str] = set()
    for path in sorted(POSTS.glob("*.md")):
        meta = _front(path)
        created = meta["date"]["created"] if isinstance(meta["date"], dict) else meta["date"]
        day = created.date() if isinstance(created, dt.datetime) else created
        assert start <= day, path.name  # nothing from before the career (a retrospective may come after it)
        text = path.read_text(encoding="utf-8").lower()
        for name, team in teams.items():  # a post about a team ("on the ledger team") is dated while on it
            if f"the {name} team" in meta.get("title", "").lower():
                assert team["start"] <= day <= team.get("end", end), path.name
        assert "payments team" not in text, path.name  # no team the career does not have
        tags |= set(meta.get("tags", []))
        categories |= set(meta.get("categories", []))
    # one spelling per tag and per category: 'On-call' and 'on-call' would be two tags
    assert len({t.casefold() for t in tags}) == len(tags), tags
    assert len({c.casefold() for c in categories}) == len(categories), categories
    assert all(c[0].isupper() for c in categories), categories
