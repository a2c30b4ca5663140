"""Images (PNG, JPEG, TIFF, …): a document of pages that all need OCR.

OCR itself is a separate stage; until it runs, an image gives a Document with no text, each page
marked ``needs_ocr`` and a ``needs_ocr`` warning, so a batch records it instead of failing.
"""

from __future__ import annotations

from ..document import Document, Page, SourceInfo
from ..errors import CorruptFile
from ..settings import ParseOptions
from .base import DocumentBuilder

__all__ = ["parse"]


def parse(path: str, source: SourceInfo, options: ParseOptions) -> Document:
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with pdfplumber
        Image = None  # type: ignore[assignment]
    frames = 1
    size: tuple[int, int] | None = None
    if Image is not None:
        try:
            with Image.open(path) as im:
                size = im.size
                frames = getattr(im, "n_frames", 1)
        except Exception as e:  # PIL raises many kinds for damaged images
            raise CorruptFile(f"the image cannot be read ({e})") from e
    source.format = "image"
    builder = DocumentBuilder(source)
    for n in range(1, frames + 1):
        page = Page(number=n, needs_ocr=True, ocr_reason="image")
        if size:
            page.width, page.height = float(size[0]), float(size[1])
        builder.add_page(page)
        builder.warn("needs_ocr", f"page {n}: an image; OCR is needed to read it", n)
    return builder.build()
