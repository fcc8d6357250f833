"""A career timeline from ``data/career.yml``: employers, their teams, roles and promotions, with dates.

``load_career`` validates the file and names the line of every problem (``DatasetError``);
``Career.timeline()`` gives one row per role for a timeline chart, ``Career.table()`` the cells of the
table of roles and ``Career.at(day)`` the "at this point in the career" context of a post (employer,
team, role, time in the role), in words. Their markup is ``retroblog.render.html``'s; the timeline
chart itself is ``retroblog.charts.career`` (it needs Altair, which this module does not load).

```yaml
person: Jane Doe
employers:
  - name: Northwind Systems
    start: 2019-06-03
    end: 2022-05-31          # omit while still there
    teams:
      - name: Ledger
        start: 2019-06-03
        roles:
          - title: Software Engineer
            start: 2019-06-03
          - title: Senior Software Engineer
            start: 2020-09-01
            promotion: true
```
A team or role without ``end`` lasts until the next one starts (or its employer's end).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from retroblog.data.reading import read_dataset_bytes, safe_loader
from retroblog.errors import DatasetError
from retroblog.util.quote import QUOTE_CHARS, clipped, quoted

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
"""English month names, whatever the build machine's locale (``%B`` follows it)."""


@dataclass(frozen=True)
class Role:
    """One role on one team: where, what, from when to when (``end`` None: ongoing)."""

    employer: str
    team: str
    title: str
    start: dt.date
    end: dt.date | None
    promotion: bool = False


@dataclass(frozen=True)
class Context:
    """Where a career stood on a day: for a post's "at this point in the career" note."""

    day: dt.date
    role: Role
    days_at_employer: int
    days_in_role: int

    def sentence(self) -> str:
        """A plain sentence, e.g. "Senior Software Engineer on the Ledger team at Northwind Systems, …"."""
        years = self.days_at_employer / 365.25
        months = self.days_at_employer // 30
        if years >= 1:
            rounded = f"{years:.1f}".removesuffix(".0")
            tenure = f"{rounded} year{'' if rounded == '1' else 's'} in"
        elif months >= 1:
            tenure = f"{months} month{'' if months == 1 else 's'} in"
        else:
            tenure = "in the first month"
        team = self.role.team if self.role.team.lower().endswith(" team") else f"{self.role.team} team"
        return f"{self.role.title} on the {team} at {self.role.employer}, {tenure}."

    def since(self) -> str:
        """Since when the role is held, e.g. "In this role since 1 September 2020, after a promotion."."""
        role = self.role
        if self.days_in_role == 0:
            return "Promoted to this role that day." if role.promotion else "Started this role that day."
        return f"In this role since {long_date(role.start)}" + (", after a promotion." if role.promotion else ".")


@dataclass(frozen=True)
class Career:
    """The whole timeline, roles in date order."""

    person: str
    roles: tuple[Role, ...]
    employers: tuple[tuple[str, dt.date, dt.date | None], ...]

    def timeline(self) -> list[dict[str, Any]]:
        """One row per role: employer, team, role, start, end (ISO), promotion."""
        return [
            {
                "employer": r.employer,
                "team": r.team,
                "role": r.title,
                "start": r.start.isoformat(),
                "end": r.end.isoformat() if r.end else None,
                "promotion": r.promotion,
            }
            for r in self.roles
        ]

    def table(self) -> list[tuple[str, str, str, str, str]]:
        """The cells of the table of roles, one row per role: from, to ("now"), employer, team, role
        (promotions marked)."""
        return [
            (
                role.start.isoformat(),
                role.end.isoformat() if role.end else "now",
                role.employer,
                role.team,
                role.title + (" (promotion)" if role.promotion else ""),
            )
            for role in self.roles
        ]

    def at(self, day: dt.date) -> Context | None:
        """The role held on ``day`` (None before the first or between jobs); a datetime counts as its date."""
        if isinstance(day, dt.datetime):  # a blog post's date is often a datetime, which dates cannot compare to
            day = day.date()
        for role in self.roles:
            if role.start <= day and (role.end is None or day <= role.end):
                # the stint that holds the role: an employer may appear twice (left and came back)
                start = max(s for name, s, _ in self.employers if name == role.employer and s <= role.start)
                return Context(day, role, (day - start).days, (day - role.start).days)
        return None


