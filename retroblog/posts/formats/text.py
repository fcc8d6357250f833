"""Posts copied as plain text (from a rendered Medium or Hashnode page) to mkdocs-material posts.

The first line is the title; a ``6 min read`` line (optionally ``· Apr 1, 2022``) gives the read
time (and the date); lines that repeat the title are dropped; ``•`` bullets become a list; a
short one-line paragraph without final punctuation becomes a ``##`` heading. The date comes from
that line, a ``YYYY-MM-DD`` file-name prefix or ``--date``. Text is escaped, so nothing in it
becomes HTML or a link.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from retroblog.errors import PostError
from retroblog.posts import mojibake
from retroblog.posts.common import check_dates, escape, excerpt, fixed_text, slugify
from retroblog.posts.dates import Fallback, PostDate, file_name_date, missing_date, parse_date
from retroblog.posts.model import Post, Report

_READ = re.compile(r"^(?P<minutes>\d{1,3})\s*min(?:ute)?s?\s+read(?:\s*[·•|-]\s*(?P<date>.+))?$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[•·▪◦‣∙]\s*(?P<text>.*)$")


def convert_text(text: str, path: str, report: Report, *, fallback: Fallback | None = None) -> Post:
    """A plain-text post as a mkdocs-material post."""
    report.format = "text"
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise PostError(path, 1, "the file is empty: the first line of a text post is its title")
    title = fixed_text(re.sub(r"\s+", " ", lines[first]).strip(), "title", path, first + 1, report)
    report.add("mapped", f"line {first + 1} → title")
    extra: dict[str, Any] = {"source": "text", "source_file": PurePath(path).name}
    readtime = None
    created: PostDate | None = None
    date_line: int | None = None
    body_start = first + 1
    for index in range(first + 1, min(first + 4, len(lines))):
        match = _READ.match(lines[index].strip())
        if match:
            readtime = int(match["minutes"])
            report.add("mapped", f"line {index + 1}: '{lines[index].strip()}' → readtime: {readtime}")
            if match["date"]:
                created = parse_date(match["date"].strip(), path=path, line=index + 1)
                date_line = index + 1
                report.add("mapped", f"line {index + 1}: date → date.created: {created.isoformat()}")
            body_start = index + 1
            break
    if created is None:
        from_name = file_name_date(PurePath(path).name)
        if fallback is not None and fallback.given:  # --date: the user's word over the file name's
            fallback.used = True
            created = fallback.date
            report.add("mapped", f"--date → date.created: {created.isoformat()}")
        elif from_name is not None:
            created = from_name[0]
            report.add("mapped", f"the file name's date → date.created: {created.isoformat()}")
        else:
            error = PostError(path, 1, "no date in the text or the file name: pass --date YYYY-MM-DD")
            created = missing_date(fallback, report, "no date in the text or the file name", error)
    check_dates(created, None, path=path, line=date_line, report=report)

    blocks: list[str] = []
    paragraph: list[tuple[int, str]] = []

    def flush() -> None:
        if not paragraph:
            return
        texts = [t for _, t in paragraph]
        number = paragraph[0][0]
        if all(_BULLET.match(t) for t in texts):
            items = [re.sub(r"\s{2,}", " ", _BULLET.match(t)["text"]).strip() for t in texts]  # type: ignore[index]
            blocks.append("\n".join(f"- {escape(item)}" for item in items))
            report.add("mapped", f"line {number}: '•' bullets → a list")
        elif len(texts) == 1 and _is_heading(texts[0]):
            blocks.append(f"## {escape(texts[0].strip())}")
            report.add("mapped", f"line {number}: '{texts[0].strip()}' → a ## heading")
        else:
            blocks.append(
                re.sub(
                    r"^(\s*)([#+-]|\d+[.)])(\s)",
                    r"\1\\\2\3",
                    escape(" ".join(t.strip() for t in texts)),
                )
            )
        paragraph.clear()

    for index in range(body_start, len(lines)):
        line = lines[index]
        if not line.strip():
            flush()
            continue
        if re.sub(r"\s+", " ", line).strip() == title and not paragraph:
            report.add("dropped", f"line {index + 1}: repeated title")
            continue
        fixed = mojibake.fix_text(line)
        if fixed != line:
            mojibake.report(mojibake.Repair(index + 1, line, fixed), path, report.add)
        paragraph.append((index + 1, fixed))
    flush()
    body = "\n\n".join(blocks)
    return Post(
        title=title,
        created=created,
        slug=slugify(title),
        body=excerpt(body, report),
        readtime=readtime,
        extra=extra,
    )


def _is_heading(line: str) -> bool:
    text = line.strip()
    return (
        0 < len(text) <= 60
        and text[0].isupper()
        and text[-1] not in ".,;:!?…)\"'”’"
        and not _BULLET.match(text)
        and len(text.split()) <= 8
    )
