"""Plain text and Markdown (``.txt``, ``.md``): decoded whatever the encoding."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from index.reading.formats.base import Extracted, SkipFile

SUFFIXES = (".txt", ".md", ".markdown")

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
            try:
                text, encoding = data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError:
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
    if encoding != "utf-8" and looks_wrong_cjk(text):
        raise SkipFile("undecodable: bytes are neither UTF-8 nor meaningful GB18030 text")
    return text, encoding


def looks_wrong_cjk(text: str) -> bool:
    """GB18030 decodes almost any byte string; real Chinese text is mostly common
    CJK characters and ASCII. Reject text dominated by rare code points."""
    sample = text[:4000]
    odd = sum(1 for c in sample if not (c.isascii() or "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f"
                                         or "\uff00" <= c <= "\uffef" or c in "“”‘’—…·"))
    return odd > len(sample) * 0.2
