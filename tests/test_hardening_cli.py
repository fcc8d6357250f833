"""The CLI prints user text as text: no rich markup or emoji codes in it are interpreted, and a bidi
override in it (U+202E) ends where the text ends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from retroblog.cli import main
from retroblog.util.bidi import balance, isolate
from tests.posts.helpers import run_import

RLO, PDF, LRI, FSI, PDI = "\u202e", "\u202c", "\u2066", "\u2068", "\u2069"
OPENERS = {"\u202a": "e", "\u202b": "e", "\u202d": "e", RLO: "e", LRI: "i", "\u2067": "i", FSI: "i"}


def bidi_open(text: str) -> list[str]:
    """The embeddings ('e') and isolates ('i') still open at the end of ``text`` (the UBA's X1-X8 rules,
    without their depth limits): an override open here reverses whatever is printed next."""
    stack: list[str] = []
    for char in text:
        if char in OPENERS:
            stack.append(OPENERS[char])
        elif char == PDF and stack and stack[-1] == "e":
            stack.pop()
        elif char == PDI and "i" in stack:
            while stack.pop() != "i":
                pass
    return stack


def stats(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["stats", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


CSV = (
    "merged_at,additions,repo,labels\n"
    '2021-03-01T10:00:00Z,5,acme/api,"[/x],[skip ci],:smile:"\n'
    f'2021-04-01T10:00:00Z,7,{RLO}ipa/emca,"[/x]"\n'
    "2021-05-01T10:00:00Z,9,acme/web,[b]bold\n"
)


@pytest.mark.parametrize("label", ["[/x]", "[skip ci]", ":smile:", "[b]bold"])
def test_a_label_with_markup_is_printed_as_it_is(tmp_path: Path, label: str) -> None:
    data = tmp_path / "prs.csv"
    data.write_text(CSV, encoding="utf-8")
    code, out, err = stats(str(data), "--label", label)
    assert code == 0, err
    assert f"labelled {label} (UTC)" in out  # not a MarkupError, not an emoji, not a vanished tag


def test_a_header_with_markup_does_not_break_json_or_the_tables(tmp_path: Path) -> None:
    data = tmp_path / "prs.csv"
    data.write_text("merged_at,additions,[/]merged\n2021-03-01T10:00:00Z,5,2021\n", encoding="utf-8")
    for args in (["--json"], []):
        code, _, err = stats(str(data), *args)
        assert code == 0, err
        assert "column '[/]merged': also means 'merged_at'" in " ".join(err.split())
    assert json.loads(stats(str(data), "--json")[1])["total_prs"] == 1


def test_a_right_to_left_override_in_a_repository_ends_with_its_name(tmp_path: Path) -> None:
    data = tmp_path / "prs.csv"
    data.write_text(CSV, encoding="utf-8")
    code, out, err = stats(str(data), "--repo", f"{RLO}ipa/emca", "--repo", "acme/web")
    assert code == 0, err
    title = next(line for line in out.splitlines() if "emca" in line)
    assert bidi_open(title[: title.index(", acme/web")]) == []  # the next name is not reversed
    assert bidi_open(title[: title.index("(UTC)")]) == []
    for line in out.splitlines():  # nor is anything after it in any line
        assert bidi_open(line) == [], repr(line)


def test_a_stray_closing_mark_cannot_close_the_isolate_around_a_name() -> None:
    hostile = f"{PDI}{RLO}evil"
    shown = isolate(hostile)
    assert shown.startswith(FSI) and shown.endswith(PDI)
    assert bidi_open(shown) == []
    assert bidi_open(shown[:-1]) == ["i"]  # the override is inside the isolate, not after it
    assert balance(f"{LRI}a{RLO}b") == f"{LRI}a{RLO}b{PDF}{PDI}"
    assert balance("plain [text]") == "plain [text]" and isolate("acme/api") == "acme/api"


def test_an_imported_file_name_with_an_override_reverses_only_its_own_line_part(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / f"{RLO}txt.evil.txt").write_text("A title\n\nSome words.\n", encoding="utf-8")
    result = run_import(tmp_path, "src", "--to", "out/posts", "--date", "2022-01-01")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if RLO in line]
    assert lines, result.output
    assert all(bidi_open(line) == [] for line in lines)
