"""Plain text and Markdown (``.txt``, ``.md``): decoded whatever the encoding."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from index.reading.formats import FORMATS
from index.reading.formats.base import Extracted, SkipFile

SUFFIXES = FORMATS["text"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def extract(data: bytes, path: Path) -> Extracted:
    text, encoding = decode(data)
    return Extracted(text, encoding, "markdown" if path.suffix.lower() != ".txt" else "text")


def decode(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise :class:`SkipFile` for empty, binary or
    undecodable content. Line ends are normalized to ``\\n``."""
    if not data.strip():
        raise SkipFile("empty file")
    text = encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(name), name
            except UnicodeDecodeError:
                raise SkipFile(f"starts with a {name} byte-order mark but does not decode as {name}") from None
            break
    if text is None:
        if b"\x00" in data:
            raise SkipFile("binary file (contains NUL bytes)")
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            mixed = decode_by_line(data)
            try:
                text, encoding = mixed if mixed else (data.decode("gb18030"), "gb18030")
            except UnicodeDecodeError:
                # imported here: ~60 ms that only a file in neither UTF-8 nor GB18030 needs
                from charset_normalizer import from_bytes

                best = from_bytes(data).best()
                if best is None or looks_wrong_cjk(str(best)):
                    raise SkipFile("undecodable: not UTF-8, GB18030 or another encoding giving readable text") from None
                text, encoding = str(best), best.encoding
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SkipFile("empty file (only white space)")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 100):
        raise SkipFile(f"binary file ({controls} control characters in {len(text)})")
    if looks_wrong_cjk(text):
        if encoding == "utf-8":  # valid UTF-8 is not yet text: random code points decode too
            raise SkipFile(f"not text: over {ODD_SHARE:.0%} of its first characters are neither Chinese, ASCII nor "
                           "common punctuation (random or binary bytes)")
        raise SkipFile("undecodable: bytes are neither UTF-8 nor meaningful GB18030 text")
    return text, encoding


UTF8_LINE_MIN = 3  # non-ASCII characters a line needs to be taken as UTF-8 when GB18030 reads it too


def decode_by_line(data: bytes) -> tuple[str, str] | None:
    """A file of UTF-8 lines and GBK/GB18030 lines (pasted together from two sources),
    read a line at a time: ``(text, "utf-8+gb18030")``, or None when it is not such a
    mix (no line, or every line, is UTF-8 with Chinese in it). A line is UTF-8 when it
    decodes so and either GB18030 cannot read it or it holds at least
    ``UTF8_LINE_MIN`` non-ASCII characters (a short GBK line can pass as UTF-8 by
    chance; a run of valid three-byte UTF-8 sequences hardly ever does)."""
    lines = data.split(b"\n")
    out: list[str] = []
    utf8 = gbk = 0
    for line in lines:
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        try:
            as_utf8 = line.decode("utf-8")
        except UnicodeDecodeError:
            as_utf8 = None
        try:
            as_gbk = line.decode("gb18030")
        except UnicodeDecodeError:
            as_gbk = None
        if as_utf8 is not None and (as_gbk is None or sum(not c.isascii() for c in as_utf8) >= UTF8_LINE_MIN):
            out.append(as_utf8)
            utf8 += 1
        elif as_gbk is not None:
            out.append(as_gbk)
            gbk += 1
        else:
            return None
    if not utf8 or not gbk:
        return None
    return "\n".join(out), "utf-8+gb18030"


def looks_wrong_cjk(text: str) -> bool:
    """GB18030 decodes almost any byte string; real Chinese text is mostly common
    CJK characters and ASCII. Reject text dominated by rare code points."""
    sample = text[:4000]
    odd = sum(1 for c in sample if not (c.isascii() or "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f"
                                         or "\uff00" <= c <= "\uffef" or c in "“”‘’—…·"))
    return odd > len(sample) * ODD_SHARE


# Real reports (the 401 texts of ../shared/corpus-real and corpus-towns) have at most
# 9.7% such characters in their first 4,000; random code points 67% or more.
ODD_SHARE = 0.2
