"""The service over real HTTP (uvicorn on a free port, httpx), on SQLite and on PostgreSQL:
upload → result, corrections with a stale write rejected, approve/reopen, history, roles,
hostile uploads, page images, exports and the roll-up."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import threading
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from PIL import Image

from api_support import SAMPLES, backend, live, docx_bomb, upload, upload_bytes, wait_done  # noqa: F401  (fixtures)
from extractor.errors import ERROR_CODES
from extractor.pipeline import process_file
from extractor.settings import Settings


def _err(r, status: int, code: str) -> dict:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()["error"]
    assert body["code"] == code and body["status"] == status and body["message"] and body["hint"]
    assert code in ERROR_CODES
    return body


def _one(live, path, token="reviewer", unit=None) -> tuple[int, dict]:
    with live.client(live.tokens[token]) as c:
        r = upload(c, path, unit=unit)
        assert r.status_code == 202, r.text
        doc_id = r.json()["documents"][0]["id"]
        return doc_id, wait_done(c, doc_id)


def test_upload_to_result_is_the_pipeline_result(live):
    path = SAMPLES / "road-maintenance-2022.pdf"
    doc_id, doc = _one(live, path)
    assert doc["status"] == "extracted" and doc["format"] == "pdf"
    assert doc["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    s = Settings(_env_file=None)
    expected = process_file(path, s.parse_options(), s.extract_options(), isolate=False)
    with live.client(live.tokens["reviewer"]) as c:
        r = c.get(f"/documents/{doc_id}/result")
        assert r.status_code == 200
        assert r.headers["etag"] == f'"{doc["version"]}"'
        res = r.json()
        assert res["records"] == expected["records"]
        assert res["document"] == expected["document"]
        assert res["review"]["corrections"] == [] and res["review"]["status"] == "extracted"
        # the summary the list shows comes from that record
        rec = expected["records"][0]
        assert doc["records"][0]["fiscal_year"] == rec["meta"]["fiscal_year"]["value"]
        assert doc["records"][0]["budget_full_year"] == rec["budget"]["full_year"]["value"]
        assert doc["runs"][-1]["status"] == "done" and doc["runs"][-1]["pipeline_version"] == expected["extraction"]["pipeline_version"]
        f = c.get(f"/documents/{doc_id}/file")
        assert f.status_code == 200 and f.content == path.read_bytes()
        assert "road-maintenance-2022.pdf" in f.headers["content-disposition"]


def test_same_file_twice_is_one_document(live):
    path = SAMPLES / "farmland-2021.txt"
    with live.client(live.tokens["reviewer"]) as c:
        first = upload(c, path).json()["documents"][0]
        second = upload(c, path, names=["another-name.txt"]).json()["documents"][0]
        assert first["id"] == second["id"] and second["duplicate"] is True
        wait_done(c, first["id"])
        listed = [d for d in c.get("/documents", params={"limit": 500}).json()["items"] if d["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()]
        assert len(listed) == 1
        kinds = [e["kind"] for e in c.get(f"/documents/{first['id']}/history").json()["events"]]
        assert kinds.count("uploaded") == 1 and "uploaded_again" in kinds
        runs = c.get(f"/documents/{first['id']}").json()["runs"]
        assert len(runs) == 1  # the second upload did not extract again


def test_many_files_in_one_upload_and_a_rejected_one(live):
    with live.client(live.tokens["reviewer"]) as c:
        r = upload(c, SAMPLES / "school-meal-2023.xlsx", SAMPLES / "health-2024-multi.xlsx")
        assert r.status_code == 202
        ids = [d["id"] for d in r.json()["documents"]]
        assert len(set(ids)) == 2
        docs = [wait_done(c, i) for i in ids]
        assert [d["status"] for d in docs] == ["extracted", "extracted"]
        assert len(docs[1]["records"]) > 1  # the multi-project workbook gives one record per project
        # one good file and one that is not a report: the good one is queued, the other reports its error
        files = [("files", ("ok.txt", (SAMPLES / "road-maintenance-2022.txt").read_bytes())), ("files", ("bad.bin", b"\x00\x01\x02binary" * 50))]
        r = c.post("/documents", files=files)
        assert r.status_code == 202
        ok, bad = r.json()["documents"]
        assert ok["id"] and ok["error"] is None
        assert bad["id"] is None and bad["error"]["code"] == "unsupported_format" and bad["file_name"] == "bad.bin"


def test_corrections_concurrent_stale_write_and_list_items(live):
    doc_id, doc = _one(live, SAMPLES / "school-meal-2023.pdf")
    with live.client(live.tokens["reviewer"]) as c:
        r = c.get(f"/documents/{doc_id}/result")
        etag, machine = r.headers["etag"], r.json()
        rec = machine["records"][0]
        executed = rec["budget"]["executed"]["value"]
        assert next(v for v in rec["validations"] if v["check_id"] == "C02")["status"] == "pass"
        # no If-Match: refused
        body = {"corrections": [{"pointer": "/records/0/budget/executed/value", "value": "1.00", "reason": "test"}]}
        _err(c.patch(f"/documents/{doc_id}/fields", json=body), 428, "precondition_required")
        # two reviewers correct the same version at the same moment: one wins, the other gets 409
        barrier = threading.Barrier(2)
        answers = {}

        def write(name: str, value: str) -> None:
            with live.client(live.tokens["reviewer"]) as cc:
                barrier.wait()
                corr = {"corrections": [{"pointer": "/records/0/budget/executed/value", "value": value, "reason": f"by {name}"}]}
                answers[name] = cc.patch(f"/documents/{doc_id}/fields", json=corr, headers={"If-Match": etag})

        new_value = format(Decimal(executed) / 2, ".2f")  # both writers change the rate well past its rounding
        threads = [threading.Thread(target=write, args=(n, new_value if n == "a" else "7.00")) for n in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(a.status_code for a in answers.values())
        assert codes == [200, 409], {k: (v.status_code, v.text[:200]) for k, v in answers.items()}
        winner = next(k for k, v in answers.items() if v.status_code == 200)
        loser = next(k for k, v in answers.items() if v.status_code == 409)
        _err(answers[loser], 409, "version_conflict")
        won = answers[winner].json()
        etag2 = answers[winner].headers["etag"]
        assert etag2 == f'"{int(etag.strip(chr(34))) + 1}"'
        field = won["records"][0]["budget"]["executed"]
        assert field["value"] == (new_value if winner == "a" else "7.00")
        assert field["review"][0]["old"] == executed and field["review"][0]["by"] == "rev" and field["review"][0]["reason"] == f"by {winner}"
        # the checks ran again on the corrected record: the reported rate no longer matches
        assert next(v for v in won["records"][0]["validations"] if v["check_id"] == "C02")["status"] != "pass"
        # the loser's write left nothing behind
        hist = c.get(f"/documents/{doc_id}/history").json()["events"]
        corrected = [e for e in hist if e["kind"] == "corrected"]
        assert len(corrected) == 1 and corrected[0]["corrections"][0]["reason"] == f"by {winner}"
        # add a missed amount, remove a false problem (added first), in one batch
        n_amounts = len(rec["amounts"])
        amount = {"value_yuan": "50000.00", "source_value": "5", "source_unit": "万元", "text": "5万元", "role": "other", "qualifier": "exact"}
        problem = {"text": "资金拨付不及时", "categories": [{"code": "P03", "label": "预算执行进度慢"}]}
        batch = {"corrections": [
            {"op": "add", "pointer": "/records/0/amounts/-", "value": amount, "reason": "漏提金额"},
            {"op": "add", "pointer": "/records/0/problems/0", "value": problem, "reason": "误判"},
            {"op": "remove", "pointer": "/records/0/problems/0", "reason": "不是问题"},
        ]}  # fmt: skip
        r = c.patch(f"/documents/{doc_id}/fields", json=batch, headers={"If-Match": etag2})
        assert r.status_code == 200, r.text
        res = r.json()
        assert len(res["records"][0]["amounts"]) == n_amounts + 1
        added = res["records"][0]["amounts"][-1]
        assert added["value_yuan"] == "50000.00" and added["review"][0]["op"] == "add"
        assert res["records"][0]["problems"] == rec["problems"]
        assert [c_["op"] for c_ in res["review"]["corrections"]] == ["replace", "add", "add", "remove"]
        etag3 = r.headers["etag"]
        # bad pointer, float money, forbidden path: 422 and the version does not move
        for bad, code in (
            ({"pointer": "/records/0/nope/value", "value": "1", "reason": "x"}, "bad_pointer"),
            ({"pointer": "/records/9/budget", "value": "1", "reason": "x"}, "bad_pointer"),
            ({"pointer": "/records/0/validations/0", "value": "1", "reason": "x"}, "bad_pointer"),
            ({"pointer": "/document/sha256", "value": "1", "reason": "x"}, "bad_pointer"),
            ({"pointer": "/records/0/budget/executed/value", "value": 1.5, "reason": "x"}, "invalid_request"),
            ({"pointer": "/records/0/budget/executed/value", "value": "1", "reason": ""}, "invalid_request"),
            ({"pointer": "/records/0/meta/title/value", "value": {"k\x00": "v"}, "reason": "x"}, "invalid_request"),
            ({"pointer": "/records/0/meta/title/value", "value": "v", "reason": "\x00"}, "invalid_request"),
        ):
            _err(c.patch(f"/documents/{doc_id}/fields", json={"corrections": [bad]}, headers={"If-Match": etag3}), 422, code)
        assert c.get(f"/documents/{doc_id}").headers["etag"] == etag3
        # the machine record itself was never changed
        runs = c.get(f"/documents/{doc_id}").json()["runs"]
        assert len(runs) == 1
        hist = c.get(f"/documents/{doc_id}/history").json()["events"]
        first = [e for e in hist if e["kind"] == "corrected"][0]["corrections"][0]
        assert first["old_value"] == executed


def test_approve_reopen_and_history(live):
    doc_id, doc = _one(live, SAMPLES / "farmland-2021.pdf")
    with live.client(live.tokens["reviewer"]) as c:
        r = c.post(f"/documents/{doc_id}/approve", headers={"If-Match": '"999"'})
        _err(r, 409, "version_conflict")
        r = c.post(f"/documents/{doc_id}/approve", json={"note": "核对无误"})
        assert r.status_code == 200 and r.json()["status"] == "approved"
        v = r.headers["etag"]
        corr = {"corrections": [{"pointer": "/records/0/meta/title/value", "value": "新标题", "reason": "x"}]}
        _err(c.patch(f"/documents/{doc_id}/fields", json=corr, headers={"If-Match": v}), 409, "invalid_state")
        _err(c.post(f"/documents/{doc_id}/approve"), 409, "invalid_state")
        r = c.post(f"/documents/{doc_id}/reopen", headers={"If-Match": v})
        assert r.status_code == 200 and r.json()["status"] == "in_review"
        r = c.patch(f"/documents/{doc_id}/fields", json=corr, headers={"If-Match": r.headers["etag"]})
        assert r.status_code == 200 and r.json()["records"][0]["meta"]["title"]["value"] == "新标题"
        h = c.get(f"/documents/{doc_id}/history").json()
        assert [e["kind"] for e in h["events"]] == ["uploaded", "extracted", "approved", "reopened", "corrected"]
        assert [e["version"] for e in h["events"]] == sorted(e["version"] for e in h["events"])
        ev = {e["kind"]: e for e in h["events"]}
        assert ev["approved"]["by"] == "rev" and ev["approved"]["detail"]["note"] == "核对无误"
        assert ev["corrected"]["corrections"][0]["old_value"] == doc_title(c, doc_id)
        assert h["status"] == "in_review" and h["version"] == ev["corrected"]["version"]


def doc_title(c, doc_id: int) -> str:
    """The machine title: the old value of the first correction of /meta/title (what the extractor read)."""
    return c.get(f"/documents/{doc_id}/result").json()["records"][0]["meta"]["title"]["review"][0]["old"]


def test_unit_sees_only_its_own_documents(live):
    doc_id, _doc = _one(live, SAMPLES / "road-maintenance-2022.docx", token="unit_a")
    with live.client(live.tokens["unit_a"]) as a, live.client(live.tokens["unit_b"]) as b, live.client(live.tokens["reviewer"]) as rv:
        assert a.get(f"/documents/{doc_id}").json()["unit"] == "梅川县交通运输局"
        for path in ("", "/result", "/file", "/history", "/pages/1.png"):
            _err(b.get(f"/documents/{doc_id}{path}"), 403, "forbidden")
        assert doc_id not in [d["id"] for d in b.get("/documents").json()["items"]]
        assert all(d["unit"] == "梅川县交通运输局" for d in a.get("/documents").json()["items"])
        assert doc_id in [d["id"] for d in rv.get("/documents", params={"limit": 500}).json()["items"]]
        # a unit neither corrects nor approves, uploads for another unit, nor reads the bureau roll-up
        etag = a.get(f"/documents/{doc_id}").headers["etag"]
        corr = {"corrections": [{"pointer": "/records/0/meta/title/value", "value": "x", "reason": "x"}]}
        _err(a.patch(f"/documents/{doc_id}/fields", json=corr, headers={"If-Match": etag}), 403, "forbidden")
        _err(a.post(f"/documents/{doc_id}/approve"), 403, "forbidden")
        _err(upload(a, SAMPLES / "school-meal-2023.txt", unit="青山县教育局"), 403, "forbidden")
        _err(a.get("/rollup"), 403, "forbidden")
        # its export holds its own documents only
        wb = load_workbook(io.BytesIO(a.get("/export.xlsx").content))
        assert {row[0] for row in wb["文档"].iter_rows(min_row=2, values_only=True)} <= {d["id"] for d in a.get("/documents").json()["items"]}


def test_the_docs_page_needs_no_network(live):
    with live.client() as anon:
        page = anon.get("/docs")
        assert page.status_code == 200
        scripts = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert scripts and not [u for u in scripts if u.startswith(("http:", "https:", "//"))], scripts
        for u in scripts:
            assert anon.get(u).status_code == 200, u
        assert anon.get("/openapi.json").json()["info"]["title"] == "jixiao"


def test_tokens_and_error_shape(live):
    with live.client() as anon:
        _err(anon.get("/documents"), 401, "unauthorized")
    with live.client("jx_not-a-token") as bad:
        _err(bad.get("/documents"), 401, "unauthorized")
    with live.client(live.tokens["reviewer"]) as c:
        _err(c.get("/documents/999999"), 404, "not_found")
        _err(c.get("/no/such/route"), 404, "not_found")
        _err(c.delete("/documents"), 405, "method_not_allowed")
        _err(c.get("/documents", params={"limit": 0}), 422, "invalid_request")
        # regression (found by schemathesis on PostgreSQL): NUL in text is refused, not a 500
        _err(c.get("/documents", params={"unit": "a\x00b"}), 422, "invalid_request")
        _err(c.post("/documents", files=[("files", ("a.txt", "年度报告".encode()))], data={"unit": "\x00"}), 422, "invalid_request")
        assert c.get("/me").json()["role"] == "reviewer"
        _err(c.post("/users", json={"name": "x", "role": "admin"}), 403, "forbidden")
    with live.client(live.tokens["admin"]) as adm:
        r = adm.post("/users", json={"name": "new-unit", "role": "unit", "unit": "某单位"})
        assert r.status_code == 201
        with live.client(r.json()["token"]) as nu:
            assert nu.get("/me").json() == {"id": r.json()["id"], "name": "new-unit", "role": "unit", "unit": "某单位"}


def test_oversized_and_hostile_uploads_are_rejected_cleanly(live):
    data_dir = live.settings.data_dir.resolve()
    before = sorted(p for p in (data_dir / "files").rglob("*") if p.is_file())
    with live.client(live.tokens["reviewer"]) as c:
        big = b"%PDF-1.4\n" + b"0" * int(3.2 * 2**20)
        _err(upload_bytes(c, "big.pdf", big), 413, "file_too_large")
        _err(c.post("/documents", files=[("files", (f"f{i}.pdf", big)) for i in range(3)]), 413, "request_too_large")
        _err(c.post("/documents", files=[("files", (f"f{i}.txt", "年度报告".encode())) for i in range(6)]), 413, "too_many_files")
        _err(upload_bytes(c, "bomb.docx", docx_bomb()), 422, "zip_bomb")
        _err(upload_bytes(c, "x.exe", b"MZ\x90\x00" + bytes(range(256)) * 20), 415, "unsupported_format")
        _err(upload_bytes(c, "empty.pdf", b""), 422, "empty_file")
        png = io.BytesIO()
        Image.new("RGB", (20, 20)).save(png, format="PNG")
        _err(upload_bytes(c, "scan.png", png.getvalue()), 415, "format_not_allowed")
        # nothing was kept of the refused files, and no temporary file is left
        assert sorted(p for p in (data_dir / "files").rglob("*") if p.is_file()) == before
        assert list((data_dir / "tmp").iterdir()) == []
        # a hostile name never becomes a path: the file is kept under its digest
        pdf = (SAMPLES / "school-meal-2023.pdf").read_bytes() + b"\n%trailing bytes make a new digest\n"
        r = upload_bytes(c, "../../../../tmp/evil\x00name/..\\..\\passwd.pdf", pdf)
        assert r.status_code == 202, r.text
        item = r.json()["documents"][0]
        assert "/" not in item["file_name"] and "\\" not in item["file_name"] and not item["file_name"].startswith(".")
        assert item["file_name"].endswith("passwd.pdf")
        assert (data_dir / "files").joinpath(hashlib.sha256(pdf).hexdigest()[:2]).is_dir()
        assert wait_done(c, item["id"])["status"] == "extracted"
        # a damaged PDF is accepted (its bytes look like a PDF) and fails in extraction with its code
        r = upload_bytes(c, "broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n" + b"garbage " * 500)
        doc = wait_done(c, r.json()["documents"][0]["id"])
        assert doc["status"] == "failed" and doc["runs"][-1]["error_code"] == "corrupt_file"
        res = c.get(f"/documents/{doc['id']}/result").json()
        assert res["records"] == [] and res["errors"][0]["code"] == "corrupt_file"


def test_page_images(live):
    doc_id, _ = _one(live, SAMPLES / "road-maintenance-2022.pdf")
    with live.client(live.tokens["reviewer"]) as c:
        r = c.get(f"/documents/{doc_id}/pages/1.png")
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        img = Image.open(io.BytesIO(r.content))
        assert img.size[0] == round(595 * live.settings.page_dpi / 72) or abs(img.size[0] - 595 * live.settings.page_dpi / 72) < 3
        assert img.size[1] > img.size[0]  # portrait A4
        body = _err(c.get(f"/documents/{doc_id}/pages/99.png"), 404, "not_found")
        assert "6 page" in body["message"]


@pytest.mark.libreoffice
def test_page_images_of_a_word_file(live):
    doc_id, _ = _one(live, SAMPLES / "school-meal-2023.docx")
    with live.client(live.tokens["reviewer"]) as c:
        r = c.get(f"/documents/{doc_id}/pages/2.png")
        assert r.status_code == 200, r.text
        img = Image.open(io.BytesIO(r.content)).convert("L")
        assert img.size[1] > img.size[0] and img.getextrema()[0] < 100  # a page with dark text on it


def _all_results(c) -> dict[int, dict]:
    items = c.get("/documents", params={"limit": 500}).json()["items"]
    return {d["id"]: c.get(f"/documents/{d['id']}/result").json() for d in items if d["status"] not in ("queued", "processing")}


def test_exports_open_in_openpyxl_and_match_the_records(live):
    doc_id, _ = _one(live, SAMPLES / "road-maintenance-2022.xlsx")
    with live.client(live.tokens["reviewer"]) as c:
        etag = c.get(f"/documents/{doc_id}").headers["etag"]
        r = c.patch(f"/documents/{doc_id}/fields", headers={"If-Match": etag},
                    json={"corrections": [{"pointer": "/records/0/budget/executed/value", "value": "29040000.00", "reason": "核对凭证"}]})  # fmt: skip
        assert r.status_code == 200
        results = _all_results(c)
        x = c.get("/export.xlsx")
        assert x.status_code == 200
        wb = load_workbook(io.BytesIO(x.content))
        assert wb.sheetnames == ["文档", "金额", "指标", "问题", "整改措施", "校验"]
        head = [v for v in next(wb["文档"].iter_rows(max_row=1, values_only=True))]
        assert head[:6] == ["编号", "单位", "状态", "版本", "审核修改", "文件"] and "全年执行数(元)" in head
        rows = [dict(zip(head, row, strict=True)) for row in wb["文档"].iter_rows(min_row=2, values_only=True)]
        assert {r_["编号"] for r_ in rows} == set(results)
        mine = next(r_ for r_ in rows if r_["编号"] == doc_id)
        assert Decimal(str(mine["全年执行数(元)"])) == Decimal("29040000.00") and mine["审核修改"] == 1 and mine["状态"] == "in_review"
        amounts = [row for row in wb["金额"].iter_rows(min_row=2, values_only=True) if row[0] == doc_id]
        assert [Decimal(str(a[4])) for a in amounts] == [Decimal(a["value_yuan"]) for a in results[doc_id]["records"][0]["amounts"]]
        n_ind = sum(len(rec["indicators"]) for res in results.values() for rec in res["records"])
        assert wb["指标"].max_row - 1 == n_ind
        # filtered: only 2022 records
        wb22 = load_workbook(io.BytesIO(c.get("/export.xlsx", params={"year": 2022}).content))
        years = {row[head.index("年度")] for row in wb22["文档"].iter_rows(min_row=2, values_only=True)}
        assert years == {2022}
        # CSV: one table, UTF-8 with BOM, same rows as the sheet
        t = c.get("/export.csv", params={"table": "indicators"})
        assert t.status_code == 200 and t.content.startswith("\ufeff".encode())
        rows_csv = list(csv.reader(io.StringIO(t.content.decode("utf-8-sig"))))
        assert rows_csv[0][:4] == ["编号", "文件", "记录", "一级指标"] and len(rows_csv) - 1 == n_ind
        _err(c.get("/export.csv", params={"table": "nope"}), 422, "invalid_request")


def test_rollup_json_xlsx_png(live):
    for p in ("farmland-2021.docx", "school-meal-2023.txt"):
        _one(live, SAMPLES / p)
    with live.client(live.tokens["reviewer"]) as c:
        results = _all_results(c)
        year = 2021
        recs = [(i, n, rec) for i, res in results.items() for n, rec in enumerate(res["records"]) if (rec["meta"].get("fiscal_year") or {}).get("value") == year]
        # the newest 2021 document: its grade lowered to 中 by a correction, then approved
        target = max(i for i, _n, _r in recs)
        etag = c.get(f"/documents/{target}").headers["etag"]
        op = "replace" if "grade_reported" in results[target]["records"][0]["score"] else "add"
        r = c.patch(f"/documents/{target}/fields", headers={"If-Match": etag},
                    json={"corrections": [{"op": op, "pointer": "/records/0/score/grade_reported", "value": {"value": "中", "raw": "中"}, "reason": "复核降级"}]})  # fmt: skip
        assert r.status_code == 200, r.text
        assert c.post(f"/documents/{target}/approve").status_code == 200
        docs = {d["id"]: d for d in c.get("/documents", params={"limit": 500}).json()["items"]}
        results[target] = c.get(f"/documents/{target}/result").json()
        recs = [(i, n, results[i]["records"][n]) for i, n, _r in recs]

        def unit(i: int, rec: dict) -> str | None:
            m = rec["meta"]
            return docs[i]["unit"] or (m.get("implementing_unit") or {}).get("value") or (m.get("issuer") or {}).get("value")

        projects: dict[tuple, list] = {}
        for i, n, rec in recs:  # a project sent as PDF, TXT and DOCX is one project; the approved copy stands for it
            name = (rec["meta"].get("project_name") or {}).get("value")
            projects.setdefault((unit(i, rec), name) if name else ("record", i, n), []).append((i, rec))
        rep = [next((x for x in v if docs[x[0]]["status"] == "approved"), max(v, key=lambda x: x[0])) for v in projects.values()]
        assert len(projects) < len(recs)  # farmland-2021 arrived in several formats
        roll = c.get("/rollup", params={"year": year}).json()
        assert roll["records"] == len(recs) and roll["records_counted"] == len(rep) and roll["duplicates_merged"] == len(recs) - len(rep)
        assert roll["documents"] == len({i for i, _n, _r in recs})
        full = sum(Decimal(rec["budget"]["full_year"]["value"]) for _, rec in rep if rec["budget"].get("full_year"))
        assert Decimal(roll["money"]["budget_full_year_yuan"]) == full
        assert roll["money"]["budget_full_year_wan"] == format((full / 10000).quantize(Decimal("0.01")), "f")
        assert sum(roll["grade_distribution"].values()) == len(rep) and roll["grade_distribution"]["中"] >= 1
        assert target in [b["document_id"] for b in roll["below_good"]]
        assert roll["units_covered"] == len({unit(i, rec) for i, rec in rep} - {None})
        assert c.get("/rollup", params={"year": year, "approved_only": "true"}).json()["records"] == sum(1 for i, _n, _r in recs if docs[i]["status"] == "approved")
        x = c.get("/rollup.xlsx", params={"year": year})
        wb = load_workbook(io.BytesIO(x.content))
        assert wb.sheetnames[:3] == ["汇总", "等级分布", "低于良项目"]
        summary = {row[0]: row[1] for row in wb["汇总"].iter_rows(min_row=2, values_only=True)}
        assert summary["覆盖单位数"] == roll["units_covered"] and Decimal(str(summary["全年预算数(元)"])) == full
        assert [row[0] for row in wb["低于良项目"].iter_rows(min_row=2, values_only=True)] == [b["document_id"] for b in roll["below_good"]]
        png = c.get("/rollup.png", params={"year": year})
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        img = Image.open(io.BytesIO(png.content))
        assert img.size[0] > 1000 and len(img.convert("L").getcolors(2**16) or []) > 10  # a drawn chart, not a blank


def test_list_filters_and_paging(live):
    with live.client(live.tokens["reviewer"]) as c:
        everything = c.get("/documents", params={"limit": 500}).json()
        assert everything["total"] == len(everything["items"]) >= 3
        page = c.get("/documents", params={"limit": 2, "offset": 1}).json()
        assert [d["id"] for d in page["items"]] == [d["id"] for d in everything["items"][1:3]] and page["total"] == everything["total"]
        for params, keep in (
            ({"year": 2022}, lambda d: any(r["fiscal_year"] == 2022 for r in d["records"])),
            ({"status": "extracted"}, lambda d: d["status"] == "extracted"),
            ({"type": "self_eval_project"}, lambda d: any(r["doc_type"] == "self_eval_project" for r in d["records"])),
            ({"grade": "优"}, lambda d: any(r["grade"] == "优" for r in d["records"])),
            ({"failed_checks": "true"}, lambda d: any(r["failed_checks"] > 0 for r in d["records"])),
            ({"low_confidence": "true"}, lambda d: any((r["min_confidence"] or 1) < live.settings.low_confidence for r in d["records"])),
            ({"unit": "梅川县交通运输局"}, lambda d: d["unit"] == "梅川县交通运输局"),
        ):
            got = [d["id"] for d in c.get("/documents", params={**params, "limit": 500}).json()["items"]]
            assert got == [d["id"] for d in everything["items"] if keep(d)], params
