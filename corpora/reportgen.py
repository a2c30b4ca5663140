"""Labelled-report generator for issue #5: reports of every document type with gold problems,
measures, sections and document type (the issue #5 corpus contract).

Interfaces (stable; the NLP/classifier code depends on them)
------------------------------------------------------------
CLI::

    python corpora/reportgen.py --out DIR --split train|test [--n N] [--seed S]
                                [--formats txt,docx,pdf,xlsx]

writes ``NAME.EXT``, ``NAME.EXT.gold.json``, ``MANIFEST.tsv`` (name, doc_type, format, split) and
``split.toml`` (``train = [...]`` or ``test = [...]`` listing every file).
Same arguments -> byte-identical gold, TXT, DOCX and XLSX (zip members and core dates are frozen;
PDFs are written with reportlab's invariant mode).

Python::

    iter_documents(split: str, n: int | None = None, seed: int = 7) -> Iterator[GenDoc]

yields ``GenDoc(name, doc_type, text, gold, fmt)``: ``text`` is the plain text of the document as a
parser reads it (title, headings and paragraphs one per line, in order; a table one row per line
with cells separated by a tab; running header/footer lines where the document has them), ``gold``
the gold JSON (contract shape), ``fmt`` the format the CLI writes it in. Default ``n``: train 600,
test 120. ``write_document(doc, out_dir)`` writes one GenDoc to its file plus gold.

Wording
-------
Problems and measures are composed from a grammar (corpora/reportgen_phrases.toml): per category a
problem core, details with numbers, cause clauses (", 主要原因是…", "由于…，导致…", "受…影响，"),
lead phrases, multi-label joins (P03+P06, ...); measures from per-category cores with leads and
purposes; the section heading, the enumeration style (一是/（一）/1./1、/①/首先…其次/plain
sentences) and null statements ("无", "暂无", ...) vary. Every phrase-bank entry is tagged: a fixed
~30% of each bank (lowest salted-sha256 rank, :func:`holdout_entries`) is used only by the `test`
split, the rest only by `train`. Per-document seeds come from sha256(split, seed, index), so train
and test never share a seed.

Noise (per document, seeded): wrapped lines (TXT), running header/footer lines and page numbers,
Traditional characters (OpenCC s2t; the gold then holds the Traditional text), OCR-like character
confusions, full-width digits, stray spaces in numbers, NFKC (half-width ,:;() as in the real-dev
texts), pinyin annotations (項(xiàng)目), web-page chrome lines, GB18030 TXT. Noise is applied to
every text segment separately, so gold texts are exactly what the document shows.

Gold notes: measures also carry ``is_null_statement``; ``generator`` also holds ``split`` and
``index``; problems in 偏差原因/未完成原因/扣分原因/原因说明 cells have scope ``indicator`` and the
fix in the same cell (or the 纠偏措施 cell of the row) is a measure addressing that problem;
measures address problems only when they are paired item by item with them.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import sys
import tomllib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

GENERATOR_NAME = "reportgen"
GENERATOR_VERSION = "1"
PHRASES_PATH = Path(__file__).resolve().parent / "reportgen_phrases.toml"
HOLDOUT_SALT = "reportgen-holdout-v1"
HOLDOUT_SHARE = 0.3
SPLITS = ("train", "test")
DEFAULT_N = {"train": 600, "test": 120}
FORMATS = ("txt", "docx", "pdf", "xlsx")

DOC_TYPES = (
    "ex_ante_assessment", "target_declaration_project", "target_declaration_dept", "monitoring_project",
    "monitoring_dept", "self_eval_project", "self_eval_dept", "dept_evaluation", "key_evaluation_third_party",
    "final_accounts_performance_chapter", "bureau_summary", "bureau_circular", "rectification_notice",
    "audit_report", "other",
)
SECTION_LABELS = ("basic_info", "goals", "indicators", "evaluation", "problems", "causes", "measures", "results_use", "other")
PROBLEM_CODES = tuple(f"P{i:02d}" for i in range(1, 15))
MEASURE_CODES = tuple(f"M{i:02d}" for i in range(1, 12))
MEASURE_KINDS = ("整改措施", "改进措施", "下一步计划", "建议", "纠偏措施")
SCOPES = ("project", "department", "region_wide", "indicator")

# problem category -> the measure category that addresses it (DOMAIN §5.4)
FIX_OF = {"P01": "M01", "P02": "M02", "P03": "M03", "P04": "M04", "P05": "M05", "P06": "M06", "P07": "M07",
          "P08": "M08", "P09": "M09", "P10": "M10", "P11": "M10", "P12": "M11", "P13": "M09", "P14": "M11"}
# pairs a single sentence can really carry together
MULTI_PAIRS = (("P06", "P03"), ("P02", "P03"), ("P10", "P11"), ("P01", "P09"), ("P08", "P10"), ("P05", "P04"),
               ("P12", "P14"), ("P07", "P10"))

__all__ = [
    "DOC_TYPES", "FORMATS", "GenDoc", "SECTION_LABELS", "generate", "holdout_entries", "iter_documents",
    "load_banks", "main", "write_document",
]


# =============================================================================================
# Phrase banks and the train/test hold-out
# =============================================================================================

@lru_cache(maxsize=1)
def load_banks() -> dict[str, tuple[str, ...]]:
    """Every bank of the TOML file, keyed by its dotted path ("problem.P03.core")."""
    data = tomllib.loads(PHRASES_PATH.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, ...]] = {}

    def walk(prefix: str, node: Any) -> None:
        for k, v in node.items():
            path = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict):
                walk(path, v)
            elif isinstance(v, list):
                out[path] = tuple(v)

    walk("", data)
    return out


def _rank(bank: str, entry: str) -> str:
    return hashlib.sha256(f"{HOLDOUT_SALT}|{bank}|{entry}".encode()).hexdigest()


@lru_cache(maxsize=1)
def holdout_entries() -> dict[str, frozenset[str]]:
    """bank -> entries used only by the test split (~30%: the lowest salted-hash ranks).

    Banks with fewer than two distinct usable entries and entries shorter than two characters are
    shared by both splits.
    """
    out: dict[str, frozenset[str]] = {}
    for bank, entries in load_banks().items():
        distinct = sorted({e for e in entries if len(e) >= 2}, key=lambda e: _rank(bank, e))
        if len(distinct) < 2:
            out[bank] = frozenset()
            continue
        k = max(1, round(HOLDOUT_SHARE * len(distinct)))
        out[bank] = frozenset(distinct[:k])
    return out


@lru_cache(maxsize=2)
def _split_banks(split: str) -> dict[str, tuple[str, ...]]:
    held = holdout_entries()
    out = {}
    for bank, entries in load_banks().items():
        if split == "test":
            keep = tuple(e for e in entries if e in held[bank] or len(e) < 2)
        else:
            keep = tuple(e for e in entries if e not in held[bank])
        out[bank] = keep or entries
    return out


# =============================================================================================
# Fixed vocabularies (names, domains): shared by both splits
# =============================================================================================

_SYL1 = "青河东西南临安平宁清华兴永长新云丰溪金石龙凤白桐"
_SYL2 = "山阳江源川泉林湖城桥岭州溪水峰坪"
_REGION_SUFFIX = ("县", "区", "市", "县", "区")

# domain: department suffix, projects, activities, indicators (三级指标, unit, kind)
DOMAINS = (
    {"dept": "教育局", "projects": ["义务教育学校校舍维修改造", "学生营养改善计划", "乡村教师培训", "学前教育资助"],
     "acts": ["校舍维修", "教师培训", "营养餐供应", "助学金发放"],
     "inds": [("维修校舍面积", "平方米"), ("培训教师人次", "人次"), ("受助学生人数", "人"), ("项目验收合格率", "%")]},
    {"dept": "卫生健康局", "projects": ["基本公共卫生服务", "乡镇卫生院设备购置", "家庭医生签约服务", "重大疾病防控"],
     "acts": ["健康体检", "设备采购", "签约服务", "疫苗接种"],
     "inds": [("老年人健康体检人数", "人"), ("购置医疗设备数量", "台"), ("家庭医生签约率", "%"), ("适龄儿童接种率", "%")]},
    {"dept": "农业农村局", "projects": ["高标准农田建设", "农业技术推广", "农村人居环境整治", "耕地地力保护补贴"],
     "acts": ["农田建设", "技术培训", "垃圾清运", "补贴发放"],
     "inds": [("新建高标准农田面积", "亩"), ("技术培训人次", "人次"), ("生活垃圾清运量", "吨"), ("补贴发放准确率", "%")]},
    {"dept": "民政局", "projects": ["城乡低保", "特困人员供养", "养老服务体系建设", "社区服务设施运营"],
     "acts": ["低保金发放", "养老服务", "入户走访", "设施运营"],
     "inds": [("保障对象人数", "人"), ("养老服务站点数量", "个"), ("资金发放及时率", "%"), ("入户核查户数", "户")]},
    {"dept": "住房和城乡建设局", "projects": ["老旧小区改造", "城市道路维修", "农村危房改造", "市政设施维护"],
     "acts": ["小区改造", "道路维修", "危房改造", "路灯维护"],
     "inds": [("改造小区数量", "个"), ("维修道路长度", "公里"), ("危房改造户数", "户"), ("设施完好率", "%")]},
    {"dept": "文化和旅游局", "projects": ["公共文化服务", "文化惠民演出", "图书馆免费开放", "文物保护修缮"],
     "acts": ["送戏下乡", "图书采购", "文物修缮", "文化活动"],
     "inds": [("惠民演出场次", "场"), ("新增图书册数", "册"), ("修缮文物点数量", "处"), ("群众参与人次", "人次")]},
    {"dept": "人力资源和社会保障局", "projects": ["职业技能培训", "就业创业补贴", "公益性岗位开发", "人才引进"],
     "acts": ["技能培训", "补贴发放", "岗位开发", "人才招聘"],
     "inds": [("技能培训人数", "人"), ("新增就业人数", "人"), ("开发公益性岗位数", "个"), ("培训合格率", "%")]},
    {"dept": "水利局", "projects": ["小型水库除险加固", "农村饮水安全巩固提升", "河道清淤整治", "山洪灾害防治"],
     "acts": ["水库加固", "管网改造", "河道清淤", "监测站建设"],
     "inds": [("加固水库数量", "座"), ("改造供水管网长度", "公里"), ("清淤河道长度", "公里"), ("水质达标率", "%")]},
)
FIRMS = ("华信会计师事务所", "正衡资产评估有限公司", "中和信达税务师事务所", "明德工程咨询有限公司", "立信恒通会计师事务所")
FIRM_CODES = ("华信评字", "正衡绩评字", "中和绩字", "明德咨字", "恒通评字")


# =============================================================================================
# Document model: segments carry the gold items
# =============================================================================================

@dataclass
class Seg:
    text: str
    item: dict | None = None
    cause: bool = False


@dataclass
class Blk:
    kind: str  # title | heading | para | table | furn | sign
    segs: list[Seg] = field(default_factory=list)
    level: int = 0
    label: str | None = None
    rows: list[list[list[Seg]]] = field(default_factory=list)


@dataclass
class GenDoc:
    name: str
    doc_type: str
    text: str
    gold: dict
    fmt: str = "txt"
    blocks: list[Blk] = field(default_factory=list, repr=False)
    noise: dict = field(default_factory=dict, repr=False)
    furniture: tuple[str, str] = ("", "")


def _segs_text(segs: list[Seg]) -> str:
    return "".join(s.text for s in segs)


_CN_NUM = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def _cn(i: int) -> str:
    return _CN_NUM[i] if i < 10 else "十" + _CN_NUM[i - 10]


# =============================================================================================
# Context: one document's random state, names and slot filling
# =============================================================================================

class Ctx:
    def __init__(self, rng: random.Random, split: str, doc_type: str):
        self.rng = rng
        self.split = split
        self.doc_type = doc_type
        self.banks = _split_banks(split)
        self.year = rng.randint(2019, 2024)
        self.region = rng.choice(_SYL1) + rng.choice(_SYL2) + rng.choice(_REGION_SUFFIX)
        self.domain = rng.choice(DOMAINS)
        self.unit = self.region + self.domain["dept"]
        self.project = rng.choice(self.domain["projects"]) + rng.choice(["项目", "项目", "专项", "工程项目" if "建设" in self.domain["dept"] else "项目"])
        self.firm = rng.choice(FIRMS)
        self.scope = "project"
        self.grade = rng.choice(["优", "良", "良", "中"])
        self.score = {"优": rng.randint(90, 98), "良": rng.randint(80, 89), "中": rng.randint(62, 79)}[self.grade]
        self.problems: list[dict] = []
        self.measures: list[dict] = []
        self.cur_ind: str | None = None
        self.used: set[tuple[str, str]] = set()

    # -- banks ---------------------------------------------------------------------------------
    def bank(self, path: str) -> tuple[str, ...]:
        return self.banks[path]

    def pick(self, path: str) -> str:
        return self.rng.choice(self.banks[path])

    def pick_fresh(self, path: str) -> str:
        """An entry not yet used in this document where the bank allows (avoids repeated sentences)."""
        entries = self.banks[path]
        fresh = [e for e in entries if (path, e) not in self.used]
        e = self.rng.choice(fresh or entries)
        self.used.add((path, e))
        return e

    def fill(self, template: str) -> str:
        return template.format_map(_Slots(self))

    def phrase(self, path: str) -> str:
        return self.fill(self.pick_fresh(path))

    # -- numbers -------------------------------------------------------------------------------
    def money(self, lo: float = 5, hi: float = 3000) -> str:
        r = self.rng
        dp = r.choice([2, 2, 1, 0])
        v = Decimal(str(round(r.uniform(lo, hi), dp))) if dp else Decimal(int(r.uniform(lo, hi)))
        style = r.random()
        if style < 0.15:
            yuan = (v * 10000).quantize(Decimal("1"), ROUND_HALF_UP)
            return f"{yuan:,}元" if r.random() < 0.5 else f"{yuan}元"
        if v >= 1000 and style < 0.4:
            return f"{v:,}万元"
        return f"{v}万元"

    def pct(self, lo: float, hi: float) -> str:
        v = self.rng.uniform(lo, hi)
        return f"{v:.{self.rng.choice([0, 1, 2, 2])}f}%"

    def cn_date(self, year: int | None = None) -> str:
        y = year or self.year + 1
        return f"{y}年{self.rng.randint(1, 12)}月{self.rng.randint(1, 28)}日"


class _Slots(dict):
    def __init__(self, ctx: Ctx):
        super().__init__()
        self.ctx = ctx

    def __missing__(self, key: str) -> str:
        c, r = self.ctx, self.ctx.rng
        if key == "subj":
            return c.pick(f"problem.common.subj_{c.scope}")
        if key == "pct":
            return c.pct(80, 99.9)
        if key == "pct_low":
            return c.pct(40, 88)
        if key == "rate":
            return c.pct(90, 100)
        if key == "amt":
            return c.money()
        if key == "budget_spent":
            budget = Decimal(str(round(r.uniform(20, 2000), 2)))
            spent = (budget * Decimal(str(round(r.uniform(0.4, 0.88), 3)))).quantize(Decimal("0.01"))
            return r.choice([f"全年预算{budget}万元，实际支出{spent}万元", f"预算安排{budget}万元，仅支出{spent}万元",
                             f"年度预算{budget}万元，年末执行{spent}万元"])
        if key == "n":
            return str(r.randint(3, 15))
        if key == "cnt":
            return str(r.randint(1, 3))
        if key == "big":
            return str(r.randint(30, 6000))
        if key == "month":
            return f"{r.randint(6, 12)}月"
        if key == "q":
            return r.choice(["第四季度", "四季度", "下半年", "12月份", "年底"])
        if key == "ind":
            return c.cur_ind or r.choice(c.domain["inds"])[0]
        if key == "act":
            return r.choice(c.domain["acts"])
        if key == "yr":
            return str(c.year - r.randint(2, 6))
        if key == "nyr":
            return str(c.year + 1)
        if key == "days":
            return str(r.randint(10, 90))
        if key == "deadline":
            return f"{c.year + 1}年{r.randint(3, 12)}月底前"
        if key == "proj":
            return c.project
        if key == "unit":
            return c.unit
        if key == "staff":
            return str(r.randint(12, 420))
        if key == "reg":
            return c.region[-1]
        if key == "firm":
            return c.firm
        if key == "grade":
            return c.grade
        raise KeyError(key)


# =============================================================================================
# Problems and measures (the grammar)
# =============================================================================================

def _new_problem(ctx: Ctx, segs: list[Seg], cats: list[str], scope: str | None = None, null: bool = False) -> dict:
    item = {"kind": "problem", "categories": [] if null else cats, "scope": scope or ctx.scope, "is_null_statement": null}
    for s in segs:
        s.item = item
    ctx.problems.append(item)
    return item


def _new_measure(ctx: Ctx, segs: list[Seg], cats: list[str], kind: str, addresses: list[dict] | None = None) -> dict:
    item = {"kind": "measure", "categories": cats, "mkind": kind, "addresses": list(addresses or [])}
    for s in segs:
        s.item = item
    ctx.measures.append(item)
    return item


def _core(ctx: Ctx, cat: str, with_subj: bool = True) -> str:
    tpl = ctx.pick_fresh(f"problem.{cat}.core")
    if not with_subj:
        tpl = tpl.replace("{subj}", "")
    return ctx.fill(tpl)


def problem_segs(ctx: Ctx, cat: str, *, title: bool = False, allow_multi: bool = True, with_subj: bool = True) -> tuple[list[Seg], list[str]]:
    """Segments of one problem statement (without list marker or final punctuation) and its codes."""
    r = ctx.rng
    cats = [cat]
    segs: list[Seg] = []
    if title:
        segs.append(Seg(ctx.pick(f"problem.{cat}.title") + "。" + r.choice(["", "", "具体表现为：", "主要表现在："])))
    form = r.random()
    core = _core(ctx, cat, with_subj)
    if allow_multi and r.random() < 0.18:
        pair = [p for p in MULTI_PAIRS if cat in p]
        if pair:
            other = [c for c in r.choice(pair) if c != cat][0]
            core = core + ctx.pick("problem.common.multi_join") + _core(ctx, other, with_subj=False)
            cats = [cat, other]
    if form < 0.22:
        segs.append(Seg(core + "，"))
        segs.append(Seg(ctx.pick("problem.common.cause_lead") + ctx.phrase(f"problem.{cat}.cause"), cause=True))
    elif form < 0.34:
        segs.append(Seg("由于" + ctx.phrase(f"problem.{cat}.cause"), cause=True))
        segs.append(Seg("，" + ctx.pick("problem.common.result_verb") + core.lstrip("，")))
    elif form < 0.46:
        segs.append(Seg("受" + ctx.phrase(f"problem.{cat}.infl") + "影响", cause=True))
        segs.append(Seg("，" + core))
    elif form < 0.62:
        segs.append(Seg(core + "，" + ctx.phrase(f"problem.{cat}.detail")))
    else:
        segs.append(Seg(core))
    return segs, cats


def measure_segs(ctx: Ctx, cat: str, lead: str = "") -> tuple[list[Seg], list[str]]:
    """Segments of one measure (lead + core [+ purpose] [+ a second measure]) and its codes."""
    r = ctx.rng
    text = lead + ctx.phrase(f"measure.{cat}.core")  # fresh: no two identical measures in a document
    if r.random() < 0.55:
        text += ctx.pick("measure.common.purpose_join") + ctx.phrase(f"measure.{cat}.purpose")
    if r.random() < 0.12:  # a second measure category in the same sentence
        other = r.choice([m for m in MEASURE_CODES if m != cat])
        text += r.choice(["，同时", "，并", "，同步"]) + ctx.phrase(f"measure.{other}.core")
        return [Seg(text)], [cat, other]
    return [Seg(text)], [cat]


def _pick_categories(ctx: Ctx, k: int, pool: tuple[str, ...] | None = None) -> list[str]:
    pool = pool or (PROBLEM_CODES if ctx.scope in ("department", "region_wide") else PROBLEM_CODES[:12])
    weights = [3 if c in ("P03", "P06", "P01", "P10", "P11") else 1 for c in pool]
    out: list[str] = []
    while len(out) < k:
        c = ctx.rng.choices(pool, weights)[0]
        if c not in out or len(out) >= len(pool):
            out.append(c)
    return out


def enumerate_items(ctx: Ctx, items: list[list[Seg]], style: str, intro: str = "") -> list[list[Seg]]:
    """Lay items out as paragraphs in an enumeration style; returns paragraphs (lists of segments)."""
    r = ctx.rng
    n = len(items)
    if style == "yishi":
        para: list[Seg] = [Seg(intro)] if intro else []
        for i, it in enumerate(items):
            para.append(Seg(f"{_cn(i)}是"))
            para.extend(it)
            para.append(Seg("。" if i == n - 1 else r.choice(["；", "；", "。"])))
        return [para]
    if style == "shouxian" and n <= 4:
        para = [Seg(intro)] if intro else []
        order = ["首先，", "其次，", "再次，", "最后，"] if n > 2 else ["首先，", "其次，"]
        if n == 3:
            order = ["首先，", "其次，", "最后，"]
        for i, it in enumerate(items):
            para.append(Seg(order[i] if i < len(order) else "此外，"))
            para.extend(it)
            para.append(Seg("。"))
        return [para]
    if style == "plain":
        para = [Seg(intro)] if intro else []
        for it in items:
            para.extend(it)
            para.append(Seg("。"))
        return [para]
    out: list[list[Seg]] = [[Seg(intro)]] if intro else []
    for i, it in enumerate(items):
        marker = {"paren": f"（{_cn(i)}）", "num_dot": f"{i + 1}.", "num_comma": f"{i + 1}、", "circled": _CIRCLED[i % 10]}.get(style, f"{i + 1}.")
        out.append([Seg(marker)] + it + [Seg(r.choice(["。", "。", "；"]) if style != "paren" else "。")])
    return out


ENUM_STYLES = ("yishi", "paren", "num_dot", "num_comma", "circled", "shouxian", "plain")


def make_problems(ctx: Ctx, k: int, cats: list[str] | None = None, scope: str | None = None) -> list[tuple[list[Seg], dict]]:
    out = []
    for cat in cats or _pick_categories(ctx, k):
        segs, codes = problem_segs(ctx, cat)
        out.append((segs, _new_problem(ctx, segs, codes, scope)))
    return out


def null_problem(ctx: Ctx) -> list[Seg]:
    segs = [Seg(ctx.pick("null.problems"))]
    _new_problem(ctx, segs, [], null=True)
    return segs


def null_measure(ctx: Ctx, kind: str) -> list[Seg]:
    segs = [Seg(ctx.pick("null.measures"))]
    item = _new_measure(ctx, segs, [], kind)
    item["null"] = True
    return segs


# =============================================================================================
# Document builder
# =============================================================================================

HEADING_KIND = {  # heading words -> measure kind
    "整改": "整改措施", "建议": "建议", "下一步工作": "下一步计划", "工作计划": "下一步计划", "纠偏": "纠偏措施",
    "工作安排": "下一步计划", "改进": "改进措施", "要求": "整改措施",
}


def kind_for_heading(heading: str, default: str = "改进措施") -> str:
    for k, v in HEADING_KIND.items():
        if k in heading:
            return v
    return default


class DocBuilder:
    def __init__(self, ctx: Ctx):
        self.ctx = ctx
        self.blocks: list[Blk] = []
        self.n1 = 0
        self.n2 = 0

    def title(self, text: str) -> None:
        self.blocks.append(Blk("title", [Seg(text)]))

    def line(self, text: str) -> None:
        self.blocks.append(Blk("para", [Seg(text)]))

    def h1(self, text: str, label: str) -> str:
        heading = f"{_cn(self.n1)}、{text}"
        self.n1 += 1
        self.n2 = 0
        self.blocks.append(Blk("heading", [Seg(heading)], level=1, label=label))
        return heading

    def h2(self, text: str, label: str) -> str:
        heading = f"（{_cn(self.n2)}）{text}"
        self.n2 += 1
        self.blocks.append(Blk("heading", [Seg(heading)], level=2, label=label))
        return heading

    def para(self, segs: list[Seg]) -> None:
        if segs:
            self.blocks.append(Blk("para", segs))

    def others(self, *banks: str, k: int = 2) -> None:
        """One paragraph of k 'other' sentences drawn from the given banks."""
        sents: list[str] = []
        for _ in range(k * 3):
            s = self.ctx.phrase(f"other.{self.ctx.rng.choice(banks)}") + "。"
            if s not in sents:
                sents.append(s)
            if len(sents) == k:
                break
        self.para([Seg("".join(sents))])

    def table(self, rows: list[list[list[Seg] | str]]) -> None:
        norm = [[c if isinstance(c, list) else [Seg(c)] for c in row] for row in rows]
        self.blocks.append(Blk("table", rows=norm))

    def sign(self, *lines: str) -> None:
        for ln in lines:
            self.blocks.append(Blk("sign", [Seg(ln)]))


# -- section contents ---------------------------------------------------------------------------

def funds_numbers(ctx: Ctx) -> dict[str, Decimal]:
    r = ctx.rng
    initial = Decimal(str(round(r.uniform(20, 2500), 2)))
    full = initial + Decimal(str(round(r.uniform(-0.1, 0.15) * float(initial), 2)))
    rate = Decimal(str(round(r.choice([r.uniform(0.6, 0.9), r.uniform(0.9, 1.0), 1.0]), 4)))
    executed = (full * rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return {"initial": initial, "full": full, "executed": executed}


def _rate(a: Decimal, b: Decimal) -> str:
    return f"{(a / b * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%" if b else "—"


def funds_paragraph(ctx: Ctx, f: dict[str, Decimal]) -> list[Seg]:
    r = ctx.rng
    forms = [
        f"{ctx.year}年项目年初预算数为{f['initial']}万元，全年预算数为{f['full']}万元，全年执行数为{f['executed']}万元，预算执行率为{_rate(f['executed'], f['full'])}。",
        f"本年度共安排资金{f['full']}万元，截至{ctx.year}年12月31日实际支出{f['executed']}万元，执行率{_rate(f['executed'], f['full'])}。",
        f"项目全年预算{f['full']}万元（其中年初预算{f['initial']}万元），已支付{f['executed']}万元。",
    ]
    return [Seg(r.choice(forms))]


def funds_table(ctx: Ctx, f: dict[str, Decimal]) -> list[list[str]]:
    rows = [["资金来源", "年初预算数", "全年预算数", "全年执行数", "执行率"],
            ["年度资金总额", str(f["initial"]), str(f["full"]), str(f["executed"]), _rate(f["executed"], f["full"])],
            ["其中：当年财政拨款", str(f["initial"]), str(f["full"]), str(f["executed"]), _rate(f["executed"], f["full"])],
            ["上年结转资金", "0.00", "0.00", "0.00", "—"]]
    return rows


def indicator_rows(ctx: Ctx, k: int, monitoring: bool = False, dev_col: bool = True, period: str = "1-7月") -> tuple[list[str], list[list[Any]]]:
    """Indicator table rows; deviation/cause cells hold gold items (scope indicator)."""
    r = ctx.rng
    inds = list(ctx.domain["inds"])
    r.shuffle(inds)
    groups = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("效益指标", "社会效益指标"),
              ("满意度指标", "服务对象满意度指标"), ("产出指标", "成本指标"), ("效益指标", "可持续影响指标")]
    rows = []
    weights = [90 // k] * k
    weights[0] += 90 - sum(weights)
    null_fill = r.random() < 0.12
    fail_rows = set(r.sample(range(k), r.choice([0, 1, 1, 2, 2, 3]) if k > 3 else 1))
    if monitoring:
        header = ["一级指标", "二级指标", "三级指标", "年度指标值", f"{period}执行情况", "全年预计完成情况", "完成目标可能性", "原因说明", "纠偏措施"]
    else:
        dev_header = r.choice(["偏差原因分析及改进措施"] * 3 + ["未完成原因分析", "偏差原因分析", "原因说明"])
        header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"] + ([dev_header] if dev_col else [])
    counts = [x for x in inds if x[1] != "%"]
    rates = [x for x in inds if x[1] == "%"]
    small_units = ("座", "台", "个", "处", "场", "所", "辆")
    for i in range(k):
        l1, l2 = groups[i % len(groups)]
        fail = i in fail_rows
        if l2 == "时效指标":
            name, unit, target, actual = r.choice([("项目完成及时率", "%", "100%", "100%"), ("完成时间", "", f"{ctx.year}年12月底前", "按期完成")])
        elif l2 == "服务对象满意度指标":
            name, unit, target, actual = r.choice(["服务对象满意度", "群众满意度", "受益对象满意度"]), "%", "≥90%", f"{r.randint(90, 99)}%"
        elif l2 == "成本指标":
            name, unit = "项目总成本", "万元"
            target, actual = f"≤{r.randint(50, 900)}万元", "控制在预算内"
        elif l2 == "可持续影响指标":
            name, unit, target, actual = r.choice([("长效管护机制建立情况", "", "逐步完善", "基本建立"), ("项目持续发挥作用年限", "年", "≥5年", "5年")])
        elif l2 == "社会效益指标":
            name, unit, target, actual = r.choice([("群众生产生活条件改善情况", "", "有所改善", "明显改善"), ("服务保障能力提升情况", "", "有所提升", "达到预期"),
                                                   ("社会知晓度", "%", "≥80%", f"{r.randint(80, 95)}%")])
        else:
            pool = (rates if l2 == "质量指标" else counts) or inds
            name, unit = pool[i % len(pool)]
            t = (r.randint(2, 60) if unit in small_units else r.randint(20, 3000)) if unit != "%" else r.randint(85, 100)
            target = f"≥{t}{unit}"
            actual = f"{t + r.randint(0, max(1, t // 10))}{unit}" if unit != "%" else f"{min(100, t + r.randint(0, 10))}%"
        if fail and any(ch.isdigit() for ch in target) and l2 not in ("成本指标", "时效指标"):
            digits = int("".join(ch for ch in target if ch.isdigit()))
            actual = f"{max(1, digits * r.randint(50, 90) // 100)}{unit}"
        if fail and l2 == "时效指标":
            actual = r.choice(["未按期完成", f"{r.randint(60, 95)}%", "延期完成"])
        elif fail and not any(ch.isdigit() for ch in target):
            actual = r.choice(["部分达到", "未完全达到", "基本完成"])
        row: list[Any] = [l1, l2, name, target]
        cause_cell: list[Seg] | str = ""
        fix_cell: list[Seg] | str = ""
        ctx.cur_ind = name
        if fail:
            cat = ("P08" if "满意" in name else r.choice(["P07", "P07", "P10"]) if l1 == "效益指标"
                   else r.choice(["P06", "P06", "P06", "P03"]))
            psegs, codes = problem_segs(ctx, cat, allow_multi=False, with_subj=False)
            p = _new_problem(ctx, psegs, codes, scope="indicator")
            mkind = "纠偏措施" if monitoring else "改进措施"
            msegs, mcodes = measure_segs(ctx, FIX_OF[cat], lead=r.choice(["下一步将", "", "今后将"]))
            _new_measure(ctx, msegs, mcodes, mkind, [p])
            if monitoring:
                cause_cell, fix_cell = psegs, msegs
            elif dev_header != "偏差原因分析及改进措施" and r.random() < 0.6:  # the cause only (its measure is not written)
                cause_cell = psegs + [Seg(r.choice(["。", ""]))]
            else:
                pre = r.choice([("", "；"), ("原因：", "。措施："), ("偏差原因：", "；改进措施："), ("", "。")])
                cause_cell = [Seg(pre[0])] + psegs + [Seg(pre[1])] + msegs + [Seg("。")]
        elif null_fill:
            segs = [Seg(r.choice(["无", "无偏差"]))]
            _new_problem(ctx, segs, [], scope="indicator", null=True)
            cause_cell = segs
        if monitoring:
            likely = r.choice(["有可能", "不可能"]) if fail else "确定能"
            row += [f"已完成{r.randint(40, 70)}%", "预计完成" if not fail else "预计难以全部完成", likely, cause_cell, fix_cell]
        else:
            w = weights[i]
            s = w if not fail else max(0, w - r.randint(1, max(1, w // 2)))
            row += [actual, str(w), str(s)] + ([cause_cell] if dev_col else [])
        rows.append(row)
    return header, rows


# T5 framework rows: 一级, 二级, 三级, 分值, the problem category a deduction there means
T5_ROWS = (
    ("决策", "项目立项", "立项依据充分性", 4, "P05"), ("决策", "绩效目标", "绩效目标合理性", 4, "P01"),
    ("决策", "绩效目标", "绩效指标明确性", 4, "P01"), ("决策", "资金投入", "预算编制科学性", 4, "P02"),
    ("过程", "资金管理", "资金到位率", 4, "P03"), ("过程", "资金管理", "预算执行率", 5, "P03"),
    ("过程", "资金管理", "资金使用合规性", 5, "P04"), ("过程", "组织实施", "管理制度健全性", 4, "P05"),
    ("过程", "组织实施", "制度执行有效性", 5, "P11"), ("产出", "产出数量", "实际完成率", 10, "P06"),
    ("产出", "产出时效", "完成及时性", 10, "P06"), ("效益", "项目效益", "社会效益", 10, "P07"),
    ("效益", "项目效益", "可持续影响", 10, "P07"), ("效益", "项目效益", "服务对象满意度", 10, "P08"),
)


def scoring_table(ctx: Ctx) -> list[list[Any]]:
    """A 评分表 (T5) whose 扣分原因 cells state problems (scope indicator)."""
    r = ctx.rng
    rows: list[list[Any]] = [["一级指标", "二级指标", "三级指标", "分值", "得分", r.choice(["扣分原因", "评价说明", "扣分原因说明"])]]
    chosen = sorted(r.sample(range(len(T5_ROWS)), r.randint(6, 10)))
    deduct = set(r.sample(chosen, r.randint(1, 3)))
    for i in chosen:
        l1, l2, l3, w, cat = T5_ROWS[i]
        if i in deduct:
            psegs, codes = problem_segs(ctx, cat, allow_multi=False, with_subj=False)
            _new_problem(ctx, psegs, codes, scope="indicator")
            rows.append([l1, l2, l3, str(w), str(w - r.randint(1, max(1, w // 2))), psegs + [Seg(r.choice(["", "。"]))]])
        else:
            rows.append([l1, l2, l3, str(w), str(w), r.choice(["", "", "/", "无扣分"])])
    return rows


def problems_section(ctx: Ctx, b: DocBuilder, *, k: tuple[int, int] = (2, 5), null_p: float = 0.12, heading: str | None = None,
                     level: int = 1, cats: list[str] | None = None) -> list[dict]:
    r = ctx.rng
    h = heading or ctx.pick("heading.problems")
    (b.h1 if level == 1 else b.h2)(h, "problems")
    if r.random() < null_p:
        b.para(null_problem(ctx) + [Seg("。")])
        return []
    n = r.randint(*k) if cats is None else len(cats)
    cats = cats or _pick_categories(ctx, n)
    style = r.choice(ENUM_STYLES)
    items = []
    made = []
    for cat in cats:
        segs, codes = problem_segs(ctx, cat, title=(style == "paren" and r.random() < 0.5))
        made.append(_new_problem(ctx, segs, codes))
        items.append(segs)
    intros = [x for x in ctx.bank(f"problem.common.intro_{ctx.scope}") if "自评" not in x or ctx.doc_type.startswith("self_eval")]
    intro = r.choice(["", "", ctx.fill(r.choice(intros or [""])), ctx.pick("problem.common.lead_in") if ctx.doc_type.startswith("self_eval") else ""])
    if intro.endswith("，") and style not in ("yishi", "plain", "shouxian"):  # "从评价情况看，一是…" reads fine
        intro = intro[:-1] + "："
    for para in enumerate_items(ctx, items, style, intro):
        b.para(para)
    return made


def measures_section(ctx: Ctx, b: DocBuilder, problems: list[dict], *, heading: str | None = None, level: int = 1,
                     null_p: float = 0.08, lead_bank: str = "measure.common.lead_plan", k: tuple[int, int] = (2, 5)) -> None:
    r = ctx.rng
    h = heading or ctx.pick("heading.measures")
    (b.h1 if level == 1 else b.h2)(h, "measures")
    kind = kind_for_heading(h, "改进措施")
    if kind == "建议":
        lead_bank = "measure.common.lead_suggest"
    if not problems and r.random() < 0.5 or r.random() < null_p:
        b.para(null_measure(ctx, kind) + [Seg("。")])
        return
    paired = bool(problems) and r.random() < 0.6
    if paired:
        plan = [(FIX_OF[p["categories"][0]], [p]) for p in problems]
    else:  # measures in their own order and number: topics may overlap, the text links nothing
        n = r.randint(*k)
        fixes = list(dict.fromkeys(FIX_OF[p["categories"][0]] for p in problems))
        r.shuffle(fixes)
        extra = [c for c in r.sample(MEASURE_CODES, len(MEASURE_CODES)) if c not in fixes]
        plan = [(c, []) for c in (fixes[: max(1, n - 1)] + extra)[:n]]
        if len(plan) == len(problems) and [c for c, _ in plan] == [FIX_OF[p["categories"][0]] for p in problems]:
            plan = plan[::-1] if len(plan) > 1 else plan + [(extra[0], [])]
    style = r.choice(ENUM_STYLES)
    enumerated = style in ("yishi", "shouxian")
    intro = ""
    if enumerated:
        # "针对上述问题" links measures to problems: used only when they are paired
        intros = [x for x in ctx.bank("measure.common.intro" if kind != "建议" else "measure.common.intro_suggest") if paired or "针对" not in x]
        intro = r.choice(intros or [""]) if kind != "建议" or r.random() < 0.6 else "建议："
    items = []
    titled = style == "paren" and r.random() < 0.5
    for cat, addr in plan:
        lead = "" if enumerated else (ctx.pick(lead_bank) if kind != "建议" else "建议")
        if titled:
            lead = ctx.pick(f"measure.{cat}.title") + "。" + lead
        segs, codes = measure_segs(ctx, cat, lead)
        _new_measure(ctx, segs, codes, kind, addr)
        items.append(segs)
    for para in enumerate_items(ctx, items, style if not (paired and style == "plain") else "num_dot", intro):
        b.para(para)


def conclusion_para(ctx: Ctx, b: DocBuilder, hidden_p: float = 0.45) -> None:
    r = ctx.rng
    what = ctx.project if ctx.scope == "project" else f"{ctx.unit}部门整体支出"
    first = r.choice([
        f"经综合评价，{what}{ctx.year}年度绩效自评得分为{ctx.score}分，评价等级为“{ctx.grade}”。",
        f"根据评价指标体系综合评分，{'该项目' if ctx.scope == 'project' else '部门整体支出绩效'}最终得分{ctx.score}分，绩效等级为{ctx.grade}。",
        f"本次评价综合得分{ctx.score}分，等级“{ctx.grade}”。",
        f"{ctx.year}年度{what}绩效评价结果为“{ctx.grade}”，得分{ctx.score}分。",
    ])
    segs = [Seg(first)]
    if r.random() < hidden_p:
        pre = ctx.phrase("problem.common.conclusion_pre")
        cat = r.choice(["P03", "P06", "P07", "P10", "P11", "P01", "P05"])
        psegs, codes = problem_segs(ctx, cat, allow_multi=False, with_subj=False)
        if pre.endswith("但是"):
            psegs[0].text = psegs[0].text.lstrip("，")
        _new_problem(ctx, psegs, codes)
        segs += [Seg(pre)] + psegs + [Seg(ctx.pick("problem.common.conclusion_post") + "。")]
    else:
        segs.append(Seg(ctx.phrase("other.achievement") + "。"))
    b.para(segs)


# =============================================================================================
# Document types
# =============================================================================================

def cover(ctx: Ctx, b: DocBuilder, p: float = 0.35) -> None:
    """Cover lines (评价类型 / 实施单位 / 报告日期) on some reports."""
    r = ctx.rng
    if r.random() < p:
        b.line(ctx.pick("other.cover_type"))
        b.line(f"{r.choice(['实施单位', '报送单位', '填报单位'])}：{ctx.unit}")
        b.line(f"报告日期：{ctx.cn_date()}")


def _furniture(ctx: Ctx, title: str) -> str:
    return ctx.rng.choice([title[:30], ctx.unit, f"{ctx.unit}{ctx.year}年度绩效报告"])


def build_self_eval_project(ctx: Ctx, b: DocBuilder, table_form: bool) -> str:
    r = ctx.rng
    if table_form:
        return _build_t1_form(ctx, b)
    confuser = r.random() < 0.15
    title = (f"{ctx.project}{ctx.year}年度绩效运行监控报告" if confuser else
             r.choice([f"{ctx.year}年度{ctx.project}支出绩效自评报告", f"{ctx.project}绩效自评报告", f"{ctx.unit}{ctx.year}年{ctx.project}绩效自评报告"]))
    b.title(title)
    cover(ctx, b)
    f = funds_numbers(ctx)
    b.h1(ctx.pick("heading.basic_project"), "basic_info")
    if r.random() < 0.6:
        b.h2(ctx.pick("heading.basic_sub_overview"), "basic_info")
        b.others("background", k=2)
        b.para(funds_paragraph(ctx, f))
        b.h2(ctx.pick("heading.basic_sub_goal"), "goals")
        b.others("goal", k=1)
    else:
        b.others("background", k=3)
        b.para(funds_paragraph(ctx, f))
    b.h1(ctx.pick("heading.work"), "evaluation")
    if r.random() < 0.35:  # enumerated process steps (一是…二是…): not problems, not measures
        b.para([Seg("".join(f"{_cn(i)}是{ctx.phrase('other.process')}。" for i in range(r.randint(2, 3))))])
    else:
        b.others("process", k=r.randint(2, 3))
    b.h1(ctx.pick("heading.conclusion"), "evaluation")
    conclusion_para(ctx, b)
    b.h1(ctx.pick("heading.indicators"), "indicators")
    b.others("achievement", k=2)
    if r.random() < 0.3:  # a problem hidden after 但 in the analysis
        cat = r.choice(["P06", "P06", "P03", "P07"])
        psegs, codes = problem_segs(ctx, cat, allow_multi=False, with_subj=False)
        _new_problem(ctx, psegs, codes)
        b.para([Seg(ctx.phrase("other.hidden_pre"))] + psegs + [Seg("。")])
    if r.random() < 0.4 and confuser is False:
        b.table(funds_table(ctx, f))
    header, rows = indicator_rows(ctx, r.randint(4, 8))
    ctx.cur_ind = None
    b.table([header] + rows)
    ps = problems_section(ctx, b)
    measures_section(ctx, b, ps)
    if r.random() < 0.7:
        b.h1(ctx.pick("heading.results_use"), "results_use")
        b.others("results_use", k=1)
    if r.random() < 0.5:
        b.h1(ctx.pick("heading.other"), "other")
        b.line(ctx.pick("other.no_other"))
    b.sign(ctx.unit, ctx.cn_date())
    return title


def _build_t1_form(ctx: Ctx, b: DocBuilder, dept: bool = False) -> str:
    """Self-evaluation table (T1, or T3 for a department) with deviation column and boxed
    评价结论/存在问题/改进措施 cells."""
    r = ctx.rng
    title = f"{'部门整体支出' if dept else '项目支出'}绩效自评表（{ctx.year}年度）"
    b.title(title)
    b.line(f"填报单位：{ctx.unit}    单位：万元")
    f = funds_numbers(ctx)
    if dept:
        basic = (f["full"] * Decimal("0.6")).quantize(Decimal("0.01"))
        b.table([["部门名称", ctx.unit], ["人员编制", str(r.randint(20, 400))]] + funds_table(ctx, f)[:2]
                + [["按支出性质分：基本支出", str(basic), str(basic), str(basic), "100.00%"]])
    else:
        b.table([["项目名称", ctx.project], ["主管部门", ctx.unit], ["实施单位", ctx.unit]] + funds_table(ctx, f))
    header, rows = indicator_rows(ctx, r.randint(4, 8))
    b.table([header] + rows + [["总分", "", "", "", "", "100", str(ctx.score)] + ([""] if len(header) > 7 else [])])
    concl_blk = DocBuilder(ctx)
    conclusion_para(ctx, concl_blk, hidden_p=0.5)
    prob_cell: list[Seg]
    made: list[dict] = []
    if r.random() < 0.2:
        prob_cell = null_problem(ctx)
    else:
        items = []
        for cat in _pick_categories(ctx, r.randint(1, 3)):
            segs, codes = problem_segs(ctx, cat)
            made.append(_new_problem(ctx, segs, codes))
            items.append(segs)
        prob_cell = [s for p in enumerate_items(ctx, items, r.choice(["yishi", "plain", "num_dot"])) for s in p]
    if not made and r.random() < 0.6:
        meas_cell = null_measure(ctx, "改进措施")
    else:
        items = []
        for p in made or [None]:
            cat = FIX_OF[p["categories"][0]] if p else r.choice(MEASURE_CODES)
            segs, codes = measure_segs(ctx, cat)
            _new_measure(ctx, segs, codes, "改进措施", [p] if p and len(made) > 0 else [])
            items.append(segs)
        meas_cell = [s for p in enumerate_items(ctx, items, r.choice(["yishi", "plain", "num_dot"])) for s in p]
    b.table([["评价结论", concl_blk.blocks[0].segs], ["存在问题", prob_cell], ["改进措施", meas_cell]])
    b.sign(f"项目负责人：{r.choice('张王李赵刘陈杨黄')}{r.choice('明华军丽强敏伟芳')}    财务负责人：{r.choice('周吴徐孙胡朱高林')}{r.choice('平静勇霞涛艳')}")
    return title


def build_self_eval_dept(ctx: Ctx, b: DocBuilder, table_form: bool) -> str:
    r = ctx.rng
    ctx.scope = "department"
    if table_form:
        return _build_t1_form(ctx, b, dept=True)
    title = r.choice([f"{ctx.unit}{ctx.year}年度部门整体支出绩效自评报告", f"{ctx.unit}部门整体支出绩效自评报告（{ctx.year}年度）",
                      f"{ctx.unit}{ctx.year}年度部门整体支出绩效评价报告", f"{ctx.year}年度{ctx.unit}部门整体支出绩效评价自评报告"])
    b.title(title)
    cover(ctx, b)
    f = funds_numbers(ctx)
    b.h1(ctx.pick("heading.basic_dept"), "basic_info")
    b.others("background_dept", k=2)
    b.h1(ctx.pick("heading.funds_dept"), "basic_info")
    b.para([Seg(f"{ctx.year}年度部门收入合计{ctx.money(500, 9000)}，支出合计{ctx.money(500, 9000)}，其中基本支出{ctx.money(100, 3000)}，项目支出{ctx.money(100, 5000)}。")])
    b.h1(r.choice(["部门整体支出绩效情况", "部门整体绩效实现情况", "部门整体支出绩效实现情况"]), "indicators")
    b.h2(r.choice(["履职完成情况", "年度主要任务完成情况"]), "indicators")
    b.others("achievement", k=3)
    if table_form or r.random() < 0.5:
        header, rows = indicator_rows(ctx, r.randint(4, 7))
        b.table([header] + rows)
    b.h2(r.choice(["预算管理情况", "预算、资产及绩效管理情况"]), "evaluation")
    conclusion_para(ctx, b, hidden_p=0.35)
    ps = problems_section(ctx, b, heading=r.choice(["存在的问题及原因", "存在的问题", "主要问题及原因分析"]))
    measures_section(ctx, b, ps, lead_bank="measure.common.lead_dept", heading=r.choice(["下一步改进措施", "改进措施", "下一步工作打算"]))
    b.h1(ctx.pick("heading.results_use"), "results_use")
    b.others("results_use", k=1)
    b.sign(ctx.unit, ctx.cn_date())
    return title


def build_monitoring(ctx: Ctx, b: DocBuilder, table_form: bool, dept: bool) -> str:
    r = ctx.rng
    if dept:
        ctx.scope = "department"
    period = r.choice(["1-7月", "1-6月", "1-8月"])
    who = ctx.unit + ("部门整体支出" if dept else ctx.project)
    if table_form:
        title = f"{'部门整体支出' if dept else '项目支出'}绩效运行监控表（{ctx.year}年{period}）"
        b.title(title)
        b.line(f"{'部门' if dept else '项目'}名称：{ctx.unit if dept else ctx.project}    单位：万元")
        f = funds_numbers(ctx)
        b.table([["资金来源", "年初预算数", "全年预算数", f"{period}执行数", "执行率", "全年预计执行数"],
                 ["年度资金总额", str(f["initial"]), str(f["full"]), str((f["executed"] * Decimal("0.55")).quantize(Decimal("0.01"))), ctx.pct(30, 70), str(f["executed"])]])
    else:
        title = r.choice([f"{who}{ctx.year}年{period}绩效运行监控报告", f"关于{who}绩效运行监控情况的报告", f"{who}绩效监控报告（{ctx.year}年{period}）"])
        b.title(title)
        b.h1(r.choice(["项目支出基本情况", "基本情况", "资金安排及使用情况"]) if not dept else "部门预算基本情况", "basic_info")
        b.others("background_dept" if dept else "background", k=2)
        b.para([Seg(f"截至{ctx.year}年{period[2:]}底，已支出{ctx.money()}，预算执行率为{ctx.pct(30, 75)}，序时进度为{ctx.pct(50, 67)}。")])
        b.h1(r.choice(["绩效运行监控工作开展情况", "监控工作开展情况"]), "evaluation")
        b.others("process", k=2)
        b.h1(r.choice(["绩效目标完成情况", "绩效目标执行情况", "实际与目标的差异"]), "indicators")
        b.others("achievement", k=1)
    header, rows = indicator_rows(ctx, r.randint(3, 7), monitoring=True, period=period)
    b.table([header] + rows)
    if table_form:
        return title
    # standalone cause section: problems with causes
    b.h1(ctx.pick("heading.causes"), "causes")
    if r.random() < 0.12:
        b.para(null_problem(ctx) + [Seg("。")])
        made = []
    else:
        made = []
        items = []
        for cat in _pick_categories(ctx, r.randint(1, 3), ("P03", "P06", "P02", "P05", "P07")):
            segs, codes = problem_segs(ctx, cat)
            made.append(_new_problem(ctx, segs, codes))
            items.append(segs)
        for para in enumerate_items(ctx, items, r.choice(ENUM_STYLES)):
            b.para(para)
    measures_section(ctx, b, made, heading=ctx.pick("heading.corrective"), lead_bank="measure.common.lead_monitor")
    # fix kind: corrective sections give 纠偏措施 unless heading said otherwise
    if r.random() < 0.3:
        b.h1("相关建议", "measures")
        segs, codes = measure_segs(ctx, r.choice(["M02", "M03", "M06"]), "建议")
        _new_measure(ctx, segs, codes, "建议")
        b.para(segs + [Seg("。")])
    b.sign(ctx.unit, f"{ctx.year}年{r.randint(7, 9)}月{r.randint(1, 28)}日")
    return title


def build_target_declaration(ctx: Ctx, b: DocBuilder, table_form: bool, dept: bool) -> str:
    r = ctx.rng
    year = ctx.year
    if dept:
        title = f"{year}年度部门整体支出绩效目标申报表"
    else:
        title = r.choice([f"{year}年度项目支出绩效目标申报表", "项目支出绩效目标申报表", f"绩效目标申报表（{year}年）"])
    b.title(title)
    b.line(f"填报单位：{ctx.unit}    单位：万元")
    total = ctx.money(30, 900).replace("万元", "")
    if dept:
        head = [["部门名称", ctx.unit], ["年度预算", total],
                ["年度主要任务", "任务名称", "主要内容", "预算数"]]
        for a in ctx.domain["acts"][:3]:
            head.append(["", a, f"完成{a}相关工作", str(Decimal(str(round(r.uniform(10, 300), 2))))])
        b.table(head)
    else:
        b.table([["项目名称", ctx.project], ["主管部门", ctx.unit], ["实施单位", ctx.unit],
                 ["项目属性", r.choice(["新增项目□ 延续项目√", "新增项目√ 延续项目□"])],
                 ["项目期", f"{year}年1月-{year}年12月"], ["资金总额", total], ["其中：财政拨款", total]])
    b.table([["年度总体目标", ctx.phrase("other.goal") + "。"]])
    header, rows = indicator_rows(ctx, r.randint(4, 8), dev_col=False)
    b.table([["一级指标", "二级指标", "三级指标", "指标值", "备注"]] + [[x[0], x[1], x[2], x[3], ""] for x in rows])
    if r.random() < 0.5:
        b.line("填报说明：指标值应尽量量化，定性指标应明确评价标准。")
    b.sign(f"审核意见：{r.choice(['同意申报', '经审核，同意', '同意'])}", ctx.cn_date(year - 1))
    return title


def build_ex_ante(ctx: Ctx, b: DocBuilder) -> str:
    r = ctx.rng
    title = r.choice([f"关于{ctx.project}的事前绩效评估报告", f"{ctx.project}事前绩效评估报告", f"{ctx.year}年{ctx.project}事前评估报告"])
    b.title(title)
    b.h1("评估对象基本情况", "basic_info")
    b.others("background", k=3)
    b.h1("评估工作开展情况", "evaluation")
    b.others("process_eval", k=2)
    b.h1(r.choice(["综合评估情况与评估结论", "评估结论", "综合评估结论"]), "evaluation")
    dims = ["立项必要性", "投入经济性", "绩效目标合理性", "实施方案可行性", "筹资合规性"]
    b.para([Seg("评估组从" + "、".join(dims) + f"五个方面进行了评估，综合得分{ctx.score}分。")])
    verdict = r.choice(["予以支持", "部分支持", "调整后支持", "予以支持"])
    segs = [Seg(f"评估结论为“{verdict}”。")]
    if r.random() < 0.5:
        cat = r.choice(["P01", "P02", "P05"])
        psegs, codes = problem_segs(ctx, cat, allow_multi=False, with_subj=False)
        _new_problem(ctx, psegs, codes)
        segs += [Seg(r.choice(["项目立项必要性较为充分，但", "项目总体可行，但"]))] + psegs + [Seg("。")]
    b.para(segs)
    measures_section(ctx, b, [], heading=r.choice(["相关建议", "有关建议", "评估建议"]), null_p=0.0)
    b.h1("其他需要说明的问题", "other")
    b.line(ctx.pick("other.no_other"))
    b.sign(r.choice([ctx.unit, ctx.firm]), ctx.cn_date(ctx.year - 1))
    return title


def build_evaluation(ctx: Ctx, b: DocBuilder, third_party: bool) -> str:
    r = ctx.rng
    if r.random() < 0.3:
        ctx.scope = "department"
    target = ctx.project if ctx.scope == "project" else f"{ctx.unit}部门整体支出"
    if third_party:
        title = r.choice([f"{target}{ctx.year}年度财政重点绩效评价报告", f"{ctx.year}年度{target}绩效评价报告", f"{target}绩效评价报告"])
        b.title(title)
        code = FIRM_CODES[FIRMS.index(ctx.firm)]
        b.line(f"{code}〔{ctx.year + 1}〕第{r.randint(1, 200):04d}号")
        b.line(f"受{ctx.region}财政局委托，{ctx.firm}对{target}{ctx.year}年度资金使用情况开展了绩效评价。")
    else:
        title = r.choice([f"{ctx.unit}关于{ctx.year}年度{ctx.project}的绩效评价报告", f"{ctx.project}部门评价报告",
                          f"{ctx.year}年度{ctx.project}绩效评价报告"])
        b.title(title)
        b.line(r.choice([f"为加强对所属单位专项资金的管理，{ctx.unit}组织对{target}开展了部门评价。",
                         f"根据年度部门评价计划，{ctx.unit}成立评价组，对所属单位实施的{target}进行了绩效评价。"]))
    b.h1("基本情况", "basic_info")
    b.h2("项目概况" if ctx.scope == "project" else "部门概况", "basic_info")
    b.others("background" if ctx.scope == "project" else "background_dept", k=2)
    b.h2("项目绩效目标" if ctx.scope == "project" else "部门绩效目标", "goals")
    b.others("goal", k=1)
    b.h1(ctx.pick("heading.work_eval"), "evaluation")
    b.others("process_eval", k=3)
    b.h1("综合评价情况及评价结论", "evaluation")
    conclusion_para(ctx, b, hidden_p=0.5)
    b.h1("绩效评价指标分析", "indicators")
    for sub in ("决策", "过程", "产出", "效益"):
        b.h2(f"{sub}情况" if r.random() < 0.5 else f"{sub}指标分析", "indicators")
        b.others("achievement", k=1)
    if r.random() < 0.5:
        b.table(scoring_table(ctx))
    ps_heading = r.choice(["主要经验及做法、" + ctx.pick("heading.problems"), ctx.pick("heading.problems")])
    ps = problems_section(ctx, b, heading=ps_heading, k=(3, 7) if third_party else (2, 5), null_p=0.03)
    measures_section(ctx, b, ps, heading=r.choice(["有关建议", "相关建议", "意见建议"]), null_p=0.0)
    b.h1("其他需要说明的问题", "other")
    b.line(ctx.pick("other.no_other"))
    b.sign(ctx.firm if third_party else ctx.unit, ctx.cn_date())
    return title


def build_final_accounts(ctx: Ctx, b: DocBuilder) -> str:
    r = ctx.rng
    ctx.scope = "department"
    title = r.choice([f"{ctx.unit}{ctx.year}年度部门决算", f"{ctx.unit}{ctx.year}年度部门决算公开说明", f"{ctx.year}年度{ctx.unit}决算"])
    b.title(title)
    b.line("第三部分 部门决算情况说明")
    b.n1 = 6
    b.h1("政府采购支出情况说明", "other")
    b.para([Seg(f"{ctx.year}年度政府采购支出总额{ctx.money()}，其中政府采购货物支出{ctx.money()}。")])
    b.h1("国有资产占用情况", "other")
    b.para([Seg(f"截至{ctx.year}年12月31日，共有车辆{r.randint(1, 9)}辆，单价50万元以上通用设备{r.randint(0, 5)}台（套）。")])
    b.h1("预算绩效情况说明", "other")
    b.h2("预算绩效管理工作开展情况", "evaluation")
    b.others("process", "achievement", k=2)
    b.h2("项目绩效自评结果", "evaluation")
    b.para([Seg(f"我单位对{r.randint(2, 12)}个项目开展了绩效自评，涉及资金{ctx.money()}。")])
    conclusion_para(ctx, b, hidden_p=0.4)
    if r.random() < 0.7:
        ps = problems_section(ctx, b, heading=r.choice(["存在的问题", "存在问题"]), level=2, k=(1, 3), null_p=0.2)
        measures_section(ctx, b, ps, heading=r.choice(["下一步改进措施", "改进措施"]), level=2, k=(1, 3))
    return title


def build_bureau_summary(ctx: Ctx, b: DocBuilder) -> str:
    r = ctx.rng
    ctx.scope = "region_wide"
    issuer = f"{ctx.region}财政局"
    title = r.choice([f"{issuer}{ctx.year}年度预算绩效管理工作总结", f"{ctx.region}{ctx.year}年预算绩效管理工作情况说明", f"关于{ctx.year}年度全{ctx.region[-1]}预算绩效管理工作情况的报告"])
    b.title(title)
    if r.random() < 0.4:  # a summary that opens with the year's work, item by item (事前评估, 目标审核 …)
        return _bureau_summary_items(ctx, b, issuer, title)
    b.h1(r.choice(["主要工作开展情况", "工作开展情况", "基本情况"]), "basic_info")
    b.para([Seg(f"{ctx.year}年，全{ctx.region[-1]}共{r.randint(50, 300)}个预算单位开展了项目支出绩效自评，涉及项目{r.randint(200, 1500)}个、资金{ctx.money(10000, 900000)}。"
                f"{issuer}选取{r.randint(5, 20)}个项目和{r.randint(3, 12)}个部门开展财政重点评价，涉及资金{ctx.money(3000, 90000)}。")])
    if r.random() < 0.6:  # past work enumerated 一是…二是… with measure-like verbs: not measures
        work = []
        for i in range(r.randint(2, 4)):
            work.append(f"{_cn(i)}是{ctx.phrase('other.work_title')}。{ctx.phrase('other.work_detail')}。")
        for w in (work if r.random() < 0.5 else ["".join(work)]):
            b.para([Seg(w)])
    else:
        b.others("achievement", k=2)
    b.h1(r.choice(["取得的成效", "工作成效"]), "other")
    b.others("achievement", k=2)
    pool = ("P01", "P03", "P04", "P06", "P07", "P09", "P10", "P12", "P13", "P14")
    ps = problems_section(ctx, b, heading=r.choice(["存在的问题", "存在的主要问题", "当前存在的问题"]), cats=_pick_categories(ctx, r.randint(2, 5), pool), null_p=0)
    measures_section(ctx, b, ps, heading=r.choice(["下一步工作计划", "下一步工作打算", "下一步工作安排"]), lead_bank="measure.common.lead_dept", null_p=0)
    b.sign(issuer, ctx.cn_date())
    return title


def _bphrase(ctx: Ctx, path: str) -> str:
    """A bank entry with {yr} as the document's own year (a bureau writes about its year)."""
    return ctx.fill(ctx.pick_fresh(path).replace("{yr}", str(ctx.year)))


