"""Text from page images by OCR: Tesseract (``chi_sim``) run as a subprocess.

Tesseract's TSV output gives every word with its box, its line, block and paragraph,
and a confidence (0–100). Each OCR line becomes a :class:`~index.reading.formats.page_layout.Line`
in the PDF reader's coordinates (points, y upwards, the page scaled to A4 height), so
the PDF reader's rules apply unchanged: reading order, running headers and page
numbers removed, paragraphs re-joined across lines and pages.

The clean-up follows what the OCR gives for printed Chinese:

* words come separated by spaces: a space is kept only between two Latin words or
  numbers; ASCII punctuation read between Chinese characters becomes the full-width
  mark the report printed (``,`` → ``，``);
* the image is prepared by :mod:`index.reading.formats.page_image` before OCR: red ink
  (the red-letter head, the seal) left out of a colour image by its colour, uneven light
  flattened, a grey seal left out of a grey image by its breadth, specks removed;
* in a grey scan the red-letter head is also recognised from its text (a line ending in
  ``文件`` above the document number ``X政〔2023〕12号`` at the top of the first page)
  and seal text from its low confidence; a round bracket read as an angle bracket is
  made round again;
* words read with a low confidence stay in the text (searchable) and are listed in
  :class:`OcrInfo` with their page, so that the document page can mark them.

Results are cached by file content (``cache_dir``): an unchanged scan is never read
twice, in a build or an update.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.reading.formats.base import SkipFile

LANGUAGES = "chi_sim"
DPI = 300  # pages of PDFs are rendered at this resolution (Tesseract reads 10–12 pt text best near 300 dpi)
PAGE_HEIGHT = 842.0  # points: every page is scaled to the height of A4, the PDF reader's units
MIN_WORD_CONFIDENCE = 60  # a word below this is kept but listed as uncertain
MIN_LINE_CONFIDENCE = 35  # a line whose words average below this is noise (seal text, specks), dropped
LOW_PAGE_CONFIDENCE = 70  # a page whose mean word confidence is below this is named in the build summary
MIN_IMAGE_SIDE = 500  # pixels: a smaller image (an icon, a logo) is not a scanned page
MIN_IMAGE_CHARS = 10  # an image giving fewer characters is not a page of text
MARGIN_LINES = 2  # lines starting at the same place make a margin
SIZE_JUMP = 1.5  # a line this many times taller than the page's usual line is set in a bigger face
CACHE_FORMAT = 3  # 3: pages made ready by page_image.for_ocr (flattened light, grey seal out)
INSTALL_HINT = "install Debian's tesseract-ocr and tesseract-ocr-chi-sim"
OFF_HINT = "OCR is off (--no-ocr / GOVSEARCH_OCR=0)"


@dataclass(frozen=True)
class OcrOptions:
    """How scans are read. ``enabled``: OCR at all; ``cache_dir``: where page results
    are kept by file content (None: no cache); ``progress``: print a line per page to
    stderr."""
    enabled: bool = True
    cache_dir: Path | None = None
    progress: bool = False


_OPTIONS = [OcrOptions()]


def configure(options: OcrOptions | None) -> None:
    """Set the options of this process (the build calls it in its workers too)."""
    _OPTIONS[0] = options or OcrOptions()


def options() -> OcrOptions:
    return _OPTIONS[0]


@dataclass
class OcrInfo:
    """What OCR did for one file: its OCR'd pages (1-based) with their mean confidence,
    how many came from the cache, the uncertain words, the seconds spent."""
    pages: list[tuple[int, float]] = field(default_factory=list)
    cached: int = 0
    seconds: float = 0.0
    uncertain: list[tuple[int, str, float]] = field(default_factory=list)  # (page, word, confidence)
    characters: int = 0
    confidence_sum: float = 0.0  # over characters

    @property
    def confidence(self) -> float:
        return round(self.confidence_sum / self.characters, 1) if self.characters else 0.0

    def low_pages(self) -> list[tuple[int, float]]:
        return [(p, c) for p, c in self.pages if c < LOW_PAGE_CONFIDENCE]

    def to_dict(self) -> dict:
        return {"pages": [p for p, _ in self.pages], "confidence": self.confidence,
                "page_confidence": {str(p): c for p, c in self.pages}, "cached": self.cached,
                "seconds": round(self.seconds, 2),
                "uncertain": [{"page": p, "word": w, "confidence": c} for p, w, c in self.uncertain]}


# --------------------------------------------------------------------------- tools


def missing_tools(pdf: bool = False) -> list[str]:
    """The Debian packages OCR needs that are not installed (empty: ready)."""
    missing = []
    if not shutil.which("tesseract") or LANGUAGES not in _languages():
        missing += ["tesseract-ocr", "tesseract-ocr-chi-sim"] if not shutil.which("tesseract") else ["tesseract-ocr-chi-sim"]
    if pdf and not shutil.which("pdftoppm"):
        missing.append("poppler-utils")
    return missing


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in out.splitlines()[1:])


@lru_cache(maxsize=1)
def _version() -> str:
    try:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).splitlines()[0].strip()
    except (OSError, subprocess.SubprocessError, IndexError):
        return "?"


def unavailable_reason(what: str, data: bytes, pages, pdf: bool = False) -> str | None:
    """Why ``what`` (a scanned PDF, an image) cannot be OCR'd now, or None. Pages (1-based)
    whose results are all in the cache are read without the tools."""
    if not options().enabled:
        return f"{what}: {OFF_HINT}"
    missing = missing_tools(pdf)
    if missing and not all(_cache_get(page_cache_key(data, page)) is not None for page in pages):
        return f"{what}: OCR needs Debian's {', '.join(missing)} (not installed: apt-get install {' '.join(missing)})"
    return None


# --------------------------------------------------------------------------- pages


@dataclass
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    line: tuple[int, int, int]  # (block, paragraph, line)


def page_cache_key(data: bytes, page: int) -> str:
    h = hashlib.sha256(data)
    h.update(f"|page {page}|{LANGUAGES}|{DPI}|format {CACHE_FORMAT}".encode())
    return h.hexdigest()


def _cache_path(key: str) -> Path | None:
    folder = options().cache_dir
    return Path(folder) / key[:2] / f"{key}.json" if folder else None


def _cache_get(key: str) -> dict | None:
    path = _cache_path(key)
    if path is None:
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) and value.get("format") == CACHE_FORMAT else None


def _cache_put(key: str, value: dict) -> None:
    path = _cache_path(key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)  # a reader never sees half a file; two workers writing the same key agree
    except OSError:
        pass  # a read-only cache folder only costs time


def ocr_page(data: bytes, page: int, render, info: OcrInfo, label: str, total: int, dpi: int | None = None):
    """The lines of one page (``page_layout.Line``), OCR'd or from the cache. ``render()``
    gives the page as a Pillow image when it must be OCR'd; ``dpi``: its resolution
    when known (a rendered PDF page)."""
    key = page_cache_key(data, page)
    cached = _cache_get(key)
    hit = cached is not None
    started = time.perf_counter()
    if cached is None:
        image = render()
        words, boxes, width, height = _tesseract(image, dpi)
        cached = {"format": CACHE_FORMAT, "width": width, "height": height,
                  "words": [[w.text, w.left, w.top, w.width, w.height, w.conf, *w.line] for w in words],
                  "lines": [[*key, *box] for key, box in boxes.items()]}
        _cache_put(key, cached)
    else:
        info.cached += 1
    seconds = time.perf_counter() - started
    info.seconds += seconds
    words = [Word(t, lf, tp, wd, ht, cf, (b, p, ln)) for t, lf, tp, wd, ht, cf, b, p, ln in cached["words"]]
    boxes = {tuple(row[:3]): tuple(row[3:]) for row in cached["lines"]}
    lines, confidence = page_lines(words, boxes, cached["width"], cached["height"], page - 1, info)
    info.pages.append((page, confidence))
    if options().progress:
        where = "from the cache" if hit else f"{seconds:.1f} s"
        print(f"  OCR {label} page {page}/{total}: confidence {confidence:.0f} ({where})", file=sys.stderr, flush=True)
    return lines


def _tesseract(image, dpi: int | None = None) -> tuple[list[Word], dict, int, int]:
    """Tesseract's words of an image, made ready by ``page_image.for_ocr`` (red ink and a grey
    seal left out, uneven light flattened, specks removed). Imported here: it needs numpy,
    which walking the corpus or deciding that nothing changed never does."""
    from index.reading.formats import page_image

    gray = page_image.for_ocr(image)
    buffer = io.BytesIO()
    gray.save(buffer, format="PPM")  # a PGM: Tesseract reads it with no decompressing
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # the build's workers are the parallelism
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", LANGUAGES, "--psm", "3",
                               *(["--dpi", str(dpi)] if dpi else []), "tsv"],
                              input=buffer.getvalue(), capture_output=True, timeout=600, env=env)
    except FileNotFoundError:
        raise SkipFile(f"OCR needs tesseract-ocr (not installed): {INSTALL_HINT}") from None
    except subprocess.TimeoutExpired:
        raise SkipFile("OCR of a page took more than 10 minutes: left out") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SkipFile(f"OCR failed (tesseract: {message[-1] if message else done.returncode})")
    return (*parse_tsv(done.stdout.decode("utf-8", "replace")), gray.width, gray.height)


def parse_tsv(tsv: str) -> tuple[list[Word], dict[tuple[int, int, int], tuple[int, int, int, int]]]:
    """Tesseract's words, and its line boxes ``{(block, paragraph, line): (left, top,
    width, height)}`` (a Chinese word's own box is unreliable; the line's is not)."""
    words = []
    boxes = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) >= 10 and cells[0] == "4":
            boxes[(int(cells[2]), int(cells[3]), int(cells[4]))] = tuple(int(c) for c in cells[6:10])
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        words.append(Word(cells[11].strip(), int(cells[6]), int(cells[7]), int(cells[8]), int(cells[9]),
                          float(cells[10]), (int(cells[2]), int(cells[3]), int(cells[4]))))
    return words, boxes


# --------------------------------------------------------------------------- words → lines


def _cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x3000 <= o <= 0x303F \
        or ch in "“”‘’—…·"


FULL_WIDTH_ENDS = "，。、；：？！）”’》"
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_HALF_NEAR_CJK = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\s*([,:;?!()])|([,:;?!()])\s*(?=[\u4e00-\u9fff])")
BRACKETED = 20  # at most this many characters between a misread bracket and its partner
_OPEN_MISREAD = re.compile(r"[〈<]([^（）()〈〉<>]{1,%d})）" % BRACKETED)
_CLOSE_MISREAD = re.compile(r"（([^（）()〈〉<>]{1,%d})[〉>]" % BRACKETED)
_SPACE_IN_CJK = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def clean_text(text: str) -> str:
    """One OCR line's text: no spaces next to Chinese characters or marks, ASCII
    punctuation next to Chinese characters made full-width (as printed), a period read
    as ``.`` between Chinese text and the line's end made ``。``."""
    text = text.strip()
    while True:  # a mark made full-width makes its neighbour a mark next to Chinese text: "( 社区 ) :"
        cleaned = _HALF_NEAR_CJK.sub(lambda m: FULL_WIDTH[m.group(1) or m.group(2)], _SPACE_IN_CJK.sub("", text))
        if cleaned == text:
            break
        text = cleaned
    # a numbered heading "1." keeps its period; a sentence end after Chinese text is 。
    text = re.sub(r"(?<=[\u4e00-\u9fff”’）])\.(?=$|[\u4e00-\u9fff])", "。", text)
    # one half of a pair of round brackets read as an angle bracket: 〈社区） → （社区）
    text = _OPEN_MISREAD.sub(r"（\1）", text)
    return _CLOSE_MISREAD.sub(r"（\1）", text)


