"""Report text → title, sections and passages.

The input is one decoded report. Each non-blank line is a *unit*; the number of blank
lines before it (its *gap*) is kept, because in these news-style reports a photo
leaves a gap of several blank lines and its caption follows.

Every unit is classified as one of:

* ``heading``  – a Markdown heading (``#`` … ``######``), or, in files without
  Markdown headings, a short standalone line without sentence punctuation
  (``转型升级 建设一流强镇``); a short line right under a heading is its sub-heading;
  numbered lines (``一、`` ``（一）`` ``1.``) give their own level;
* ``caption``  – a short line without sentence punctuation after an image gap
  (two or more blank lines), e.g. ``巩义市产业集聚区(回郭镇)俯瞰``;
* ``byline``   – ``记者 … 通讯员 … 文/图`` lines, ``来源：`` lines, and a lone name
  closing the report; a byline at the end of a paragraph is split off it;
* ``body``     – everything else.

The heading lines before the first other unit are the title (first line) and
subtitle. Captions and bylines never become a section heading; they are kept as
passages of their own kind.

Paragraphs cut by the page layout are joined: a body unit that does not end a
sentence continues in the next body unit (captions and bylines in between are
skipped). When the next paragraph is complete in itself but the one after it
continues a word across the cut (…建成生产 | 2018年… | 车间2栋…), the latter is taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .analysis import Analyzer

SENTENCE_END = set("。！？!?…；;：:.")
CLOSERS = "”’」』）)》】\"' \t\u3000"
HARD_PUNCT = re.compile(r"[。！？!?；;]")
MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
NUMBERED = (
    (re.compile(r"^[一二三四五六七八九十百]+[、.．]"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十百]+[)）]"), 2),
    (re.compile(r"^\d{1,2}[.．、](?!\d)"), 3),
    (re.compile(r"^[（(]\d{1,2}[)）]"), 4),
)
BYLINE = re.compile(
    r"^(?:[^。！？]{0,16}记者|通讯员|本报讯|责任编辑|编辑[:：]|来源[:：]|作者[:：]|时间[:：]|供稿[:：])"
    r"|(?:文/图|文／图|摄影?|图/文|图／文)$"
)
TRAILING_BYLINE = re.compile(
    r"(?<=[。！？”])\s*((?:本报)?记者[\s\u3000]*[\u4e00-\u9fff]{2,4}(?:[\s\u3000]+[\u4e00-\u9fff·]{2,8})*"
    r"(?:[\s\u3000]*(?:文/图|文／图|摄|报道))?)\s*$"
)
# a paragraph that opens like this starts a new sentence, it does not continue one
SENTENCE_OPENER = re.compile(r"^(?:(?:19|20)\d\d年(?:以来|来|初|底)?|今年以来|去年以来|近年来|目前|同时|此外|其中)[，,]")
LONE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
CJK = re.compile(r"[\u4e00-\u9fff]")

MAX_HEADING = 40
MAX_NUMBERED_HEADING = 60
MAX_CAPTION = 100
CAPTION_GAP = 2
MAX_JOINED = 6000
LOOKAHEAD = 4


@dataclass
class Unit:
    text: str
    gap: int
    kind: str = "body"
    level: int = 0


@dataclass
class Structure:
    title: str
    subtitle: str
    # (kind, section path, text) in reading order; kind as in model.KINDS
    blocks: list[tuple[str, tuple[str, ...], str]]


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def _is_numbered(text: str) -> int:
    for pattern, level in NUMBERED:
        if pattern.match(text):
            return level
    return 0


def _heading_like(text: str) -> bool:
    """Short, no sentence punctuation, not ending like a clause, some Chinese."""
    limit = MAX_NUMBERED_HEADING if _is_numbered(text) else MAX_HEADING
    return (
        2 <= len(text) <= limit
        and not HARD_PUNCT.search(text)
        and text.rstrip(CLOSERS)[-1:] not in ("，", "、", ",", "：", ":", "—", "…")
        and bool(CJK.search(text))
    )


def _standalone_line(text: str) -> bool:
    """A short line with no punctuation at all (a heading in all but name, e.g. in a
    Markdown file) stands alone: it is not the first half of a broken paragraph."""
    return _heading_like(text) and not any(c in text for c in "，、,")


def _split_lines(text: str) -> list[Unit]:
    units: list[Unit] = []
    gap = 0
    for line in text.split("\n"):
        stripped = line.strip(" \t\u3000\u00a0\ufeff")
        if not stripped:
            gap += 1
            continue
        units.append(Unit(stripped, gap))
        gap = 0
    return units


def _classify(units: list[Unit]) -> bool:
    """Set each unit's kind and level; return whether the report uses Markdown headings."""
    markdown = any(MD_HEADING.match(u.text) for u in units)
    last = len(units) - 1
    for i, unit in enumerate(units):
        prev = units[i - 1] if i else None
        md = MD_HEADING.match(unit.text)
        if md:
            unit.kind, unit.level, unit.text = "heading", len(md.group(1)), md.group(2).strip()
            continue
        if BYLINE.search(unit.text) and len(unit.text) <= 80 and not HARD_PUNCT.search(unit.text):
            unit.kind = "byline"
            continue
        if i == last and i > 0 and LONE_NAME.match(unit.text):
            unit.kind = "byline"
            continue
        if (
            i > 0
            and unit.gap >= CAPTION_GAP
            and len(unit.text) <= MAX_CAPTION
            and not HARD_PUNCT.search(unit.text)
            and unit.text.rstrip(CLOSERS)[-1:] not in ("，", "、", ",")
        ):
            unit.kind = "caption"
            continue
        if markdown or i == last or not _heading_like(unit.text):
            continue
        # a line that continues a broken paragraph is no heading
        # (unless a sub-heading follows: then it is a heading group after an unfinished line)
        nxt = units[i + 1]
        if prev is not None and prev.kind == "body" and not ends_sentence(prev.text) and not _heading_like(nxt.text):
            continue
        numbered = _is_numbered(unit.text)
        after_heading = prev is not None and prev.kind == "heading"
        if ("，" in unit.text or "、" in unit.text or "," in unit.text) and not (numbered or after_heading):
            continue
        unit.kind = "heading"
        if numbered:
            unit.level = numbered
        elif after_heading and prev.level < 6:
            unit.level = prev.level + 1
        else:
            unit.level = 1
    return markdown


