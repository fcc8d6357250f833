"""Choices an import makes that were silent or wrong: excerpt markers in code or before nothing."""

from __future__ import annotations

from pathlib import Path

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