def page_lines(words: list[Word], boxes: dict, width: int, height: int, page: int, info: OcrInfo):
    """``page_layout.Line`` objects of one page's words (placed by Tesseract's line boxes), and
    the page's mean confidence (over characters). Lines of noise (mean confidence under
    MIN_LINE_CONFIDENCE) are dropped; uncertain words are listed in ``info``.

    Every line gets the page's usual line height as its size, unless it is SIZE_JUMP
    times taller (a title in a big face): a skewed scan makes long lines' boxes taller
    than short ones', which must not read as a change of font."""
    from index.reading.formats.page_layout import Line, reading_order

    scale = PAGE_HEIGHT / height if height else 1.0
    groups: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        groups.setdefault(w.line, []).append(w)
    lines = []
    chars = 0
    conf_sum = 0.0
    for group in groups.values():
        group.sort(key=lambda w: w.left)
        n = sum(len(w.text) for w in group)
        mean = sum(w.conf * len(w.text) for w in group) / n
        if mean < MIN_LINE_CONFIDENCE:
            continue
        text = clean_text(_join_words(group))
        if not text:
            continue
        chars += n
        conf_sum += mean * n
        for w in group:
            if w.conf < MIN_WORD_CONFIDENCE and re.search(r"[\u4e00-\u9fffA-Za-z0-9]", w.text):
                info.uncertain.append((page + 1, clean_text(w.text), round(w.conf, 1)))
        left, top, w, h = boxes.get(group[0].line) or (
            group[0].left, min(x.top for x in group), max(x.left + x.width for x in group) - group[0].left,
            max(x.top + x.height for x in group) - min(x.top for x in group))
        lines.append(Line(text, left * scale, (left + w) * scale, (height - top - h) * scale, (height - top) * scale,
                          h * scale, page))
    if lines:
        usual = statistics.median(ln.size for ln in lines)
        for ln in lines:
            if ln.size < SIZE_JUMP * usual:
                ln.size = usual
            if ln.text[-1] in FULL_WIDTH_ENDS:  # the box of a full-width mark ends where its ink ends, mid-cell
                ln.x1 += usual / 2
    info.characters += chars
    info.confidence_sum += conf_sum
    lines = reading_order(lines)
    if lines and lines[0].left is None:  # one column: the page's own margins (each scan sits differently)
        left = left_margin([ln.x0 for ln in lines], usual)
        wide = sorted(ln.x1 for ln in lines if ln.x1 - ln.x0 > 10 * usual) or sorted(ln.x1 for ln in lines)
        right = wide[int(len(wide) * 0.9) if len(wide) > 1 else 0]
        for ln in lines:
            ln.left, ln.right = left, right
    return lines, round(conf_sum / chars, 1) if chars else 0.0


