"""Choices an import makes that were silent or wrong: excerpt markers in code or before nothing, repeated
front-matter keys, non-text tags, update dates before the post, future dates, author ids."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.posts.helpers import run_import

MORE = "<!-- more -->"


def _import(tmp_path: Path, text: str, *args: str, name: str = "2022-04-04-post.md") -> tuple[str, str]:
    """Import one Jekyll post; its written text and the command's output."""
    (tmp_path / "src/_posts").mkdir(parents=True, exist_ok=True)
    (tmp_path / "src/_posts" / name).write_text(text, encoding="utf-8")
    result = run_import(tmp_path, f"src/_posts/{name}", "--to", "out/posts", *args)
    assert result.exit_code == 0, result.output
    return (tmp_path / "out/posts" / name).read_text(encoding="utf-8"), result.output


def _body(written: str) -> str:
    return written.split("\n---\n", 1)[1]


def test_a_more_comment_in_fenced_or_inline_code_is_code_not_the_excerpt_marker(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Excerpts\n---\n\nJekyll cuts the excerpt where you write:\n\n"
        "```html\n<!--more-->\n```\n\n~~~\n<!-- more -->\n~~~\n\nor `\n<!--more-->\n` inline.\n\nThe end.\n"
    )
    written, output = _import(tmp_path, text)
    body = _body(written)
    assert "```html\n<!--more-->\n```" in body and "~~~\n<!-- more -->\n~~~" in body  # the samples are untouched
    assert "`\n<!--more-->\n`" in body
    # The real marker goes after the first paragraph, as without any marker.
    assert body.startswith(f"\nJekyll cuts the excerpt where you write:\n\n{MORE}\n\n```html\n")
    assert body.count(MORE) == 2  # the real one and the ~~~ sample's
    assert "'<!--more-->' → '<!-- more -->'" not in output
    assert f"no excerpt marker: '{MORE}' added after the first paragraph" in output


def test_an_excerpt_separator_in_code_is_left_alone(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Cut\nexcerpt_separator: <!--cut-->\n---\n\nIntro.\n\n```\n<!--cut-->\n```\n\n<!--cut-->\n\nRest.\n"
    )
    written, _ = _import(tmp_path, text)
    assert _body(written) == f"\nIntro.\n\n```\n<!--cut-->\n```\n\n\n{MORE}\n\n\nRest.\n"


def test_no_marker_is_added_when_nothing_follows(tmp_path: Path) -> None:
    one, output = _import(tmp_path, "---\ntitle: One\n---\n\nJust one paragraph.\n\n\n")
    assert MORE not in one and one.endswith("---\n\nJust one paragraph.\n")
    assert "no excerpt marker: none added, as nothing follows the only paragraph" in output
    ended, output = _import(tmp_path, "---\ntitle: Two\n---\n\nAll of it.\n\n<!--more-->\n", name="2022-04-05-two.md")
    assert MORE not in ended and ended.endswith("---\n\nAll of it.\n")
    assert "'<!--more-->': nothing follows it, so no '<!-- more -->'" in output
    lead, output = _import(tmp_path, "---\ntitle: Three\nexcerpt: Only this.\n---\n", name="2022-04-06-three.md")
    assert MORE not in lead and lead.endswith("---\n\nOnly this.\n")


SOURCE = "src/_posts/2022-04-04-post.md"


@pytest.mark.parametrize(
    ("front", "written_part", "report_line"),
    [
        pytest.param(
            "title: First\ndate: 2022-04-04\ntitle: Second\n",
            "title: Second\n",
            f"  dropped: {SOURCE}:4: 'title' is given 2 times (lines 2, 4); "
            "the last one (line 4) is used, as YAML reads it",
            id="a repeated key: the last one wins",
        ),
        pytest.param(
            "title: Tags\ntags: [1, 2.5, true, python]\n",
            "tags:\n- '1'\n- '2.5'\n- 'true'\n- python\n",
            f"  mapped: {SOURCE}:3: 'tags': 1, 2.5, true read by YAML as numbers, booleans or dates; "
            "written as the names '1', '2.5', 'true'",
            id="non-text tags: spelt as YAML spells them",
        ),
        pytest.param(
            "title: Old\ndate: 2022-04-04\nlast_modified_at: 2021-01-01\n",
            "date:\n  created: 2022-04-04\nslug: post\n",
            f"  dropped: {SOURCE}:4: last_modified_at 2021-01-01 is earlier than the date 2022-04-04; "
            "no date.updated is written (a post is not updated before it is created)",
            id="an update before the post: dropped",
        ),
    ],
)
def test_front_matter_choices_are_reported_with_their_line(
    tmp_path: Path, front: str, written_part: str, report_line: str
) -> None:
    written, output = _import(tmp_path, f"---\n{front}---\n\nText.\n")
    assert written_part in written
    assert report_line + "\n" in output
    assert "→ date.updated" not in output


def test_a_date_after_today_is_reported(tmp_path: Path) -> None:
    later = dt.date.today() + dt.timedelta(days=2)
    written, output = _import(tmp_path, f"---\ntitle: Soon\ndate: {later}\n---\n\nA.\n", name=f"{later}-soon.md")
    assert f"created: {later}\n" in written
    assert f"  kept: src/_posts/{later}-soon.md:3: date {later} is after today; the post is dated in the future\n" in (
        output
    )
    _, today = _import(
        tmp_path, f"---\ntitle: Now\ndate: {dt.date.today()}\n---\n\nA.\n", name=f"{dt.date.today()}-now.md"
    )
    assert "after today" not in today


def test_an_author_id_is_reported_as_the_author_name_is(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out/.authors.yml").write_text("authors:\n  jdoe:\n    name: Jane Doe\n", encoding="utf-8")
    written, output = _import(tmp_path, "---\ntitle: By id\nauthor: jdoe\n---\n\nA.\n")
    assert "authors:\n- jdoe\n" in written
    assert "  mapped: author 'jdoe' → authors: jdoe (an id in out/.authors.yml)\n" in output
    _, named = _import(tmp_path, "---\ntitle: By name\nauthor: Jane Doe\n---\n\nA.\n", name="2022-04-05-named.md")
    assert "  mapped: author 'Jane Doe' → authors: jdoe\n" in named


def test_an_image_in_code_is_text_not_a_file_to_copy(tmp_path: Path) -> None:
    (tmp_path / "src/_posts").mkdir(parents=True)
    (tmp_path / "src/_posts/chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    text = (
        "---\ntitle: Images\n---\n\nA chart:\n\n![A chart](chart.png)\n\nWrite it so:\n\n"
        "```markdown\n![A chart](chart.png)\n```\n\nor `![x](chart.png)` inline.\n"
    )
    written, output = _import(tmp_path, text)
    body = _body(written)
    assert "![A chart](post/chart.png)" in body  # the image: copied next to the post
    assert "```markdown\n![A chart](chart.png)\n```" in body and "`![x](chart.png)`" in body  # the samples
    assert (tmp_path / "out/posts/post/chart.png").read_bytes() == b"\x89PNG\r\n\x1a\n"
    assert output.count("image chart.png → copied to") == 1
