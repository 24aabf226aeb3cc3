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
from functools import lru_cache
from pathlib import Path

from index.reading.formats import FORMATS, ocr
from index.reading.formats.base import Extracted, SkipFile, iso_date, useful_title
from index.reading.formats.page_layout import (  # noqa: F401  (Line and the rules: the PDF reader's API)
    HEADING_NUMBER,
    PAGE_NUMBER,
    Line,
    join_paragraphs,
    reading_order,
    remove_running_lines,
)

SUFFIXES = FORMATS["pdf"]
MIN_TEXT_CHARS = 10  # fewer readable characters in the whole file (or on a page with a picture): no text layer
NO_TEXT_LAYER = "no text layer (a scanned PDF: add one with OCR first, e.g. ocrmypdf -l chi_sim)"
DATA = Path(__file__).resolve().parents[2] / "data" / "cjk_radicals.txt"

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
