"""``jixiao eval`` on labelled corpora in the issue-#5 shape (``NAME.EXT.gold.json`` beside each
document, ``split.toml`` with ``train``/``test``), and on a corpus whose labels live apart
(``corpora/real-dev-labels/NNN.json`` for ../shared/corpora/real-dev).

Matching (the corpus contract): item texts are normalised (list marker, whitespace and closing
punctuation dropped, Traditional→Simplified, full/half width folded); a predicted item matches a
gold item when their character-bigram Dice similarity is ≥ 0.6, one to one, greedily by
similarity; null statements match only null statements. Problems and measures: precision, recall,
F1 over items; problems also apart by scope: ``problems_sections`` (scope ≠ indicator, what the
real-dev gold calls problems) and ``problems_indicator`` (read from an indicator's deviation); categories: micro P/R/F1 over the codes of matched items; links: a matched
measure's addresses_problem_ids, right when the linked problem matches one the gold names; sections: a predicted
heading matches a gold one with the same label (heading Dice ≥ 0.8); document type: accuracy;
meta (fiscal year, implementing unit, project name): accuracy, null = null counts as right.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .nlp import strip_marker
from .pipeline import process_file
from .settings import ParseOptions
from .textnorm import fold_key
from .train import read_split

__all__ = ["FIELDS", "check_minimums", "evaluate_labelled", "format_labelled", "match_items", "norm"]

FIELDS = ("problems", "problems_sections", "problems_indicator", "measures", "problem_categories", "measure_categories", "links", "sections", "doc_type")
META = ("fiscal_year", "implementing_unit", "project_name")


def norm(text: str) -> str:
    k, rest = strip_marker(text or "")
    return fold_key(rest).strip("。；;,，.、：:")


def _bigrams(s: str) -> Counter[str]:
    return Counter(s[i : i + 2] for i in range(len(s) - 1)) if len(s) > 1 else Counter([s])


def dice(a: str, b: str) -> float:
    A, B = _bigrams(a), _bigrams(b)
    n = sum(A.values()) + sum(B.values())
    return 2 * sum((A & B).values()) / n if n else 0.0


def match_items(gold: list[dict[str, Any]], pred: list[dict[str, Any]], threshold: float = 0.6) -> list[tuple[int, int, float]]:
    """(gold index, pred index, similarity) pairs, one to one, greedy by similarity."""
    pairs = []
    gn = [norm(g["text"]) for g in gold]
    pn = [norm(p["text"]) for p in pred]
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if bool(g.get("is_null_statement")) != bool(p.get("is_null_statement")):
                continue
            s = 1.0 if gn[i] == pn[j] else dice(gn[i], pn[j])
            if s >= threshold:
                pairs.append((s, i, j))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for s, i, j in pairs:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        out.append((i, j, s))
    return out


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def as_dict(self) -> dict[str, Any]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Acc:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += int(ok)
        self.total += 1

    def as_dict(self) -> dict[str, Any]:
        return {"right": self.right, "total": self.total, "accuracy": round(self.right / self.total, 4) if self.total else None}


@dataclass
class SplitScore:
    docs: list[str] = field(default_factory=list)
    prf: dict[str, PRF] = field(default_factory=lambda: {k: PRF() for k in FIELDS if k != "doc_type"})
    acc: dict[str, Acc] = field(default_factory=lambda: {k: Acc() for k in ("doc_type", *META)})

    def as_dict(self) -> dict[str, Any]:
        return {"documents": self.docs, **{k: v.as_dict() for k, v in self.prf.items()}, **{k: v.as_dict() for k, v in self.acc.items()}}


def _codes(item: dict[str, Any]) -> set[str]:
    return {c if isinstance(c, str) else c["code"] for c in item.get("categories") or []}


def _val(f: Any) -> Any:
    return f.get("value") if isinstance(f, dict) else f


def score_document(gold: dict[str, Any], result: dict[str, Any], targets: list[SplitScore], name: str) -> dict[str, Any]:
    grecs = gold.get("records") or []
    precs = result.get("records") or []
    d: dict[str, Any] = {"file": name}
    for sp in targets:
        sp.docs.append(name)
    matched: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[int, int, float]]]] = {}
    for kind in ("problems", "measures"):
        g = [x for r in grecs for x in r.get(kind) or []]
        p = [x for r in precs for x in r.get(kind) or []]
        pairs = match_items(g, p)
        matched[kind] = (g, p, pairs)
        mg = {i for i, _, _ in pairs}
        mp = {j for _, j, _ in pairs}
        cat = PRF()
        cat_miss = []
        for i, j, _ in pairs:
            gc, pc = _codes(g[i]), _codes(p[j])
            cat.add(len(gc & pc), len(pc - gc), len(gc - pc))
            if gc != pc:
                cat_miss.append({"text": g[i]["text"][:60], "gold": sorted(gc), "pred": sorted(pc)})
        for sp in targets:
            sp.prf[kind].add(len(pairs), len(p) - len(pairs), len(g) - len(pairs))
            c = sp.prf[f"{kind[:-1]}_categories"]
            c.add(cat.tp, cat.fp, cat.fn)
        if kind == "problems":  # the two conventions apart: problem sections vs indicator deviations
            for sub, want in (("problems_sections", False), ("problems_indicator", True)):
                g2 = [x for x in g if (x.get("scope") == "indicator") == want]
                p2 = [x for x in p if (x.get("scope") == "indicator") == want]
                n2 = len(match_items(g2, p2))
                for sp in targets:
                    sp.prf[sub].add(n2, len(p2) - n2, len(g2) - n2)
        missed = [g[i]["text"] for i in range(len(g)) if i not in mg]
        extra = [p[j]["text"] for j in range(len(p)) if j not in mp]
        if missed or extra:
            d[kind] = {"missed": missed, "extra": extra}
        if cat_miss:
            d[f"{kind[:-1]}_categories"] = cat_miss
    # measure -> problem links, on matched measures: a link is right when the linked predicted
    # problem is matched to a gold problem the gold measure addresses
    (gp, pp, ppairs), (gm, pm, mpairs) = matched["problems"], matched["measures"]
    p_of_pred = {pp[j].get("id"): gp[i].get("id") for i, j, _ in ppairs}
    ltp = lfp = lfn = 0
    for i, j, _ in mpairs:
        want = set(gm[i].get("addresses_problem_ids") or [])
        got = {p_of_pred.get(x, f"unmatched:{x}") for x in pm[j].get("addresses_problem_ids") or []}
        ltp += len(want & got)
        lfp += len(got - want)
        lfn += len(want - got)
    for sp in targets:
        sp.prf["links"].add(ltp, lfp, lfn)
    gs = [s for r in grecs[:1] for s in r.get("sections") or []]
    ps = [s for r in precs[:1] for s in r.get("sections") or []]
    used: set[int] = set()
    tp = 0
    for s in gs:
        for j, q in enumerate(ps):
            if j not in used and q.get("label") == s.get("label") and dice(fold_key(s["heading"]), fold_key(q["heading"])) >= 0.8:
                used.add(j)
                tp += 1
                break
    for sp in targets:
        sp.prf["sections"].add(tp, len(ps) - tp, len(gs) - tp)
    if tp != len(gs) or tp != len(ps):
        d["sections"] = {"gold": [f"{s['heading']}={s['label']}" for s in gs], "pred": [f"{s['heading']}={s['label']}" for s in ps]}
    gm = (grecs[0].get("meta") if grecs else None) or {}
    pm = (precs[0].get("meta") if precs else None) or {}
    if gm.get("doc_type"):
        ok = gm["doc_type"] == pm.get("doc_type")
        for sp in targets:
            sp.acc["doc_type"].add(ok)
        if not ok:
            d["doc_type"] = {"gold": gm["doc_type"], "pred": pm.get("doc_type")}
    for k in META:
        if k not in gm:
            continue
        g, p = gm.get(k), _val(pm.get(k))
        ok = (g is None and p is None) or (g is not None and p is not None and re.sub(r"\s+", "", str(g)) == re.sub(r"\s+", "", str(p)))
        for sp in targets:
            sp.acc[k].add(ok)
        if not ok:
            d.setdefault("meta", {})[k] = {"gold": g, "pred": p}
    return d


def evaluate_labelled(corpus: str | Path, labels: str | Path | None = None, *, verbose: bool = True) -> dict[str, Any]:
    """Score a contract-shaped corpus. ``labels``: a directory of ``NNN.json`` gold files for the
    documents of ``corpus`` (the real development texts); without it the gold sits beside each
    document as ``NAME.EXT.gold.json`` and ``split.toml`` divides train and test."""
    corpus = Path(corpus)
    golds: list[tuple[str, dict[str, Any], str]] = []
    if labels is not None:
        for g in sorted(Path(labels).glob("*.json")):
            gold = json.loads(g.read_text(encoding="utf-8"))
            golds.append((gold.get("file") or f"{g.stem}.txt", gold, "test"))
    else:
        split = read_split(corpus)
        for name, sp in sorted(split.items()):
            gold = json.loads((corpus / f"{name}.gold.json").read_text(encoding="utf-8"))
            golds.append((name, gold, sp))
    splits = {"all": SplitScore()}
    details = []
    for name, gold, sp in golds:
        if not (corpus / name).exists():
            continue
        res = process_file(corpus / name, ParseOptions(), isolate=False)
        targets = [splits["all"], splits.setdefault(sp, SplitScore())]
        d = score_document(gold, res, targets, name)
        if len(d) > 1:
            details.append(d)
    rep: dict[str, Any] = {"corpus": str(corpus), "kind": "labelled", "labels": str(labels) if labels else None,
                           "splits": {k: v.as_dict() for k, v in splits.items()}}
    if verbose:
        rep["misses"] = details
    return rep


def headline(rep: dict[str, Any]) -> dict[str, Any]:
    """The split thresholds apply to: ``test`` when the corpus has one, else ``all``."""
    return rep["splits"].get("test") or rep["splits"]["all"]


def check_minimums(rep: dict[str, Any], mins: list[str]) -> list[str]:
    """``FIELD=VALUE`` thresholds (F1, or accuracy for doc_type and meta fields); the failures, as text."""
    sp = headline(rep)
    fails = []
    for m in mins:
        k, _, v = m.partition("=")
        k = k.strip().removesuffix(".f1").removesuffix(".accuracy")
        if k not in sp or not isinstance(sp[k], dict):
            fails.append(f"--min {m}: unknown field {k!r} (one of {', '.join(FIELDS + META)})")
            continue
        got = sp[k].get("f1", sp[k].get("accuracy"))
        if got is None or got < float(v):
            fails.append(f"{k} = {got} is below the minimum {v}")
    return fails


def format_labelled(rep: dict[str, Any]) -> str:
    lines = [f"corpus: {rep['corpus']}" + (f" (labels {rep['labels']})" if rep.get("labels") else "")]
    for name, sp in rep["splits"].items():
        lines.append(f"\n[{name}] labelled documents: {len(sp['documents'])}")
        for k in ("problems", "problems_sections", "problems_indicator", "measures", "problem_categories", "measure_categories", "links", "sections"):
            a = sp[k]
            lines.append(f"  {k:20s} P={a['precision']}  R={a['recall']}  F1={a['f1']}  (tp {a['tp']}, fp {a['fp']}, fn {a['fn']})")
        for k in ("doc_type", *META):
            a = sp[k]
            lines.append(f"  {k:20s} {a['right']}/{a['total']}  ({a['accuracy']})")
    if rep.get("misses"):
        lines.append("\nmisses per document:")
        for d in rep["misses"]:
            lines.append(f"  {d['file']}")
            for k, v in d.items():
                if k != "file":
                    lines.append(f"    {k}: {json.dumps(v, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"
