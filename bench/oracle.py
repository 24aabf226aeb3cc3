"""The brute-force oracles that define recall, written apart from the engine.

Nothing here imports ``index`` or ``search``: "what matches" comes from the tests'
reference (tests/reference_normalize.py: NFKC, case folding, punctuation, spaces and
format characters dropped, the character table of index/data/t2s.txt read as data, the
Latin word/number boundary rule), so a bug in the engine's normalization makes the
engine and the oracle disagree.

* :class:`Oracle` scans passages (exported by bench/passages.py): a passage is
  relevant to a query when it holds every term under the rule and passes the filters
  (town / county / year of its document, topics of the passage).
* :class:`FileOracle` reads the corpus files itself, with its own minimal readers
  (.txt/.md, .html, .docx, .pdf through charset-normalizer, lxml, python-docx and
  pdfminer directly), and bounds the documents a query must find: every file with a
  line holding all terms (a term inside one line is inside one passage, whatever the
  engine does with the lines around it; a reporter's credit closing a line,
  ``…示范乡镇。记者 李晓霞 文/图``, is a piece of its own), and no file whose text does not
  hold them (:func:`check_documents`). The text of a file includes the documented
  joins of a paragraph cut by a page break: a line that does not end a sentence goes
  on in one of the next few lines, a running header or a caption possibly between
  (``…建成生产`` / ``2018年，小关镇…`` / ``车间2栋…`` holds 产车).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import reference_normalize as reference  # noqa: E402

if TYPE_CHECKING:
    from passages import Passages

normalize = reference.normalize
_YEAR = re.compile(r"^(\d{4})(?:\s*[-–~至]\s*(\d{4}))?$")

# ---------------------------------------------------------------- reading the files

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
# what a corpus holds besides reports (metadata.tsv, sidecars) is not read
REPORT_SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, ".docx", ".pdf", ".doc", ".wps")
_HTML_BLOCKS = {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "title",
                "section", "article", "table", "ul", "ol", "pre", "blockquote", "dd", "dt"}


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("gb18030", errors="replace")


def _html_text(data: bytes) -> str:
    import lxml.html

    root = lxml.html.fromstring(data)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _HTML_BLOCKS:
            el.tail = "\n" + (el.tail or "")
    return root.text_content()


def _docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def _pdf_text(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


def read_source(path: Path) -> str | None:
    """The text of a corpus file, or None for a format this oracle does not read."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _decode(path.read_bytes())
    if suffix in HTML_SUFFIXES:
        return _html_text(path.read_bytes())
    if suffix == ".docx":
        return _docx_text(path)
    if suffix == ".pdf":
        return _pdf_text(path)
    return None


# the oracle's own model of the engine's documented joins and splits (docs/corpus.md);
# generous where it bounds what the engine may find, strict where it bounds what it must
SENTENCE_END = "。！？!?"  # a line ending otherwise may go on in a later line (；： too: generous)
JOIN_REACH = 4  # a cut paragraph goes on in one of the next lines, running headers and captions skipped
NEEDLE_MAX = 40  # a joined piece holds this much of each side: no query term is longer
# a reporter's credit after a sentence end, at the end of a line: its own piece
CREDIT = re.compile(r"(?<=[。！？”])\s*(?:本报)?(?:记者|通讯员)[^。！？]{0,40}$")


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip()
    return bool(stripped) and stripped[-1] in SENTENCE_END


def junctions(lines: list[str]) -> list[str]:
    """The texts a page-break join may make: each line that does not end a sentence
    followed by each of the next ``JOIN_REACH`` lines (and, when that one is short and
    unfinished too, by one of the lines after it), ``NEEDLE_MAX`` characters of each side."""
    out = []
    for i, line in enumerate(lines):
        if _ends_sentence(line):
            continue
        for j in range(i + 1, min(len(lines), i + 1 + JOIN_REACH)):
            head = line[-NEEDLE_MAX:] + "\n" + lines[j]
            out.append(head[: 2 * NEEDLE_MAX + 1])
            if not _ends_sentence(lines[j]) and len(lines[j]) < NEEDLE_MAX:
                for k in range(j + 1, min(len(lines), j + 1 + JOIN_REACH)):
                    out.append(head + "\n" + lines[k][:NEEDLE_MAX])
    return out


