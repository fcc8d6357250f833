"""retroblog's syntax has one list of block languages: the extension converts them, the plugin looks for them."""

from __future__ import annotations

import markdown
import pytest

from retroblog.build.syntax import COMPUTED, LANGUAGES, may_hold_blocks, scan, uses_blocks
from retroblog.markdown import RetroblogExtension


@pytest.mark.parametrize("fence", ["```", "~~~"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_fence_of_every_language_counts_as_using_blocks(lang, fence):
    text = f"# Post\n\n{fence}{lang}\ndate: 2021-01-01\n{fence}\n"
    assert uses_blocks(text) and may_hold_blocks(text)


def test_other_fences_and_plain_text_do_not_use_blocks():
    assert not uses_blocks("# Post\n\n```python\nx = 1\n```\n\nText.\n")
    assert uses_blocks("I merged :stat[total_prs] PRs.") and may_hold_blocks("I merged :stat[total_prs] PRs.")
    assert not may_hold_blocks("# Post\n\nText.\n")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_extension_converts_the_fences_of_every_language(tmp_path, lang):
    ext = RetroblogExtension(root=str(tmp_path), on_error="show")  # no data: each block shows its error
    out = markdown.markdown(f"```{lang}\n```\n", extensions=[ext, "fenced_code"])
    assert "retroblog-error" in out and f"{lang} block:" in out and "<code" not in out


def test_a_fence_of_another_language_stays_code(tmp_path):
    ext = RetroblogExtension(root=str(tmp_path), on_error="show")
    out = markdown.markdown("```charts\ntype: prs-per-year\n```\n", extensions=[ext, "fenced_code"])
    assert "<code" in out and "retroblog" not in out


def test_scan_finds_the_computed_fences_and_inline_stats():
    text = "".join(f"```{lang}\nyear: 2021\n```\n\n" for lang in LANGUAGES) + "Total :stat[total_prs]{year=2021}.\n"
    assert [(job.kind, job.options) for job in scan(text)] == [
        *((lang, {"year": 2021}) for lang in COMPUTED),
        ("stat", {"year": 2021}),
    ]
