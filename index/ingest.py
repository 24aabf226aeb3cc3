"""Finding report files and decoding them, whatever their encoding."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .formats import SUFFIXES, Extracted, SkipFile, extract
from .formats.text import decode

__all__ = ["SUFFIXES", "Extracted", "SkipFile", "SourceFile", "decode", "extract_source", "find_files", "read"]


@dataclass(frozen=True)
class SourceFile:
    path: Path
    relpath: str  # "/"-separated, relative to the corpus folder

    def fingerprint(self) -> str:
        return hashlib.sha1(self.path.read_bytes()).hexdigest()


def find_files(corpus: Path) -> list[SourceFile]:
    """Every file of a supported format (``SUFFIXES``) below ``corpus``, sorted, hidden folders skipped."""
    found = []
    for root, dirs, files in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            path = Path(root) / name
            found.append(SourceFile(path, path.relative_to(corpus).as_posix()))
    return found


def extract_source(source: SourceFile) -> Extracted:
    """The file's text in the structure parser's shape, with its metadata hints
    (see :mod:`index.formats`); :class:`SkipFile` when it cannot be read."""
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
    return extract(source.path, data)


def read(source: SourceFile) -> tuple[str, str]:
    """``(text, encoding)`` of any supported file."""
    extracted = extract_source(source)
    return extracted.text, extracted.encoding
