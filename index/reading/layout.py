"""Per-document layout: how the lines of a report map to its paragraphs.

A decoded report comes in one of four layouts, told apart from evidence in the
document itself (never from its name or source):

* ``markdown``     – ``#`` headings;
* ``hard-wrapped`` – most lines are cut at the same width (text extracted from a PDF or
  a fixed-width print): many lines have nearly the modal length, few of them end a
  sentence. Lines of about that width continue in the next line; a paragraph ends at a
  shorter line. Page numbers standing alone between the wrapped lines are dropped;
* ``blank-line``   – paragraphs separated by blank lines;
* ``line``         – one paragraph per line, no blank lines.

:func:`rejoin` turns a hard-wrapped document into one line per paragraph, so that the
same text gives the same units whatever its layout; the other layouts are already
one paragraph per line (blank lines only count as gaps).

Before that, :func:`rejoin_tokens` mends text a PDF extractor broke into pieces: a
number standing alone on its line (``2.`` ``（二）`` ``一、``) belongs to the line after
it, in any layout; and in a *token-broken* text (many lines of a few characters, lines
that open with the full stop of the line before: ``增收`` / ``XX`` / ``余万元。`` /
``2.`` / ``工业`` / ``经济提能升级`` / ``。全年…``) the pieces of a sentence are one line again.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
# a page number standing alone: "12", "- 3 -", "— 2 —", "第3页"
PAGE_NUMBER = re.compile(r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})$")
SENTENCE_FINAL = set("。！？!?；;…")
NARROW = re.compile(r"[\u0000-\u2e7f]")  # printed half as wide as a Chinese character
CLOSERS = "”’」』）)》】\"' \t\u3000"

MIN_WRAP_WIDTH = 12
MAX_WRAP_WIDTH = 80
WRAP_BELOW = 3  # a line this much shorter than the width still fills it (lost indent)
WRAP_ABOVE = 4  # half-width digits and Latin letters make full lines longer
MIN_WRAP_SHARE = 0.45  # of the lines of ≥ MIN_WRAP_WIDTH characters
MAX_FINAL_SHARE = 0.5  # a wrapped text rarely ends its lines with a sentence


@dataclass(frozen=True)
class Layout:
    kind: str  # "markdown", "hard-wrapped", "blank-line" or "line"
    width: int = 0  # wrap width, for hard-wrapped documents

    def is_full(self, text: str) -> bool:
        return self.kind == "hard-wrapped" and width_of(text) >= self.width - WRAP_BELOW


def width_of(text: str) -> int:
    """How wide a line prints, in Chinese characters: digits and Latin letters are
    half as wide."""
    return round(len(text) - 0.5 * len(NARROW.findall(text)))


def _final(text: str) -> bool:
    stripped = text.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_FINAL


def detect(lines: list[str], gaps: list[int]) -> Layout:
    """The layout of a document from its stripped non-blank lines and the blank lines
    before each."""
    if any(MD_HEADING.match(line) for line in lines):
        return Layout("markdown")
    blank_separated = sum(1 for g in gaps[1:] if g > 0)
    # every line a paragraph of its own (a blank line after each): short lines are list
    # items and titles, not lines wrapped at a width
    width = 0 if len(lines) > 1 and blank_separated == len(lines) - 1 else wrap_width(lines)
    if width:
        return Layout("hard-wrapped", width)
    if len(lines) > 1 and blank_separated >= 0.5 * (len(lines) - 1):
        return Layout("blank-line")
    return Layout("line")


def wrap_width(lines: list[str]) -> int:
    """The width the lines are wrapped at, or 0 when they are not hard-wrapped."""
    widths = [width_of(line) for line in lines]
    lengths = [w for w, line in zip(widths, lines) if w >= MIN_WRAP_WIDTH and not PAGE_NUMBER.match(line)]
    if len(lengths) < 8:
        return 0
    counts = Counter(lengths)
    # the width whose band [w - below, w + above] holds the most lines
    best, best_count = 0, 0
    for w in range(MIN_WRAP_WIDTH, MAX_WRAP_WIDTH + 1):
        c = sum(counts.get(n, 0) for n in range(w - WRAP_BELOW, w + WRAP_ABOVE + 1))
        if c > best_count:
            best, best_count = w, c
    if best_count < MIN_WRAP_SHARE * len(lengths):
        return 0
    in_band = [line for w, line in zip(widths, lines) if best - WRAP_BELOW <= w <= best + WRAP_ABOVE]
    if sum(map(_final, in_band)) > MAX_FINAL_SHARE * len(in_band):
        return 0
    # the width itself: the commonest length in that band
    width = max(range(best - WRAP_BELOW, best + WRAP_ABOVE + 1), key=lambda n: (counts.get(n, 0), n))
    # lines much longer than the width are paragraphs of another layout
    if sum(1 for n in lengths if n > width + 2 * WRAP_ABOVE) > 0.25 * len(lengths):
        return 0
    return width


# a line that is nothing but a number: 2.  （二）  一、  第三章
BARE_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[)）]"
                         r"|\d{1,2}[.．、)）]|第[一二三四五六七八九十\d]{1,3}[章节])$")
TOKEN_LINE = 8  # a piece of a token-broken text is this short (characters)
OPENS_WITH_STOP = re.compile(r"^[。，、；：！？,;:!?]")
MIN_TOKEN_SHARE = 0.25  # of the lines: short pieces that end no sentence
MIN_BROKEN_MARKS = 2  # lines alone with a number, or opening with the full stop of the line before


def token_broken(lines: list[str]) -> bool:
    """Whether a text was broken into pieces by a PDF extractor: at least
    :data:`MIN_BROKEN_MARKS` lines that are a bare number or open with a full stop or
    comma, and at least :data:`MIN_TOKEN_SHARE` of the lines short pieces that end no
    sentence."""
    marks = sum(1 for line in lines if BARE_NUMBER.match(line) or OPENS_WITH_STOP.match(line))
    pieces = sum(1 for line in lines if len(line) <= TOKEN_LINE and not _final(line))
    return marks >= MIN_BROKEN_MARKS and pieces >= MIN_TOKEN_SHARE * len(lines)


def rejoin_tokens(lines: list[str], gaps: list[int], indents: list[bool],
                  starts_block) -> tuple[list[str], list[int], list[bool]]:
    """A bare number joins the line after it; in a token-broken text (:func:`token_broken`)
    a line that ends no sentence also joins the next when either is a short piece
    (:data:`TOKEN_LINE`) or the next opens with a full stop or comma, unless the next
    starts a numbered block (``starts_block``, as in :func:`rejoin`)."""
    broken = token_broken(lines)
    out_lines: list[str] = []
    out_gaps: list[int] = []
    out_indents: list[bool] = []
    last_piece = ""
    for line, gap, indent in zip(lines, gaps, indents):
        if out_lines:
            before = out_lines[-1]
            joins = BARE_NUMBER.match(before) and not BARE_NUMBER.match(line)
            if not joins and broken and not _final(before) and not BARE_NUMBER.match(line) and not starts_block(line):
                joins = len(last_piece) <= TOKEN_LINE or len(line) <= TOKEN_LINE or OPENS_WITH_STOP.match(line)
            if joins:
                out_lines[-1] = before + joiner(before, line) + line
                last_piece = line
                continue
        out_lines.append(line)
        out_gaps.append(gap)
        out_indents.append(indent)
        last_piece = line
    return out_lines, out_gaps, out_indents


def rejoin(lines: list[str], gaps: list[int], indents: list[bool], layout: Layout,
           starts_block) -> tuple[list[str], list[int], list[bool]]:
    """Join the lines of a hard-wrapped document into paragraphs.

    A line that fills the width continues in the next line, unless the next line is
    indented or starts a block of its own: ``starts_block(text)`` is 2 for a line
    numbered like a heading (``一、`` ``（一）`` ``第…章``), 1 for one numbered ``1.``
    (a block only after a finished sentence), else 0. A page number between two lines
    is dropped.
    """
    if layout.kind != "hard-wrapped":
        return lines, gaps, indents
    out_lines: list[str] = []
    out_gaps: list[int] = []
    out_indents: list[bool] = []
    joining = False
    for line, gap, indent in zip(lines, gaps, indents):
        if PAGE_NUMBER.match(line):
            continue
        block = starts_block(line)  # 0: no; 1: a numbered heading; 2: one numbered 一、 （一） 第…章
        if joining and not (indent or block == 2 or block and _final(out_lines[-1])):
            out_lines[-1] = out_lines[-1] + joiner(out_lines[-1], line) + line
        else:
            out_lines.append(line)
            out_gaps.append(gap)
            out_indents.append(indent)
        joining = layout.is_full(line)
    return out_lines, out_gaps, out_indents


def joiner(left: str, right: str) -> str:
    """What goes between two pieces of one paragraph: nothing in Chinese text, a space
    between two Latin words."""
    return " " if left[-1:].isascii() and left[-1:].isalpha() and right[:1].isascii() and right[:1].isalpha() else ""
