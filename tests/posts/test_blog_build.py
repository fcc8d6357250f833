"""Site builds: imported posts pass mkdocs-material's own validation in --strict builds; posts dropped in
as they came from Jekyll or Hashnode build strictly, with one notice each; hostile text in them stays text;
nonsense fails with file and line; the blog's features (pagination, read time, authors, tags, covers, feeds)."""

from __future__ import annotations

import json
import logging
import math
import re
import shutil
import tempfile
import threading
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from mkdocs.config import load_config

from tests.posts.helpers import copy_fixture, run_import
from tests.sitebuild import SiteBuild, build_site

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
FEEDS = """  - rss:
      match_path: blog/posts/.*
      date_from_meta:
        as_creation: date.created
      json_feed_enabled: true
      use_git: false
"""


def _site(tmp_path: Path, config: str = CONFIG) -> Path:
    (tmp_path / "docs/blog/posts").mkdir(parents=True)
    (tmp_path / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "docs/blog/index.md").write_text("# Blog\n", encoding="utf-8")
    (tmp_path / "docs/blog/.authors.yml").write_text(
        "authors:\n  jdoe:\n    name: Jane Doe\n    description: Writer\n    avatar: blog/jdoe.svg\n", encoding="utf-8"
    )
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    return tmp_path


def _build(site: Path, *, strict: bool) -> SiteBuild:
    """Build ``site`` in this process (tests/sitebuild.py); the test fails unless the build finished."""
    done = build_site(site, strict=strict)
    assert done.returncode == 0, done.output[-3000:]
    return done


def test_imported_samples_pass_material_validation_strictly(fixtures: Path, tmp_path: Path) -> None:
    site = _site(tmp_path)
    for sample in ("jekyll", "hashnode", "medium", "text"):
        copy_fixture(fixtures, sample, tmp_path)
    result = run_import(
        tmp_path, "src/jekyll", "src/hashnode", "src/medium", "--to", "docs/blog/posts", "--author", "jdoe"
    )
    assert result.exit_code == 0, result.output
    text = run_import(tmp_path, "src/text", "--to", "docs/blog/posts", "--date", "2021-11-21")
    assert text.exit_code == 0, text.output
    _build(site, strict=True)
    out = site / "site/blog"
    pages = sorted(str(p.relative_to(out).parent) for p in out.glob("20*/*/*/*/index.html"))
    assert pages == [
        "2021/03/09/two-years-of-build-tooling",
        "2021/11/20/leaving-the-platform-team",
        "2021/11/21/leaving-the-platform-team",
        "2022/11/14/what-done-means-on-our-team",
        "2023/10/02/on-call-handbook",
    ]
    tooling = (out / "2021/03/09/two-years-of-build-tooling/index.html").read_text(encoding="utf-8")
    assert '<img src="https://images.example.net/headers/build-farm.jpg" alt="" loading="lazy">' in tooling
    assert "It’s the kind of setup" in tooling
    assert '<time datetime="2021-03-09 00:00:00+00:00"' in tooling
    handbook = (out / "2023/10/02/on-call-handbook/index.html").read_text(encoding="utf-8")
    assert 'href="../../../../category/operations/"' in handbook
    assert (out / "category/teamwork/index.html").is_file()
    assert (out / "archive/2021/index.html").is_file()
    # A Jekyll `excerpt` (and no <!--more-->) is what the blog index shows of the post, not only its description.
    index = (out / "index.html").read_text(encoding="utf-8")
    handbook = index[index.index('href="2023/10/02/on-call-handbook/"') :].split("</article>", 1)[0]
    assert "<p>Notes from rewriting our on-call handbook after a rough quarter</p>" in handbook
    assert "Our old handbook was written" not in handbook  # the body starts after the excerpt


