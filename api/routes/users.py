"""Who am I, and (administrators) new API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from extractor.store import crud

from ..deps import AdminUser, CurrentUser, ServiceDep
from ..schemas import ErrorOut, UserCreate, UserPublic, UserToken

router = APIRouter(tags=["users"])

ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorOut} for s in (401, 403, 422)}


@router.get("/me", response_model=UserPublic, responses=ERRORS)
def me(user: CurrentUser) -> Any:
    return UserPublic.model_validate(user)


@router.post("/users", response_model=UserToken, status_code=201, responses=ERRORS)
def add_user(service: ServiceDep, _admin: AdminUser, body: UserCreate) -> Any:
    """Create a user and return its token (shown once), as ``jixiao user add`` does."""
    with service.db.write() as s:
        user, token = crud.issue_token(s, name=body.name, role=body.role, unit=body.unit)
    return UserToken(id=user.id, name=user.name, role=user.role, unit=user.unit, token=token)
