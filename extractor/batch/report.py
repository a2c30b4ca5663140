"""The batch's xlsx report (openpyxl): 汇总 (summary), 文件 (every file with its outcome and reason),
变化 (what changed per document and field against the previous machine record)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["write_report"]


def _cell(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, float, bool)):
        return v if not isinstance(v, str) else v[:32000]
    return json.dumps(v, ensure_ascii=False, default=str)[:32000]


def write_report(summary: Any, out: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    d = summary.as_dict()
    rows = [("批次", d["batch_id"]), ("文件数", d["total"]), ("已处理", d["processed"]), ("跳过", d["skipped"]), ("失败", d["failed"]),
            ("页数", d["pages"]), ("用时（秒）", d["seconds"]), ("有变化的文件", d["changed_documents"]), ("待复核冲突", d["conflicts"]),
            ("单进程峰值内存（MB）", d["peak_rss_mb"])]  # fmt: skip
    rows += [(f"跳过：{k}", v) for k, v in sorted(d["skipped_by_reason"].items())]
    rows += [(f"失败：{k}", v) for k, v in sorted(d["failed_by_reason"].items())]
    for r in rows:
        ws.append(list(r))
    files = wb.create_sheet("文件")
    head = ["来源", "状态", "原因", "说明", "文档ID", "运行ID", "上次运行ID", "sha256", "字节", "页数", "用时（秒）", "峰值内存（MB）", "变化数", "冲突数"]
    files.append(head)
    changes = wb.create_sheet("变化")
    changes.append(["来源", "文档ID", "字段", "原值", "新值"])
    for it in summary.items:
        ch = it.get("changes") or []
        files.append([_cell(x) for x in (it["source"], it["status"], it["reason"], it["message"], it["document_id"], it["run_id"],
                                          it["previous_run_id"], it["sha256"], it["size"], it["pages"], it["seconds"], it["peak_rss_mb"],
                                          len(ch), it["conflicts"])])  # fmt: skip
        for c in ch:
            changes.append([_cell(it["source"]), it["document_id"], _cell(c["field"]), _cell(c["old"]), _cell(c["new"])])
    for sheet in (files, changes):
        for c in sheet[1]:
            c.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
