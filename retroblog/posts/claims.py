"""Numbers a post states about its data, written by hand: found in the prose, checked, reported.

Pure text work, in two steps and without the data:

1. ``find_claims(markdown)`` reads a page's prose (not its front matter, headings, code, tables or inline
   stats) sentence by sentence and returns each ``Claim`` it understands, with the ``Question`` it asks of
   the data, and each sentence that states a number about PRs that no pattern reads (``Unread``, with the
   reason), rather than a guess.
2. ``check(claim, answer)`` compares the stated number with the ``Answer`` the caller computed from the
   page's dataset and returns a ``Finding``: the verdict, the computed value in words and the inline stat
   (``:stat[...]``) that would write the number instead.

What is read (English prose, numbers in digits): counts of PRs, in a period or not (``I merged 129 PRs in
2020``, ``over 40 PRs in Q2 2020``); shares and counts of PRs by size (``90% of the pull requests had at
least 1000 inserts``, ``between 100 and 500 inserts: 60 PRs``); the busiest month or quarter (``The busiest
month was April 2020``); the most PRs in one week, month or quarter, by size too (``3 PRs with over 1,000
inserts in one week``). Nothing here rewrites a post.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

from retroblog.util.words import MONTHS

Metric = Literal["additions", "deletions", "lines_changed"]
Scope = Literal["all", "week", "month", "quarter"]
Verdict = Literal["true", "false", "unknown", "not checked"]

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_QUALIFIERS = {
    "more than": ">",
    "over": ">",
    "above": ">",
    "at least": ">=",
    "no fewer than": ">=",
    "no less than": ">=",
    "fewer than": "<",
    "less than": "<",
    "under": "<",
    "below": "<",
    "at most": "<=",
    "no more than": "<=",
    "up to": "<=",
    "about": "~",
    "around": "~",
    "roughly": "~",
    "approximately": "~",
    "some": "~",
    "nearly": "~<",
    "almost": "~<",
    "exactly": "=",
    "only": "=",
    "just": "=",
}
_QUALIFIER = "|".join(sorted(map(re.escape, _QUALIFIERS), key=len, reverse=True))
_PR = r"(?:pull[ -]requests?|merge[ -]requests?|PRs?|MRs?)\b"
_MONTH = "|".join(MONTHS)
_MONTH_ABBR = "|".join(name[:3] for name in MONTHS)

PERCENT = re.compile(
    rf"(?:\b(?P<q>{_QUALIFIER})\s+)?(?<![\d.,])(?P<n>{NUMBER})\s?(?:%|percent\b)\s+of\s+"
    rf"(?:(?:all\s+of\s+)?(?:the|my|all|these|those)\s+)?(?:merged\s+)?{_PR}",
    re.IGNORECASE,
)
COUNT = re.compile(
    rf"(?:\b(?P<q>{_QUALIFIER})\s+)?(?<![\d.,#])(?P<n>{NUMBER})\s+(?:merged\s+)?{_PR}",
    re.IGNORECASE,
)
_SIZE_NOUN = (
    r"(?P<noun>inserts?\s*/\s*deletes?|insertions?\s*/\s*deletions?|inserts?|insertions?|additions?|"
    r"deletes|deletions?|changes|(?:inserted|added|changed|deleted|removed)\s+lines|"
    r"lines?(?:\s+of\s+code)?(?:\s+(?:inserted|added|changed|deleted|removed))?)\b"
)
SIZE = re.compile(
    rf"(?:\b(?P<sq>at least|no fewer than|no less than|more than|over|above|fewer than|less than|under|below|"
    rf"at most|no more than|up to)\s+(?P<t>{NUMBER})|\bbetween\s+(?P<lo>{NUMBER})\s+and\s+(?P<hi>{NUMBER}))"
    rf"\s+{_SIZE_NOUN}",
    re.IGNORECASE,
)
_VERB = re.compile(r"\b(?P<verb>inserted|inserting|added|adding|changed|changing|touched|deleted|deleting|removed)\b")
_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 4}
PERIODS = re.compile(
    rf"\b(?:in|during)\s+(?:(?P<month>{_MONTH}|{_MONTH_ABBR})\.?\s+(?P<my>\d{{4}})"
    rf"|Q(?P<q>[1-4])\s+(?P<qy>\d{{4}})|(?P<qy2>\d{{4}})[- ]Q(?P<q2>[1-4])"
    rf"|the\s+(?P<qw>first|second|third|fourth|last)\s+quarter\s+of\s+(?P<qy3>\d{{4}})"
    rf"|(?P<ym>\d{{4}}-\d{{2}})(?![\d-])|(?P<y>\d{{4}})(?![\d-]))\b"
    rf"|\bon\s+(?P<day>\d{{4}}-\d{{2}}-\d{{2}})\b"
    rf"|\bfrom\s+(?:(?P<fm>{_MONTH})\s+)?(?P<fy>\d{{4}}\s+)?(?:to|until|through)\s+(?:(?P<tm>{_MONTH})\s+)?"
    rf"(?P<ty>\d{{4}})\b"
    rf"|\bbetween\s+(?P<by1>\d{{4}})\s+and\s+(?P<by2>\d{{4}})\b(?!\s+{_SIZE_NOUN})",
    re.IGNORECASE,
)
IN_ONE = re.compile(
    r"\b(?:in|within)\s+(?:one|a\s+single|a|a\s+given|the\s+same|any)\s+(?P<scope>week|month|quarter)\b",
    re.IGNORECASE,
)
BUSIEST = re.compile(
    r"\b(?:busiest|most\s+active|most\s+productive|biggest)\s+(?P<kind>month|quarter|week|season|year|day)\b",
    re.IGNORECASE,
)
_ANSWER = (
    rf"(?:(?P<am>{_MONTH})(?:\s+(?P<amy>\d{{4}}))?|Q(?P<aq>[1-4])(?:\s+(?P<aqy>\d{{4}}))?|(?P<aqy2>\d{{4}})-Q(?P<aq2>[1-4])"
    rf"|the\s+(?P<aqw>first|second|third|fourth|last)\s+quarter(?:\s+of\s+(?P<aqy3>\d{{4}}))?|(?P<aym>\d{{4}}-\d{{2}}))"
)
BUSIEST_FORWARD = re.compile(
    rf"\b(?:busiest|most\s+active|most\s+productive|biggest)\s+(?P<kind>month|quarter)"
    rf"(?:\s+(?:of\s+all|overall|ever|of\s+them\s+all))?(?:\s+(?:of|in)\s+(?P<scope>\d{{4}}))?"
    rf"(?:\s+(?:of\s+all|overall|ever))?\s*(?:was|is|came|:|,|—|–|-)\s*(?:in\s+)?{_ANSWER}",
    re.IGNORECASE,
)
BUSIEST_BACKWARD = re.compile(
    rf"{_ANSWER}\s+was\s+(?:my|the)\s+(?:busiest|most\s+active|most\s+productive|biggest)\s+(?P<kind>month|quarter)"
    rf"(?:\s+(?:of|in)\s+(?P<scope>\d{{4}}))?",
    re.IGNORECASE,
)
WITH_PRS = re.compile(rf"^\W{{0,3}}(?:with\s+|and\s+|:\s*|\(\s*)?(?P<n>{NUMBER})\s+(?:merged\s+)?{_PR}", re.IGNORECASE)
UNREAD_TIME = re.compile(
    r"\b(spring|summer|autumn|fall|winter|weeks?|months?|quarters?|days?|yesterday|today|since|until|before|after|"
    r"last|first|then)\b",
    re.IGNORECASE,
)
DATA_WORDS = re.compile(
    r"\b(?:pull[ -]requests?|merge[ -]requests?|PRs?|MRs?|inserts?|insertions?|additions|deletions|lines|commits|"
    r"comments|reviews|busiest)\b",
    re.IGNORECASE,
)
_NOT_FIGURES = re.compile(
    r"\d{4}-\d{2}(?:-\d{2})?(?:T[\d:]+)?|\bv?\d+(?:\.\d+){2,}\b|\bv\d+(?:\.\d+)*\b|#\d+|\b\d+(?:st|nd|rd|th)\b|"
    r"\b\d{1,2}:\d{2}\b|\bQ[1-4]\b|(?<![\d,.])(?:19|20)\d{2}(?![\d,%]|\.\d)",
    re.IGNORECASE,
)
_FIGURE = re.compile(rf"(?<![\w.,])(?:{NUMBER})(?![\w])")
_STAT = re.compile(r":stat\[[^\]\n]*\](?:\{[^}\n]*\})?")
_CODE = re.compile(r"(`+).+?(?<!`)\1(?!`)")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]*>")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“(]?[A-Z0-9:])|(?<=[;])\s+")


@dataclass(frozen=True)
class Size:
    """PRs whose ``metric`` lies between ``low`` and ``high`` (inclusive; None: open)."""

    metric: Metric
    low: int | None
    high: int | None


@dataclass(frozen=True)
class Question:
    """What a claim asks of the data: a count of PRs, or the busiest period, under ``filters``."""

    kind: Literal["count", "busiest"]
    filters: tuple[tuple[str, str | int], ...] = ()
    """The stat options (``year``, ``from``, ``to``) the claim's period selects."""
    period: str | None = None
    """The period in words (``in 2020``, ``in Q2 2020``), if the claim names one."""
    stat_key: str | None = None
    """The key of the period's count (``by_year.2020``), if there is one."""
    size: Size | None = None
    scope: Scope = "all"
    """``all`` PRs of the period, or the most in one ``week``, ``month`` or ``quarter`` of it."""
    busiest: Literal["month", "quarter"] = "month"

    def options(self) -> dict[str, str | int]:
        return dict(self.filters)


