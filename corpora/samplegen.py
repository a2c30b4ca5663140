"""Generate realistic sample 项目支出绩效自评报告 files (DOCX, PDF, DOC, XLSX, TXT) with gold specs.

A `ReportSpec` holds the facts of one project self-evaluation. The writers render it:

- `write_docx`: a Word report (title, cover line, numbered headings, indented prose, the
  项目支出绩效自评表 as a real table with merged cells, running header, footer with a PAGE field);
- `write_xlsx` / `write_xlsx_multi`: the self-evaluation table on a sheet, one or several projects;
- `write_txt`: the report as plain text, tables flattened to "a | b | c" rows the way scraped HTML
  comes out (a merged cell is written once, in its first row; the cells it covers are absent);
- `convert`: LibreOffice headless conversion (DOCX -> PDF / DOC).

All writers are deterministic for a given spec (fixed document properties and zip timestamps).
LibreOffice output (PDF, DOC) carries its own timestamps and is not byte-stable.

A `LayoutSpec` is one labelled indicator-table form (issue #4): the national T1 and its Sichuan
variant with 指标性质 | 指标值 | 度量单位, two target-declaration layouts, an in-year monitoring table
and a whole-department table. Its rows are `LabelledIndicator`s: the cells as written and, by
hand, what they normalise to. `write_layout_docx` / `write_layout_pdf` (reportlab, header rows
repeated across the page break) / `write_layout_xlsx` render it.

`main()` writes the committed samples and, next to each sample file `<name>`, `<name>.spec.json`
holding the facts that file states (decimal strings, 万元 for money).

Run: ``python corpora/samplegen.py [--out corpora/samples]``.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby
from pathlib import Path
from typing import Literal

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "BudgetLine",
    "Indicator",
    "Wording",
    "ReportSpec",
    "GridCell",
    "Block",
    "SofficeNotFound",
    "ConversionError",
    "SPECS",
    "spec_by_id",
    "consistency_errors",
    "t1_cells",
    "report_blocks",
    "page_header_text",
    "spec_facts",
    "indicator_score_sum",
    "table_lines",
    "report_text",
    "write_docx",
    "write_xlsx",
    "write_xlsx_multi",
    "write_txt",
    "convert",
    "Value",
    "Monitoring",
    "LabelledIndicator",
    "FundsLine",
    "LayoutSpec",
    "TablePart",
    "LAYOUT_SPECS",
    "layout_errors",
    "layout_form",
    "layout_facts",
    "write_layout_docx",
    "write_layout_xlsx",
    "write_layout_pdf",
    "main",
]

CJK_SERIF = "Noto Serif CJK SC"
CJK_SANS = "Noto Sans CJK SC"
T1_COLUMNS = 9
# Column widths (cm) of the Word table; they add up to the 15.6 cm text width of the page.
_DOCX_COL_CM = (1.7, 1.3, 1.5, 2.5, 1.8, 1.8, 1.0, 1.6, 2.4)
# Column widths (characters) of the spreadsheet table.
_XLSX_COL_CHARS = (10, 11, 13, 24, 14, 14, 9, 11, 28)


# ---------------------------------------------------------------------------------------------
# Spec
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetLine:
    """One row of the 项目资金（万元） block; amounts are 万元 decimal strings with two decimals."""

    label: str
    initial: str
    full_year: str
    executed: str


@dataclass(frozen=True)
class Indicator:
    """One 三级 indicator row of the 绩效指标 block (target/actual as written in the table)."""

    level1: str
    level2: str
    level3: str
    target: str
    actual: str
    weight: str
    score: str
    deviation: str = ""


@dataclass(frozen=True)
class Wording:
    """Presentation choices that vary between real reports (the facts stay in `ReportSpec`).

    list_style: marker put before each problem/measure sentence ("1." -> "1.", "（1）" -> "（1）",
    "一是" -> "一是/二是/…"). placeholder: what not-applicable cells of the funds block hold.
    """

    overall_heading: str = "三、综合评价情况及评价结论"
    analysis_heading: str = "四、绩效指标完成情况分析"
    list_style: Literal["1.", "（1）", "一是"] = "1."
    placeholder: str = "—"
    grade_row: bool = False


@dataclass(frozen=True)
class ReportSpec:
    """Facts of one 项目支出绩效自评 (year N, reported in N+1).

    budget holds exactly four lines in table order: 年度资金总额, 其中：当年财政拨款, 上年结转资金,
    其他资金. execution_rate is 全年执行数 / 全年预算数 as "98.91%"; execution_score is
    min(rate, 100%) x 10 with two decimals. report_date is ISO "YYYY-MM-DD".
    """

    spec_id: str
    fiscal_year: int
    title: str
    unit: str
    supervising_dept: str
    project_name: str
    project_code: str | None
    budget: tuple[BudgetLine, BudgetLine, BudgetLine, BudgetLine]
    execution_rate: str
    execution_score: str
    goal_expected: str
    goal_actual: str
    indicators: tuple[Indicator, ...]
    total_score: str
    grade: str
    problems: tuple[str, ...]
    measures: tuple[str, ...]
    report_date: str
    background: tuple[str, ...]
    process: tuple[str, ...]
    conclusion: tuple[str, ...]
    execution_note: str = ""
    results_use: tuple[str, ...] = ()
    wording: Wording = field(default_factory=Wording)

    @property
    def table_title(self) -> str:
        """Title row of the self-evaluation table."""
        return f"项目支出绩效自评表（{self.fiscal_year}年度）"

    @property
    def displayed_project_name(self) -> str:
        """项目名称 cell text: the project code, when there is one, is prefixed as in Sichuan tables."""
        if self.project_code:
            return f"{self.project_code}-{self.project_name}"
        return self.project_name


_D2 = Decimal("0.01")
_GRADE_BANDS = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))


def _dec(text: str) -> Decimal:
    """Decimal of a numeric string, ignoring a trailing %."""
    return Decimal(text.rstrip("%"))


def consistency_errors(spec: ReportSpec) -> list[str]:
    """Reviewer checks (DOMAIN.md §3.5 C01, C02, C04-C08, C11) that a gold spec must pass.

    Returns one message per failed check; an empty list means the spec is internally consistent.
    """
    errors: list[str] = []
    total, *parts = spec.budget
    for col in ("initial", "full_year", "executed"):
        if sum(_dec(getattr(p, col)) for p in parts) != _dec(getattr(total, col)):
            errors.append(f"C01 {col}: sources do not add up to {getattr(total, col)}")
    rate = (_dec(total.executed) / _dec(total.full_year) * 100).quantize(_D2, ROUND_HALF_UP)
    if f"{rate}%" != spec.execution_rate:
        errors.append(f"C02 execution rate {spec.execution_rate} != {rate}%")
    exec_score = (min(rate, Decimal(100)) / 10).quantize(_D2, ROUND_HALF_UP)
    if exec_score != _dec(spec.execution_score):
        errors.append(f"C04 execution score {spec.execution_score} != {exec_score}")
    for ind in spec.indicators:
        if not Decimal(0) <= _dec(ind.score) <= _dec(ind.weight):
            errors.append(f"C05 {ind.level3}: score {ind.score} outside 0..{ind.weight}")
        if _dec(ind.score) < _dec(ind.weight) and not ind.deviation:
            errors.append(f"C11 {ind.level3}: score below weight without a deviation reason")
    if sum(_dec(i.weight) for i in spec.indicators) != 90:
        errors.append("C06 indicator weights do not add up to 90")
    computed = exec_score + sum(_dec(i.score) for i in spec.indicators)
    if computed != _dec(spec.total_score):
        errors.append(f"C07 total {spec.total_score} != {computed}")
    grade = next(g for low, g in _GRADE_BANDS if computed >= low)
    if grade != spec.grade:
        errors.append(f"C08 grade {spec.grade} != {grade}")
    return errors


def indicator_score_sum(spec: ReportSpec) -> str:
    """Σ 三级 indicator scores, as a two-decimal string."""
    return str(sum((_dec(i.score) for i in spec.indicators), Decimal(0)).quantize(_D2))


# ---------------------------------------------------------------------------------------------
# The sample specs (invented units and projects; figures checked by consistency_errors)
# ---------------------------------------------------------------------------------------------


def _lines(
    total: tuple[str, str, str],
    alloc: tuple[str, str, str],
    carry: tuple[str, str, str],
    other: tuple[str, str, str],
) -> tuple[BudgetLine, BudgetLine, BudgetLine, BudgetLine]:
    """The four funds rows in table order (年初预算数, 全年预算数, 全年执行数 per row)."""
    return (
        BudgetLine("年度资金总额", *total),
        BudgetLine("其中：当年财政拨款", *alloc),
        BudgetLine("上年结转资金", *carry),
        BudgetLine("其他资金", *other),
    )


_OUT, _EFF, _SAT = "产出指标", "效益指标", "满意度指标"
_SAT2 = "服务对象满意度指标"

SCHOOL_MEAL_2023 = ReportSpec(
    spec_id="school-meal-2023",
    fiscal_year=2023,
    title="2023年度农村义务教育学生营养改善计划项目支出绩效自评报告",
    unit="青溪县学生资助管理中心",
    supervising_dept="青溪县教育体育局",
    project_name="农村义务教育学生营养改善计划补助资金",
    project_code=None,
    budget=_lines(
        ("1286.40", "1312.65", "1298.37"),
        ("1186.40", "1212.65", "1198.37"),
        ("100.00", "100.00", "100.00"),
        ("0.00", "0.00", "0.00"),
    ),
    execution_rate="98.91%",
    execution_score="9.89",
    goal_expected=(
        "为全县38所农村义务教育学校在校学生提供营养膳食补助，补助标准每生每天5元，全年按200天"
        "核定；补助资金足额、及时拨付到校，学校食堂供餐安全规范，学生营养健康状况逐步改善。"
    ),
    goal_actual=(
        "全年向38所学校拨付营养膳食补助资金1298.37万元，惠及学生12,468人，供餐天数达到核定标准，"
        "全年未发生食品安全事故，学生在校就餐率和营养健康状况有所提升。"
    ),
    indicators=(
        Indicator(_OUT, "数量指标", "受益学生人数", "≥12000人", "12468人", "10", "10"),
        Indicator(_OUT, "数量指标", "覆盖学校数", "38所", "38所", "10", "10"),
        Indicator(_OUT, "质量指标", "补助资金足额拨付率", "100%", "100%", "10", "10"),
        Indicator(_OUT, "质量指标", "学校食堂食品安全检查合格率", "≥98%", "100%", "5", "5"),
        Indicator(_OUT, "时效指标", "资金拨付及时率", "≥95%", "96.5%", "5", "5"),
        Indicator(_OUT, "成本指标", "生均每日补助标准", "5元/生·天", "5元/生·天", "10", "10"),
        Indicator(
            _EFF,
            "社会效益指标",
            "学生营养健康状况",
            "逐步改善",
            "有所改善",
            "10",
            "9",
            "部分学校膳食搭配较单一，营养改善效果不够均衡；下一步将邀请营养专家指导学校制定带量食谱。",
        ),
        Indicator(_EFF, "社会效益指标", "农村学生在校就餐率", "≥90%", "93.6%", "10", "10"),
        Indicator(_EFF, "可持续影响指标", "营养改善长效机制", "健全", "已健全", "10", "10"),
        Indicator(_SAT, _SAT2, "学生及家长满意度", "≥90%", "95.2%", "10", "10"),
    ),
    total_score="98.89",
    grade="优",
    problems=(
        "部分学校食堂从业人员营养配餐知识不足，膳食搭配较为单一，菜品更新频率不高。",
        "个别偏远学校食材配送成本较高，季节性蔬菜供应不稳定，影响供餐质量的均衡性。",
        "上年结转资金在第三季度才完成拨付，资金使用进度前松后紧。",
    ),
    measures=(
        "联合县卫生健康局开展食堂从业人员营养知识培训，每学期至少组织一次，推广科学带量食谱。",
        "推行大宗食材集中采购和统一配送，降低偏远学校采购成本，保障蔬菜、肉蛋奶稳定供应。",
        "加强资金拨付进度管理，年初按上年在校学生数预拨补助资金，年中根据实际人数进行清算。",
    ),
    report_date="2024-03-18",
    background=(
        "为贯彻落实国家关于实施农村义务教育学生营养改善计划的决策部署，青溪县自2012年起在全县"
        "农村义务教育学校实施营养改善计划，通过学校食堂供餐的方式为在校学生提供营养膳食补助。2023年，"
        "补助范围覆盖全县38所农村义务教育学校，其中小学29所、初中9所，补助标准为每生每天5元，"
        "全年按在校200天核定。",
        "项目资金由县财政局会同县教育体育局按学校在校学生人数和供餐天数核定后拨付至学校食堂专户，"
        "专项用于为学生提供等值优质的食品，不得用于支付食堂工勤人员工资、水电燃料等运行费用。",
    ),
    process=(
        "2024年1月，县学生资助管理中心成立由分管领导任组长，计划财务股、资助股及相关学校负责人为"
        "成员的绩效自评工作小组，制定自评工作方案，明确自评范围、内容、方法和时间安排。",
        "自评小组采取资料审核与实地核查相结合的方式，调阅了资金拨付凭证、学校食堂供餐台账、学生"
        "就餐签到表等资料，随机抽查了12所学校的供餐情况，并向学生及家长发放满意度调查问卷600份，"
        "收回有效问卷583份。",
    ),
    conclusion=(
        "总体来看，项目资金拨付及时、使用规范，营养膳食补助全部用于学生伙食，学生在校就餐条件明显"
        "改善，项目实施取得了较好的社会效益，达到了年初设定的绩效目标。",
    ),
    execution_note="未执行的14.28万元为秋季学期转出学生对应的补助资金，已按规定收回统筹使用。",
    results_use=(
        "自评结果将作为下一年度营养改善计划资金分配和预算安排的重要依据，并按规定在县教育体育局"
        "门户网站向社会公开，接受社会监督。",
    ),
)

ROAD_MAINTENANCE_2022 = ReportSpec(
    spec_id="road-maintenance-2022",
    fiscal_year=2022,
    title="梅川县2022年农村公路日常养护及安全生命防护工程项目绩效自评报告",
    unit="梅川县农村公路养护中心",
    supervising_dept="梅川县交通运输局",
    project_name="2022年农村公路日常养护及安全生命防护工程",
    project_code="36112722T000008841275",
    budget=_lines(
        ("2812.36", "3042.86", "2904.03"),
        ("2450.00", "2680.50", "2561.28"),
        ("312.36", "312.36", "298.15"),
        ("50.00", "50.00", "44.60"),
    ),
    execution_rate="95.44%",
    execution_score="9.54",
    goal_expected=(
        "完成全县1260公里以上农村公路日常养护，处治路面病害8.5万平方米以上，新增安全防护栏42公里"
        "以上，优良中等路比例不低于80%，农村公路通行安全水平进一步提升。"
    ),
    goal_actual=(
        "全年完成日常养护里程1274.6公里，处治路面病害8.92万平方米，新增安全防护栏43.8公里，"
        "优良中等路比例达到82.6%，沿线群众出行条件明显改善。"
    ),
    indicators=(
        Indicator(_OUT, "数量指标", "日常养护里程", "≥1260公里", "1274.6公里", "6", "6"),
        Indicator(_OUT, "数量指标", "路面病害处治面积", "≥8.5万平方米", "8.92万平方米", "5", "5"),
        Indicator(_OUT, "数量指标", "新增安全防护栏长度", "≥42公里", "43.8公里", "5", "5"),
        Indicator(_OUT, "数量指标", "桥梁经常性检查座数", "126座", "126座", "4", "4"),
        Indicator(_OUT, "质量指标", "优良中等路比例", "≥80%", "82.6%", "6", "6"),
        Indicator(_OUT, "质量指标", "养护工程验收合格率", "100%", "100%", "5", "5"),
        Indicator(_OUT, "质量指标", "危桥处置率", "100%", "100%", "4", "4"),
        Indicator(_OUT, "时效指标", "日常养护巡查频次", "每周不少于1次", "每周1次", "4", "4"),
        Indicator(_OUT, "时效指标", "安防工程完工时间", "2022年11月底前", "2022年11月25日", "4", "4"),
        Indicator(_OUT, "成本指标", "每公里日常养护成本", "≤0.9万元", "0.86万元", "4", "4"),
        Indicator(_OUT, "成本指标", "安防工程单位造价", "≤38万元/公里", "36.7万元/公里", "3", "3"),
        Indicator(_EFF, "经济效益指标", "群众出行时间", "有所缩短", "明显缩短", "6", "6"),
        Indicator(_EFF, "社会效益指标", "农村公路交通事故起数下降率", "≥5%", "7.2%", "8", "8"),
        Indicator(_EFF, "社会效益指标", "路域环境整治效果", "明显改善", "明显改善", "6", "6"),
        Indicator(
            _EFF,
            "可持续影响指标",
            "养护长效机制",
            "持续健全",
            "基本健全",
            "10",
            "9",
            "村级养护员队伍不稳定，3个乡镇未落实专职养护员；下一步将完善聘用考核办法，稳定养护队伍。",
        ),
        Indicator(_SAT, _SAT2, "沿线群众满意度", "≥90%", "92.3%", "10", "10"),
    ),
    total_score="98.54",
    grade="优",
    problems=(
        "村级养护员队伍不稳定，部分乡镇未落实专职养护人员，日常巡查存在“重建轻养”现象。",
        "养护资金主要依赖上级补助，县级配套资金到位较晚，影响部分工程开工时间。",
        "养护信息化水平不高，路况数据仍以人工采集为主，难以及时掌握病害发展情况。",
    ),
    measures=(
        "完善村级养护员聘用和考核办法，将养护成效与补助资金挂钩，稳定基层养护队伍。",
        "积极争取上级资金支持，按时足额落实县级配套资金，确保养护工程按计划开工。",
        "推进农村公路管理信息系统建设，逐步实现路况自动检测和养护任务在线派单。",
    ),
    report_date="2023-02-24",
    background=(
        "梅川县现有农村公路里程1386.2公里，其中县道214.5公里、乡道402.8公里、村道768.9公里，"
        "部分路段建成年代较早，路面病害多发，急弯陡坡、临水临崖路段安全防护设施不足，群众安全"
        "出行存在隐患。",
        "为巩固“四好农村路”建设成果，县交通运输局按照农村公路养护管理有关规定，安排专项资金实施"
        "农村公路日常养护及安全生命防护工程，主要内容包括路面病害处治、边沟清理、桥梁经常性检查和"
        "波形护栏、警示标志等安全设施建设。",
    ),
    process=(
        "县农村公路养护中心于2023年1月启动绩效自评工作，组建由中心主任任组长、工程技术股和财务股"
        "业务骨干参加的自评小组，对照年初批复的绩效目标逐项开展自评。",
        "自评小组采用现场踏勘、资料查阅和问卷调查相结合的方法，抽查养护路段42条共318.6公里，核对"
        "工程计量、验收资料及资金支付凭证，向沿线群众发放问卷500份，回收有效问卷476份。",
    ),
    conclusion=(
        "项目全年各项产出指标均达到或超过年度目标，全县优良中等路比例达到82.6%，农村公路通行条件和"
        "安全水平明显提升，但养护长效机制仍需进一步健全。",
    ),
    execution_note=(
        "未执行的138.83万元主要为安防工程质保金及部分路面处治工程尾款，按合同约定于2023年支付。"
    ),
    wording=Wording(
        overall_heading="三、自评结论",
        analysis_heading="四、绩效目标实现情况分析",
        list_style="（1）",
        placeholder="/",
        grade_row=True,
    ),
)

FARMLAND_2021 = ReportSpec(
    spec_id="farmland-2021",
    fiscal_year=2021,
    title="丰溪县2021年高标准农田建设项目绩效自评报告",
    unit="丰溪县农田建设服务中心",
    supervising_dept="丰溪县农业农村局",
    project_name="2021年高标准农田建设项目",
    project_code=None,
    budget=_lines(
        ("4000.00", "4120.00", "3533.25"),
        ("3600.00", "3600.00", "3120.45"),
        ("0.00", "0.00", "0.00"),
        ("400.00", "520.00", "412.80"),
    ),
    execution_rate="85.76%",
    execution_score="8.58",
    goal_expected=(
        "在西岭、石塘、长坪、桥头4个片区新建高标准农田1.2万亩，新建及改造灌排渠道46公里、田间道路"
        "28公里，工程验收合格率100%，项目区粮食综合生产能力明显提高。"
    ),
    goal_actual=(
        "长坪、桥头片区全面完工，西岭、石塘片区完成主体工程的70%，全年建成高标准农田1.05万亩，"
        "新建及改造灌排渠道47.2公里、田间道路28.6公里，已完工工程验收全部合格。"
    ),
    indicators=(
        Indicator(
            _OUT,
            "数量指标",
            "新建高标准农田面积",
            "≥1.2万亩",
            "1.05万亩",
            "15",
            "13.13",
            "受7月以来持续强降雨影响，西岭、石塘两个片区土地平整工程延期；已倒排工期，计划于2022年4月底前完工。",
        ),
        Indicator(_OUT, "数量指标", "新建及改造灌排渠道", "≥46公里", "47.2公里", "5", "5"),
        Indicator(_OUT, "数量指标", "新修田间道路", "≥28公里", "28.6公里", "5", "5"),
        Indicator(_OUT, "质量指标", "工程验收合格率", "100%", "100%", "10", "10"),
        Indicator(
            _OUT,
            "时效指标",
            "项目年度完工率",
            "100%",
            "87.5%",
            "10",
            "8.75",
            "2个片区因汛期停工未能按期完工；下一步实行挂点督导和周调度，确保延期工程按期验收。",
        ),
        Indicator(_OUT, "成本指标", "亩均财政投入", "≤3000元/亩", "2972元/亩", "5", "5"),
        Indicator(
            _EFF,
            "经济效益指标",
            "项目区粮食亩产提高",
            "≥50公斤",
            "增产效益部分显现",
            "10",
            "7",
            "新建片区当年未形成完整种植季，增产效益尚未充分显现，将在2022年跟踪测产。",
        ),
        Indicator(
            _EFF,
            "社会效益指标",
            "受益农户数",
            "≥6500户",
            "5820户",
            "10",
            "8.95",
            "延期片区尚未交付使用，受益农户相应减少；工程完工后受益农户预计达到6900户。",
        ),
        Indicator(
            _EFF,
            "生态效益指标",
            "节水灌溉面积占比",
            "≥60%",
            "52%",
            "10",
            "8.67",
            "部分片区高效节水灌溉设施未安装到位；将督促施工单位在春灌前完成安装调试。",
        ),
        Indicator(
            _SAT,
            _SAT2,
            "项目区农户满意度",
            "≥90%",
            "86.4%",
            "10",
            "9.6",
            "农户对延期片区施工扰民、机耕道通行不便意见较多；将加强施工组织和群众沟通。",
        ),
    ),
    total_score="89.68",
    grade="良",
    problems=(
        "项目前期工作准备不足，部分片区设计方案调整次数较多，压缩了有效施工期。",
        "对汛期施工风险预判不够，未制定有效的应急赶工措施，导致2个片区延期完工。",
        "建后管护机制尚不健全，部分已建成灌排设施管护责任未落实到村、到户。",
    ),
    measures=(
        "提前开展下一年度项目选址和初步设计，确保项目在汛期前完成主体工程。",
        "建立工程进度周调度制度，对滞后片区实行挂点督导，确保延期工程于2022年4月底前完工验收。",
        "制定高标准农田建后管护办法，明确管护主体和经费来源，确保工程长期发挥效益。",
    ),
    report_date="2022-03-10",
    background=(
        "丰溪县是全省粮食生产重点县，耕地面积46.3万亩，其中中低产田占比较高，灌排设施老化、田间"
        "道路不畅等问题制约着粮食稳产增产。",
        "根据上级下达的2021年高标准农田建设任务，丰溪县在西岭、石塘、长坪、桥头4个片区实施高标准"
        "农田建设，建设内容包括土地平整、灌溉与排水、田间道路、农田防护与生态环境保护等工程，"
        "其他资金为整合的涉农资金和新型农业经营主体自筹资金。",
    ),
    process=(
        "2022年2月，县农田建设服务中心会同县财政局组成绩效自评工作组，对照项目实施方案和年度绩效"
        "目标，采取查阅资料、实地核查和问卷调查等方式开展自评。",
        "工作组逐片区核查了工程施工合同、监理日志、竣工验收报告和资金支付凭证，实地测量抽查地块56块，"
        "并向项目区农户发放满意度问卷400份，回收有效问卷381份。",
    ),
    conclusion=(
        "项目总体按计划推进，已完工片区工程质量全部达到设计要求，但受汛期强降雨影响，西岭、石塘两个"
        "片区未能在年内完工，部分产出和效益指标未达到年度目标值。",
    ),
    execution_note=(
        "未执行的586.75万元为西岭、石塘片区延期工程对应的进度款，将结转至2022年按工程进度支付。"
    ),
    wording=Wording(overall_heading="三、综合评价结论", list_style="一是"),
)

HEALTH_PHS_2024 = ReportSpec(
    spec_id="health-phs-2024",
    fiscal_year=2024,
    title="2024年度基本公共卫生服务补助资金项目支出绩效自评报告",
    unit="安平县基层卫生服务指导中心",
    supervising_dept="安平县卫生健康局",
    project_name="基本公共卫生服务补助资金",
    project_code=None,
    budget=_lines(
        ("911.55", "958.83", "951.96"),
        ("865.20", "912.48", "905.61"),
        ("46.35", "46.35", "46.35"),
        ("0.00", "0.00", "0.00"),
    ),
    execution_rate="99.28%",
    execution_score="9.93",
    goal_expected=(
        "按人均89元标准落实基本公共卫生服务经费，规范开展居民健康档案、老年人和慢性病患者健康管理、"
        "预防接种等服务，居民健康素养水平稳步提高。"
    ),
    goal_actual=(
        "全年拨付补助资金951.96万元，65岁及以上老年人健康管理2.26万人，高血压患者规范管理10126人，"
        "居民电子健康档案建档率93.4%。"
    ),
    indicators=(
        Indicator(_OUT, "数量指标", "65岁及以上老年人健康管理人数", "≥2.1万人", "2.26万人", "10", "10"),
        Indicator(_OUT, "数量指标", "高血压患者规范管理人数", "≥9800人", "10126人", "10", "10"),
        Indicator(_OUT, "质量指标", "居民电子健康档案建档率", "≥90%", "93.4%", "10", "10"),
        Indicator(_OUT, "质量指标", "适龄儿童免疫规划疫苗接种率", "≥95%", "98.7%", "10", "10"),
        Indicator(_OUT, "时效指标", "补助资金拨付及时率", "100%", "100%", "5", "5"),
        Indicator(_OUT, "成本指标", "人均基本公共卫生服务经费补助标准", "89元", "89元", "5", "5"),
        Indicator(_EFF, "社会效益指标", "城乡居民公共卫生服务差距", "逐步缩小", "逐步缩小", "20", "20"),
        Indicator(_EFF, "可持续影响指标", "基层卫生服务能力", "持续提升", "持续提升", "10", "10"),
        Indicator(_SAT, _SAT2, "居民满意度", "≥85%", "91.5%", "10", "10"),
    ),
    total_score="99.93",
    grade="优",
    problems=("部分村卫生室人员老化，信息化操作能力不足，健康档案更新不及时。",),
    measures=("组织乡村医生分批参加信息系统操作培训，推行电子档案与诊疗数据自动关联。",),
    report_date="2025-03-05",
    background=(
        "基本公共卫生服务项目面向全体城乡居民免费提供，安平县由13家乡镇卫生院和2家社区卫生服务中心"
        "承担服务任务，县基层卫生服务指导中心负责资金核拨和日常业务指导。",
    ),
    process=(
        "县卫生健康局组织基层卫生服务指导中心对照年度绩效目标开展自评，抽查了6家基层医疗卫生机构的"
        "服务台账和资金支付凭证。",
    ),
    conclusion=("项目各项绩效指标均已完成，资金使用规范，基层公共卫生服务水平持续提升。",),
)

HEALTH_SMI_2024 = ReportSpec(
    spec_id="health-smi-2024",
    fiscal_year=2024,
    title="2024年度严重精神障碍患者救治管理项目支出绩效自评报告",
    unit="安平县精神卫生中心",
    supervising_dept="安平县卫生健康局",
    project_name="严重精神障碍患者救治管理项目",
    project_code=None,
    budget=_lines(
        ("134.50", "134.50", "127.24"),
        ("126.00", "126.00", "118.74"),
        ("0.00", "0.00", "0.00"),
        ("8.50", "8.50", "8.50"),
    ),
    execution_rate="94.60%",
    execution_score="9.46",
    goal_expected="在册严重精神障碍患者规范管理率不低于85%，为贫困患者免费提供基本药物，减少肇事肇祸案事件。",
    goal_actual="在册患者规范管理1186人，免费服药患者438人，规范管理率88.2%，全年未发生严重肇事肇祸案件。",
    indicators=(
        Indicator(_OUT, "数量指标", "在册患者规范管理人数", "≥1150人", "1186人", "15", "15"),
        Indicator(_OUT, "数量指标", "免费服药患者人数", "≥420人", "438人", "10", "10"),
        Indicator(_OUT, "质量指标", "患者规范管理率", "≥85%", "88.2%", "15", "15"),
        Indicator(_OUT, "时效指标", "应急处置响应时间", "≤2小时", "1.5小时", "10", "10"),
        Indicator(_EFF, "社会效益指标", "肇事肇祸案事件发生率", "≤0.5‰", "0.17‰", "20", "20"),
        Indicator(_EFF, "可持续影响指标", "精神卫生综合管理机制", "持续运行", "持续运行", "10", "10"),
        Indicator(_SAT, _SAT2, "患者家属满意度", "≥90%", "93%", "10", "10"),
    ),
    total_score="99.46",
    grade="优",
    problems=("基层精防人员多为兼职，随访质量参差不齐。",),
    measures=("开展精防人员轮训，将随访质量纳入基层医疗卫生机构绩效考核。",),
    report_date="2025-03-05",
    background=(
        "项目用于严重精神障碍患者筛查登记、随访管理、免费服药和应急处置，由县精神卫生中心牵头，"
        "各乡镇卫生院配合实施。",
    ),
    process=("县精神卫生中心成立自评小组，对照年度绩效目标逐项核实完成情况。",),
    conclusion=("项目绩效目标全部完成，患者管理和救治保障水平进一步提高。",),
)

SPECS: tuple[ReportSpec, ...] = (
    SCHOOL_MEAL_2023,
    ROAD_MAINTENANCE_2022,
    FARMLAND_2021,
    HEALTH_PHS_2024,
    HEALTH_SMI_2024,
)


def spec_by_id(spec_id: str) -> ReportSpec:
    """The built-in spec with this id (KeyError if there is none)."""
    for spec in SPECS:
        if spec.spec_id == spec_id:
            return spec
    raise KeyError(spec_id)


# ---------------------------------------------------------------------------------------------
# Table layout (shared by the DOCX, XLSX and TXT writers)
# ---------------------------------------------------------------------------------------------

CellKind = Literal["title", "caption", "label", "text", "prose", "amount", "rate", "score"]


@dataclass(frozen=True)
class GridCell:
    """One (possibly merged) cell of the self-evaluation table.

    row/col are 0-based positions in a 9-column grid; the cell covers rows row..row+rowspan-1 and
    columns col..col+colspan-1. kind drives formatting: amount (万元), rate (a "98.91%" string)
    and score cells become numbers in XLSX; title and caption rows are drawn without borders.
    """

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    kind: CellKind = "text"


_FUNDS_HEADERS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
_INDICATOR_HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)


def _head_cells(spec: ReportSpec) -> list[GridCell]:
    """Rows 0-3: title, 填报单位/单位, 项目名称, 主管部门/实施单位."""
    return [
        GridCell(0, 0, spec.table_title, colspan=T1_COLUMNS, kind="title"),
        GridCell(1, 0, f"填报单位（盖章）：{spec.unit}", colspan=6, kind="caption"),
        GridCell(1, 6, "单位：万元", colspan=3, kind="caption"),
        GridCell(2, 0, "项目名称", kind="label"),
        GridCell(2, 1, spec.displayed_project_name, colspan=8),
        GridCell(3, 0, "主管部门", kind="label"),
        GridCell(3, 1, spec.supervising_dept, colspan=3),
        GridCell(3, 4, "实施单位", colspan=2, kind="label"),
        GridCell(3, 6, spec.unit, colspan=3),
    ]


def _funds_cells(spec: ReportSpec, top: int) -> list[GridCell]:
    """The 项目资金（万元） block: a header row and the four budget lines (5 rows from `top`)."""
    cells = [
        GridCell(top, 0, "项目资金（万元）", rowspan=5, kind="label"),
        GridCell(top, 1, "", colspan=2, kind="label"),
    ]
    cells += [GridCell(top, 3 + i, h, kind="label") for i, h in enumerate(_FUNDS_HEADERS)]
    dash = spec.wording.placeholder
    for i, line in enumerate(spec.budget):
        r = top + 1 + i
        cells.append(GridCell(r, 1, line.label, colspan=2, kind="label"))
        cells += [
            GridCell(r, 3, line.initial, kind="amount"),
            GridCell(r, 4, line.full_year, kind="amount"),
            GridCell(r, 5, line.executed, kind="amount"),
        ]
        if i == 0:
            cells += [
                GridCell(r, 6, "10", kind="score"),
                GridCell(r, 7, spec.execution_rate, kind="rate"),
                GridCell(r, 8, spec.execution_score, kind="score"),
            ]
        else:
            cells += [GridCell(r, c, dash) for c in (6, 7, 8)]
    return cells


def _goal_cells(spec: ReportSpec, top: int) -> list[GridCell]:
    """The 年度总体目标 block (2 rows from `top`)."""
    return [
        GridCell(top, 0, "年度总体目标", rowspan=2, kind="label"),
        GridCell(top, 1, "预期目标", colspan=4, kind="label"),
        GridCell(top, 5, "实际完成情况", colspan=4, kind="label"),
        GridCell(top + 1, 1, spec.goal_expected, colspan=4, kind="prose"),
        GridCell(top + 1, 5, spec.goal_actual, colspan=4, kind="prose"),
    ]


def _indicator_cells(spec: ReportSpec, top: int) -> list[GridCell]:
    """The 绩效指标 block: a header row, then one row per indicator; 一级/二级 merged per group."""
    n = len(spec.indicators)
    cells = [GridCell(top, 0, "绩效指标", rowspan=n + 1, kind="label")]
    cells += [GridCell(top, 1 + i, h, kind="label") for i, h in enumerate(_INDICATOR_HEADERS)]
    first = top + 1
    for level1, group1 in groupby(enumerate(spec.indicators), key=lambda p: p[1].level1):
        rows1 = list(group1)
        cells.append(GridCell(first + rows1[0][0], 1, level1, rowspan=len(rows1), kind="label"))
        for level2, group2 in groupby(rows1, key=lambda p: p[1].level2):
            rows2 = list(group2)
            cells.append(GridCell(first + rows2[0][0], 2, level2, rowspan=len(rows2), kind="label"))
    for i, ind in enumerate(spec.indicators):
        r = first + i
        cells += [
            GridCell(r, 3, ind.level3),
            GridCell(r, 4, ind.target),
            GridCell(r, 5, ind.actual),
            GridCell(r, 6, ind.weight, kind="score"),
            GridCell(r, 7, ind.score, kind="score"),
            GridCell(r, 8, ind.deviation, kind="prose"),
        ]
    return cells


def t1_cells(spec: ReportSpec) -> tuple[list[GridCell], int]:
    """The 项目支出绩效自评表 (DOMAIN.md §2 T1) as grid cells, and its number of rows."""
    cells = _head_cells(spec)
    cells += _funds_cells(spec, 4)
    cells += _goal_cells(spec, 9)
    cells += _indicator_cells(spec, 11)
    r = 12 + len(spec.indicators)
    cells += [
        GridCell(r, 0, "总分", colspan=6, kind="label"),
        GridCell(r, 6, "100", kind="score"),
        GridCell(r, 7, spec.total_score, kind="score"),
        GridCell(r, 8, ""),
    ]
    if spec.wording.grade_row:
        r += 1
        cells += [
            GridCell(r, 0, "自评等级", colspan=6, kind="label"),
            GridCell(r, 6, spec.grade, colspan=3),
        ]
    return cells, r + 1


def _horizontal(gc: GridCell) -> Literal["left", "center", "right"]:
    """Horizontal alignment of a table cell: prose and 填报单位 left, 单位：万元 right, the rest centred."""
    if gc.kind == "prose" or (gc.kind == "caption" and gc.col == 0):
        return "left"
    return "right" if gc.kind == "caption" else "center"


# ---------------------------------------------------------------------------------------------
# Report outline (shared by the DOCX and TXT writers)
# ---------------------------------------------------------------------------------------------

BlockKind = Literal["title", "cover", "heading1", "heading2", "paragraph", "table", "signature"]


@dataclass(frozen=True)
class Block:
    """One block of the report body in reading order; a "table" block stands for the T1 table."""

    kind: BlockKind
    text: str = ""


_CN_ORDINALS = "一二三四五六七八九十"


def _cn_date(iso: str) -> str:
    """'2024-03-18' -> '2024年3月18日'."""
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _marked(items: Sequence[str], style: str) -> list[str]:
    """Prefix each sentence with its list marker in the given style."""
    if style == "一是":
        return [f"{_CN_ORDINALS[i]}是{s}" for i, s in enumerate(items)]
    if style == "（1）":
        return [f"（{i + 1}）{s}" for i, s in enumerate(items)]
    return [f"{i + 1}.{s}" for i, s in enumerate(items)]


def _funding_paragraph(spec: ReportSpec) -> str:
    """Sources and in-year adjustment of the budget, restating the funds block."""
    total, alloc, carry, other = spec.budget
    sources = [f"{p.label.removeprefix('其中：')}{p.initial}万元" for p in (alloc, carry, other) if _dec(p.initial)]
    diff = _dec(total.full_year) - _dec(total.initial)
    if diff > 0:
        change = f"年中追加预算{diff}万元"
    elif diff < 0:
        change = f"年中调减预算{-diff}万元"
    else:
        change = "年中未调整预算"
    return (
        f"{spec.fiscal_year}年项目年初预算数为{total.initial}万元，其中{'、'.join(sources)}；"
        f"{change}，全年预算数为{total.full_year}万元。"
    )


def _execution_paragraph(spec: ReportSpec) -> str:
    """Budget execution, restating the 年度资金总额 row and its score."""
    total = spec.budget[0]
    text = (
        f"截至{spec.fiscal_year}年12月31日，项目全年预算数{total.full_year}万元，全年执行数"
        f"{total.executed}万元，预算执行率为{spec.execution_rate}，预算执行指标分值10分，"
        f"得分{spec.execution_score}分。"
    )
    return text + spec.execution_note


def _indicator_paragraphs(spec: ReportSpec, level1: str) -> list[str]:
    """One numbered paragraph per 二级 group of a 一级 category, restating its rows."""
    rows = [i for i in spec.indicators if i.level1 == level1]
    out = []
    for n, (level2, group) in enumerate(groupby(rows, key=lambda i: i.level2), start=1):
        parts = []
        for ind in group:
            part = (
                f"{ind.level3}年度指标值为{ind.target}，实际完成值为{ind.actual}，"
                f"分值{ind.weight}分，得分{ind.score}分"
            )
            parts.append(part + (f"。{ind.deviation.rstrip('。')}" if ind.deviation else ""))
        out.append(f"{n}.{level2}。" + "；".join(parts) + "。")
    return out


def _section_blocks(heading: str, paragraphs: Sequence[str]) -> list[Block]:
    return [Block("heading1", heading)] + [Block("paragraph", p) for p in paragraphs]


def report_blocks(spec: ReportSpec) -> list[Block]:
    """The whole report in reading order (title, cover line, sections, table, signature)."""
    levels = list(dict.fromkeys(i.level1 for i in spec.indicators))
    counts = "、".join(f"{lv}{sum(i.level1 == lv for i in spec.indicators)}项" for lv in levels)
    blocks = [
        Block("title", spec.title),
        Block("cover", f"实施单位：{spec.unit}　　报告日期：{_cn_date(spec.report_date)}"),
        Block("heading1", "一、基本情况"),
        Block("heading2", "（一）项目概况"),
        Block(
            "paragraph",
            f"{spec.project_name}（以下简称“本项目”）由{spec.supervising_dept}主管，"
            f"{spec.unit}负责具体实施。" + spec.background[0],
        ),
        *[Block("paragraph", p) for p in spec.background[1:]],
        Block("paragraph", _funding_paragraph(spec)),
        Block("heading2", "（二）项目绩效目标"),
        Block("paragraph", f"项目年度总体目标为：{spec.goal_expected}"),
        Block(
            "paragraph",
            f"围绕上述目标，项目共设置三级绩效指标{len(spec.indicators)}项，其中{counts}。",
        ),
        *_section_blocks("二、绩效自评工作开展情况", spec.process),
        Block("heading1", spec.wording.overall_heading),
        Block(
            "paragraph",
            f"经自评，本项目预算执行得分{spec.execution_score}分，绩效指标得分"
            f"{indicator_score_sum(spec)}分，自评总分{spec.total_score}分，自评等级为“{spec.grade}”。",
        ),
        *[Block("paragraph", p) for p in spec.conclusion],
        Block("paragraph", "项目支出绩效自评表如下："),
        Block("table"),
        Block("heading1", spec.wording.analysis_heading),
        Block("heading2", "（一）预算执行情况"),
        Block("paragraph", _execution_paragraph(spec)),
    ]
    for n, level1 in enumerate(levels, start=2):
        blocks.append(Block("heading2", f"（{_CN_ORDINALS[n - 1]}）{level1}完成情况"))
        blocks += [Block("paragraph", p) for p in _indicator_paragraphs(spec, level1)]
    blocks += _section_blocks("五、存在的问题及原因分析", _marked(spec.problems, spec.wording.list_style))
    blocks += _section_blocks("六、下一步改进措施", _marked(spec.measures, spec.wording.list_style))
    if spec.results_use:
        blocks += _section_blocks("七、绩效自评结果应用", spec.results_use)
    blocks += [Block("signature", spec.unit), Block("signature", _cn_date(spec.report_date))]
    return blocks


def page_header_text(spec: ReportSpec) -> str:
    """Running header of the Word/PDF report."""
    return f"{spec.unit} {spec.fiscal_year}年度项目支出绩效自评报告"


PAGE_FOOTER_PATTERN = "第 {page} 页"


# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------


def _set_rfonts(rpr_owner: object, font: str) -> None:
    """Set ascii/hAnsi/eastAsia/cs fonts on an element that has get_or_add_rPr(); drop theme fonts."""
    rpr = rpr_owner.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)


def _style_fonts(doc: DocxDocument) -> None:
    """Body in Noto Serif CJK SC 14 pt; title and 一级 headings in Noto Sans CJK SC; all black."""
    normal = doc.styles["Normal"]
    _set_rfonts(normal.element, CJK_SERIF)
    normal.font.size = Pt(14)
    normal.paragraph_format.line_spacing = 1.5
    normal.paragraph_format.space_after = Pt(0)
    specs = (("Title", CJK_SANS, 22, True), ("Heading 1", CJK_SANS, 15, True), ("Heading 2", CJK_SERIF, 14, True))
    for name, font, size, bold in specs:
        style = doc.styles[name]
        _set_rfonts(style.element, font)
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)
    title = doc.styles["Title"]
    border = title.element.pPr.find(qn("w:pBdr"))
    if border is not None:
        title.element.pPr.remove(border)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page_setup(doc: DocxDocument) -> None:
    """A4 portrait; 2.8/2.6 cm side margins leave a 15.6 cm text width."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.3)
    section.header_distance, section.footer_distance = Cm(1.3), Cm(1.2)