def test_posts_dropped_in_as_they_are_build_strictly_with_a_notice_each(
    fixtures: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make build` (--strict) builds a dropped-in Jekyll or Hashnode post and says, once per file, what was read
    leniently: an INFO record (shown by `mkdocs build`), since strict mode aborts on any WARNING."""
    site = _site(tmp_path)
    for source in [*(fixtures / "jekyll/_posts").iterdir(), *(fixtures / "hashnode").iterdir()]:
        shutil.copy(source, site / "docs/blog/posts" / source.name)
    temporary = tmp_path / "tmp"  # where the plugin's normalised copies go, removed when the build ends
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    with caplog.at_level(logging.INFO):
        _build(site, strict=True)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert list(temporary.iterdir()) == []
    notices = [r.getMessage() for r in caplog.records if "retroblog" in r.name and "leniently" in r.getMessage()]
    advice = "to convert it for good, move it out of docs/ and run 'retroblog import FILE --to docs/blog/posts'"
    assert notices == [
        "retroblog: docs/blog/posts/2021-03-09-two-years-of-build-tooling.md: read leniently "
        "(date 'March 09, 2021' → 2021-03-09; '<!--more-->' → '<!-- more -->'; "
        "' align=...' removed from image links); " + advice,
        "retroblog: docs/blog/posts/2023-10-02-on-call-handbook.md: read leniently (date '2023-10-02 08:15:00 -0700' → "
        "2023-10-02T08:15:00-07:00; categories 'operations teamwork' → a list; tags 'oncall incident-response' → "
        "a list); " + advice,
        "retroblog: docs/blog/posts/clah3k9vd000208l5c2mzf7qe.md: read leniently (line 2: 'title' had unescaped quotes "
        "inside quotes; read as the whole line; datePublished 'Mon Nov 14 2022 08:05:12 GMT+0000 (Coordinated "
        "Universal Time)' → date 2022-11-14T08:05:12+00:00; tags 'teamwork, code-review, process' → a list; "
        "' align=...' removed from image links); " + advice,
    ]
    assert (site / "site/blog/2022/11/14/what-done-means-on-our-team/index.html").is_file()
    source = (site / "docs/blog/posts/2023-10-02-on-call-handbook.md").read_bytes()
    assert source == (fixtures / "jekyll/_posts/2023-10-02-on-call-handbook.md").read_bytes()  # never rewritten


def test_a_post_that_cannot_be_understood_fails_with_file_and_line(
    fixtures: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = _site(tmp_path)
    shutil.copy(fixtures / "bad/post-invalid-yaml.md", site / "docs/blog/posts/bad.md")
    done = build_site(site, strict=False)
    assert done.abort == "Aborted with a BuildError!", done.output[-3000:]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == [
        "docs/blog/posts/bad.md:4: invalid YAML in the front matter, in 'tags': expected ',' or ']', but got ':' "
        "(while parsing a flow sequence started on line 3)"
    ]


class _Live(HTMLParser):
    """What a page would run: script elements' text, event-handler attributes, elements by tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.in_script = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        self.handlers += [(tag, k) for k in values if k.startswith("on")]
        if tag == "script":
            self.in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def _live(html: str) -> _Live:
    parser = _Live()
    parser.feed(html)
    parser.close()
    return parser


HOSTILE_TITLE = "</title><script>alert('t')</script><img src=x onerror=alert(2)> &amp; co"
SAFE_TITLE = "＜/title＞＜script＞alert('t')＜/script＞＜img src=x onerror=alert(2)＞ & co"


def test_hostile_text_of_a_post_dropped_in_stays_text_in_pages_and_feeds(tmp_path: Path) -> None:
    site = _site(tmp_path, CONFIG + FEEDS)
    (site / "docs/blog/tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    (site / "docs/blog/posts/hostile.md").write_text(
        "---\n"
        f'title: "{HOSTILE_TITLE}"\n'
        "date: 2022-01-01\n"
        "description: 'x\" onload=\"alert(3)'\n"
        'categories: ["<script>alert(4)</script>"]\n'
        'tags: ["<img src=x onerror=alert(5)>"]\n'
        "---\n\nBody.\n",
        encoding="utf-8",
    )
    _build(site, strict=True)
    pages = sorted((site / "site").rglob("*.html"))
    showing = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        live = _live(html)
        assert not [s for s in live.scripts if "alert" in s], page
        assert live.handlers == [], page
        assert not [a for tag, a in live.tags if tag == "img" and a.get("src") == "x"], page
        if "＜/title＞＜script＞alert('t')" in "".join(live.text):
            showing.append(page.relative_to(site / "site").as_posix())
        descriptions = [a["content"] for tag, a in live.tags if tag == "meta" and a.get("name") == "description"]
        assert descriptions in ([], ["x” onload=”alert(3)"]), page
    # the title shows as text where the blog lists the post: its page, the index, the archive, category and tags
    (post_page,) = (site / "site/blog/2022/01/01").glob("*/index.html")
    (category_page,) = (site / "site/blog/category").glob("*/index.html")
    assert set(showing) >= {
        post_page.relative_to(site / "site").as_posix(),
        "blog/index.html",
        "blog/archive/2022/index.html",
        category_page.relative_to(site / "site").as_posix(),
        "blog/tags/index.html",
    }
    post = _live(post_page.read_text(encoding="utf-8"))
    assert SAFE_TITLE in "".join(post.text)
    assert "＜script＞alert(4)＜/script＞" in "".join(_live(category_page.read_text(encoding="utf-8")).text)
    assert "＜img src=x onerror=alert(5)＞" in "".join(_live((site / "site/blog/tags/index.html").read_text()).text)
    # feeds read the same text: not '&lt;' shown literally, not markup
    feed = json.loads((site / "site/feed_json_created.json").read_text(encoding="utf-8"))
    assert [item["title"] for item in feed["items"]] == [SAFE_TITLE]
    rss = ET.parse(site / "site/feed_rss_created.xml").getroot()
    assert [item.findtext("title") for item in rss.iter("item")] == [SAFE_TITLE]
    assert [item.findtext("description") for item in rss.iter("item")] == ["x” onload=”alert(3)"]
    assert "&amp;lt;" not in (site / "site/feed_rss_created.xml").read_text(encoding="utf-8")


class _Png(BaseHTTPRequestHandler):
    """127.0.0.1: every path is a small PNG."""

    PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.PNG)))
        self.end_headers()
        self.wfile.write(self.PNG)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_downloaded_html_images_are_found_on_the_built_page(tmp_path: Path) -> None:
    """MkDocs rewrites the links of Markdown, not of raw HTML: a downloaded <img> becomes a Markdown image whose
    built src is the copied file; one inside a block-level element (raw HTML) keeps its remote link, reported."""
    site = _site(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Png)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    (site / "src").mkdir()
    (site / "src/2022-04-04-img-post.md").write_text(
        f'---\ntitle: Img post\n---\n\nIntro.\n\n<img src="{base}/a.png" alt="An [a]" width="300" align="left">\n\n'
        f'![b]({base}/b.png)\n\n<figure><img src="{base}/c.png"></figure>\n\n```html\n<img src="{base}/d.png">\n```\n',
        encoding="utf-8",
    )
    try:
        result = run_import(site, "src", "--to", "docs/blog/posts", "--download-images")
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    source = "src/2022-04-04-img-post.md"
    assert (
        f"  mapped: {source}:7: <img> → a Markdown image (MkDocs rewrites the links of Markdown, not of raw HTML)\n"
        f"  dropped: {source}:7: <img> attributes width, align (a Markdown image has none)\n" in result.output
    )
    assert (
        f"  kept: {source}:11: image {base}/c.png is inside <figure> (raw HTML, where MkDocs does not rewrite links): "
        "not downloaded; the link is kept as it is\n" in result.output
    )
    _build(site, strict=True)
    page = "blog/2022/04/04/img-post/"
    html = (site / "site" / page / "index.html").read_text(encoding="utf-8")
    sources = [a["src"] for tag, a in _live(html.split('<article class="md-content__inner', 1)[1]).tags if tag == "img"]
    local = [urlparse(urljoin(f"http://127.0.0.1:8000/{page}", src)).path for src in sources[:2]]
    assert local == ["/blog/img-post/a.png", "/blog/img-post/b.png"]
    assert all((site / "site" / path.lstrip("/")).read_bytes() == _Png.PNG for path in local)
    assert sources[2:] == [f"{base}/c.png"]  # in raw HTML: remote, and not downloaded
    assert f"&lt;img src=&quot;{base}/d.png&quot;&gt;" in html  # in code: text, untouched
    assert not (site / "docs/blog/posts/img-post/c.png").exists()
    assert not (site / "docs/blog/posts/img-post/d.png").exists()


def test_a_post_that_is_not_utf8_fails_with_file_line_and_advice(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / "docs/blog/posts/latin1.md").write_bytes(b"---\ndate: 2022-01-01\ntitle: Caf\xe9 notes\n---\n\nBody.\n")
    done = build_site(site, strict=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert errors == [
        "ERROR   -  docs/blog/posts/latin1.md:3: not UTF-8 (byte 0xE9, byte 11 of the line); 'retroblog import FILE' "
        "reads other encodings and repairs mojibake"
    ]


FEATURES = CONFIG.replace(
    "  - blog\n", "  - blog:\n      post_readtime: true\n      authors_profiles: true\n      pagination_per_page: 5\n"
)
WORDS = 900


def test_blog_features_pagination_read_time_authors_tags_and_covers(tmp_path: Path) -> None:
    site = _site(tmp_path, FEATURES + FEEDS)
    (site / "docs/blog/tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    shutil.copy(REPO / "docs/blog/assets/jdoe.svg", site / "docs/blog/jdoe.svg")
    cover = REPO / "examples/imports/jekyll/assets/images/ledger-cover.svg"
    (site / "docs/blog/posts/covered").mkdir()
    shutil.copy(cover, site / "docs/blog/posts/covered/cover.svg")
    body = " ".join(["word"] * WORDS)
    for n in range(1, 8):  # seven posts and one with a cover: eight, over two pages of five
        (site / f"docs/blog/posts/p{n}.md").write_text(
            f"---\ntitle: Post number {n}\ndate: 2022-0{n}-01\nauthors: [jdoe]\ncategories: [Career]\n"
            f"tags: [{'odd' if n % 2 else 'even'}]\n---\n\nFirst paragraph of post {n}.\n\n<!-- more -->\n\n{body}\n",
            encoding="utf-8",
        )
    (site / "docs/blog/posts/covered.md").write_text(
        "---\ntitle: Covered\ndate: 2022-08-01\nimage: blog/covered/cover.svg\nauthors: [jdoe]\n---\n\nA cover.\n",
        encoding="utf-8",
    )
    _build(site, strict=True)
    out = site / "site/blog"

    def posts_on(page: Path) -> list[str]:
        return re.findall(
            r'<h2 id="[^"]*"><a [^>]*>(Post number \d|Covered)</a></h2>', page.read_text(encoding="utf-8")
        )

    # Pagination: newest first, five a page.
    assert posts_on(out / "index.html") == ["Covered", *(f"Post number {n}" for n in (7, 6, 5, 4))]
    assert posts_on(out / "page/2/index.html") == [f"Post number {n}" for n in (3, 2, 1)]
    # Read time on the post page: the words over Material's default 265 a minute, rounded up.
    minutes = math.ceil((WORDS + len(["First", "paragraph", "of", "post", "1."])) / 265)
    post = (out / "2022/01/01/post-number-1/index.html").read_text(encoding="utf-8")
    assert f"{minutes} min read" in post
    assert '<time datetime="2022-01-01 00:00:00+00:00" class="md-ellipsis">January 1, 2022</time>' in post
    assert '<a href="../../../../category/career/">Career</a>' in post
    # The author's page lists their posts, over two pages too.
    author = out / "author/jdoe/index.html"
    assert "Jane Doe" in author.read_text(encoding="utf-8")
    assert len(posts_on(author)) + len(posts_on(out / "author/jdoe/page/2/index.html")) == 8
    # The tags page lists every tag with links to its posts.
    tags = (out / "tags/index.html").read_text(encoding="utf-8")
    for tag, numbers in (("even", (2, 4, 6)), ("odd", (1, 3, 5, 7))):
        section = tags.split(f'<h2 id="tag:{tag}">', 1)[1].split("</ul>", 1)[0]
        assert re.findall(r'href="\.\./2022/0(\d)/01/post-number-\d/"', section) == [str(n) for n in numbers]
    # A local cover shows on the post page, and its address is the published file.
    page = out / "2022/08/01/covered/index.html"
    (img,) = re.findall(r'<figure class="retroblog-cover">\s*<img src="([^"]+)"', page.read_text(encoding="utf-8"))
    assert (page.parent / img).resolve().read_bytes() == cover.read_bytes()
    # ... and in the RSS feed with its length in bytes.
    rss = ET.parse(site / "site/feed_rss_created.xml").getroot()
    enclosures = [e.attrib for e in rss.iter("enclosure")]
    assert enclosures == [
        {
            "url": "http://127.0.0.1:8000/blog/covered/cover.svg",
            "type": "image/svg+xml",
            "length": str(cover.stat().st_size),
        }
    ]


def test_example_site_feeds_carry_cover_description_and_length(example_site: Path) -> None:
    feed = json.loads((example_site / "feed_json_created.json").read_text(encoding="utf-8"))
    items = {item["title"]: item for item in feed["items"]}
    ledger = items["Nine months on the ledger team"]
    assert ledger["image"] == "http://127.0.0.1:8000/blog/nine-months-on-the-ledger-team/ledger-cover.svg"
    assert ledger["content_html"] == "What nine months of small pull requests to a ledger service taught me."
    assert ledger["date_published"] == "2020-03-02T00:00:00+00:00"
    rss_file = example_site / "feed_rss_created.xml"
    assert "<description>Notes from my last week, and what I handed over</description>" in rss_file.read_text(
        encoding="utf-8"
    )
    # Every enclosure (a post's cover) has its length: the size of the file it names in the built site.
    enclosures = [e.attrib for e in ET.parse(rss_file).getroot().iter("enclosure")]
    assert len(enclosures) == 2
    for enclosure in enclosures:
        local = example_site / enclosure["url"].removeprefix("http://127.0.0.1:8000/")
        assert enclosure["length"].isdigit() and int(enclosure["length"]) == local.stat().st_size > 0
    assert (example_site / "blog/tags/index.html").is_file()


def test_example_site_description_is_one_attribute(example_site: Path) -> None:
    """Material writes site_description into content="..." unescaped: it must not hold a straight double quote."""
    config = load_config(config_file=str(REPO / "mkdocs.yml"))
    live = _live((example_site / "index.html").read_text(encoding="utf-8"))
    (meta,) = [a for tag, a in live.tags if tag == "meta" and a.get("name") == "description"]
    assert meta == {"name": "description", "content": config.site_description}


def test_a_remote_cover_image_is_not_fetched_by_the_build(tmp_path: Path) -> None:
    """Issue 14: the feed plugin asked the old platform for every remote cover's size (a HEAD, then a GET);
    a build asks no other host for anything, and the enclosure's length is 0 (unknown)."""
    asked: list[str] = []

    class Host(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            asked.append(f"HEAD {self.path}")
            self.send_response(200)
            self.send_header("content-length", "1234")
            self.end_headers()

        def do_GET(self) -> None:
            asked.append(f"GET {self.path}")
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Host)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cover = f"http://127.0.0.1:{server.server_address[1]}/cover.png"
    try:
        site = _site(tmp_path, CONFIG + FEEDS)
        (site / "docs/blog/posts/remote.md").write_text(
            f"---\ndate:\n  created: 2022-08-01\nimage: {cover}\n---\n\n# Remote\n\nText.\n",
            encoding="utf-8",
        )
        _build(site, strict=True)
    finally:
        server.shutdown()
        server.server_close()
    assert asked == []
    rss = ET.parse(site / "site/feed_rss_created.xml").getroot()
    assert [e.attrib for e in rss.iter("enclosure")] == [{"url": cover, "type": "image/png", "length": "0"}]


def test_an_error_in_a_posts_excerpt_names_the_post_never_a_page_the_blog_generates(tmp_path: Path) -> None:
    """Issue 14: errors in excerpts were named after the blog's own pages (blog/index.md:92,
    blog/category/...md:16), whose lines are not the post's."""
    site = _site(tmp_path)
    (site / "data").mkdir()
    (site / "data/work.csv").write_text("merged_at,additions\n2021-01-04T10:00:00Z,3\n", encoding="utf-8")
    (site / "docs/blog/posts/broken.md").write_text(
        "---\ndate:\n  created: 2022-01-01\ncategories:\n  - Work\n---\n\n# Broken\n\n"
        "I merged :stat[total_pr] PRs.\n\n<!-- more -->\n\nMore.\n",
        encoding="utf-8",
    )
    # A build stops at the post itself. A preview goes on and renders the blog's own pages, whose
    # excerpts of the post hold the same broken stat: they show the box, naming the post, and log nothing.
    preview = build_site(site, strict=False, command="serve")
    errors = [line for line in preview.output.splitlines() if "total_pr" in line]
    assert len(errors) == 1 and "blog/posts/broken.md:10: stat 'total_pr'" in errors[0], errors
    index = (site / "site/blog/index.html").read_text(encoding="utf-8")
    category = next((site / "site/blog/category").rglob("index.html")).read_text(encoding="utf-8")
    for page in (index, category):
        assert "retroblog-error" in page and "blog/posts/broken.md: stat" in page
        assert "blog/index.md" not in page and "blog/category/" not in page.split("retroblog-error", 1)[1][:300]