def left_margin(starts: list[float], em: float) -> float:
    """The page's left margin: the leftmost place where at least MARGIN_LINES lines
    start (within half a character). The commonest start would do for a long text,
    but in a report of short paragraphs the indented first lines can be as many as the
    others; a lone speck or seal further left is not a margin."""
    ordered = sorted(starts)
    for i, x in enumerate(ordered):
        if sum(1 for y in ordered[i:] if y <= x + em / 2) >= MARGIN_LINES:
            return x
    return ordered[0]


def _join_words(group: list[Word]) -> str:
    out = group[0].text
    for prev, w in zip(group, group[1:]):
        a, b = out[-1:], w.text[:1]
        out += (" " if a.isascii() and b.isascii() and a.isalnum() and b.isalnum() else "") + w.text
    return out


# --------------------------------------------------------------------------- the red-letter head

DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[［(（【]\s*(?:19|20)\d\d\s*[〕\]］)）】]\s*\d{1,4}\s*号$")
HEAD_ISSUER = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}文\s*件$")
HEAD_LINES = 6  # the head stands within the first lines of the first page


def drop_red_letter_head(lines: list) -> list:
    """Without the red-letter head of the first page: the document number
    (``X政〔2023〕12号``) among its first HEAD_LINES lines and the issuer lines
    (``…人民政府文件``) above it. A page with no document number keeps every line:
    without it a line ending in 文件 may be a title."""
    first = [ln for ln in lines if ln.page == lines[0].page] if lines else []
    number_at = next((i for i, ln in enumerate(first[:HEAD_LINES]) if DOC_NUMBER.match(ln.text)), None)
    if number_at is None:
        return lines
    drop = {id(first[number_at])}
    drop.update(id(ln) for ln in first[:number_at] if HEAD_ISSUER.match(ln.text))
    return [ln for ln in lines if id(ln) not in drop]


def pages_text(pages: list[list]) -> str:
    """The text of OCR'd pages (lists of ``page_layout.Line``), with the PDF reader's rules."""
    from index.reading.formats.page_layout import join_paragraphs, remove_running_lines

    lines = drop_red_letter_head([ln for page in pages for ln in page])
    kept = {id(ln) for ln in lines}
    body = remove_running_lines([[ln for ln in page if id(ln) in kept] for page in pages])
    return "\n\n".join(join_paragraphs(body)) + "\n"
