"""What every format extractor returns, and the one way to say a file cannot be read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class SkipFile(Exception):
    """A file that cannot be indexed; the message says why."""


@dataclass
class Extracted:
    """A file turned into the text shape ``index.reading.structure.parse`` reads.

    ``text``: paragraphs separated by one blank line; headings the format marks as such
    (Word heading styles, HTML ``<h1>``–``<h4>``) written as Markdown ``#`` headings; a
    picture leaves two blank lines, so a caption under it reads as a caption.
    ``encoding``: the character encoding for text files and web pages; the format name
    (``docx``, ``pdf``, ``doc``) for the others.
    ``hints``: metadata the file itself declares: ``title``, ``date`` (publication date,
    ``YYYY-MM-DD``), ``created`` (``YYYY-MM-DD``), ``source``, ``description``. Sidecar
    values override them.
    ``ocr``: for a scan, what OCR read (``index.reading.formats.ocr.OcrInfo``); None when all
    the text came from the file itself.
    """

    text: str
    encoding: str
    format: str
    hints: dict[str, str] = field(default_factory=dict)
    ocr: object | None = None


# --------------------------------------------------------------------------- blocks → text

HEADING = "heading"
PARAGRAPH = "paragraph"
PICTURE = "picture"

_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’])[ \u00a0]+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’])")
SENTENCE_END = "。！？!?；;：:…."


CELL_SEPARATOR = "｜"
ROW_END = "；"


def table_text(rows: list[list[str]]) -> str:
    """A table as text: a row a line, cells separated by ``｜``, each row closed by ``；``
    so that the structure rules never take a row for a heading or run rows together."""
    lines = [CELL_SEPARATOR.join(c for c in row if c) for row in rows]
    return "\n".join(line + ROW_END for line in lines if line)


def clean_line(text: str) -> str:
    """Collapse runs of spaces; tabs between table cells are kept."""
    return "\t".join(_SPACES.sub(" ", part).strip() for part in text.split("\t")).strip()


def squeeze_cjk(text: str) -> str:
    """Drop spaces that only sit between two Chinese characters or marks (layout spacing)."""
    return _CJK_GAP.sub("", text)


NUMBERED_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.．、]|第[一二三四五六七八九十\d]+[章节部分])")


def render(blocks: list[tuple[str, int, str]], title: str | None = None) -> str:
    """``[(kind, level, text)]`` → text. Markdown headings are written only when the
    format marked some: otherwise every block is a plain paragraph and the structure
    parser decides from the text, as for a .txt file. In a document with marked headings
    a short first paragraph (a title typed in big bold letters) becomes the title; when
    the document starts right away with a numbered heading (``一、…``), the declared
    ``title`` (if any) is put above it, so that heading stays a section."""
    blocks = [(k, lv, t.strip()) for k, lv, t in blocks if k == PICTURE or t.strip()]
    headings = [lv for k, lv, _ in blocks if k == HEADING]
    if headings:
        first = next((i for i, b in enumerate(blocks) if b[0] != PICTURE), None)
        starts_numbered = first is not None and blocks[first][0] == HEADING and \
            bool(NUMBERED_HEADING.match(blocks[first][2]))
        if starts_numbered and title:
            blocks.insert(first, (PARAGRAPH, 0, title))
        if first is not None and blocks[first][0] == PARAGRAPH and _title_like(blocks[first][2]):
            shift = 1 if min(headings) <= 1 else 0
            blocks = [(k, lv + shift if k == HEADING else lv, t) for k, lv, t in blocks]
            blocks[first] = (HEADING, 1, blocks[first][2])
    out: list[str] = []
    for kind, level, text in blocks:
        if kind == PICTURE:
            if out and out[-1] != "":
                out.append("")  # with the separator below: two blank lines before what follows
            continue
        if out:
            out.append("")
        if kind == HEADING:
            out.append("#" * max(1, min(level, 6)) + " " + " ".join(text.split()))
        else:
            out.append(text)
    return "\n".join(out).strip("\n") + "\n"


def _title_like(text: str) -> bool:
    return 2 <= len(text) <= 60 and "\n" not in text and text.rstrip("”’）)》 ")[-1:] not in SENTENCE_END + "，,、"


# --------------------------------------------------------------------------- hints

GENERIC_TITLES = re.compile(
    r"^(?:Microsoft Word\s*-.*|Word Document|Document\d*|文档\d*|新建.*文档.*|Untitled.*|无标题.*|"
    r"PowerPoint.*|Slide \d+|about:blank|(?:https?|file|data):.*|[\w-]+\.(?:docx?|wps|pdf|html?))$", re.I)
_DATE = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?")


def useful_title(title: str | None) -> str | None:
    title = " ".join((title or "").split())
    if not title or GENERIC_TITLES.match(title) or not re.search(r"[\u4e00-\u9fffA-Za-z]", title):
        return None
    return title


def iso_date(value: str | None) -> str | None:
    """``2022-03-15 10:20``, ``2022/3/15``, ``2022年3月15日``, ``D:20220315…`` → ``2022-03-15``."""
    if not value:
        return None
    value = str(value).strip()
    m = re.match(r"^(?:D:)?((?:19|20)\d\d)(\d\d)(\d\d)", value)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = _DATE.search(value)
    if not m:
        return None
    year, month, day = m.group(1), int(m.group(2)), int(m.group(3) or 1)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year}-{month:02d}-{day:02d}"