def _bureau_summary_items(ctx: Ctx, b: DocBuilder, issuer: str, title: str) -> str:
    r = ctx.rng
    b.para([Seg(_bphrase(ctx, "bureau.summary_opening") + "。")])
    items = []
    for i in range(r.randint(3, 5)):
        items.append(f"{_cn(i)}是{_bphrase(ctx, 'bureau.summary_item')}。")
    for w in (items if r.random() < 0.7 else ["".join(items)]):
        b.para([Seg(w)])
    if r.random() < 0.6:
        pool = ("P01", "P03", "P04", "P06", "P07", "P09", "P10", "P12", "P13", "P14")
        ps = problems_section(ctx, b, heading=r.choice(["存在的问题", "存在的不足", "当前存在的问题"]), cats=_pick_categories(ctx, r.randint(2, 4), pool), null_p=0)
        measures_section(ctx, b, ps, heading=r.choice(["下一步工作计划", "下一步工作打算", "下一步工作安排"]), lead_bank="measure.common.lead_dept", null_p=0)
    b.sign(issuer, ctx.cn_date())
    return title


def _circular_table(ctx: Ctx, b: DocBuilder, grade: bool = True) -> None:
    r = ctx.rng
    head = r.choice([["序号", "项目名称", "主管部门", "资金（万元）", "等级"], ["序号", "项目名称", "主管部门", "涉及资金（万元）", "评价得分", "评价等级"]])
    rows = [head]
    for i in range(r.randint(3, 6)):
        d = r.choice(DOMAINS)
        row = [str(i + 1), r.choice(d["projects"]), ctx.region + d["dept"], str(Decimal(str(round(r.uniform(10, 900), 2))))]
        if len(head) == 6:
            row.append(str(r.randint(62, 97)))
        row.append(r.choice("优良中差"))
        rows.append(row)
    b.table(rows)


