"""The formats the fixtures (tests/fixtures/) do not cover: DEV posts, Medium drafts, update dates, hidden TOCs,
``--from``, retroblog's own ``career`` key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.posts.helpers import run_import

DEV = """---
title: Shipping small PRs
published: true
description: Why I keep my pull requests under 200 lines
tags: python, career, webdev
cover_image: https://dev-to-uploads.example.com/cover.png
canonical_url: https://example.dev/small-prs
series: Lessons from on-call
published_at: 2021-05-04 09:00 +0000
edited_at: 2021-06-01T10:00:00Z
---

Small PRs get reviewed.

{% embed https://example.org/talk %}

More text.
"""

# DEV's editor with only the keys every engine has: nothing says DEV, so it is read as Jekyll.
DEV_COMMON = """---
title: Writing less code
published: true
description: A note on deleting things
tags: python, career, webdev
date: 2021-07-01
---

Delete more.
"""


def _write(root: Path, name: str, text: str) -> None:
    path = root / "src" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _read(root: Path, name: str) -> str:
    return (root / "out/posts" / name).read_text(encoding="utf-8")


def test_a_dev_post_imports_exactly(tmp_path: Path) -> None:
    _write(tmp_path, "dev-post.md", DEV)
    result = run_import(tmp_path, "src", "--to", "out/posts")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "src/dev-post.md (devto) -> out/posts/2021-05-04-shipping-small-prs.md: written\n"
        "  mapped: published_at → date.created: 2021-05-04T09:00:00+00:00\n"
        "  mapped: edited_at → date.updated: 2021-06-01T10:00:00+00:00\n"
        "  mapped: tags: 'python, career, webdev' split on commas → ['python', 'career', 'webdev']\n"
        "  mapped: series → categories\n"
        "  mapped: description → description\n"
        "  mapped: cover_image → image (cover)\n"
        "  mapped: canonical_url → retroblog.canonical_url\n"
        "  mapped: src/dev-post.md:15: Liquid 'embed' tag → a link\n"
        "  mapped: no excerpt marker: '<!-- more -->' added after the first paragraph\n"
        "  kept: 1 remote image still on the old host (such as https://dev-to-uploads.example.com/cover.png): the "
        "page loads it from there, and it breaks when it goes; --download-images copies it next to the post\n"
        "1 written\n"
    )
    assert _read(tmp_path, "2021-05-04-shipping-small-prs.md") == (
        "---\n"
        "title: Shipping small PRs\n"
        "description: Why I keep my pull requests under 200 lines\n"
        "date:\n"
        "  created: 2021-05-04T09:00:00+00:00\n"
        "  updated: 2021-06-01T10:00:00+00:00\n"
        "categories:\n"
        "- Lessons from on-call\n"
        "tags:\n"
        "- python\n"
        "- career\n"
        "- webdev\n"
        "slug: shipping-small-prs\n"
        "image: https://dev-to-uploads.example.com/cover.png\n"
        "retroblog:\n"
        "  source: devto\n"
        "  source_file: dev-post.md\n"
        "  canonical_url: https://example.dev/small-prs\n"
        "---\n"
        "\n"
        "Small PRs get reviewed.\n"
        "\n"
        "<!-- more -->\n"
        "\n"
        "<https://example.org/talk>\n"
        "\n"
        "More text.\n"
    )


@pytest.mark.parametrize("source_format", [[], ["--from", "devto"]], ids=["auto", "from-devto"])
def test_comma_separated_tags_of_a_post_with_only_common_keys(tmp_path: Path, source_format: list[str]) -> None:
    _write(tmp_path, "common.md", DEV_COMMON)
    result = run_import(tmp_path, "src", "--to", "out/posts", *source_format)
    assert result.exit_code == 0, result.output
    kind = "devto" if source_format else "jekyll"
    assert result.output.startswith(f"src/common.md ({kind}) -> out/posts/2021-07-01-writing-less-code.md: written\n")
    text = _read(tmp_path, "2021-07-01-writing-less-code.md")
    assert "\ntags:\n- python\n- career\n- webdev\n" in text
    assert f"  source: {kind}\n" in text


def test_from_forces_the_format_of_every_file(tmp_path: Path) -> None:
    _write(tmp_path, "2022-03-01-notes.md", "Notes from a meeting\n\nWe agreed on small PRs.\n")
    auto = run_import(tmp_path, "src", "--to", "out/posts", "--dry-run")
    assert auto.output.startswith("src/2022-03-01-notes.md (text) -> ")
    forced = run_import(tmp_path, "src", "--to", "out/posts", "--from", "jekyll")
    assert forced.exit_code == 1
    assert (
        "  problem: src/2022-03-01-notes.md:1: a jekyll post starts with '---' front matter; this file has none\n"
        in forced.output
    )


MEDIUM_DRAFT = """<!DOCTYPE html><html><head><title>Half a thought</title></head><body><article class="h-entry">
<header><h1 class="p-name">Half a thought</h1></header>
<section data-field="body" class="e-content"><p class="graf graf--p">Not finished yet.</p></section>
<footer><p>Exported from Medium.</p></footer></article></body></html>
"""


def test_a_medium_draft_without_a_date_is_kept_as_a_draft_with_a_placeholder_or_given_date(tmp_path: Path) -> None:
    """Issue 14: a post with no date anywhere is not refused (nothing is lost): it is imported as a draft
    whose placeholder date (the file's modification date) the report names; --date gives the real one."""
    _write(tmp_path, "posts/draft_Half-A-Thought-0a1b2c3d4e5f.html", MEDIUM_DRAFT)
    source = tmp_path / "src/posts/draft_Half-A-Thought-0a1b2c3d4e5f.html"
    os.utime(source, (1_650_000_000, 1_650_000_000))  # 2022-04-15
    undated = run_import(tmp_path, "src", "--to", "out/posts")
    assert undated.exit_code == 0, undated.output
    assert (
        "  mapped: no publication date; a placeholder: the file's modification date → date.created: 2022-04-15\n"
        in undated.output
    )
    assert "  problem: no date anywhere: imported as a draft (draft: true) dated 2022-04-15, a placeholder" in (
        undated.output
    )
    assert _read(tmp_path, "2022-04-15-half-a-thought.md").startswith(
        "---\ntitle: Half a thought\ndate:\n  created: 2022-04-15\nslug: half-a-thought\ndraft: true\n"
    )
    dated = run_import(tmp_path, "src", "--to", "out/posts", "--date", "2022-05-01")
    assert dated.exit_code == 0, dated.output
    assert "  mapped: draft_ file → draft: true\n" in dated.output
    text = _read(tmp_path, "2022-05-01-half-a-thought.md")
    assert text.startswith(
        "---\ntitle: Half a thought\ndate:\n  created: 2022-05-01\nslug: half-a-thought\ndraft: true\n"
    )
    assert "  source_id: 0a1b2c3d4e5f\n" in text


@pytest.mark.parametrize(
    ("name", "front", "key"),
    [
        ("_posts/2022-01-01-jekyll.md", "title: J\nlast_modified_at: 2022-02-03 10:00:00 +0100\n", "last_modified_at"),
        (
            "hashnode.md",
            "title: H\ncuid: abc\ndatePublished: Sat Jan 01 2022 09:00:00 GMT+0000 (Coordinated Universal Time)\n"
            "updatedAt: Thu Feb 03 2022 09:00:00 GMT+0000 (Coordinated Universal Time)\n",
            "updatedAt",
        ),
        ("dev.md", "title: D\npublished_at: 2022-01-01T09:00:00Z\nedited_at: 2022-02-03T09:00:00Z\n", "edited_at"),
    ],
    ids=["jekyll", "hashnode", "devto"],
)
def test_update_dates_become_date_updated(tmp_path: Path, name: str, front: str, key: str) -> None:
    _write(tmp_path, name, f"---\n{front}---\n\nBody.\n")
    result = run_import(tmp_path, "src", "--to", "out/posts")
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "out/posts").iterdir()
    text = written.read_text(encoding="utf-8")
    updated = "2022-02-03T10:00:00+01:00" if key == "last_modified_at" else "2022-02-03T09:00:00+00:00"
    assert f"\n  updated: {updated}\n" in text
    assert f"  mapped: {key} → date.updated: {updated}\n" in result.output
    assert key not in text


def test_toc_false_hides_the_table_of_contents(tmp_path: Path) -> None:
    _write(tmp_path, "_posts/2022-01-01-no-toc.md", "---\ntitle: No TOC\ntoc: false\n---\n\n## A\n\nText.\n")
    result = run_import(tmp_path, "src", "--to", "out/posts")
    assert result.exit_code == 0, result.output
    assert "  mapped: toc: false → hide: [toc]\n" in result.output
    assert "\nhide:\n- toc\n" in _read(tmp_path, "2022-01-01-no-toc.md")


@pytest.mark.parametrize(
    ("name", "front"),
    [
        ("_posts/2022-01-01-career.md", "title: C\n"),
        ("hashnode.md", "title: C\ncuid: abc\ndatePublished: 2022-01-01\n"),
        ("dev.md", "title: C\npublished_at: 2022-01-01\n"),
    ],
    ids=["jekyll", "hashnode", "devto"],
)
def test_career_stays_a_top_level_key(tmp_path: Path, name: str, front: str) -> None:
    _write(tmp_path, name, f"---\n{front}career: true\n---\n\nBody.\n")
    result = run_import(tmp_path, "src", "--to", "out/posts")
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "out/posts").iterdir()
    text = written.read_text(encoding="utf-8")
    front_matter = text.split("\n---\n", 1)[0]
    assert "\ncareer: true\n" in front_matter + "\n"
    assert "  career: true" not in text  # not under retroblog:, where the plugin would not see it
    assert "  kept: career: true (retroblog's own key)\n" in result.output


