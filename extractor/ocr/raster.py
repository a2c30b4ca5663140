"""Page images for OCR: render or load, drop red seals, straighten, and map boxes back.

- PDF pages are rendered with pypdfium2 at ``dpi``; image files are read with Pillow (one frame
  of a multi-page TIFF per page).
- The grey image is the red channel: red seal ink (红章) is bright there and vanishes, while black
  and blue ink stay dark. (Text printed in red vanishes with it.)
- Skew up to ±5° is measured by the projection profile (the angle at which the rows of ink are
  sharpest) and undone by rotating about the centre on a canvas of the same size.
- :class:`Frame` maps a box in the straightened image (pixels) to the page's own units: PDF points
  for PDF pages; for images, points when the file records its resolution, else pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..document import BBox

__all__ = ["Frame", "deskew", "estimate_skew", "load_rgb", "red_channel"]

_MAX_SKEW = 5.0


def load_rgb(kind: str, path: str, index: int, dpi: int, cache: dict[str, object] | None = None) -> np.ndarray:
    """The page as an RGB (or L) uint8 array: PDF page ``index`` at ``dpi``, or image frame ``index``."""
    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = cache.get(path) if cache is not None else None
        if pdf is None:
            pdf = pdfium.PdfDocument(path)
            if cache is not None:
                cache.clear()  # one open document per worker
                cache[path] = pdf
        page = pdf[index]  # type: ignore[index]
        try:
            bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True)
            return np.array(bitmap.to_numpy(), copy=True)
        finally:
            page.close()
    from PIL import Image

    with Image.open(path) as im:
        im.seek(index)
        mode = "L" if im.mode in {"1", "L", "I", "I;16", "F"} else "RGB"
        return np.asarray(im.convert(mode))


def red_channel(img: np.ndarray) -> np.ndarray:
    """Grey image for OCR with red seal ink removed.

    The red channel, where seal ink is light and black or blue ink stays dark; pixels that are
    clearly red (red well above green and blue) are painted white, so the faint trace of the seal
    left in the red channel does not read as text either.
    """
    if img.ndim == 2:
        return np.ascontiguousarray(img)
    r = img[:, :, 0].astype(np.int16)
    gb = (img[:, :, 1].astype(np.int16) + img[:, :, 2]) // 2
    gray = img[:, :, 0].copy()
    gray[(r - gb > 50) & (r > 120)] = 255
    return gray


def _profile_score(ink: np.ndarray, angle: float) -> float:
    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rows = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0).sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(gray: np.ndarray) -> float:
    """The rotation (degrees, counter-clockwise as OpenCV counts) that makes the ink rows level."""
    h, w = gray.shape
    scale = min(1.0, 800.0 / max(h, w))
    small = cv2.resize(gray, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.uint8)
    if ink.sum() < 50:
        return 0.0
    best = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 0.01, 0.5), key=lambda a: _profile_score(ink, float(a)))
    fine = max(np.arange(best - 0.5, best + 0.51, 0.1), key=lambda a: _profile_score(ink, float(a)))
    angle = round(float(fine), 2)
    return 0.0 if abs(angle) < 0.15 else angle


@dataclass(frozen=True, slots=True)
class Frame:
    """Maps straightened-image pixels to page units (the inverse of the deskew rotation, then scale)."""

    inverse: tuple[tuple[float, float, float], tuple[float, float, float]]
    unit: float  # page units per pixel
    width_px: int
    height_px: int

    def to_page(self, box: tuple[float, float, float, float]) -> BBox:
        """A straightened-image box -> the axis-aligned box of its corners in the page as stored."""
        (a, b, c), (d, e, f) = self.inverse
        x0, y0, x1, y1 = box
        xs, ys = [], []
        for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)):
            xs.append(min(max(a * x + b * y + c, 0.0), self.width_px))
            ys.append(min(max(d * x + e * y + f, 0.0), self.height_px))
        u = self.unit
        return (round(min(xs) * u, 2), round(min(ys) * u, 2), round(max(xs) * u, 2), round(max(ys) * u, 2))

    def to_units(self, box: tuple[float, float, float, float]) -> BBox:
        """A straightened-image box in page units, still in the straightened frame (for layout)."""
        u = self.unit
        return (round(box[0] * u, 2), round(box[1] * u, 2), round(box[2] * u, 2), round(box[3] * u, 2))


def deskew(gray: np.ndarray, unit: float) -> tuple[np.ndarray, Frame, float]:
    """(straightened grey image, its frame, the angle undone in degrees)."""
    h, w = gray.shape
    angle = estimate_skew(gray)
    identity = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0))
    if not angle:
        return gray, Frame(identity, unit, w, h), 0.0
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    straight = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    inv = cv2.invertAffineTransform(m)
    frame = Frame((tuple(float(v) for v in inv[0]), tuple(float(v) for v in inv[1])), unit, w, h)  # type: ignore[arg-type]
    return straight, frame, angle