def build_bureau_circular(ctx: Ctx, b: DocBuilder) -> str:
    """The finance bureau's notices and 通报 (DOMAIN §1.3(i)): evaluation or spot-check results,
    a notice issuing rules, a notice launching a round of work, a publication of results."""
    r = ctx.rng
    ctx.scope = "region_wide"
    issuer = f"{ctx.region}财政局"
    v = r.random()
    if v < 0.2:
        rules = ctx.pick("bureau.rules")
        title = f"关于印发《{ctx.region}{rules}》的通知"
        b.title(title)
        b.line(f"{ctx.region[0]}财绩〔{ctx.year}〕{r.randint(1, 30)}号")
        b.line(r.choice(["各乡镇人民政府、各预算部门：", "各预算单位：", "区直各部门、各街道办事处："]))
        b.para([Seg(f"{ctx.pick('bureau.notice_purpose')}，我局制定了《{ctx.region}{rules}》，现印发给你们，请认真贯彻执行。")])
        b.para([Seg(ctx.pick("bureau.notice_close") + "。")])
        b.line(f"附件：{ctx.region}{rules}")
        b.sign(issuer, ctx.cn_date(ctx.year))
        return title
    if v < 0.4:
        task = ctx.pick("bureau.round_task")
        title = r.choice([f"关于开展{ctx.year - 1}年度{task}工作的通知", f"关于做好{ctx.year}年{task}工作的通知"])
        b.title(title)
        b.line(r.choice(["各乡镇街道、区直各部门：", "各预算单位：", "各主管部门："]))
        b.para([Seg(f"{ctx.pick('bureau.notice_purpose')}，现就做好{task}工作通知如下。")])
        b.h1(r.choice(["工作范围", "自评范围", "实施范围"]), "other")
        b.para([Seg(f"{ctx.year - 1}年度使用财政资金的项目均应纳入{task}范围，部门整体支出同步开展。")])
        b.h1(r.choice(["时间安排", "工作步骤", "进度安排"]), "other")
        b.para([Seg(f"各单位应于{ctx.year}年{r.randint(3, 9)}月{r.randint(10, 30)}日前完成，并通过预算管理一体化系统报送相关材料。")])
        b.h1(r.choice(["工作要求", "有关要求"]), "other")
        b.para([Seg(r.choice(["各单位要高度重视，明确专人负责，按时完成各项工作。", "工作结果将作为以后年度预算安排的参考依据。"])
                    + r.choice(["对未按时报送的单位，将予以通报。", "联系人：绩效管理股。"]))])
        b.sign(issuer, ctx.cn_date(ctx.year))
        return title
    if v < 0.6:
        title = r.choice([f"{ctx.year}年度财政重点绩效评价结果公开", f"关于公开{ctx.year}年度重点绩效评价结果的公告",
                          f"{ctx.region}财政局{ctx.year}年度预算绩效评价结果公示"])
        b.title(title)
        b.para([Seg(_bphrase(ctx, "bureau.publication_lead") + "。")])
        if r.random() < 0.7:
            _circular_table(ctx, b)
        b.para([Seg(ctx.pick("bureau.publication_close") + "。")])
        if r.random() < 0.5:
            b.line(f"附件：{ctx.year}年度财政重点绩效评价报告")
        b.sign(issuer, ctx.cn_date())
        return title
    title = r.choice([f"关于{ctx.year}年度项目支出绩效自评抽查情况的通报", f"关于{ctx.year}年度财政重点绩效评价结果的通报"])
    b.title(title)
    b.line(f"{ctx.region[0]}财绩〔{ctx.year + 1}〕{r.randint(1, 40)}号")
    b.line("各预算单位：")
    b.para([Seg(f"根据预算绩效管理工作安排，我局对{r.randint(10, 60)}个项目的绩效自评情况进行了抽查复核，现将有关情况通报如下。")])
    b.h1("基本情况", "basic_info")
    b.others("process", k=1)
    b.h1(r.choice(["抽查结果", "评价结果"]), "evaluation")
    _circular_table(ctx, b)
    ps = problems_section(ctx, b, heading=r.choice(["发现的主要问题", "存在的主要问题", "发现的问题"]), null_p=0)
    measures_section(ctx, b, ps, heading=r.choice(["整改要求", "有关要求", "工作要求"]), lead_bank="measure.common.lead_circular", null_p=0)
    b.sign(issuer, ctx.cn_date())
    return title


