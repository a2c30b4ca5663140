"""The store on SQLite and PostgreSQL: migrations, the machine record kept apart from the
corrections, all-or-nothing corrections under a version lock, re-processing that keeps the
corrections, tokens stored as hashes only, and content-addressed files."""

from __future__ import annotations

import copy
import io
import json
import threading

import pytest
from sqlalchemy import inspect, select

from api_support import SAMPLES, backend, database, rerun  # noqa: F401  (fixtures)
from extractor.errors import BadPointer, EmptyFile, FileTooLarge, NotReady, RequestError, VersionConflict
from extractor.pipeline import process_file
from extractor.store import crud
from extractor.store.db import Database
from extractor.store.files import FileStore, sanitize_filename
from extractor.store.models import Correction, ExtractionRun, User
from extractor.store.review import MISSING, apply_op, rederive, reviewed_result


@pytest.fixture(scope="module")
def machine() -> dict:
    return process_file(SAMPLES / "road-maintenance-2022.pdf", isolate=False)


@pytest.fixture()
def db(backend, tmp_path):
    with database(backend, tmp_path) as url:
        d = Database(url)
        d.upgrade()
        yield d
        d.dispose()


def _doc_with_run(db: Database, machine: dict, sha: str = "a" * 64):
    with db.write() as s:
        user, _tok = crud.issue_token(s, name=f"rev-{sha[:6]}", role="reviewer")
        doc, run = crud.add_document(s, sha256=sha, file_name="r.pdf", size=1, fmt="pdf", unit=None, user=user)
        run_id, doc_id = run.id, doc.id
    with db.write() as s:
        crud.start_run(s, run_id=run_id)
        crud.finish_run(s, run_id=run_id, result=machine, error=None, seconds=0.5, recheck=rederive)
    return doc_id, user


def test_migrations_create_every_table_and_rerun_cleanly(db):
    names = set(inspect(db.engine).get_table_names())
    assert {"users", "documents", "extraction_runs", "corrections", "events", "record_summaries", "alembic_version"} <= names
    db.upgrade()  # a second run is a no-op
    with db.engine.connect() as c:
        assert c.exec_driver_sql("select version_num from alembic_version").scalar() == "0002"  # 0002: batch tables (issue #8)


def test_tokens_are_stored_as_hashes_only(db):
    with db.write() as s:
        user, token = crud.issue_token(s, name="u", role="unit", unit="某局")
    with db.read() as s:
        stored = s.scalar(select(User).where(User.name == "u"))
        assert stored.token_hash != token and token not in json.dumps({c.name: str(getattr(stored, c.name)) for c in User.__table__.columns})
        assert crud.user_for_token(s, token=token).id == user.id
        assert crud.user_for_token(s, token=token + "x") is None
    with db.write() as s, pytest.raises(RequestError):
        crud.issue_token(s, name="u", role="reviewer")
    with db.write() as s, pytest.raises(RequestError):
        crud.issue_token(s, name="v", role="unit")  # a unit user needs its unit


def test_corrections_leave_the_machine_record_alone(db, machine):
    doc_id, user = _doc_with_run(db, machine)
    items = [
        {"op": "replace", "pointer": "/records/0/budget/executed/value", "value": "1.00", "reason": "r1"},
        {"op": "remove", "pointer": "/records/0/amounts/0", "reason": "r2"},
    ]
    with db.write() as s:
        doc = crud.add_corrections(s, doc_id=doc_id, if_version=2, items=items, user=user, recheck=rederive)
        assert doc.version == 3 and doc.status == "in_review"
    with db.read() as s:
        run = s.scalar(select(ExtractionRun).where(ExtractionRun.document_id == doc_id))
        assert run.result == machine  # verbatim, untouched
        corr = s.scalars(select(Correction).where(Correction.document_id == doc_id).order_by(Correction.id)).all()
        assert [(c.op, c.old_value) for c in corr] == [
            ("replace", machine["records"][0]["budget"]["executed"]["value"]), ("remove", machine["records"][0]["amounts"][0]),
        ]  # fmt: skip
        res = crud.result_of(s, doc=crud.get_document(s, doc_id=doc_id), recheck=rederive)
    assert res["records"][0]["budget"]["executed"]["value"] == "1.00"
    assert res["records"][0]["amounts"] == machine["records"][0]["amounts"][1:]
    assert res["records"][0]["budget"]["execution_rate_computed"] != machine["records"][0]["budget"]["execution_rate_computed"]
    # a bad pointer in a batch stores nothing of the batch
    bad = [items[0] | {"value": "2.00"}, {"op": "replace", "pointer": "/records/0/nope/x", "value": 1, "reason": "x"}]
    with pytest.raises(BadPointer), db.write() as s:
        crud.add_corrections(s, doc_id=doc_id, if_version=3, items=bad, user=user, recheck=rederive)
    with db.read() as s:
        assert crud.get_document(s, doc_id=doc_id).version == 3
        assert len(s.scalars(select(Correction).where(Correction.document_id == doc_id)).all()) == 2


