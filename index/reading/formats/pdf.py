"""PDFs with a text layer, read with pdfminer.six.

pdfminer gives every character with its position and size, which is the evidence
needed here: lines are rebuilt from the characters (a space only where the gap between
two characters is wide for their kind — no stray spaces inside Chinese text), running
headers, footers and page numbers are dropped (lines at the top or bottom of the page
that repeat, digits aside, on most pages, and page-number patterns such as ``- 3 -``,
``第3页``, ``3/12``), and lines are re-joined into paragraphs: a new paragraph starts
where the line above ends short of the right margin, where a line is indented, where
the vertical gap or the font size changes; a paragraph that runs over a page break is
joined. CJK radicals that PDF printers write for ideographs (⼤ for 大) are mapped back.
Headings are left to the structure rules, as in a text file.

A page with (almost) no text but a picture is a scanned page: it is rendered with
poppler's ``pdftoppm`` and read by OCR (index/reading/formats/ocr.py), whose lines go through
the same rules.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.reading.formats import ocr
from index.reading.formats.base import Extracted, SkipFile, iso_date, useful_title

SUFFIXES = (".pdf",)
MIN_TEXT_CHARS = 10  # fewer readable characters in the whole file (or on a page with a picture): no text layer
NO_TEXT_LAYER = "no text layer (a scanned PDF: add one with OCR first, e.g. ocrmypdf -l chi_sim)"
RUNNING_TOLERANCE = 6.0  # points: a running header/footer stands at the same height on every page
EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be a running header/footer
DATA = Path(__file__).resolve().parents[2] / "data" / "cjk_radicals.txt"

PAGE_NUMBER = re.compile(
    r"^[-—–－~·•\s]*(?:第\s*)?(?:\d{1,4}|[一二三四五六七八九十百]+)\s*页?"
    r"(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?|\s*[,，]?\s*共\s*\d{1,4}\s*页)?[-—–－~·•\s]*$"
    r"|^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.I,
)


# a line numbered like a heading of the first two levels: never the rest of a paragraph
HEADING_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十百\d]+[章节部分])")


def _cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or ch in "“”‘’—…·"


@lru_cache(maxsize=1)
def _radicals() -> dict[int, str]:
    table = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            a, b = line.split("\t")
            table[ord(a)] = b
    return table


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


def extract(data: bytes, path: Path, max_pages: int = 0) -> Extracted:
    """``max_pages``: more pages than this are refused before any is laid out (0: no limit)."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.psparser import PSException

    if b"%PDF-" not in data[:1024]:
        raise SkipFile("not a PDF (no %PDF- header)")
    if b"%%EOF" not in data[-2048:]:
        raise SkipFile("truncated or corrupt PDF (no %%EOF end marker)")
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
    except PDFPasswordIncorrect:
        raise SkipFile("encrypted PDF: it needs a password to open") from None
    except PDFEncryptionError as exc:
        raise SkipFile(f"encrypted PDF that cannot be opened ({exc})") from None
    except (PDFSyntaxError, PSException) as exc:
        raise SkipFile(f"corrupt PDF ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # pdfminer's own errors on damaged trailers and encryption dictionaries
        raise SkipFile(f"corrupt or unreadable PDF ({type(exc).__name__}: {exc})") from None
    try:
        if max_pages:
            _check_page_count(document, max_pages)
        pages, pictured = _read_pages(document)
    except SkipFile:
        raise
    except Exception as exc:  # a damaged page stream
        raise SkipFile(f"corrupt PDF: cannot read its pages ({type(exc).__name__}: {exc})") from None
    if not pages:
        raise SkipFile("corrupt PDF: no pages")
    counts = [sum(len(re.sub(r"\(cid:\d+\)|\s", "", line.text)) for line in page) for page in pages]
    # a page with (almost) no text but a picture is a scanned page: read by OCR
    scanned = [n for n, (chars, picture) in enumerate(zip(counts, pictured)) if chars < MIN_TEXT_CHARS and picture]
    readable = sum(counts)
    info = None
    if scanned:
        why = ocr.unavailable_reason("a scanned PDF", data, [n + 1 for n in scanned], pdf=True)
        if why is None:
            info = ocr.OcrInfo()
            for n in scanned:
                pages[n] = ocr.ocr_page(data, n + 1, lambda n=n: _render(data, n + 1), info, path.name, len(pages),
                                         ocr.DPI)
            readable += info.characters
        elif readable < MIN_TEXT_CHARS:
            raise SkipFile(f"{NO_TEXT_LAYER}; {why.split(': ', 1)[1]}")
    if readable < MIN_TEXT_CHARS:
        raise SkipFile(NO_TEXT_LAYER)
    lines = [line for page in pages for line in page]
    cids = sum(len(re.findall(r"\(cid:\d+\)", line.text)) for line in lines)
    if cids > readable:
        raise SkipFile("no usable text layer: its fonts carry no character map (text comes out as glyph numbers)")
    if info is not None and 0 in scanned:
        kept = {id(ln) for ln in ocr.drop_red_letter_head(lines)}
        pages = [[ln for ln in page if id(ln) in kept] for page in pages]
    body = remove_running_lines(pages)
    text = "\n\n".join(join_paragraphs(body)) + "\n"
    return Extracted(text, "pdf", "pdf", _hints(document), info)


def _render(data: bytes, page: int):
    """One page of a PDF as a Pillow image, rendered by poppler's pdftoppm."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="govsearch-ocr-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(data)
        try:
            # PPM, not PNG: compressing the picture costs more than drawing it
            done = subprocess.run(["pdftoppm", "-r", str(ocr.DPI), "-f", str(page), "-l", str(page),
                                   "-singlefile", str(source), str(Path(tmp) / "page")],
                                  capture_output=True, timeout=300)
        except FileNotFoundError:
            raise SkipFile("OCR of a scanned PDF needs pdftoppm (not installed): install Debian's poppler-utils") from None
        except subprocess.TimeoutExpired:
            raise SkipFile(f"rendering page {page} for OCR took more than 5 minutes") from None
        out = Path(tmp) / "page.ppm"
        if done.returncode != 0 or not out.is_file():
            raise SkipFile(f"cannot render page {page} for OCR (pdftoppm: "
                           f"{done.stderr.decode('utf-8', 'replace').strip()[-200:]})")
        with Image.open(out) as image:
            image.load()
            return image.copy()


def _check_page_count(document, max_pages: int) -> None:
    """Count the pages (walking the page tree, laying none out) up to one past the limit."""
    from itertools import islice

    from pdfminer.pdfpage import PDFPage

    count = sum(1 for _ in islice(PDFPage.create_pages(document), max_pages + 1))
    if count > max_pages:
        raise SkipFile(f"more than {max_pages:,} pages (raise --max-pdf-pages / GOVSEARCH_MAX_PDF_PAGES)")


def _read_pages(document) -> tuple[list[list[Line]], list[bool]]:
    """The lines of each page, and whether each page shows a picture."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTChar, LTImage, LTTextBox, LTTextLineHorizontal
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=LAParams(line_margin=1.0, char_margin=1.5, all_texts=True))
    interpreter = PDFPageInterpreter(manager, device)
    radicals = _radicals()
    pages: list[list[Line]] = []
    pictured: list[bool] = []
    for number, page in enumerate(PDFPage.create_pages(document)):
        interpreter.process_page(page)
        layout = device.get_result()
        lines: list[Line] = []
        picture = [False]

        def visit(item):
            if isinstance(item, LTImage):
                picture[0] = True
            elif isinstance(item, LTTextLineHorizontal):
                chars = [c for c in item if isinstance(c, LTChar)]
                text = line_text(chars).translate(radicals)
                if text.strip():
                    size = statistics.median(c.size for c in chars)
                    lines.append(Line(text.strip(), item.x0, item.x1, item.y0, item.y1, size, number))
            elif isinstance(item, LTTextBox) or hasattr(item, "__iter__"):
                for child in item:
                    visit(child)

        for item in layout:
            visit(item)
        pages.append(reading_order(lines))
        pictured.append(picture[0])
    return pages, pictured


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


