"""``retroblog import`` never overwrites without --force, writes nothing on --dry-run, is deterministic,
and keeps hostile titles as text."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.posts.helpers import copy_fixture, run_import

SAMPLE = "hashnode/clah3k9vd000208l5c2mzf7qe.md"
WRITTEN = "out/posts/2022-11-14-what-done-means-on-our-team.md"


def test_dry_run_writes_nothing(fixtures: Path, tmp_path: Path) -> None:
    copy_fixture(fixtures, SAMPLE, tmp_path)
    result = run_import(tmp_path, f"src/{SAMPLE}", "--to", "out/posts", "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"-> {WRITTEN}: would write" in result.output
    assert result.output.endswith("1 would write (dry run: nothing written)\n")
    assert not (tmp_path / "out").exists()


def test_existing_posts_are_kept_unless_forced(fixtures: Path, tmp_path: Path) -> None:
    copy_fixture(fixtures, SAMPLE, tmp_path)
    target = tmp_path / WRITTEN
    target.parent.mkdir(parents=True)
    target.write_text("my edited post\n", encoding="utf-8")
    result = run_import(tmp_path, f"src/{SAMPLE}", "--to", "out/posts")
    assert result.exit_code == 1
    assert f"problem: {WRITTEN}: exists and differs; not overwritten (use --force)" in result.output
    assert target.read_text(encoding="utf-8") == "my edited post\n"
    forced = run_import(tmp_path, f"src/{SAMPLE}", "--to", "out/posts", "--force")
    assert forced.exit_code == 0, forced.output
    assert target.read_text(encoding="utf-8").startswith('---\ntitle: What "done" means on our team\n')
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary files left


def test_the_same_input_gives_the_same_bytes(fixtures: Path, tmp_path: Path) -> None:
    copy_fixture(fixtures, "jekyll", tmp_path)
    copy_fixture(fixtures, "medium", tmp_path)
    first = run_import(tmp_path, "src/jekyll", "src/medium", "--to", "a/posts")
    second = run_import(tmp_path, "src/jekyll", "src/medium", "--to", "b/posts")
    assert first.exit_code == second.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "a/posts").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b/posts").iterdir())
    for name in names:
        assert (tmp_path / "a/posts" / name).read_bytes() == (tmp_path / "b/posts" / name).read_bytes()
    again = run_import(tmp_path, "src/jekyll", "src/medium", "--to", "a/posts")
    assert again.output.splitlines()[-1] == "3 unchanged"


def test_hostile_titles_and_tags_stay_text(tmp_path: Path) -> None:
    source = tmp_path / "src/_posts/2022-01-01-x.md"
    source.parent.mkdir(parents=True)
    source.write_text(
        "---\n"
        "title: \"<script>alert('t')</script> &amp; co\"\n"
        "description: '\" onload=\"alert(1)'\n"
        'tags: ["<img src=x onerror=alert(1)>"]\n'
        "---\n\nBody.\n",
        encoding="utf-8",
    )
    result = run_import(tmp_path, "src/_posts", "--to", "out/posts")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out/posts/2022-01-01-x.md").read_text(encoding="utf-8")
    # look-alikes (fullwidth < > &, curly quotes) read the same in pages and feeds, and are never markup
    assert "title: ＜script＞alert('t')＜/script＞ & co\n" in text  # &amp; read as the '&' it stands for
    assert "description: “ onload=”alert(1)\n" in text
    assert "- ＜img src=x onerror=alert(1)＞\n" in text
    assert "<script" not in text and "<img" not in text
    assert "repaired: title: HTML markup written as look-alike characters (＜ ＞ ＆ “ ”) so it shows as text" in (
        result.output
    )


def test_local_images_are_copied_next_to_the_post(tmp_path: Path) -> None:
    site = tmp_path / "src"
    (site / "assets/images").mkdir(parents=True)
    (site / "assets/images/cover.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    (site / "_posts").mkdir()
    (site / "_posts/2022-01-01-covered.md").write_text(
        "---\ntitle: Covered\nheader:\n  overlay_image: /assets/images/cover.svg\n---\n\n"
        "![x](/assets/images/cover.svg)\n",
        encoding="utf-8",
    )
    result = run_import(tmp_path, "src/_posts", "--to", "out/blog/posts")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out/blog/posts/2022-01-01-covered.md").read_text(encoding="utf-8")
    assert "image: blog/covered/cover.svg\n" in text
    assert "![x](covered/cover.svg)" in text
    assert (tmp_path / "out/blog/posts/covered/cover.svg").read_bytes() == (
        site / "assets/images/cover.svg"
    ).read_bytes()


def _post_with_images(tmp_path: Path, *images: str) -> Path:
    """A Jekyll site in ``tmp_path/src`` whose one post shows ``images`` (Markdown or <img>); a secret file
    lies beside the site, outside the tree being imported."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.png").write_bytes(b"\x89PNG secret")
    site = tmp_path / "src"
    (site / "_posts").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "assets" / "ok.png").write_bytes(b"\x89PNG ok")
    post = site / "_posts" / "2022-01-01-escape.md"
    post.write_text("---\ntitle: Escape\n---\n\n" + "\n\n".join(images) + "\n", encoding="utf-8")
    return post


def _published(tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "out"
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} if out.exists() else {}


