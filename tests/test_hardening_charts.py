"""Issue 12: a chart's spec file and code come from the site, draw only what the page holds, and a user's
chart function is bounded in time and in the ways it can end.

- ``spec:`` resolves (symlinks followed) inside the folder of mkdocs.yml, is a regular file of a bounded
  size, and an error about it never quotes its text;
- ``altair:`` names a module of the site by its Python name, and its file is inside the site too;
- a chart that loads data from a URL or draws an image from one is refused, wherever in the spec it is;
- a chart function runs in a child process under ``chart_timeout``: never returning, ``sys.exit``,
  ``KeyboardInterrupt``, a bare ``BaseException`` and ``os._exit`` are each a page:line error, and the
  build fails, in a whole-site build (the worker process) and under the Markdown extension alone.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
import pytest

from retroblog.build.settings import Settings
from retroblog.errors import ConfigError, RetroblogError
from retroblog.markdown import RetroblogExtension
from tests.sitebuild import SiteBuild, build_site

CSV = "merged_at,additions,deletions,comments,repo\n" + "".join(
    f"2021-{m:02d}-0{d}T10:00:00Z,{m * 10 + d},{d},{d % 3},{'ab'[d % 2]}\n" for m in range(1, 7) for d in range(1, 4)
)
SECRET = "TOP-SECRET-7f3a"
"""Text of a file outside the site: no error, log line or page may show it."""
GOOD_SPEC = {"data": {"name": "by_month"}, "mark": "bar", "encoding": {"x": {"field": "month"}, "y": {"field": "prs"}}}
HANG_GUARD = 120
"""Seconds after which a conversion or build that has not ended fails its test (the old code hung)."""


def guarded(work: Callable[[], Any], seconds: float = HANG_GUARD) -> Any:
    """``work()``'s result (or its exception), failing the test if it has not ended after ``seconds``."""
    done: dict[str, Any] = {}

    def run() -> None:
        try:
            done["result"] = work()
        except BaseException as exc:  # (SystemExit too: it must reach the test, not end a thread)
            done["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"still running after {seconds} s", pytrace=False)
    if "error" in done:
        raise done["error"]
    return done["result"]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site in ``tmp_path/site`` (so ``tmp_path/outside`` is outside it), with one dataset."""
    root = tmp_path / "site"
    (root / "data").mkdir(parents=True)
    (root / "data" / "work.csv").write_text(CSV)
    (tmp_path / "outside").mkdir()
    return root


def convert(site: Path, block: str, **config: Any) -> str:
    """A page of two lines and then ``block``, as ``post.md`` (so the block's fence is line 3)."""
    ext = RetroblogExtension(root=str(site), **config)
    ext.page, ext.line_offset = "post.md", 2
    return str(guarded(lambda: markdown.markdown(block + "\n", extensions=[ext])))


def error_of(site: Path, block: str, **config: Any) -> str:
    with pytest.raises(RetroblogError) as info:
        convert(site, block, **config)
    return str(info.value)


def spec_block(path: str | Path) -> str:
    return f"```chart\nspec: {json.dumps(str(path))}\n```"


# -- 1. spec files: inside the site, regular, bounded, never quoted -----------------------------------


def outside_spec(site: Path, text: str | None = None) -> Path:
    secret = site.parent / "outside" / "secret.json"
    secret.write_text(text if text is not None else json.dumps({**GOOD_SPEC, "title": SECRET}))
    return secret


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink", "symlinked folder"])
def test_a_spec_file_outside_the_site_is_refused_without_its_content(site, how):
    secret = outside_spec(site)
    if how == "absolute":
        given = str(secret)
    elif how == "dotdot":
        given = "../outside/secret.json"
    elif how == "symlink":
        (site / "chart.json").symlink_to(secret)
        given = "chart.json"
    else:
        (site / "specs").symlink_to(secret.parent, target_is_directory=True)
        given = "specs/secret.json"
    message = error_of(site, spec_block(given))
    assert message.startswith(f"post.md:3: chart block: spec file {given!r} is outside the site's folder"), message
    assert "folder of mkdocs.yml" in message and SECRET not in message
    shown = convert(site, spec_block(given), on_error="show")  # `mkdocs serve`: the error on the page
    assert "outside the site" in shown and SECRET not in shown and "<svg" not in shown
    # a symlink that stays in the site is followed
    (site / "specs-of-the-site").mkdir()
    (site / "specs-of-the-site" / "real.json").write_text(json.dumps(GOOD_SPEC))
    (site / "mine.json").symlink_to(site / "specs-of-the-site" / "real.json")
    assert "<svg" in convert(site, spec_block("mine.json"))


def test_an_invalid_spec_file_is_named_by_line_and_never_quoted(site):
    (site / "bad.yaml").write_text(f"mark: bar\ntitle: [{SECRET}\nencoding: {{\n")
    (site / "bad.json").write_text('{"mark": "bar",\n "title": "' + SECRET + '",,\n}')
    yaml_error = error_of(site, spec_block("bad.yaml"))
    json_error = error_of(site, spec_block("bad.json"))
    assert yaml_error.startswith("post.md:3: chart block: spec file 'bad.yaml' is not valid JSON/YAML: line "), (
        yaml_error
    )
    assert json_error.startswith("post.md:3: chart block: spec file 'bad.json' is not valid JSON/YAML: line 2: "), (
        json_error
    )
    assert SECRET not in yaml_error + json_error and "\n" not in yaml_error + json_error
    # an invalid file outside the site: refused before it is read, so nothing of it reaches the log
    secret = outside_spec(site, f"mark: [{SECRET}\n")
    assert SECRET not in error_of(site, spec_block(secret))


def test_a_fifo_a_folder_and_a_huge_file_are_not_spec_files(site):
    os.mkfifo(site / "pipe.json")  # reading it would wait for a writer forever
    (site / "folder.json").mkdir()
    with (site / "huge.json").open("wb") as handle:
        handle.truncate(10_000_001)  # sparse: no disk used
    for name in ("pipe.json", "folder.json"):
        message = error_of(site, spec_block(name))
        assert message == f"post.md:3: chart block: spec file {name!r} is not a regular file (a folder, FIFO or device)"
    message = error_of(site, spec_block("huge.json"))
    assert message.startswith("post.md:3: chart block: spec file 'huge.json' is 10,000,001 bytes; a spec file holds")


# -- 2. chart modules: a Python name of a module inside the site ----------------------------------------

IMPORTED = "Path(__file__).with_name('imported').write_text('yes')\n"


def outside_module(site: Path) -> Path:
    module = site.parent / "outside" / "mod.py"
    module.write_text(f"from pathlib import Path\n{IMPORTED}\ndef fn(prs):\n    raise SystemExit('{SECRET}')\n")
    return module


@pytest.mark.parametrize("how", ["absolute", "dotted", "slashes", "symlink"])
def test_a_chart_module_outside_the_site_is_never_imported(site, how):
    module = outside_module(site)
    if how == "absolute":
        target = f"{module.with_suffix('')}:fn"
    elif how == "dotted":
        target = "..outside.mod:fn"
    elif how == "slashes":
        target = "../outside/mod:fn"
    else:
        (site / "charts.py").symlink_to(module)
        target = "charts:fn"
    message = error_of(site, f"```chart\naltair: {json.dumps(target)}\n```")
    if how == "symlink":
        assert message.startswith("post.md:3: chart block: chart module 'charts.py' is outside the site's folder")
    else:
        assert message.startswith("post.md:3: chart block: 'altair' must name a module of the site by its Python")
    assert not (module.parent / "imported").exists(), "the outside module was imported"
    assert SECRET not in message


def test_a_module_of_the_site_is_a_dotted_name_and_no_other(site):
    """``pkg.sub`` is ``pkg/sub.py`` of the site; a name that is not a Python name is refused before
    any file is looked for."""
    message = error_of(site, "```chart\naltair: pkg/sub:fn\n```")
    assert message.startswith("post.md:3: chart block: 'altair' must name a module of the site by its Python name")
    (site / "pkg").mkdir()
    (site / "pkg" / "sub.py").write_text(
        "import altair as alt\n\n\ndef fn(prs):\n"
        "    return alt.Chart(alt.Data(values=[{'n': prs.height}])).mark_bar().encode(y='n:Q')\n"
    )
    out = convert(site, "```chart\naltair: pkg.sub:fn\n```")
    assert json.loads(_spec_attr(out))["data"]["values"] == [{"n": 18}]


def _spec_attr(out: str) -> str:
    import html
    import re

    match = re.search(r'data-retroblog-spec="([^"]*)"', out)
    assert match, out[:500]
    return html.unescape(match.group(1))


# -- 3. nothing fetched from another address ---------------------------------------------------------

URL = "https://example.com/prs.json"
IMAGE = "https://example.com/a.png"


@pytest.mark.parametrize(
    ("spec", "where"),
    [
        ({"data": {"url": URL}, "mark": "bar"}, "loads data from a URL (data.url)"),
        ({"layer": [GOOD_SPEC, {"data": {"url": URL}, "mark": "line"}]}, "loads data from a URL (layer[1].data.url)"),
        ({"hconcat": [GOOD_SPEC, {"data": {"url": URL}, "mark": "bar"}]}, "(hconcat[1].data.url)"),
        ({"vconcat": [{"layer": [{"data": {"url": URL}, "mark": "bar"}]}]}, "(vconcat[0].layer[0].data.url)"),
        ({"data": {"url": URL}, "facet": {"field": "year"}, "spec": {"mark": "bar"}}, "(data.url)"),
        ({"facet": {"field": "year"}, "spec": {"data": {"url": URL}, "mark": "bar"}}, "(spec.data.url)"),
        (
            {**GOOD_SPEC, "transform": [{"lookup": "month", "from": {"data": {"url": URL}, "key": "m"}}]},
            "loads data from a URL (transform[0].from.data.url)",
        ),
        ({**GOOD_SPEC, "datasets": {"remote": {"url": URL}}}, "loads data from a URL (datasets.remote.url)"),
        (
            {
                "data": {"values": [{"a": 1, "img": IMAGE}]},
                "mark": "image",
                "encoding": {"x": {"field": "a"}, "url": {"field": "img"}},
            },
            "draws an image from a URL (encoding.url)",
        ),
        (
            {"data": {"values": [{"a": 1}]}, "mark": "image", "encoding": {"url": {"value": IMAGE}}},
            "draws an image from a URL (encoding.url)",
        ),
        ({"data": {"values": [{"a": 1}]}, "mark": {"type": "image", "url": IMAGE}}, "(mark.url)"),
        ({**GOOD_SPEC, "config": {"image": {"url": IMAGE}}}, "draws an image from a URL (config.image.url)"),
    ],
)
def test_a_spec_that_fetches_from_another_address_is_refused(site, spec, where):
    (site / "remote.json").write_text(json.dumps(spec))
    message = error_of(site, spec_block("remote.json"))
    assert message.startswith("post.md:3: chart block: spec file 'remote.json' "), message
    assert where in message and "fetches nothing from another address" in message and "\n" not in message


def test_an_image_is_drawn_only_from_an_inline_data_uri(site):
    pixel = (
        "data:image/png;base64,"
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    spec = {"data": {"values": [{"a": 1}]}, "mark": "image", "encoding": {"x": {"field": "a"}, "url": {"value": pixel}}}
    (site / "inline.json").write_text(json.dumps({**spec, "usermeta": {"url": URL}}))
    assert "<svg" in convert(site, spec_block("inline.json"))
    remote = {**spec, "encoding": {**spec["encoding"], "url": {"value": IMAGE}}}
    (site / "remote.json").write_text(json.dumps(remote))
    assert "draws an image from a URL (encoding.url)" in error_of(site, spec_block("remote.json"))


URL_CHARTS = f"""
import altair as alt


def remote(prs):
    return alt.Chart(alt.Data(url={URL!r})).mark_bar().encode(x="a:Q")


def remote_layer(prs):
    mine = alt.Chart(alt.Data(values=[{{"a": 1}}])).mark_bar().encode(x="a:Q")
    return alt.layer(mine, alt.Chart(alt.Data(url={URL!r})).mark_tick().encode(x="a:Q"))


def picture(prs):
    rows = alt.Data(values=[{{"a": 1, "img": {IMAGE!r}}}])
    return alt.Chart(rows).mark_image().encode(x="a:Q", url="img:N")
"""


@pytest.mark.parametrize(
    ("function", "where"),
    [
        ("remote", "loads data from a URL (data.url)"),
        ("remote_layer", "loads data from a URL (layer[1].data.url)"),
        ("picture", "draws an image from a URL (encoding.url)"),
    ],
)
def test_an_altair_chart_that_fetches_from_another_address_is_refused(site, function, where):
    (site / "charts.py").write_text(URL_CHARTS)
    message = error_of(site, f"```chart\naltair: charts:{function}\n```")
    assert message.startswith(f"post.md:3: chart block: charts:{function} {where}"), message
    assert "\n" not in message


# -- 4. a user's chart function: bounded in time, every ending an error ---------------------------------

ENDINGS = """
import os
import sys
import time


def forever(prs):
    while True:
        time.sleep(0.05)


def exits(prs):
    sys.exit(0)


def interrupted(prs):
    raise KeyboardInterrupt("pressed")


def base(prs):
    raise BaseException("not an Exception")


def hard_exit(prs):
    os._exit(0)
"""
ENDING_ERRORS = {
    "forever": "charts:forever did not return a chart within 1 s and was stopped (the 'chart_timeout' option",
    "exits": "charts:exits failed: SystemExit: 0",
    "interrupted": "charts:interrupted failed: KeyboardInterrupt: pressed",
    "base": "charts:base failed: BaseException: not an Exception",
    "hard_exit": "charts:hard_exit ended its process (exit status 0) before it returned a chart",
}


@pytest.mark.parametrize("function", sorted(ENDING_ERRORS))
def test_every_ending_of_a_chart_function_is_a_page_error_under_the_extension(site, function):
    (site / "charts.py").write_text(ENDINGS)
    config = {"chart_timeout": 1} if function == "forever" else {}  # (an option the old code did not have)
    message = error_of(site, f"```chart\naltair: charts:{function}\n```", **config)
    assert message == f"post.md:3: chart block: {ENDING_ERRORS[function]}" or message.startswith(
        f"post.md:3: chart block: {ENDING_ERRORS[function]}"
    ), message


def test_a_chart_function_keeps_nothing_of_its_own_in_the_build(site):
    """Its module is imported in the chart process: a module named like the standard library's, and
    whatever it changes at import, stay there."""
    (site / "json.py").write_text(
        "import os\nimport altair as alt\nos.environ['RETROBLOG_TEST_LEAK'] = '1'\n\n\n"
        "def fn(prs):\n    return alt.Chart(alt.Data(values=[{'n': 1}])).mark_bar().encode(y='n:Q')\n"
    )
    out = convert(site, "```chart\naltair: json:fn\n```")
    assert "<svg" in out
    assert "RETROBLOG_TEST_LEAK" not in os.environ
    assert json.dumps is json.__dict__["dumps"] and hasattr(json, "JSONDecodeError")  # still the library's


SITE_YML = (
    "site_name: t\nsite_url: http://127.0.0.1/\ntheme: {name: material, font: false}\n"
    "plugins: [search, retroblog]\nmarkdown_extensions: [pymdownx.superfences]\n"
)


def site_build(root: Path, pages: dict[str, str], yml: str = SITE_YML) -> SiteBuild:
    (root / "mkdocs.yml").write_text(yml)
    for name, text in {"index.md": "# Home\n", **pages}.items():
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(text)
    done: SiteBuild = guarded(lambda: build_site(root))
    return done


@pytest.mark.slow
@pytest.mark.parametrize("function", sorted(ENDING_ERRORS))
def test_every_ending_of_a_chart_function_fails_the_site_build(site, function):
    (site / "charts.py").write_text(ENDINGS)
    yml = SITE_YML.replace("retroblog]", "{retroblog: {chart_timeout: 1}}]") if function == "forever" else SITE_YML
    done = site_build(site, {"post.md": f"# Post\n\nText.\n\n```chart\naltair: charts:{function}\n```\n"}, yml)
    assert done.returncode == 1, done.output[-3000:]
    assert f"post.md:5: chart block: {ENDING_ERRORS[function]}" in done.output, done.output[-3000:]
    assert "Traceback" not in done.output
    # computed by the worker process (which started the chart's process), not by the build itself
    outcomes = [future.result() for future in done.plugins["retroblog"].blocks._futures.values()]
    assert [type(outcome).__name__ for outcome in outcomes] == ["Failed"], outcomes


@pytest.mark.slow
def test_the_site_build_stays_up_after_a_chart_process_ends(site):
    """Under `mkdocs serve` a hard exit of one chart is its page's error box, and the next chart of
    the same build is drawn: the build's own process and its worker are untouched."""
    (site / "charts.py").write_text(
        ENDINGS + "\n\nimport altair as alt\n\n\ndef fine(prs):\n"
        "    return alt.Chart(alt.Data(values=[{'n': prs.height}])).mark_bar().encode(y='n:Q')\n"
    )
    (site / "mkdocs.yml").write_text(SITE_YML)
    pages = {
        "a.md": "# A\n\n```chart\naltair: charts:hard_exit\n```\n",
        "b.md": "# B\n\n```chart\naltair: charts:fine\n```\n",
    }
    for name, text in {"index.md": "# Home\n", **pages}.items():
        (site / "docs").mkdir(exist_ok=True)
        (site / "docs" / name).write_text(text)
    done: SiteBuild = guarded(lambda: build_site(site, strict=False, command="serve"))
    assert done.returncode == 0, done.output[-3000:]
    assert "a.md:3: chart block: charts:hard_exit ended its process" in done.output
    assert "<svg" in (done.site_dir / "b" / "index.html").read_text()


# -- the option --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -1, "soon", True, 3601])
def test_chart_timeout_must_be_a_sane_number_of_seconds(tmp_path, value):
    with pytest.raises(ConfigError, match="'chart_timeout' must be a number of seconds above 0 and at most 3600"):
        Settings.from_options({"chart_timeout": value}, tmp_path)
    assert Settings.from_options({}, tmp_path).chart_timeout == 30
    assert Settings.from_options({"chart_timeout": 2.5}, tmp_path).chart_timeout == 2.5