def _border(tag: str, val: str) -> OxmlElement:
    el = OxmlElement(tag)
    el.set(qn("w:val"), val)
    if val != "nil":
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "1")
        el.set(qn("w:color"), "000000")
    return el


def _header_footer(doc: DocxDocument, spec: ReportSpec) -> None:
    """Running header (unit + report name, ruled below) and footer "第 <PAGE> 页"."""
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(page_header_text(spec))
    run.font.size = Pt(9)
    pbdr = OxmlElement("w:pBdr")
    pbdr.append(_border("w:bottom", "single"))
    head._p.get_or_add_pPr().append(pbdr)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, after = PAGE_FOOTER_PATTERN.split("{page}")
    foot.add_run(before).font.size = Pt(10.5)
    _add_page_field(foot)
    foot.add_run(after).font.size = Pt(10.5)


def _add_page_field(paragraph: Paragraph) -> None:
    """Append a complex PAGE field (begin / instrText / separate / "1" / end)."""

    def fld_run(child: OxmlElement) -> None:
        run = paragraph.add_run()
        run.font.size = Pt(10.5)
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    fld_run(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    fld_run(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    fld_run(sep)
    paragraph.add_run("1").font.size = Pt(10.5)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    fld_run(end)


def _indent_first_line(paragraph: Paragraph) -> None:
    """Chinese two-character first-line indent (firstLine in twips plus firstLineChars=200)."""
    paragraph.paragraph_format.first_line_indent = Pt(28)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), "200")