def load_career(path: str | Path) -> Career:
    """Read and validate ``path``; every problem names its line."""
    path = Path(path)
    data = read_dataset_bytes(path)  # a regular file of bounded size: never a FIFO or /dev/zero
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError.single(
            path, f"byte 0x{data[exc.start]:02x} is not UTF-8", line=data.count(b"\n", 0, exc.start) + 1
        ) from None
    try:
        node = yaml.compose(text, Loader=safe_loader())  # nesting bounded: never a RecursionError
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        raise DatasetError.single(path, f"invalid YAML: {clipped(str(exc.problem))}", line=line) from None
    except yaml.YAMLError as exc:  # a control character
        raise DatasetError.single(path, f"invalid YAML: {clipped(' '.join(str(exc).split()))}") from None
    reader = _Reader(path)
    if not isinstance(node, yaml.MappingNode):
        raise DatasetError.single(path, "expected 'person:' and 'employers:'", line=1)
    top = reader.mapping(node, "the file")
    person = reader.text(top.get("person"), "person", node, required=False) or ""
    employers_node = top.get("employers")
    if not isinstance(employers_node, yaml.SequenceNode) or not employers_node.value:
        raise DatasetError.single(path, "'employers' must be a list of employers", line=_line(employers_node or node))
    roles: list[Role] = []
    employers: list[tuple[str, dt.date, dt.date | None]] = []
    lines: dict[int, int | None] = {}
    """Line of each role in the file, by the role object's id, for the overlap message."""
    for employer_node in employers_node.value:
        employer = reader.mapping(employer_node, "an employer")
        name = reader.text(employer.get("name"), "name", employer_node)
        start = reader.date(employer.get("start"), "start", employer_node)
        end = reader.date(employer.get("end"), "end", employer_node, required=False)
        reader.order(start, end, employer_node)
        employers.append((name, start, end))
        teams_node = employer.get("teams")
        if not isinstance(teams_node, yaml.SequenceNode) or not teams_node.value:
            raise DatasetError.single(
                path, f"{quoted(name)}: 'teams' must be a list", line=_line(teams_node or employer_node)
            )
        team_rows = []
        for team_node in teams_node.value:
            team = reader.mapping(team_node, "a team")
            team_name = reader.text(team.get("name"), "name", team_node)
            team_start = reader.date(team.get("start"), "start", team_node, required=False) or start
            team_end = reader.date(team.get("end"), "end", team_node, required=False)
            roles_node = team.get("roles")
            if not isinstance(roles_node, yaml.SequenceNode) or not roles_node.value:
                raise DatasetError.single(
                    path, f"team {quoted(team_name)}: 'roles' must be a list", line=_line(roles_node or team_node)
                )
            raw_roles = []
            for role_node in roles_node.value:
                role = reader.mapping(role_node, "a role")
                title = reader.text(role.get("title"), "title", role_node)
                role_start = reader.date(role.get("start"), "start", role_node, required=False) or team_start
                role_end = reader.date(role.get("end"), "end", role_node, required=False)
                promotion = role.get("promotion")
                flag = reader.constructed(promotion) if promotion is not None else False
                if not isinstance(flag, bool):
                    raise DatasetError.single(path, "'promotion' must be true or false", line=_line(promotion))
                if not start <= role_start or (end is not None and role_start > end):
                    raise DatasetError.single(
                        path,
                        f"role {quoted(title)} starts {role_start} outside {clipped(name, QUOTE_CHARS)} "
                        f"({start} to {end or 'now'})",
                        line=_line(role_node),
                    )
                if role_start < team_start or (team_end is not None and role_start > team_end):
                    raise DatasetError.single(
                        path,
                        f"role {quoted(title)} starts {role_start} outside team {quoted(team_name)} "
                        f"({team_start} to {team_end or 'now'})",
                        line=_line(role_node),
                    )
                raw_roles.append([title, role_start, role_end, flag, role_node])
            team_rows.append((team_name, team_start, team_end, raw_roles))
        flat = sorted(
            ((team_name, team_end, r) for team_name, _, team_end, rs in team_rows for r in rs),
            key=lambda item: item[2][1],
        )
        for index, (team_name, team_end, (title, role_start, role_end, flag, role_node)) in enumerate(flat):
            following = flat[index + 1][2][1] - dt.timedelta(days=1) if index + 1 < len(flat) else None
            for limit, what in ((team_end, f"team {quoted(team_name)}"), (end, clipped(name, QUOTE_CHARS))):
                if role_end is not None and limit is not None and role_end > limit:
                    raise DatasetError.single(
                        path, f"role {quoted(title)} ends {role_end}, after {what} ({limit})", line=_line(role_node)
                    )
            bounds = [d for d in (following, team_end, end) if d is not None]
            final = role_end or (min(bounds) if bounds else None)
            reader.order(role_start, final, role_node)
            held = Role(name, team_name, title, role_start, final, flag)
            roles.append(held)
            lines[id(held)] = _line(role_node)
    roles.sort(key=lambda r: r.start)
    for before, after in itertools.pairwise(roles):
        if before.end is None or before.end >= after.start:
            raise DatasetError.single(
                path,
                f"{quoted(before.title)} at {clipped(before.employer, QUOTE_CHARS)} overlaps {quoted(after.title)} "
                f"at {clipped(after.employer, QUOTE_CHARS)}",
                line=lines.get(id(after)),
            )
    return Career(person, tuple(roles), tuple(employers))


def _line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.loader = safe_loader()("")

    def constructed(self, node: yaml.Node) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise DatasetError.single(
                self.path, f"cannot read the value: {clipped(str(exc.problem))}", line=_line(node)
            ) from None

    def mapping(self, node: yaml.Node, what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise DatasetError.single(self.path, f"expected {what} as 'key: value' lines", line=_line(node))
        return {str(k.value): v for k, v in node.value}

    def text(self, node: yaml.Node | None, key: str, parent: yaml.Node, *, required: bool = True) -> str:
        if node is None:
            if required:
                raise DatasetError.single(self.path, f"'{key}' is missing", line=_line(parent))
            return ""
        value = self.constructed(node)
        if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value).strip():
            raise DatasetError.single(self.path, f"'{key}' must be a text", line=_line(node))
        return str(value).strip()

    def date(self, node: yaml.Node | None, key: str, parent: yaml.Node, *, required: bool = True) -> Any:
        if node is None:
            if required:
                raise DatasetError.single(
                    self.path, f"'{key}' is missing (a date such as 2019-06-03)", line=_line(parent)
                )
            return None
        value = self.constructed(node)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        raise DatasetError.single(
            self.path, f"'{key}' must be a date such as 2019-06-03, got {quoted(value)}", line=_line(node)
        )

    def order(self, start: dt.date, end: dt.date | None, node: yaml.Node) -> None:
        if end is not None and end < start:
            raise DatasetError.single(self.path, f"ends ({end}) before it starts ({start})", line=_line(node))


def month_year(day: dt.date) -> str:
    """E.g. "September 2020"."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def long_date(day: dt.date) -> str:
    """E.g. "1 September 2020"."""
    return f"{day.day} {month_year(day)}"