def build_rectification(ctx: Ctx, b: DocBuilder) -> str:
    r = ctx.rng
    title = r.choice(["绩效评价整改通知书", f"关于{ctx.project}绩效评价发现问题整改的通知", "预算绩效管理整改通知"])
    b.title(title)
    b.line(f"{ctx.unit}：")
    b.para([Seg(f"根据{ctx.year}年度{ctx.project}绩效评价结果，现将评价发现的问题及整改要求通知如下。")])
    ps = problems_section(ctx, b, heading=r.choice(["存在的问题", "评价发现的问题", "主要问题"]), null_p=0)
    b.h1("整改要求", "measures")
    items = []
    style = r.choice(["yishi", "num_dot", "paren", "num_comma"])
    for p in ps:
        segs, codes = measure_segs(ctx, FIX_OF[p["categories"][0]], ctx.pick("measure.common.lead_rectify") if style != "yishi" else "")
        _new_measure(ctx, segs, codes, "整改措施", [p])
        items.append(segs)
    for para in enumerate_items(ctx, items, style):
        b.para(para)
    b.h1("其他事项", "other")
    b.para([Seg(f"请于{ctx.year + 1}年{r.randint(3, 11)}月底前将整改情况书面报送我局。")])
    b.sign(f"{ctx.region}财政局", ctx.cn_date())
    return title