MM_COPY = """---
title: "Three years on the resolver team"
date: August 06, 2022
categories: [career]
header:
  overlay_image: /assets/cover.png
---

What I learned.
"""


def test_a_txt_copy_of_a_jekyll_post_is_read_as_jekyll_from_its_content(tmp_path: Path) -> None:
    _write(tmp_path, "three-years.txt", MM_COPY)
    result = run_import(tmp_path, "src/three-years.txt", "--to", "out/posts")
    assert result.exit_code == 0, result.output
    assert "src/three-years.txt (jekyll (Minimal Mistakes)) -> out/posts/2022-08-06-three-years-on-the" in result.output
    assert "  mapped: format: jekyll, from the file's content (not its name's .txt)\n" in result.output
    text = _read(tmp_path, "2022-08-06-three-years-on-the-resolver-team.md")
    assert text.startswith("---\ntitle: Three years on the resolver team\ndate:\n  created: 2022-08-06\n")
    forced = run_import(tmp_path, "src/three-years.txt", "--to", "out/text", "--from", "text", "--date", "2022-09-01")
    assert forced.exit_code == 0, forced.output
    assert "(text)" in forced.output.splitlines()[0]  # --from decides over the content


UNDATED_JEKYLL = "---\ntitle: Notes from the on-call week\n---\n\nThe pager went off twice.\n"


