"""Write extraction results as an XLSX workbook a reviewer can open (``jixiao extract --xlsx``).

Sheets: 记录 (one row per record), 金额 (every amount), 指标 (indicators), 校验 (checks that did not
pass), 错误 (files and errors). Money goes in as exact Decimal numbers in yuan with a thousands
format, beside the text as found, so nothing is rounded through a float on the way.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

__all__ = ["REVIEW_TABLES", "result_rows", "review_tables", "write_review_xlsx", "write_rollup_xlsx", "write_xlsx"]

_MONEY_FMT = "#,##0.00"


def _v(f: Any) -> Any:
    return f.get("value") if isinstance(f, dict) else f


def _money(s: Any) -> Decimal | str | None:
    s = _v(s)
    if s in (None, ""):
        return None
    try:
        return Decimal(str(s))
    except InvalidOperation:  # a reviewer's correction that is not a number: shown as written
        return str(s)


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
        for name, rows in result_rows(res).items():
            if name in sheets:
                for row in rows:
                    sheets[name].append(row)
    _finish(sheets, {"记录": (11, 12, 13), "金额": (4,)})
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def _finish(sheets: dict[str, Any], money_cols: dict[str, tuple[int, ...]]) -> None:
    for name, cols in money_cols.items():
        ws = sheets[name]
        for c in cols:
            for row in ws.iter_rows(min_row=2, min_col=c, max_col=c):
                row[0].number_format = _MONEY_FMT
    for ws in sheets.values():
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str) and len(cell.value) > 30)


def _cats(item: dict[str, Any]) -> str:
    return "；".join(" ".join(str(x) for x in (c.get("code"), c.get("label")) if x) for c in item.get("categories") or [] if isinstance(c, dict))


def result_rows(res: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The rows one result gives each sheet (记录 金额 指标 校验 错误 问题 措施), file name first."""
    fn = res["document"]["file_name"]
    out: dict[str, list[list[Any]]] = {k: [] for k in ("记录", "金额", "指标", "校验", "错误", "问题", "措施")}
    for err in res.get("errors") or []:
        out["错误"].append([fn, err["code"], err["message"]])
    for n, rec in enumerate(res.get("records") or [], start=1):
        m, b, s = rec["meta"], rec["budget"], rec["score"]
        failing = [v["check_id"] for v in rec.get("validations") or [] if v["status"] in ("fail", "warn")]
        out["记录"].append([
            fn, n, m.get("doc_type"), _v(m.get("title")), _v(m.get("fiscal_year")), _v(m.get("report_date")), _v(m.get("issuer")),
            _v(m.get("supervising_dept")), _v(m.get("implementing_unit")), _v(m.get("project_name")),
            _money(b.get("initial")), _money(b.get("full_year")), _money(b.get("executed")),
            _money(b.get("execution_rate_reported")), _money(b.get("execution_rate_computed")),
            _money(s.get("total_reported")), _money(s.get("total_computed")), _v(s.get("grade_reported")), s.get("grade_computed"),
            len(rec.get("amounts") or []), len(rec.get("indicators") or []), " ".join(failing),
        ])
        for a in rec.get("amounts") or []:
            p = a.get("prov") or {}
            out["金额"].append([
                fn, n, a.get("text"), _money(a.get("value_yuan")), a.get("source_value"), a.get("source_unit"), a.get("unit_basis"),
                a.get("qualifier"), a.get("per"), a.get("role"), a.get("line"), a.get("subject"), _where(p), p.get("quote"), p.get("confidence"),
            ])
        for i in rec.get("indicators") or []:
            out["指标"].append([
                fn, n, i.get("level1_raw"), i.get("level2_raw"), i.get("name"), (i.get("target") or {}).get("raw"),
                (i.get("actual") or {}).get("raw"), _money(i.get("weight")), _money(i.get("score")), i.get("deviation_text"), _where(i.get("prov")),
            ])
        for v in rec.get("validations") or []:
            if v["status"] != "na":
                out["校验"].append([fn, n, v["check_id"], v["status"], v["message"]])
        for key, sheet in (("problems", "问题"), ("measures", "措施")):
            for it in rec.get(key) or []:
                p = it.get("prov") or {}
                out[sheet].append([fn, n, it.get("text"), _cats(it), _where(p), p.get("quote"), p.get("confidence")])
    return out


_ITEM_COLS = [("文件", 28), ("记录", 6), ("内容", 60), ("分类", 24), ("位置", 30), ("引文", 40), ("置信度", 8)]
_DOC_COLS = [("编号", 8), ("单位", 24), ("状态", 10), ("版本", 6), ("审核修改", 8)]
REVIEW_TABLES: dict[str, tuple[str, str, list[tuple[str, int]]]] = {
    # API table name -> (sheet, sheet of result_rows, columns: document columns + that sheet's)
    "documents": ("文档", "记录", _DOC_COLS + _SHEETS["记录"]),
    "amounts": ("金额", "金额", [("编号", 8)] + _SHEETS["金额"]),
    "indicators": ("指标", "指标", [("编号", 8)] + _SHEETS["指标"]),
    "problems": ("问题", "问题", [("编号", 8)] + _ITEM_COLS),
    "measures": ("整改措施", "措施", [("编号", 8)] + _ITEM_COLS),
    "checks": ("校验", "校验", [("编号", 8)] + _SHEETS["校验"]),
}
"""The service's export tables (``GET /export.xlsx``, ``/export.csv?table=``), Chinese headers."""