def line_text(chars) -> str:
    """A line's text from its characters: a space where the source had a space
    character or where the gap is wide for the kind of characters on both sides."""
    out: list[str] = []
    prev = None
    pending_space = False
    for c in chars:
        t = c.get_text()
        if not t.strip():
            pending_space = True
            continue
        if prev is not None:
            gap = c.x0 - prev.x1
            em = max(prev.size, c.size, 1.0)
            a, b = prev.get_text()[-1:], t[:1]
            if _cjk(a) and _cjk(b):
                wide = gap > 1.0 * em
            elif _cjk(a) or _cjk(b):
                wide = gap > 0.6 * em
            else:
                wide = gap > 0.2 * em
            if pending_space or wide:
                out.append(" ")
        out.append(t)
        prev = c
        pending_space = False
    return "".join(out)


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


def _hints(document) -> dict[str, str]:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    hints: dict[str, str] = {}
    try:
        info = resolve1(document.info[0]) if document.info else {}
    except Exception:
        return hints

    def value(key):
        v = resolve1(info.get(key)) if isinstance(info, dict) else None
        if isinstance(v, bytes):
            return decode_text(v)
        return v if isinstance(v, str) else None

    title = useful_title(value("Title"))
    if title:
        hints["title"] = title
    created = iso_date(value("CreationDate"))
    if created:
        hints["created"] = created
    return hints
