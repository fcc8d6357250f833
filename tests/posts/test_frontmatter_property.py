"""The front-matter reader, fed arbitrary text, returns a post or raises PostError with a line."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retroblog.errors import PostError
from retroblog.posts.frontmatter import RawPost, read_post

YAMLISH = st.text(
    alphabet=st.sampled_from([*"abc:-'\"[]{}&*!|>#%@`,?\n \t0123456789.", "\x00", "\x85", "é", "“"]),
    max_size=200,
)


def _check(text: str) -> None:
    try:
        post = read_post(text, "p.md")
    except PostError as exc:
        assert isinstance(exc.line, int)
        assert exc.line >= 1
        assert str(exc).startswith(f"p.md:{exc.line}: ")
        named = re.search(r"invalid YAML in the front matter, in '(.+?)': ", str(exc))
        if named:  # the field named starts a line at or above the error's line
            lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[: exc.line]
            assert any(line.startswith(f"{named[1]}:") for line in lines), (named[1], lines)
    else:
        assert isinstance(post, RawPost)
        assert isinstance(post.meta, dict)
        assert all(isinstance(k, str) for k in post.meta)
        assert post.body_line >= 1


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_a_post_or_a_post_error(text: str) -> None:
    _check(text)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(YAMLISH, st.sampled_from(["---\n", "...\n", ""]), st.text(max_size=50))
def test_any_front_matter_is_a_post_or_a_post_error(front: str, close: str, body: str) -> None:
    _check(f"---\n{front}\n{close}{body}")


def test_yaml_bombs_and_python_tags_are_refused_with_a_line() -> None:
    bomb = "---\ntitle: x\na: &a [1, 1]\nb: [*a, *a]\n---\n"
    try:
        read_post(bomb, "bomb.md")
    except PostError as exc:
        assert (
            str(exc)
            == "bomb.md:3: invalid YAML in the front matter, in 'a': anchors (&name) are not allowed in front matter"
        )
    else:
        raise AssertionError("a YAML alias was accepted")
    try:
        read_post("---\ntitle: !!python/object/apply:os.system ['true']\n---\n", "tag.md")
    except PostError as exc:
        assert exc.line == 2
        assert "could not determine a constructor" in str(exc)
    else:
        raise AssertionError("a python tag was accepted")


def test_keys_know_their_lines_and_broken_quotes_are_repaired() -> None:
    post = read_post('---\ntitle: "Why "boring" wins"\ntags: a, b\n---\n\nBody\n', "h.md")
    assert post.meta == {"title": 'Why "boring" wins', "tags": "a, b"}
    assert post.key_lines == {"title": 2, "tags": 3}
    assert post.repairs == ("h.md:2: 'title' had unescaped quotes inside quotes; read as the whole line",)
    assert post.body == "\nBody\n"
    assert post.body_line == 5
