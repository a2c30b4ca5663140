"""``jixiao eval``: score extraction against labelled corpora, field by field.

A corpus directory holds the documents, ``gold/*.json`` (the conventions of
shared/corpora/real-dev/gold/README.md) and optionally ``MANIFEST.tsv`` (file, doc_type, year for
every document, labelled or not). Scored:

* **amounts** as a multiset of yuan values per document: precision, recall, F1 (micro over all
  documents), also split by how the unit was known (written next to the number vs. from a table
  header);
* **budget** (年初 / 调整后 / 执行 / 执行率; ``budget_alternatives`` also count as right);
* **meta**: unit (实施单位, or the reporting unit), project name, 主管部门, fiscal year, document
  type: accuracy, strings compared without whitespace, null = null counts as right;
* **score**: the written total and grade;
* from ``MANIFEST.tsv``: document type and fiscal year over every listed document.

``split`` names the documents the rules were developed on; the others are reported apart as
held out, so a score is never only a score on the documents the rules were tuned to.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .extract.stream import is_placeholder_key
from .extract.tables import level1_of, level2_of
from .pipeline import process_file
from .settings import ParseOptions
from .textnorm import fold_key

__all__ = ["GOLD_DOC_TYPES", "evaluate", "format_report"]

# gold/MANIFEST labels -> SCHEMA meta.doc_type
GOLD_DOC_TYPES = {
    "self_eval_table": "self_eval_project",
    "project_self_eval": "self_eval_project",
    "dept_self_eval": "self_eval_dept",
    "monitoring": {"monitoring_project", "monitoring_dept"},
    "target_declaration": {"target_declaration_project", "target_declaration_dept"},
    "key_evaluation": "key_evaluation_third_party",
    "work_summary": "bureau_summary",
    "policy": "bureau_circular",
}
META_FIELDS = ("unit_name", "project_name", "department", "fiscal_year", "doc_type")
INDICATOR_FIELDS = ("level1", "level2", "weight", "score", "deviation")
BUDGET_FIELDS = (("initial_budget", "initial"), ("adjusted_budget", "full_year"), ("executed", "executed"))


def _ws(s: Any) -> str | None:
    if s is None:
        return None
    return re.sub(r"\s+", "", str(s))


def _dec(s: Any) -> Decimal | None:
    if s is None:
        return None
    try:
        return Decimal(str(s).replace("%", "").replace(",", ""))
    except InvalidOperation:
        return None


def _val(f: dict[str, Any] | None) -> Any:
    return f.get("value") if isinstance(f, dict) else None


def _type_ok(gold: str | None, pred: str | None) -> bool:
    want = GOLD_DOC_TYPES.get(gold or "", gold)
    return pred in want if isinstance(want, set) else pred == want


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: list[Decimal], pred: list[Decimal]) -> tuple[Counter[Decimal], Counter[Decimal]]:
        g, p = Counter(gold), Counter(pred)
        tp = sum((g & p).values())
        self.tp += tp
        self.fp += sum(p.values()) - tp
        self.fn += sum(g.values()) - tp
        return g - p, p - g

    def as_dict(self) -> dict[str, Any]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": _r(p), "recall": _r(r), "f1": _r(f)}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


@dataclass
class Acc:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += int(ok)

    def as_dict(self) -> dict[str, Any]:
        return {"right": self.right, "total": self.total, "accuracy": _r(self.right / self.total) if self.total else None}


@dataclass
class Split:
    amounts: PRF = field(default_factory=PRF)
    amounts_explicit: PRF = field(default_factory=PRF)
    amounts_header: PRF = field(default_factory=PRF)
    meta: dict[str, Acc] = field(default_factory=lambda: {k: Acc() for k in META_FIELDS})
    budget: dict[str, Acc] = field(default_factory=lambda: {k: Acc() for k in ("initial", "full_year", "executed", "execution_rate")})
    score: dict[str, Acc] = field(default_factory=lambda: {k: Acc() for k in ("total", "grade")})
    manifest: dict[str, Acc] = field(default_factory=lambda: {k: Acc() for k in ("doc_type", "fiscal_year")})
    indicators: PRF = field(default_factory=PRF)
    indicator_fields: dict[str, Acc] = field(default_factory=lambda: {k: Acc() for k in INDICATOR_FIELDS})
    docs: list[str] = field(default_factory=list)
    manifest_docs: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        meta = {k: v.as_dict() for k, v in self.meta.items()}
        right = sum(v.right for v in self.meta.values())
        total = sum(v.total for v in self.meta.values())
        return {
            "documents": self.docs,
            "manifest_documents": self.manifest_docs,
            "amounts": self.amounts.as_dict(),
            "amounts_unit_written": self.amounts_explicit.as_dict(),
            "amounts_unit_from_header": self.amounts_header.as_dict(),
            "meta": meta,
            "meta_accuracy": _r(right / total) if total else None,
            "budget": {k: v.as_dict() for k, v in self.budget.items()},
            "score": {k: v.as_dict() for k, v in self.score.items()},
            "manifest": {k: v.as_dict() for k, v in self.manifest.items()},
            "indicators": self.indicators.as_dict(),
            "indicator_fields": {k: v.as_dict() for k, v in self.indicator_fields.items()},
        }


def _ind_key(name: Any, target: Any, actual: Any) -> tuple[str, str | None, str | None]:
    """An indicator as scored: name, target and actual text, compared folded (no whitespace,
    Simplified, pinyin insertions dropped: gold keeps the source's Traditional text verbatim)."""
    def k(x: Any) -> str | None:  # a placeholder cell ("—", "/") is an empty value (gold/README.md)
        key = fold_key(str(x)) if x not in (None, "") else ""
        return None if not key or is_placeholder_key(key) else key
    return (k(name) or "", k(target), k(actual))


def _gold_indicator(g: dict[str, Any]) -> dict[str, Any]:
    """A gold/README.md indicator or a generator spec's indicator, in one shape."""
    def raw(v: Any) -> Any:
        return v.get("raw") if isinstance(v, dict) else v
    target = g["target_raw"] if "target_raw" in g else raw(g.get("target"))
    actual = g["actual_raw"] if "actual_raw" in g else raw(g.get("actual"))
    return {
        "key": _ind_key(g.get("name") or g.get("level3"), target, actual),
        "level1": g.get("level1"), "level2": g.get("level2"),
        "weight": g.get("weight"), "score": g.get("score"),
        "deviation": g.get("deviation_reason", g.get("deviation")) or None,
    }


def _score_indicators(sps: list[Split], gold: list[dict[str, Any]], pred: list[dict[str, Any]], d: dict[str, Any]) -> None:
    """Indicator F1 (name + target + actual all right), then the other fields on the matched rows."""
    gi = [_gold_indicator(g) for g in gold]
    pi = [(_ind_key(p.get("name"), (p.get("target") or {}).get("raw"), (p.get("actual") or {}).get("raw")), p) for p in pred]
    for sp in sps:
        missed, extra = sp.indicators.add([g["key"] for g in gi], [k for k, _ in pi])  # type: ignore[arg-type]
    if missed or extra:
        d["indicators"] = {"missed": [list(k) for k in missed.elements()], "extra": [list(k) for k in extra.elements()]}
    pool = list(pi)
    for g in gi:
        hit = next((x for x in pool if x[0] == g["key"]), None)
        if hit is None:
            continue
        pool.remove(hit)
        p = hit[1]
        checks = {
            "level1": g["level1"] is None or (level1_of(fold_key(g["level1"])) or "other") == p.get("level1"),
            "level2": g["level2"] is None or (level2_of(fold_key(g["level2"])) or "other") == p.get("level2"),
            "weight": _dec(g["weight"]) == _dec(p.get("weight")),
            "score": _dec(g["score"]) == _dec(p.get("score")),
            "deviation": (g["deviation"] or None) == (p.get("deviation_text") or None) or (
                g["deviation"] is not None and p.get("deviation_text") is not None and fold_key(g["deviation"]) == fold_key(p["deviation_text"])),
        }
        for k, ok in checks.items():
            for sp in sps:
                sp.indicator_fields[k].add(ok)
            if not ok:
                d.setdefault("indicator_fields", []).append({"name": g["key"][0], "field": k, "gold": g.get(k), "pred": p.get({"deviation": "deviation_text"}.get(k, k))})


def _spec_records(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return spec.get("records") or spec.get("projects") or [spec]


def _evaluate_specs(corpus: Path, specs: list[Path], verbose: bool) -> dict[str, Any]:
    """A generated corpus: every ``*.spec.json`` labels the file it sits beside (corpora/samplegen.py)."""
    splits: dict[str, Split] = {"all": Split()}
    details: list[dict[str, Any]] = []
    for sp_path in specs:
        name = sp_path.name[: -len(".spec.json")]
        spec = json.loads(sp_path.read_text(encoding="utf-8"))
        res = process_file(corpus / name, ParseOptions(), isolate=False)
        fmt = Path(name).suffix.lstrip(".")
        targets = [splits["all"], splits.setdefault(f"format:{fmt}", Split())]
        d: dict[str, Any] = {"file": name}
        gold = [i for r in _spec_records(spec) for i in r.get("indicators") or []]
        pred = [i for r in res["records"] for i in r.get("indicators") or []]
        for t in targets:
            t.docs.append(name)
        _score_indicators(targets, gold, pred, d)
        for grec, prec in zip(_spec_records(spec), res["records"]):
            sc = prec.get("score") or {}
            gt = _dec((grec.get("total") or {}).get("score") if isinstance(grec.get("total"), dict) else grec.get("total"))
            for t in targets:
                t.score["total"].add(gt == _dec(_val(sc.get("total_reported"))))
        if len(d) > 1:
            details.append(d)
    report: dict[str, Any] = {"corpus": str(corpus), "kind": "generated", "splits": {k: v.as_dict() for k, v in splits.items()}}
    if verbose:
        report["details"] = details
    return report


def _gold_explicit(a: dict[str, Any]) -> bool:
    return bool(re.search(r"[元萬万亿億]", a.get("text", "")))


def _load_split(corpus: Path, split_file: Path | None) -> set[str] | None:
    path = split_file or corpus / "split.toml"
    if not path.exists():
        return None
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {str(x) for x in data.get("development", [])}


def evaluate(
    corpus: str | Path,
    *,
    split_file: str | Path | None = None,
    extra_gold: list[str | Path] | None = None,
    verbose: bool = False,
) -> dict[str, Any]:
    """Run the pipeline over a corpus and score it. Returns a JSON-ready report.

    ``extra_gold``: more directories of gold files for documents of ``corpus`` (labels made
    apart from the corpus, e.g. held-out labels kept in this repository).
    """
    corpus = Path(corpus)
    specs = sorted(corpus.glob("*.spec.json"))
    if specs and not (corpus / "gold").is_dir():
        return _evaluate_specs(corpus, specs, verbose)
    dev = _load_split(corpus, Path(split_file) if split_file else None)
    splits = {"all": Split(), "development": Split(), "held_out": Split()}
    details: list[dict[str, Any]] = []
    results: dict[str, dict[str, Any]] = {}

    def run(name: str) -> dict[str, Any]:
        if name not in results:
            results[name] = process_file(corpus / name, ParseOptions(), isolate=False)
        return results[name]

    def targets(name: str) -> list[Split]:
        stem = Path(name).stem
        out = [splits["all"]]
        if dev is not None:
            out.append(splits["development" if stem in dev or name in dev else "held_out"])
        return out

    gold_paths = sorted((corpus / "gold").glob("*.json"))
    for extra in extra_gold or []:
        gold_paths += sorted(Path(extra).glob("*.json"))
    for gpath in gold_paths:
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        name = gold.get("file") or f"{gpath.stem}.txt"
        res = run(name)
        rec = res["records"][0] if res["records"] else {}
        d = {"file": name, "missed": [], "extra": [], "meta": {}, "budget": {}}
        gold_amounts = gold.get("amounts") or []
        pred_amounts = rec.get("amounts") or []
        gy = [Decimal(a["yuan"]) for a in gold_amounts]
        py = [Decimal(a["value_yuan"]) for a in pred_amounts]
        for sp in targets(name):
            sp.docs.append(name)
            missed, extra = sp.amounts.add(gy, py)
            sp.amounts_explicit.add([Decimal(a["yuan"]) for a in gold_amounts if _gold_explicit(a)],
                                    [Decimal(a["value_yuan"]) for a in pred_amounts if a["unit_basis"] != "header"])
            sp.amounts_header.add([Decimal(a["yuan"]) for a in gold_amounts if not _gold_explicit(a)],
                                  [Decimal(a["value_yuan"]) for a in pred_amounts if a["unit_basis"] == "header"])
        _score_indicators(targets(name), gold.get("indicators") or [], rec.get("indicators") or [], d)
        d["missed"] = [format(x, "f") for x in missed.elements()]
        d["extra"] = [format(x, "f") for x in extra.elements()]
        meta = rec.get("meta") or {}
        pred_meta = {
            "unit_name": _val(meta.get("implementing_unit")) or _val(meta.get("issuer")),
            "project_name": _val(meta.get("project_name")),
            "department": _val(meta.get("supervising_dept")),
            "fiscal_year": _val(meta.get("fiscal_year")),
            "doc_type": meta.get("doc_type"),
        }
        for k in META_FIELDS:
            g, p = gold.get(k), pred_meta[k]
            if k == "doc_type":
                ok = _type_ok(g, p)
            elif k == "fiscal_year":
                ok = (g is None and p is None) or (g is not None and p is not None and int(g) == int(p))
            else:
                alts = {_ws(g), _ws(gold.get(f"{k}_simplified"))} - {None}
                ok = (g is None and p is None) or _ws(p) in alts
            for sp in targets(name):
                sp.meta[k].add(ok)
            if not ok:
                d["meta"][k] = {"gold": g, "pred": p}
        gb = gold.get("budget") or {}
        alts = gold.get("budget_alternatives") or {}
        b = rec.get("budget") or {}
        for gk, pk in BUDGET_FIELDS:
            gv = gb.get(gk)
            want = {_dec(gv["yuan"])} if isinstance(gv, dict) else {None}
            for alt in alts.get(gk, []) if isinstance(alts.get(gk), list) else []:
                want.add(_dec(re.sub(r"万元$", "", alt)) * 10000 if alt.endswith("万元") else _dec(alt))
            pv = _dec(_val(b.get(pk)))
            ok = pv in want
            for sp in targets(name):
                sp.budget[pk].add(ok)
            if not ok:
                d["budget"][pk] = {"gold": [format(x, "f") if x is not None else None for x in want], "pred": format(pv, "f") if pv is not None else None}
        gr = _dec(gb.get("execution_rate"))
        pr = _dec(_val(b.get("execution_rate_reported")))
        ok = (gr is None and pr is None) or (gr is not None and pr is not None and gr == pr)
        for sp in targets(name):
            sp.budget["execution_rate"].add(ok)
        if not ok:
            d["budget"]["execution_rate"] = {"gold": gb.get("execution_rate"), "pred": _val(b.get("execution_rate_reported"))}
        sc = rec.get("score") or {}
        gt, pt = _dec(gold.get("self_score")), _dec(_val(sc.get("total_reported")))
        gg, pg = gold.get("grade"), sc.get("grade_normalized")
        for sp in targets(name):
            sp.score["total"].add(gt == pt)
            sp.score["grade"].add(gg == pg)
        if gt != pt or gg != pg:
            d["score"] = {"gold": [gold.get("self_score"), gg], "pred": [_val(sc.get("total_reported")), pg]}
        details.append(d)

    manifest = corpus / "MANIFEST.tsv"
    if manifest.exists():
        with open(manifest, encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                name = row["file"]
                if not (corpus / name).exists():
                    continue
                res = run(name)
                rec = res["records"][0] if res["records"] else {}
                meta = rec.get("meta") or {}
                ok_t = _type_ok(row.get("doc_type"), meta.get("doc_type"))
                year = (row.get("year") or "").strip()
                py = _val(meta.get("fiscal_year"))
                ok_y = (not year and py is None) or (year.isdigit() and py == int(year))
                for sp in targets(name):
                    sp.manifest_docs.append(name)
                    sp.manifest["doc_type"].add(ok_t)
                    sp.manifest["fiscal_year"].add(ok_y)
                if verbose and (not ok_t or not ok_y):
                    details.append({"file": name, "manifest": {"doc_type": [row.get("doc_type"), meta.get("doc_type")], "year": [year, py]}})
    report: dict[str, Any] = {"corpus": str(corpus), "splits": {k: v.as_dict() for k, v in splits.items() if v.docs or v.manifest_docs or k == "all"}}
    if dev is None:
        report["note"] = "no split.toml: every document is reported together, none is held out"
    if verbose:
        report["details"] = details
    return report


def format_report(rep: dict[str, Any]) -> str:
    lines = [f"corpus: {rep['corpus']}"]
    for name, sp in rep["splits"].items():
        if rep.get("kind") == "generated":
            lines.append(f"\n[{name}] labelled files: {len(sp['documents'])}")
            _format_indicators(lines, sp)
            t = sp["score"]["total"]
            lines.append(f"  score.total                {t['right']}/{t['total']}")
            continue
        lines.append(f"\n[{name}] gold documents: {len(sp['documents'])}, manifest documents: {len(sp['manifest_documents'])}")
        for k in ("amounts", "amounts_unit_written", "amounts_unit_from_header"):
            a = sp[k]
            lines.append(f"  {k:26s} P={a['precision']}  R={a['recall']}  F1={a['f1']}  (tp {a['tp']}, fp {a['fp']}, fn {a['fn']})")
        lines.append(f"  meta accuracy              {sp['meta_accuracy']}")
        for k, v in sp["meta"].items():
            lines.append(f"    {k:24s} {v['right']}/{v['total']}")
        for k, v in sp["budget"].items():
            lines.append(f"  budget.{k:19s} {v['right']}/{v['total']}")
        for k, v in sp["score"].items():
            lines.append(f"  score.{k:20s} {v['right']}/{v['total']}")
        for k, v in sp["manifest"].items():
            lines.append(f"  manifest.{k:17s} {v['right']}/{v['total']}  ({v['accuracy']})")
        _format_indicators(lines, sp)
    if rep.get("note"):
        lines.append(f"\nnote: {rep['note']}")
    for d in rep.get("details", []):
        lines.append(json.dumps(d, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def _format_indicators(lines: list[str], sp: dict[str, Any]) -> None:
    a = sp["indicators"]
    lines.append(f"  indicators (name+target+actual) P={a['precision']}  R={a['recall']}  F1={a['f1']}  (tp {a['tp']}, fp {a['fp']}, fn {a['fn']})")
    for k, v in sp["indicator_fields"].items():
        if v["total"]:
            lines.append(f"    indicator.{k:16s} {v['right']}/{v['total']}")
