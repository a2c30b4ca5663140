"""The review page (issue #7): one HTML page with plain JavaScript and CSS, served by the API
itself from package data (no CDN, no build step). ``GET /review`` is the page; it talks to the
JSON API with the token the user types in (kept in sessionStorage)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from extractor.errors import NotFound

__all__ = ["router", "STATIC"]

STATIC = Path(__file__).parent / "static"
_FILES = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}

router = APIRouter(include_in_schema=False)


@router.get("/review")
def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=_HEADERS)


@router.get("/review/")
def page_slash() -> RedirectResponse:
    return RedirectResponse("/review")


@router.get("/review/static/{name}")
def static(name: str) -> FileResponse:
    if name not in _FILES:  # a fixed list: no client path reaches the filesystem
        raise NotFound(f"no file {name[:60]!r} here")
    return FileResponse(STATIC / name, media_type=_FILES[name], headers=_HEADERS)
