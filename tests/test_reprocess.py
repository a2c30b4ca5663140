"""Re-processing keeps the human corrections (issue #8), on SQLite and PostgreSQL: a batch run
with a new pipeline version writes new machine records; a corrected field whose machine value did
not change stays corrected silently, one whose machine value changed is flagged with both values
(``review.conflicts`` and the API's document status) and sends an approved document back to
review; the diff report lists the changes; corrections find their list items again when a
re-processing reorders a list."""

from __future__ import annotations

import copy
import shutil

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from api_support import SAMPLES, LiveServer, backend, database, rerun, test_settings  # noqa: F401  (fixtures)
from extractor.batch import run_batch
from extractor.batch.report import write_report
from extractor.pipeline import process_file
from extractor.store import crud
from extractor.store.db import Database
from extractor.store.models import BatchItem, Document, Event, ExtractionRun
from extractor.store.review import rederive

ROAD, DEPT = "road-maintenance-2022.pdf", "department-2022.docx"


def _fix(db: Database, doc_id: int, items: list[dict], user) -> None:
    with db.read() as s:
        version = crud.get_document(s, doc_id=doc_id).version
    with db.write() as s:
        crud.add_corrections(s, doc_id=doc_id, if_version=version, items=items, user=user, recheck=rederive)
    with db.write() as s:
        crud.transition(s, doc_id=doc_id, action="approve", user=user)


