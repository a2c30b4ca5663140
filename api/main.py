"""``create_app(settings)``: the FastAPI application (OpenAPI at /docs and /openapi.json)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from extractor import __version__
from extractor.errors import RequestTooLarge
from extractor.settings import Settings

from . import errors
from .routes import documents, exports, users
from .routes import review as review_routes
from .web import router as review_page
from .service import Service

__all__ = ["create_app"]

DESCRIPTION = """Budget-performance reports in, reviewed structured records out.

Upload reports (`POST /documents`), read the extracted record (`/result`, SCHEMA.md), correct it
with JSON pointers guarded by the ETag (`PATCH …/fields` with `If-Match`), approve, and export.
Every call needs `Authorization: Bearer <token>` (tokens: `jixiao user add`). Roles: **unit**
(uploads and sees its own unit's documents), **reviewer** (sees and corrects all), **admin**.
Errors: `{"error": {"code", "message", "hint", "status"}}` with a stable `code`.
"""


class BodyLimit:
    """Refuse a request body over ``limit`` bytes (413 ``request_too_large``), by Content-Length
    up front and by counting what arrives, so an oversized upload is never read whole."""

    def __init__(self, app: Any, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for k, v in scope.get("headers") or []:
            if k == b"content-length" and v.isdigit() and int(v) > self.limit:
                await self._refuse(send)
                return
        seen = 0
        started = False

        async def counted() -> Any:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return msg

        async def tracked(msg: dict[str, Any]) -> None:
            nonlocal started
            started = started or msg["type"] == "http.response.start"
            await send(msg)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Any) -> None:
        err = RequestTooLarge(f"the request body is over {self.limit / 2**20:.0f} MiB")
        resp = errors.error_response(err, headers={"Connection": "close"})
        await send({"type": "http.response.start", "status": resp.status_code, "headers": resp.raw_headers})
        await send({"type": "http.response.body", "body": resp.body})


class _TooLarge(Exception):
    pass


def create_app(settings: Settings | None = None, *, warm: bool = True, on_start: Callable[[Service], None] | None = None) -> FastAPI:
    """The app over the store of ``settings``; migrations run and workers start with the app
    (then ``on_start(service)``, which ``jixiao serve --load`` uses)."""
    settings = settings or Settings()
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service.start(warm=warm)
        if on_start is not None:
            on_start(service)
        try:
            yield
        finally:
            service.stop()

    # FastAPIOffline serves the /docs page's scripts from the package, not a CDN (no network at run time)
    app: FastAPI = FastAPIOffline(title="jixiao", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.service = service
    errors.install(app)
    for r in (documents.router, exports.router, users.router):
        app.include_router(r)
    app.include_router(review_routes.router)  # the review page's JSON (issue #7)
    app.include_router(review_page)  # the review page itself at /review
    limit = int(settings.max_request_mb * 2**20)
    app.add_middleware(BodyLimit, limit=limit)
    return app
