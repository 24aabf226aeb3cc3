"""Word documents (``.docx``), read with python-docx.

The body is walked in document order (paragraphs, tables, content controls). A
paragraph is a heading when its style is a heading/Title style or when it, or a style it
inherits from, has an outline level (``w:outlineLvl`` 0–8). List numbers are computed
from the numbering definitions (``1.``, ``（一）``, ``一、`` …) and written in front of
the paragraph. Tables become one line per row, cells separated by ``｜``. Headers,
footers, footnotes, comments, deleted text and text boxes are not part of the body and
are left out. Core properties give the title and creation date hints.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from index.reading.formats import FORMATS
from index.reading.formats.base import (
    HEADING,
    PARAGRAPH,
    PICTURE,
    Extracted,
    SkipFile,
    clean_line,
    render,
    table_text,
    useful_title,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SUFFIXES = FORMATS["docx"]


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def extract(data: bytes, path: Path) -> Extracted:
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SkipFile("not a valid .docx: the file is truncated or not a Word document (no ZIP directory)")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise SkipFile(f"not a valid .docx: {exc}") from None
    except Exception as exc:  # lxml XMLSyntaxError and friends: a damaged part
        raise SkipFile(f"damaged .docx ({type(exc).__name__}: {exc})") from None
    reader = _Reader(document)
    blocks = reader.blocks()
    if not any(text.strip() for kind, _, text in blocks if kind != PICTURE):
        raise SkipFile("the Word document has no text")
    props = document.core_properties
    hints: dict[str, str] = {}
    title = useful_title(props.title)
    if title:
        hints["title"] = title
    if props.created is not None:
        hints["created"] = props.created.strftime("%Y-%m-%d")
    return Extracted(render(blocks, title), "docx", "docx", hints)


class _Reader:
    def __init__(self, document):
        self.document = document
        self.styles = {}
        styles_el = document.styles.element
        for st in styles_el.findall(_w("style")):
            self.styles[st.get(_w("styleId"))] = st
        self.default_pstyle = next((st.get(_w("styleId")) for st in styles_el.findall(_w("style"))
                                    if st.get(_w("type")) == "paragraph" and st.get(_w("default")) in ("1", "true")), None)
        self.numbering = _Numbering(document)

    # ----------------------------------------------------------------- styles

    def _style_chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            st = self.styles[style_id]
            yield st
            based = st.find(_w("basedOn"))
            style_id = based.get(_w("val")) if based is not None else None

    def _style_name(self, style_id: str | None) -> str:
        st = self.styles.get(style_id)
        name = st.find(_w("name")) if st is not None else None
        return (name.get(_w("val")) if name is not None else "").lower()

    def _outline_level(self, p, style_id) -> int | None:
        own = p.find(f"{_w('pPr')}/{_w('outlineLvl')}")
        if own is not None:
            return int(own.get(_w("val"), "9"))
        for st in self._style_chain(style_id):
            el = st.find(f"{_w('pPr')}/{_w('outlineLvl')}")
            if el is not None:
                return int(el.get(_w("val"), "9"))
        return None

    def _num_pr(self, p, style_id):
        num = p.find(f"{_w('pPr')}/{_w('numPr')}")
        if num is not None:
            return num
        for st in self._style_chain(style_id):
            el = st.find(f"{_w('pPr')}/{_w('numPr')}")
            if el is not None:
                return el
        return None

    # ----------------------------------------------------------------- body

    def blocks(self) -> list[tuple[str, int, str]]:
        out: list[tuple[str, int, str]] = []
        self._walk(self.document.element.body, out)
        return out

    def _walk(self, parent, out) -> None:
        for child in parent:
            if child.tag == _w("p"):
                out.extend(self._paragraph(child))
            elif child.tag == _w("tbl"):
                rows = self._table(child)
                if rows:
                    out.append((PARAGRAPH, 0, table_text(rows)))
            elif child.tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self._walk(content, out)
            elif child.tag in (_w("ins"), _w("customXml"), _w("smartTag")):
                self._walk(child, out)

    def _paragraph(self, p) -> list[tuple[str, int, str]]:
        ps = p.find(f"{_w('pPr')}/{_w('pStyle')}")
        style_id = ps.get(_w("val")) if ps is not None else self.default_pstyle
        name = self._style_name(style_id)
        if name.startswith("toc ") or name in ("toc heading", "header", "footer"):
            return []  # a table of contents repeats the headings
        text = run_text(p)
        picture = not text.strip() and any(True for _ in p.iter(_w("drawing"), _w("pict")))
        if picture:
            return [(PICTURE, 0, "")]
        if not text.strip():
            return []
        number = self.numbering.label(self._num_pr(p, style_id))
        if number:
            text = number + text.lstrip()
        if name == "title":
            return [(HEADING, 1, text)]
        level = None
        m = re.fullmatch(r"(?:heading|标题)\s*(\d)", name)
        if m:
            level = int(m.group(1))
        else:
            outline = self._outline_level(p, style_id)
            if outline is not None and 0 <= outline <= 8:
                level = outline + 1
        if level is not None:
            # a heading is one line; soft line breaks inside it are layout
            return [(HEADING, level + 1, " ".join(text.split()))]
        return [(PARAGRAPH, 0, "\n".join(clean_line(line) for line in text.split("\n")))]

    def _table(self, tbl) -> list[list[str]]:
        rows = []
        for tr in tbl.findall(_w("tr")):
            cells = []
            for tc in tr.findall(_w("tc")):
                vmerge = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
                if vmerge is not None and vmerge.get(_w("val")) in (None, "continue"):
                    continue  # the cell above already gave the merged text
                parts = []
                for p in tc.iter(_w("p")):
                    t = clean_line(run_text(p).replace("\n", " "))
                    if t:
                        parts.append(t)
                cell = " ".join(parts).replace("\t", " ")
                if cell:
                    cells.append(cell)
            if cells:
                rows.append(cells)
        return rows


_SKIP_ANCESTORS = ("del", "moveFrom", "txbxContent", "footnoteReference", "endnoteReference")


def run_text(p) -> str:
    """The visible text of a paragraph: runs, inserted text, hyperlinks; not deleted
    text, field codes, text boxes or the fallback copies of drawings."""
    out: list[str] = []
    for el in p.iter(_w("t"), _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen"), _w("sym")):
        if _excluded(el, p):
            continue
        tag = el.tag.rsplit("}", 1)[1]
        if tag == "t":
            out.append(el.text or "")
        elif tag == "tab":
            if el.getparent().tag == _w("r"):
                out.append("\t")
        elif tag in ("br", "cr"):
            if el.get(_w("type")) not in ("page", "column"):
                out.append("\n")
        elif tag == "noBreakHyphen":
            out.append("-")
    return "".join(out)


def _excluded(el, stop) -> bool:
    node = el.getparent()
    while node is not None and node is not stop:
        local = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
        if local in _SKIP_ANCESTORS or local == "Fallback" or local == "pPr":
            return True
        node = node.getparent()
    return False


# --------------------------------------------------------------------------- numbering

_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(n)


def roman(n: int) -> str:
    vals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
            (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str | None:
    if fmt in ("decimal", "decimalZero"):
        return f"{n:02d}" if fmt == "decimalZero" else str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "japaneseCounting",
               "chineseLegalSimplified", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return chinese_number(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "lowerLetter":
        return letters(n)
    if fmt == "upperLetter":
        return letters(n).upper()
    if fmt == "lowerRoman":
        return roman(n).lower()
    if fmt == "upperRoman":
        return roman(n)
    if fmt == "none":
        return ""
    return None  # bullet and unknown formats: no number


class _Numbering:
    """Word's list counters: one per list instance (numId) and level; a level restarts
    when a higher level of the same list advances."""

    def __init__(self, document):
        self.levels: dict[tuple[str, int], tuple[int, str, str]] = {}  # (numId, ilvl) → (start, fmt, text)
        self.counters: dict[str, dict[int, int]] = {}
        try:
            part = document.part.numbering_part
        except (NotImplementedError, KeyError, AttributeError):
            return
        root = part.element
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for an in root.findall(_w("abstractNum")):
            lv = {}
            for lvl in an.findall(_w("lvl")):
                lv[int(lvl.get(_w("ilvl"), "0"))] = _level_def(lvl)
            abstract[an.get(_w("abstractNumId"))] = lv
        for num in root.findall(_w("num")):
            num_id = num.get(_w("numId"))
            ref = num.find(_w("abstractNumId"))
            base = dict(abstract.get(ref.get(_w("val")) if ref is not None else None, {}))
            for ov in num.findall(_w("lvlOverride")):
                ilvl = int(ov.get(_w("ilvl"), "0"))
                lvl = ov.find(_w("lvl"))
                if lvl is not None:
                    base[ilvl] = _level_def(lvl)
                start = ov.find(_w("startOverride"))
                if start is not None and ilvl in base:
                    s, fmt, txt = base[ilvl]
                    base[ilvl] = (int(start.get(_w("val"), "1")), fmt, txt)
            for ilvl, d in base.items():
                self.levels[(num_id, ilvl)] = d

    def label(self, num_pr) -> str:
        if num_pr is None:
            return ""
        id_el, lvl_el = num_pr.find(_w("numId")), num_pr.find(_w("ilvl"))
        num_id = id_el.get(_w("val")) if id_el is not None else None
        ilvl = int(lvl_el.get(_w("val"), "0")) if lvl_el is not None else 0
        if not num_id or num_id == "0" or (num_id, ilvl) not in self.levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = self.levels[(num_id, ilvl)][0]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        _, fmt, template = self.levels[(num_id, ilvl)]
        if format_number(1, fmt) is None or not template:
            return ""

        def repl(m):
            k = int(m.group(1)) - 1
            d = self.levels.get((num_id, k))
            if d is None:
                return ""
            n = counters.get(k, d[0])
            return format_number(n, d[1]) or ""

        return re.sub(r"%(\d)", repl, template)


def _level_def(lvl) -> tuple[int, str, str]:
    start = lvl.find(_w("start"))
    fmt = lvl.find(_w("numFmt"))
    text = lvl.find(_w("lvlText"))
    return (int(start.get(_w("val"), "1")) if start is not None else 1,
            fmt.get(_w("val"), "decimal") if fmt is not None else "decimal",
            text.get(_w("val"), "") if text is not None else "")