def test_two_writers_on_one_version_one_wins(db, machine):
    doc_id, user = _doc_with_run(db, machine, sha="b" * 64)
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def write(name: str) -> None:
        barrier.wait()
        try:
            with db.write() as s:
                crud.add_corrections(s, doc_id=doc_id, if_version=2, user=user, recheck=rederive,
                                     items=[{"op": "replace", "pointer": "/records/0/meta/title/value", "value": name, "reason": name}])  # fmt: skip
            outcome[name] = "ok"
        except VersionConflict as e:
            outcome[name] = e

    ts = [threading.Thread(target=write, args=(n,)) for n in ("x", "y")]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert sorted(type(v).__name__ for v in outcome.values()) == ["VersionConflict", "str"]
    with db.read() as s:
        assert len(s.scalars(select(Correction).where(Correction.document_id == doc_id)).all()) == 1


def test_reprocessing_adds_a_run_and_keeps_the_corrections(db, machine):
    doc_id, user = _doc_with_run(db, machine, sha="c" * 64)
    with db.write() as s:
        crud.add_corrections(s, doc_id=doc_id, if_version=2, user=user, recheck=rederive,
                             items=[{"op": "replace", "pointer": "/records/0/meta/title/value", "value": "人工标题", "reason": "r"}])  # fmt: skip
    newer = copy.deepcopy(machine)
    newer["extraction"]["pipeline_version"] = "0.2.0"
    newer["records"][0]["meta"]["issuer"] = {"value": "新读出的单位", "raw": "新读出的单位", "prov": None}
    rerun(db, doc_id, newer)
    with db.read() as s:
        doc = crud.get_document(s, doc_id=doc_id)
        runs = s.scalars(select(ExtractionRun).where(ExtractionRun.document_id == doc_id).order_by(ExtractionRun.id)).all()
        assert [r.pipeline_version for r in runs] == [machine["extraction"]["pipeline_version"], "0.2.0"]
        assert runs[0].result == machine and doc.current_run_id == runs[1].id and doc.status == "in_review"
        res = crud.result_of(s, doc=doc)
    assert res["records"][0]["meta"]["title"]["value"] == "人工标题"
    assert res["records"][0]["meta"]["issuer"]["value"] == "新读出的单位"
    assert res["review"]["unapplied"] == []
    # a newer run in which the corrected field is gone: the correction is listed as unapplied, not lost
    gone = copy.deepcopy(newer)
    del gone["records"][0]["meta"]["title"]
    rerun(db, doc_id, gone)
    with db.read() as s:
        res = crud.result_of(s, doc=crud.get_document(s, doc_id=doc_id))
    assert "title" not in res["records"][0]["meta"] and res["review"]["corrections"] == []
    (u,) = res["review"]["unapplied"]
    assert u["pointer"] == "/records/0/meta/title/value" and u["new"] == "人工标题" and u["old"] == machine["records"][0]["meta"]["title"]["value"]


def test_no_result_before_extraction(db):
    with db.write() as s:
        doc, _run = crud.add_document(s, sha256="e" * 64, file_name="q.pdf", size=1, fmt="pdf", unit="某局", user=None)
        doc_id = doc.id
    with db.read() as s, pytest.raises(NotReady):
        crud.result_of(s, doc=crud.get_document(s, doc_id=doc_id))
    with db.read() as s:
        assert crud.pending_runs(s) == [(_run.id, doc_id)]