@dataclass(frozen=True)
class Claim:
    """A number a sentence states about the data, and what it asks."""

    line: int
    text: str
    """The sentence, as written (its Markdown marks taken out)."""
    question: Question
    stated: float | None
    """The stated count or percentage (None for a busiest period named without its count)."""
    comparison: str = "="
    percent: bool = False
    stated_period: str | None = None
    """A busiest claim's period key (``2020-04``, ``2020-Q2``)."""


@dataclass(frozen=True)
class Unread:
    """A sentence that states a number about the data in a way no pattern reads."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Answer:
    """What the data says to a ``Question`` (computed by the caller from the page's dataset)."""

    value: int | None
    """The count (or the most in one period; a busiest period's PRs); None if the data cannot tell."""
    total: int = 0
    """PRs the question's filters select."""
    unknown: int = 0
    """Of those, PRs whose size metric is unknown (left out of the count)."""
    period: str | None = None
    """The period of the most (``2022-W21``), or the busiest period (``2020-04``)."""
    dataset: str | None = None
    """The dataset's name when it is not the site's default (the stat then names it)."""
    edges: tuple[int, ...] = ()
    """The site's size-bucket edges: which size counts an inline stat can write."""


@dataclass(frozen=True)
class Finding:
    line: int
    verdict: Verdict
    text: str
    computed: str
    stat: str

    def report(self, path: str) -> str:
        """``path:line: verdict: "claim": the data says ...; stat``, one line."""
        stat = f"; {self.stat}" if self.stat else ""
        return f'{path}:{self.line}: {self.verdict}: "{self.text}": {self.computed}{stat}'


# ---- reading the prose ---------------------------------------------------------------------------------


@dataclass
class _Paragraph:
    text: str = ""
    starts: list[tuple[int, int]] = field(default_factory=list)
    """(offset in text, line number) of each line joined into the paragraph."""

    def add(self, line: str, number: int) -> None:
        if self.text:
            self.text += " "
        self.starts.append((len(self.text), number))
        self.text += line

    def line_at(self, offset: int) -> int:
        found = self.starts[0][1]
        for start, number in self.starts:
            if start > offset:
                break
            found = number
        return found


def _clean(line: str) -> str:
    """A line of prose without what is not prose: inline stats, code spans, link targets, tags, emphasis."""
    line = _STAT.sub("⟨stat⟩", line)
    line = _CODE.sub("⟨code⟩", line)
    line = _LINK.sub(r"\1", line)
    line = _TAG.sub("", line)
    line = _EMPHASIS.sub("", line)
    return line.strip()


def paragraphs(markdown: str) -> Iterator[_Paragraph]:
    """The prose of a page, paragraph by paragraph, with the line of each part."""
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = 0
    if lines and lines[0].strip() == "---":  # front matter
        index = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), len(lines))
    paragraph = _Paragraph()
    fence: str | None = None
    in_comment = False
    for number, raw in enumerate(lines[index:], start=index + 1):
        stripped = raw.strip()
        if fence is not None:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            continue
        if in_comment:
            in_comment = "-->" not in stripped
            continue
        opening = _FENCE.match(raw)
        if opening:
            fence = opening.group(1)
        elif stripped.startswith("<!--"):
            in_comment = "-->" not in stripped
        elif stripped and not stripped.startswith(("#", "|", "!!!", "???", ":::", "[^", "*[")):
            text = re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", stripped)  # a list item's marker
            text = re.sub(r"^>\s?", "", text)
            paragraph.add(_clean(text), number)
            continue
        if paragraph.text:
            yield paragraph
        paragraph = _Paragraph()
    if paragraph.text:
        yield paragraph


