"""Test support for the store and the API: a fresh database per module on SQLite and on
PostgreSQL (127.0.0.1:5432, user postgres; skipped with the reason when unreachable, a failure
under CI=true), and the real service under uvicorn on a free port, driven with httpx."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from extractor.settings import Settings
from extractor.store import crud
from extractor.store.db import Database
from extractor.store.models import ExtractionRun
from extractor.store.review import rederive

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
PG_ADMIN = os.environ.get("JIXIAO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = ["sqlite", "postgresql"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_unreachable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN}: {reason}")


@contextlib.contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    """A new empty database; yields its SQLAlchemy URL and drops it afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'store.db'}"
        return
    import psycopg

    name = f"jixiao_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as e:
        _pg_unreachable(str(e).strip().splitlines()[0])
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_settings(data_dir: Path, url: str, **kw: Any) -> Settings:
    base = {"data_dir": data_dir, "database_url": url, "workers": 2, "max_file_mb": 3.0, "max_upload_files": 5, "max_request_mb": 8.0}
    base.update(kw)
    return Settings(_env_file=None, **base)


test_settings.__test__ = False  # type: ignore[attr-defined]


class LiveServer:
    """``create_app(settings)`` served by uvicorn in a thread on a free port."""

    def __init__(self, settings: Settings):
        from api.main import create_app

        self.settings = settings
        self.app = create_app(settings)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 90
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(60)

    @property
    def service(self) -> Any:
        return self.app.state.service

    def token(self, name: str, role: str, unit: str | None = None) -> str:
        from extractor.store import crud

        with self.service.db.write() as s:
            _u, token = crud.issue_token(s, name=name, role=role, unit=unit)
        return token

    def client(self, token: str | None = None, **kw: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120, **kw)


def wait_done(client: httpx.Client, doc_id: int, timeout: float = 120) -> dict[str, Any]:
    """Poll GET /documents/{id} until extraction finished (any status but queued/processing)."""
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(f"/documents/{doc_id}")
        assert r.status_code == 200, r.text
        doc = r.json()
        if doc["status"] not in ("queued", "processing"):
            return doc
        if time.monotonic() > deadline:
            raise AssertionError(f"document {doc_id} still {doc['status']} after {timeout} s")
        time.sleep(0.05)


def upload(client: httpx.Client, *paths: Path, unit: str | None = None, names: list[str] | None = None) -> httpx.Response:
    files = [("files", ((names[i] if names else p.name), p.read_bytes(), "application/octet-stream")) for i, p in enumerate(paths)]
    return client.post("/documents", files=files, data={"unit": unit} if unit else None)


def upload_bytes(client: httpx.Client, name: str, data: bytes, unit: str | None = None) -> httpx.Response:
    return client.post("/documents", files=[("files", (name, data, "application/octet-stream"))], data={"unit": unit} if unit else None)


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def live(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp(f"api-{backend}")
    with database(backend, tmp) as url, LiveServer(test_settings(tmp / "data", url)) as server:
        server.tokens = {  # type: ignore[attr-defined]
            "admin": server.token("admin", "admin"),
            "reviewer": server.token("rev", "reviewer"),
            "unit_a": server.token("unit-a", "unit", "梅川县交通运输局"),
            "unit_b": server.token("unit-b", "unit", "青山县教育局"),
        }
        yield server


def docx_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (40 * 2**20) + b"</w:document>")
    return buf.getvalue()


def rerun(db: Database, doc_id: int, result: dict) -> None:
    """A re-processing: a new extraction run of the document with this machine record."""
    with db.write() as s:
        run = ExtractionRun(document_id=doc_id, status="queued")
        s.add(run)
        s.flush()
        run_id = run.id
    with db.write() as s:
        crud.finish_run(s, run_id=run_id, result=result, error=None, seconds=0.1, recheck=rederive)