def test_a_new_version_keeps_corrections_and_flags_conflicts(backend, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (ROAD, DEPT):
        shutil.copy(SAMPLES / name, folder / name)
    with database(backend, tmp_path) as url:
        v1 = test_settings(tmp_path / "data", url)
        first = run_batch([str(folder)], v1, workers=2, progress=False)
        assert (first.processed, first.failed) == (2, 0)
        db = Database(url)
        with db.write() as s:
            user, token = crud.issue_token(s, name="rev", role="reviewer")
            docs = {d.file_name: d.id for d in s.scalars(select(Document))}
        with db.read() as s:
            road0 = crud.result_of(s, doc=crud.get_document(s, doc_id=docs[ROAD]))
        last = len(road0["records"][0]["indicators"]) - 1
        ind_name = road0["records"][0]["indicators"][last]["name"]
        _fix(db, docs[ROAD], [
            {"op": "replace", "pointer": "/records/0/meta/title/value", "value": "人工标题", "reason": "封面标题"},
            {"op": "replace", "pointer": f"/records/0/indicators/{last}/actual/value", "value": "99", "reason": "原表"},
        ], user)  # fmt: skip
        _fix(db, docs[DEPT], [
            {"op": "replace", "pointer": "/records/0/meta/title/value", "value": "部门人工标题", "reason": "封面"},
            {"op": "replace", "pointer": "/records/0/score/band_scheme", "value": "本地口径", "reason": "口径"},
        ], user)  # fmt: skip

        # a new version: another pipeline label and another grade scheme (the machine records change)
        v2 = test_settings(tmp_path / "data", url, pipeline_label="v2", grade_scheme="pass_fail_60")
        second = run_batch([str(folder)], v2, workers=2, progress=False)
        assert (second.processed, second.skipped, second.failed) == (2, 0, 0)
        assert second.changed_documents == 2 and second.conflicts == 1
        with db.read() as s:
            road, dept = crud.get_document(s, doc_id=docs[ROAD]), crud.get_document(s, doc_id=docs[DEPT])
            runs = s.scalars(select(ExtractionRun).where(ExtractionRun.document_id == road.id).order_by(ExtractionRun.id)).all()
            assert [r.pipeline_version.endswith("+v2") for r in runs] == [False, True] and road.current_run_id == runs[1].id
            assert road.status == "approved"  # its corrected fields did not change: it stays approved
            assert dept.status == "in_review"  # a corrected field changed under it: back to review
            r_road, r_dept = crud.result_of(s, doc=road), crud.result_of(s, doc=dept)
            reopened = s.scalars(select(Event).where(Event.document_id == dept.id, Event.kind == "reopened")).all()
            assert [e.detail["reason"] for e in reopened] == ["conflicts"]
            items = {i.source.rsplit("/", 1)[-1]: i for i in s.scalars(select(BatchItem).where(BatchItem.batch_id == second.batch_id))}
        assert r_road["records"][0]["meta"]["title"]["value"] == "人工标题"
        assert r_road["records"][0]["indicators"][last]["actual"]["value"] == "99" and r_road["records"][0]["indicators"][last]["name"] == ind_name
        assert r_road["review"]["conflicts"] == [] and r_road["review"]["unapplied"] == [] and len(r_road["review"]["corrections"]) == 2
        assert r_road["records"][0]["score"]["grade_computed"] == "合格"  # the new machine value where nobody corrected
        assert r_dept["records"][0]["meta"]["title"]["value"] == "部门人工标题"
        (conflict,) = r_dept["review"]["conflicts"]
        assert conflict["pointer"] == "/records/0/score/band_scheme" and conflict["corrected"] == "本地口径"
        assert conflict["machine_old"].startswith("mof_2020_10") and conflict["machine_new"].startswith("pass_fail_60")
        assert r_dept["records"][0]["score"]["band_scheme"] == "本地口径"  # the correction still stands until a reviewer decides
        # the diff report: what changed between the two machine records, per document and field
        changes = {c["field"]: (c["old"], c["new"]) for c in items[ROAD].changes}
        assert changes["records[0].score.grade_computed"] == ("优", "合格")
        assert items[DEPT].conflicts == 1 and items[ROAD].conflicts == 0 and items[ROAD].previous_run_id == runs[0].id
        sheet = load_workbook(write_report(second, tmp_path / "diff.xlsx"))["变化"]
        assert (ROAD, "records[0].score.grade_computed", "优", "合格") in {(r[0].rsplit("/", 1)[-1], r[2], r[3], r[4]) for r in sheet.iter_rows(values_only=True)}

        # the API shows the conflict in the document's status and in the result
        with LiveServer(test_settings(tmp_path / "data", url)) as live, live.client(token) as c:
            got = c.get(f"/documents/{docs[DEPT]}").json()
            assert got["status"] == "in_review" and got["conflicts"] == [conflict]
            assert c.get(f"/documents/{docs[ROAD]}").json()["conflicts"] == []
            assert c.get(f"/documents/{docs[DEPT]}/result").json()["review"]["conflicts"] == [conflict]
            # the reviewer decides on the new machine record: the conflict is resolved
            etag = c.get(f"/documents/{docs[DEPT]}").headers["ETag"]
            r = c.patch(f"/documents/{docs[DEPT]}/fields", headers={"If-Match": etag},
                        json={"corrections": [{"op": "replace", "pointer": "/records/0/score/band_scheme", "value": "本地口径", "reason": "仍按本地口径"}]})  # fmt: skip
            assert r.status_code == 200, r.text
            assert c.get(f"/documents/{docs[DEPT]}").json()["conflicts"] == []

        # the same version again: nothing to do
        third = run_batch([str(folder)], v2, workers=2, progress=False)
        assert (third.processed, third.skipped) == (0, 2) and third.skipped_by_reason == {"unchanged": 2}
        db.dispose()


@pytest.fixture(scope="module")
def machine() -> dict:
    return process_file(SAMPLES / ROAD, isolate=False)


def test_corrections_follow_their_items_when_a_list_is_reordered(backend, tmp_path, machine):
    inds = machine["records"][0]["indicators"]
    assert len(inds) >= 3 and len({i["name"] for i in inds}) == len(inds)
    with database(backend, tmp_path) as url:
        db = Database(url)
        db.upgrade()
        with db.write() as s:
            user, _ = crud.issue_token(s, name="rev", role="reviewer")
            doc, run = crud.add_document(s, sha256="f" * 64, file_name="r.pdf", size=1, fmt="pdf", unit=None, user=user)
            doc_id, run_id = doc.id, run.id
        with db.write() as s:
            crud.start_run(s, run_id=run_id)
            crud.finish_run(s, run_id=run_id, result=machine, error=None, seconds=0.1, recheck=rederive)
        first_amount = machine["records"][0]["amounts"][0]
        with db.write() as s:
            crud.add_corrections(s, doc_id=doc_id, if_version=2, user=user, recheck=rederive, items=[
                {"op": "replace", "pointer": "/records/0/indicators/0/actual/value", "value": "1300", "reason": "复核"},
                {"op": "remove", "pointer": "/records/0/amounts/0", "reason": "误识别"},
            ])  # fmt: skip

        # a re-processing that returns the same indicators and amounts in reverse order
        reordered = copy.deepcopy(machine)
        reordered["extraction"]["pipeline_version"] = "9.9.9"
        reordered["records"][0]["indicators"].reverse()
        reordered["records"][0]["amounts"].reverse()
        rerun(db, doc_id, reordered)
        with db.read() as s:
            res = crud.result_of(s, doc=crud.get_document(s, doc_id=doc_id))
        got = {i["name"]: i["actual"]["value"] for i in res["records"][0]["indicators"]}
        assert got[inds[0]["name"]] == "1300"
        assert all(got[i["name"]] == i["actual"]["value"] for i in inds[1:])  # no other indicator took the correction
        spans = [a["prov"]["char_span"] for a in res["records"][0]["amounts"]]
        assert first_amount["prov"]["char_span"] not in spans and len(spans) == len(machine["records"][0]["amounts"]) - 1
        assert res["review"]["unapplied"] == [] and res["review"]["conflicts"] == []
        moved = [n for n in res["review"]["corrections"] if n.get("pointer_made")]
        assert {n["pointer_made"] for n in moved} == {"/records/0/indicators/0/actual/value", "/records/0/amounts/0"}

        # the machine now reads another actual value for the corrected indicator: a conflict with both values
        changed = copy.deepcopy(reordered)
        target = next(i for i in changed["records"][0]["indicators"] if i["name"] == inds[0]["name"])
        target["actual"]["value"] = "1111"
        rerun(db, doc_id, changed)
        with db.read() as s:
            res = crud.result_of(s, doc=crud.get_document(s, doc_id=doc_id))
        (c,) = res["review"]["conflicts"]
        where = len(inds) - 1
        assert c == {"pointer": f"/records/0/indicators/{where}/actual/value", "correction_id": c["correction_id"],
                     "machine_old": inds[0]["actual"]["value"], "machine_new": "1111", "corrected": "1300"}  # fmt: skip
        assert res["records"][0]["indicators"][where]["actual"]["value"] == "1300"

        # the indicator is gone from the newest record: the correction is unapplied, not lost
        gone = copy.deepcopy(changed)
        gone["records"][0]["indicators"] = [i for i in gone["records"][0]["indicators"] if i["name"] != inds[0]["name"]]
        rerun(db, doc_id, gone)
        with db.read() as s:
            res = crud.result_of(s, doc=crud.get_document(s, doc_id=doc_id))
        (u,) = res["review"]["unapplied"]
        assert u["pointer"] == "/records/0/indicators/0/actual/value" and u["new"] == "1300" and inds[0]["name"] in u["error"]
        db.dispose()