def _split_trailing_bylines(units: list[Unit]) -> list[Unit]:
    out: list[Unit] = []
    for unit in units:
        m = TRAILING_BYLINE.search(unit.text) if unit.kind == "body" else None
        if m and m.start(1) > 0:
            out.append(Unit(unit.text[: m.start()].rstrip(), unit.gap, "body"))
            out.append(Unit(m.group(1), 0, "byline"))
        else:
            out.append(unit)
    return out


def _joiner(left: str, right: str) -> str:
    return " " if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum() else ""


def _join_broken_paragraphs(units: list[Unit], analyzer: Analyzer) -> list[Unit]:
    units = list(units)
    i = 0
    while i < len(units):
        unit = units[i]
        while (
            unit.kind == "body"
            and not ends_sentence(unit.text)
            and len(unit.text) < MAX_JOINED
            and not _standalone_line(unit.text)
        ):
            bodies = []
            for k in range(i + 1, min(len(units), i + 1 + LOOKAHEAD)):
                kind = units[k].kind
                if kind in ("caption", "byline"):
                    continue
                if kind != "body":
                    break
                bodies.append(k)
                if len(bodies) == 2:
                    break
            if not bodies:
                break
            target = bodies[0]
            if len(bodies) == 2 and ends_sentence(units[bodies[0]].text):
                first = analyzer.junction_score(unit.text, units[bodies[0]].text)
                second = analyzer.junction_score(unit.text, units[bodies[1]].text)
                if second == 2 and first < 2 or (
                    second == 1 and first == 0 and SENTENCE_OPENER.match(units[bodies[0]].text)
                ):
                    target = bodies[1]
            nxt = units.pop(target)
            unit.text = unit.text + _joiner(unit.text, nxt.text) + nxt.text
        i += 1
    return units


def parse(text: str, analyzer: Analyzer) -> Structure:
    units = _split_lines(text)
    markdown = _classify(units)
    units = _split_trailing_bylines(units)

    # Title block: the heading lines before anything else (in Markdown, the top
    # heading only; the headings after it are sections).
    title_lines: list[str] = []
    headings = [u.level for u in units if u.kind == "heading"]
    if markdown:
        if units and units[0].kind == "heading" and units[0].level == min(headings):
            title_lines.append(units[0].text)
    else:
        for unit in units:
            if unit.kind != "heading":
                break
            title_lines.append(unit.text)
        if not title_lines and units and units[0].kind == "body":
            first = units[0].text
            if len(first) <= 2 * MAX_HEADING and _heading_like(first.replace("，", " ").replace("、", " ")) or (
                len(first) <= 2 * MAX_HEADING and not HARD_PUNCT.search(first) and first[-1:] not in "，、,：:"
            ):
                title_lines.append(first)
    units = _join_broken_paragraphs(units[len(title_lines):], analyzer)

    blocks: list[tuple[str, tuple[str, ...], str]] = [("title", (), line) for line in title_lines]
    path: list[tuple[int, str]] = []
    for unit in units:
        if unit.kind == "heading":
            while path and path[-1][0] >= unit.level:
                path.pop()
            blocks.append(("heading", tuple(h for _, h in path), unit.text))
            path.append((unit.level, unit.text))
        else:
            blocks.append((unit.kind, tuple(h for _, h in path), unit.text))
    title = title_lines[0] if title_lines else ""
    subtitle = " ".join(title_lines[1:])
    return Structure(title, subtitle, blocks)
