"""``complete_enclosures``: the RSS enclosure of a cover gets the size of the file its URL names in the built site."""

from __future__ import annotations

from pathlib import Path

from retroblog.posts.blog.feeds import complete_enclosures

ITEM = '<item><title>{title}</title><enclosure url="{url}" type="image/svg+xml" length="{length}" /></item>'


def _feed(site: Path, *items: tuple[str, str, str]) -> Path:
    body = "".join(ITEM.format(title=t, url=u, length=n) for t, u, n in items)
    feed = site / "feed_rss_created.xml"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel>{body}</channel></rss>\n', encoding="utf-8")
    return feed


def test_unknown_lengths_become_file_sizes_on_the_site_and_zero_elsewhere(tmp_path: Path) -> None:
    cover = tmp_path / "blog/a b/cover.svg"
    cover.parent.mkdir(parents=True)
    cover.write_bytes(b"<svg/>" * 7)
    feed = _feed(
        tmp_path,
        ("local", "https://example.org/sub/blog/a%20b/cover.svg", "None"),
        ("known", "https://example.org/sub/blog/a%20b/cover.svg", "12"),
        ("remote", "https://cdn.example.com/x.svg", "None"),
        ("missing", "https://example.org/sub/blog/gone.svg", "None"),
        ("outside", "https://example.org/other/blog/a%20b/cover.svg", "None"),
    )
    problems = complete_enclosures(tmp_path, "https://example.org/sub/")
    assert problems == [
        "feed_rss_created.xml: the image https://example.org/sub/blog/gone.svg is not in the built site; "
        "its enclosure has length 0"
    ]
    text = feed.read_text(encoding="utf-8")
    lengths = [part.split('"', 1)[0] for part in text.split('length="')[1:]]
    assert lengths == [str(len(b"<svg/>" * 7)), "12", "0", "0", "0"]
    assert complete_enclosures(tmp_path, "https://example.org/sub/") == []  # nothing unknown is left


def test_feeds_without_enclosures_are_left_alone(tmp_path: Path) -> None:
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text("<urlset/>\n", encoding="utf-8")
    before = sitemap.stat().st_mtime_ns
    assert complete_enclosures(tmp_path, "https://example.org/") == []
    assert sitemap.stat().st_mtime_ns == before
