"""Words for people: months, quarters and dates in the site's language, counts with sensible precision,
and ``format=raw`` for the value as ``retroblog stats --json`` has it."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest

from retroblog.build.blocks import Blocks
from retroblog.build.settings import Settings
from retroblog.build.syntax import Job
from retroblog.errors import ConfigError, RetroblogError
from retroblog.markdown import RetroblogExtension
from retroblog.util.words import Words, check_language, rounded

# April 2016 is the busiest month (3 PRs); additions 10, 36, 37, 40 and 1,500: the median is 37; that of
# the four PRs of 2016 is 36.5 (reads 37), their p25 29.5 (reads 30)
CSV = "merged_at,additions\n" + "".join(
    f"{day}T10:00:00Z,{n}\n"
    for day, n in (
        ("2016-03-31", 10),
        ("2016-04-01", 36),
        ("2016-04-12", 37),
        ("2016-04-30", 40),
        ("2019-06-03", 1500),
    )
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "work.csv").write_text(CSV)
    return tmp_path


def stats(site: Path, text: str, **config: object) -> list[str]:
    out = markdown.markdown(text, extensions=[RetroblogExtension(root=str(site), **config)])
    return re.findall(r'<span class="retroblog-stat">([^<]*)</span>', out)


def test_english_words_for_months_quarters_dates_and_numbers():
    words = Words()
    assert [words.month("2016-04"), words.quarter("2016-Q2"), words.date("2019-06-03")] == [
        "April 2016",
        "Q2 2016",
        "3 June 2019",
    ]
    assert [words.period(k) for k in ("2016-01", "2016-Q4", "2016-12-31", "2016", "2016-W14")] == [
        "January 2016",
        "Q4 2016",
        "31 December 2016",
        "2016",
        "2016-W14",
    ]
    assert [words.number(v) for v in (0, 7, 1234, 36.5, 35.5, 1234.5, 9.25, 4.0, 0.05)] == [
        "0",
        "7",
        "1,234",
        "37",  # halves up, not to even
        "36",
        "1,235",
        "9.3",  # one decimal below 10
        "4",
        "0.1",
    ]
    assert rounded(36.5) == 37 and isinstance(rounded(36.5), int) and rounded(2.25) == 2.3


def test_another_language_from_babel():
    pytest.importorskip("babel")
    german = Words("de")
    assert german.month("2016-03") == "März 2016"
    assert german.date("2019-06-03") == "3. Juni 2019"
    assert german.number(12345) == "12.345" and german.number(2.25) == "2,3"
    assert Words("fr").quarter("2016-Q2") == "T2 2016"
    assert Words("pt-BR").month("2016-04") == "abril de 2016"


def test_inline_stats_read_as_words(site):
    shown = stats(
        site,
        "Busiest :stat[busiest_month], :stat[busiest_quarter]; first :stat[first_merged]; median :stat[size.median];"
        " :stat[by_month.2016-04] in April; p25 :stat[size.p25]{year=2016}.",
    )
    assert shown == ["April 2016 (3 PRs)", "Q2 2016 (3 PRs)", "31 March 2016", "37", "3", "30"]


def test_format_raw_gives_the_value_as_the_json_has_it(site):
    shown = stats(
        site,
        ":stat[busiest_month]{format=raw} :stat[size.median]{year=2016 format=raw} :stat[first_merged]{format=raw} "
        ":stat[additions]{format=raw} :stat[additions] :stat[size.median]{year=2016 format=words}",
    )
    assert shown == ["2016-04 (3 PRs)", "36.5", "2016-03-31", "1623", "1,623", "37"]


def test_a_wrong_format_names_the_option_and_the_accepted_ones(site):
    ext = RetroblogExtension(root=str(site))
    ext.page = "post.md"
    with pytest.raises(RetroblogError) as info:
        markdown.markdown("Text :stat[total_prs]{format=json}", extensions=[ext])
    assert str(info.value) == "post.md:1: stat 'total_prs': 'format' must be one of words, raw, got 'json'"


def test_the_language_option_of_the_extension(site):
    pytest.importorskip("babel")
    assert stats(site, ":stat[busiest_month] :stat[last_merged] :stat[additions]", language="de") == [
        "April 2016 (3 PRs)",
        "3. Juni 2019",
        "1.623",
    ]
    with pytest.raises(ConfigError, match="'language' 'xx-nope' is not a language retroblog can write dates in"):
        stats(site, ":stat[total_prs]", language="xx-nope")
    with pytest.raises(ConfigError, match="'language' must be a language code such as en"):
        check_language(5)


def test_a_stats_table_reads_as_words(site):
    out = markdown.markdown(
        "```stats\nstats: [first_merged, busiest_month, size.median]\n```\n",
        extensions=[RetroblogExtension(root=str(site)), "fenced_code"],
    )
    assert "<td>31 March 2016</td>" in out and "<td>April 2016 (3 PRs)</td>" in out and "<td>37</td>" in out


def test_the_language_is_part_of_every_key_a_charts_too(site):
    # a chart's months are in the site's language (Mär 2016): a German build never gets an English chart
    english, german = (Blocks(Settings.from_options({"language": lang}, site)) for lang in ("en", "de"))
    for job in (Job("stat", {}, "busiest_month"), Job("chart", {"type": "prs-per-month"})):
        assert english.key(job) != german.key(job), job
    again = Blocks(Settings.from_options({"language": "de"}, site))
    assert again.key(Job("chart", {"type": "prs-per-month"})) == german.key(Job("chart", {"type": "prs-per-month"}))


def test_month_names_on_their_own_and_short_in_the_sites_language():
    english, german = Words(), Words("de")
    assert [english.month_name(3), english.month_abbr(3), english.short_month("2016-03")] == [
        "March",
        "Mar",
        "Mar 2016",
    ]
    assert [german.month_name(3), german.month_abbr(3), german.short_month("2016-03")] == ["März", "Mär", "März 2016"]
    assert Words("fr").month_abbr(2) == "févr."


def test_a_languages_own_month_names_whichever_language_asked_first():
    # Babel resolves a stand-alone name a language inherits from the root once, for the first language
    # asking, and gave every later one its names: French after Japanese read 3月. A fresh process, as the
    # order is the point (the cache is Babel's, per process).
    import subprocess
    import sys

    code = (
        "from retroblog.util.words import Words\n"
        "print(Words('ja').month_abbr(3), Words('fr').month_name(3), Words('pt-BR').month_abbr(3),"
        " Words('de').month_abbr(3))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["3月", "mars", "mar.", "Mär"]


def test_the_plugin_takes_materials_language_and_falls_back_to_english(caplog):
    from retroblog.plugin import _language

    assert _language(SimpleNamespace(theme={"language": "de"})) == "de"  # type: ignore[arg-type]
    assert _language(SimpleNamespace(theme={})) == "en"  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING):
        assert _language(SimpleNamespace(theme={"language": "sh"})) == "en"  # type: ignore[arg-type]
    assert "'theme.language' 'sh'" in caplog.text and "written in English" in caplog.text
