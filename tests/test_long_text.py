"""Long text cannot make a build slow: what a chart draws is bounded, the full text stays in its table.

vl-convert measures every text it lays out, and its measuring grows faster than the text: a 100 KB chart
title took 33 s to render, a 50 KB repository name 33 s for one chart. Text a chart draws (its title, and
every string of its data: axis labels, tooltips) is cut to ``MAX_DRAWN_TEXT`` characters with an ellipsis;
the data table and the figure's accessible name keep the whole text. The builds below run in a child
process with a hang guard, not a timer: on the old code they took minutes.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

from retroblog.charts.builtin import MAX_DRAWN_TEXT, bound_text

LONG_REPO = "acme/" + "r" * 60_000
LONG_TITLE = "T" * 100_000

SCRIPT = """
import json, sys, markdown
from retroblog.markdown import RetroblogExtension
ext = RetroblogExtension(root=sys.argv[1])
page = sys.stdin.read()
print(json.dumps(markdown.markdown(page, extensions=[ext])))
"""


def _convert(site: Path, page: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(site)],
        input=page,
        capture_output=True,
        text=True,
        timeout=120,  # a hang guard: each build takes about a second
        check=True,
    )
    return str(json.loads(done.stdout))


def _site(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    rows = [
        f"2021-0{m}-0{d}T10:00:00Z,{m * d},1,1,{LONG_REPO if d == 1 else 'acme/app'}" for m in (1, 2) for d in (1, 2)
    ]
    (tmp_path / "data" / "work.csv").write_text(
        "merged_at,additions,deletions,comments,repo\n" + "\n".join(rows) + "\n"
    )
    return tmp_path


def test_a_huge_repository_name_and_title_are_drawn_short_and_tabled_whole(tmp_path):
    site = _site(tmp_path)
    out = _convert(site, f"```chart\ntype: prs-per-repo\ntitle: {LONG_TITLE}\n```\n")
    spec = json.loads(html.unescape(re.search(r'data-retroblog-spec="([^"]*)"', out).group(1)))
    drawn = [v for row in spec["data"]["values"] for v in row.values() if isinstance(v, str)] + [spec["title"]]
    assert drawn and max(len(v) for v in drawn) == MAX_DRAWN_TEXT + 1  # the text and its ellipsis
    assert spec["title"] == LONG_TITLE[:MAX_DRAWN_TEXT] + "…"
    texts = [html.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", out)]  # what the SVGs draw
    assert texts and max(len(t) for t in texts) <= MAX_DRAWN_TEXT + 1
    table = out[out.index("<table>") :]
    assert f"<td>{LONG_REPO}</td>" in table and f"<caption>{LONG_TITLE}</caption>" in table


def test_every_chart_type_draws_long_text_short(tmp_path):
    site = _site(tmp_path)
    kinds = ["prs-per-year", "prs-per-month", "inserts-deletes", "calendar", "cumulative", "size-buckets"]
    page = "\n".join(f"```chart\ntype: {kind}\ntitle: {LONG_TITLE}\nrepo: {LONG_REPO}\n```\n" for kind in kinds)
    out = _convert(site, page)
    specs = [json.loads(html.unescape(s)) for s in re.findall(r'data-retroblog-spec="([^"]*)"', out)]
    assert len(specs) == len(kinds)
    for spec in specs:
        assert spec["title"] == LONG_TITLE[:MAX_DRAWN_TEXT] + "…"


def test_bound_text_cuts_strings_of_data_at_any_depth_and_leaves_the_rest():
    spec = {
        "title": "short",
        "data": {"values": [{"repo": "x" * 500, "prs": 3}]},
        "layer": [{"data": {"values": [{"label": "y" * 300}]}}],
        "datasets": {"by_repo": [{"repo": "z" * 400}]},
        "description": "d" * 1_000,  # read to screen readers, never laid out: left whole
    }
    bounded = bound_text(spec)
    assert bounded["title"] == "short" and bounded["data"]["values"][0]["prs"] == 3
    assert bounded["data"]["values"][0]["repo"] == "x" * MAX_DRAWN_TEXT + "…"
    assert bounded["layer"][0]["data"]["values"][0]["label"] == "y" * MAX_DRAWN_TEXT + "…"
    assert bounded["datasets"]["by_repo"][0]["repo"] == "z" * MAX_DRAWN_TEXT + "…"
    assert bounded["description"] == "d" * 1_000
    assert spec["data"]["values"][0]["repo"] == "x" * 500  # a copy: the rows behind the table are whole
