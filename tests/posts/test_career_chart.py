"""The career timeline chart and the "at this point in the career" note, from data/career.yml."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert as vlc
import yaml

from retroblog.build.career import context_html
from retroblog.charts.builtin import Chart
from retroblog.charts.career import career_timeline, last_known_date
from retroblog.charts.theme import SERIES
from retroblog.data.career import Career, load_career

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

FIVE_EMPLOYERS = "employers:\n" + "".join(
    f"  - name: E{i}\n    start: {2015 + i}-01-01\n    end: {2015 + i}-12-31\n"
    f"    teams:\n      - name: T\n        roles:\n          - title: R{i}\n"
    for i in range(5)
)


def timeline(career: Career, until: dt.date | None = None, **words: str) -> Chart:
    return career_timeline(
        career, width=640, height=240, title=words.get("title"), description=words.get("description"), until=until
    )


def layers(chart: Chart) -> dict[str, dict[str, Any]]:
    return {layer["mark"]["type"]: layer for layer in chart.spec["layer"]}


def expected_roles(path: Path) -> list[tuple[str, str, str, str, str, bool]]:
    """The roles of a career file by the rules of its format, from plain ``yaml.safe_load``, not load_career."""
    found = []
    for employer in yaml.safe_load(path.read_text(encoding="utf-8"))["employers"]:
        flat = []
        for team in employer["teams"]:
            team_start = team.get("start", employer["start"])
            for role in team["roles"]:
                flat.append((role.get("start", team_start), role.get("end"), team, role))
        flat.sort(key=lambda item: item[0])
        for index, (start, end, team, role) in enumerate(flat):
            if end is None:  # until the next role, the team's end or the employer's end, whichever is first
                bounds = [team.get("end"), employer.get("end")]
                if index + 1 < len(flat):
                    bounds.append(flat[index + 1][0] - dt.timedelta(days=1))
                end = min(d for d in bounds if d is not None)
            found.append(
                (employer["name"], team["name"], role["title"], start.isoformat(), end.isoformat(),
                 bool(role.get("promotion")))
            )  # fmt: skip
    return sorted(found, key=lambda r: r[3])


# -- the timeline ----------------------------------------------------------------------------------


def test_one_bar_per_role_with_its_dates_from_the_file() -> None:
    chart = timeline(load_career(EXAMPLE))
    bars = layers(chart)["bar"]
    got = [
        (r["employer"], r["team"], r["role"], r["start"], r["end"], r["promotion"] == "yes")
        for r in bars["data"]["values"]
    ]
    assert got == expected_roles(EXAMPLE)
    assert len(got) == 3
    assert bars["encoding"]["x"]["field"] == "start" and bars["encoding"]["x2"]["field"] == "bar_end"
    for row in bars["data"]["values"]:  # a bar runs to the end of its last day, so the next role's bar touches it
        assert dt.date.fromisoformat(row["bar_end"]) == dt.date.fromisoformat(row["end"]) + dt.timedelta(days=1)
    assert len({r["label"] for r in bars["data"]["values"]}) == len(got)  # one row each
    promoted = layers(chart)["point"]["data"]["values"]
    assert [(r["role"], r["start"]) for r in promoted] == [(g[2], g[3]) for g in got if g[5]]
    assert chart.rows == bars["data"]["values"]
    assert [h for _, h in chart.columns] == ["Role", "Team", "Employer", "From", "To", "Promotion"]


def test_tooltips_show_dates_in_words_not_timestamps() -> None:
    """Vega-Lite parses a field the x axis uses as temporal, so a tooltip of it as text shows epoch ms."""

    def words(day: dt.date) -> str:
        return f"{day.day} {day:%B} {day.year}"

    chart = timeline(load_career(EXAMPLE))
    hostile = timeline(_career_from(HOSTILE), dt.date(2024, 5, 1))  # its last role is ongoing
    assert hostile.rows[-1]["to"] == "ongoing (as of 1 May 2024)"
    for layer in chart.spec["layer"] + hostile.spec["layer"]:
        encoding = layer["encoding"]
        temporal = {encoding[c]["field"] for c in ("x", "x2") if c in encoding}
        for tip in encoding["tooltip"]:
            if tip["field"] in temporal:  # allowed only as a formatted date
                assert tip["type"] == "temporal" and "%" in tip.get("format", ""), tip
        fields = {tip["title"]: tip["field"] for tip in encoding["tooltip"]}
        for row in layer["data"]["values"]:
            assert row[fields["From"]] == words(dt.date.fromisoformat(row["start"]))
            ongoing = row[fields["To"]].startswith("ongoing (as of ")
            end = dt.date.fromisoformat(row["end"])
            assert row[fields["To"]] == (f"ongoing (as of {words(end)})" if ongoing else words(end))
    first = expected_roles(EXAMPLE)[0]
    assert layers(chart)["bar"]["data"]["values"][0][fields["From"]] == words(dt.date.fromisoformat(first[3]))


def test_the_spec_is_valid_vega_lite_themed_like_the_built_in_charts() -> None:
    from retroblog.charts.builtin import theme_config

    for career in (load_career(EXAMPLE), _career_from(HOSTILE)):
        spec = timeline(career, dt.date(2024, 5, 1)).spec
        # validated as charts.finish validates: before the theme (its background: null is not in the schema)
        alt.LayerChart.from_dict({k: v for k, v in spec.items() if k != "config"}, validate=True)
        assert "$schema" not in spec
        assert spec["config"] == theme_config()
        assert spec["autosize"] == {"type": "fit", "contains": "padding"}
        assert "http" not in json.dumps(spec)  # nothing to fetch


def test_colours_come_only_from_series_cycling_past_four_employers() -> None:
    chart = timeline(_career_from(FIVE_EMPLOYERS))
    scale = layers(chart)["bar"]["encoding"]["color"]["scale"]
    assert scale["domain"] == ["E0", "E1", "E2", "E3", "E4"]
    assert scale["range"] == [*SERIES, SERIES[0]]
    spec = dict(chart.spec, config={})
    literal = set(re.findall(r'"(?:color|fill|stroke)": "([^"]+)"', json.dumps(spec)))
    assert literal <= {"currentColor"}  # marks: the page's text colour; bars: the SERIES scale above
    svg = vlc.vegalite_to_svg(chart.spec)
    assert set(re.findall(r"#[0-9a-fA-F]{3,8}\b", svg)) == set(SERIES)


def test_an_ongoing_role_ends_on_until_or_the_last_known_date_never_today() -> None:
    career = _career_from(HOSTILE)
    assert career.roles[-1].end is None
    given = layers(timeline(career, dt.date(2024, 5, 1)))["bar"]["data"]["values"][-1]
    assert (given["start"], given["end"], given["to"]) == ("2020-02-03", "2024-05-01", "ongoing (as of 1 May 2024)")
    assert last_known_date(career) == dt.date(2020, 2, 3)  # the last date the file states: that start
    without = layers(timeline(career))["bar"]["data"]["values"][-1]
    assert without["end"] == "2020-02-03" and without["bar_end"] == "2020-02-04"  # a one-day bar, not today
    merged_at = dt.datetime(2024, 5, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-6)))
    assert timeline(career, merged_at).spec == timeline(career, dt.date(2024, 5, 1)).spec  # a datetime: its date
    early = layers(timeline(career, dt.date(2019, 1, 1)))["bar"]["data"]["values"][-1]
    assert early["end"] == "2020-02-03"  # never before its start
    assert timeline(career, dt.date(2024, 5, 1)).spec == timeline(career, dt.date(2024, 5, 1)).spec
    ended = layers(timeline(load_career(EXAMPLE), dt.date(2030, 1, 1)))["bar"]["data"]["values"]
    assert [r["end"] for r in ended] == [r[4] for r in expected_roles(EXAMPLE)]  # until moves only ongoing roles


def test_the_same_title_on_the_same_team_twice_gets_two_rows() -> None:
    text = (
        "employers:\n  - name: A\n    start: 2018-01-01\n    end: 2020-12-31\n    teams:\n"
        "      - name: T\n        roles:\n          - title: Engineer\n          - title: Manager\n"
        "            start: 2019-01-01\n          - title: Engineer\n            start: 2020-01-01\n"
    )
    labels = [r["label"] for r in timeline(_career_from(text)).rows]
    assert labels == [
        "Engineer · T (2018-01-01)",
        "Manager · T",
        "Engineer · T (2020-01-01)",
    ]


def test_an_employer_left_and_rejoined_is_one_employer_with_one_colour() -> None:
    text = (
        "employers:\n"
        "  - name: A\n    start: 2015-01-01\n    end: 2016-12-31\n"
        "    teams:\n      - name: T\n        roles:\n          - title: R\n"
        "  - name: B\n    start: 2017-01-01\n    end: 2018-12-31\n"
        "    teams:\n      - name: T\n        roles:\n          - title: R\n"
        "  - name: A\n    start: 2019-01-01\n    end: 2019-12-31\n"
        "    teams:\n      - name: T\n        roles:\n          - title: R2\n"
    )
    chart = timeline(_career_from(text))
    assert chart.description.startswith("Timeline of the career from 2015 to 2019: 2 employers, 2 teams, 3 roles")
    scale = layers(chart)["bar"]["encoding"]["color"]["scale"]
    assert (scale["domain"], scale["range"]) == (["A", "B"], [SERIES[0], SERIES[1]])
    assert [r["label"] for r in chart.rows] == ["R · T (2015-01-01)", "R · T (2017-01-01)", "R2 · T"]


def test_the_description_reads_as_sentences_with_the_counts() -> None:
    chart = timeline(load_career(EXAMPLE))
    assert chart.title == "Career timeline"
    assert chart.description == (
        "Timeline of Jane Doe's career from 2019 to 2022: 1 employer, 2 teams, 3 roles, 1 promotion. "
        "Software Engineer on Ledger at Northwind Systems, June 2019 to August 2020; "
        "Senior Software Engineer on Ledger at Northwind Systems, September 2020 to February 2021, a promotion; "
        "Senior Software Engineer on Reconciliation at Northwind Systems, March 2021 to May 2022."
    )
    assert chart.spec["description"] == chart.description and chart.spec["title"] == chart.title
    five = timeline(_career_from(FIVE_EMPLOYERS)).description
    assert five.startswith("Timeline of the career from 2015 to 2019: 5 employers, 5 teams, 5 roles, 0 promotions. ")
    assert "R0 on T at E0, January 2015 to December 2015;" in five
    ongoing = timeline(_career_from(HOSTILE), dt.date(2024, 5, 1)).description
    assert "from 2018 to 2024: 2 employers" in ongoing and ongoing.endswith(
        "Staff Engineer on Search at Contoso, since February 2020."
    )


def test_given_title_and_description_replace_the_generated_ones() -> None:
    chart = timeline(load_career(EXAMPLE), title="My years", description="Three roles at one company.")
    assert (chart.title, chart.description) == ("My years", "Three roles at one company.")
    assert (chart.spec["title"], chart.spec["description"]) == ("My years", "Three roles at one company.")


def test_hostile_names_stay_text_in_the_svg() -> None:
    chart = timeline(_career_from(HOSTILE), dt.date(2024, 5, 1))
    svg = vlc.vegalite_to_svg(chart.spec, allowed_base_urls=[])
    root = ET.fromstring(svg)  # well-formed: no text broke out of its element
    tags = {element.tag.rpartition("}")[2] for element in root.iter()}
    assert not tags & {"script", "i", "b", "img", "foreignObject"}
    assert "<script" not in svg and "<i>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg  # the employer, shown as text in the legend
    assert "Pay &amp; &lt;i&gt;ments&lt;/i&gt;" in svg  # the team, in a row's label
    assert "<script>alert(1)</script>" in chart.description  # plain text: render.figure escapes it
    assert "<img src=x onerror=alert(1)>'s career" in chart.description


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