# a line that is only a page number (docs/corpus.md: `12`, `— 2 —`, `- 3 -`, `第3页`) may be
# dropped as one: the file's text still holds it, no search has to find it
PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*)?\d{1,4}(?:\s*[-—–])?\s*$|^\s*第\s*\d{1,4}\s*页\s*$")


# a long line (a text saved one paragraph or one document a line) may be cut before a
# numbered heading that follows a finished sentence or a wide space (docs/corpus.md,
# "Numbered headings run into a long line"); a lead-in ending with a colon keeps its list
LONG_LINE = 160
_NUMBERED = r"(?=[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])"
NUMBERED_CUT = re.compile(r"(?<=[。！？!?；;])\s*" + _NUMBERED + r"|\s{2,}" + _NUMBERED)


def _numbered_cuts(line: str) -> list[str]:
    if len(line) < LONG_LINE:
        return [line]
    out, start = [], 0
    for m in NUMBERED_CUT.finditer(line):
        if m.start() > start:
            out.append(line[start:m.start()])
            start = m.end()
    out.append(line[start:])
    return [p for p in out if p]


def pieces(line: str) -> list[str]:
    """A line as the engine must keep it together: a closing reporter's credit apart,
    a long line's numbered headings apart; none for a line that may be a page number."""
    if PAGE_NUMBER.match(line):
        return []
    m = CREDIT.search(line)
    parts = [line[: m.start()], line[m.start():]] if m and m.start() > 0 else [line]
    return [cut for part in parts for cut in _numbered_cuts(part)]


@dataclass
class SourceFile:
    name: str  # relative to the corpus folder, with /
    text: str
    lines: list[str]  # the lines of the text that hold something to match
    norm: str = ""  # the whole text, normalized
    line_norms: tuple[str, ...] = ()
    joins: tuple[tuple[str, str], ...] = ()  # (text, normalized) of each possible page-break join
    pieces: tuple[tuple[str, str], ...] = ()  # (text, normalized) of the lines' pieces


def _holds(text: str, norm: str, terms: list[str], needles: list[str]) -> bool:
    """Whether ``text`` (normalized: ``norm``) holds every term under the rule; the
    plain substring test first, the boundary rule only where it may matter."""
    return all(n in norm for n in needles) and all(reference.contains(text, t) for t in terms)


class FileOracle:
    """The corpus files, read and matched without the engine."""

    def __init__(self, corpus: Path):
        self.files: list[SourceFile] = []
        self.unread: list[str] = []  # reports of a format it does not read (.doc, .wps), or that fail to read
        for path in sorted(p for p in Path(corpus).rglob("*") if p.is_file() and not p.name.startswith(".")
                           and p.suffix.lower() in REPORT_SUFFIXES):
            name = path.relative_to(corpus).as_posix()
            try:
                text = read_source(path)
            except Exception:  # a file the engine may skip too; it is listed, not guessed at
                text = None
            if text is None:
                self.unread.append(name)
                continue
            lines = [line for line in text.splitlines() if normalize(line)]
            joins = tuple((j, normalize(j)) for j in junctions(lines))
            parts = tuple((p, normalize(p)) for line in lines for p in pieces(line))
            self.files.append(SourceFile(name, text, lines, normalize(text), tuple(normalize(x) for x in lines),
                                         joins, parts))

    def in_a_line(self, terms: list[str]) -> set[str]:
        """Files with one line (a piece of one, see :func:`pieces`) holding every term:
        the engine must find each of them."""
        needles = [normalize(t) for t in terms]
        return {f.name for f in self.files if any(_holds(p, norm, terms, needles) for p, norm in f.pieces)}

    def in_the_file(self, terms: list[str]) -> set[str]:
        """Files whose text holds every term, each in the whole text or across a
        page-break join (:func:`junctions`): the engine may find no other."""
        needles = [normalize(t) for t in terms]
        return {f.name for f in self.files
                if all(_holds(f.text, f.norm, [t], [n]) or any(_holds(j, jn, [t], [n]) for j, jn in f.joins)
                       for t, n in zip(terms, needles))}