def _add_block(doc: DocxDocument, block: Block) -> None:
    if block.kind == "title":
        doc.add_paragraph(block.text, style="Title")
    elif block.kind == "cover":
        para = doc.add_paragraph(block.text)
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.space_after = Pt(18)
    elif block.kind in ("heading1", "heading2"):
        para = doc.add_paragraph(block.text, style="Heading 1" if block.kind == "heading1" else "Heading 2")
        _indent_first_line(para)
    elif block.kind == "signature":
        para = doc.add_paragraph(block.text)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    else:
        _indent_first_line(doc.add_paragraph(block.text))


def _cell_borders(cell: _Cell, sides: dict[str, str]) -> None:
    """Set explicit borders ("nil" or "single") on some sides of a table cell."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            borders.append(_border(f"w:{side}", sides[side]))
    tc_pr.append(borders)


_DOCX_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def _fill_cell(cell: _Cell, gc: GridCell) -> None:
    """Write the cell text (9 pt, bold labels) with the alignment its kind calls for."""
    para = cell.paragraphs[0]
    para.paragraph_format.line_spacing = 1.0
    para.paragraph_format.keep_with_next = gc.row < 4  # keep the table head with its first rows
    run = para.add_run(gc.text)
    run.font.size = Pt(16 if gc.kind == "title" else 9)
    run.bold = gc.kind in ("title", "label")
    if gc.kind == "title":
        _set_rfonts(run._r, CJK_SANS)
    para.alignment = _DOCX_ALIGN[_horizontal(gc)]
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _add_t1_table(doc: DocxDocument, spec: ReportSpec) -> None:
    """The self-evaluation table as a Word table with gridSpan/vMerge merges and ruled borders."""
    cells, n_rows = t1_cells(spec)
    _add_grid_table(doc, cells, n_rows, _DOCX_COL_CM)


def _add_grid_table(
    doc: DocxDocument, cells: Sequence[GridCell], n_rows: int, widths_cm: Sequence[float], header_rows: int = 0
) -> None:
    """Grid cells as a Word table (gridSpan/vMerge merges, ruled borders, rows that never split).

    The first `header_rows` rows are marked as header rows (w:tblHeader), which Word and
    LibreOffice repeat at the top of every page the table continues on.
    """
    table = doc.add_table(rows=n_rows, cols=len(widths_cm))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, width in enumerate(widths_cm):
        table.columns[i].width = Cm(width)
        for row in table.rows:
            row.cells[i].width = Cm(width)
    for i, row in enumerate(table.rows):
        row.height = Cm(0.7)
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))  # rows never break across pages
        if i < header_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))
    for gc in cells:
        cell = table.cell(gc.row, gc.col)
        if gc.rowspan > 1 or gc.colspan > 1:
            cell = cell.merge(table.cell(gc.row + gc.rowspan - 1, gc.col + gc.colspan - 1))
        _fill_cell(cell, gc)
        if gc.kind == "title":
            _cell_borders(cell, {"top": "nil", "left": "nil", "bottom": "nil", "right": "nil"})
        elif gc.kind == "caption":
            _cell_borders(cell, {"top": "nil", "left": "nil", "bottom": "single", "right": "nil"})


def _core_properties(doc: DocxDocument, spec: ReportSpec) -> None:
    props = doc.core_properties
    stamp = datetime.fromisoformat(spec.report_date)
    props.title = spec.title
    props.author = spec.unit
    props.last_modified_by = spec.unit
    props.created = stamp
    props.modified = stamp
    props.revision = 1


def write_docx(spec: ReportSpec, path: str | Path) -> Path:
    """Write the report as DOCX (A4, CJK fonts, header/footer, T1 table) and return its path."""
    doc = new_docx()
    _style_fonts(doc)
    _page_setup(doc)
    _header_footer(doc, spec)
    _core_properties(doc, spec)
    for block in report_blocks(spec):
        if block.kind == "table":
            _add_t1_table(doc, spec)
        else:
            _add_block(doc, block)
    out = Path(path)
    doc.save(str(out))
    _freeze_zip(out, spec.report_date)
    return out


_CORE_STAMP = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _freeze_zip(path: Path, iso_date: str) -> None:
    """Rewrite an OOXML zip with fixed member timestamps and core.xml dates (byte-stable output)."""
    d = date.fromisoformat(iso_date)
    stamp = f"{iso_date}T00:00:00Z"
    with zipfile.ZipFile(path) as src:
        members = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in members:
            if name == "docProps/core.xml":
                data = _CORE_STAMP.sub(rf"\g<1>{stamp}\g<3>", data.decode("utf-8")).encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=(d.year, d.month, d.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
    path.write_bytes(buf.getvalue())


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _xlsx_value(gc: GridCell) -> tuple[object, str | None]:
    """Cell value and number format: money/scores as numbers "0.00", rates as fractions "0.00%"."""
    if gc.kind in ("amount", "score") and gc.text:
        return float(Decimal(gc.text)), "0.00"
    if gc.kind == "rate":
        return float(_dec(gc.text) / 100), "0.00%"
    return gc.text, None


def _write_t1_sheet(ws: Worksheet, spec: ReportSpec, top: int) -> int:
    """Write one project's table with its top row at sheet row `top` (1-based); return the next free row."""
    cells, n_rows = t1_cells(spec)
    return _write_grid(ws, cells, n_rows, top, _XLSX_COL_CHARS)


