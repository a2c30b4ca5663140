"""One JSON error shape for every failure, with a stable code (README lists the codes):

``{"error": {"code": "version_conflict", "message": "…", "hint": "…", "status": 409, "details": […]?}}``
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from extractor.errors import (
    EnvironmentProblem,
    FileTooLarge,
    Forbidden,
    InputError,
    JixiaoError,
    MethodNotAllowed,
    NotFound,
    RequestError,
    RequestTooLarge,
    Unauthorized,
    UnsupportedFormat,
)  # fmt: skip

__all__ = ["error_response", "install", "status_of"]

log = logging.getLogger("jixiao.api")

_BY_HTTP: dict[int, type[RequestError]] = {401: Unauthorized, 403: Forbidden, 404: NotFound, 405: MethodNotAllowed, 413: RequestTooLarge}


def status_of(err: JixiaoError) -> int:
    if isinstance(err, RequestError):
        return err.status
    if isinstance(err, FileTooLarge):
        return 413
    if isinstance(err, UnsupportedFormat):
        return 415
    if isinstance(err, InputError):
        return 422
    if isinstance(err, EnvironmentProblem):
        return 503
    return 500


def error_body(err: JixiaoError, status: int, details: list[Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": err.code, "message": err.message, "hint": err.hint, "status": status}
    if details:
        body["details"] = details
    return {"error": body}


def error_response(err: JixiaoError, details: list[Any] | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    status = status_of(err)
    return JSONResponse(error_body(err, status, details), status_code=status, headers=headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for e in exc.errors():
        out.append({"loc": [str(x) for x in e.get("loc", ())], "message": str(e.get("msg", "")), "type": str(e.get("type", ""))})
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(JixiaoError)
    async def _jixiao(_req: Request, exc: JixiaoError) -> JSONResponse:
        if status_of(exc) >= 500:
            log.error("%s", exc)
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
        return error_response(exc, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        first = details[0] if details else {"loc": [], "message": "invalid request"}
        return error_response(RequestError(f"{'.'.join(first['loc'])}: {first['message']}"), details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        cls = _BY_HTTP.get(exc.status_code)
        err = cls(str(exc.detail)) if cls else RequestError(str(exc.detail))
        if cls is None:
            return JSONResponse(error_body(err, exc.status_code), status_code=exc.status_code)
        return error_response(err, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _bug(_req: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(JixiaoError(f"{type(exc).__name__}: {exc}"))