def build_audit(ctx: Ctx, b: DocBuilder) -> str:
    r = ctx.rng
    ctx.scope = "department"
    issuer = f"{ctx.region}审计局"
    title = r.choice([f"关于{ctx.year}年度{ctx.region[-1]}级预算执行和其他财政收支的审计工作报告", f"{ctx.unit}{ctx.year}年度预算执行情况审计报告"])
    b.title(title)
    b.h1("基本情况", "basic_info")
    b.para([Seg(f"{ctx.year}年一般公共预算收入{ctx.money(10000, 500000)}，支出{ctx.money(10000, 800000)}。")])
    b.para([Seg(r.choice(["审计结果表明，预算执行情况总体较好。", "从审计情况看，财政管理水平进一步提升，预算执行总体平稳。", f"审计抽查了{r.randint(5, 40)}个部门和单位。"]))])
    ps = problems_section(ctx, b, heading=r.choice(["审计发现的主要问题", "审计发现的问题"]), cats=_pick_categories(ctx, r.randint(2, 5), ("P02", "P03", "P04", "P05", "P10", "P11", "P06")), null_p=0)
    measures_section(ctx, b, ps, heading="审计建议", null_p=0)
    b.sign(issuer, ctx.cn_date())
    return title


def build_other(ctx: Ctx, b: DocBuilder) -> str:
    """Peripheral documents that are not budget-performance documents: a meeting notice, a news
    item, a procurement result announcement, a unit's request. (The bureau's notices issuing
    rules or launching a round of work are bureau_circular.) Their 要求 are instructions, not
    measures against found problems."""
    r = ctx.rng
    ctx.scope = "region_wide"
    variant = r.random()
    issuer = f"{ctx.region}财政局"
    if variant < 0.25:
        news = ctx.pick("peripheral.news_title")
        title = f"{ctx.region}{news}"
        b.title(title)
        b.line(f"发布时间：{ctx.year}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}  来源：{r.choice(['办公室', '综合股', issuer])}")
        b.para([Seg(f"{ctx.year}年{r.randint(1, 12)}月{r.randint(1, 28)}日，{ctx.region}{news}。"
                    + ctx.phrase("peripheral.news_body") + "。" + ctx.phrase("peripheral.news_body") + "。")])
        if r.random() < 0.5:
            b.para([Seg(ctx.phrase("peripheral.news_body") + "。")])
        return title
    if variant < 0.45:
        what = ctx.pick("peripheral.procure_what")
        title = f"{ctx.region}{ctx.pick('peripheral.procure_item') if r.random() < 0.5 else ''}{what}采购{r.choice(['中标结果公告', '成交结果公告', '中标（成交）结果公告'])}"
        b.title(title)
        b.h1("项目编号", "other")
        b.line(f"{ctx.region[0]}CG-{ctx.year}-{r.randint(100, 999)}")
        b.h1("项目名称", "other")
        b.line(f"{ctx.region}{what}")
        b.h1(r.choice(["中标信息", "成交信息"]), "other")
        b.line(f"供应商名称：{r.choice(FIRMS)}  中标金额：{ctx.money(5, 300)}")
        b.h1("公告期限", "other")
        b.line("自本公告发布之日起1个工作日。")
        b.sign(f"采购人：{r.choice([issuer, ctx.unit])}", ctx.cn_date(ctx.year))
        return title
    if variant < 0.6:
        what = ctx.pick("peripheral.request_what")
        title = f"关于申请{what}的请示"
        b.title(title)
        b.line(f"{ctx.region}财政局：")
        b.para([Seg(ctx.pick("peripheral.request_reason") + f"。为保障工作正常开展，特申请{what}{ctx.money(5, 200)}。")])
        b.para([Seg("妥否，请批示。")])
        b.sign(ctx.unit, ctx.cn_date(ctx.year))
        return title
    topic = r.choice(["预算绩效管理业务培训会议", "绩效自评工作布置会", "财政重点评价工作推进会"])
    title = f"关于召开{ctx.year}年度{topic}的通知"
    b.title(title)
    b.line("各预算单位：")
    b.para([Seg(f"为进一步做好{ctx.year}年度预算绩效管理工作，经研究，决定召开{topic}。现将有关事项通知如下：")])
    b.h1("会议时间", "other")
    b.line(f"{ctx.year}年{r.randint(1, 12)}月{r.randint(1, 28)}日上午9:00")
    b.h1("会议地点", "other")
    b.line(f"{ctx.region}财政局{r.randint(2, 9)}楼会议室")
    b.h1("参会人员", "other")
    b.line("各预算单位分管财务工作的负责人及绩效管理工作人员各1名。")
    b.h1("有关要求", "other")
    b.para([Seg(r.choice(["请各单位高度重视，确保参会人员按时参加，会议期间不得请假。", "请参会人员提前10分钟入场，并将手机调至静音状态。"])
                + r.choice(["请于会前将参会回执报送绩效科。", "联系电话：" + "".join(str(r.randint(0, 9)) for _ in range(7)) + "。"]))])
    b.sign(f"{ctx.region}财政局", ctx.cn_date(ctx.year))
    return title