def review_tables(items: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Tables of reviewed results; ``items`` are (document info: id, unit, status, version,
    corrections; reviewed result). A document without a record still gets its row in 文档."""
    tables: dict[str, tuple[list[str], list[list[Any]]]] = {k: ([c for c, _ in cols], []) for k, (_s, _r, cols) in REVIEW_TABLES.items()}
    for info, res in items:
        rows = result_rows(res)
        head = [info.get("id"), info.get("unit"), info.get("status"), info.get("version"), info.get("corrections", 0)]
        if not rows["记录"]:
            width = len(REVIEW_TABLES["documents"][2]) - len(head)
            tables["documents"][1].append(head + [res["document"]["file_name"]] + [None] * (width - 1))
        for name, (_sheet, src, _cols) in REVIEW_TABLES.items():
            for row in rows[src]:
                tables[name][1].append((head if name == "documents" else [info.get("id")]) + row)
    return tables


def _cell(v: Any) -> Any:
    """A value openpyxl can write: objects a reviewer put where a scalar was go in as JSON text."""
    import json

    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if v is None or isinstance(v, (bool, int, float, Decimal)):
        return v
    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def write_review_xlsx(tables: dict[str, tuple[list[str], list[list[Any]]]], out: Any) -> Any:
    """Write :func:`review_tables` to a workbook (a path or a binary file object)."""
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {}
    for name, (sheet, _src, cols) in REVIEW_TABLES.items():
        headers, rows = tables[name]
        ws = wb.create_sheet(sheet)
        ws.append(headers)
        for i, (_, width) in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for row in rows:
            ws.append([_cell(v) for v in row])
        sheets[sheet] = ws
    _finish(sheets, {"文档": tuple(c + len(_DOC_COLS) for c in (11, 12, 13)), "金额": (5,)})
    wb.save(out)
    return out


_ROLLUP_FIGURES = [
    ("年度", "year"), ("文档数", "documents"), ("记录数", "records"), ("重复提交合并", "duplicates_merged"), ("覆盖单位数", "units_covered"),
    ("评价项目数", "projects_evaluated"),
    ("已审核通过记录数", "approved_records"),
]


def write_rollup_xlsx(rollup: dict[str, Any], out: Any) -> Any:
    """The bureau roll-up (``GET /rollup.xlsx``): 汇总, 等级分布, 低于良项目, 问题分类, 问题单位, 单位资金."""
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["指标", "数值"])
    for label, key in _ROLLUP_FIGURES:
        ws.append([label, rollup.get(key)])
    m = rollup.get("money") or {}
    for label, key in (("年初预算数(元)", "budget_initial_yuan"), ("全年预算数(元)", "budget_full_year_yuan"), ("全年执行数(元)", "executed_yuan")):
        ws.append([label, _money(m.get(key))])
        ws.cell(ws.max_row, 2).number_format = _MONEY_FMT
    ws.append(["全年预算数(万元)", _money(m.get("budget_full_year_wan"))])
    ws.append(["执行率%", _money(m.get("execution_rate"))])
    tables: list[tuple[str, list[str], list[list[Any]]]] = [
        ("等级分布", ["等级", "记录数"], [[g, n] for g, n in (rollup.get("grade_distribution") or {}).items()]),
        ("低于良项目", ["编号", "记录", "文件", "项目名称", "单位", "等级", "得分", "全年预算数(元)", "状态"],
         [[r.get("document_id"), (r.get("record_index") or 0) + 1, r.get("file_name"), r.get("project_name"), r.get("unit"), r.get("grade"),
           _money(r.get("score")), _money(r.get("budget_full_year")), r.get("status")] for r in rollup.get("below_good") or []]),
        ("问题分类", ["分类", "问题数"], [[k, v] for k, v in (rollup.get("problems_by_category") or {}).items()]),
        ("问题单位", ["单位", "问题数"], [[k, v] for k, v in (rollup.get("problems_by_unit") or {}).items()]),
        ("单位资金", ["单位", "全年预算数(元)"], [[k, _money(v)] for k, v in (rollup.get("money_by_unit_yuan") or {}).items()]),
    ]  # fmt: skip
    sheets = {"汇总": ws}
    for name, headers, rows in tables:
        t = wb.create_sheet(name)
        t.append(headers)
        for row in rows:
            t.append([_cell(v) for v in row])
        sheets[name] = t
    for t in sheets.values():
        for cell in t[1]:
            cell.font = Font(bold=True)
        t.column_dimensions["A"].width = 22
        for col in "BCDEFGHI":
            t.column_dimensions[col].width = 18
        t.freeze_panes = "A2"
    _finish(sheets, {"低于良项目": (8,), "单位资金": (2,)})
    wb.save(out)
    return out
