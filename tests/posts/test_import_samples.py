"""Exact output of ``retroblog import`` for every post fixture (tests/fixtures/): the post written and the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.posts.helpers import assert_golden, copy_fixture, run_import

CASES = [
    # (sample, extra options, written post name, golden name)
    (
        "jekyll/_posts/2021-03-09-two-years-of-build-tooling.md",
        [],
        "2021-03-09-two-years-of-build-tooling.md",
        "jekyll-minimal-mistakes",
    ),
    ("jekyll/_posts/2023-10-02-on-call-handbook.md", [], "2023-10-02-on-call-handbook.md", "jekyll-on-call-handbook"),
    (
        "hashnode/clah3k9vd000208l5c2mzf7qe.md",
        [],
        "2022-11-14-what-done-means-on-our-team.md",
        "hashnode",
    ),
    (
        "medium/posts/2021-11-20_Leaving-the-Platform-Team-3c7e9a1f4b2d.html",
        [],
        "2021-11-20-leaving-the-platform-team.md",
        "medium",
    ),
    ("text/leaving-the-platform-team.txt", ["--date", "2021-11-20"], "2021-11-20-leaving-the-platform-team.md", "text"),
]


@pytest.mark.parametrize(("sample", "options", "written", "golden"), CASES, ids=[c[3] for c in CASES])
def test_sample_imports_exactly(
    fixtures: Path, update: bool, tmp_path: Path, sample: str, options: list[str], written: str, golden: str
) -> None:
    copy_fixture(fixtures, sample, tmp_path)
    result = run_import(tmp_path, f"src/{sample}", "--to", "out/blog/posts", *options)
    assert result.exit_code == 0, result.output
    assert_golden(f"{golden}.md", (tmp_path / "out/blog/posts" / written).read_text(encoding="utf-8"), update)
    assert_golden(f"{golden}.report.txt", result.output, update)
    assert sorted(p.name for p in (tmp_path / "out/blog/posts").iterdir()) == [written]


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        (
            "bad/post-invalid-yaml.md",
            "src/bad/post-invalid-yaml.md:4: invalid YAML in the front matter, in 'tags': expected ',' or ']', "
            "but got ':' (while parsing a flow sequence started on line 3)",
        ),
        (
            "bad/post-no-front-matter-close.md",
            "src/bad/post-no-front-matter-close.md:1: the front matter opened here with '---' is never closed by "
            "a '---' line",
        ),
    ],
)
def test_bad_samples_are_refused_with_file_and_line(fixtures: Path, tmp_path: Path, sample: str, message: str) -> None:
    copy_fixture(fixtures, sample, tmp_path)
    result = run_import(tmp_path, f"src/{sample}", "--to", "out/posts")
    assert result.exit_code == 1
    assert result.output == (
        f"src/{sample} (unknown): failed\n"
        f"  problem: {message}\n"
        "1 failed\n"
        "Error: 1 of 1 file not imported; see the problems above\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_folder_imports_every_post_in_it(fixtures: Path, tmp_path: Path) -> None:
    copy_fixture(fixtures, "jekyll", tmp_path)
    copy_fixture(fixtures, "hashnode", tmp_path)
    result = run_import(tmp_path, "src/jekyll", "src/hashnode", "--to", "out/posts")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "3 written"
    assert sorted(p.name for p in (tmp_path / "out/posts").iterdir()) == [
        "2021-03-09-two-years-of-build-tooling.md",
        "2022-11-14-what-done-means-on-our-team.md",
        "2023-10-02-on-call-handbook.md",
    ]