def _write_grid(ws: Worksheet, cells: Sequence[GridCell], n_rows: int, top: int, col_chars: Sequence[int]) -> int:
    """Write grid cells with their top row at sheet row `top` (1-based); return the next free row.

    Merged cells become merged ranges, every cell but title/caption rows is boxed, and row heights
    fit the wrapped text of the columns (`col_chars` wide).
    """
    for gc in cells:
        r, c = top + gc.row, 1 + gc.col
        value, fmt = _xlsx_value(gc)
        cell = ws.cell(row=r, column=c, value=value)
        if fmt:
            cell.number_format = fmt
        title = gc.kind == "title"
        font = CJK_SANS if title else CJK_SERIF
        cell.font = Font(name=font, bold=title or gc.kind == "label", size=16 if title else 10)
        cell.alignment = Alignment(horizontal=_horizontal(gc), vertical="center", wrap_text=True)
        if gc.rowspan > 1 or gc.colspan > 1:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + gc.rowspan - 1, end_column=c + gc.colspan - 1)
        if gc.kind not in ("title", "caption"):
            for rr in range(r, r + gc.rowspan):
                for cc in range(c, c + gc.colspan):
                    ws.cell(row=rr, column=cc).border = _BOX
    for r in range(n_rows):
        ws.row_dimensions[top + r].height = _xlsx_row_height([gc for gc in cells if gc.row == r], col_chars)
    return top + n_rows


