"""``retroblog import`` on input it cannot use: one clear line naming the path, exit status 1, no traceback."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.posts.helpers import run_import

POST = "---\ntitle: A post\ndate: 2022-01-01\n---\n\nBody.\n"


def _source(tmp_path: Path, text: str = POST, name: str = "2022-01-01-a-post.md") -> Path:
    source = tmp_path / "src" / name
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(text, encoding="utf-8")
    return source


def _no_traceback(output: str) -> None:
    assert "Traceback" not in output and "Error" in output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc refuses new folders on Linux")
def test_a_folder_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    _source(tmp_path)
    result = run_import(tmp_path, "src", "--to", "/proc/x")
    assert result.exit_code == 1
    _no_traceback(result.output)
    assert result.output.splitlines()[-1] == (
        "Error: /proc/x/2022-01-01-a-post.md: cannot be written (No such file or directory: /proc/x)"
    )


def test_a_file_on_the_way_to_the_posts_folder_is_one_line(tmp_path: Path) -> None:
    _source(tmp_path)
    (tmp_path / "brk").mkdir()
    (tmp_path / "brk/afile").write_text("a file\n", encoding="utf-8")
    result = run_import(tmp_path, "src", "--to", "brk/afile/posts")
    assert result.exit_code == 1
    assert result.output == "Error: brk/afile/posts: cannot be made: brk/afile is a file; the posts go into a folder\n"
    assert (tmp_path / "brk/afile").read_text(encoding="utf-8") == "a file\n"


def test_a_very_long_title_gets_a_slug_cut_at_a_word(tmp_path: Path) -> None:
    words = [f"word{i}" for i in range(60)]  # 60 words, about 400 characters
    title = " ".join(words)
    assert len(title) > 340
    _source(tmp_path, f"---\ntitle: {title}\ndate: 2022-01-01\n---\n\nBody.\n", name="long.md")
    result = run_import(tmp_path, "src", "--to", "out/posts")
    assert result.exit_code == 0, result.output
    # the longest run of whole words, joined by '-', within 80 characters
    slug = ""
    for word in words:
        if len(f"{slug}-{word}".strip("-")) > 80:
            break
        slug = f"{slug}-{word}".strip("-")
    assert [p.name for p in (tmp_path / "out/posts").iterdir()] == [f"2022-01-01-{slug}.md"]
    text = (tmp_path / f"out/posts/2022-01-01-{slug}.md").read_text(encoding="utf-8")
    assert f"\nslug: {slug}\n" in text and f"title: {title}\n" in text


@pytest.mark.parametrize(
    ("data", "line", "character"),
    [
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00", 1, "U+007F"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", 2, "U+001A"),
        (b"---\ntitle: x\n---\n\nText\x00with a NUL\n", 5, "U+0000"),
    ],
    ids=["elf", "png", "nul"],
)
def test_binary_data_saved_as_md_is_refused(tmp_path: Path, data: bytes, line: int, character: str) -> None:
    source = tmp_path / "src/2022-01-01-binary.md"
    source.parent.mkdir(parents=True)
    source.write_bytes(data)
    result = run_import(tmp_path, "src", "--to", "out/posts")
    assert result.exit_code == 1
    assert result.output == (
        "src/2022-01-01-binary.md (unknown): failed\n"
        f"  problem: src/2022-01-01-binary.md:{line}: contains the control character {character}: binary data "
        "(an image? a program?), not a post\n"
        "1 failed\n"
        "Error: 1 of 1 file not imported; see the problems above\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_utf16_file_is_text(tmp_path: Path) -> None:
    source = tmp_path / "src/2022-01-01-wide.md"
    source.parent.mkdir(parents=True)
    source.write_bytes(POST.encode("utf-16"))  # with a BOM; every other byte is a NUL
    result = run_import(tmp_path, "src", "--to", "out/posts")
    assert result.exit_code == 0, result.output
    assert "repaired: src/2022-01-01-wide.md: UTF-16 file read as UTF-16" in result.output


@pytest.mark.parametrize("content", [[], ["image.png", ".hidden.md", ".drafts/post.md"]], ids=["empty", "no-posts"])
def test_a_folder_without_posts_is_an_error_naming_it(tmp_path: Path, content: list[str]) -> None:
    (tmp_path / "src").mkdir()
    for name in content:
        (tmp_path / "src" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "src" / name).write_text(POST, encoding="utf-8")
    result = run_import(tmp_path, "src", "--to", "out/posts")
    assert result.exit_code == 1
    assert result.output == (
        "Error: src: no posts in this folder "
        "(looked for *.htm, *.html, *.markdown, *.md, *.txt; hidden files skipped)\n"
    )


def test_a_folder_where_the_post_would_go_is_named_as_a_folder(tmp_path: Path) -> None:
    _source(tmp_path)
    (tmp_path / "out/posts/2022-01-01-a-post.md").mkdir(parents=True)
    for force in ([], ["--force"]):
        result = run_import(tmp_path, "src", "--to", "out/posts", *force)
        assert result.exit_code == 1
        assert (
            "  problem: out/posts/2022-01-01-a-post.md: a folder is where this file would go; nothing written "
            "(move it)\n" in result.output
        )
        assert "exists and differs" not in result.output
    assert (tmp_path / "out/posts/2022-01-01-a-post.md").is_dir()


def test_a_missing_image_is_reported_with_its_line(tmp_path: Path) -> None:
    _source(tmp_path, "---\ntitle: Pictures\ndate: 2022-01-01\n---\n\nText.\n\n![a chart](images/chart.png)\n")
    result = run_import(tmp_path, "src", "--to", "out/posts")
    assert result.exit_code == 0, result.output
    assert (
        "  problem: src/2022-01-01-a-post.md:8: image 'images/chart.png' not found next to the source; link kept\n"
        in result.output
    )


def test_career_must_be_true_or_false(tmp_path: Path) -> None:
    _source(tmp_path, "---\ntitle: T\ndate: 2022-01-01\ncareer: sometimes\n---\n\nBody.\n")
    result = run_import(tmp_path, "src", "--to", "out/posts")
    assert result.exit_code == 1
    assert "  problem: src/2022-01-01-a-post.md:4: 'career': expected true or false, found 'sometimes'\n" in (
        result.output
    )


def test_messages_name_a_path_not_a_python_object(tmp_path: Path) -> None:
    result = run_import(tmp_path, "nowhere", "--to", "out/posts")
    assert result.exit_code == 1
    assert result.output == "Error: nowhere: no such file or folder\n"
    assert not re.search(r"PosixPath|WindowsPath", result.output)