def sentences(markdown: str) -> Iterator[tuple[int, str]]:
    """``(line, sentence)`` for each sentence of the page's prose; the line is where the sentence starts."""
    for paragraph in paragraphs(markdown):
        start = 0
        for end in [*(m.start() for m in _SENTENCE_END.finditer(paragraph.text)), len(paragraph.text)]:
            sentence = paragraph.text[start:end].strip()
            if sentence:
                yield (
                    paragraph.line_at(
                        start + (len(paragraph.text[start:end]) - len(paragraph.text[start:end].lstrip()))
                    ),
                    sentence,
                )
            start = end


def find_claims(markdown: str) -> list[Claim | Unread]:
    """Every claim about the data in the page's prose, and every sentence that seems to make one unread."""
    found: list[Claim | Unread] = []
    for line, sentence in sentences(markdown):
        found.extend(read_sentence(sentence, line))
    return found


def read_sentence(sentence: str, line: int = 1) -> list[Claim | Unread]:
    """The claims one sentence makes (or why it cannot be read)."""
    results: list[Claim | Unread] = []
    used: list[tuple[int, int]] = []
    for pattern in (BUSIEST_FORWARD, BUSIEST_BACKWARD):
        for match in pattern.finditer(sentence):
            if not _overlaps(match.span(), used):
                claim, end = _busiest(sentence, line, match)
                results.append(claim)
                used.append((match.start(), end))
    figures = [m for m in PERCENT.finditer(sentence) if not _overlaps(m.span(), used)]
    figures += [
        m
        for m in COUNT.finditer(sentence)
        if not _overlaps(m.span(), used) and not any(_overlaps(m.span(), [p.span()]) for p in figures)
    ]
    figures.sort(key=lambda m: m.start())
    for position, match in enumerate(figures):
        # the part of the sentence this figure speaks of: up to the next figure (all of it, when alone)
        low = figures[position - 1].end() if position else 0
        high = figures[position + 1].start() if position + 1 < len(figures) else len(sentence)
        context = sentence if len(figures) == 1 else sentence[low:high]
        offset = 0 if len(figures) == 1 else low
        results.append(_count(sentence, line, match, context, offset))
        used.append(match.span())
    if not results and "⟨stat⟩" not in sentence:  # an inline stat's sentence: its numbers are written by it
        busiest = BUSIEST.search(sentence)
        if busiest:
            kind = busiest.group("kind").lower()
            reason = (
                f"the busiest {kind} is not a period retroblog counts (a month or a quarter)"
                if kind not in ("month", "quarter")
                else "no month or quarter retroblog reads follows it (such as 'was April 2020' or 'was Q2 2020')"
            )
            results.append(Unread(line, sentence, reason))
        elif DATA_WORDS.search(sentence) and _figures(sentence):
            noun = DATA_WORDS.search(sentence)
            word = noun.group(0) if noun else "PRs"
            results.append(
                Unread(
                    line,
                    sentence,
                    f"{_figures(sentence)[0]} and '{word}' in one sentence, but no pattern reads it: write a count "
                    "in digits right before 'PRs' (with a period such as 'in 2020'), or a percentage of PRs",
                )
            )
    return results


