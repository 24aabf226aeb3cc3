"""Lines of a laid-out page and the rules that turn them into text: reading order,
running headers and page numbers, paragraphs re-joined from the layout.

Shared by the PDF reader (lines from pdfminer's characters) and OCR (lines from
Tesseract's boxes), so that a scanned page goes through the same rules as a printed one.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

RUNNING_TOLERANCE = 6.0  # points: a running header/footer stands at the same height on every page
EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be a running header/footer

PAGE_NUMBER = re.compile(
    r"^[-—–－~·•\s]*(?:第\s*)?(?:\d{1,4}|[一二三四五六七八九十百]+)\s*页?"
    r"(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?|\s*[,，]?\s*共\s*\d{1,4}\s*页)?[-—–－~·•\s]*$"
    r"|^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.I,
)


# a line numbered like a heading of the first two levels: never the rest of a paragraph
HEADING_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十百\d]+[章节部分])")


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    page: int
    left: float | None = None  # margins of the line's column, on a page in columns
    right: float | None = None


def reading_order(lines: list[Line]) -> list[Line]:
    """Top to bottom on a one-column page (pdfminer's box order can put a left-aligned
    line before a centered title above it); pdfminer's column-aware order when lines
    stand side by side at the same height (a page in columns)."""
    side_by_side = 0
    by_height = sorted(lines, key=lambda ln: (-round(ln.y1), ln.x0))
    for a, b in zip(by_height, by_height[1:]):
        if abs(a.y1 - b.y1) < 0.5 * max(a.size, 1) and (b.x0 > a.x1 or a.x0 > b.x1):
            side_by_side += 1
    if side_by_side < 3:
        return by_height
    for ln in lines:  # each line's column: the lines that share most of its width
        peers = [o for o in lines if min(o.x1, ln.x1) - max(o.x0, ln.x0) > 0.5 * min(o.x1 - o.x0, ln.x1 - ln.x0)]
        ln.left = _mode(o.x0 for o in peers)
        widths = sorted(o.x1 for o in peers)
        ln.right = widths[int(len(widths) * 0.9) if len(widths) > 1 else 0]
    return lines


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def remove_running_lines(pages: list[list[Line]]) -> list[Line]:
    """Drop running headers/footers and page numbers from the edges of each page: a
    line at the top or bottom whose text (digits aside) comes back at the same height on
    at least half of the pages, or that reads as a page number."""
    edges: list[list[Line]] = []
    for lines in pages:
        ordered = sorted(lines, key=lambda ln: -ln.y1)
        edges.append(ordered[:EDGE_LINES] + ordered[-EDGE_LINES:] if len(ordered) > EDGE_LINES else ordered)
    heights: dict[str, list[float]] = {}
    for edge in edges:
        for ln in edge:
            heights.setdefault(_key(ln.text), []).append(ln.y1)
    need = max(2, (len(pages) + 1) // 2)

    def running(ln: Line) -> bool:
        ys = heights[_key(ln.text)]
        mid = statistics.median(ys)
        return abs(ln.y1 - mid) <= RUNNING_TOLERANCE and sum(abs(y - mid) <= RUNNING_TOLERANCE for y in ys) >= need

    out: list[Line] = []
    for lines, edge in zip(pages, edges):
        drop = {id(ln) for ln in edge if PAGE_NUMBER.match(ln.text) or (len(pages) > 1 and running(ln))}
        out.extend(ln for ln in lines if id(ln) not in drop)
    return out


def join_paragraphs(lines: list[Line]) -> list[str]:
    """Re-join lines into paragraphs from the layout evidence."""
    if not lines:
        return []
    em = statistics.median(ln.size for ln in lines)
    left = _mode(ln.x0 for ln in lines)
    wide = [ln.x1 for ln in lines if ln.x1 - ln.x0 > 10 * em] or [ln.x1 for ln in lines]
    right = sorted(wide)[int(len(wide) * 0.9) if len(wide) > 1 else 0]
    pitches = [a.y0 - b.y0 for a, b in zip(lines, lines[1:]) if a.page == b.page and 0 < a.y0 - b.y0 < 3 * em]
    pitch = statistics.median(pitches) if pitches else 1.5 * em
    paragraphs: list[list[str]] = []
    prev: Line | None = None
    for ln in lines:
        # a page break or a jump up to the next column: only the line ends and indents tell
        same_flow = prev is not None and ln.page == prev.page and ln.y0 < prev.y0
        new = prev is None or (
            prev.x1 < (prev.right or right) - 1.0 * em  # the line above ended short of the margin
            or ln.x0 > (ln.left or left) + 0.8 * em  # first-line indent (or a centered line)
            or abs(ln.size - prev.size) > 0.15 * em  # another font size: a heading
            or (same_flow and prev.y0 - ln.y0 > 1.45 * pitch)  # a wider vertical gap
            or HEADING_NUMBER.match(ln.text) is not None  # 一、 （一） 第…章 start a block (as layout.rejoin)
        )
        if new:
            paragraphs.append([ln.text])
        else:
            paragraphs[-1].append(ln.text)
        prev = ln
    return [_join_lines(p) for p in paragraphs]


def _join_lines(parts: list[str]) -> str:
    text = parts[0]
    for part in parts[1:]:
        a, b = text[-1:], part[:1]
        decimal = a == "." and text[-2:-1].isdigit() and b.isdigit()  # 6. | 2% is 6.2%, cut by the line end
        text += (" " if a.isascii() and b.isascii() and (a.isalnum() or a in ",.;:") and b.isalnum() and not decimal
                 else "") + part
    return text


def _mode(values) -> float:
    counts: dict[int, int] = {}
    for v in values:
        counts[round(v)] = counts.get(round(v), 0) + 1
    best = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    return float(best)
