"""Write extraction results as an XLSX workbook a reviewer can open (``jixiao extract --xlsx``).

Sheets: 记录 (one row per record), 金额 (every amount), 指标 (indicators), 校验 (checks that did not
pass), 错误 (files and errors). Money goes in as exact Decimal numbers in yuan with a thousands
format, beside the text as found, so nothing is rounded through a float on the way.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

__all__ = ["write_xlsx"]

_MONEY_FMT = "#,##0.00"


def _v(f: Any) -> Any:
    return f.get("value") if isinstance(f, dict) else f


def _money(s: Any) -> Decimal | None:
    s = _v(s)
    return Decimal(s) if s not in (None, "") else None


def _where(p: dict[str, Any] | None) -> str:
    if not p:
        return ""
    parts = []
    if p.get("sheet"):
        parts.append(f"{p['sheet']}!{p.get('cell') or ''}")
    elif p.get("page"):
        parts.append(f"p.{p['page']}")
    if p.get("table"):
        t = p["table"]
        parts.append(f"table {t['index']} r{t['row']} c{t['col']}")
    if p.get("paragraph_index") is not None:
        parts.append(f"¶{p['paragraph_index']}")
    if p.get("char_span"):
        parts.append(f"chars {p['char_span'][0]}-{p['char_span'][1]}")
    return ", ".join(parts)


_SHEETS: dict[str, list[tuple[str, int]]] = {
    "记录": [("文件", 28), ("记录", 6), ("文档类型", 18), ("标题", 40), ("年度", 8), ("报告日期", 12), ("填报单位", 24),
             ("主管部门", 24), ("实施单位", 24), ("项目名称", 32), ("年初预算数(元)", 16), ("全年预算数(元)", 16),
             ("全年执行数(元)", 16), ("执行率(填报)%", 12), ("执行率(计算)%", 12), ("总分(填报)", 10), ("总分(计算)", 10),
             ("等级(填报)", 10), ("等级(计算)", 10), ("金额数", 8), ("指标数", 8), ("未通过校验", 12)],
    "金额": [("文件", 28), ("记录", 6), ("原文", 18), ("金额(元)", 18), ("原值", 12), ("原单位", 8), ("单位来源", 10), ("限定", 10),
             ("每", 10), ("角色", 18), ("所属行", 16), ("事项", 30), ("位置", 30), ("引文", 40), ("置信度", 8)],
    "指标": [("文件", 28), ("记录", 6), ("一级指标", 14), ("二级指标", 16), ("三级指标", 30), ("年度指标值", 16), ("实际完成值", 16),
             ("分值", 8), ("得分", 8), ("偏差原因", 40), ("位置", 30)],
    "校验": [("文件", 28), ("记录", 6), ("检查", 8), ("结果", 8), ("说明", 80)],
    "错误": [("文件", 28), ("代码", 18), ("说明", 80)],
}


def write_xlsx(results: Iterable[dict[str, Any]], out: str | Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {}
    for name, cols in _SHEETS.items():
        ws = wb.create_sheet(name)
        ws.append([c for c, _ in cols])
        for i, (_, width) in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        sheets[name] = ws
    for res in results:
        fn = res["document"]["file_name"]
        for err in res.get("errors") or []:
            sheets["错误"].append([fn, err["code"], err["message"]])
        for n, rec in enumerate(res.get("records") or [], start=1):
            m, b, s = rec["meta"], rec["budget"], rec["score"]
            failing = [v["check_id"] for v in rec.get("validations") or [] if v["status"] in ("fail", "warn")]
            sheets["记录"].append([
                fn, n, m.get("doc_type"), _v(m.get("title")), _v(m.get("fiscal_year")), _v(m.get("report_date")), _v(m.get("issuer")),
                _v(m.get("supervising_dept")), _v(m.get("implementing_unit")), _v(m.get("project_name")),
                _money(b.get("initial")), _money(b.get("full_year")), _money(b.get("executed")),
                _money(b.get("execution_rate_reported")), _money(b.get("execution_rate_computed")),
                _money(s.get("total_reported")), _money(s.get("total_computed")), _v(s.get("grade_reported")), s.get("grade_computed"),
                len(rec.get("amounts") or []), len(rec.get("indicators") or []), " ".join(failing),
            ])
            for a in rec.get("amounts") or []:
                p = a.get("prov") or {}
                sheets["金额"].append([
                    fn, n, a.get("text"), Decimal(a["value_yuan"]), a.get("source_value"), a.get("source_unit"), a.get("unit_basis"),
                    a.get("qualifier"), a.get("per"), a.get("role"), a.get("line"), a.get("subject"), _where(p), p.get("quote"), p.get("confidence"),
                ])
            for i in rec.get("indicators") or []:
                sheets["指标"].append([
                    fn, n, i.get("level1_raw"), i.get("level2_raw"), i.get("name"), (i.get("target") or {}).get("raw"),
                    (i.get("actual") or {}).get("raw"), _money(i.get("weight")), _money(i.get("score")), i.get("deviation_text"), _where(i.get("prov")),
                ])
            for v in rec.get("validations") or []:
                if v["status"] != "na":
                    sheets["校验"].append([fn, n, v["check_id"], v["status"], v["message"]])
    for name, col in (("记录", (11, 12, 13)), ("金额", (4,))):
        ws = sheets[name]
        for c in col:
            for row in ws.iter_rows(min_row=2, min_col=c, max_col=c):
                row[0].number_format = _MONEY_FMT
    for ws in sheets.values():
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str) and len(cell.value) > 30)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
