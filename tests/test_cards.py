"""Social cards (issue 16): a 1200 x 630 PNG and Open Graph tags for every post and the home page."""

from __future__ import annotations

import logging
import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

import retroblog.build.cards as cards_module
from retroblog.build.cards import card_choice, site_accent
from retroblog.errors import ConfigError
from retroblog.plugin import RetroblogPlugin
from retroblog.render.meta import title_lines

POST_PAGE = re.compile(r"blog/\d{4}/\d{2}/\d{2}/[^/]+/index\.html$")
REQUIRED = ("og:title", "og:type", "og:image", "og:url")
"""Open Graph's required properties (ogp.me, "Basic Metadata")."""
SECRETS = ("ZqRepoSecret-0", "ZqRepoSecret-1", "zqlabelsecret-0", "zqlabelsecret-1")


class _Head(HTMLParser):
    """The ``<meta property|name=... content=...>`` tags of a page's head, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str]] = []
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head":
            self.in_head = True
        if tag == "meta" and self.in_head:
            found = dict(attrs)
            name = found.get("property") or found.get("name")
            if name and (name.startswith(("og:", "twitter:"))):
                self.tags.append((name, found.get("content") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False


def social(page: Path) -> list[tuple[str, str]]:
    parser = _Head()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tags


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        chunks.append((kind, data[at + 8 : at + 8 + length]))
        at += 12 + length
    return chunks


def png_size(data: bytes) -> tuple[int, int]:
    kind, header = png_chunks(data)[0]
    assert kind == b"IHDR"
    width, height = struct.unpack(">II", header[:8])
    return width, height


def png_text(data: bytes) -> bytes:
    """Every text chunk of a PNG (tEXt, zTXt, iTXt, eXIf), decompressed where compressed."""
    out = b""
    for kind, body in png_chunks(data):
        if kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            out += key + zlib.decompress(rest[1:])
        elif kind in (b"tEXt", b"iTXt", b"eXIf"):
            out += body
    return out


def check_open_graph(page: Path, site: Path, site_url: str, kind: str) -> dict[str, str]:
    """The page's tags validate as Open Graph with one image, a 1200 x 630 PNG of the site; returns them."""
    tags = social(page)
    names = [name for name, _ in tags]
    for required in (*REQUIRED, "og:description", "og:image:width", "og:image:height", "og:image:alt"):
        assert names.count(required) == 1, (page, required, names)
    assert names.count("twitter:card") == 1
    found = dict(tags)
    assert found["og:type"] == kind and found["twitter:card"] == "summary_large_image"
    assert found["og:title"] and found["og:description"] and found["og:image:alt"]
    image = found["og:image"]
    assert image.startswith(site_url) and found["twitter:image"] == image, image
    data = (site / image.removeprefix(site_url)).read_bytes()
    assert png_size(data) == (1200, 630) == (int(found["og:image:width"]), int(found["og:image:height"]))
    assert found["og:url"].startswith(site_url)
    return found


# -- the example site ------------------------------------------------------------------------------------


def test_example_site_posts_and_home_have_cards(example_site):
    site_url = "http://127.0.0.1:8000/"  # mkdocs.yml's, SITE_URL unset in test builds
    posts = [p for p in example_site.rglob("index.html") if POST_PAGE.search(p.relative_to(example_site).as_posix())]
    assert len(posts) >= 5
    images = set()
    for post in posts:
        found = check_open_graph(post, example_site, site_url, "article")
        images.add(found["og:image"])
    assert len(images) == len(posts)  # one card a post
    home = check_open_graph(example_site / "index.html", example_site, site_url, "website")
    assert home["og:title"] == "retroblog"
    # Not on other pages (the blog's index, the docs)
    for other in ("blog/index.html", "charts/index.html", "configuration/index.html"):
        assert social(example_site / other) == [], other


# -- a blog of its own ---------------------------------------------------------------------------------

SITE_URL = "https://example.org/sub/"


