"""Document type: the title rules of :func:`meta.classify_doc_type` combined with the ``doctype``
classifier, which reads the opening and the numbered headings. The content wins over a title that
misleads (a "绩效运行监控报告" that is a year-end self-evaluation) when the classifier is sure."""

from __future__ import annotations

import re
from collections.abc import Callable

from .. import models
from ..textnorm import fold_key
from ..nlp.features import doctype_text
from .meta import classify_doc_type

__all__ = ["NAME", "VERSION", "classify"]

NAME, VERSION = "doctype", "0.1.0"


_HEADINGS = re.compile(r"(?m)^[ \t\u3000]*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])([^\n]{1,40})$")
_DEPT_HEAD = re.compile(r"^(?:部门|单位|机构)(?:[（(]单位[)）])?(?:基本)?(?:概况|情况|职能|主要职责)|^部门整体|^单位基本")
_PROJECT_HEAD = re.compile(r"^项目(?:基本)?(?:概况|情况)|^项目支出基本")


def _by_headings(text: str, typ: str) -> str:
    """The report's own headings overrule its title: a "监控报告" whose headings describe a
    self-evaluation (自评) is a self-evaluation, and the reverse; a report whose first heading
    describes a department or unit (部门概况/单位基本情况) is a department-wide one."""
    heads = [fold_key(m.group(1)) for m in _HEADINGS.finditer(text)][:30]
    if not heads:
        return typ
    fam, _, scope = typ.rpartition("_")
    if typ.startswith("monitoring_") and any("自评" in h for h in heads) and not any("监控" in h or "纠偏" in h for h in heads):
        typ = f"self_eval_{scope}"
    elif typ.startswith("self_eval_") and any("监控" in h or "纠偏" in h for h in heads) and not any("自评" in h for h in heads):
        typ = f"monitoring_{scope}"
    fam, _, scope = typ.rpartition("_")
    if scope == "project" and fam in ("monitoring", "self_eval", "target_declaration"):
        if _DEPT_HEAD.search(heads[0]) and not any(_PROJECT_HEAD.search(h) for h in heads):
            typ = f"{fam}_dept"
    return typ


# A word a document of the type cannot do without: the classifier may not pick a type whose word
# the text never uses (a bureau's "情况说明" without 决算 is no final-accounts chapter).
_ANCHORS = {
    "final_accounts_performance_chapter": re.compile(r"决算"),
    "audit_report": re.compile(r"审计"),
    "rectification_notice": re.compile(r"整改"),
    "ex_ante_assessment": re.compile(r"事前|评估"),
    "monitoring_project": re.compile(r"监控|监测|运行"),
    "monitoring_dept": re.compile(r"监控|监测|运行"),
    "target_declaration_project": re.compile(r"目标"),
    "target_declaration_dept": re.compile(r"目标"),
    "self_eval_project": re.compile(r"自评|评价"),
    "self_eval_dept": re.compile(r"自评|评价"),
    "key_evaluation_third_party": re.compile(r"评价|评估"),
    "dept_evaluation": re.compile(r"评价"),
}


def _has_anchor(label: str, key: str) -> bool:
    rx = _ANCHORS.get(label)
    return rx is None or bool(rx.search(key))


_MEETING = re.compile(r"会议|培训|召开|举办|报名|座谈|會議|培訓|舉辦")
_BROADCAST = re.compile(r"^\s*(?:[^\n]{0,60}\n\s*){0,3}各[^\n：:，。]{1,40}[：:]\s*$", re.M)


# The genre a title names by its last word. A title that ends in 通知/通报/公告/公示 is a notice (the
# bureau's circulars, a rectification notice, or a peripheral notice); one that ends in 报告/总结/
# 情况说明/自评表 is a report, never a circular. A notice's body or a report's opening quoting another
# document ("根据《关于开展…工作的通知》要求") does not change the genre the title names.
_NOTICE_END = re.compile(r"(?:通知|通知书|通报|公告|公示|结果公开|情况公开)$")
_REPORT_END = re.compile(r"(?:报告|报告书|总结|情况说明|自评表|评价表|监控表|申报表)$")
_NOTICE_TYPES = frozenset({"bureau_circular", "rectification_notice", "other"})
_QUOTED = re.compile(r"《[^》\n]{0,80}》|“[^”\n]{0,80}”")
_CHROME = re.compile(r"发布|来源|时间|浏览|打印|字体|索引号")


def title_genre(text: str) -> tuple[str, str]:
    """(title, "notice" | "report" | "") from the first lines of ``text``: the first short line
    (page chrome skipped) that ends in a genre word. When the opening lines name both genres (a
    running header "某局2023年度绩效报告" above a notice's title) the genre is left open."""
    n = 0
    found: dict[str, str] = {}
    for line in text[:1500].splitlines():
        k = fold_key(line).strip(" \t|:：")
        if not k or _CHROME.search(k[:12]):
            continue
        n += 1
        if n > 6:
            break
        if len(k) > 70:
            continue
        k = re.sub(r"[（(][^）)]{0,20}[）)]$", "", k)  # "…结果公告（第1号）"
        if _NOTICE_END.search(k):
            found.setdefault("notice", k)
        elif _REPORT_END.search(k):
            found.setdefault("report", k)
    if len(found) != 1:
        return "", ""
    genre, title = next(iter(found.items()))
    return title, genre


_DEPT_WIDE = re.compile(r"部门整体|单位整体")
_TWO_FAMILIES = (re.compile(r"监控|监测"), re.compile(r"自评"))


