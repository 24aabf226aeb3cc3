"""One extractor per file format: a file's bytes → :class:`Extracted` text in the shape
the structure parser reads (paragraphs separated by a blank line, format-marked headings
as Markdown ``#`` headings), plus metadata hints.

``extract(path, data)`` picks the extractor by the file's suffix; ``SUFFIXES`` lists
every suffix read. Each extractor raises :class:`SkipFile` with a reason for a file it
cannot read (truncated, corrupt, encrypted, no text layer, wrong charset, no converter).
Scans (image-only PDF pages, .png/.jpg/.tif images) are read by OCR (:mod:`.ocr`).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from index.reading.formats.base import Extracted, SkipFile

# Each format's module (of this package) and the suffixes it reads, which the module
# takes from here as its SUFFIXES. A module is imported when a file of its format is
# first read: walking a corpus, or deciding that nothing changed, imports none of them
# (nor what they need: OCR's image code and numpy, zip and XML parsing).
FORMATS: dict[str, tuple[str, ...]] = {
    "text": (".txt", ".md", ".markdown"),
    "docx": (".docx",),
    "pdf": (".pdf",),
    "html": (".html", ".htm", ".shtml", ".xhtml"),
    "legacy": (".doc", ".wps"),
    "image": (".png", ".jpg", ".jpeg", ".tif", ".tiff"),
}
FORMAT_OF = {suffix: name for name, suffixes in FORMATS.items() for suffix in suffixes}
SUFFIXES = tuple(FORMAT_OF)

__all__ = ["FORMATS", "SUFFIXES", "Extracted", "SkipFile", "extract", "apply_hints"]


def extract(path: Path, data: bytes, max_pdf_pages: int = 0) -> Extracted:
    """``max_pdf_pages``: a PDF with more pages is skipped before any is read (0: no limit)."""
    suffix = path.suffix.lower()
    name = FORMAT_OF.get(suffix)
    if name is None:
        raise SkipFile(f"unsupported file type {suffix or '(no suffix)'}")
    if path.name.startswith("~$"):
        raise SkipFile("an Office lock file (~$…), left beside a document while it is open: not a report")
    module = importlib.import_module(f"{__name__}.{name}")
    if name == "pdf" and max_pdf_pages:
        return module.extract(data, path, max_pages=max_pdf_pages)
    return module.extract(data, path)


def hint_values(hints: dict[str, str], title_year: int | None, year: int | None) -> dict[str, str]:
    """The metadata values the file's own hints set, in the sidecar's terms
    (``{"title": …, "year": "2022"}``), applied before the sidecar's overrides.

    The declared title replaces the one read from the text. A year in the title
    (``title_year``, from the declared or the text's title) wins; else the publication
    date (a web page's ``PubDate``) gives the year; the creation date (Word, PDF) only
    when the text names no year at all (``year`` is None): files are often copied from
    last year's."""
    values: dict[str, str] = {}
    if hints.get("title"):
        values["title"] = hints["title"]
    if title_year is not None:
        values["year"] = str(title_year)
    else:
        if hints.get("date"):
            values["year"] = hints["date"][:4]
        elif hints.get("created") and year is None:
            values["year"] = hints["created"][:4]
    return values