def _blog(root: Path, posts: dict[str, str], *, accent: str = "deep-orange") -> Path:
    (root / "data").mkdir(parents=True)
    rows = "".join(
        f"202{y}-0{m}-1{d}T10:00:00Z,{m * 7 + d},2,Change {y}{m}{d},acme/widgets,https://git.example/{y}{m}{d},"
        f"{y}{m}{d},bug\n"
        for y in range(0, 3)
        for m in range(1, 7)
        for d in range(1, 3 + y)
    )
    header = "merged_at,additions,deletions,title,repo,url,number,labels\n"
    (root / "data" / "work.csv").write_text(header + rows)
    secret = "".join(
        f"2021-0{m}-1{d}T10:00:00Z,{m * 7 + d},2,Secret {m}{d},{SECRETS[d % 2]},https://git.example/s/{m}{d},"
        f"{m}{d},{SECRETS[2 + d % 2]}\n"
        for m in range(1, 7)
        for d in range(1, 4)
    )
    (root / "data" / "secret.csv").write_text(header + secret)
    blog = root / "docs" / "blog"
    (blog / "posts").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n\n```chart\ntype: prs-per-year\n```\n")
    (blog / "index.md").write_text("# Blog\n")
    (blog / ".authors.yml").write_text("authors:\n  jdoe:\n    name: Jane Doe\n    description: x\n    avatar: a.png\n")
    for name, text in posts.items():
        (blog / "posts" / f"{name}.md").write_text(text)
    (root / "mkdocs.yml").write_text(
        f"site_name: Cards test\nsite_url: {SITE_URL}\nsite_description: A test blog\n"
        f"theme:\n  name: material\n  font: false\n  palette:\n    scheme: default\n    accent: {accent}\n"
        "plugins:\n  - blog\n  - retroblog:\n      datasets:\n        work: {default: true}\n"
        "        secret: {private: true}\n"
        "markdown_extensions:\n  - pymdownx.superfences\n"
    )
    return root


def _post(title: str, body: str, front: str = "") -> str:
    return f"---\ndate: 2022-03-04\nauthors: [jdoe]\n{front}---\n\n# {title}\n\n{body}"


TWO_CHARTS = "```chart\ntype: prs-per-year\n```\n\nText.\n\n```chart\ntype: prs-per-month\n```\n"


def _post_page(site: Path, slug: str) -> Path:
    return next(p for p in site.rglob("index.html") if p.parent.name == slug)


@pytest.mark.slow
def test_cards_of_a_blog(tmp_path, build_site, monkeypatch):
    drawn: list[str] = []
    real_png = cards_module.png

    def record(svg: str, scale: float = 2) -> bytes:
        drawn.append(svg)  # the card's source, as vl-convert draws it
        return real_png(svg, scale)

    monkeypatch.setattr(cards_module, "png", record)
    root = _blog(
        tmp_path / "a",
        {
            "first": _post("First post", TWO_CHARTS),
            "second": _post("Second post", TWO_CHARTS, "retroblog:\n  card: prs-per-month\n  source: jekyll\n"),
            "third": _post("Third post", TWO_CHARTS, "retroblog:\n  card: 2\n"),
            "off": _post("No card", TWO_CHARTS, "retroblog: {card: false}\n"),
            "private": _post(
                "Quiet work", "```chart\ntype: prs-per-month\ndataset: secret\nrepo: ZqRepoSecret-1\n```\n"
            ),
        },
    )
    build = build_site(root)
    assert build.returncode == 0, build.output[-3000:]
    site = root / "site"
    first = check_open_graph(_post_page(site, "first-post"), site, SITE_URL, "article")
    assert "by Jane Doe" in first["og:image:alt"] and "Chart: PRs merged per year" in first["og:image:alt"]
    assert "PRs merged" in first["og:description"]  # no description in front matter: the figures
    for chosen in ("second", "third"):
        found = check_open_graph(_post_page(site, f"{chosen}-post"), site, SITE_URL, "article")
        assert "Chart: PRs merged per month" in found["og:image:alt"], chosen
    check_open_graph(site / "index.html", site, SITE_URL, "website")
    # card: false: no tags, no picture
    assert social(_post_page(site, "no-card")) == []
    cards = sorted(p.name for p in (site / "assets" / "retroblog" / "cards").iterdir())
    assert len(cards) == 5 and not any("no-card" in name for name in cards), cards
    # A private dataset's names: not in the card's source, nor in the PNG's text
    private = check_open_graph(_post_page(site, "quiet-work"), site, SITE_URL, "article")
    data = (site / private["og:image"].removeprefix(SITE_URL)).read_bytes()
    assert len(drawn) == 5 and any("Quiet work" in svg for svg in drawn)
    for secret in SECRETS:
        assert secret.encode() not in png_text(data) and secret.encode() not in data
        assert not any(secret in svg for svg in drawn), secret
        assert secret not in "".join(value for _, value in social(_post_page(site, "quiet-work")))
    # The site's accent (deep-orange) draws the card's accent bar and series 1
    assert all('fill="#ff6e42"' in svg for svg in drawn)
    # Cached: a second build with the same cache draws no card, and writes the same bytes
    again = build_site(root, site_dir=root / "site-warm")
    assert again.returncode == 0, again.output[-3000:]
    assert again.plugins["retroblog"].cards.drawn == 0 and len(drawn) == 5  # type: ignore[attr-defined]
    # Deterministic: a cold build of a copy (its own cache) writes the same PNGs, byte for byte
    other = _blog(tmp_path / "b", {name.removesuffix(".md"): p.read_text() for name, p in _posts(root).items()})
    assert build_site(other).returncode == 0
    for name in cards:
        card = Path("assets/retroblog/cards", name)
        assert (
            (site / card).read_bytes()
            == (root / "site-warm" / card).read_bytes()
            == (other / "site" / card).read_bytes()
        )


