"""Images (PNG, JPEG, TIFF, …): a document of pages that all need OCR, one page per frame.

The parser only opens the image: each frame becomes a page marked ``needs_ocr`` (reason
``image``) with a ``needs_ocr`` warning; the OCR stage (:mod:`extractor.ocr`, run by
``extractor.parsers.parse``) reads them. A page's size is in points when the file records its
resolution (``dpi``), else in pixels; OCR boxes come in the same units.
"""

from __future__ import annotations

from ..document import Document, Page, SourceInfo
from ..errors import CorruptFile, TooManyPages
from ..settings import ParseOptions
from .base import DocumentBuilder

__all__ = ["parse"]


def _points_per_pixel(info: dict[str, object]) -> float:
    """72 / the recorded resolution, or 1 (pixels as units) when none is recorded or it is implausible."""
    dpi = info.get("dpi")
    try:
        x = float(dpi[0]) if isinstance(dpi, tuple) else 0.0
    except (TypeError, ValueError):
        x = 0.0
    return 72.0 / x if 50 <= x <= 1200 else 1.0


def parse(path: str, source: SourceInfo, options: ParseOptions) -> Document:
    from PIL import Image

    sizes: list[tuple[float, float]] = []
    try:
        with Image.open(path) as im:
            frames = getattr(im, "n_frames", 1)
            if frames > options.max_pages:
                raise TooManyPages(f"{frames} frames (limit {options.max_pages})")
            for n in range(frames):
                im.seek(n)
                unit = _points_per_pixel(im.info)
                sizes.append((round(im.size[0] * unit, 2), round(im.size[1] * unit, 2)))
    except TooManyPages:
        raise
    except Exception as e:  # PIL raises many kinds for damaged images
        raise CorruptFile(f"the image cannot be read ({e})") from e
    source.format = "image"
    builder = DocumentBuilder(source)
    for n, (width, height) in enumerate(sizes, start=1):
        builder.add_page(Page(number=n, width=width, height=height, needs_ocr=True, ocr_reason="image"))
        builder.warn("needs_ocr", f"page {n}: an image; OCR is needed to read it", n)
    return builder.build()