def check_documents(oracle: FileOracle, terms: list[str], found: set[str]) -> dict:
    """Compare the files the engine found for ``terms`` with the oracle's bounds:
    ``missed`` (a line holds the terms, the engine did not find the file) and ``extra``
    (the file does not hold the terms at all)."""
    must, may = oracle.in_a_line(terms), oracle.in_the_file(terms)
    return {"must": len(must), "found": len(found & must), "missed": sorted(must - found),
            "extra": sorted(found - may)}


# ---------------------------------------------------------------- the passage oracle


def year_ok(year: int | None, specs: list[str]) -> bool:
    if year is None:
        return False
    for spec in specs:
        m = _YEAR.match(spec.strip())
        if not m:
            continue
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        if min(lo, hi) <= year <= max(lo, hi):
            return True
    return False


def filter_mask(p: Passages, filters: dict[str, list[str]]) -> list[bool] | None:
    """Which passages pass the filters (None: no filter)."""
    if not filters:
        return None
    towns = {normalize(v) for v in filters.get("town", [])}
    counties = {normalize(v) for v in filters.get("county", [])}
    topics = set(filters.get("topic", []))
    years = filters.get("year", [])
    mask = []
    for _, _, _, town, county, year, tops in p.rows():
        ok = True
        if towns and not (town and normalize(town) in towns):
            ok = False
        elif counties and not (county and normalize(county) in counties):
            ok = False
        elif topics and not topics.intersection(tops):
            ok = False
        elif years and not year_ok(year, years):
            ok = False
        mask.append(ok)
    return mask


class Oracle:
    def __init__(self, passages: Passages):
        self.p = passages
        self.norms = [normalize(t) for t in passages.texts]

    def match(self, q: str, filters: dict[str, list[str]]) -> list[int]:
        raw = [t for t in q.split() if normalize(t)]
        terms = [normalize(t) for t in raw]
        bounded = [reference.bounded(t) for t in raw]  # Latin letters/digits at an end
        mask = filter_mask(self.p, filters)
        out = []
        for i, s in enumerate(self.norms):
            if mask is not None and not mask[i]:
                continue
            if all(t in s and (not b or reference.contains(self.p.texts[i], r))
                   for t, b, r in zip(terms, bounded, raw)):
                out.append(i)
        return out

    def facets(self, ordinals: list[int]) -> dict[str, dict[str, int]]:
        return facet_counts(self.p, ordinals)


def facet_counts(p: Passages, ordinals) -> dict[str, dict[str, int]]:
    topic, town, county, year = Counter(), Counter(), Counter(), Counter()
    for i in ordinals:
        topic.update(p.topics[i])
        if p.towns[i]:
            town[p.towns[i]] += 1
        if p.counties[i]:
            county[p.counties[i]] += 1
        if p.years[i] is not None:
            year[str(p.years[i])] += 1
    return {"topic": dict(topic), "town": dict(town), "county": dict(county), "year": dict(year)}


def same_facets(a: dict, b: dict) -> bool:
    """Equal facet counts, ignoring zero counts and the order of keys."""
    for name in ("topic", "town", "county", "year"):
        x = {str(k): v for k, v in (a.get(name) or {}).items() if v}
        y = {str(k): v for k, v in (b.get(name) or {}).items() if v}
        if x != y:
            return False
    return True