def test_images_from_outside_the_imported_tree_are_never_copied(tmp_path: Path) -> None:
    depth = "../" * (len(tmp_path.parts) + 2)  # enough to reach / from the post's folder, src/_posts
    post = _post_with_images(
        tmp_path,
        "![a](../../outside/secret.png)",
        f'<img src="{depth}etc/passwd" alt="p">',
        "![b](/../outside/secret.png)",
        f"![c]({tmp_path / 'outside' / 'secret.png'})",
        "![ok](/assets/ok.png)",
    )
    result = run_import(tmp_path, "src", "--to", "out/blog/posts")
    assert result.exit_code == 0, result.output
    published = _published(tmp_path)
    assert not any(b"secret" in data or b"root:" in data for name, data in published.items() if name.endswith("png"))
    assert [name for name in published if not name.endswith(".md")] == ["blog/posts/escape/ok.png"]
    text = (tmp_path / "out/blog/posts/2022-01-01-escape.md").read_text(encoding="utf-8")
    assert "![a](../../outside/secret.png)" in text and f'<img src="{depth}etc/passwd"' in text  # links kept
    assert "![ok](escape/ok.png)" in text
    outside = [line for line in result.output.splitlines() if "outside the folder being imported" in line]
    assert len(outside) == 3, result.output  # every escape reported, with its line
    # A path from / is one from the site's root (Jekyll's meaning), not from the machine's.
    assert f"image '{tmp_path / 'outside' / 'secret.png'}' not found next to the source" in result.output
    assert all(f"{post.relative_to(tmp_path)}:" in line or str(post) in line for line in outside), outside
    assert "copied to" not in "\n".join(outside)


def test_a_symlink_out_of_the_tree_is_not_followed_but_one_inside_is(tmp_path: Path) -> None:
    _post_with_images(tmp_path, "![s](../assets/link.png)", "![i](../assets/inner.png)")
    site = tmp_path / "src"
    (site / "assets" / "link.png").symlink_to(tmp_path / "outside" / "secret.png")
    (site / "assets" / "inner.png").symlink_to(site / "assets" / "ok.png")
    result = run_import(tmp_path, "src", "--to", "out/blog/posts")
    assert result.exit_code == 0, result.output
    published = _published(tmp_path)
    assert published["blog/posts/escape/inner.png"] == b"\x89PNG ok"
    assert not any(data == b"\x89PNG secret" for data in published.values())
    assert "'../assets/link.png' is outside the folder being imported" in result.output


def test_an_image_that_is_not_a_regular_file_is_not_read(tmp_path: Path) -> None:
    import os

    _post_with_images(tmp_path, "![f](../assets/pipe.png)", "![d](../assets/zero.png)", "![dir](../assets)")
    site = tmp_path / "src"
    os.mkfifo(site / "assets" / "pipe.png")  # reading it would wait forever
    (site / "assets" / "zero.png").symlink_to("/dev/zero")  # outside, and endless
    result = run_import(tmp_path, "src", "--to", "out/blog/posts")
    assert result.exit_code == 0, result.output
    assert "'../assets/pipe.png' is not a regular file: not copied" in result.output
    assert "'../assets/zero.png' is outside the folder being imported" in result.output
    assert "'../assets' is not a regular file: not copied" in result.output
    assert [name for name in _published(tmp_path) if not name.endswith(".md")] == []


def test_unknown_author_option_is_an_error(fixtures: Path, tmp_path: Path) -> None:
    copy_fixture(fixtures, SAMPLE, tmp_path)
    result = run_import(tmp_path, f"src/{SAMPLE}", "--to", "out/posts", "--author", "nobody")
    assert result.exit_code == 1
    assert result.output == "Error: --author 'nobody' is not an id in out/.authors.yml\n"


class _Images(BaseHTTPRequestHandler):
    """127.0.0.1: /cover.png is a PNG, /page.png answers HTML (not an image), anything else 404."""

    PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    def do_GET(self) -> None:
        if self.path == "/cover.png":
            body, kind, status = self.PNG, "image/png", 200
        elif self.path == "/page.png":
            body, kind, status = b"<html>login</html>", "text/html", 200
        else:
            body, kind, status = b"missing", "text/plain", 404
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_download_images_copies_remote_images_and_keeps_links_that_fail(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Images)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        (tmp_path / "src/_posts").mkdir(parents=True)
        (tmp_path / "src/_posts/2022-01-01-pictures.md").write_text(
            f"---\ntitle: Pictures\n---\n\n![ok]({base}/cover.png)\n\n![html]({base}/page.png)\n\n"
            f"![gone]({base}/gone.png)\n",
            encoding="utf-8",
        )
        linked = run_import(tmp_path, "src/_posts", "--to", "linked/posts", "--dry-run")
        assert (  # without the option, the report offers it
            "  kept: 3 remote images still on the old host (such as "
            f"{base}/cover.png): the page loads them from there, and they break when it goes; --download-images "
            "copies them next to the post\n" in linked.output
        )
        dry = run_import(tmp_path, "src/_posts", "--to", "out/posts", "--download-images", "--dry-run")
        assert dry.exit_code == 0 and not (tmp_path / "out").exists()
        assert "still on the old host" not in dry.output
        result = run_import(tmp_path, "src/_posts", "--to", "out/posts", "--download-images")
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out/posts/2022-01-01-pictures.md").read_text(encoding="utf-8")
    assert "![ok](pictures/cover.png)" in text
    assert (tmp_path / "out/posts/pictures/cover.png").read_bytes() == _Images.PNG
    # Failed downloads: the post keeps the remote link, and the report says why.
    assert f"![html]({base}/page.png)" in text and f"![gone]({base}/gone.png)" in text
    assert not (tmp_path / "out/posts/pictures/page.png").exists()
    source = "src/_posts/2022-01-01-pictures.md"
    assert (
        f"  problem: {source}:7: image {base}/page.png: download failed (not an image (text/html)); "
        "the remote link is kept\n" in result.output
    )
    assert (
        f"  problem: {source}:9: image {base}/gone.png: download failed (HTTP 404 Not Found); the remote link is kept\n"
        in result.output
    )
