"""Site builds: imported posts pass mkdocs-material's own validation in --strict builds; posts dropped in
as they came from Jekyll or Hashnode build leniently with one warning each; nonsense fails with file and line."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from tests.posts.helpers import copy_sample, run_import

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

CONFIG = f"""site_name: t
site_url: http://127.0.0.1:8000/
theme:
  name: material
  font: false
  custom_dir: {REPO / "overrides"}
plugins:
  - blog
  - tags
  - retroblog
"""


def _site(tmp_path: Path) -> Path:
    (tmp_path / "docs/blog/posts").mkdir(parents=True)
    (tmp_path / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "docs/blog/index.md").write_text("# Blog\n", encoding="utf-8")
    (tmp_path / "docs/blog/.authors.yml").write_text(
        "authors:\n  jdoe:\n    name: Jane Doe\n    description: Writer\n    avatar: blog/jdoe.svg\n", encoding="utf-8"
    )
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def _build(site: Path, *, strict: bool) -> None:
    config = load_config(config_file=str(site / "mkdocs.yml"), strict=strict)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        with contextlib.suppress(FileNotFoundError):  # the blog's temp folder, when the build stopped early
            config.plugins.on_shutdown()


def test_imported_samples_pass_material_validation_strictly(samples: Path, tmp_path: Path) -> None:
    site = _site(tmp_path)
    for sample in ("jekyll", "hashnode", "medium", "text"):
        copy_sample(samples, sample, tmp_path)
    result = run_import(
        tmp_path, "src/jekyll", "src/hashnode", "src/medium", "--to", "docs/blog/posts", "--author", "jdoe"
    )
    assert result.exit_code == 0, result.output
    text = run_import(tmp_path, "src/text", "--to", "docs/blog/posts", "--date", "2022-04-02")
    assert text.exit_code == 0, text.output
    _build(site, strict=True)
    out = site / "site/blog"
    pages = sorted(str(p.relative_to(out).parent) for p in out.glob("20*/*/*/*/index.html"))
    assert pages == [
        "2022/04/01/moving-on",
        "2022/04/02/moving-on",
        "2022/08/06/three-years-on-the-resolver-team",
        "2022/09/06/why-i-keep-choosing-boring-infrastructure",
        "2023/01/15/infra-interviews",
    ]
    resolver = (out / "2022/08/06/three-years-on-the-resolver-team/index.html").read_text(encoding="utf-8")
    assert '<img src="https://images.example.org/covers/resolver.jpeg" alt="" loading="lazy">' in resolver
    assert "It’s a tier-0 service" in resolver
    assert '<time datetime="2022-08-06 00:00:00+00:00"' in resolver
    infra = (out / "2023/01/15/infra-interviews/index.html").read_text(encoding="utf-8")
    assert 'href="../../../../category/interviewing/"' in infra
    assert (out / "category/career/index.html").is_file()
    assert (out / "archive/2022/index.html").is_file()


def test_posts_dropped_in_as_they_are_build_leniently(
    samples: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = _site(tmp_path)
    for source in [*(samples / "jekyll/_posts").iterdir(), *(samples / "hashnode").iterdir()]:
        shutil.copy(source, site / "docs/blog/posts" / source.name)
    with caplog.at_level(logging.WARNING):
        _build(site, strict=False)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "retroblog" in r.name]
    assert len(warnings) == 3
    assert warnings[1] == (
        "retroblog: docs/blog/posts/2023-01-15-infra-interviews.md: read leniently (date '2023-01-15 09:30:00 -0600' → "
        "2023-01-15T09:30:00-06:00; categories 'interviewing career' → a list; tags 'sre devops' → a list); "
        "to convert it for good, move it out of docs/ and run 'retroblog import FILE --to docs/blog/posts'"
    )
    assert (site / "site/blog/2022/09/06/why-i-keep-choosing-boring-infrastructure/index.html").is_file()
    source = (site / "docs/blog/posts/2023-01-15-infra-interviews.md").read_bytes()
    assert source == (samples / "jekyll/_posts/2023-01-15-infra-interviews.md").read_bytes()  # never rewritten
    with pytest.raises(Abort, match="in strict mode"):
        _build(site, strict=True)


def test_a_post_that_cannot_be_understood_fails_with_file_and_line(
    samples: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = _site(tmp_path)
    shutil.copy(samples / "bad/post-invalid-yaml.md", site / "docs/blog/posts/bad.md")
    with pytest.raises(Abort, match="Aborted with a BuildError!"):
        _build(site, strict=False)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == [
        "docs/blog/posts/bad.md:3: invalid YAML in the front matter: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence started on line 2)"
    ]


def test_example_site_feeds_carry_cover_and_description(tmp_path: Path) -> None:
    config = load_config(config_file=str(REPO / "mkdocs.yml"), strict=True, site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    feed = json.loads((tmp_path / "site/feed_json_created.json").read_text(encoding="utf-8"))
    items = {item["title"]: item for item in feed["items"]}
    payments = items["Two years on the payments team"]
    assert payments["image"] == "http://127.0.0.1:8000/blog/two-years-on-the-payments-team/payments-cover.svg"
    assert payments["content_html"] == "What two years of small pull requests to a payments gateway taught me."
    assert payments["date_published"] == "2020-03-02T00:00:00+00:00"
    rss = (tmp_path / "site/feed_rss_created.xml").read_text(encoding="utf-8")
    assert "<description>Notes from my last week, and what I handed over</description>" in rss
    assert (tmp_path / "site/blog/tags/index.html").is_file()
