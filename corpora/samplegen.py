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
    table = doc.add_table(rows=n_rows, cols=T1_COLUMNS)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, width in enumerate(_DOCX_COL_CM):
        table.columns[i].width = Cm(width)
        for row in table.rows:
            row.cells[i].width = Cm(width)
    for row in table.rows:
        row.height = Cm(0.7)
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # rows never break across pages
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
        ws.row_dimensions[top + r].height = _xlsx_row_height([gc for gc in cells if gc.row == r])
    return top + n_rows


def _xlsx_row_height(row: Sequence[GridCell]) -> float:
    """Row height (points) that fits the wrapped single-row cells; a CJK character is 2 width units."""
    lines = 1
    for gc in row:
        if gc.rowspan > 1 or gc.kind == "title":
            continue
        width = sum(_XLSX_COL_CHARS[gc.col : gc.col + gc.colspan]) - 1
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in gc.text)
        lines = max(lines, -(-units // width))
    return 30.0 if any(gc.kind == "title" for gc in row) else 14.0 * lines + 4


def _new_sheet(title: str) -> tuple[Workbook, Worksheet]:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for i, width in enumerate(_XLSX_COL_CHARS, start=1):
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


def _manifest_row(file: str, fmt: str, spec_id: str, note: str) -> str:
    return "\t".join((file, fmt, spec_id, note, f"{file}.spec.json"))


def _write_report_set(spec: ReportSpec, out: Path) -> list[str]:
    """Write DOCX, PDF, DOC, XLSX and TXT (+ spec JSON) for one report; return manifest rows."""
    extra = {
        "road-maintenance-2022": (
            "; 16 indicator rows (the table crosses a page break in DOCX/PDF/DOC); project code prefix; 自评等级 row"
        ),
        "farmland-2021": "; missed targets with deviation reasons, grade 良 (89.68)",
    }.get(spec.spec_id, "")
    docx_path = write_docx(spec, out / f"{spec.spec_id}.docx")
    files = {
        "docx": docx_path,
        "pdf": convert(docx_path, "pdf", out),
        "doc": convert(docx_path, "doc", out),
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
    return _manifest_row(path.name, "xlsx", "+".join(ids), note)


def main(argv: Sequence[str] | None = None) -> int:
    """Write all samples, their spec JSON files and MANIFEST.tsv into --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "samples")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    bad = {s.spec_id: errs for s in SPECS if (errs := consistency_errors(s))}
    if bad:
        raise SystemExit(f"inconsistent specs: {bad}")
    rows = ["file\tformat\tspec_id\tdescription\tspec_json"]
    for spec_id in FULL_REPORTS:
        rows += _write_report_set(spec_by_id(spec_id), out)
    rows.append(_write_multi(out))
    (out / "MANIFEST.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {len(rows) - 1} samples to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