TABLE_TYPES = {"self_eval_project", "monitoring_project", "monitoring_dept", "target_declaration_project", "target_declaration_dept", "self_eval_dept"}


def _build(ctx: Ctx, b: DocBuilder, doc_type: str, table_form: bool) -> str:
    if doc_type == "self_eval_project":
        return build_self_eval_project(ctx, b, table_form)
    if doc_type == "self_eval_dept":
        return build_self_eval_dept(ctx, b, table_form)
    if doc_type in ("monitoring_project", "monitoring_dept"):
        return build_monitoring(ctx, b, table_form, doc_type == "monitoring_dept")
    if doc_type in ("target_declaration_project", "target_declaration_dept"):
        return build_target_declaration(ctx, b, table_form, doc_type == "target_declaration_dept")
    if doc_type == "ex_ante_assessment":
        return build_ex_ante(ctx, b)
    if doc_type in ("dept_evaluation", "key_evaluation_third_party"):
        return build_evaluation(ctx, b, doc_type == "key_evaluation_third_party")
    if doc_type == "final_accounts_performance_chapter":
        return build_final_accounts(ctx, b)
    if doc_type == "bureau_summary":
        return build_bureau_summary(ctx, b)
    if doc_type == "bureau_circular":
        return build_bureau_circular(ctx, b)
    if doc_type == "rectification_notice":
        return build_rectification(ctx, b)
    if doc_type == "audit_report":
        return build_audit(ctx, b)
    return build_other(ctx, b)


