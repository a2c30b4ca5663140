"""Problems and measures from built DOCX and PDF reports: a problem section with enumerated
items and a cause clause, a problem after 但 in the conclusion, an indicator's deviation cell
(cause → problem of scope indicator, fix → measure 改进措施), null statements, measures linked to
problems, and provenance that points back into Document.text."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as Docx

from extractor import models
from extractor.parsers import parse
from extractor.pipeline import process_file

CONCLUSION = "经综合评价，项目自评得分88分，等级为良，项目总体实施情况较好，但部分乡镇配套资金到位不及时，影响了工程整体进度。"
PROBLEMS = [
    "预算执行进度偏慢，全年执行率仅为65.2%，资金支付主要集中在第四季度，主要原因是工程招标推迟到9月才完成",
    "项目绩效目标设置不够细化，部分指标只作定性描述，难以衡量完成程度",
    "项目合同、验收记录等过程资料归档不全，部分支出凭证缺失",
]
MEASURES = [
    "加快项目实施和资金支付进度，按月对照序时进度跟踪预算执行",
    "细化量化绩效目标，参照历史数据和行业标准设置可衡量的指标值",
    "建立项目档案管理制度，及时收集整理合同、验收单等过程资料",
]
CAUSE = "受连续降雨影响，部分路段施工暂停一个月"
FIX = "下一步将合理安排施工工期，确保明年汛前完工"
IND_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
IND_ROWS = [
    ["产出指标", "数量指标", "硬化道路长度", "≥12公里", "10.5公里", "20", "17", f"{CAUSE}，{FIX}。"],
    ["产出指标", "质量指标", "工程验收合格率", "100%", "100%", "20", "20", ""],
    ["效益指标", "社会效益指标", "群众出行条件改善", "明显改善", "明显改善", "20", "20", "无"],
]


def _report_paragraphs() -> list[tuple[str, str]]:
    """(kind, text): kind is h1 for a level-1 heading, p for a paragraph."""
    return [
        ("title", "青山县交通运输局2023年度农村公路建设项目支出绩效自评报告"),
        ("h1", "一、项目基本情况"),
        ("p", "本项目年初预算数为500万元，全年执行数326万元，用于全县12公里农村公路硬化。"),
        ("h1", "二、综合评价结论"),
        ("p", CONCLUSION),
        ("h1", "三、绩效指标完成情况"),
        ("table", ""),
        ("h1", "四、存在的问题及原因分析"),
        ("p", "经自评，项目主要存在以下问题："),
        ("p", "（一）" + PROBLEMS[0] + "。"),
        ("p", "（二）" + PROBLEMS[1] + "。"),
        ("p", "（三）" + PROBLEMS[2] + "。"),
        ("h1", "五、下一步改进措施"),
        ("p", "一是" + MEASURES[0] + "；二是" + MEASURES[1] + "；三是" + MEASURES[2] + "。"),
        ("h1", "六、其他需要说明的问题"),
        ("p", "无。"),
    ]


def build_docx(path: Path) -> None:
    d = Docx()
    for kind, text in _report_paragraphs():
        if kind == "title":
            d.add_heading(text, level=0)
        elif kind == "h1":
            d.add_heading(text, level=1)
        elif kind == "table":
            t = d.add_table(rows=1 + len(IND_ROWS), cols=len(IND_HEADER))
            for r, row in enumerate([IND_HEADER] + IND_ROWS):
                for c, v in enumerate(row):
                    t.cell(r, c).text = v
        else:
            d.add_paragraph(text)
    d.save(str(path))


def build_pdf(path: Path) -> None:
    from pdfkit import FONT
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK")
    head = ParagraphStyle("head", fontName=FONT, fontSize=14, leading=22)
    title = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=26, alignment=1)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=11, wordWrap="CJK")
    story = []
    for kind, text in _report_paragraphs():
        if kind == "title":
            story += [Paragraph(text, title), Spacer(1, 10)]
        elif kind == "h1":
            story.append(Paragraph(text, head))
        elif kind == "table":
            data = [[Paragraph(c, cell) for c in r] for r in [IND_HEADER] + IND_ROWS]
            t = Table(data, colWidths=[48, 52, 70, 50, 50, 30, 30, 130])
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            story.append(t)
        else:
            story.append(Paragraph(text, body))
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=60, rightMargin=60, topMargin=60, bottomMargin=60).build(story)


@pytest.fixture(scope="module", params=["docx", "pdf"])
def report(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("problems") / f"road.{request.param}"
    (build_docx if request.param == "docx" else build_pdf)(path)
    res = process_file(path, isolate=False)
    assert res["errors"] == [] and len(res["records"]) == 1
    return request.param, parse(path), res


def _norm(s: str) -> str:
    return "".join(s.split())


def _find(items, text):
    hits = [x for x in items if _norm(x["text"]) == _norm(text)]
    assert len(hits) == 1, (text, [x["text"] for x in items])
    return hits[0]


def test_problem_section_items_with_cause_and_categories(report):
    fmt, doc, res = report
    rec = res["records"][0]
    problems = [p for p in rec["problems"] if p["scope"] != "indicator"]
    for want in PROBLEMS:
        p = _find(problems, want)
        assert p["section_path"][0].endswith("存在的问题及原因分析")
        assert p["is_null_statement"] is False and p["categories"]
        assert all(0 < c["confidence"] <= 1 and c["label"] for c in p["categories"])
    first = _find(problems, PROBLEMS[0])
    assert _norm(first["cause_text"]) == _norm("主要原因是工程招标推迟到9月才完成")
    assert "P03" in {c["code"] for c in first["categories"]}
    assert "P11" in {c["code"] for c in _find(problems, PROBLEMS[2])["categories"]}
    assert not any("以下问题" in p["text"] for p in rec["problems"])  # the announcing sentence is no problem


def test_problem_hidden_after_but_in_the_conclusion(report):
    _, _, res = report
    p = _find(res["records"][0]["problems"], "部分乡镇配套资金到位不及时，影响了工程整体进度")
    assert p["section_path"] == ["二、综合评价结论"]
    assert not any(_norm(x["text"]).startswith("经综合评价") for x in res["records"][0]["problems"])


def test_deviation_cell_gives_an_indicator_problem_and_its_fix(report):
    _, _, rec = report[0], report[1], report[2]["records"][0]
    p = _find(rec["problems"], CAUSE)
    assert p["scope"] == "indicator" and p["prov"]["table"] is not None
    m = _find(rec["measures"], FIX)
    assert m["kind"] == "改进措施" and m["addresses_problem_ids"] == [p["id"]]
    # the empty deviation cell gives nothing, the "无" one an explicit null statement of that indicator
    assert len([x for x in rec["problems"] if x["scope"] == "indicator" and not x["is_null_statement"]]) == 1
    nulls = [x for x in rec["problems"] if x["is_null_statement"]]
    assert [(x["text"], x["scope"], x["categories"]) for x in nulls] == [("无", "indicator", [])]
    assert nulls[0]["indicator_ids"] and nulls[0]["indicator_ids"] != p["indicator_ids"]


def test_a_deviation_stated_in_a_narrative_report_is_an_indicator_problem(tmp_path):
    path = tmp_path / "narrative.txt"
    path.write_text(
        "白河镇人民政府2023年度项目支出绩效自评报告\n一、绩效目标完成情况\n"
        "（一）产出指标完成情况\n"
        "一是数量指标：改造农村危房目标值120户，实际完成值96户，完成率80%，受建材价格上涨影响部分农户推迟开工，下一步将督促施工单位加快进度。\n"
        "二是质量指标：竣工验收合格率目标值100%，实际完成值100%。\n"
        "三是时效指标：工程按期完工率为90%，未发生安全责任事故。\n"
        "二、存在的问题\n部分农户自筹资金不足，影响工程进度。\n", encoding="utf-8")
    res = process_file(path, isolate=False)
    rec = res["records"][0]
    ind = {i["name"]: i for i in rec["indicators"]}
    assert any("危房" in name for name in ind), list(ind)
    house = next(i for name, i in ind.items() if "危房" in name)
    assert house["source"] == "prose" and house["deviation_text"].startswith("受建材价格上涨影响")
    dev = [p for p in rec["problems"] if p["scope"] == "indicator"]
    assert [p["text"] for p in dev] == ["受建材价格上涨影响部分农户推迟开工"]
    assert dev[0]["indicator_ids"] == [house["id"]] and dev[0]["section_path"] == ["（一）产出指标完成情况"]
    s, e = dev[0]["prov"]["char_span"]
    assert dev[0]["prov"]["quote"] == dev[0]["text"] and e - s == len(dev[0]["text"])
    fix = _find(rec["measures"], "下一步将督促施工单位加快进度")
    assert fix["indicator_ids"] == [house["id"]] and fix["addresses_problem_ids"] == [dev[0]["id"]]
    # "no accident happened" is no deviation, and the problem section's sentence keeps its scope
    timely = next(i for name, i in ind.items() if "完工率" in name)
    assert timely["deviation_text"] is None
    assert [p["scope"] for p in rec["problems"] if "自筹资金" in p["text"]] == ["project"]


def test_measures_are_linked_to_the_problems_they_address(report):
    _, _, res = report
    rec = res["records"][0]
    ids = {_norm(p["text"]): p["id"] for p in rec["problems"]}
    for want, prob in zip(MEASURES, PROBLEMS):
        m = _find(rec["measures"], want)
        assert m["kind"] == "改进措施" and m["categories"]
        assert m["addresses_problem_ids"] == [ids[_norm(prob)]]


def test_null_statement_is_one_item_without_categories(tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("某中心2023年度项目支出绩效自评报告\n一、存在的问题\n暂无。\n二、改进措施\n无\n", encoding="utf-8")
    rec = process_file(path, isolate=False)["records"][0]
    assert [(p["text"], p["is_null_statement"], p["categories"]) for p in rec["problems"]] == [("暂无", True, [])]
    assert [(m["text"], m["is_null_statement"], m["categories"]) for m in rec["measures"]] == [("无", True, [])]


def test_provenance_points_into_document_text(report):
    fmt, doc, res = report
    rec = res["records"][0]
    assert rec["problems"] and rec["measures"]
    for item in rec["problems"] + rec["measures"]:
        pv = item["prov"]
        s, e = pv["char_span"]
        assert doc.text[s:e] == item["text"]
        assert pv["quote"] == doc.text[s:e][:200]
        assert pv["extractor"].startswith("problems@") and 0 < pv["confidence"] <= 1
        if models.get("sentence") is not None:
            assert pv["method"] == "classifier" and pv["model"]["name"] == "sentence"
        if fmt == "pdf":
            assert pv["page"] >= 1 and pv["bbox"] is not None
        else:
            assert pv["paragraph_index"] is not None or pv["table"] is not None


def test_sections_are_labelled(report):
    _, _, res = report
    labels = [(s["heading"], s["label"]) for s in res["records"][0]["sections"]]
    assert labels == [("一、项目基本情况", "basic_info"), ("二、综合评价结论", "evaluation"), ("三、绩效指标完成情况", "indicators"),
                      ("四、存在的问题及原因分析", "problems"), ("五、下一步改进措施", "measures"), ("六、其他需要说明的问题", "other")]


def test_extraction_lists_the_models_it_used(report):
    _, _, res = report
    names = {m["name"] for m in res["extraction"]["models"]}
    if models.get("sentence") is None:
        pytest.skip("no trained models in models/")
    assert {"doctype", "sentence", "problem_categories", "measure_categories"} <= names
    for m in res["extraction"]["models"]:
        assert len(m["sha256"]) == 64 and m["version"] and m["task"]
    assert {e["name"] for e in res["extraction"]["extractors"]} >= {"problems", "sections", "doctype"}


# -- document type: how the title rules and the classifier combine (issue #5 follow-up) ---------

def _doc_type(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return process_file(path, isolate=False)["records"][0]["meta"]["doc_type"]


def test_a_report_quoting_the_notice_that_launched_it_is_no_circular(tmp_path):
    # the title is a report's, the opening quotes a bureau notice (关于开展…的通知, 关于印发…办法的通知)
    opening = ("根据县财政局《关于开展2023年度项目支出绩效自评工作的通知》（X财绩〔2024〕3号）和《关于印发预算绩效评价管理办法的通知》要求，"
               "我局组织人员对2023年度项目支出开展了绩效自评，现将有关情况报告如下。")
    body = ("一、项目基本情况\n项目年初预算120万元，全年支出118万元，执行率98.3%。\n二、绩效目标完成情况\n各项指标均已完成。\n"
            "三、存在的问题\n档案资料归档不够及时。\n四、改进措施\n建立档案管理制度，及时归档。\n")
    titled = f"某县农业农村局关于2023年度项目绩效自评工作的报告\n县财政局：\n{opening}\n{body}"
    assert _doc_type(tmp_path, "a.txt", titled) == "self_eval_project"
    dept = f"某县教育局2023年度部门整体支出绩效评价自评报告\n{opening}\n{body}"
    assert _doc_type(tmp_path, "b.txt", dept) == "self_eval_dept"


def test_a_circular_under_a_running_report_header_stays_a_circular(tmp_path):
    text = ("某县教育局2023年度绩效报告\n某县财政局2023年度财政重点绩效评价结果公示\n"
            "我局委托第三方机构对5个项目开展了重点绩效评价，现将评价结果公布。\n"
            "序号\t项目名称\t主管部门\t资金（万元）\t等级\n1\t农村公路养护\t某县交通运输局\t320.5\t良\n2\t学生资助\t某县教育局\t88\t优\n"
            "对评价结果有异议的，可在公示期内向我局反馈。\n某县财政局\n2024年6月3日\n")
    assert _doc_type(tmp_path, "c.txt", text) == "bureau_circular"


def test_title_genre_reads_the_last_word_of_the_title():
    from extractor.extract.doctype import title_genre

    assert title_genre("关于2023年度项目支出绩效自评抽查情况的通报\n各预算单位：\n…")[1] == "notice"
    assert title_genre("发布时间：2024-03-01 来源：办公室\n某区财政局2023年度预算绩效管理工作总结\n")[1] == "report"
    # a running header that names a report above a notice's title: the genre is left open
    assert title_genre("某局2023年度绩效报告\n关于召开绩效培训会议的通知\n") == ("", "")
    assert title_genre("一、基本情况\n项目年初预算100万元。\n") == ("", "")


def test_a_department_wide_monitoring_table_is_not_made_a_project_one(tmp_path):
    text = ("部门整体支出绩效运行监控表（2023年1-6月）\n部门名称：某县水利局    单位：万元\n"
            "资金来源\t年初预算数\t全年预算数\t1-6月执行数\t执行率\t全年预计执行数\n年度资金总额\t1200\t1180\t560\t47.46%\t1150\n"
            "一级指标\t二级指标\t三级指标\t年度指标值\t1-6月执行情况\t全年预计完成情况\t完成目标可能性\t原因说明\t纠偏措施\n"
            "产出指标\t数量指标\t河道巡查次数\t≥120次\t已完成52次\t预计完成\t确定能\t\t\n")
    assert _doc_type(tmp_path, "d.txt", text) == "monitoring_dept"
