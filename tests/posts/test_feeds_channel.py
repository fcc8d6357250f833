"""``complete_channel_images``: a feed names the site's icon, never ``None`` (mkdocs-rss-plugin without ``image``)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from retroblog.posts.blog.feeds import complete_channel_images

RSS = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0">
  <channel>
    <title>t</title>
    <image>
      <url>None</url>
      <title>t</title>
      <link>https://example.org/sub/</link>
    </image>
    <item><title>a</title></item>
  </channel>
</rss>
"""
JSON_FEED = (
    '{\n    "version": "https://jsonfeed.org/version/1",\n    "icon": null,\n    "title": "t",\n    "items": []\n}\n'
)


def _write(site: Path) -> None:
    (site / "feed_rss_created.xml").write_text(RSS)
    (site / "feed_json_created.json").write_text(JSON_FEED)


def test_feeds_get_the_sites_favicon_as_their_image(tmp_path):
    _write(tmp_path)
    (tmp_path / "assets" / "images").mkdir(parents=True)
    (tmp_path / "assets" / "images" / "favicon.png").write_bytes(b"\x89PNG")
    assert complete_channel_images(tmp_path, "https://example.org/sub/", "assets/images/favicon.png") == 2
    channel = ET.parse(tmp_path / "feed_rss_created.xml").getroot().find("channel")
    assert channel is not None
    assert channel.findtext("image/url") == "https://example.org/sub/assets/images/favicon.png"
    assert channel.findtext("image/link") == "https://example.org/sub/"
    feed = json.loads((tmp_path / "feed_json_created.json").read_text())
    assert feed["icon"] == "https://example.org/sub/assets/images/favicon.png" and feed["title"] == "t"
    assert complete_channel_images(tmp_path, "https://example.org/sub/", "assets/images/favicon.png") == 0  # done


def test_without_a_favicon_the_optional_image_is_left_out(tmp_path):
    _write(tmp_path)
    assert complete_channel_images(tmp_path, "https://example.org/", "assets/images/favicon.png") == 2
    channel = ET.parse(tmp_path / "feed_rss_created.xml").getroot().find("channel")
    assert channel is not None and channel.find("image") is None and channel.findtext("item/title") == "a"
    feed = json.loads((tmp_path / "feed_json_created.json").read_text())
    assert "icon" not in feed and feed["version"] == "https://jsonfeed.org/version/1"