# =============================================================================================
# Noise: transforms applied segment by segment (so gold items stay exact)
# =============================================================================================

_OCR = {"己": "已", "已": "己", "未": "末", "人": "入", "日": "曰", "土": "士", "0": "O", "1": "l", "天": "夭", "干": "千"}
_FW = str.maketrans("0123456789", "０１２３４５６７８９")
# content-farm pages annotate characters with pinyin: 項(xiàng)目
_PINYIN = {}
for _chars, _py in (("项項", "xiàng"), ("预預", "yù"), ("数數", "shù"), ("经經", "jīng"), ("费費", "fèi"), ("执執", "zhí"),
                    ("补補", "bǔ"), ("规規", "guī"), ("实實", "shí"), ("区區", "qū"), ("卫衛", "wèi"), ("资資", "zī"),
                    ("财財", "cái"), ("绩績", "jì"), ("评評", "píng"), ("价價", "jià"), ("发發", "fā"), ("设設", "shè"),
                    ("务務", "wù"), ("标標", "biāo"), ("问問", "wèn"), ("题題", "tí"), ("进進", "jìn"), ("达達", "dá"),
                    ("报報", "bào"), ("单單", "dān"), ("织織", "zhī"), ("监監", "jiān"), ("质質", "zhì"), ("础礎", "chǔ")):
    for _ch in _chars:
        _PINYIN[_ch] = _py


@lru_cache(maxsize=1)
def _s2t() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("s2t").convert


def _transform(segs_iter: Iterator[Seg], noise: dict, rng: random.Random) -> None:
    conv = _s2t() if noise.get("trad") else None
    for s in segs_iter:
        t = s.text
        if conv and t:
            t = conv(t)
        if noise.get("ocr"):
            t = "".join(_OCR[ch] if ch in _OCR and rng.random() < 0.04 else ch for ch in t)
        if noise.get("stray"):
            out = []
            for i, ch in enumerate(t):
                out.append(ch)
                if ch.isdigit() and i + 1 < len(t) and rng.random() < 0.12 and t[i + 1] in "万元个人%.次亩户":
                    out.append(" ")
            t = "".join(out)
        if noise.get("pinyin"):
            t = "".join(f"{ch}({_PINYIN[ch]})" if ch in _PINYIN and rng.random() < 0.5 else ch for ch in t)
        if noise.get("fullwidth"):
            t = t.translate(_FW)
        if noise.get("nfkc"):  # as real web texts often are: ，：；（） -> ,:;()  (。、“” stay)
            t = unicodedata.normalize("NFKC", t)
        s.text = t


def _all_segs(blocks: list[Blk]) -> Iterator[Seg]:
    for blk in blocks:
        yield from blk.segs
        for row in blk.rows:
            for cell in row:
                yield from cell


# =============================================================================================
# Assembling one document
# =============================================================================================

def _doc_rng(split: str, seed: int, index: int) -> random.Random:
    h = hashlib.sha256(f"{GENERATOR_NAME}|{split}|{seed}|{index}".encode()).hexdigest()
    return random.Random(int(h[:16], 16))


def _choose_type(rng: random.Random, index: int) -> str:
    # cycle through all types first so every type appears, then weighted by frequency
    if index < len(DOC_TYPES):
        return DOC_TYPES[index]
    weights = {"self_eval_project": 6, "self_eval_dept": 3, "monitoring_project": 3, "key_evaluation_third_party": 2,
               "bureau_summary": 2, "bureau_circular": 2, "other": 2}
    return rng.choices(DOC_TYPES, [weights.get(t, 1) for t in DOC_TYPES])[0]


def _choose_format(rng: random.Random, doc_type: str, formats: tuple[str, ...]) -> tuple[str, bool]:
    options = list(formats)
    if "xlsx" in options and doc_type not in TABLE_TYPES:
        options.remove("xlsx")
    if not options:
        options = [f for f in formats if f != "xlsx"] or ["txt"]
    fmt = rng.choice(options)
    table_form = fmt == "xlsx" or (doc_type in ("target_declaration_project", "target_declaration_dept")) or (
        doc_type in TABLE_TYPES and rng.random() < 0.2)
    return fmt, table_form


def _finalise(ctx: Ctx, blocks: list[Blk]) -> tuple[list[dict], list[dict]]:
    """Item texts and ids in document order."""
    order: list[dict] = []
    seen: set[int] = set()
    pieces: dict[int, list[Seg]] = {}
    for s in _all_segs(blocks):
        if s.item is not None:
            if id(s.item) not in seen:
                seen.add(id(s.item))
                order.append(s.item)
            pieces.setdefault(id(s.item), []).append(s)
    problems, measures = [], []
    pid: dict[int, str] = {}
    for it in order:
        segs = pieces[id(it)]
        text = "".join(s.text for s in segs).strip()
        cause = "".join(s.text for s in segs if s.cause).strip("，, ") or None
        if it["kind"] == "problem":
            pid[id(it)] = f"p{len(problems) + 1}"
            problems.append({"id": pid[id(it)], "text": text, "cause_text": cause, "categories": list(it["categories"]),
                             "scope": it["scope"], "is_null_statement": it["is_null_statement"]})
    for it in order:
        if it["kind"] == "measure":
            segs = pieces[id(it)]
            text = "".join(s.text for s in segs).strip()
            m = {"id": f"m{len(measures) + 1}", "text": text, "categories": list(it["categories"]), "kind": it["mkind"],
                 "addresses_problem_ids": [pid[id(p)] for p in it["addresses"] if id(p) in pid]}
            m["is_null_statement"] = bool(it.get("null"))
            measures.append(m)
    return problems, measures


def _plain_text(blocks: list[Blk], furniture: tuple[str, str], every: int) -> str:
    lines: list[str] = []
    page = 1
    if furniture[0]:
        lines.append(furniture[0])
    for i, blk in enumerate(blocks):
        if blk.kind == "table":
            for row in blk.rows:
                lines.append("\t".join(_segs_text(c) for c in row))
        else:
            lines.append(_segs_text(blk.segs))
        if furniture[0] and every and (i + 1) % every == 0 and i + 1 < len(blocks):
            lines.append(furniture[1].format(page=page))
            page += 1
            lines.append(furniture[0])
    if furniture[0]:
        lines.append(furniture[1].format(page=page))
    return "\n".join(lines) + "\n"