def _title_names_two_families(text: str) -> bool:
    """A title such as "…绩效监控及自评情况" names a monitoring and a self-evaluation at once: it
    does not decide the type, the content does."""
    for line in [ln for ln in text[:600].splitlines() if ln.strip()][:3]:
        k = fold_key(line)
        if len(k) <= 70 and all(rx.search(k) for rx in _TWO_FAMILIES):
            return True
    return False


def _title_scope(text: str, typ: str) -> str:
    """A title that says 部门整体 names a department-wide report: the classifier may not make it a
    project one (the two differ in little but scope)."""
    fam, _, scope = typ.rpartition("_")
    if scope != "project" or fam not in ("monitoring", "self_eval", "target_declaration"):
        return typ
    for line in [ln for ln in text[:600].splitlines() if ln.strip()][:3]:
        k = fold_key(line)
        if len(k) <= 70 and _DEPT_WIDE.search(k):
            return f"{fam}_dept"
    return typ


def _allowed_by_genre(label: str, genre: str, title: str) -> bool:
    if genre == "notice":
        return label in _NOTICE_TYPES and not (label == "rectification_notice" and title.endswith("通报"))
    if genre == "report":
        return label != "bureau_circular"
    return True


def classify(text: str, rule_type: str, rule_conf: float) -> tuple[str, float, str]:
    """(doc_type, confidence, how) with how in rule | classifier | both | title | headings | addressee."""
    title, genre = title_genre(text)
    if genre and (not _allowed_by_genre(rule_type, genre, title) or rule_conf <= 0.5):
        # the rule read a quotation or the wrong line: read the title line itself (quotations removed)
        rt, rc = classify_doc_type(_QUOTED.sub("", title))
        if _allowed_by_genre(rt, genre, title) and rt != "other":
            rule_type, rule_conf = rt, rc
        elif not _allowed_by_genre(rule_type, genre, title):
            rule_type, rule_conf = ("bureau_circular", 0.5) if title.endswith("通报") else ("other", 0.3)
    if rule_conf > 0.5 and rule_type.startswith(("monitoring_", "self_eval_")) and _title_names_two_families(text):
        rule_conf = 0.5
    elif not genre and rule_conf <= 0.5:
        rt, rc = classify_doc_type(_QUOTED.sub("", text[:400]))
        rule_type, rule_conf = rt, min(rc, 0.5)
    typ, conf, how = _classify(text, rule_type, rule_conf, lambda lab: _allowed_by_genre(lab, genre, title))
    if (rule_type in ("bureau_circular", "rectification_notice") and typ not in ("bureau_circular", "rectification_notice", "other")
            and _BROADCAST.match(text[:400])):
        return rule_type, max(rule_conf, 0.7), "addressee"  # "各乡镇、各部门：" opens a notice sent to many, not a report
    scoped = _title_scope(text, typ)
    if scoped != typ:
        return scoped, round(min(conf, 0.8), 3), "title"
    by_head = _by_headings(text, typ)
    if by_head != typ:
        return by_head, round(min(conf, 0.7), 3), "headings"
    return typ, conf, how


def _classify(text: str, rule_type: str, rule_conf: float, fits: Callable[[str], bool] = lambda _: True) -> tuple[str, float, str]:
    m = models.get("doctype")
    if m is None:
        return rule_type, rule_conf, "rule"
    X = m.obj["vectorizer"].transform([doctype_text(text)])
    probs = m.obj["classifier"].predict_proba(X)[0]
    labels = [str(x) for x in m.obj["labels"]]
    key = fold_key(text[:6000])
    allowed = [j for j, lab in enumerate(labels) if _has_anchor(lab, key) and fits(lab)]
    best = max(allowed or range(len(labels)), key=lambda j: probs[j])
    typ, p = labels[best], float(probs[best])
    if typ == rule_type:
        return typ, round(max(rule_conf, p, 1 - (1 - rule_conf) * (1 - p)), 3), "both"
    rule_p = float(probs[labels.index(rule_type)]) if rule_type in labels else 0.0
    if typ == "other" and rule_type != "other" and rule_conf >= 0.4:
        # "other" is the catch-all: it overrules a rule that named a type only when the model is
        # sure, and, against a title, only for a title about a meeting or a training
        if p >= 0.8 and (rule_conf <= 0.5 or _MEETING.search(text[:120])):
            return typ, round(p, 3), "classifier"
        return rule_type, round(min(rule_conf, 0.5 + rule_p), 3), "rule"
    if rule_type == "other" or rule_conf < 0.4:  # no rule fired
        second = max((float(probs[j]) for j in allowed if j != best), default=0.0)
        if p >= 0.4 or (p >= 0.3 and p >= 2 * second):  # sure, or far ahead of every other type
            return typ, round(p, 3), "classifier"
        return rule_type, rule_conf, "rule"
    if rule_conf <= 0.5:  # the rule read the opening, not a title: the content decides
        if p >= 0.35 and p > rule_p + 0.1:
            return typ, round(p, 3), "classifier"
        return rule_type, round(min(rule_conf, 0.5 + rule_p), 3), "rule"
    # a rule read the title (0.8) or the opening (0.5): keep it unless the content clearly says otherwise
    need = 0.75 if rule_conf >= 0.8 else 0.6
    if p >= need and p - rule_p >= 0.4:
        return typ, round(p, 3), "classifier"
    return rule_type, round(min(rule_conf, 0.5 + rule_p), 3), "rule"
