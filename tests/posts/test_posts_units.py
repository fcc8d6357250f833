"""Dates, mojibake repair, the field reader, Medium's HTML to Markdown and the lenient normalisation, as tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from retroblog.errors import PostError
from retroblog.posts import mojibake
from retroblog.posts.blog.lenient import decode, normalise
from retroblog.posts.dates import parse_date
from retroblog.posts.fields import Field, Fields, as_date, as_fixed_text, as_text
from retroblog.posts.formats.medium import convert_html
from retroblog.posts.frontmatter import read_post
from retroblog.posts.model import Report
from retroblog.posts.mojibake import fix_lines, fix_text

UTC = dt.UTC
CST = dt.timezone(dt.timedelta(hours=-6))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("August 06, 2022", dt.date(2022, 8, 6)),
        ("Aug 6 2022", dt.date(2022, 8, 6)),
        ("6 August 2022", dt.date(2022, 8, 6)),
        ("2022/08/06", dt.date(2022, 8, 6)),
        ("2022-08-06", dt.date(2022, 8, 6)),
        ("2015-11-17 16:16:01 -0600", dt.datetime(2015, 11, 17, 16, 16, 1, tzinfo=CST)),
        ("2015-11-17 16:16:01 -06:00", dt.datetime(2015, 11, 17, 16, 16, 1, tzinfo=CST)),
        ("2022-07-20T15:35:47.591Z", dt.datetime(2022, 7, 20, 15, 35, 47, 591000, tzinfo=UTC)),
        (
            "Sat Aug 03 2024 02:17:41 GMT+0000 (Coordinated Universal Time)",
            dt.datetime(2024, 8, 3, 2, 17, 41, tzinfo=UTC),
        ),
        ("Sat, 03 Aug 2024 02:17:41 +0000", dt.datetime(2024, 8, 3, 2, 17, 41, tzinfo=UTC)),
    ],
)
def test_dates_in_other_engines_shapes(text: str, expected: dt.date) -> None:
    assert parse_date(text, path="p.md", line=4) == expected


@pytest.mark.parametrize("text", ["06.08.2022", "next tuesday", "2022-02-30", "Foo 6, 2022", ""])
def test_dates_that_are_not_dates_name_file_and_line(text: str) -> None:
    with pytest.raises(PostError) as caught:
        parse_date(text, path="p.md", line=4)
    assert str(caught.value) == (
        f"p.md:4: 'date': cannot read '{text}' as a date; "
        "write it as 2022-08-06, 2022-08-06 10:00:00 or 2022-08-06T10:00:00+02:00"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019 â€“ a few", "2019 – a few"),
        ("The stack ðŸ¤“", "The stack 🤓"),
        ("Itâ€™s here", "It’s here"),
        ("CafÃƒÂ©", "Café"),
        # correct text, curly quotes and entities stay exactly as written
        ("“Hello” and it’s fine", "“Hello” and it’s fine"),
        ("Use &lt;div&gt; and `a &amp;&amp; b`", "Use &lt;div&gt; and `a &amp;&amp; b`"),
        ("ｆｕｌｌｗｉｄｔｈ ﬁ", "ｆｕｌｌｗｉｄｔｈ ﬁ"),
        ("SÃO PAULO", "SÃO PAULO"),
    ],
)
def test_mojibake_is_repaired_and_nothing_else(text: str, expected: str) -> None:
    assert fix_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "note"),
    [
        # a real post: the closing quote lost its last byte (0x9D has no Windows-1252 character)
        ("“Naming things.â€ -- Phil Karlton", "“Naming things.” -- Phil Karlton", "read as a closing quote"),
        ("â€œNaming things.â€ -- Phil Karlton", "“Naming things.” -- Phil Karlton", "read as a closing quote"),
        ("She said â€œhiâ€ and left", "She said “hi” and left", "read as a closing quote"),
        # no opening quote to tell: ftfy's reading stands, and it is flagged for the author
        ("naming things.â€ -- Phil", "naming things.†-- Phil", "or a dagger"),
    ],
)
def test_a_quote_that_lost_its_last_byte_is_repaired_from_its_context_and_flagged(
    text: str, expected: str, note: str
) -> None:
    assert fix_text(text) == expected
    (ambiguity,) = mojibake.ambiguities(text)
    assert note in ambiguity and "check it" in ambiguity


def test_an_unambiguous_repair_is_not_flagged() -> None:
    assert mojibake.ambiguities("Itâ€™s â€œfineâ€\x9d") == []
    assert mojibake.ambiguities("plain text, no mojibake") == []


def test_an_ambiguous_repair_is_a_check_line_of_the_import_report(tmp_path: Path) -> None:
    from tests.posts.helpers import run_import

    post = tmp_path / "src" / "_posts" / "2022-08-06-naming.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ntitle: Naming\n---\n\nAs he said: “Naming things.â€ -- Phil\n", encoding="utf-8")
    result = run_import(tmp_path, "src", "--to", "out/posts")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out/posts/2022-08-06-naming.md").read_text(encoding="utf-8")
    assert "“Naming things.” -- Phil" in text and "†" not in text
    checks = [line for line in result.output.splitlines() if line.startswith("  check: ")]
    assert checks == [
        "  check: src/_posts/2022-08-06-naming.md:5: column 28: 'â€' read as a closing quote '”' whose last byte "
        "was lost (a quote opens before it); check it"
    ]


def test_mojibake_inside_code_fences_is_left_alone() -> None:
    text = "Itâ€™s\n```\nItâ€™s code\n```\nItâ€™s"
    fixed, repairs = fix_lines(text, first_line=10)
    assert fixed == "It’s\n```\nItâ€™s code\n```\nIt’s"
    assert [r.line for r in repairs] == [10, 14]


def test_lenient_leaves_a_material_post_alone() -> None:
    text = "---\ndate:\n  created: 2022-08-06\ncategories:\n  - A\n---\n\nBody <!-- more -->\n"
    assert normalise(text, "docs/blog/posts/p.md").text is None


def test_lenient_only_canonicalises_a_scalar_date_without_a_warning() -> None:
    result = normalise("---\ndate: 2022-08-06\n---\n\nBody\n", "p.md")
    assert result.text == "---\ndate:\n  created: 2022-08-06\n---\n\nBody\n"
    assert result.changes == ()


def test_lenient_normalises_a_jekyll_post() -> None:
    text = (
        "---\ntitle: T\ndate: August 06, 2022\ncategories: a b\ntags: x y\npublished: false\n---\n\n"
        'Intro\n\n<!--more-->\n\n![i](u.png align="center")\n'
    )
    result = normalise(text, "p.md")
    assert result.text == (
        "---\ntitle: T\ndate:\n  created: 2022-08-06\ncategories:\n- a\n- b\ntags:\n- x\n- y\npublished: false\n"
        "draft: true\n---\n\nIntro\n\n<!-- more -->\n\n![i](u.png)\n"
    )
    assert result.changes == (
        "date 'August 06, 2022' → 2022-08-06",
        "categories 'a b' → a list",
        "tags 'x y' → a list",
        "published: false → draft: true",
        "'<!--more-->' → '<!-- more -->'",
        "' align=...' removed from image links",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Just text\n", "x.md:1: a blog post starts with front matter ('---', 'date: 2022-08-06', '---')"),
        ("---\ntitle: T\n---\n", "x.md:1: no 'date' in the front matter (the blog needs one, e.g. 'date: 2022-08-06')"),
        (
            "---\ntitle: T\ndate: someday\n---\n",
            "x.md:3: 'date': cannot read 'someday' as a date; "
            "write it as 2022-08-06, 2022-08-06 10:00:00 or 2022-08-06T10:00:00+02:00",
        ),
        (
            "---\ndate:\n  updated: 2022-01-01\n---\n",
            "x.md:2: 'date' as a mapping needs 'created' (and may have 'updated')",
        ),
        ("---\ndate: 2022-01-01\ndraft: maybe\n---\n", "x.md:3: 'draft': expected true or false, found 'maybe'"),
    ],
)
def test_lenient_refuses_what_it_cannot_understand(text: str, message: str) -> None:
    with pytest.raises(PostError) as caught:
        normalise(text, "x.md")
    assert str(caught.value) == message


def test_lenient_refuses_an_update_date_it_cannot_read() -> None:
    with pytest.raises(PostError) as caught:
        normalise("---\ndate: 2022-01-01\ntitle: T\nlast_modified_at: yesterday-ish\n---\n", "x.md")
    assert str(caught.value) == (
        "x.md:4: 'last_modified_at': cannot read 'yesterday-ish' as a date; "
        "write it as 2022-08-06, 2022-08-06 10:00:00 or 2022-08-06T10:00:00+02:00"
    )


def test_lenient_writes_markup_in_titles_and_tags_as_look_alikes() -> None:
    text = (
        "---\ntitle: \"</title><script>alert('t')</script> &amp; co\"\ndate: 2022-01-01\n"
        "description: 'x\" onload=\"alert(1)'\ntags: ['<img src=x onerror=alert(1)>', ok]\n"
        'categories: ["<b>bold</b>"]\nslug: \'x"><script>alert(1)</script>\'\n---\n\nBody\n'
    )
    result = normalise(text, "x.md")
    assert result.text is not None
    front = yaml.safe_load(result.text.split("---\n")[1])
    assert front["title"] == "＜/title＞＜script＞alert('t')＜/script＞ & co"
    assert front["description"] == "x” onload=”alert(1)"
    assert front["tags"] == ["＜img src=x onerror=alert(1)＞", "ok"]
    assert front["categories"] == ["＜b＞bold＜/b＞"]
    assert front["slug"] == "x-script-alert-1-script"
    assert "<" not in result.text.split("---\n")[1] and '"' not in result.text.split("---\n")[1]
    notice = "HTML markup written as look-alike characters (＜ ＞ ＆ “ ”) so it shows as text"
    assert result.changes == (
        f"title: {notice}",
        f"description: {notice}",
        f"categories: {notice}",
        f"tags: {notice}",
        "slug 'x\"><script>alert(1)</script>' → 'x-script-alert-1-script' (a part of the post's address)",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"---\ntitle: Caf\xe9\n---\n",
            "p.md:2: not UTF-8 (byte 0xE9, byte 11 of the line); 'retroblog import FILE' reads other encodings "
            "and repairs mojibake",
        ),
        (b"\xff\xfe-\x00", "p.md:1: not UTF-8 (byte 0xFF, byte 1 of the line); "),
    ],
)
def test_lenient_names_the_line_of_a_byte_that_is_not_utf8(data: bytes, message: str) -> None:
    with pytest.raises(PostError) as caught:
        decode(data, "p.md")
    assert str(caught.value).startswith(message)


def test_lenient_decodes_utf8_with_a_bom() -> None:
    assert decode("\ufeff---\ntitle: Café\n".encode(), "p.md") == "---\ntitle: Café\n"


def test_lenient_gives_a_very_long_title_a_slug_a_file_name_can_hold() -> None:
    title = " ".join(f"word{i}" for i in range(60))
    result = normalise(f"---\ntitle: {title}\ndate: 2022-01-01\n---\n\nBody\n", "x.md")
    assert result.text is not None
    slug = yaml.safe_load(result.text.split("---\n")[1])["slug"]
    assert len(slug) <= 80 and title.replace(" ", "-").startswith(slug + "-")  # whole words, cut at a hyphen
    assert result.changes == (f"a title of {len(title)} characters → slug '{slug}' (file names have a limit)",)
    short = normalise("---\ntitle: A short title\ndate: 2022-01-01\n---\n\nBody\n", "x.md")
    assert short.text is not None and "slug" not in short.text  # Material makes the slug of a short title


def _fields(front: str) -> tuple[Fields, Report]:
    report = Report(source="p.md")
    return Fields.of(read_post(f"---\n{front}---\n\nBody\n", "p.md"), report), report


def test_a_field_is_read_from_the_first_key_given_and_reported() -> None:
    fields, report = _fields("date: 2022-01-02\npublished_at: 2022-03-04T05:06:07Z\n")
    field = Field("date.created", ("published_at", "date"), as_date, note="{key} → date.created: {value}")
    assert fields.take(field) == ("published_at", dt.datetime(2022, 3, 4, 5, 6, 7, tzinfo=UTC))
    assert report.entries == [("mapped", "published_at → date.created: 2022-03-04T05:06:07+00:00")]
    assert fields.meta == {"date": dt.date(2022, 1, 2)}  # the other key is left for the format to keep
    assert fields.take(Field("image", ("cover",))) is None


def test_a_field_read_from_every_key_keeps_the_last_and_skips_empty_ones() -> None:
    fields, report = _fields("cover: ''\ncover_image: a.png\nmain_image: b.png\n")
    field = Field("image (cover)", ("cover", "cover_image", "main_image"), as_text, filled=True, every=True)
    assert fields.get(field) == "b.png"
    assert report.entries == [
        ("mapped", "cover_image → image (cover)"),
        ("mapped", "main_image → image (cover)"),
    ]
    assert fields.meta == {"cover": ""}


def test_fields_repair_mojibake_and_name_file_line_and_key_in_errors() -> None:
    fields, report = _fields("title: Itâ€™s here\ntags: [a, [b]]\nsubtitle: [x]\n")
    assert fields.get(Field("title", ("title",), as_fixed_text, note=None)) == "It’s here"
    assert report.entries == [("repaired", "p.md:2: mojibake in 'title': 'Itâ€™s here' → 'It’s here'")]
    with pytest.raises(PostError, match=r"^p.md:3: 'tags': expected names, found \['b'\] in the list$"):
        fields.names("tags")
    with pytest.raises(PostError, match=r"^p.md:4: 'description': expected a text, found a list$"):
        fields.get(Field("description", ("subtitle",), as_text, name="description"))


def test_fields_keep_extra_keys_under_retroblog_and_the_rest_by_format() -> None:
    fields, report = _fields("ogImage: o.png\ncareer: true\nodd: 1\n")
    header = Fields("p.md", {"caption": "C"}, report, lambda key: None, prefix="header.")
    extra: dict[str, object] = {}
    fields.extra({"ogImage": "og_image", "cuid": "source_id"}, extra)
    header.extra({"caption": "cover_caption"}, extra)
    raw = read_post("---\ncareer: true\n---\n", "p.md")
    assert fields.rest(raw, "hashnode", extra) == {"career": True}
    assert extra == {"og_image": "o.png", "cover_caption": "C", "hashnode": {"odd": 1}}
    assert [message for _, message in report.entries] == [
        "ogImage → retroblog.og_image",
        "header.caption → retroblog.cover_caption",
        "career: true (retroblog's own key)",
        "under retroblog.hashnode: odd",
    ]


MEDIUM = (
    '<h1 class="p-name">T</h1><time class="dt-published" datetime="2022-04-01">x</time>'
    '<section data-field="body" class="e-content"><section class="section"><div class="section-divider"><hr></div>'
    '<h3 class="graf graf--title">T</h3><p>First.</p>{}</section></section>'
)


def _medium(html: str) -> tuple[str, Report]:
    report = Report(source="p.html")
    post = convert_html(MEDIUM.format(html), "posts/2022-04-01_T-0a1b2c3d4e5f.html", report)
    return post.body.split("<!-- more -->\n\n", 1)[1], report


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        # hostile text stays text: no HTML, links, emphasis, stats or event attributes
        ('<p>Hi <script>alert(1)</script>there <b onclick="alert(2)">x</b></p>', "Hi there **x**"),
        # with attr_list, '{: onclick=...}' after a heading or an emphasis would be the element's attribute
        (
            "<h3>H {: onclick=alert(1) }</h3><p><em>x</em>{: onmouseover=alert(2)} {{ site.name }}</p>",
            "## H \\{: onclick=alert(1) \\}\n\n*x*\\{: onmouseover=alert(2)\\} \\{\\{ site.name \\}\\}",
        ),
        (
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; **b** [l](u) :stat[total_prs] a_b _c_</p>",
            "&lt;script&gt;alert(1)&lt;/script&gt; \\*\\*b\\*\\* \\[l\\](u) :stat\\[total_prs\\] a_b \\_c\\_",
        ),
        (
            '<p><a href="javascript:alert(1)">click</a> <a href="https://x.org/a_(b)">ok</a></p>',
            "click [ok](https://x.org/a_(b))",
        ),
        (
            '<p><a href="https://x.org/a) <script>alert(1)</script>">t</a></p>',
            "[t](https://x.org/a%29%20%3Cscript%3Ealert%281%29%3C/script%3E)",
        ),
        (
            '<figure><img src="https://x.org/a.png) <b>x</b>"></figure>',
            "![](https://x.org/a.png%29%20%3Cb%3Ex%3C/b%3E)",
        ),
        ('<figure><iframe src="javascript:alert(1)"></iframe></figure><p>z</p>', "z"),
        (
            '<figure><iframe src="https://x.org/e"></iframe><figcaption>Video</figcaption></figure>',
            "<https://x.org/e>\n\n*Video*",
        ),
        # a line of text never becomes a heading, a list or a rule (Python-Markdown reads '#tag' as a heading)
        (
            "<p>#tag</p><p># h</p><p>1. n</p><p>- i</p><p>---</p><p>a<br># b</p>",
            "\\#tag\n\n\\# h\n\n\\1. n\n\n\\- i\n\n\\---\n\na  \n\\# b",
        ),
        # code: Medium's <br> are its lines; nothing in it closes the fence
        ("<pre>a &lt; b<br>  c<br><strong>d</strong></pre>", "```\na < b\n  c\nd\n```"),
        ("<pre>```<br>~~~<br>x</pre>", "````\n```\n~~~\nx\n````"),
        ("<p>run <code>a`b</code> and <code>&lt;b&gt;</code></p>", "run `` a`b `` and `<b>`"),
        # structure the walker lost: spaces around emphasis, nested lists, paragraphs in a quote, dividers
        ("<p>a<strong> b </strong>c</p>", "a **b** c"),
        ("<ul><li>one<ul><li>inner</li></ul></li><li>two</li></ul>", "- one\n    - inner\n- two"),
        ("<blockquote><p>one</p><p>two</p></blockquote>", "> one\n>\n> two"),
        ('<p>a</p></section><section><div class="section-divider"><hr></div><p>b</p>', "a\n\n---\n\nb"),
        ("<p>non\u00a0breaking   and\n spaces</p>", "non\u00a0breaking and spaces"),
    ],
)
def test_medium_html_becomes_markdown_that_shows_it_as_text(html: str, markdown: str) -> None:
    assert _medium(html)[0] == markdown


def test_medium_reports_name_the_line_of_the_element() -> None:
    html = '<h1 class="p-name">T</h1>\n\n<time class="dt-published"\n datetime="someday">x</time>'
    with pytest.raises(PostError) as caught:
        convert_html(html, "p.html", Report(source="p.html"))
    assert str(caught.value).startswith("p.html:3: 'time.dt-published': cannot read 'someday' as a date")
    report = Report(source="p.html")
    convert_html(
        '<title>T</title>\n<h1 class="p-name">Itâ€™s</h1><time class="dt-published" datetime="2022-01-01">x</time>'
        '<section class="e-content"><p>x</p></section>',
        "p.html",
        report,
    )
    assert report.entries[:2] == [
        ("repaired", "p.html:2: mojibake in 'title': 'Itâ€™s' → 'It’s'"),
        ("mapped", "h1.p-name → title"),
    ]


@pytest.mark.parametrize("readtime", ["²", "5²", "٣ min"])
def test_lenient_refuses_a_read_time_in_digits_that_are_not_ascii(readtime: str) -> None:
    """``str.isdigit`` is true for "²" and "٣", which ``int`` refuses: the post's line, not a traceback."""
    with pytest.raises(PostError, match=r"post\.md:3: 'readtime': expected minutes such as 5"):
        normalise(f"---\ndate: 2021-01-01\nreadtime: {readtime}\n---\n\nText\n", "post.md")