def _xlsx_row_height(row: Sequence[GridCell], col_chars: Sequence[int] = _XLSX_COL_CHARS) -> float:
    """Row height (points) that fits the wrapped single-row cells; a CJK character is 2 width units."""
    lines = 1
    for gc in row:
        if gc.rowspan > 1 or gc.kind == "title":
            continue
        width = sum(col_chars[gc.col : gc.col + gc.colspan]) - 1
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in gc.text)
        lines = max(lines, -(-units // width))
    return 30.0 if any(gc.kind == "title" for gc in row) else 14.0 * lines + 4


def _new_sheet(title: str, col_chars: Sequence[int] = _XLSX_COL_CHARS) -> tuple[Workbook, Worksheet]:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for i, width in enumerate(col_chars, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    return wb, ws


def _save_workbook(wb: Workbook, path: str | Path, spec: ReportSpec) -> Path:
    wb.properties.creator = spec.unit
    wb.properties.title = spec.table_title
    out = Path(path)
    wb.save(str(out))
    _freeze_zip(out, spec.report_date)
    return out


def write_xlsx(spec: ReportSpec, path: str | Path) -> Path:
    """Write the self-evaluation table of one project to a one-sheet XLSX and return its path."""
    wb, ws = _new_sheet("项目支出绩效自评表")
    _write_t1_sheet(ws, spec, 1)
    return _save_workbook(wb, path, spec)


def write_xlsx_multi(specs: Sequence[ReportSpec], path: str | Path) -> Path:
    """Stack several projects' tables on one sheet, one empty row between them (system-export style)."""
    if not specs:
        raise ValueError("write_xlsx_multi needs at least one spec")
    wb, ws = _new_sheet("绩效自评表")
    top = 1
    for spec in specs:
        top = _write_t1_sheet(ws, spec, top) + 1
    return _save_workbook(wb, path, specs[0])


# ---------------------------------------------------------------------------------------------
# TXT
# ---------------------------------------------------------------------------------------------


def table_lines(spec: ReportSpec) -> list[str]:
    """The T1 table flattened like scraped HTML: per row, the cells that start in it, " | "-joined.

    A merged cell appears once, in its first row and column; the positions it covers are absent,
    so later rows of a vertically merged group carry no label.
    """
    cells, n_rows = t1_cells(spec)
    lines = []
    for r in range(n_rows):
        row = sorted((gc for gc in cells if gc.row == r), key=lambda gc: gc.col)
        lines.append(" | ".join(gc.text for gc in row))
    return lines


def report_text(spec: ReportSpec) -> str:
    """The report as plain text: one line per block, the table as flattened rows."""
    lines: list[str] = []
    for block in report_blocks(spec):
        lines += table_lines(spec) if block.kind == "table" else [block.text]
    return "\n".join(lines) + "\n"


def write_txt(spec: ReportSpec, path: str | Path) -> Path:
    """Write the report as UTF-8 text (see report_text) and return its path."""
    out = Path(path)
    out.write_text(report_text(spec), encoding="utf-8")
    return out


# ---------------------------------------------------------------------------------------------
# LibreOffice conversion
# ---------------------------------------------------------------------------------------------


class SofficeNotFound(RuntimeError):
    """LibreOffice (soffice) is not installed or not on PATH."""


class ConversionError(RuntimeError):
    """soffice ran but produced no output file."""


_FILTERS = {"pdf": "pdf", "doc": "doc:MS Word 97"}


def convert(src: str | Path, fmt: Literal["pdf", "doc"], outdir: str | Path, soffice: str = "soffice") -> Path:
    """Convert `src` with LibreOffice headless into `outdir`; return the path of the new file.

    A private, throw-away user profile is used so parallel runs do not collide.
    """
    exe = shutil.which(soffice)
    if exe is None:
        raise SofficeNotFound(f"LibreOffice not found ({soffice!r}): install it (apt-get install libreoffice-writer)")
    src, outdir = Path(src).resolve(), Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="samplegen-lo-") as profile:
        cmd = [
            exe,
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            _FILTERS[fmt],
            "--outdir",
            str(outdir),
            str(src),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    out = outdir / f"{src.stem}.{fmt}"
    if proc.returncode != 0 or not out.exists():
        detail = proc.stderr.strip() or proc.stdout.strip()
        raise ConversionError(f"soffice failed to convert {src.name} to {fmt}: {detail}")
    return out


# ---------------------------------------------------------------------------------------------
# Labelled indicator-table layouts (issue #4)
# ---------------------------------------------------------------------------------------------
#
# Six forms beyond the T1 reports above, each written as DOCX, PDF (reportlab) and XLSX: the
# national T1 with ★ core indicators, the Sichuan T1 variant with 指标性质 | 指标值 | 度量单位, a
# target declaration with a 中期 and a 年度 indicator table, one with 长期 and 年度 columns side by
# side, an in-year monitoring table and a whole-department self-evaluation table. Every indicator
# row is labelled by hand below: the cells as written and what they normalise to (issue #4's
# conventions). Nothing here calls jixiao code.


@dataclass(frozen=True)
class Value:
    """A target or actual as it normalises.

    comparator: ">=" | "<=" | "=" | ">" | "<" | "qualitative"; value: the number as written without
    thousands separators, an ISO date (unit "date") or None; unit: as written after the number.
    """

    comparator: str
    value: str | None = None
    unit: str | None = None


QUALITATIVE = Value("qualitative")


def _ge(value: str, unit: str | None) -> Value:
    return Value(">=", value, unit)


def _le(value: str, unit: str | None) -> Value:
    return Value("<=", value, unit)


def _eq(value: str, unit: str | None) -> Value:
    return Value("=", value, unit)


def _by(iso: str) -> Value:
    """A 时效 deadline ("2023年12月底前" -> "<=", "2023-12-31", "date")."""
    return Value("<=", iso, "date")


def _on(iso: str) -> Value:
    """A date as the actual ("2023年11月28日" -> "=", "2023-11-28", "date")."""
    return Value("=", iso, "date")


Cause = bool | str | None
CAUSE_KEYS = ("funding", "institution", "personnel", "hardware", "other")
CAUSE_HEADERS = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")
LIKELIHOOD_HEADERS = (("certain", "确定能"), ("possible", "有可能"), ("impossible", "完全不可能"))


@dataclass(frozen=True)
class Monitoring:
    """The monitoring cells of one T4 row; its 1-7月执行情况 is the row's `actual_raw`.

    causes: 经费保障, 制度保障, 人员保障, 硬件条件保障, 其他, each True (a tick "√"), False ("×"),
    the text the cell holds, or None (blank).
    """

    full_year_forecast_raw: str
    causes: tuple[Cause, Cause, Cause, Cause, Cause] = (None, None, None, None, None)
    likelihood: Literal["certain", "possible", "impossible"] | None = "certain"
    corrective_text: str | None = None


@dataclass(frozen=True)
class LabelledIndicator:
    """One 三级 row: the cells as written and their normalised reading (the gold label).

    name is level3 without a "指标1：" prefix or ★ (None: the same as level3). split holds the
    指标性质 | 指标值 | 度量单位 cells of the split layout (target_raw is their join). note is the
    备注 cell of a target declaration.
    """

    level1: str
    level2: str
    level3: str
    target_raw: str
    target: Value
    actual_raw: str | None = None
    actual: Value | None = None
    weight: str | None = None
    score: str | None = None
    deviation: str | None = None
    name: str | None = None
    is_core: bool = False
    period: Literal["annual", "medium_term", "to_date"] = "annual"
    split: tuple[str, str, str] | None = None
    monitoring: Monitoring | None = None
    note: str = ""


@dataclass(frozen=True)
class FundsLine:
    """One row of a funds block: its label and its cells in the block's column order."""

    label: str
    values: tuple[str, ...]


LayoutKind = Literal["t1_national", "t1_split", "t2_two_tables", "t2_single_table", "t4_monitoring", "t3_department"]


@dataclass(frozen=True)
class LayoutSpec:
    """One labelled form. indicators are the rows in document order (for t2_single_table, a row's
    长期 indicator comes right before its 年度 one). execution is (weight, rate, score) of budget
    execution and total (weight, score) of the 总分/合计 row, where the form has them. head holds
    extra label/value cells of the form head, tasks the 年度主要任务 rows (name, content, budget,
    executed) of a department form; closing holds (label, text) rows under the indicators."""

    spec_id: str
    layout: LayoutKind
    doc_type: str
    fiscal_year: int
    title: str
    unit: str
    supervising_dept: str | None
    project_name: str | None
    report_date: str
    funds_columns: tuple[str, ...]
    funds: tuple[FundsLine, ...]
    goals: tuple[tuple[str, str], ...]
    indicators: tuple[LabelledIndicator, ...]
    execution: tuple[str, str, str] | None = None
    total: tuple[str, str] | None = None
    head: tuple[tuple[str, str], ...] = ()
    tasks: tuple[tuple[str, str, str, str], ...] = ()
    closing: tuple[tuple[str, str], ...] = ()
    footer: str = ""
    landscape: bool = False

    @property
    def table_title(self) -> str:
        """The form's title line (also the XLSX title row)."""
        return self.title

    def rows(self, period: str) -> list[LabelledIndicator]:
        """The indicators of one period, in document order."""
        return [i for i in self.indicators if i.period == period]


def _t1(l1: str, l2: str, l3: str, target_raw: str, target: Value, actual_raw: str, actual: Value | None,
        weight: str, score: str, deviation: str | None = None, **kw: object) -> LabelledIndicator:
    """A self-evaluation row (T1/T3): target and actual as written, weight and score."""
    return LabelledIndicator(l1, l2, l3, target_raw, target, actual_raw, actual, weight, score, deviation, **kw)  # type: ignore[arg-type]


def _split(l1: str, l2: str, l3: str, cells: tuple[str, str, str], target: Value, actual_raw: str,
           actual: Value | None, weight: str, score: str, deviation: str | None = None) -> LabelledIndicator:
    """A Sichuan row: 指标性质 | 指标值 | 度量单位 cells; target_raw is their join as written."""
    return LabelledIndicator(l1, l2, l3, "".join(cells), target, actual_raw, actual, weight, score, deviation, split=cells)


def _decl(l1: str, l2: str, l3: str, name: str, target_raw: str, target: Value, period: str = "annual",
          note: str = "") -> LabelledIndicator:
    """A target-declaration row: a target, no actual, weight or score."""
    return LabelledIndicator(l1, l2, l3, target_raw, target, name=name, period=period, note=note)  # type: ignore[arg-type]


def _mon(l1: str, l2: str, l3: str, target_raw: str, target: Value, progress_raw: str, progress: Value | None,
         monitoring: Monitoring, deviation: str | None = None) -> LabelledIndicator:
    """A monitoring row: the 1-7月 progress is the actual to date."""
    return LabelledIndicator(l1, l2, l3, target_raw, target, progress_raw, progress, deviation=deviation,
                             period="to_date", monitoring=monitoring)


_COST, _SOC, _ECO = "成本指标", "社会效益指标", "生态效益指标"
_QTY, _QLT, _TIME = "数量指标", "质量指标", "时效指标"
_ECON, _SUST = "经济效益指标", "可持续影响指标"
_T1_FUNDS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")

NATIONAL_2023 = LayoutSpec(
    spec_id="national-2023",
    layout="t1_national",
    doc_type="self_eval_project",
    fiscal_year=2023,
    title="项目支出绩效自评表（2023年度）",
    unit="岚溪县农村供水管理站",
    supervising_dept="岚溪县水利局",
    project_name="2023年农村供水保障工程",
    report_date="2024-02-27",
    funds_columns=_T1_FUNDS,
    funds=(
        FundsLine("年度资金总额", ("2650.00", "2786.40", "2709.52", "10", "97.24%", "9.72")),
        FundsLine("其中：当年财政拨款", ("2400.00", "2536.40", "2470.12", "—", "—", "—")),
        FundsLine("上年结转资金", ("250.00", "250.00", "239.40", "—", "—", "—")),
        FundsLine("其他资金", ("0.00", "0.00", "0.00", "—", "—", "—")),
    ),
    goals=(
        ("预期目标", "新建集中供水工程12处，改造老旧供水管网86.5公里以上，新增受益人口1.2万人以上，配备水质检测"
         "设备8台，全年开展水质抽检不少于480次；农村集中供水工程水质达标率不低于95%，管网漏损率控制在12%以内，"
         "农村自来水普及率达到92%以上，健全工程长效运行管护机制。"),
        ("实际完成情况", "建成集中供水工程12处，改造供水管网88.2公里，新增受益人口12,460人，完成水质抽检496次，"
         "水质达标率96.8%，管网漏损率降至10.6%，农村自来水普及率92.6%；汛期部分偏远村组故障维修响应偏慢，"
         "2个乡镇村级管水员报酬尚未落实。"),
    ),
    indicators=(
        _t1(_OUT, _QTY, "★新建集中供水工程", "≥12处", _ge("12", "处"), "12处", _eq("12", "处"), "4", "4",
            name="新建集中供水工程", is_core=True),
        _t1(_OUT, _QTY, "改造老旧供水管网长度", "≥86.5公里", _ge("86.5", "公里"), "88.2公里", _eq("88.2", "公里"), "4", "4"),
        _t1(_OUT, _QTY, "新增受益人口", "≥12,000人", _ge("12000", "人"), "12,460人", _eq("12460", "人"), "4", "4"),
        _t1(_OUT, _QTY, "配备水质检测设备", "8台", _eq("8", "台"), "8台", _eq("8", "台"), "2", "2"),
        _t1(_OUT, _QTY, "开展水质抽检", "不低于480次", _ge("480", "次"), "496次", _eq("496", "次"), "3", "3"),
        _t1(_OUT, _QLT, "★农村集中供水工程水质达标率", "≥95%", _ge("95", "%"), "96.8%", _eq("96.8", "%"), "4", "4",
            name="农村集中供水工程水质达标率", is_core=True),
        _t1(_OUT, _QLT, "工程竣工验收合格率", "100%", _eq("100", "%"), "100%", _eq("100", "%"), "4", "4"),
        _t1(_OUT, _QLT, "管网漏损率", "≤12%", _le("12", "%"), "10.6%", _eq("10.6", "%"), "3", "3"),
        _t1(_OUT, _QLT, "供水保证率", "≧90%", _ge("90", "%"), "93.5%", _eq("93.5", "%"), "3", "3"),
        _t1(_OUT, _TIME, "工程完工时间", "2023年12月底前", _by("2023-12-31"), "2023年11月28日", _on("2023-11-28"), "3", "3"),
        _t1(_OUT, _TIME, "水质检测报告出具时限", "≤7天", _le("7", "天"), "5天", _eq("5", "天"), "3", "3"),
        _t1(_OUT, _TIME, "供水故障维修响应时间", "≤24小时", _le("24", "小时"), "30小时", _eq("30", "小时"), "3", "2.25",
            "汛期供水管网抢修任务集中，偏远村组维修人员平均到场时间超过24小时；已在北部、西部片区增设2个维修点。"),
        _t1(_COST, "经济成本指标", "单方水工程投资", "≤2800元/立方米", _le("2800", "元/立方米"), "2745元/立方米",
            _eq("2745", "元/立方米"), "4", "4"),
        _t1(_COST, "经济成本指标", "管网改造每公里成本", "≤18.5万元", _le("18.5", "万元"), "17.9万元", _eq("17.9", "万元"), "3", "3"),
        _t1(_COST, "社会成本指标", "施工期间临时停水影响户数", "≤300户", _le("300", "户"), "268户", _eq("268", "户"), "3", "3"),
        _t1(_EFF, _ECON, "农村居民年人均用水支出", "≤150元", _le("150", "元"), "142元", _eq("142", "元"), "5", "5"),
        _t1(_EFF, _SOC, "农村自来水普及率", "≥92%", _ge("92", "%"), "92.6%", _eq("92.6", "%"), "8", "8"),
        _t1(_EFF, _SOC, "群众饮水安全保障水平", "明显提升", QUALITATIVE, "明显提升", QUALITATIVE, "6", "6"),
        _t1(_EFF, _ECO, "水源保护区划定完成率", "100%", _eq("100", "%"), "100%", _eq("100", "%"), "5", "5"),
        _t1(_EFF, _SUST, "工程长效运行管护机制", "健全", QUALITATIVE, "基本健全", QUALITATIVE, "6", "5",
            "2个乡镇村级管水员报酬未落实，日常巡查不到位；拟将管水员报酬纳入县级水费补贴统筹解决。"),
        _t1(_SAT, _SAT2, "受益群众满意度", "≥90%", _ge("90", "%"), "94.2%", _eq("94.2", "%"), "6", "6"),
        _t1(_SAT, _SAT2, "村级管水员满意度", "≥85%", _ge("85", "%"), "88%", _eq("88", "%"), "4", "4"),
    ),
    execution=("10", "97.24%", "9.72"),
    total=("100", "97.97"),
    footer="填表人：水利工程股　　审核人：站长　　填报日期：2024年2月27日",
)

SPLIT_2022 = LayoutSpec(
    spec_id="split-2022",
    layout="t1_split",
    doc_type="self_eval_project",
    fiscal_year=2022,
    title="部门预算项目支出绩效自评表（2022年度）",
    unit="桐川县养老服务指导中心",
    supervising_dept="桐川县民政局",
    project_name="2022年居家和社区养老服务补贴",
    report_date="2023-03-06",
    head=(("项目编码", "51172522T000011863540"),),
    funds_columns=("年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "原因"),
    funds=(
        FundsLine("总额", ("860.00", "912.50", "884.26", "96.91%", "10", "9.69", "2个助餐点建设资金结转下年支付")),
        FundsLine("其中：财政资金", ("820.00", "872.50", "848.36", "", "", "", "")),
        FundsLine("财政专户管理资金", ("0.00", "0.00", "0.00", "", "", "", "")),
        FundsLine("单位资金", ("0.00", "0.00", "0.00", "", "", "", "")),
        FundsLine("其他资金", ("40.00", "40.00", "35.90", "", "", "", "")),
    ),
    goals=(
        ("项目年度目标", "为全县3200名以上经济困难的高龄、失能老年人发放居家养老服务补贴，保障24个社区日间照料中心"
         "正常运营，新建农村助餐点10个，全年上门服务4.5万人次以上。"),
        ("年度目标完成情况", "全年补贴对象3268人，24个社区日间照料中心正常运营，新建助餐点8个，上门服务4.62万人次；"
         "2个助餐点因选址调整延至2023年建成。"),
    ),
    indicators=(
        _split(_OUT, _QTY, "居家养老服务补贴对象人数", ("≥", "3,200", "人"), _ge("3200", "人"), "3268", _eq("3268", "人"), "6", "6"),
        _split(_OUT, _QTY, "社区日间照料中心运营数量", ("=", "24", "个"), _eq("24", "个"), "24", _eq("24", "个"), "5", "5"),
        _split(_OUT, _QTY, "上门服务人次", ("≥", "4.5", "万人次"), _ge("4.5", "万人次"), "4.62", _eq("4.62", "万人次"), "5", "5"),
        _split(_OUT, _QTY, "农村助餐点新建数量", ("≥", "10", "个"), _ge("10", "个"), "8", _eq("8", "个"), "5", "4",
               "2个村级助餐点选址调整，建设延至2023年一季度完成。"),
        _split(_OUT, _QLT, "服务对象信息核查准确率", ("=", "100", "%"), _eq("100", "%"), "100", _eq("100", "%"), "5", "5"),
        _split(_OUT, _QLT, "服务质量抽查合格率", ("≥", "95", "%"), _ge("95", "%"), "97.3", _eq("97.3", "%"), "5", "5"),
        _split(_OUT, _QLT, "服务人员持证上岗率", ("≥", "90", "%"), _ge("90", "%"), "92", _eq("92", "%"), "4", "4"),
        _split(_OUT, _TIME, "补贴资金按月发放率", ("=", "100", "%"), _eq("100", "%"), "100", _eq("100", "%"), "5", "5"),
        _split(_OUT, _TIME, "新增对象审核办结时限", ("≤", "15", "个工作日"), _le("15", "个工作日"), "12", _eq("12", "个工作日"), "5", "5"),
        _split(_OUT, _COST, "人均月服务补贴标准", ("=", "200", "元/人·月"), _eq("200", "元/人·月"), "200", _eq("200", "元/人·月"), "5", "5"),
        _split(_EFF, _SOC, "失能半失能老年人照护服务覆盖率", ("≥", "60", "%"), _ge("60", "%"), "63.5", _eq("63.5", "%"), "8", "8"),
        _split(_EFF, _SOC, "老年人居家生活质量", ("", "明显改善", ""), QUALITATIVE, "明显改善", QUALITATIVE, "7", "7"),
        _split(_EFF, _ECON, "带动养老服务从业人员就业", ("≥", "150", "人"), _ge("150", "人"), "168", _eq("168", "人"), "5", "5"),
        _split(_EFF, _SUST, "养老服务机构规范化运营机制", ("", "持续完善", ""), QUALITATIVE, "基本完善", QUALITATIVE, "5", "4",
               "部分日间照料中心运营依赖财政补贴，自我造血能力不足；将引入专业养老机构连锁运营。"),
        _split(_EFF, _SUST, "养老服务信息平台数据更新率", ("≥", "95", "%"), _ge("95", "%"), "96", _eq("96", "%"), "5", "5"),
        _split(_SAT, _SAT2, "服务对象满意度", ("≥", "90", "%"), _ge("90", "%"), "93.8", _eq("93.8", "%"), "6", "6"),
        _split(_SAT, _SAT2, "老年人家属满意度", ("≥", "88", "%"), _ge("88", "%"), "91", _eq("91", "%"), "4", "4"),
    ),
    execution=("10", "96.91%", "9.69"),
    total=("100", "97.69"),
    closing=(
        ("评价结论", "项目总体完成年度绩效目标，居家养老服务补贴按月足额发放，服务质量和覆盖面稳步提升，自评等级为优。"),
        ("存在问题", "农村助餐点建设进度滞后，部分日间照料中心专业服务人员不足。"),
        ("改进措施", "加快剩余助餐点建设，通过政府购买服务引入专业社会组织参与日间照料中心运营。"),
    ),
    footer="项目负责人：　　　　财务负责人：　　　　填报日期：2023年3月6日",
    landscape=True,
)

_DECL_FUNDS = ("中期资金总额", "年度资金总额", "备注")

TARGET_2024 = LayoutSpec(
    spec_id="target-2024",
    layout="t2_two_tables",
    doc_type="target_declaration_project",
    fiscal_year=2024,
    title="项目支出绩效目标申报表（2024年度）",
    unit="鹤岭市图书馆",
    supervising_dept="鹤岭市文化广电旅游局",
    project_name="城乡公共文化服务体系建设补助",
    report_date="2023-10-16",
    head=(("项目属性", "新增项目□　延续项目√"), ("项目期", "2024年1月—2026年12月")),
    funds_columns=_DECL_FUNDS,
    funds=(
        FundsLine("资金总额", ("2850.00", "960.00", "")),
        FundsLine("其中：财政拨款", ("2670.00", "900.00", "")),
        FundsLine("其他资金", ("180.00", "60.00", "社会捐赠及单位自筹")),
    ),
    goals=(
        ("中期目标（2024—2026年）", "到2026年建成覆盖全市城乡的图书馆总分馆服务体系，新建城市书房20个以上，三年累计"
         "接待读者160万人次以上，居民综合阅读率达到82%以上。"),
        ("年度目标", "2024年新建城市书房6个，新增馆藏图书3.5万册，举办公益讲座、展览120场以上，年接待读者52万人次"
         "以上，读者满意度达到92%以上。"),
    ),
    indicators=(
        _decl(_OUT, _QTY, "指标1：三年累计接待读者人次", "三年累计接待读者人次", "≥160万人次", _ge("160", "万人次"), "medium_term"),
        _decl(_OUT, _QTY, "指标2：城市书房总数", "城市书房总数", "≥20个", _ge("20", "个"), "medium_term"),
        _decl(_OUT, _QLT, "指标1：总分馆覆盖乡镇（街道）比例", "总分馆覆盖乡镇（街道）比例", "100%", _eq("100", "%"), "medium_term"),
        _decl(_OUT, _TIME, "指标1：总分馆体系建成时间", "总分馆体系建成时间", "2026年12月底前", _by("2026-12-31"), "medium_term"),
        _decl(_OUT, _COST, "指标1：项目总投资", "项目总投资", "≤2850万元", _le("2850", "万元"), "medium_term"),
        _decl(_EFF, _SOC, "指标1：居民综合阅读率", "居民综合阅读率", "≥82%", _ge("82", "%"), "medium_term"),
        _decl(_EFF, _SUST, "指标1：公共文化服务标准化水平", "公共文化服务标准化水平", "显著提升", QUALITATIVE, "medium_term"),
        _decl(_SAT, _SAT2, "指标1：读者满意度", "读者满意度", "≥95%", _ge("95", "%"), "medium_term"),
        _decl(_OUT, _QTY, "指标1：图书馆年接待读者人次", "图书馆年接待读者人次", "≥52万人次", _ge("52", "万人次"),
              note="以门禁系统统计为准"),
        _decl(_OUT, _QTY, "指标2：新增馆藏图书", "新增馆藏图书", "≥3.5万册", _ge("3.5", "万册")),
        _decl(_OUT, _QTY, "指标3：举办公益讲座、展览场次", "举办公益讲座、展览场次", "≥120场", _ge("120", "场")),
        _decl(_OUT, _QTY, "指标4：新建城市书房", "新建城市书房", "﹦6个", _eq("6", "个")),
        _decl(_OUT, _QLT, "指标1：文献编目准确率", "文献编目准确率", "≥98%", _ge("98", "%")),
        _decl(_OUT, _QLT, "指标2：数字资源可用率", "数字资源可用率", "≥99.5%", _ge("99.5", "%")),
        _decl(_OUT, _QLT, "指标3：免费开放服务规范达标率", "免费开放服务规范达标率", "100%", _eq("100", "%")),
        _decl(_OUT, _TIME, "指标1：城市书房建成投用时间", "城市书房建成投用时间", "2024年10月底前", _by("2024-10-31")),
        _decl(_OUT, _TIME, "指标2：新书上架周期", "新书上架周期", "≤15天", _le("15", "天")),
        _decl(_OUT, _COST, "指标1：城市书房单个建设成本", "城市书房单个建设成本", "≤45万元", _le("45", "万元")),
        _decl(_OUT, _COST, "指标2：公益讲座场均成本", "公益讲座场均成本", "≤0.8万元", _le("0.8", "万元")),
        _decl(_EFF, _SOC, "指标1：居民综合阅读率", "居民综合阅读率", "≥78%", _ge("78", "%"), note="第三方抽样调查"),
        _decl(_EFF, _SOC, "指标2：基层群众公共文化获得感", "基层群众公共文化获得感", "明显增强", QUALITATIVE),
        _decl(_EFF, _SOC, "指标3：未成年人阅读推广活动参与人次", "未成年人阅读推广活动参与人次", "≥8万人次", _ge("8", "万人次")),
        _decl(_EFF, _SUST, "指标1：总分馆服务体系运行机制", "总分馆服务体系运行机制", "持续完善", QUALITATIVE),
        _decl(_SAT, _SAT2, "指标1：读者满意度", "读者满意度", "≥92%", _ge("92", "%"), note="年度读者问卷调查"),
    ),
    closing=(
        ("主管部门审核意见", "同意申报。项目绩效目标与部门职能相符，指标设置基本合理。"),
        ("财政部门审核意见", "经审核，绩效目标明确、指标可衡量，同意纳入2024年预算安排。"),
    ),
    footer="填报单位（盖章）：鹤岭市图书馆　　填报日期：2023年10月16日",
)

TARGET_SINGLE_2025 = LayoutSpec(
    spec_id="target-single-2025",
    layout="t2_single_table",
    doc_type="target_declaration_project",
    fiscal_year=2025,
    title="项目支出绩效目标申报表（2025年度）",
    unit="沅北县城市更新服务中心",
    supervising_dept="沅北县住房和城乡建设局",
    project_name="城镇老旧小区改造配套基础设施建设",
    report_date="2024-10-22",
    head=(("项目属性", "新增项目√　延续项目□"), ("项目期", "三年（2025—2027年）")),
    funds_columns=("中期资金总额", "年度资金总额"),
    funds=(
        FundsLine("资金总额", ("8640.00", "2890.00")),
        FundsLine("其中：财政拨款", ("7920.00", "2650.00")),
        FundsLine("其他资金", ("720.00", "240.00")),
    ),
    goals=(
        ("长期目标", "2025—2027年完成96个2000年底前建成的老旧小区改造，惠及居民1.8万户以上，改造供排水管网120公里"
         "以上，同步建立小区长效管理机制。"),
        ("年度目标", "2025年完成32个老旧小区改造，惠及居民6,200户以上，改造供排水管网42公里以上，加装电梯40部"
         "以上，年度改造任务完工率达到90%以上。"),
    ),
    indicators=(
        _decl(_OUT, _QTY, "改造老旧小区数量", "改造老旧小区数量", "≥96个", _ge("96", "个"), "medium_term"),
        _decl(_OUT, _QTY, "年度改造老旧小区数量", "年度改造老旧小区数量", "≥32个", _ge("32", "个")),
        _decl(_OUT, _QTY, "惠及居民户数", "惠及居民户数", "≥1.8万户", _ge("1.8", "万户"), "medium_term"),
        _decl(_OUT, _QTY, "年度惠及居民户数", "年度惠及居民户数", "≥6,200户", _ge("6200", "户")),
        _decl(_OUT, _QTY, "改造供排水管网长度", "改造供排水管网长度", "≥120公里", _ge("120", "公里"), "medium_term"),
        _decl(_OUT, _QTY, "年度改造供排水管网长度", "年度改造供排水管网长度", "≥42公里", _ge("42", "公里")),
        _decl(_OUT, _QTY, "加装电梯数量", "加装电梯数量", "≥40部", _ge("40", "部")),
        _decl(_OUT, _QLT, "改造工程验收合格率", "改造工程验收合格率", "100%", _eq("100", "%"), "medium_term"),
        _decl(_OUT, _QLT, "竣工验收合格率", "竣工验收合格率", "100%", _eq("100", "%")),
        _decl(_OUT, _QLT, "燃气管道安全隐患整改率", "燃气管道安全隐患整改率", "100%", _eq("100", "%")),
        _decl(_OUT, _TIME, "改造任务完成时间", "改造任务完成时间", "2027年12月底前", _by("2027-12-31"), "medium_term"),
        _decl(_OUT, _TIME, "年度项目开工时间", "年度项目开工时间", "2025年6月底前", _by("2025-06-30")),
        _decl(_OUT, _TIME, "年度改造任务完工率", "年度改造任务完工率", "≥90%", _ge("90", "%")),
        _decl(_OUT, _COST, "户均改造投资", "户均改造投资", "≤4.5万元", _le("4.5", "万元"), "medium_term"),
        _decl(_OUT, _COST, "户均改造投资", "户均改造投资", "≤4.5万元", _le("4.5", "万元")),
        _decl(_OUT, _COST, "项目管理费占比", "项目管理费占比", "≤2%", _le("2", "%")),
        _decl(_EFF, _ECON, "带动就业人数", "带动就业人数", "≥300人", _ge("300", "人")),
        _decl(_EFF, _SOC, "居住环境改善程度", "居住环境改善程度", "明显改善", QUALITATIVE, "medium_term"),
        _decl(_EFF, _SOC, "小区公共服务设施配套率", "小区公共服务设施配套率", "≥85%", _ge("85", "%")),
        _decl(_EFF, _SOC, "居民居住环境", "居民居住环境", "有所改善", QUALITATIVE),
        _decl(_EFF, _ECO, "小区绿化覆盖率", "小区绿化覆盖率", "≥30%", _ge("30", "%"), "medium_term"),
        _decl(_EFF, _ECO, "新增绿化面积", "新增绿化面积", "≥3.6万平方米", _ge("3.6", "万平方米")),
        _decl(_EFF, _SUST, "长效管理机制覆盖率", "长效管理机制覆盖率", "100%", _eq("100", "%"), "medium_term"),
        _decl(_EFF, _SUST, "物业管理覆盖率", "物业管理覆盖率", "≥80%", _ge("80", "%")),
        _decl(_SAT, _SAT2, "居民满意度", "居民满意度", "≥90%", _ge("90", "%"), "medium_term"),
        _decl(_SAT, _SAT2, "居民满意度", "居民满意度", "≥90%", _ge("90", "%")),
    ),
    closing=(("主管部门审核意见", "同意申报。"), ("财政部门审核意见", "同意，按年度计划分年安排资金。")),
    footer="填报单位（盖章）：沅北县城市更新服务中心　　填报日期：2024年10月22日",
    landscape=True,
)

_TICK, _CROSS = "√", "×"

MONITORING_2023 = LayoutSpec(
    spec_id="monitoring-2023",
    layout="t4_monitoring",
    doc_type="monitoring_project",
    fiscal_year=2023,
    title="项目支出绩效运行监控表（2023年1-7月）",
    unit="松岗县森林消防大队",
    supervising_dept="松岗县林业局",
    project_name="森林草原防灭火能力提升项目",
    report_date="2023-08-09",
    head=(("监控期间", "2023年1月1日—7月31日"),),
    funds_columns=("年初预算数", "全年预算数", "1-7月执行数", "执行率", "序时进度", "全年预计执行数"),
    funds=(
        FundsLine("年度资金总额", ("1480.00", "1526.00", "802.36", "52.58%", "58.33%", "1498.60")),
        FundsLine("其中：财政拨款", ("1380.00", "1426.00", "742.56", "52.07%", "58.33%", "1400.00")),
        FundsLine("上年结转资金", ("100.00", "100.00", "59.80", "59.80%", "58.33%", "98.60")),
        FundsLine("其他资金", ("0.00", "0.00", "0.00", "—", "—", "0.00")),
    ),
    goals=(
        ("年度目标", "新建生物防火隔离带45公里以上，新建瞭望监测塔4座，购置防火物资装备1500件，开展防火宣传活动60场"
         "以上，全年森林火灾受害率控制在0.9‰以内。"),
        ("1-7月执行情况", "已建成生物防火隔离带28.6公里，防火物资装备全部采购到位，开展宣传活动31场；瞭望监测塔因用地"
         "手续未办结尚未开工，1-7月未发生较大森林火灾。"),
    ),
    indicators=(
        _mon(_OUT, _QTY, "新建生物防火隔离带", "≥45公里", _ge("45", "公里"), "28.6公里", _eq("28.6", "公里"), Monitoring("46公里")),
        _mon(_OUT, _QTY, "购置防火物资装备", "1500件", _eq("1500", "件"), "1500件", _eq("1500", "件"), Monitoring("1500件")),
        _mon(_OUT, _QTY, "开展防火宣传活动", "≥60场", _ge("60", "场"), "31场", _eq("31", "场"), Monitoring("62场")),
        _mon(_OUT, _QTY, "培训专业扑火队员", "≥320人次", _ge("320", "人次"), "326人次", _eq("326", "人次"), Monitoring("360人次")),
        _mon(_OUT, _QTY, "更新风力灭火机等扑火机具", "≥200台", _ge("200", "台"), "120台", _eq("120", "台"), Monitoring("200台")),
        _mon(_OUT, _QTY, "新建瞭望监测塔", "4座", _eq("4", "座"), "0座", _eq("0", "座"),
             Monitoring("3座", (None, None, None, None, "用地手续未办结"), "possible",
                        "协调自然资源部门加快用地预审，9月底前完成选址调整并开工建设。"),
             "1座瞭望塔选址涉及永久基本农田，需调整选址后重新办理用地手续。"),
        _mon(_OUT, _QLT, "防火物资装备验收合格率", "100%", _eq("100", "%"), "100%", _eq("100", "%"), Monitoring("100%")),
        _mon(_OUT, _QLT, "火情监测预警覆盖率", "≥90%", _ge("90", "%"), "82%", _eq("82", "%"),
             Monitoring("91%", (None, None, None, True, None), "possible", "9月前完成新增12个视频监控点位安装调试。"),
             "北部林区视频监控点位建设滞后，部分区域存在监测盲区。"),
        _mon(_OUT, _TIME, "火情报告响应时间", "≤30分钟", _le("30", "分钟"), "22分钟", _eq("22", "分钟"), Monitoring("25分钟")),
        _mon(_OUT, _TIME, "隔离带建设完成时间", "2023年11月底前", _by("2023-11-30"), "按计划推进", QUALITATIVE,
             Monitoring("2023年11月20日")),
        _mon(_OUT, _COST, "隔离带每公里建设成本", "≤3.2万元", _le("3.2", "万元"), "3.05万元", _eq("3.05", "万元"), Monitoring("3.1万元")),
        _mon(_EFF, _SOC, "森林火灾受害率", "≤0.9‰", _le("0.9", "‰"), "0.12‰", _eq("0.12", "‰"), Monitoring("≤0.9‰")),
        _mon(_EFF, _SOC, "群众防火安全意识", "明显提高", QUALITATIVE, "有所提高", QUALITATIVE, Monitoring("明显提高")),
        _mon(_EFF, _ECO, "森林覆盖率", "≥68.5%", _ge("68.5", "%"), "68.6%", _eq("68.6", "%"), Monitoring("68.6%")),
        _mon(_EFF, _SUST, "专业扑火队伍建设", "持续加强", QUALITATIVE, "持续加强", QUALITATIVE, Monitoring("持续加强")),
        _mon(_EFF, _SUST, "护林员巡护到岗率", "≥98%", _ge("98", "%"), "94%", _eq("94", "%"),
             Monitoring("96%", (False, False, True, False, None), "impossible", "8月起补聘护林员12名，推行巡护轨迹APP考核。"),
             "部分护林员年龄偏大，雨季巡护到岗不稳定。"),
        _mon(_SAT, _SAT2, "林区群众满意度", "≥90%", _ge("90", "%"), "—", None, Monitoring("≥90%"),
             "满意度调查安排在第四季度开展。"),
    ),
    footer="填报人：综合股　　联系电话：（略）　　填报日期：2023年8月9日",
    landscape=True,
)

_DEPT_DECISION, _DEPT_PROCESS, _DEPT_OUTPUT, _DEPT_EFFECT = "部门决策", "部门管理", "部门产出", "部门效果"

DEPARTMENT_2022 = LayoutSpec(
    spec_id="department-2022",
    layout="t3_department",
    doc_type="self_eval_dept",
    fiscal_year=2022,
    title="部门整体支出绩效自评表（2022年度）",
    unit="蓼城区市场监督管理局",
    supervising_dept=None,
    project_name=None,
    report_date="2023-03-20",
    head=(("预算编码", "218001"), ("人员编制（人）", "96"), ("实有人数（人）", "91")),
    tasks=(
        ("食品安全监管", "开展食品安全监督抽检、风险监测和校园食品安全专项整治", "386.00", "372.45"),
        ("特种设备安全监察", "特种设备定期检验、隐患排查和应急演练", "142.00", "138.20"),
        ("市场主体登记服务", "企业开办“一网通办”、个体工商户年报和信用监管", "96.50", "91.30"),
    ),
    funds_columns=_T1_FUNDS,
    funds=(
        FundsLine("年度资金总额", ("3268.40", "3412.80", "3358.16", "10", "98.40%", "9.84")),
        FundsLine("按收入性质分：一般公共预算", ("3120.40", "3264.80", "3215.36", "/", "/", "/")),
        FundsLine("政府性基金预算", ("0.00", "0.00", "0.00", "/", "/", "/")),
        FundsLine("单位资金", ("148.00", "148.00", "142.80", "/", "/", "/")),
        FundsLine("按支出性质分：基本支出", ("2480.10", "2536.30", "2520.14", "/", "/", "/")),
        FundsLine("项目支出", ("788.30", "876.50", "838.02", "/", "/", "/")),
    ),
    goals=(
        ("预期目标", "全年完成食品安全监督抽检3600批次以上，特种设备定期检验率100%，投诉举报按时办结率98%以上，"
         "食品安全评价性抽检合格率不低于98%，营造安全放心的消费环境和公平有序的市场环境。"),
        ("实际完成情况", "全年完成食品安全监督抽检3,812批次，特种设备定期检验全部完成，投诉举报按时办结率96.5%，"
         "食品安全评价性抽检合格率98.7%，全区市场主体净增长7.9%。"),
    ),
    indicators=(
        _t1(_DEPT_DECISION, "目标设定", "绩效目标合理性", "合理", QUALITATIVE, "合理", QUALITATIVE, "3", "3"),
        _t1(_DEPT_DECISION, "目标设定", "绩效指标明确性", "明确", QUALITATIVE, "明确", QUALITATIVE, "3", "3"),
        _t1(_DEPT_DECISION, "预算编制", "预算编制科学性", "科学", QUALITATIVE, "较科学", QUALITATIVE, "3", "2.5",
            "部分专项经费测算依据不充分，年中追加调整较多；将细化项目支出测算标准，提高年初预算到位率。"),
        _t1(_DEPT_DECISION, "预算编制", "基本支出足额保障率", "100%", _eq("100", "%"), "100%", _eq("100", "%"), "3", "3"),
        _t1(_DEPT_PROCESS, "资金管理", "结转结余率", "≤5%", _le("5", "%"), "3.8%", _eq("3.8", "%"), "3", "3"),
        _t1(_DEPT_PROCESS, "资金管理", "“三公经费”控制率", "≤100%", _le("100", "%"), "86.4%", _eq("86.4", "%"), "3", "3"),
        _t1(_DEPT_PROCESS, "资金管理", "政府采购执行率", "100%", _eq("100", "%"), "100%", _eq("100", "%"), "2", "2"),
        _t1(_DEPT_PROCESS, "资产管理", "固定资产利用率", "≥90%", _ge("90", "%"), "95.6%", _eq("95.6", "%"), "2", "2"),
        _t1(_DEPT_PROCESS, "资产管理", "资产管理制度健全性", "健全", QUALITATIVE, "健全", QUALITATIVE, "2", "2"),
        _t1(_DEPT_PROCESS, "内控管理", "内部控制制度执行有效性", "有效", QUALITATIVE, "有效", QUALITATIVE, "3", "3"),
        _t1(_DEPT_PROCESS, "内控管理", "预决算信息公开及时率", "100%", _eq("100", "%"), "100%", _eq("100", "%"), "3", "3"),
        _t1(_DEPT_OUTPUT, "产出数量", "食品安全监督抽检批次", "≥3,600批次", _ge("3600", "批次"), "3,812批次",
            _eq("3812", "批次"), "6", "6"),
        _t1(_DEPT_OUTPUT, "产出数量", "特种设备定期检验完成率", "100%", _eq("100", "%"), "100%", _eq("100", "%"), "4", "4"),
        _t1(_DEPT_OUTPUT, "产出数量", "新登记市场主体户数", "≥5000户", _ge("5000", "户"), "5326户", _eq("5326", "户"), "3", "3"),
        _t1(_DEPT_OUTPUT, "产出质量", "抽检不合格食品核查处置率", "100%", _eq("100", "%"), "100%", _eq("100", "%"), "5", "5"),
        _t1(_DEPT_OUTPUT, "产出质量", "行政处罚案件办结率", "≥95%", _ge("95", "%"), "97.2%", _eq("97.2", "%"), "4", "4"),
        _t1(_DEPT_OUTPUT, "产出时效", "投诉举报按时办结率", "≥98%", _ge("98", "%"), "96.5%", _eq("96.5", "%"), "5", "4.92",
            "年中12315热线话务量激增，部分投诉举报超期办结；已增配话务及调解人员，实行超期预警。"),
        _t1(_DEPT_OUTPUT, "产出时效", "企业开办办理时限", "≤1个工作日", _le("1", "个工作日"), "0.5个工作日",
            _eq("0.5", "个工作日"), "3", "3"),
        _t1(_DEPT_EFFECT, "履职效益", "食品安全评价性抽检合格率", "≥98%", _ge("98", "%"), "98.7%", _eq("98.7", "%"), "8", "8"),
        _t1(_DEPT_EFFECT, "履职效益", "全区市场主体净增长率", "≥6%", _ge("6", "%"), "7.9%", _eq("7.9", "%"), "6", "6"),
        _t1(_DEPT_EFFECT, "履职效益", "重大食品安全事故发生起数", "0起", _eq("0", "起"), "0起", _eq("0", "起"), "6", "6"),
        _t1(_DEPT_EFFECT, "可持续发展能力", "智慧监管平台覆盖率", "≥80%", _ge("80", "%"), "83%", _eq("83", "%"), "4", "4"),
        _t1(_DEPT_EFFECT, _SAT2, "企业和群众满意度", "≥90%", _ge("90", "%"), "93.1%", _eq("93.1", "%"), "6", "6"),
    ),
    execution=("10", "98.40%", "9.84"),
    total=("100", "99.26"),
    footer="填报单位（盖章）：蓼城区市场监督管理局　　填报日期：2023年3月20日",
)

LAYOUT_SPECS: tuple[LayoutSpec, ...] = (
    NATIONAL_2023,
    SPLIT_2022,
    TARGET_2024,
    TARGET_SINGLE_2025,
    MONITORING_2023,
    DEPARTMENT_2022,
)


def layout_errors(spec: LayoutSpec) -> list[str]:
    """Self-checks of a hand-written layout spec; an empty list means it is consistent.

    Split cells join to target_raw; ★ rows are core and their name is the 三级 text without it;
    monitoring cells exactly on to_date rows; 0 <= score <= weight with a deviation reason when
    points were lost (C05, C11); weights and scores add up to the 总分/合计 row (C06, C07); a
    single-table declaration pairs every 长期 indicator with the 年度 one that follows it.
    """
    errors: list[str] = []
    for ind in spec.indicators:
        name = ind.name or ind.level3
        if ind.split is not None and "".join(ind.split) != ind.target_raw:
            errors.append(f"{name}: split cells do not join to {ind.target_raw!r}")
        if ("★" in ind.level3) != ind.is_core or name not in ind.level3 or "★" in name:
            errors.append(f"{name}: core mark or name does not match the 三级 cell {ind.level3!r}")
        if (ind.monitoring is not None) != (ind.period == "to_date"):
            errors.append(f"{name}: monitoring cells and period {ind.period} disagree")
        if ind.weight is not None and ind.score is not None:
            if not Decimal(0) <= Decimal(ind.score) <= Decimal(ind.weight):
                errors.append(f"C05 {name}: score {ind.score} outside 0..{ind.weight}")
            if Decimal(ind.score) < Decimal(ind.weight) and not ind.deviation:
                errors.append(f"C11 {name}: points lost without a deviation reason")
    if spec.total is not None and spec.execution is not None:
        weight, _rate, score = spec.execution
        weights = sum((Decimal(i.weight or 0) for i in spec.indicators), Decimal(weight))
        scores = sum((Decimal(i.score or 0) for i in spec.indicators), Decimal(score))
        if weights != Decimal(spec.total[0]):
            errors.append(f"C06 weights add up to {weights}, not {spec.total[0]}")
        if scores != Decimal(spec.total[1]):
            errors.append(f"C07 scores add up to {scores}, not {spec.total[1]}")
    if spec.layout == "t2_single_table":
        for prev, ind in zip(spec.indicators, spec.indicators[1:] + (None,)):
            if prev.period == "medium_term" and (ind is None or ind.period != "annual" or ind.level1 != prev.level1):
                errors.append(f"{prev.name}: a 长期 indicator must be followed by its row's 年度 indicator")
    return errors


# -- the forms as grids ------------------------------------------------------------------------

_L, _P = "label", "prose"


@dataclass(frozen=True)
class TablePart:
    """One table of a form (all tables of a form share its column grid); the first header_rows
    rows repeat at the top of every page the table continues on."""

    cells: tuple[GridCell, ...]
    n_rows: int
    header_rows: int = 0


def _cells(r: int, c: int, *items: tuple) -> list[GridCell]:
    """Cells of row r from column c, left to right; an item is (text, colspan[, kind[, rowspan]])."""
    out = []
    for text, colspan, *rest in items:
        kind = rest[0] if rest else "text"
        rowspan = rest[1] if len(rest) > 1 else 1
        out.append(GridCell(r, c, text, rowspan=rowspan, colspan=colspan, kind=kind))
        c += colspan
    return out


def _value_kind(text: str) -> CellKind:
    """Money "12.30" -> amount, "97.24%" -> rate, "10" -> score (numbers in XLSX); anything else text."""
    if re.fullmatch(r"\d+\.\d{2}", text):
        return "amount"
    if re.fullmatch(r"\d+(\.\d+)?%", text):
        return "rate"
    return "score" if re.fullmatch(r"\d+(\.\d+)?", text) else "text"


def _funds_block(spec: LayoutSpec, top: int, label: str, spans: tuple[int, int, int], corner: str = "") -> list[GridCell]:
    """The funds block from row `top`: a column-header row and one row per line.

    spans: (section label, line label, each value column)."""
    label_span, line_span, value_span = spans
    cells = _cells(top, 0, (label, label_span, _L, len(spec.funds) + 1))
    cells += _cells(top, label_span, (corner, line_span, _L), *[(h, value_span, _L) for h in spec.funds_columns])
    for i, line in enumerate(spec.funds, start=1):
        values = [(v, value_span, _value_kind(v)) for v in line.values]
        cells += _cells(top + i, label_span, (line.label, line_span, _L), *values)
    return cells


def _goal_block(spec: LayoutSpec, top: int, label: str, label_span: int, spans: tuple[int, int]) -> list[GridCell]:
    """The goals block (2 rows from `top`): headings, then the prose under each."""
    cells = _cells(top, 0, (label, label_span, _L, 2))
    cells += _cells(top, label_span, *[(h, s, _L) for (h, _), s in zip(spec.goals, spans)])
    cells += _cells(top + 1, label_span, *[(t, s, _P) for (_, t), s in zip(spec.goals, spans)])
    return cells


def _body_cells(top: int, rows: Sequence[Sequence[tuple[str, CellKind]]], merges: dict[int, tuple[int, ...]]) -> list[GridCell]:
    """Indicator rows from `top`. A column in `merges` is merged down each run of rows that agree on
    the key columns it lists (itself included) and are not blank in it: 一级/二级 cells."""
    cells: list[GridCell] = []
    for c in range(len(rows[0])):
        keys = merges.get(c)
        i = 0
        while i < len(rows):
            text, kind = rows[i][c]
            j = i + 1
            if keys and text:
                while j < len(rows) and all(rows[j][k][0] == rows[i][k][0] for k in keys):
                    j += 1
            cells.append(GridCell(top + i, c, text, rowspan=j - i, kind=kind))
            i = j
    return cells


def _num(text: str | None) -> CellKind:
    return "score" if text and re.fullmatch(r"\d+(\.\d+)?", text) else "text"


def _self_eval_row(ind: LabelledIndicator) -> list[tuple[str, CellKind]]:
    """一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施."""
    return [(ind.level1, _L), (ind.level2, _L), (ind.level3, "text"), (ind.target_raw, "text"),
            (ind.actual_raw or "", "text"), (ind.weight or "", _num(ind.weight)), (ind.score or "", _num(ind.score)),
            (ind.deviation or "", _P)]


_SELF_EVAL_HEADER = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
_LEVEL_MERGES = {0: (0,), 1: (0, 1)}


def _indicator_part(header: list[GridCell], header_rows: int, rows: Sequence[Sequence[tuple[str, CellKind]]],
                    merges: dict[int, tuple[int, ...]], tail: Sequence[tuple] = ()) -> TablePart:
    """Header cells, the indicator rows under them, and an optional tail row (总分 / 合计)."""
    cells = header + _body_cells(header_rows, rows, merges)
    n_rows = header_rows + len(rows)
    if tail:
        cells += _cells(n_rows, 0, *tail)
        n_rows += 1
    return TablePart(tuple(cells), n_rows, header_rows)


def _total_tail(spec: LayoutSpec, label: str, label_span: int) -> tuple[tuple, ...]:
    weight, score = spec.total or ("", "")
    return ((label, label_span, _L), (weight, 1, "score"), (score, 1, "score"), ("", 1))


def _national_form(spec: LayoutSpec) -> tuple[tuple[int, ...], list[TablePart]]:
    head = _cells(0, 0, ("项目名称", 1, _L), (spec.project_name, 7))
    head += _cells(1, 0, ("主管部门", 1, _L), (spec.supervising_dept, 3), ("实施单位", 1, _L), (spec.unit, 3))
    head += _funds_block(spec, 2, "项目资金（万元）", (1, 1, 1))
    top = 3 + len(spec.funds)
    head += _goal_block(spec, top, "年度总体目标", 1, (3, 4))
    head += _cells(top + 2, 0, ("绩效指标", 8, _L))
    header = _cells(0, 0, *[(h, 1, _L) for h in _SELF_EVAL_HEADER])
    rows = [_self_eval_row(i) for i in spec.indicators]
    ind = _indicator_part(header, 1, rows, _LEVEL_MERGES, _total_tail(spec, "总分", 5))
    return (10, 12, 22, 13, 13, 8, 8, 28), [TablePart(tuple(head), top + 3), ind]


def _split_form(spec: LayoutSpec) -> tuple[tuple[int, ...], list[TablePart]]:
    info = dict(spec.head)
    head = _cells(0, 0, ("项目名称", 1, _L), (f"{info['项目编码']}-{spec.project_name}", 9))
    head += _cells(1, 0, ("主管部门", 1, _L), (spec.supervising_dept, 4), ("实施单位（盖章）", 2, _L), (spec.unit, 3))
    head += _funds_block(spec, 2, "预算执行情况（10分）", (1, 2, 1), corner="年度预算数（万元）")
    top = 3 + len(spec.funds)
    head += _goal_block(spec, top, "年度目标", 1, (4, 5))
    head += _cells(top + 2, 0, ("绩效指标（90分）", 10, _L))
    titles = ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析")
    rows = []
    for ind in spec.indicators:
        comp, value, unit = ind.split or ("", "", "")
        rows.append([(ind.level1, _L), (ind.level2, _L), (ind.level3, "text"), (comp, "text"), (value, "text"),
                     (unit, "text"), (ind.actual_raw or "", "text"), (ind.weight or "", _num(ind.weight)),
                     (ind.score or "", _num(ind.score)), (ind.deviation or "", _P)])
    ind_part = _indicator_part(_cells(0, 0, *[(h, 1, _L) for h in titles]), 1, rows, _LEVEL_MERGES,
                               _total_tail(spec, "合计", 7))
    closing = [c for r, (label, text) in enumerate(spec.closing) for c in _cells(r, 0, (label, 1, _L), (text, 9, _P))]
    widths = (9, 10, 22, 6, 8, 8, 9, 6, 6, 26)
    return widths, [TablePart(tuple(head), top + 3), ind_part, TablePart(tuple(closing), len(spec.closing))]


def _declaration_head(spec: LayoutSpec, n_cols: int, value_spans: tuple[int, int]) -> list[GridCell]:
    """项目名称, 主管部门/实施单位 and 项目属性/项目期 rows of a target declaration (3 rows)."""
    a, b = value_spans
    info = dict(spec.head)
    head = _cells(0, 0, ("项目名称", 1, _L), (spec.project_name, n_cols - 1))
    head += _cells(1, 0, ("主管部门", 1, _L), (spec.supervising_dept, a), ("实施单位", 1, _L), (spec.unit, b))
    head += _cells(2, 0, ("项目属性", 1, _L), (info["项目属性"], a), ("项目期", 1, _L), (info["项目期"], b))
    return head


def _closing_part(spec: LayoutSpec, n_cols: int) -> TablePart:
    cells = [c for r, (label, text) in enumerate(spec.closing) for c in _cells(r, 0, (label, 1, _L), (text, n_cols - 1, _P))]
    return TablePart(tuple(cells), len(spec.closing))


def _two_tables_form(spec: LayoutSpec) -> tuple[tuple[int, ...], list[TablePart]]:
    head = _declaration_head(spec, 5, (1, 2))
    head += _funds_block(spec, 3, "项目资金（万元）", (1, 1, 1), corner="资金来源")
    top = 4 + len(spec.funds)
    head += _goal_block(spec, top, "总体目标", 1, (2, 2))
    parts = [TablePart(tuple(head), top + 2)]
    captions = {"medium_term": "中期绩效指标", "annual": f"年度绩效指标（{spec.fiscal_year}年）"}
    for period, caption in captions.items():
        header = _cells(0, 0, (caption, 5, _L)) + _cells(1, 0, *[(h, 1, _L) for h in ("一级指标", "二级指标", "三级指标", "指标值", "备注")])
        rows = [[(i.level1, _L), (i.level2, _L), (i.level3, "text"), (i.target_raw, "text"), (i.note, _P)] for i in spec.rows(period)]
        parts.append(_indicator_part(header, 2, rows, _LEVEL_MERGES))
    return (10, 14, 34, 18, 20), parts + [_closing_part(spec, 5)]


def _single_table_form(spec: LayoutSpec) -> tuple[tuple[int, ...], list[TablePart]]:
    head = _declaration_head(spec, 7, (2, 3))
    head += _funds_block(spec, 3, "项目资金（万元）", (1, 2, 2), corner="资金来源")
    top = 4 + len(spec.funds)
    head += _goal_block(spec, top, "总体目标", 1, (3, 3))
    titles = ("一级指标", "二级指标（长期）", "三级指标（长期）", "指标值（长期）", "二级指标（年度）", "三级指标（年度）", "指标值（年度）")
    header = _cells(0, 0, ("绩效指标", 7, _L)) + _cells(1, 0, *[(h, 1, _L) for h in titles])
    rows, pending = [], None
    for ind in spec.indicators:
        if ind.period == "medium_term":
            pending = ind
            continue
        long = [(pending.level2, _L), (pending.level3, "text"), (pending.target_raw, "text")] if pending else [("", "text")] * 3
        rows.append([(ind.level1, _L), *long, (ind.level2, _L), (ind.level3, "text"), (ind.target_raw, "text")])
        pending = None
    ind_part = _indicator_part(header, 2, rows, {0: (0,), 1: (0, 1), 4: (0, 4)})
    return (9, 10, 22, 13, 10, 22, 13), [TablePart(tuple(head), top + 2), ind_part, _closing_part(spec, 7)]


def _cause_text(cause: Cause) -> str:
    """A deviation-cause cell: a tick, a cross, the text it holds, or blank."""
    if cause is True:
        return _TICK
    if cause is False:
        return _CROSS
    return cause or ""


def _monitoring_form(spec: LayoutSpec) -> tuple[tuple[int, ...], list[TablePart]]:
    info = dict(spec.head)
    head = _cells(0, 0, ("项目名称", 2, _L), (spec.project_name, 6), ("主管部门", 3, _L), (spec.supervising_dept, 5))
    head += _cells(1, 0, ("实施单位", 2, _L), (spec.unit, 6), ("监控期间", 3, _L), (info["监控期间"], 5))
    head += _funds_block(spec, 2, "项目资金（万元）", (2, 2, 2))
    top = 3 + len(spec.funds)
    head += _goal_block(spec, top, "年度总体目标", 2, (7, 7))
    single = ("一级指标", "二级指标", "三级指标", "年度指标值", "1-7月执行情况", "全年预计完成情况")
    header = _cells(0, 0, *[(h, 1, _L, 2) for h in single], ("偏差原因分析", 5, _L), ("完成目标可能性", 3, _L),
                    ("原因说明", 1, _L, 2), ("纠偏措施", 1, _L, 2))
    header += _cells(1, 6, *[(h, 1, _L) for h in CAUSE_HEADERS], *[(h, 1, _L) for _, h in LIKELIHOOD_HEADERS])
    rows = []
    for ind in spec.indicators:
        mon = ind.monitoring or Monitoring("")
        causes = [(_cause_text(c), "text") for c in mon.causes]
        likely = [(_TICK if mon.likelihood == key else "", "text") for key, _ in LIKELIHOOD_HEADERS]
        rows.append([(ind.level1, _L), (ind.level2, _L), (ind.level3, "text"), (ind.target_raw, "text"),
                     (ind.actual_raw or "", "text"), (mon.full_year_forecast_raw, "text"), *causes, *likely,
                     (ind.deviation or "", _P), (mon.corrective_text or "", _P)])
    widths = (7, 8, 16, 9, 9, 9, 5, 5, 5, 5, 5, 5, 5, 5, 16, 18)
    return widths, [TablePart(tuple(head), top + 2), _indicator_part(header, 2, rows, _LEVEL_MERGES)]


def _department_form(spec: LayoutSpec) -> tuple[tuple[int, ...], list[TablePart]]:
    info = dict(spec.head)
    head = _cells(0, 0, ("部门（单位）名称", 2, _L), (spec.unit, 3), ("预算编码", 1, _L), (info["预算编码"], 2))
    head += _cells(1, 0, ("人员编制（人）", 2, _L), (info["人员编制（人）"], 3), ("实有人数（人）", 1, _L), (info["实有人数（人）"], 2))
    n_tasks = len(spec.tasks)
    head += _cells(2, 0, ("年度主要任务", 1, _L, n_tasks + 1), ("任务名称", 2, _L), ("主要内容", 3, _L),
                   ("预算数（万元）", 1, _L), ("执行数（万元）", 1, _L))
    for i, (name, content, budget, executed) in enumerate(spec.tasks, start=3):
        head += _cells(i, 1, (name, 2), (content, 3, _P), (budget, 1, "amount"), (executed, 1, "amount"))
    top = 3 + n_tasks
    head += _funds_block(spec, top, "年度部门整体支出（万元）", (1, 1, 1))
    top += 1 + len(spec.funds)
    head += _goal_block(spec, top, "年度总体目标", 1, (3, 4))
    header = _cells(0, 0, ("年度绩效指标", 8, _L)) + _cells(1, 0, *[(h, 1, _L) for h in _SELF_EVAL_HEADER])
    rows = [_self_eval_row(i) for i in spec.indicators]
    ind = _indicator_part(header, 2, rows, _LEVEL_MERGES, _total_tail(spec, "总分", 5))
    return (9, 11, 22, 13, 13, 6, 6, 26), [TablePart(tuple(head), top + 2), ind]


_FORMS = {
    "t1_national": _national_form,
    "t1_split": _split_form,
    "t2_two_tables": _two_tables_form,
    "t2_single_table": _single_table_form,
    "t4_monitoring": _monitoring_form,
    "t3_department": _department_form,
}


def layout_form(spec: LayoutSpec) -> tuple[tuple[int, ...], list[TablePart]]:
    """The form of a layout spec: its column widths (characters) and its tables, top to bottom."""
    return _FORMS[spec.layout](spec)


def _form_caption(spec: LayoutSpec) -> tuple[str, str]:
    return f"填报单位（盖章）：{spec.unit}", "单位：万元"


# -- writers -----------------------------------------------------------------------------------


_KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid"}


def _drop_optional_parts(doc: DocxDocument) -> None:
    """Keep the package small: drop the parts the form does not use (stylesWithEffects, thumbnail,
    customXml, numbering), the latent-style table and every style but the few the form uses."""
    unused = ("/stylesWithEffects", "/metadata/thumbnail", "/customXml", "/numbering")
    for rels in (doc.part.rels, doc.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype.endswith(unused):
                del rels[r_id]
    styles = doc.styles.element
    for el in list(styles):
        if el.tag == qn("w:latentStyles") or (el.tag == qn("w:style") and el.get(qn("w:styleId")) not in _KEPT_STYLES):
            styles.remove(el)


def write_layout_docx(spec: LayoutSpec, path: str | Path) -> Path:
    """Write a layout form as DOCX: title, caption, its tables (indicator header rows repeat on every
    page), footer line, and a "第 N 页" page footer."""
    widths, parts = layout_form(spec)
    doc = new_docx()
    _style_fonts(doc)
    section = doc.sections[0]
    if spec.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    text_cm = (29.7 if spec.landscape else 21.0) - 4.0
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("第 ").font.size = Pt(10.5)
    _add_page_field(foot)
    foot.add_run(" 页").font.size = Pt(10.5)
    _core_properties(doc, spec)  # type: ignore[arg-type]
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(spec.title)
    run.font.size, run.bold = Pt(16), True
    _set_rfonts(run._r, CJK_SANS)
    left, right = _form_caption(spec)
    caption = doc.add_paragraph()
    caption.add_run(f"{left}　　　　{right}").font.size = Pt(10.5)
    cm = [w * text_cm / sum(widths) for w in widths]
    for part in parts:
        _add_grid_table(doc, part.cells, part.n_rows, cm, part.header_rows)
    doc.add_paragraph().add_run(spec.footer).font.size = Pt(10.5)
    _drop_optional_parts(doc)
    out = Path(path)
    doc.save(str(out))
    _freeze_zip(out, spec.report_date)
    return out


def write_layout_xlsx(spec: LayoutSpec, path: str | Path) -> Path:
    """Write a layout form on one sheet: title and caption rows, its tables stacked, the footer line."""
    widths, parts = layout_form(spec)
    n = len(widths)
    wb, ws = _new_sheet(spec.title.split("（")[0], widths)
    left, right = _form_caption(spec)
    top_cells = [GridCell(0, 0, spec.title, colspan=n, kind="title"), GridCell(1, 0, left, colspan=n - 2, kind="caption"),
                 GridCell(1, n - 2, right, colspan=2, kind="caption")]
    top = _write_grid(ws, top_cells, 2, 1, widths)
    for part in parts:
        top = _write_grid(ws, part.cells, part.n_rows, top, widths)
    _write_grid(ws, [GridCell(0, 0, spec.footer, colspan=n, kind="caption")], 1, top, widths)
    return _save_workbook(wb, path, spec)  # type: ignore[arg-type]


_RL_FONT = "STSong-Light"


def write_layout_pdf(spec: LayoutSpec, path: str | Path) -> Path:
    """Write a layout form as PDF with reportlab (STSong-Light CID font, byte-stable output).

    The tables are drawn as one ruled grid; each indicator table repeats its header rows on every
    page it continues on (repeatRows), and a merged 一级/二级 cell that reaches past the page break
    is split there, its text staying on the first page.
    """
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    class WordTable(Table):
        """Breaks across pages like a word processor: a merged cell is cut at the page break, its
        text staying in the part above (reportlab on its own never breaks inside a row span)."""

        def _getFirstPossibleSplitRowPosition(self, availHeight: float, ignoreSpans: int = 0) -> int:  # noqa: N802, N803
            return super()._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans=1)

    if _RL_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_RL_FONT))
    page = landscape(A4) if spec.landscape else A4
    widths, parts = layout_form(spec)
    col_w = [w * (page[0] - 100) / sum(widths) for w in widths]
    size = 7 if spec.landscape else 8
    align = {"left": 0, "center": 1, "right": 2}
    cell_style = {h: ParagraphStyle(f"cell-{h}", fontName=_RL_FONT, fontSize=size, leading=size + 3, alignment=a,
                                    wordWrap="CJK") for h, a in align.items()}
    text = ParagraphStyle("text", fontName=_RL_FONT, fontSize=10, leading=16)
    left, right = _form_caption(spec)
    story = [
        Paragraph(escape(spec.title), ParagraphStyle("title", fontName=_RL_FONT, fontSize=16, leading=24, alignment=1)),
        Spacer(1, 6),
        Paragraph(escape(f"{left}　　　　{right}"), text),
    ]
    for part in parts:
        data: list[list[object]] = [[""] * len(widths) for _ in range(part.n_rows)]
        style: list[tuple] = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        style += [(f"{side}PADDING", (0, 0), (-1, -1), 2) for side in ("LEFT", "RIGHT")]
        for gc in part.cells:
            data[gc.row][gc.col] = Paragraph(escape(gc.text), cell_style[_horizontal(gc)])
            if gc.rowspan > 1 or gc.colspan > 1:
                style.append(("SPAN", (gc.col, gc.row), (gc.col + gc.colspan - 1, gc.row + gc.rowspan - 1)))
        story.append(WordTable(data, colWidths=col_w, repeatRows=part.header_rows, style=TableStyle(style)))
    story += [Spacer(1, 8), Paragraph(escape(spec.footer), text)]

    def page_footer(canvas, doc) -> None:  # noqa: ANN001
        canvas.saveState()
        canvas.setFont(_RL_FONT, 9)
        canvas.drawCentredString(page[0] / 2, 28, f"第 {doc.page} 页")
        canvas.restoreState()

    out = Path(path)
    template = SimpleDocTemplate(str(out), pagesize=page, leftMargin=50, rightMargin=50, topMargin=50, bottomMargin=56,
                                 title=spec.title, author=spec.unit, creator="corpora/samplegen.py", invariant=1)
    template.build(story, onFirstPage=page_footer, onLaterPages=page_footer)
    return out


# -- gold specs --------------------------------------------------------------------------------


def _value_facts(value: Value | None) -> dict[str, str | None] | None:
    return None if value is None else {"comparator": value.comparator, "value": value.value, "unit": value.unit}


def _labelled_facts(ind: LabelledIndicator) -> dict[str, object]:
    """The gold label of one indicator row."""
    mon = ind.monitoring
    monitoring = None if mon is None else {
        "progress_raw": ind.actual_raw,
        "full_year_forecast_raw": mon.full_year_forecast_raw,
        "deviation_causes": dict(zip(CAUSE_KEYS, mon.causes)),
        "likelihood": mon.likelihood,
        "corrective_text": mon.corrective_text,
    }
    return {
        "level1": ind.level1, "level2": ind.level2, "level3": ind.level3, "name": ind.name or ind.level3,
        "target_raw": ind.target_raw, "target": _value_facts(ind.target),
        "actual_raw": ind.actual_raw, "actual": _value_facts(ind.actual),
        "weight": ind.weight, "score": ind.score, "deviation": ind.deviation,
        "period": ind.period, "is_core": ind.is_core, "monitoring": monitoring,
    }


def layout_facts(spec: LayoutSpec) -> dict[str, object]:
    """What a layout form states, as plain JSON-ready data (decimal strings, 万元 for money).

    weights_sum_to_100: the indicator weights plus the budget-execution weight make the 总分/合计 row's 100.
    """
    execution = None if spec.execution is None else dict(zip(("weight", "rate", "score"), spec.execution))
    return {
        "spec_id": spec.spec_id,
        "layout": spec.layout,
        "doc_type": spec.doc_type,
        "title": spec.title,
        "fiscal_year": spec.fiscal_year,
        "unit": spec.unit,
        "supervising_dept": spec.supervising_dept,
        "project_name": spec.project_name,
        "report_date": spec.report_date,
        "head": dict(spec.head),
        "money_unit": "万元",
        "budget": {"columns": list(spec.funds_columns), "lines": [{"label": f.label, "values": list(f.values)} for f in spec.funds]},
        "tasks": [dict(zip(("name", "content", "budget", "executed"), t)) for t in spec.tasks],
        "goals": [{"label": label, "text": text} for label, text in spec.goals],
        "execution": execution,
        "total": None if spec.total is None else {"weight": spec.total[0], "score": spec.total[1]},
        "weights_sum_to_100": spec.total is not None and spec.total[0] == "100" and spec.execution is not None,
        "indicators": [_labelled_facts(i) for i in spec.indicators],
    }


def _write_layout_json(path: Path, data: dict[str, object]) -> None:
    """Like _write_json, but one indicator per line (the labels are long lists; this keeps them small)."""
    parts = []
    for key, value in data.items():
        if key == "indicators" and isinstance(value, list):
            body = ",\n".join("  " + json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in value)
            parts.append(f' "{key}": [\n{body}\n ]')
        else:
            parts.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    path.write_text("{\n" + ",\n".join(parts) + "\n}\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Gold specs and main()
# ---------------------------------------------------------------------------------------------

REPORT_FORMATS = ("docx", "pdf", "doc", "txt")
PAGED_FORMATS = ("docx", "pdf", "doc")


def _table_facts(spec: ReportSpec) -> dict[str, object]:
    """What the self-evaluation table states (all formats carry it)."""
    return {
        "spec_id": spec.spec_id,
        "fiscal_year": spec.fiscal_year,
        "table_title": spec.table_title,
        "unit": spec.unit,
        "supervising_dept": spec.supervising_dept,
        "project_name": spec.project_name,
        "project_code": spec.project_code,
        "money_unit": "万元",
        "budget": [asdict(line) for line in spec.budget],
        "execution": {"weight": "10", "rate": spec.execution_rate, "score": spec.execution_score},
        "goal": {"expected": spec.goal_expected, "actual": spec.goal_actual},
        "indicators": [asdict(ind) for ind in spec.indicators],
        "total": {"weight": "100", "score": spec.total_score},
        "grade": spec.grade if spec.wording.grade_row else None,
    }


def spec_facts(spec: ReportSpec, fmt: str) -> dict[str, object]:
    """The facts a sample of format `fmt` states, as plain JSON-ready data (decimal strings).

    XLSX holds the table only. Report formats add the title, grade, dates, problems, measures and
    the body blocks in reading order (the table stands as {"kind": "table"}); DOCX/PDF/DOC add the
    page header text and footer pattern.
    """
    facts = _table_facts(spec)
    if fmt not in REPORT_FORMATS:
        return facts
    facts |= {
        "title": spec.title,
        "grade": spec.grade,
        "indicator_score_sum": indicator_score_sum(spec),
        "report_date": spec.report_date,
        "problems": list(spec.problems),
        "measures": list(spec.measures),
        "headings": [b.text for b in report_blocks(spec) if b.kind in ("heading1", "heading2")],
        "blocks": [{"kind": b.kind, "text": b.text} if b.text else {"kind": b.kind} for b in report_blocks(spec)],
    }
    if fmt in PAGED_FORMATS:
        facts |= {"page_header": page_header_text(spec), "page_footer": PAGE_FOOTER_PATTERN}
    return facts


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


FULL_REPORTS = ("school-meal-2023", "road-maintenance-2022", "farmland-2021")
MULTI_XLSX = ("health-2024-multi", ("health-phs-2024", "health-smi-2024"))

_DESCRIPTIONS = {
    "docx": "Word report: headings, indented prose, T1 table with merged cells, header/footer PAGE field",
    "pdf": "PDF exported by LibreOffice from the DOCX (text layer, CJK fonts embedded)",
    "doc": "legacy Word 97 .doc converted by LibreOffice from the DOCX",
    "xlsx": "T1 self-evaluation table on one sheet, merged ranges, numbers formatted 0.00 / 0.00%",
    "txt": "plain text; table flattened to 'a | b | c' rows, merged cells only in their first row",
}


def _manifest_row(file: str, fmt: str, spec_id: str, note: str, layout: str = "t1_report") -> str:
    return "\t".join((file, fmt, spec_id, note, f"{file}.spec.json", layout))


def _convert_if_changed(docx_path: Path, before: bytes | None, fmt: Literal["pdf", "doc"], out: Path) -> Path:
    """Convert the DOCX with LibreOffice, unless it is byte-identical to the one already in `out` and
    the converted file is there too: LibreOffice stamps its output, so a new conversion would change
    the committed PDF/DOC although nothing in them did."""
    target = out / f"{docx_path.stem}.{fmt}"
    if before is not None and target.exists() and before == docx_path.read_bytes():
        return target
    return convert(docx_path, fmt, out)


def _write_report_set(spec: ReportSpec, out: Path) -> list[str]:
    """Write DOCX, PDF, DOC, XLSX and TXT (+ spec JSON) for one report; return manifest rows."""
    extra = {
        "road-maintenance-2022": (
            "; 16 indicator rows (the table crosses a page break in DOCX/PDF/DOC); project code prefix; 自评等级 row"
        ),
        "farmland-2021": "; missed targets with deviation reasons, grade 良 (89.68)",
    }.get(spec.spec_id, "")
    docx_path = out / f"{spec.spec_id}.docx"
    before = docx_path.read_bytes() if docx_path.exists() else None
    write_docx(spec, docx_path)
    files = {
        "docx": docx_path,
        "pdf": _convert_if_changed(docx_path, before, "pdf", out),
        "doc": _convert_if_changed(docx_path, before, "doc", out),
        "xlsx": write_xlsx(spec, out / f"{spec.spec_id}.xlsx"),
        "txt": write_txt(spec, out / f"{spec.spec_id}.txt"),
    }
    rows = []
    for fmt, path in files.items():
        _write_json(out / f"{path.name}.spec.json", {"sample": path.name, "format": fmt} | spec_facts(spec, fmt))
        rows.append(_manifest_row(path.name, fmt, spec.spec_id, _DESCRIPTIONS[fmt] + extra))
    return rows


def _write_multi(out: Path) -> str:
    """Write the stacked two-project XLSX (+ spec JSON); return its manifest row."""
    name, ids = MULTI_XLSX
    specs = [spec_by_id(i) for i in ids]
    path = write_xlsx_multi(specs, out / f"{name}.xlsx")
    _write_json(
        out / f"{path.name}.spec.json",
        {"sample": path.name, "format": "xlsx", "projects": [spec_facts(s, "xlsx") for s in specs]},
    )
    note = "two projects' T1 tables stacked on one sheet, separated by an empty row"
    return _manifest_row(path.name, "xlsx", "+".join(ids), note, "t1_multi")


_LAYOUT_FORMATS = {
    "docx": "Word form: {}; tables with gridSpan/vMerge merges, indicator header rows marked to repeat (w:tblHeader)",
    "pdf": "PDF drawn with reportlab (STSong-Light CID font): {}; the indicator table crosses a page break and its header row is repeated",
    "xlsx": "the form on one sheet: {}; merged ranges, weights and scores as numbers",
}
_LAYOUT_NOTES = {
    "t1_national": "national T1 self-evaluation table, 成本指标 as a 一级, two ★ core indicators, a 时效 deadline",
    "t1_split": "Sichuan T1 variant with 指标性质 | 指标值 | 度量单位 columns, 预算执行情况（10分） block and a 合计 row",
    "t2_two_tables": "target declaration with a 中期 and a 年度 indicator table (三级 written 指标1：…)",
    "t2_single_table": "target declaration, one table with 二级/三级/指标值 (长期) and (年度) columns side by side",
    "t4_monitoring": "1-7月 monitoring table: progress, forecast, deviation-cause checklist, likelihood, 纠偏措施",
    "t3_department": "whole-department self-evaluation (T3) with 部门决策/部门管理/部门产出/部门效果",
}


def _write_layout_set(spec: LayoutSpec, out: Path) -> list[str]:
    """Write DOCX, PDF and XLSX (+ spec JSON) of one labelled layout; return its manifest rows."""
    files = {
        "docx": write_layout_docx(spec, out / f"{spec.spec_id}.docx"),
        "pdf": write_layout_pdf(spec, out / f"{spec.spec_id}.pdf"),
        "xlsx": write_layout_xlsx(spec, out / f"{spec.spec_id}.xlsx"),
    }
    rows = []
    for fmt, path in files.items():
        _write_layout_json(out / f"{path.name}.spec.json", {"sample": path.name, "format": fmt} | layout_facts(spec))
        note = _LAYOUT_FORMATS[fmt].format(_LAYOUT_NOTES[spec.layout])
        rows.append(_manifest_row(path.name, fmt, spec.spec_id, note, spec.layout))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Write all samples, their spec JSON files and MANIFEST.tsv into --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "samples")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    bad = {s.spec_id: errs for s in SPECS if (errs := consistency_errors(s))}
    bad |= {s.spec_id: errs for s in LAYOUT_SPECS if (errs := layout_errors(s))}
    if bad:
        raise SystemExit(f"inconsistent specs: {bad}")
    rows = ["file\tformat\tspec_id\tdescription\tspec_json\tlayout"]
    for spec_id in FULL_REPORTS:
        rows += _write_report_set(spec_by_id(spec_id), out)
    rows.append(_write_multi(out))
    for layout_spec in LAYOUT_SPECS:
        rows += _write_layout_set(layout_spec, out)
    (out / "MANIFEST.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {len(rows) - 1} samples to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
