"""The "at this point in the career" note, from data/career.yml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from retroblog.career import Career, context_html, load_career

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "data/career.yml"

HOSTILE = """\
person: "<img src=x onerror=alert(1)>"
employers:
  - name: "<script>alert(1)</script>"
    start: 2018-01-01
    end: 2019-12-31
    teams:
      - name: "Pay & <i>ments</i>"
        roles:
          - title: 'Engineer "</text><script>alert(2)</script>'
          - title: "Lead <b>Engineer</b>"
            start: 2019-01-01
            promotion: true
  - name: Contoso
    start: 2020-02-03
    teams:
      - name: Search
        roles:
          - title: Staff Engineer
"""


# -- the note at the top of a post -----------------------------------------------------------------


def test_context_inside_a_role() -> None:
    career = load_career(EXAMPLE)
    assert context_html(career, dt.date(2020, 11, 9)) == (
        '<aside class="admonition info retroblog-career" role="note" aria-label="At this point in the career">'
        '<p class="admonition-title">At this point in the career</p>'
        "<p>Senior Software Engineer on the Ledger team at Northwind Systems, 1.4 years in. "
        "In this role since 1 September 2020, after a promotion.</p></aside>"
    )
    assert "In this role since 3 June 2019." in context_html(career, dt.date(2019, 7, 15))
    assert "1 month in." in context_html(career, dt.date(2019, 7, 15))


def test_context_at_a_promotion_boundary() -> None:
    career = load_career(EXAMPLE)
    before = context_html(career, dt.date(2020, 8, 31))
    assert "<p>Software Engineer on the Ledger team at Northwind Systems, 1.2 years in. In this role since" in before
    on = context_html(career, dt.date(2020, 9, 1))
    assert "<p>Senior Software Engineer on the Ledger team at Northwind Systems, 1.2 years in. " in on
    assert on.endswith("Promoted to this role that day.</p></aside>")
    moved = context_html(career, dt.date(2021, 3, 1))  # a new team, not a promotion
    assert "Reconciliation team" in moved and moved.endswith("Started this role that day.</p></aside>")


def test_context_is_empty_outside_the_career() -> None:
    career = load_career(EXAMPLE)
    assert context_html(career, dt.date(2019, 6, 2)) == ""  # the day before the first role
    assert context_html(career, dt.date(2022, 6, 1)) == ""  # the day after the last
    first = context_html(career, dt.date(2019, 6, 3))
    assert "in the first month. Started this role that day." in first
    assert "Reconciliation team" in context_html(career, dt.date(2022, 5, 31))


def test_context_accepts_a_post_datetime() -> None:
    career = load_career(EXAMPLE)
    assert context_html(career, dt.datetime(2020, 11, 9, 23, 30)) == context_html(career, dt.date(2020, 11, 9))


def test_context_escapes_the_career_file() -> None:
    career = _career_from(HOSTILE)
    note = context_html(career, dt.date(2019, 3, 4))
    assert "<script" not in note and "<b>" not in note
    assert (
        "<p>Lead &lt;b&gt;Engineer&lt;/b&gt; on the Pay &amp; &lt;i&gt;ments&lt;/i&gt; team at "
        "&lt;script&gt;alert(1)&lt;/script&gt;, 1.2 years in. In this role since 1 January 2019, after a promotion."
    ) in note
    quoted = context_html(career, dt.date(2018, 2, 1))
    assert "Engineer &quot;&lt;/text&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in quoted


def _career_from(text: str) -> Career:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "career.yml"
        path.write_text(text, encoding="utf-8")
        return load_career(path)