def test_an_undated_jekyll_post_takes_date_or_else_becomes_a_draft(tmp_path: Path) -> None:
    _write(tmp_path, "pages/on-call.md", UNDATED_JEKYLL)  # outside _posts/: no date in its name either
    os.utime(tmp_path / "src/pages/on-call.md", (1_600_000_000, 1_600_000_000))  # 2020-09-13
    undated = run_import(tmp_path, "src", "--to", "out/posts")
    assert undated.exit_code == 0, undated.output
    assert "placeholder: the file's modification date → date.created: 2020-09-13" in undated.output
    assert "draft: true\n" in _read(tmp_path, "2020-09-13-notes-from-the-on-call-week.md")
    dated = run_import(tmp_path, "src", "--to", "out/dated", "--date", "2021-02-03")
    assert dated.exit_code == 0, dated.output
    assert "--date → date.created: 2021-02-03" in dated.output and "placeholder" not in dated.output
    text = (tmp_path / "out/dated/2021-02-03-notes-from-the-on-call-week.md").read_text(encoding="utf-8")
    assert "draft" not in text


def test_a_post_in_a_git_repository_takes_its_first_commits_date_as_a_guess(tmp_path: Path) -> None:
    import subprocess

    _write(tmp_path, "pages/on-call.md", UNDATED_JEKYLL)
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "2019-03-04T10:00:00+00:00",
        "GIT_COMMITTER_DATE": "2019-03-04T10:00:00+00:00",
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    src = tmp_path / "src"
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "notes"]):
        subprocess.run(["git", *args], cwd=src, env=env, check=True, capture_output=True)
    with (src / "pages/on-call.md").open("a", encoding="utf-8") as handle:
        handle.write("\nA later edit.\n")
    later = {**env, "GIT_AUTHOR_DATE": "2020-01-01T10:00:00+00:00", "GIT_COMMITTER_DATE": "2020-01-01T10:00:00+00:00"}
    subprocess.run(["git", "commit", "-q", "-am", "edit"], cwd=src, env=later, check=True, capture_output=True)
    result = run_import(tmp_path, "src", "--to", "out/posts")
    assert result.exit_code == 0, result.output
    assert "a guess: the date of its first commit in git (2019-03-04) → date.created: 2019-03-04" in result.output
    assert "draft" not in _read(tmp_path, "2019-03-04-notes-from-the-on-call-week.md")


@pytest.mark.parametrize(
    ("name", "text", "reported"),
    [
        ("hashnode.md", "---\ntitle: A note\ncuid: abc123\nslug: a-note\n---\n\nBody.\n", "no 'datePublished'"),
        ("dev.md", "---\ntitle: A note\npublished: false\ncover_image: null\n---\n\nBody.\n", "no 'published_at'"),
        ("plain.txt", "A note\n\nBody of the note.\n", "mapped: --date"),
    ],
)
def test_date_applies_to_every_format(tmp_path: Path, name: str, text: str, reported: str) -> None:
    _write(tmp_path, name, text)
    result = run_import(tmp_path, f"src/{name}", "--to", "out/posts", "--date", "2021-07-08")
    assert result.exit_code == 0, result.output
    assert reported in result.output and "--date → date.created: 2021-07-08" in result.output
    assert [p.name for p in (tmp_path / "out/posts").iterdir()] == ["2021-07-08-a-note.md"]