def _figures(sentence: str) -> list[str]:
    """The numbers of a sentence that are not dates, years, versions, issue numbers, ordinals or times."""
    rest = _NOT_FIGURES.sub(" ", sentence.replace("⟨stat⟩", " "))
    return [m.group(0) for m in _FIGURE.finditer(rest)]


def _overlaps(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _number(text: str) -> float:
    value = float(text.replace(",", ""))
    return int(value) if value.is_integer() and "." not in text else value


def _count(sentence: str, line: int, match: re.Match[str], context: str, offset: int) -> Claim | Unread:
    percent = match.re is PERCENT
    stated = _number(match.group("n"))
    comparison = _QUALIFIERS.get((match.group("q") or "").lower(), "=")
    # what is left of the context once the figure, the size and the period are read must say nothing more
    rest = context[: match.start() - offset] + " " + context[match.end() - offset :]
    size: Size | None = None
    size_match = SIZE.search(rest)
    if size_match:
        size_or_reason = _size(size_match, rest)
        if isinstance(size_or_reason, str):
            return Unread(line, sentence, size_or_reason)
        size = size_or_reason
        rest = rest[: size_match.start()] + " " + rest[size_match.end() :]
    elif percent:
        return Unread(
            line,
            sentence,
            "a share of PRs without a size retroblog reads (such as 'at least 1000 inserts' or 'between 10 and "
            "100 lines inserted')",
        )
    scope: Scope = "all"
    one = IN_ONE.search(rest)
    if one:
        scope = one.group("scope")  # type: ignore[assignment]
        rest = rest[: one.start()] + " " + rest[one.end() :]
    periods = list(PERIODS.finditer(rest))
    if len(periods) > 1:
        return Unread(line, sentence, "more than one period for one number: name one period per sentence")
    filters: tuple[tuple[str, str | int], ...] = ()
    words = key = None
    if periods:
        filters, words, key = _period(periods[0])
        rest = rest[: periods[0].start()] + " " + rest[periods[0].end() :]
    vague = UNREAD_TIME.search(rest)
    if vague:
        return Unread(
            line,
            sentence,
            f"'{vague.group(0)}' is not a period retroblog reads: write a year ('in 2020'), a month ('in March "
            "2021'), a quarter ('in Q2 2020'), a range ('from March 2021 to June 2021') or a day ('on 2021-03-04')",
        )
    year = re.search(r"(?<![\d,.])(?:19|20)\d{2}(?![\d,%])", rest)
    if year:
        return Unread(
            line,
            sentence,
            f"the year {year.group(0)} is not in a period retroblog reads ('in {year.group(0)}', 'from ... to "
            f"{year.group(0)}')",
        )
    question = Question("count", filters, words, key, size, scope)
    return Claim(line, sentence, question, stated, comparison, percent)


def _size(match: re.Match[str], rest: str) -> Size | str:
    noun = " ".join(match.group("noun").lower().split())
    metric: Metric | None = None
    if re.match(r"inserts?\s*/|insertions?\s*/|changes|chang", noun) or noun.endswith("changed"):
        metric = "lines_changed"
    elif re.match(r"inserts?|insertions?|additions?|inserted|added", noun) or noun.endswith(("inserted", "added")):
        metric = "additions"
    elif re.match(r"deletes|deletions?|deleted|removed", noun) or noun.endswith(("deleted", "removed")):
        metric = "deletions"
    else:  # "lines" alone: the verb before it says which
        verbs = [m.group("verb") for m in _VERB.finditer(rest[: match.start()])]
        verb = verbs[-1] if verbs else ""
        if verb.startswith(("insert", "add")):
            metric = "additions"
        elif verb.startswith(("chang", "touch")):
            metric = "lines_changed"
        elif verb.startswith(("delet", "remov")):
            metric = "deletions"
    if metric is None:
        return (
            f"'{match.group('noun')}' does not say which lines: write lines inserted (inserts), lines deleted, "
            "or lines changed (inserts/deletes)"
        )
    if match.group("lo") is not None:
        low, high = int(_number(match.group("lo"))), int(_number(match.group("hi")))
        if low > high:
            low, high = high, low
        return Size(metric, low, high)
    threshold = int(_number(match.group("t")))
    bound = _QUALIFIERS[" ".join(match.group("sq").lower().split())]
    if bound == ">":
        return Size(metric, threshold + 1, None)
    if bound == ">=":
        return Size(metric, threshold, None)
    if bound == "<":
        return Size(metric, None, threshold - 1)
    return Size(metric, None, threshold)


def _month_number(name: str) -> int:
    return next(i for i, month in enumerate(MONTHS, start=1) if month.lower().startswith(name.lower()[:3]))


def _quarter_filters(year: int, quarter: int) -> tuple[tuple[tuple[str, str | int], ...], str, str]:
    first = 3 * quarter - 2
    return (
        (("from", f"{year:04d}-{first:02d}"), ("to", f"{year:04d}-{first + 2:02d}")),
        f"in Q{quarter} {year}",
        f"by_quarter.{year:04d}-Q{quarter}",
    )


def _period(match: re.Match[str]) -> tuple[tuple[tuple[str, str | int], ...], str, str | None]:
    """Stat options, words and the count's stat key of a period phrase."""
    g = match.groupdict()
    if g["month"]:
        year, month = int(g["my"]), _month_number(g["month"])
        key = f"{year:04d}-{month:02d}"
        return (("from", key), ("to", key)), f"in {MONTHS[month - 1]} {year}", f"by_month.{key}"
    if g["ym"]:
        year, month = int(g["ym"][:4]), int(g["ym"][5:])
        if 1 <= month <= 12:
            return (("from", g["ym"]), ("to", g["ym"])), f"in {MONTHS[month - 1]} {year}", f"by_month.{g['ym']}"
    for quarter, year_text in (("q", "qy"), ("q2", "qy2")):
        if g[quarter]:
            return _quarter_filters(int(g[year_text]), int(g[quarter]))
    if g["qw"]:
        return _quarter_filters(int(g["qy3"]), _QUARTER_WORDS[g["qw"].lower()])
    if g["y"]:
        return (("year", int(g["y"])),), f"in {g['y']}", f"by_year.{g['y']}"
    if g["day"]:
        return (("from", g["day"]), ("to", g["day"])), f"on {g['day']}", None
    if g["ty"]:
        end_year = int(g["ty"])
        start_year = int(g["fy"]) if g["fy"] else end_year
        start = f"{start_year:04d}-{_month_number(g['fm']):02d}" if g["fm"] else f"{start_year:04d}"
        end = f"{end_year:04d}-{_month_number(g['tm']):02d}" if g["tm"] else f"{end_year:04d}"
        return (("from", start), ("to", end)), f"from {start} to {end}", None
    start, end = sorted((g["by1"], g["by2"]))
    return (("from", start), ("to", end)), f"from {start} to {end}", None


def _busiest(sentence: str, line: int, match: re.Match[str]) -> tuple[Claim | Unread, int]:
    """The claim of a busiest period (with its count, if it follows), and where the claim ends."""
    g = match.groupdict()
    prs = WITH_PRS.match(sentence[match.end() :])
    end = match.end() + (prs.end() if prs else 0)
    kind: Literal["month", "quarter"] = "quarter" if g["kind"].lower() == "quarter" else "month"
    scope = g.get("scope")
    stated: str | None = None
    if g["am"]:
        year = g["amy"] or scope
        if not year:
            return Unread(line, sentence, f"{g['am']} without a year: write '{g['am']} 2021'"), end
        stated = f"{int(year):04d}-{_month_number(g['am']):02d}"
    elif g["aym"]:
        stated = g["aym"]
    elif g["aq"] or g["aq2"]:
        year = g["aqy"] or g["aqy2"] or scope
        if not year:
            return Unread(line, sentence, "a quarter without a year: write 'Q2 2020'"), end
        stated = f"{year}-Q{g['aq'] or g['aq2']}"
    elif g["aqw"]:
        year = g["aqy3"] or scope
        if not year:
            return Unread(line, sentence, "a quarter without a year: write 'Q2 2020'"), end
        stated = f"{year}-Q{_QUARTER_WORDS[g['aqw'].lower()]}"
    if stated is None or ("Q" in stated) != (kind == "quarter"):
        return Unread(line, sentence, f"the busiest {kind} is named as something else than a {kind}"), end
    filters: tuple[tuple[str, str | int], ...] = (("year", int(scope)),) if scope else ()
    question = Question("busiest", filters, f"in {scope}" if scope else None, None, busiest=kind)
    stated_prs = _number(prs.group("n")) if prs else None
    return Claim(line, sentence, question, stated_prs, "=", stated_period=stated), end


# ---- checking ------------------------------------------------------------------------------------------


def _thousands(value: float) -> str:
    return f"{value:,}"


def _percent(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + "%"


def _holds(comparison: str, stated: float, actual: float, percent: bool) -> bool:
    tolerance = max(1.0, stated * 0.1) if percent else max(1.0, stated * 0.05)
    if comparison == "=":
        if percent:
            decimals = len(str(stated).partition(".")[2]) if isinstance(stated, float) else 0
            return abs(actual - stated) < 0.5 * 0.1**decimals + 1e-9
        return actual == stated
    return {
        ">": actual > stated,
        ">=": actual >= stated,
        "<": actual < stated,
        "<=": actual <= stated,
        "~": abs(actual - stated) <= tolerance,
        "~<": stated - tolerance <= actual <= stated,
    }[comparison]


_VERBS = {"additions": "inserted", "deletions": "deleted", "lines_changed": "changed"}
_NOUNS = {"additions": "lines inserted", "deletions": "lines deleted", "lines_changed": "lines changed"}


def size_words(size: Size) -> str:
    """``inserted at least 1,000 lines``."""
    verb = _VERBS[size.metric]
    if size.low is not None and size.high is not None:
        return f"{verb} between {_thousands(size.low)} and {_thousands(size.high)} lines"
    if size.low is not None:
        return f"{verb} at least {_thousands(size.low)} lines"
    return f"{verb} at most {_thousands(size.high or 0)} lines"


def bucket(size: Size, edges: Sequence[int]) -> tuple[str, str] | None:
    """The ``size_buckets`` entry that counts the PRs of ``size``, if the site's edges make one, and what
    it counts when that differs by a line at an end (``>1000`` counts 1,000 lines too)."""
    if size.metric != "additions" or not edges:
        return None
    spans: dict[str, tuple[int | None, int | None]] = {f"<{edges[0]}": (None, edges[0] - 1)}
    for lo, hi in pairwise(edges):
        spans[f"{lo}-{hi}"] = (lo, hi - 1)
    spans[f">{edges[-1]}"] = (edges[-1], None)
    low = None if size.low in (None, 0) else size.low
    for label, (start, end) in spans.items():
        if (start, end) == (low, size.high):
            return label, ""
    for label, (start, end) in spans.items():
        near_low = start == low or (start is not None and low is not None and abs(start - low) == 1)
        near_high = end == size.high or (end is not None and size.high is not None and abs(end - size.high) == 1)
        if near_low and near_high:
            counted = Size("additions", start, end)
            return label, f" (it counts the PRs that {size_words(counted)})"
    return None


def _stat(key: str, options: Mapping[str, str | int], dataset: str | None) -> str:
    given = {**({"dataset": dataset} if dataset else {}), **options}
    written = " ".join(f"{k}={v}" for k, v in given.items())
    return f":stat[{key}]" + (f"{{{written}}}" if written else "")


def check(claim: Claim, answer: Answer) -> Finding:
    """The verdict on ``claim`` given the data's ``answer``, the value in words and the stat to write."""
    question = claim.question
    if question.kind == "busiest":
        return _check_busiest(claim, answer)
    options = question.options()
    where = f" {question.period}" if question.period else ""
    size = question.size
    stat = ""
    if answer.value is None:
        noun = _NOUNS[size.metric] if size else "PRs"
        return Finding(claim.line, "unknown", claim.text, f"the dataset has {noun} unknown for every PR{where}", "")
    unknown = f", {_thousands(answer.unknown)} of unknown size left out" if answer.unknown else ""
    if question.scope != "all":
        what = f"PRs that {size_words(size)}" if size else "PRs"
        most = f"at most {_thousands(answer.value)} {what} in one {question.scope}{where}"
        computed = most + (f" ({answer.period})" if answer.period else "")
        actual: float = answer.value
        if size is None and question.scope == "week" and answer.period:
            stat = _stat(f"by_week.{answer.period}", {}, answer.dataset) + " writes that week's count"
        elif size is None and answer.period:
            stat = _stat(f"busiest_{question.scope}", options, answer.dataset) + " writes it"
        else:
            stat = f"no inline stat writes the most in one {question.scope}"
    elif size is not None:
        found = bucket(size, answer.edges)
        known = answer.total - answer.unknown
        share = 100 * answer.value / known if known else 0.0
        of = f"{_thousands(answer.value)} of {_thousands(known)} PRs{where} {size_words(size)}{unknown}"
        computed = f"{_percent(share)} ({of})" if claim.percent else of
        actual = share if claim.percent else answer.value
        if found:
            label, counted = found
            count_stat = _stat(f"size_buckets.{label}", options, answer.dataset) + counted
            if claim.percent:
                total_stat = _stat("total_prs", options, answer.dataset)
                stat = f"no inline stat writes a share; {count_stat} and {total_stat} write its parts"
            else:
                stat = count_stat
        elif size.metric == "additions":
            edges = ", ".join(map(str, answer.edges))
            stat = f"no size bucket of this site counts exactly these PRs (size_buckets: {edges})"
        else:
            stat = f"no inline stat counts PRs by {_NOUNS[size.metric]}"
    else:
        computed = f"{_thousands(answer.value)} PRs{where}"
        actual = answer.value
        if question.stat_key and answer.total:
            stat = _stat(question.stat_key, {}, answer.dataset)
        else:
            stat = _stat("total_prs", options, answer.dataset)
    verdict: Verdict = (
        "true"
        if claim.stated is not None and _holds(claim.comparison, claim.stated, actual, claim.percent)
        else "false"
    )
    return Finding(claim.line, verdict, claim.text, f"the data says {computed}", stat)


def _check_busiest(claim: Claim, answer: Answer) -> Finding:
    question = claim.question
    kind = question.busiest
    stat = _stat(f"busiest_{kind}", question.options(), answer.dataset)
    if answer.period is None or answer.value is None:
        where = f" {question.period}" if question.period else ""
        return Finding(claim.line, "unknown", claim.text, f"the dataset has no PRs{where}", stat)
    computed = f"the data says {_period_words(answer.period)} ({_thousands(answer.value)} PRs)"
    holds = claim.stated_period == answer.period and (claim.stated is None or claim.stated == answer.value)
    return Finding(claim.line, "true" if holds else "false", claim.text, computed, stat)


def _period_words(key: str) -> str:
    if "-Q" in key:
        year, _, quarter = key.partition("-Q")
        return f"Q{quarter} {year}"
    if len(key) == 7:
        return f"{MONTHS[int(key[5:]) - 1]} {key[:4]}"
    return key


def unread(item: Unread) -> Finding:
    """An unread sentence as a finding: ``not checked`` and why."""
    return Finding(item.line, "not checked", item.text, item.reason, "")
