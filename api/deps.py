"""FastAPI dependencies (``Annotated``): the service, the caller and role checks."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from extractor.errors import Forbidden, RequestError, Unauthorized
from extractor.store import crud
from extractor.store.models import User

from .service import Service

__all__ = ["CurrentUser", "IfMatch", "ReviewerUser", "AdminUser", "ServiceDep", "etag", "parse_if_match"]

_bearer = HTTPBearer(auto_error=False, description="A token made by `jixiao user add NAME --role unit|reviewer|admin`.")


def get_service(request: Request) -> Service:
    return request.app.state.service  # type: ignore[no-any-return]


ServiceDep = Annotated[Service, Depends(get_service)]


def current_user(service: ServiceDep, cred: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> User:
    if cred is None or not cred.credentials:
        raise Unauthorized("no token: send 'Authorization: Bearer <token>'")
    if len(cred.credentials) > 200:
        raise Unauthorized("unknown or disabled token")
    with service.db.read() as s:
        user = crud.user_for_token(s, token=cred.credentials)
    if user is None:
        raise Unauthorized("unknown or disabled token")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def reviewer(user: CurrentUser) -> User:
    if user.role not in ("reviewer", "admin"):
        raise Forbidden(f"{user.role} users cannot do this; a reviewer or an administrator can")
    return user


def admin(user: CurrentUser) -> User:
    if user.role != "admin":
        raise Forbidden("only an administrator can do this")
    return user


ReviewerUser = Annotated[User, Depends(reviewer)]
AdminUser = Annotated[User, Depends(admin)]


def etag(version: int) -> str:
    return f'"{version}"'


_TAG = re.compile(r'^\s*(?:W/)?"(\d{1,9})"\s*$')


def parse_if_match(value: str | None) -> int | None:
    """The version named by If-Match (``"7"``, or ``*`` / absent for none)."""
    if value is None or value.strip() == "*":
        return None
    m = _TAG.match(value.split(",")[0])
    if not m:
        raise RequestError(f"If-Match {value[:40]!r} is not an ETag of this service", hint='Send the ETag as received, e.g. If-Match: "3".')
    return int(m.group(1))


IfMatch = Annotated[str | None, Header(alias="If-Match", description='ETag of the record version the change was made on, e.g. "3".')]
