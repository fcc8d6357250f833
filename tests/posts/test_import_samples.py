"""Exact output of ``retroblog import`` for every shared sample: the post written and the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.posts.helpers import assert_golden, copy_sample, run_import

CASES = [
    # (sample, extra options, written post name, golden name)
    (
        "jekyll/_posts/2022-08-06-three-years-on-the-resolver-team.md",
        [],
        "2022-08-06-three-years-on-the-resolver-team.md",
        "jekyll-minimal-mistakes",
    ),
    ("jekyll/_posts/2023-01-15-infra-interviews.md", [], "2023-01-15-infra-interviews.md", "jekyll-infra"),
    (
        "hashnode/cl7qhqf2h03c11fnvdbyi6d3x.md",
        [],
        "2022-09-06-why-i-keep-choosing-boring-infrastructure.md",
        "hashnode",
    ),
    ("medium/posts/2022-04-01_Moving-On-8f3a2b1c9d0e.html", [], "2022-04-01-moving-on.md", "medium"),
    ("text/moving-on.txt", ["--date", "2022-04-01"], "2022-04-01-moving-on.md", "text"),
]


@pytest.mark.parametrize(("sample", "options", "written", "golden"), CASES, ids=[c[3] for c in CASES])
def test_sample_imports_exactly(
    samples: Path, tmp_path: Path, sample: str, options: list[str], written: str, golden: str
) -> None:
    copy_sample(samples, sample, tmp_path)
    result = run_import(tmp_path, f"src/{sample}", "--to", "out/blog/posts", *options)
    assert result.exit_code == 0, result.output
    assert_golden(f"{golden}.md", (tmp_path / "out/blog/posts" / written).read_text(encoding="utf-8"))
    assert_golden(f"{golden}.report.txt", result.output)
    assert sorted(p.name for p in (tmp_path / "out/blog/posts").iterdir()) == [written]


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        (
            "bad/post-invalid-yaml.md",
            "src/bad/post-invalid-yaml.md:3: invalid YAML in the front matter, in 'title': expected ',' or ']', "
            "but got ':' (while parsing a flow sequence started on line 2)",
        ),
        (
            "bad/post-no-front-matter-close.md",
            "src/bad/post-no-front-matter-close.md:1: the front matter opened here with '---' is never closed by "
            "a '---' line",
        ),
    ],
)
def test_bad_samples_are_refused_with_file_and_line(samples: Path, tmp_path: Path, sample: str, message: str) -> None:
    copy_sample(samples, sample, tmp_path)
    result = run_import(tmp_path, f"src/{sample}", "--to", "out/posts")
    assert result.exit_code == 1
    assert result.output == (
        f"src/{sample} (unknown): failed\n"
        f"  problem: {message}\n"
        "1 failed\n"
        "Error: 1 of 1 file not imported; see the problems above\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_folder_imports_every_post_in_it(samples: Path, tmp_path: Path) -> None:
    copy_sample(samples, "jekyll", tmp_path)
    copy_sample(samples, "hashnode", tmp_path)
    result = run_import(tmp_path, "src/jekyll", "src/hashnode", "--to", "out/posts")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "3 written"
    assert sorted(p.name for p in (tmp_path / "out/posts").iterdir()) == [
        "2022-08-06-three-years-on-the-resolver-team.md",
        "2022-09-06-why-i-keep-choosing-boring-infrastructure.md",
        "2023-01-15-infra-interviews.md",
    ]