def test_a_machine_record_with_nul_is_stored(db, machine):
    odd = copy.deepcopy(machine)
    odd["records"][0]["meta"]["title"]["value"] = "标题\x00尾"
    doc_id, _user = _doc_with_run(db, odd, sha="d" * 64)
    with db.read() as s:
        res = crud.result_of(s, doc=crud.get_document(s, doc_id=doc_id))
    assert res["records"][0]["meta"]["title"]["value"] == "标题\ufffd尾"
    assert res["records"][0]["amounts"] == machine["records"][0]["amounts"]


def test_review_pointer_operations():
    base = {"records": [{"meta": {"title": {"value": "a"}}, "amounts": [{"v": 1}, {"v": 2}], "problems": [], "validations": []}]}
    doc = copy.deepcopy(base)
    assert apply_op(doc, "add", "/records/0/amounts/-", {"v": 3})[0] is MISSING  # nothing was replaced
    assert [a["v"] for a in doc["records"][0]["amounts"]] == [1, 2, 3]
    old, _p, _k = apply_op(doc, "remove", "/records/0/amounts/0")
    assert old == {"v": 1} and [a["v"] for a in doc["records"][0]["amounts"]] == [2, 3]
    apply_op(doc, "add", "/records/0/meta/project_name", {"value": "p"})
    apply_op(doc, "replace", "/records/0/meta/title/value", "b~/c")
    for op, ptr, val in (
        ("replace", "records/0/meta", 1), ("replace", "/records/0", 1), ("replace", "/records/x/meta", 1), ("replace", "/records/0/validations", []),
        ("replace", "/records/0/amounts/5", 1), ("replace", "/records/0/amounts/01", 1), ("add", "/records/0/meta/title", 1),
        ("remove", "/records/0/meta/nope", None), ("replace", "/records/0/meta/title/value/deeper", 1),
    ):  # fmt: skip
        with pytest.raises(BadPointer):
            apply_op(doc, op, ptr, val)
    with pytest.raises(RequestError):
        apply_op(doc, "replace", "/records/0/meta/title/value", 1.5)
    # ~0 and ~1 escapes; the review marks; the input never changes
    weird = {"records": [{"meta": {"a/b": {"value": 1}, "m~n": {"value": 2}}}]}
    res = reviewed_result(weird, [{"op": "replace", "pointer": "/records/0/meta/a~1b/value", "new_value": 5, "reason": "r", "by": "u", "at": "t"},
                                  {"op": "replace", "pointer": "/records/0/meta/m~0n/value", "new_value": 6, "reason": "r", "by": "u", "at": "t"}])  # fmt: skip
    assert res["records"][0]["meta"]["a/b"]["value"] == 5 and res["records"][0]["meta"]["m~n"]["review"][0]["old"] == 2
    assert weird["records"][0]["meta"]["a/b"] == {"value": 1}


def test_files_are_content_addressed(tmp_path):
    fs = FileStore(tmp_path)
    data = (SAMPLES / "farmland-2021.pdf").read_bytes()
    tmp, sha, size = fs.receive(io.BytesIO(data), max_bytes=10 * 2**20)
    p = fs.keep(tmp, sha)
    assert p.read_bytes() == data and size == len(data) and p.name == sha and p.parent.parent.parent == tmp_path / "files"
    tmp2, sha2, _ = fs.receive(io.BytesIO(data), max_bytes=10 * 2**20)
    assert fs.keep(tmp2, sha2) == p and not tmp2.exists()
    with pytest.raises(FileTooLarge):
        fs.receive(io.BytesIO(data), max_bytes=1000)
    with pytest.raises(EmptyFile):
        fs.receive(io.BytesIO(b""), max_bytes=1000)
    assert list((tmp_path / "tmp").iterdir()) == []
    with pytest.raises(ValueError):
        fs.path("../../etc/passwd")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("报告.pdf", "报告.pdf"), ("../../etc/passwd", "passwd"), ("C:\\Users\\x\\自评表.xlsx", "自评表.xlsx"), ("..", "upload"),
        ("a\x00b\nc.docx", "a_b_c.docx"), (".hidden", "hidden"), ("", "upload"), (None, "upload"), ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
        ("a<b>|c?.pdf", "a_b__c_.pdf"),
    ],
)  # fmt: skip
def test_sanitize_filename(given, expected):
    assert sanitize_filename(given) == expected
