"""`jixiao batch` (issue #8): folders and zip archives (GBK and UTF-8 member names, nested paths,
hostile members) processed into the store with each failure's reason; a slow and a memory-hungry
file killed while the batch goes on; unchanged files skipped; a SIGKILLed run resumed without
losing or redoing finished files; the same records on a Dask LocalCluster as on the local pool."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

import pdfkit
from api_support import SAMPLES, docx_bomb, test_settings
from extractor.batch import run_batch
from extractor.batch.inputs import member_name
from extractor.batch.report import write_report
from extractor.store import crud
from extractor.store.db import Database
from extractor.store.models import BatchItem, BatchRun, Document, ExtractionRun

ROOT = Path(__file__).resolve().parents[1]
GOOD = ["road-maintenance-2022.pdf", "department-2022.docx", "department-2022.xlsx"]


def _patch_zip(data: bytes, placeholder: str, name: bytes | None = None, *, encrypted: bool = False) -> bytes:
    """Give a member a raw (non-UTF-8) name of the same length and/or the 'encrypted' flag, the
    way other zip tools write them (Python's zipfile writes only ASCII or flagged UTF-8 names)."""
    buf = bytearray(data)
    ph = placeholder.encode("ascii")
    assert name is None or len(name) == len(ph)
    for sig, name_at, flag_at in ((b"PK\x03\x04", 30, 6), (b"PK\x01\x02", 46, 8)):
        start = 0
        while (i := buf.find(sig, start)) >= 0:
            start = i + 4
            if buf[i + name_at : i + name_at + len(ph)] != ph:
                continue
            if name is not None:
                buf[i + name_at : i + name_at + len(ph)] = name
            if encrypted:
                buf[i + flag_at] |= 0x01
    return bytes(buf)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with reports, hostile files and a zip archive of more reports."""
    root = tmp_path_factory.mktemp("batch-in") / "归档2022"
    (root / "一处").mkdir(parents=True)
    shutil.copy(SAMPLES / GOOD[0], root / GOOD[0])
    shutil.copy(SAMPLES / GOOD[1], root / "一处" / GOOD[1])
    good_pdf = (SAMPLES / GOOD[0]).read_bytes()
    (root / "一处" / "truncated.pdf").write_bytes(good_pdf[: len(good_pdf) // 3])
    pdfkit.build_encrypted(root / "locked.pdf")
    (root / "bomb.docx").write_bytes(docx_bomb())
    (root / "empty.pdf").write_bytes(b"")

    gbk_name = "县交通局/2022年度/养护报告.xlsx".encode("gbk")
    placeholder = "G" * len(gbk_name)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(placeholder, (SAMPLES / GOOD[2]).read_bytes())
        z.writestr("嵌套/目录/部门报告.pdf", (SAMPLES / "department-2022.pdf").read_bytes())  # UTF-8, flag bit 11 set by zipfile
        z.writestr("../../escape.txt", "某某项目支出绩效自评报告\n本项目年初预算数为35.3万元，全年执行数39.5万元。\n")
        z.writestr("zeros.pdf", b"\0" * (20 * 2**20))  # ratio ~1000: a zip bomb member
        z.writestr("SECRET.pdf", good_pdf[:5000])
        z.writestr("dup/road.pdf", good_pdf)  # the same bytes as a file in the folder
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as zi:
            zi.writestr("乙/报告.txt", "乙单位项目支出绩效自评报告\n本项目全年执行数12.5万元。\n")
        z.writestr("内层.zip", inner.getvalue())  # a zip inside the zip
    data = _patch_zip(buf.getvalue(), placeholder, gbk_name)
    data = _patch_zip(data, "SECRET.pdf", encrypted=True)
    (root / "上报材料.zip").write_bytes(data)
    return root


def test_member_names_are_decoded_by_their_flag():
    data = _patch_zip(_zip_with("XXXXXXXX"), "XXXXXXXX", "报告.pdf".encode("gbk"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        (info,) = z.infolist()
        assert not info.flag_bits & 0x800 and member_name(info) == "报告.pdf"
    with zipfile.ZipFile(io.BytesIO(_zip_with("目录/报告.pdf"))) as z:
        (info,) = z.infolist()
        assert info.flag_bits & 0x800 and member_name(info) == "目录/报告.pdf"


def _zip_with(name: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, b"x")
    return buf.getvalue()


def _items(db: Database, batch_id: int) -> dict[str, BatchItem]:
    with db.read() as s:
        return {i.source: i for i in s.scalars(select(BatchItem).where(BatchItem.batch_id == batch_id))}


def test_folder_and_zip_complete_with_every_failure_reported(archive, tmp_path):
    settings = test_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'store.db'}", max_file_mb=50.0)
    summary = run_batch([str(archive)], settings, workers=2, progress=False)
    db = Database(settings.sqlalchemy_url())
    items = _items(db, summary.batch_id)
    by_name = {src.split("/")[-1].split("!")[-1]: it for src, it in items.items()}
    zip_src = str(archive / "上报材料.zip")
    # GBK and UTF-8 member names decoded, nested paths kept, a traversal name defused
    assert f"{zip_src}!县交通局/2022年度/养护报告.xlsx" in items
    assert f"{zip_src}!嵌套/目录/部门报告.pdf" in items
    assert f"{zip_src}!escape.txt" in items
    assert f"{zip_src}!内层.zip!乙/报告.txt" in items
    outcome = {k: (v.status, v.reason) for k, v in by_name.items()}
    assert outcome == {
        GOOD[0]: ("done", None), GOOD[1]: ("done", None), "养护报告.xlsx": ("done", None), "escape.txt": ("done", None),
        "部门报告.pdf": ("done", None), "报告.txt": ("done", None), "road.pdf": ("skipped", "duplicate"),
        "truncated.pdf": ("failed", "corrupt_file"), "locked.pdf": ("failed", "encrypted"), "bomb.docx": ("failed", "zip_bomb"),
        "empty.pdf": ("failed", "empty_file"), "zeros.pdf": ("failed", "zip_bomb"), "SECRET.pdf": ("failed", "encrypted"),
    }  # fmt: skip
    assert not (archive.parent / "escape.txt").exists() and not (archive / "escape.txt").exists()
    assert (summary.processed, summary.skipped, summary.failed, summary.total) == (6, 1, 6, 13)
    assert summary.failed_by_reason == {"corrupt_file": 1, "encrypted": 2, "zip_bomb": 2, "empty_file": 1}
    assert summary.pages > 0
    # the documents are in the store the service reads, with their machine records
    with db.read() as s:
        docs = {d.file_name: d for d in s.scalars(select(Document))}
        assert docs["养护报告.xlsx"].status == "extracted" and docs["truncated.pdf"].status == "failed"
        assert docs["部门报告.pdf"].status == "extracted"
        res = crud.result_of(s, doc=docs[GOOD[0]])
        assert res["records"] and res["document"]["file_name"] == GOOD[0]
        assert res["records"][0]["budget"]["initial"]["value"] == "28123600.00"
    # the xlsx report lists every file with its reason
    out = write_report(summary, tmp_path / "report.xlsx")
    wb = load_workbook(out)
    rows = list(wb["文件"].iter_rows(values_only=True))
    assert rows[0][:3] == ("来源", "状态", "原因") and len(rows) == 14
    assert {(r[1], r[2]) for r in rows[1:] if r[0].endswith("locked.pdf")} == {("failed", "encrypted")}
    summ = dict(wb["汇总"].iter_rows(values_only=True))
    assert summ["已处理"] == 6 and summ["失败：zip_bomb"] == 2
    # a second run: every file unchanged (or failed for its own reason) is skipped; nothing is redone
    with db.read() as s:
        runs_before = s.scalar(select(func.count()).select_from(ExtractionRun))
    again = run_batch([str(archive)], settings, workers=2, progress=False)
    assert (again.processed, again.failed) == (0, 3)  # the failures found before any worker (empty, zip bomb, encrypted member): refused again
    assert again.skipped_by_reason == {"unchanged": 9, "duplicate": 1}
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ExtractionRun)) == runs_before
    db.dispose()


def test_a_slow_and_an_exploding_file_are_killed_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    dense = "第{n}页：" + "本项目年初预算数为35.3万元，全年执行数39.5万元，执行率为98.75%。" * 12
    pdfkit.build_pages(folder / "slow.pdf", 1500, text=dense)  # ~8 s of work on a quiet core
    line = "本项目年初预算数为35.3万元，全年执行数39.5万元，执行率为98.75%。\n"
    (folder / "huge.txt").write_text(line * 150_000, encoding="utf-8")
    (folder / "ok.txt").write_text("某某项目支出绩效自评报告\n本项目年初预算数为35.3万元，全年执行数39.5万元。\n", encoding="utf-8")
    settings = test_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'store.db'}", max_file_mb=50.0, parse_timeout_s=2.0, parse_memory_mb=40)
    summary = run_batch([str(folder)], settings, workers=2, progress=False)
    items = {Path(i["source"]).name: i for i in summary.items}
    assert (items["slow.pdf"]["status"], items["slow.pdf"]["reason"]) == ("failed", "parse_timeout")
    assert (items["huge.txt"]["status"], items["huge.txt"]["reason"]) == ("failed", "memory_limit")
    assert items["ok.txt"]["status"] == "done"
    assert summary.failed_by_reason == {"parse_timeout": 1, "memory_limit": 1} and summary.processed == 1


def test_a_batch_stopped_by_ctrl_c_is_marked_interrupted_with_its_counts(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        (folder / f"r{i}.txt").write_text(f"某某项目支出绩效自评报告{i}\n本项目年初预算数为3{i}.3万元，全年执行数39.5万元。\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    settings = test_settings(tmp_path / "data", url)
    seen: list[str] = []

    def ctrl_c_after_the_first(line: str) -> None:  # the operator presses Ctrl-C once a file is stored
        seen.append(line)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch([str(folder)], settings, workers=1, progress=False, log=ctrl_c_after_the_first)
    db = Database(url)
    with db.read() as s:
        (b,) = s.scalars(select(BatchRun)).all()
        assert b.status == "interrupted" and b.finished_at is not None
        assert b.counts["items"].get("done") == 1 and sum(b.counts["items"].values()) >= 1
    db.dispose()
    summary = run_batch([str(folder)], settings, workers=1, progress=False)  # the rerun does the rest
    assert (summary.processed, summary.skipped) == (3, 1)


def _cli(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "extractor.cli", "batch", *args], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def test_a_killed_run_resumes_and_redoes_only_unfinished_files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    dense = "第{n}页：" + "本项目年初预算数为35.3万元，全年执行数39.5万元，执行率为98.75%。" * 6
    for i in range(8):  # distinct files of ~0.3 s each
        pdfkit.build_pages(folder / f"r{i}.pdf", 60 + i, text=dense)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    env = {**os.environ, "JIXIAO_DATA_DIR": str(tmp_path / "data"), "JIXIAO_DATABASE_URL": url, "JIXIAO_OCR": "0"}
    proc = _cli([str(folder), "--workers", "1"], env)
    db = Database(url)
    deadline = time.monotonic() + 120
    done_before = 0
    while time.monotonic() < deadline and proc.poll() is None:  # wait for some, not all, files to be stored
        try:
            with db.read() as s:
                done_before = s.scalar(select(func.count()).select_from(BatchItem).where(BatchItem.status == "done")) or 0
        except Exception:  # the tables are not created yet
            done_before = 0
        if done_before >= 2:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the batch, its forkserver and its workers, mid-run
    proc.communicate()
    assert done_before >= 2
    with db.read() as s:
        finished = {d.sha256 for d in s.scalars(select(Document))}
        assert s.scalar(select(func.count()).select_from(Document)) == s.scalar(select(func.count()).select_from(ExtractionRun))
    assert 2 <= len(finished) < 8, "the kill came after the batch finished: nothing to resume"
    with db.read() as s:
        assert [b.status for b in s.scalars(select(BatchRun))] == ["running"]  # nobody could mark it
    rerun = _cli([str(folder), "--workers", "2", "--out", str(tmp_path / "r.xlsx")], env)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"8 file(s): {8 - len(finished)} processed, {len(finished)} skipped, 0 failed" in out
    report = load_workbook(tmp_path / "r.xlsx")
    assert sorted(r[1] for r in list(report["文件"].iter_rows(values_only=True))[1:]) == ["done"] * (8 - len(finished)) + ["skipped"] * len(finished)
    with db.read() as s:
        docs = s.scalars(select(Document)).all()
        assert len(docs) == 8 and {d.status for d in docs} == {"extracted"}
        # every document extracted exactly once: the killed run's finished files were not redone
        counts = dict(s.execute(select(ExtractionRun.document_id, func.count()).group_by(ExtractionRun.document_id)).all())
        assert set(counts.values()) == {1}
        # the second batch found the first one's process gone and closed its row with what it did
        runs = s.scalars(select(BatchRun).order_by(BatchRun.id)).all()
        assert [b.status for b in runs] == ["interrupted", "done"]
        assert runs[0].finished_at is not None and runs[0].counts["items"]["done"] == len(finished)
        assert runs[1].options["pid"] != runs[0].options["pid"] and runs[0].options["host"] == runs[1].options["host"]
    db.dispose()


def _records(db: Database) -> dict[str, dict]:
    out = {}
    with db.read() as s:
        for d in s.scalars(select(Document)):
            run = s.get(ExtractionRun, d.current_run_id)
            res = dict(run.result)
            res["extraction"] = {k: v for k, v in res["extraction"].items() if k != "seconds"}
            out[d.sha256] = res
    return out


def test_a_dask_local_cluster_gives_the_same_records_as_the_process_pool(archive, tmp_path):
    distributed = pytest.importorskip("distributed")
    folder = tmp_path / "in"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(SAMPLES / name, folder / name)
    shutil.copy(archive / "一处" / "truncated.pdf", folder / "truncated.pdf")
    local = test_settings(tmp_path / "d1", f"sqlite:///{tmp_path / 'a.db'}")
    s1 = run_batch([str(folder)], local, workers=2, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = test_settings(tmp_path / "d2", f"sqlite:///{tmp_path / 'b.db'}")
        s2 = run_batch([str(folder)], dask, scheduler=cluster.scheduler_address, progress=False)  # tcp://…, as --scheduler gives it
        workers = set(cluster.workers)
    assert (s1.processed, s1.failed) == (s2.processed, s2.failed) == (3, 1)
    assert len({i["source"] for i in s2.items}) == 4 and len(workers) == 2
    d1, d2 = Database(local.sqlalchemy_url()), Database(dask.sqlalchemy_url())
    r1, r2 = _records(d1), _records(d2)
    assert r1.keys() == r2.keys() and len(r1) == 4
    assert r1 == r2
    d1.dispose()
    d2.dispose()