def _posts(root: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted((root / "docs" / "blog" / "posts").glob("*.md"))}


@pytest.mark.slow
def test_a_card_naming_a_private_repository_fails_the_build(tmp_path, build_site):
    # the title is the author's, but the card would carry a private repository's name: the guard says so
    root = _blog(
        tmp_path,
        {"leak": _post("Work on ZqRepoSecret-1", "```chart\ntype: prs-per-month\ndataset: secret\n```\n")},
    )
    build = build_site(root)
    assert build.returncode == 1
    assert "the social card" in build.output and "private dataset 'secret'" in build.output
    assert "Traceback" not in build.output


@pytest.mark.slow
def test_a_card_choosing_a_missing_chart_names_the_page(tmp_path, build_site):
    root = _blog(tmp_path, {"wrong": _post("Wrong", TWO_CHARTS, "retroblog: {card: 3}\n")})
    build = build_site(root)
    assert build.returncode == 1
    assert "wrong.md: front matter 'retroblog.card: 3': the page has 2 charts" in build.output


# -- units ---------------------------------------------------------------------------------------------


def test_front_matter_choice():
    assert card_choice({}, "p.md") is True
    assert card_choice({"retroblog": {"source": "jekyll"}}, "p.md") is True  # the importer's keys
    assert card_choice({"retroblog": {"card": False}}, "p.md") is False
    assert card_choice({"retroblog": {"card": 2}}, "p.md") == 2
    assert card_choice({"retroblog": {"card": "prs-per-year"}}, "p.md") == "prs-per-year"
    for wrong in (0, -1, "", 1.5, [1]):
        with pytest.raises(ConfigError, match=r"p\.md: front matter 'retroblog.card' must be"):
            card_choice({"retroblog": {"card": wrong}}, "p.md")
    with pytest.raises(ConfigError, match="must be a mapping"):
        card_choice({"retroblog": "card"}, "p.md")


def test_accent_of_the_light_scheme():
    assert site_accent(None) == "#526cfe"  # Material's default, indigo
    assert site_accent({"accent": "teal"}) == "#00bda4"
    palette = [{"scheme": "slate", "accent": "red"}, {"scheme": "default", "accent": "amber"}]
    assert site_accent(palette) == "#ffaa00"
    assert site_accent({"accent": "custom"}) == "#526cfe"


def test_long_titles_are_cut_short():
    assert title_lines("Short") == ["Short"]
    lines = title_lines("word " * 40)
    assert len(lines) == 2 and lines[-1].endswith("…") and all(len(line) <= 34 for line in lines)
    assert title_lines("x" * 100) == ["x" * 33 + "…"]


def _plugin() -> RetroblogPlugin:
    plugin = RetroblogPlugin()
    plugin.load_config({})
    plugin.blocks = object()  # type: ignore[assignment]
    return plugin


def _config(plugins: dict[str, object]) -> SimpleNamespace:
    return SimpleNamespace(plugins=plugins, theme={"palette": {"accent": "red"}})


def test_materials_social_plugin_makes_the_cards(tmp_path, caplog):
    plugin = _plugin()
    social_plugin = SimpleNamespace(config=SimpleNamespace(enabled=True, cards=True))
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.retroblog.plugin"):
        for _ in range(2):  # two builds (mkdocs serve): said once
            assert plugin._cards(_config({"material/social": social_plugin}), tmp_path) is None  # type: ignore[arg-type]
    said = [r.getMessage() for r in caplog.records if "social plugin" in r.getMessage()]
    assert said == ["retroblog: Material's social plugin makes the social cards: retroblog draws none"]
    # a social plugin that is off, or draws no cards, leaves them to retroblog
    for config in (SimpleNamespace(enabled=False, cards=True), SimpleNamespace(enabled=True, cards=False)):
        made = plugin._cards(_config({"material/social": SimpleNamespace(config=config)}), tmp_path)  # type: ignore[arg-type]
        assert made is not None and made.accent == "#ff1a47"
    assert plugin._cards(_config({}), tmp_path) is not None  # type: ignore[arg-type]