def generate(split: str, index: int, seed: int = 7, formats: tuple[str, ...] = FORMATS, noise: dict | None = None) -> GenDoc:
    """One generated document (deterministic in split, index, seed and formats).

    `noise` overrides the seeded noise choices (keys trad, ocr, fullwidth, stray, wrap, gb18030,
    pipes, nfkc, pinyin, chrome, furniture), for tests.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    rng = _doc_rng(split, seed, index)
    doc_type = _choose_type(rng, index)
    fmt, table_form = _choose_format(rng, doc_type, formats)
    ctx = Ctx(rng, split, doc_type)
    b = DocBuilder(ctx)
    title = _build(ctx, b, doc_type, table_form)
    noise_ = {
        "trad": rng.random() < 0.1,
        "ocr": rng.random() < 0.08,
        "fullwidth": rng.random() < 0.08,
        "stray": rng.random() < 0.2,
        "wrap": fmt == "txt" and rng.random() < 0.35,
        "gb18030": fmt == "txt" and rng.random() < 0.2,
        "pipes": fmt == "txt" and rng.random() < 0.5,
        "nfkc": rng.random() < 0.35,
        "pinyin": rng.random() < 0.04,
        "chrome": fmt == "txt" and rng.random() < 0.15,
    }
    with_furniture = fmt != "xlsx" and rng.random() < 0.4
    if noise:
        with_furniture = bool(noise.get("furniture", with_furniture)) and fmt != "xlsx"
        noise_ = {k: (bool(noise[k]) if k in noise else v) for k, v in noise_.items()}
    noise_["trad"] = noise_["trad"] and fmt != "xlsx"
    noise_["fullwidth"] = noise_["fullwidth"] and not noise_["nfkc"]
    if noise_["chrome"]:  # a web page copied as text: source line, print links, index line
        chrome = [Blk("para", [Seg(f"文章来源：{ctx.region}财政局  更新时间：{ctx.year + 1}-0{rng.randint(1, 9)}-{rng.randint(10, 28)} "
                                   f"{rng.randint(8, 17)}:{rng.randint(10, 59)}  浏览数：{rng.randint(20, 900)}")]),
                  Blk("para", [Seg(rng.choice(["【打印本页】【关闭窗口】", "字体大小：大 中 小", "【我要打印】【关闭】"]))])]
        b.blocks[1:1] = chrome
    furniture = ("", "")
    if with_furniture:
        furniture = (_furniture(ctx, title), rng.choice(["第 {page} 页", "- {page} -", "{page}"]))
    _transform(_all_segs(b.blocks), noise_, rng)
    title_text = _segs_text(b.blocks[0].segs)
    problems, measures = _finalise(ctx, b.blocks)
    sections = [{"heading": _segs_text(blk.segs), "label": blk.label} for blk in b.blocks if blk.kind == "heading"]
    name = f"rg-{split}-s{seed}-{index:04d}"
    issuer = None
    if doc_type in ("bureau_summary", "bureau_circular", "rectification_notice", "other"):
        issuer = f"{ctx.region}财政局"
    elif doc_type == "audit_report":
        issuer = f"{ctx.region}审计局"
    elif doc_type == "key_evaluation_third_party":
        issuer = ctx.firm
    else:
        issuer = ctx.unit
    project_types = {"self_eval_project", "monitoring_project", "target_declaration_project", "ex_ante_assessment", "rectification_notice"}
    has_project = doc_type in project_types or (doc_type in ("dept_evaluation", "key_evaluation_third_party") and ctx.scope == "project")
    implementing = ctx.unit if doc_type not in ("bureau_summary", "bureau_circular", "other", "audit_report") else None
    fiscal_year = ctx.year
    gold = {
        "file": f"{name}.{fmt}",
        "source": "generated",
        "generator": {"name": GENERATOR_NAME, "version": GENERATOR_VERSION, "seed": seed, "split": split, "index": index},
        "records": [{
            "meta": {"doc_type": doc_type, "title": title_text, "fiscal_year": fiscal_year, "issuer": issuer,
                     "implementing_unit": implementing, "project_name": ctx.project if has_project else None},
            "sections": sections,
            "problems": problems,
            "measures": measures,
        }],
    }
    every = rng.randint(6, 12)
    text = _plain_text(b.blocks, furniture, every)
    return GenDoc(name=name, doc_type=doc_type, text=text, gold=gold, fmt=fmt, blocks=b.blocks, noise=noise_ | {"every": every},
                  furniture=furniture)


def iter_documents(split: str, n: int | None = None, seed: int = 7, formats: tuple[str, ...] = FORMATS) -> Iterator[GenDoc]:
    """Yield n generated documents of the split (default: train 600, test 120)."""
    for i in range(DEFAULT_N[split] if n is None else n):
        yield generate(split, i, seed, formats)


# =============================================================================================
# Writers
# =============================================================================================

def _wrap(line: str, width: int) -> str:
    return "\n".join(line[i:i + width] for i in range(0, len(line), width)) if len(line) > width else line


def write_txt(doc: GenDoc, path: Path) -> None:
    lines: list[str] = []
    width = 38
    fur = doc.furniture
    page = 1
    if fur[0]:
        lines.append(fur[0])
    every = doc.noise.get("every", 8)
    for i, blk in enumerate(doc.blocks):
        if blk.kind == "table":
            for row in blk.rows:
                cells = [_segs_text(c) for c in row]
                lines.append(("| " + " | ".join(c or " " for c in cells) + " |") if doc.noise.get("pipes") else "\t".join(cells))
        else:
            t = _segs_text(blk.segs)
            if doc.noise.get("wrap") and blk.kind == "para":
                t = _wrap(t, width)
            lines.append(t)
        if fur[0] and (i + 1) % every == 0 and i + 1 < len(doc.blocks):
            lines += [fur[1].format(page=page), fur[0]]
            page += 1
    if fur[0]:
        lines.append(fur[1].format(page=page))
    data = "\n".join(lines) + "\n"
    path.write_bytes(data.encode("gb18030" if doc.noise.get("gb18030") else "utf-8"))


def _freeze_date(doc: GenDoc) -> str:
    return f"{doc.gold['records'][0]['meta']['fiscal_year'] + 1}-03-01"


def write_docx(doc: GenDoc, path: Path) -> None:
    from docx import Document as new_docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt
    from samplegen import _add_page_field, _freeze_zip

    d = new_docx()
    sec = d.sections[0]
    if doc.furniture[0]:
        sec.header.paragraphs[0].text = doc.furniture[0]
        foot = sec.footer.paragraphs[0]
        foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
        before, _, after = doc.furniture[1].partition("{page}")
        foot.add_run(before)
        _add_page_field(foot)
        foot.add_run(after)
    for blk in doc.blocks:
        if blk.kind == "title":
            p = d.add_heading(_segs_text(blk.segs), level=0)
        elif blk.kind == "heading":
            d.add_heading(_segs_text(blk.segs), level=blk.level)
        elif blk.kind == "table":
            ncols = max(len(r) for r in blk.rows)
            t = d.add_table(rows=len(blk.rows), cols=ncols)
            t.style = "Table Grid"
            for ri, row in enumerate(blk.rows):
                for ci in range(ncols):
                    t.cell(ri, ci).text = _segs_text(row[ci]) if ci < len(row) else ""
        else:
            p = d.add_paragraph(_segs_text(blk.segs))
            if blk.kind == "sign":
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                p.paragraph_format.first_line_indent = Pt(24)
    d.core_properties.author = GENERATOR_NAME
    d.core_properties.title = _segs_text(doc.blocks[0].segs)
    d.save(str(path))
    _freeze_zip(path, _freeze_date(doc))


_PDF_FONT = "STSong-Light"


def write_pdf(doc: GenDoc, path: Path) -> None:
    from xml.sax.saxutils import escape

    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    rl_config.invariant = 1
    if _PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))
    body = ParagraphStyle("body", fontName=_PDF_FONT, fontSize=11, leading=17, firstLineIndent=22, wordWrap="CJK")
    sign = ParagraphStyle("sign", fontName=_PDF_FONT, fontSize=11, leading=17, alignment=2)
    title = ParagraphStyle("title", fontName=_PDF_FONT, fontSize=17, leading=26, alignment=1, wordWrap="CJK")
    h1 = ParagraphStyle("h1", fontName=_PDF_FONT, fontSize=13, leading=22, wordWrap="CJK")
    h2 = ParagraphStyle("h2", fontName=_PDF_FONT, fontSize=12, leading=20, firstLineIndent=22, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=_PDF_FONT, fontSize=8.5, leading=11, wordWrap="CJK")
    fur = doc.furniture

    def on_page(canvas, d):  # noqa: ANN001
        if not fur[0]:
            return
        canvas.saveState()
        canvas.setFont(_PDF_FONT, 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 40, fur[0])
        canvas.drawCentredString(A4[0] / 2, 30, fur[1].format(page=d.page))
        canvas.restoreState()

    story: list[Any] = []
    width = A4[0] - 144
    for blk in doc.blocks:
        t = escape(_segs_text(blk.segs))
        if blk.kind == "title":
            story += [Paragraph(t, title), Spacer(1, 10)]
        elif blk.kind == "heading":
            story.append(Paragraph(t, h1 if blk.level == 1 else h2))
        elif blk.kind == "sign":
            story.append(Paragraph(t, sign))
        elif blk.kind == "table":
            ncols = max(len(r) for r in blk.rows)
            lens = [max((len(_segs_text(r[c])) if c < len(r) else 0) for r in blk.rows) for c in range(ncols)]
            tot = sum(max(3, min(x, 40)) for x in lens)
            widths = [width * max(3, min(x, 40)) / tot for x in lens]
            data = [[Paragraph(escape(_segs_text(r[c])) if c < len(r) else "", cell) for c in range(ncols)] for r in blk.rows]
            tb = Table(data, colWidths=widths, repeatRows=1)
            tb.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
            story += [tb, Spacer(1, 8)]
        else:
            story.append(Paragraph(t, body))
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=72, rightMargin=72, topMargin=72, bottomMargin=72,
                      title=_segs_text(doc.blocks[0].segs), author=GENERATOR_NAME, creator=GENERATOR_NAME).build(
        story, onFirstPage=on_page, onLaterPages=on_page)


def write_xlsx(doc: GenDoc, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from samplegen import _freeze_zip

    wb = Workbook()
    ws = wb.active
    ws.title = "绩效表"
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ncols = max([len(r) for blk in doc.blocks for r in blk.rows] + [2])
    for i, w in enumerate([12, 14, 18, 14, 14, 12, 12, 30, 30][:ncols] + [14] * max(0, ncols - 9), start=1):
        ws.column_dimensions[chr(64 + i)].width = w
    row = 1
    for blk in doc.blocks:
        if blk.kind == "table":
            for r in blk.rows:
                width = len(r)
                for c, segs in enumerate(r):
                    cl = ws.cell(row=row, column=c + 1, value=_segs_text(segs) or None)
                    cl.border = box
                    cl.alignment = Alignment(wrap_text=True, vertical="center")
                if width < ncols and width == 2:
                    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=ncols)
                row += 1
        else:
            cl = ws.cell(row=row, column=1, value=_segs_text(blk.segs))
            if blk.kind == "title":
                cl.font = Font(bold=True, size=15)
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
                cl.alignment = Alignment(horizontal="center")
            row += 1
    wb.properties.creator = GENERATOR_NAME
    wb.properties.title = _segs_text(doc.blocks[0].segs)
    wb.save(str(path))
    _freeze_zip(path, _freeze_date(doc))


WRITERS = {"txt": write_txt, "docx": write_docx, "pdf": write_pdf, "xlsx": write_xlsx}


def write_document(doc: GenDoc, out_dir: str | Path) -> Path:
    """Write the document file and its NAME.EXT.gold.json; returns the document path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{doc.name}.{doc.fmt}"
    WRITERS[doc.fmt](doc, path)
    (out / f"{path.name}.gold.json").write_text(json.dumps(doc.gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate labelled performance reports with gold problems/measures (issue #5).")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--split", required=True, choices=SPLITS)
    ap.add_argument("--n", type=int, default=None, help="number of documents (default: train 600, test 120)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--formats", default=",".join(FORMATS), help="comma-separated subset of txt,docx,pdf,xlsx")
    args = ap.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        ap.error(f"unknown format(s) {bad}; choose from {','.join(FORMATS)}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = io.StringIO()
    manifest.write("name\tdoc_type\tformat\tsplit\n")
    names: list[str] = []
    for doc in iter_documents(args.split, args.n, args.seed, formats):
        path = write_document(doc, out)
        names.append(path.name)
        manifest.write(f"{path.name}\t{doc.doc_type}\t{doc.fmt}\t{args.split}\n")
    (out / "MANIFEST.tsv").write_text(manifest.getvalue(), encoding="utf-8")
    # the contract's split file: documents not listed count as test, so say so for both splits
    listed = ", ".join(json.dumps(n, ensure_ascii=False) for n in names)
    (out / "split.toml").write_text(f"# written by corpora/reportgen.py\n{args.split} = [{listed}]\n", encoding="utf-8")
    print(f"wrote {args.n if args.n is not None else DEFAULT_N[args.split]} documents to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
