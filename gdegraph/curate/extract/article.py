"""Reading a plain-text article into lines, bullet lists and sentences.

Trade-press articles arrive as text copied from a web page: bullet points
("•", "-", "*"), tables whose cells were run together, paragraphs, and a
footer of related stories and newsletter prompts. Extraction rules work on
this structure rather than on raw characters, and every quote they keep is a
verbatim slice of the text, so the structure records line numbers and offsets.
The footer is cut off so that other stories' figures are not read as this one's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from gdegraph.core.errors import InputError
from gdegraph.curate.extract.repair import repair_text

__all__ = ["Article", "Line", "MONTHS", "Sentence", "find_date", "parse_article", "read_article"]

MONTHS = {m: i for i, m in enumerate(
    ("january february march april may june july august september october november december").split(), 1)}
_BULLET = re.compile(r"^\s*(?:[•▪·◦‣*\-–]|\d{1,2}[.)])\s+(?P<body>\S.*?)\s*$")
_FOOTER = re.compile(r"^\s*(related (news|articles|stories|content)|subscribe to our newsletter|"
                     r"\d+ comments?|comments are closed|share this( article)?|most read)\s*$", re.I)
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+(?=[A-Z“‘\"£0-9])")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? (" + "|".join(MONTHS) + r")(?: (\d{4}))?\b", re.I)


@dataclass(frozen=True)
class Line:
    """One line of the article: its number (1-based), offset and text."""
    number: int
    offset: int
    text: str
    bullet: str | None

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a whole bullet item) with the line it is on."""
    text: str
    line: int
    offset: int


@dataclass(frozen=True)
class Article:
    """The article's text and its body lines (the footer of other stories removed)."""
    text: str
    lines: tuple[Line, ...]
    path: Path | None = None
    footer_line: int | None = None

    def line(self, number: int) -> Line:
        return self.lines[number - 1]

    def bullet_blocks(self) -> list[list[Line]]:
        """Runs of consecutive bullet lines (blank lines inside a run are allowed)."""
        blocks: list[list[Line]] = []
        current: list[Line] = []
        for line in self.lines:
            if line.bullet is not None:
                current.append(line)
            elif not line.blank and current:
                blocks.append(current)
                current = []
        if current:
            blocks.append(current)
        return blocks

    def lead_in(self, first: Line, max_lines: int = 2) -> list[Line]:
        """The text lines just before ``first`` that introduce it, nearest first; a short
        line ("They are:") brings the line before it along."""
        out: list[Line] = []
        for line in reversed(self.lines[: first.number - 1]):
            if line.blank:
                continue
            if line.bullet is not None or len(out) >= max_lines:
                break
            out.append(line)
            if len(line.text.split()) > 6:
                break
        return out

    def topic_before(self, first: Line, pattern: "re.Pattern[str]", max_lines: int = 40) -> str:
        """The nearest earlier text line (a heading, the headline, an opening sentence) that
        matches ``pattern``, within ``max_lines``, or the article's first line if that does:
        what a list is about when its own lead-in does not say."""
        start = max(0, first.number - 1 - max_lines)
        for line in reversed(self.lines[start: first.number - 1]):
            if line.bullet is None and pattern.search(line.text):
                return line.text.strip()
        head = next((line for line in self.lines if not line.blank), None)
        return head.text.strip() if head is not None and pattern.search(head.text) else ""

    def sentences(self, skip: set[int] = frozenset(), start: int = 1,
                  stop: int | None = None) -> Iterator[Sentence]:
        """Sentences of every non-blank body line not in ``skip`` (lines ``start`` to before
        ``stop`` only, if given); a bullet item is one sentence."""
        for line in self.lines[max(0, start - 1): None if stop is None else max(0, stop - 1)]:
            if line.blank or line.number in skip:
                continue
            if line.bullet is not None:
                start = line.text.index(line.bullet)
                yield Sentence(line.bullet, line.number, line.offset + start)
                continue
            pos = 0
            for match in [*_SENTENCE_END.finditer(line.text), None]:
                end = match.start() if match else len(line.text)
                piece = line.text[pos:end].strip()
                if piece:
                    yield Sentence(piece, line.number, line.offset + line.text.index(piece, pos))
                pos = match.end() if match else end


def parse_article(text: str, path: Path | None = None) -> Article:
    """Split ``text`` into lines, marking bullets and cutting the footer; mojibake is
    repaired first ("Ā£5m" -> "£5m"), so rules and quotes see the intended characters."""
    text = repair_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines: list[Line] = []
    offset = 0
    footer = None
    for number, raw in enumerate(text.split("\n"), start=1):
        if _FOOTER.match(raw):
            footer = number
            break
        match = _BULLET.match(raw)
        lines.append(Line(number, offset, raw, match.group("body") if match else None))
        offset += len(raw) + 1
    return Article(text, tuple(lines), path, footer)


def read_article(path: Path) -> Article:
    """Read a UTF-8 text article; a missing, unreadable, non-UTF-8 or empty file is an InputError."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("article file does not exist", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read article: {exc.strerror}", path=path) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("article is not UTF-8 text", path=path,
                         line=data[: exc.start].count(b"\n") + 1) from None
    if not text.strip():
        raise InputError("article is empty", path=path)
    return parse_article(text, Path(path))


def find_date(article: Article, max_lines: int = 12) -> tuple[str, int] | None:
    """A full date ("18 March 2021") printed near the top, as (ISO date, line number)."""
    for line in article.lines[:max_lines]:
        for match in _DAY_MONTH.finditer(line.text):
            day, month, year = match.groups()
            if year:
                return f"{year}-{MONTHS[month.lower()]:02d}-{int(day):02d}", line.number
    return None


def day_month(text: str) -> tuple[int, int, int | None] | None:
    """The first "11 September" / "19 January 2018" in ``text``: (day, month, year or None)."""
    match = _DAY_MONTH.search(text)
    if not match:
        return None
    day, month, year = match.groups()
    return int(day), MONTHS[month.lower()], int(year) if year else None
