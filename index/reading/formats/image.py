"""Scanned pages and photos of pages (.png .jpg .tif …), read by OCR (index/reading/formats/ocr.py).

A multi-page TIFF is read page by page. An image too small to be a page (an icon, a
logo beside a web page) or giving almost no text is skipped with a reason, so that the
pictures of a corpus do not become reports.
"""

from __future__ import annotations

import io
from pathlib import Path

from index.reading.formats import FORMATS, ocr
from index.reading.formats.base import Extracted, SkipFile

SUFFIXES = FORMATS["image"]


def extract(data: bytes, path: Path) -> Extracted:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    if not ocr.options().enabled:
        raise SkipFile(f"an image (read only by OCR): {ocr.OFF_HINT}")

    try:
        image = Image.open(io.BytesIO(data))
        frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise SkipFile(f"corrupt or unreadable image ({type(exc).__name__}: {exc})") from None
    if max(min(f.size) for f in frames) < ocr.MIN_IMAGE_SIDE:
        w, h = frames[0].size
        raise SkipFile(f"an image of {w}×{h} pixels: too small to be a scanned page (under "
                       f"{ocr.MIN_IMAGE_SIDE} pixels a side)")
    why = ocr.unavailable_reason("an image (read only by OCR)", data, range(1, len(frames) + 1))
    if why:
        raise SkipFile(why)
    info = ocr.OcrInfo()
    pages = [ocr.ocr_page(data, n, (lambda f=frame: f), info, path.name, len(frames))
             for n, frame in enumerate(frames, start=1)]
    if info.characters < ocr.MIN_IMAGE_CHARS:
        raise SkipFile(f"an image with no readable text (OCR found {info.characters} characters)")
    return Extracted(ocr.pages_text(pages), "ocr", "image", {}, info)
