"""The reviewer's consistency checks C01–C19 (DOMAIN §3.5) over one record.

Checks read the record itself (not the Document), so the service can run them again after a
reviewer corrects a field. Each gives ``{check_id, status: pass|warn|fail|na, message,
field_refs: [JSON pointers into the record], expected?, found?}``. Tolerances: amounts 0.01万元,
scores 0.1 points, rates 0.01 percentage points after rounding to the precision written.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..document import Document
from .fields import decimal_of
from .indicators import TIER_BANDS, expected_score
from .score import BAND_SCHEMES, grade_for

__all__ = ["NAME", "VERSION", "run_checks", "CHECK_TITLES"]

NAME, VERSION = "checks", "0.1.0"

CHECK_TITLES = {
    "C01": "Funding sources add up to the total",
    "C02": "Reported execution rate = executed / full-year budget",
    "C03": "Execution rate within 0–100%",
    "C04": "Execution score = min(rate, 1) × weight",
    "C05": "Every indicator score within 0..weight",
    "C06": "Weights: indicators 90, execution 10, total 100",
    "C07": "Row scores add up to the reported total",
    "C08": "Reported grade matches the total under the band scheme",
    "C09": "Quantitative indicator score follows its direction rule",
    "C10": "Qualitative indicator score inside its tier's band",
    "C11": "Deviation explained where the score is below the weight or far above the target",
    "C12": "Indicator tree complete (产出, 效益, 满意度; every row has its parents)",
    "C13": "Amount units and magnitudes plausible",
    "C14": "Cost targets within the project budget",
    "C15": "Prose amounts agree with the table",
    "C16": "No placeholders or empty targets",
    "C17": "Rate-type indicators not above 100%",
    "C18": "时效 dates within the fiscal year",
    "C19": "Years in title, table and dates agree",
}

_SUB_LINES = ("fiscal_current_year", "carryover", "other", "special_account", "unit_funds", "central_subsidy")


def _res(cid: str, status: str, message: str, refs: list[str] | None = None, **kw: Any) -> dict[str, Any]:
    out = {"check_id": cid, "status": status, "message": message, "field_refs": refs or []}
    for k, v in kw.items():
        if v is not None:
            out[k] = format(v, "f") if isinstance(v, Decimal) else v
    return out


def run_checks(rec: dict[str, Any], doc: Document | None = None, options: Any = None) -> list[dict[str, Any]]:
    amount_tol = Decimal(getattr(options, "amount_tolerance_wan", "0.01")) * 10000
    score_tol = Decimal(getattr(options, "score_tolerance", "0.1"))
    over = Decimal(getattr(options, "overperformance_ratio", "1.3"))
    scheme = getattr(options, "grade_scheme", "mof_2020_10")
    b = rec.get("budget") or {}
    inds = rec.get("indicators") or []
    sc = rec.get("score") or {}
    out = [
        _c01(b, amount_tol), _c02(b), _c03(b), _c04(b, score_tol), _c05(inds), _c06(b, inds, sc),
        _c07(b, inds, sc, score_tol), _c08(sc, scheme), _c09(inds, score_tol), _c10(inds), _c11(inds, over),
        _c12(inds), _c13(rec), _c14(rec), _c15(rec, amount_tol), _c16(inds), _c17(inds), _c18(inds, rec), _c19(rec, doc),
    ]
    return out


def _c01(b: dict[str, Any], tol: Decimal) -> dict[str, Any]:
    lines = b.get("lines") or []
    total = next((ln for ln in lines if ln["role"] == "total"), None)
    subs = [ln for ln in lines if ln["role"] in _SUB_LINES]
    if total is None or not subs:
        return _res("C01", "na", "no funds table with a total line and source lines")
    problems = []
    for col in ("initial", "full_year", "executed"):
        t = decimal_of(total.get(col))
        parts = [decimal_of(s.get(col)) for s in subs]
        if t is None and all(p is None for p in parts):
            continue
        s = sum((p for p in parts if p is not None), Decimal(0))
        if t is None or abs(t - s) > tol:
            problems.append(f"{col}: total {t if t is not None else 'empty'} ≠ sources {s}")
    refs = ["/budget/lines"]
    if problems:
        return _res("C01", "fail", "sources do not add up to the total line: " + "; ".join(problems), refs)
    return _res("C01", "pass", "sources add up to the total line", refs)


def _rate_precision(raw: str) -> Decimal:
    m = re.search(r"\.(\d+)", raw or "")
    return Decimal(1).scaleb(-len(m.group(1))) if m else Decimal(1)


def _c02(b: dict[str, Any]) -> dict[str, Any]:
    rep = b.get("execution_rate_reported")
    comp = decimal_of(b.get("execution_rate_computed"))
    refs = ["/budget/execution_rate_reported", "/budget/executed", "/budget/full_year"]
    if rep is None or comp is None:
        return _res("C02", "na", "no reported rate, or no executed / full-year amounts to compute one", refs)
    r = decimal_of(rep)
    assert r is not None
    q = _rate_precision(rep.get("raw", ""))
    if abs(comp.quantize(q, rounding=ROUND_HALF_UP) - r) <= Decimal("0.01") or abs(comp - r) <= Decimal("0.01"):
        return _res("C02", "pass", f"reported {r}% matches executed/full-year {comp}%", refs, expected=comp, found=r)
    ini, ex = decimal_of(b.get("initial")), decimal_of(b.get("executed"))
    if ini and ex is not None and ini > 0:
        on_initial = (ex * 100 / ini).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if abs(on_initial.quantize(q, rounding=ROUND_HALF_UP) - r) <= Decimal("0.01"):
            return _res("C02", "warn", f"reported {r}% was computed on 年初预算数 ({on_initial}%), not on 全年预算数 ({comp}%)", refs, expected=comp, found=r)
    return _res("C02", "fail", f"reported rate {r}% ≠ executed/full-year {comp}%", refs, expected=comp, found=r)


def _c03(b: dict[str, Any]) -> dict[str, Any]:
    r = decimal_of(b.get("execution_rate_computed")) or decimal_of(b.get("execution_rate_reported"))
    refs = ["/budget/execution_rate_computed", "/budget/execution_rate_reported"]
    if r is None:
        return _res("C03", "na", "no execution rate", refs)
    if r < 0 or r > 100:
        return _res("C03", "fail", f"execution rate {r}% outside 0–100% (executed exceeds the budget?)", refs, found=r)
    return _res("C03", "pass", f"execution rate {r}% within 0–100%", refs, found=r)


def _c04(b: dict[str, Any], tol: Decimal) -> dict[str, Any]:
    es = b.get("execution_score") or {}
    rep, comp, w = decimal_of(es.get("reported")), decimal_of(es.get("computed")), decimal_of(es.get("weight"))
    refs = ["/budget/execution_score"]
    if rep is None:
        return _res("C04", "na", "no execution score written", refs)
    if w is not None and rep > w:
        return _res("C04", "fail", f"execution score {rep} above its weight {w}", refs, found=rep)
    if comp is None:
        return _res("C04", "na", "execution score written but no rate to recompute it", refs, found=rep)
    if abs(comp - rep) <= tol:
        return _res("C04", "pass", f"execution score {rep} = min(rate,1)×weight", refs, expected=comp, found=rep)
    return _res("C04", "warn", f"execution score {rep} ≠ min(rate,1)×weight = {comp} (a local tier rule may apply)", refs, expected=comp, found=rep)


def _c05(inds: list[dict[str, Any]]) -> dict[str, Any]:
    scored = [(n, i) for n, i in enumerate(inds) if decimal_of(i.get("score")) is not None]
    if not scored:
        return _res("C05", "na", "no indicator scores")
    bad = [(n, i) for n, i in scored if decimal_of(i["score"]) < 0 or (decimal_of(i.get("weight")) is not None and decimal_of(i["score"]) > decimal_of(i["weight"]))]  # type: ignore[operator]
    refs = [f"/indicators/{n}/score" for n, _ in (bad or scored)]
    if bad:
        return _res("C05", "fail", "score outside 0..weight: " + ", ".join(f"{i['name']} {i['score']}/{i.get('weight')}" for _, i in bad), refs)
    return _res("C05", "pass", f"{len(scored)} indicator scores within their weights", refs)


def _c06(b: dict[str, Any], inds: list[dict[str, Any]], sc: dict[str, Any]) -> dict[str, Any]:
    ws = [decimal_of(i.get("weight")) for i in inds]
    ws_known = [w for w in ws if w is not None]
    if not ws_known:
        return _res("C06", "na", "no indicator weights")
    total = sum(ws_known, Decimal(0))
    ew = decimal_of((b.get("execution_score") or {}).get("weight"))
    msgs, status = [], "pass"
    expected_ind = Decimal(100) - (ew if ew is not None else Decimal(10))
    if total != expected_ind:
        status = "fail"
        msgs.append(f"indicator weights sum to {total}, expected {expected_ind}")
    if ew is not None and ew != 10:
        status = "warn" if status == "pass" else status
        msgs.append(f"execution weight {ew}, expected 10")
    tw = decimal_of(sc.get("total_weight"))
    if tw is not None and tw != 100:
        status = "fail"
        msgs.append(f"总分 weight {tw}, expected 100")
    by_l1: dict[str, Decimal] = {}
    for i in inds:
        if i.get("level1") and decimal_of(i.get("weight")) is not None:
            by_l1[i["level1"]] = by_l1.get(i["level1"], Decimal(0)) + decimal_of(i["weight"])  # type: ignore[operator]
    default = {"output": Decimal(50), "effect": Decimal(30), "satisfaction": Decimal(10)}
    if by_l1 and any(by_l1.get(k) not in (None, v) for k, v in default.items()):
        if status == "pass":
            status = "warn"
        msgs.append("first-level weights " + ", ".join(f"{k} {v}" for k, v in by_l1.items()) + " differ from 50/30/10 (allowed, should be justified)")
    return _res("C06", status, "; ".join(msgs) or f"indicator weights sum to {total}", ["/indicators", "/budget/execution_score/weight", "/score/total_weight"])


def _c07(b: dict[str, Any], inds: list[dict[str, Any]], sc: dict[str, Any], tol: Decimal) -> dict[str, Any]:
    rep = decimal_of(sc.get("total_reported"))
    comp = decimal_of(sc.get("total_computed"))
    refs = ["/score/total_reported", "/score/total_computed"]
    if rep is None or comp is None:
        return _res("C07", "na", "no reported total, or row scores missing", refs)
    if abs(rep - comp) <= tol:
        return _res("C07", "pass", f"row scores add up to the reported total {rep}", refs, expected=comp, found=rep)
    return _res("C07", "fail", f"row scores add up to {comp}, reported total is {rep}", refs, expected=comp, found=rep)


def _c08(sc: dict[str, Any], scheme: str) -> dict[str, Any]:
    g = sc.get("grade_normalized")
    total = decimal_of(sc.get("total_reported")) or decimal_of(sc.get("total_computed"))
    refs = ["/score/grade_reported", "/score/total_reported"]
    if g is None or total is None:
        return _res("C08", "na", "no reported grade or no total", refs)
    labels = {str(lab) for _, lab in BAND_SCHEMES[scheme]["bands"]}
    if g not in labels:
        return _res("C08", "warn", f"grade {g} is not a label of the scheme {scheme}; configure the local scheme", refs, found=g)
    exp = grade_for(total, scheme)
    if exp == g:
        return _res("C08", "pass", f"grade {g} matches total {total} under {scheme}", refs, expected=exp, found=g)
    return _res("C08", "fail", f"grade {g} does not match total {total}: {scheme} gives {exp}", refs, expected=exp, found=g)


def _num(v: dict[str, Any] | None) -> Decimal | None:
    if not v or v.get("comparator") in (None, "qualitative"):
        return None
    return decimal_of(v.get("value"))


def _per_indicator(cid: str, inds: list[dict[str, Any]], judge: Any, na: str, warn: str, ok: str) -> dict[str, Any]:
    """A check run row by row: ``judge(indicator)`` is ``None`` (not applicable), ``""`` (passes)
    or what is wrong with its score."""
    checked, bad = 0, []
    for n, i in enumerate(inds):
        why = judge(i)
        if why is None:
            continue
        checked += 1
        if why:
            bad.append((n, why))
    if not checked:
        return _res(cid, "na", na)
    if bad:
        return _res(cid, "warn", f"{warn}: " + ", ".join(why for _, why in bad), [f"/indicators/{n}/score" for n, _ in bad])
    return _res(cid, "pass", f"{checked} {ok}")


def _c09(inds: list[dict[str, Any]], tol: Decimal) -> dict[str, Any]:
    def judge(i: dict[str, Any]) -> str | None:
        s = decimal_of(i.get("score"))
        exp = decimal_of(expected_score(i.get("target"), i.get("actual"), i.get("weight"))["score"])
        if s is None or exp is None:
            return None
        return f"{i['name']} {i['score']} > {exp}" if abs(exp - s) > tol and s > exp else ""

    return _per_indicator("C09", inds, judge, "no quantitative indicator with target, actual, weight and score",
                          "score above the direction rule", "quantitative indicators scored within the direction rule")


def _c10(inds: list[dict[str, Any]]) -> dict[str, Any]:
    def judge(i: dict[str, Any]) -> str | None:
        s, w = decimal_of(i.get("score")), decimal_of(i.get("weight"))
        rule = expected_score(i.get("target"), i.get("actual"), i.get("weight"))["rule_id"] or ""
        if not rule.startswith("tier.") or s is None or not w:
            return None
        tier = rule.removeprefix("tier.")
        lo, hi = TIER_BANDS[tier]
        return f"{i['name']} ({tier}) {i['score']}/{i['weight']}" if not lo <= s / w <= hi else ""

    return _per_indicator("C10", inds, judge, "no qualitative indicator with a known tier (extract.toml [tiers]), weight and score",
                          "score outside its tier's band", "qualitative indicators scored inside their tier's band")


def _c11(inds: list[dict[str, Any]], over: Decimal) -> dict[str, Any]:
    need = []
    for n, i in enumerate(inds):
        w, s = decimal_of(i.get("weight")), decimal_of(i.get("score"))
        t, a = _num(i.get("target")), _num(i.get("actual"))
        why = None
        if w is not None and s is not None and s < w:
            why = f"score {s} < weight {w}"
        elif t and a is not None and t > 0 and a >= t * over and (i.get("target") or {}).get("comparator") in (">=", ">", "="):
            why = f"actual {a} ≥ {over}× target {t}"
        if why:
            need.append((n, i, why))
    if not need:
        return _res("C11", "na" if not inds else "pass", "no indicator needs a deviation explanation" if inds else "no indicators")
    missing = [(n, i, why) for n, i, why in need if not i.get("deviation_text")]
    if missing:
        return _res("C11", "warn", "deviation not explained: " + "; ".join(f"{i['name']} ({why})" for _, i, why in missing),
                    [f"/indicators/{n}/deviation_text" for n, _, _ in missing])
    return _res("C11", "pass", f"{len(need)} deviations explained", [f"/indicators/{n}/deviation_text" for n, _, _ in need])


def _c12(inds: list[dict[str, Any]]) -> dict[str, Any]:
    if not inds:
        return _res("C12", "na", "no indicators")
    l1 = {i.get("level1") for i in inds}
    missing = [k for k in ("output", "effect", "satisfaction") if k not in l1]
    orphans = [n for n, i in enumerate(inds) if not i.get("level1") or not i.get("level2")]
    msgs = []
    if missing:
        msgs.append("no " + ", ".join(missing) + " indicator")
    if orphans:
        msgs.append(f"{len(orphans)} rows without a 一级/二级 parent")
    if msgs:
        return _res("C12", "warn", "; ".join(msgs), [f"/indicators/{n}" for n in orphans])
    return _res("C12", "pass", "产出, 效益 and 满意度 indicators present; every row has its parents")


def _c13(rec: dict[str, Any]) -> dict[str, Any]:
    issues, refs = [], []
    for n, a in enumerate(rec.get("amounts") or []):
        if a.get("line") and a.get("source_unit") == "万元" and "." in a["source_value"] and len(a["source_value"].split(".")[1]) > 2:
            issues.append(f"{a['text']} has more than 2 decimals in 万元")
            refs.append(f"/amounts/{n}")
        if a["role"] in ("budget_initial", "budget_full_year", "executed") and a.get("per") is None:
            v = Decimal(a["value_yuan"])
            if Decimal(0) < v < Decimal(1000):
                issues.append(f"{a['text']} ({a['value_yuan']} yuan) is implausibly small for a budget line (万元 meant?)")
                refs.append(f"/amounts/{n}")
    if not rec.get("amounts"):
        return _res("C13", "na", "no amounts")
    if issues:
        return _res("C13", "warn", "; ".join(issues[:5]), refs)
    return _res("C13", "pass", "amount units and magnitudes plausible")


def _c14(rec: dict[str, Any]) -> dict[str, Any]:
    costs = [a for a in rec.get("amounts") or [] if a["role"] == "cost_target" and a.get("per") is None]
    fy = decimal_of((rec.get("budget") or {}).get("full_year")) or decimal_of((rec.get("budget") or {}).get("initial"))
    if not costs or fy is None:
        return _res("C14", "na", "no cost targets or no budget")
    total = sum((Decimal(a["value_yuan"]) for a in costs), Decimal(0))
    if total > fy:
        return _res("C14", "warn", f"cost targets total {total} yuan above the budget {fy} yuan (元/万元 mix-up?)", ["/budget/full_year"], expected=fy, found=total)
    return _res("C14", "pass", f"cost targets total {total} yuan within the budget {fy} yuan", ["/budget/full_year"])


def _c15(rec: dict[str, Any], tol: Decimal) -> dict[str, Any]:
    b = rec.get("budget") or {}
    if b.get("source") != "table":
        return _res("C15", "na", "no funds table to compare the prose with")
    table_vals = [Decimal(a["value_yuan"]) for a in rec.get("amounts") or [] if a.get("line")]
    prose = [(n, a) for n, a in enumerate(rec.get("amounts") or [])
             if not a.get("line") and a["role"] in ("budget_initial", "budget_full_year", "executed", "goal_target", "goal_actual") and a.get("per") is None]
    if not prose:
        return _res("C15", "na", "no budget amounts in the prose")
    off = [(n, a) for n, a in prose if not any(abs(Decimal(a["value_yuan"]) - v) <= tol for v in table_vals)]
    if off:
        return _res("C15", "warn", "prose amounts not in the funds table: " + ", ".join(f"{a['text']} ({a['role']})" for _, a in off[:5]),
                    [f"/amounts/{n}" for n, _ in off])
    return _res("C15", "pass", f"{len(prose)} prose budget amounts agree with the table", [f"/amounts/{n}" for n, _ in prose])


def _c16(inds: list[dict[str, Any]]) -> dict[str, Any]:
    if not inds:
        return _res("C16", "na", "no indicators")
    bad = [(n, i) for n, i in enumerate(inds) if not i.get("target") or (i["target"] or {}).get("is_placeholder")]
    if bad:
        return _res("C16", "fail", "empty or placeholder targets: " + ", ".join(i["name"] for _, i in bad[:8]), [f"/indicators/{n}/target" for n, _ in bad])
    return _res("C16", "pass", "every indicator has a target without placeholders")


def _c17(inds: list[dict[str, Any]]) -> dict[str, Any]:
    rate_rows = [(n, i) for n, i in enumerate(inds) if re.search(r"率|满意度", i.get("name") or "")]
    if not rate_rows:
        return _res("C17", "na", "no rate-type indicators")
    bad = []
    for n, i in rate_rows:
        for k in ("target", "actual"):
            v = i.get(k) or {}
            if v.get("unit") == "%" and decimal_of(v.get("value")) is not None and decimal_of(v["value"]) > 100:  # type: ignore[operator]
                bad.append((n, i, k))
    if bad:
        return _res("C17", "fail", "rate above 100%: " + ", ".join(f"{i['name']} {k} {i[k]['raw']}" for n, i, k in bad), [f"/indicators/{n}/{k}" for n, _, k in bad])
    return _res("C17", "pass", f"{len(rate_rows)} rate-type indicators within 100%")


def _c18(inds: list[dict[str, Any]], rec: dict[str, Any]) -> dict[str, Any]:
    fy = decimal_of((rec.get("meta") or {}).get("fiscal_year"))
    dated = []
    for n, i in enumerate(inds):
        for k in ("target", "actual"):
            raw = (i.get(k) or {}).get("raw") or ""
            for m in re.finditer(r"(20\d\d)\s*年", raw):
                dated.append((n, k, int(m.group(1))))
    if not dated or fy is None:
        return _res("C18", "na", "no dated 时效 values, or no fiscal year")
    bad = [(n, k, y) for n, k, y in dated if y not in (int(fy), int(fy) + 1)]
    if bad:
        return _res("C18", "warn", "dates outside the fiscal year: " + ", ".join(f"{inds[n]['name']} {y}" for n, _, y in bad), [f"/indicators/{n}/{k}" for n, k, _ in bad])
    return _res("C18", "pass", f"{len(dated)} dated values within the fiscal year")


def _c19(rec: dict[str, Any], doc: Document | None) -> dict[str, Any]:
    meta = rec.get("meta") or {}
    fy = decimal_of(meta.get("fiscal_year"))
    rd = (meta.get("report_date") or {}).get("value")
    title = (meta.get("title") or {}).get("value") or ""
    if fy is None:
        return _res("C19", "na", "no fiscal year")
    msgs = []
    years = {int(y) for y in re.findall(r"(20\d\d)\s*年", title)}
    if years and int(fy) not in years:
        msgs.append(f"title years {sorted(years)} do not include the fiscal year {fy}")
    if rd:
        ry = int(rd[:4])
        if ry not in (int(fy), int(fy) + 1):
            msgs.append(f"report dated {rd}, expected in {fy} or {int(fy) + 1}")
    refs = ["/meta/fiscal_year", "/meta/report_date", "/meta/title"]
    if msgs:
        return _res("C19", "warn", "; ".join(msgs), refs)
    return _res("C19", "pass", f"fiscal year {fy} agrees with the title" + (f" and the report date {rd}" if rd else ""), refs)
