"""The site's career (``data/career.yml``) in its pages: the career timeline chart and a post's career note.

``SiteCareer`` finds the file in the data folder, loads it again only when it changes, and turns a
``career-timeline`` chart block or a ``career`` block into a ``Chart`` or HTML. The words come from
``retroblog.data.career``, the markup from ``retroblog.render.html``, the chart from
``retroblog.charts.career``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retroblog.build.options import CareerChartOptions, CareerNoteOptions
from retroblog.errors import ConfigError
from retroblog.render.html import career_note, career_table

if TYPE_CHECKING:
    from retroblog.charts.builtin import Chart
    from retroblog.data.career import Career


def context_html(career: Career, day: dt.date) -> str:
    """The "at this point in the career" note for a post dated ``day``; "" when no role is held that day."""
    context = career.at(day)
    if context is None:
        return ""
    return career_note(context.sentence(), context.since())


def career_table_html(career: Career) -> str:
    """The table of every role, promotions marked (for the career page)."""
    return career_table(career.table(), career.person)


class SiteCareer:
    """The career file of a site's data folder, loaded on demand."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._loaded: tuple[Any, Career] | None = None

    def path(self) -> Path:
        """The career file: ``career.yml`` (or ``.yaml``) in the data folder."""
        for name in ("career.yml", "career.yaml"):
            path = self.data_dir / name
            if path.is_file():
                return path
        raise ConfigError(f"no career file: expected {self.data_dir / 'career.yml'} (see docs/career.md)")

    def career(self) -> Career:
        """The career, loaded again only when its file changes."""
        from retroblog.data.career import load_career

        path = self.path()
        stamp = (path, path.stat().st_mtime_ns, path.stat().st_size)
        if self._loaded is None or self._loaded[0] != stamp:
            self._loaded = (stamp, load_career(path))
        return self._loaded[1]

    def chart(self, options: CareerChartOptions, until: dt.datetime | None) -> Chart:
        """The career timeline; ongoing roles end on ``until`` (the site passes the last merged PR of its
        datasets: a build never depends on today's date)."""
        from retroblog.charts.career import career_timeline

        return career_timeline(
            self.career(),
            width=options.width,
            height=options.height,
            title=options.title,
            description=options.description,
            until=until,
        )

    def note(self, options: Mapping[str, Any], page_date: dt.date | None) -> str:
        """A ``career`` block: the note for its date (or the post's), or with ``table: true`` the table of roles."""
        parsed = CareerNoteOptions.parse(options)
        if parsed.table:
            return career_table_html(self.career())
        day = parsed.day(page_date)
        return context_html(self.career(), day)
