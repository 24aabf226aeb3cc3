"""A page image made ready for OCR, each step decided from what the image shows.

``for_ocr(image)`` gives the grey image Tesseract reads:

1. **Red ink out of a colour image**: the red channel plus the pixel's redness, in
   which red ink (the red-letter head, the seal) is as light as the paper and black
   print, even under the seal, stays black.
2. **Uneven light flattened**: a photo lit from one side or under a desk lamp has paper
   that is darker at the edges than in the middle. The paper's brightness is estimated
   (the lightest pixels around each place, smoothed); when it varies across the page by
   FLAT_SPREAD or more, every pixel is divided by it, so that paper is white everywhere
   and ink keeps its own darkness. A scan's paper is even: it is left as it is.
3. **A grey seal taken out**: in a grey image (a photo or scan made in grey, a
   photocopy) a red seal prints as mid-grey, as dark as blurred text edges but in broad
   areas: its ring, its star, the head's big characters. Mid-grey ink (between
   SECOND_INK_DARK and SECOND_INK_LIGHT of the paper's brightness) forming areas at least
   SEAL_STROKE pixels thick in both directions is painted paper colour, with a margin
   of its blur; black print under it stays (it is darker than SECOND_INK_DARK). Black
   text is grey only at its edges and in hairlines narrower than SEAL_STROKE.
4. **Specks removed**: a speckled page (SPECKLE_SHARE or more of its dark pixels
   isolated) through a 5×5 median filter.
"""

from __future__ import annotations

import numpy as np

FLAT_SPREAD = 0.10  # the paper's brightness varying by this share of its brightest: flattened
BACKGROUND_SCALE = 8  # the paper's brightness is estimated on the image shrunk this many times
SECOND_INK_DARK = 0.15  # of the paper's brightness: darker is black print, kept under a seal
SECOND_INK_LIGHT = 0.70  # lighter than this is paper (or the blur of an edge)
SEAL_STROKE = 5  # pixels: mid-grey this thick in both directions is a second ink, not a text edge
SEAL_MARGIN = 5  # pixels: the mask widened by this window (2 px each side) takes its blurred edge
SPECKLE_SHARE = 0.03  # of dark pixels isolated: at or above it a page is despeckled (clean print: ~2 %)


def for_ocr(image):
    """The grey image Tesseract reads (steps 1–4 of the module's description; step 3
    only for an image without colour: in a colour image red ink is known by its colour)."""
    gray = flattened(without_red(image))
    return despeckle(gray if in_colour(image) else without_second_ink(gray))


def in_colour(image) -> bool:
    return image.mode in ("RGB", "RGBA", "P", "CMYK")


def without_red(image):
    """A grey image for OCR without red ink: each pixel's red channel plus its redness
    (red minus the mean of green and blue). A neutral pixel (black print, grey, white
    paper) keeps its brightness; red ink (the red-letter head, the seal, their JPEG
    fringes) comes out as light as the paper, and black print under it stays black.
    The red channel alone leaves a seal light grey, which Tesseract still reads into
    the signature under it."""
    from PIL import Image

    if not in_colour(image):
        return image.convert("L")
    rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    red = 2 * rgb[..., 0] - (rgb[..., 1] + rgb[..., 2]) // 2
    return Image.fromarray(np.clip(red, 0, 255).astype(np.uint8))


def paper(gray):
    """The paper's brightness, on the image shrunk BACKGROUND_SCALE times: the lightest
    pixel near each place, smoothed."""
    from PIL import Image, ImageFilter

    small = gray.resize((max(1, gray.width // BACKGROUND_SCALE), max(1, gray.height // BACKGROUND_SCALE)),
                        Image.Resampling.BOX)
    # 9 shrunk pixels (72 at full size) is wider than a character, so every window holds paper
    return small.filter(ImageFilter.MaxFilter(9)).filter(ImageFilter.GaussianBlur(4))


def light_spread(light) -> float:
    """How much the paper's brightness (``paper``) varies across the page, as a share
    of its brightest (1st and 99th percentiles)."""
    levels = np.asarray(light, dtype=np.float32)
    top = float(np.percentile(levels, 99))
    return (top - float(np.percentile(levels, 1))) / top if top else 0.0


def needs_flattening(spread: float) -> bool:
    return spread >= FLAT_SPREAD


def flattened(gray):
    """The image divided by its paper's brightness when that varies by FLAT_SPREAD or more."""
    from PIL import Image

    light = paper(gray)
    if not needs_flattening(light_spread(light)):
        return gray
    pixels = np.asarray(gray, dtype=np.float32)
    light = np.maximum(np.asarray(light.resize(gray.size, Image.Resampling.BILINEAR), dtype=np.float32), 1.0)
    return Image.fromarray(np.clip(pixels / light * 255.0, 0, 255).astype(np.uint8))


def _brightest(gray) -> float:
    """The paper's level of a flattened page: its 99th percentile of brightness."""
    counts = np.cumsum(gray.histogram()[:256])
    return float(np.searchsorted(counts, 0.99 * counts[-1])) or 255.0


def second_ink(gray):
    """The mask (a mode "L" image, 255 = second ink) of mid-grey areas at least
    SEAL_STROKE pixels thick, widened by SEAL_MARGIN, on a page whose paper is white."""
    from PIL import Image, ImageFilter

    pixels = np.asarray(gray)
    top = _brightest(gray)
    mid = (pixels >= SECOND_INK_DARK * top) & (pixels <= SECOND_INK_LIGHT * top)
    mask = Image.fromarray(mid.astype(np.uint8) * 255)
    thick = mask.filter(ImageFilter.MinFilter(SEAL_STROKE)).filter(ImageFilter.MaxFilter(SEAL_STROKE))
    return thick.filter(ImageFilter.MaxFilter(SEAL_MARGIN))


def without_second_ink(gray):
    """The image with its second ink (a grey seal, see ``second_ink``) painted paper
    colour; the black print under it kept."""
    from PIL import Image

    mask = np.asarray(second_ink(gray)) > 0
    if not mask.any():
        return gray
    pixels = np.asarray(gray).copy()
    top = _brightest(gray)
    pixels[mask & (pixels > SECOND_INK_DARK * top)] = round(top)
    return Image.fromarray(pixels)


def speckle_share(gray) -> float:
    """The share of a page's dark pixels that a 3×3 median filter removes: isolated
    specks (dust, scanner noise) go, the strokes of printed characters stay."""
    from PIL import ImageChops, ImageFilter

    dark = gray.point(lambda v: 255 if v < 128 else 0)
    kept = gray.filter(ImageFilter.MedianFilter(3)).point(lambda v: 255 if v < 128 else 0)
    total = dark.histogram()[255]
    return ImageChops.subtract(dark, kept).histogram()[255] / total if total else 0.0


def needs_despeckling(share: float) -> bool:
    return share >= SPECKLE_SHARE


def despeckle(gray):
    """A speckled page through a 5×5 median filter, which takes the specks that make
    Tesseract misread whole lines; a clean page as it is (the filter also thins strokes)."""
    from PIL import ImageFilter

    return gray.filter(ImageFilter.MedianFilter(5)) if needs_despeckling(speckle_share(gray)) else gray
