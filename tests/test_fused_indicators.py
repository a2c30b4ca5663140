"""Self-evaluation tables whose cells a web mirror fused into running text (extract/fused_indicators.py).

Every text here is synthetic: made-up projects in the shapes such mirrors produce (spaces from
cell wrapping, page markers at line starts, level labels inline, a footnote tail)."""

from __future__ import annotations

from pathlib import Path

from extractor.pipeline import process_file

_TOP = "2023年度项目支出绩效自评表\n项目名称城乡道路养护项目主管部门某县交通运输局项目资金(万元)全年预算数全年执行数执行率年度资金总额80.0080.00100%\n"


def _indicators(tmp_path: Path, text: str, name: str = "fused.txt") -> list[dict]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    res = process_file(path, isolate=False)
    assert res["records"]
    return res["records"][0]["indicators"]


def _rows(inds: list[dict]) -> list[tuple]:
    return [(i["name"], (i["target"] or {}).get("raw"), (i["actual"] or {}).get("raw")) for i in inds]


def test_a_fused_table_with_wrapped_words_and_a_page_marker(tmp_path):
    text = _TOP + (
        "绩 效 指 标一级 指标二级 指标三级指标年度指标 值全年 完成值偏差原因分析及 改进措施"
        "产 出 指 标数量 指标养护道路里程≥120公里126公里新增 护栏长度3000米3000米质量 指标路面 完好率≥95%96%\n"
        "2、时效 指标养护任务按时 完成率100%100%效益 指标社会 效益 指标群众出行 便利度提升提升\n"
        "3、满意 度指 标服务对象满意 度指标沿线群众 满意度≥90%93%说明无注:1、本表由项目单位填报。\n"
    )
    inds = _indicators(tmp_path, text)
    assert _rows(inds) == [
        ("养护道路里程", "≥120公里", "126公里"),
        ("新增护栏长度", "3000米", "3000米"),
        ("路面完好率", "≥95%", "96%"),
        ("养护任务按时完成率", "100%", "100%"),
        ("群众出行便利度", "提升", "提升"),
        ("沿线群众满意度", "≥90%", "93%"),
    ]
    by = {i["name"]: i for i in inds}
    assert all(i["source"] == "fused_table" and 0.5 <= i["prov"]["confidence"] <= 0.6 for i in inds)
    assert (by["养护道路里程"]["level1"], by["养护道路里程"]["level2"]) == ("output", "quantity")
    assert by["养护道路里程"]["target"]["comparator"] == ">=" and by["养护道路里程"]["target"]["value"] == "120"
    assert by["养护道路里程"]["actual"]["unit"] == "公里" and by["养护道路里程"]["direction"] == "positive"
    assert by["新增护栏长度"]["level2_inherited"] and not by["养护道路里程"]["level2_inherited"]
    assert by["路面完好率"]["level2"] == "quality"
    assert by["养护任务按时完成率"]["level2"] == "timeliness"  # the page marker "2、" is not part of anything
    assert (by["群众出行便利度"]["level1"], by["群众出行便利度"]["level2"]) == ("effect", "social")
    assert by["群众出行便利度"]["actual"]["comparator"] == "qualitative"
    assert (by["沿线群众满意度"]["level1"], by["沿线群众满意度"]["level2"]) == ("satisfaction", "beneficiary_satisfaction")
    assert all(i["deviation_text"] is None for i in inds)
    # provenance quotes the source, from the name to the actual
    q = by["路面完好率"]["prov"]["quote"]
    assert q.startswith("路面 完好率") and q.endswith("96%")


def test_a_missing_actual_with_a_reason_before_a_level_label(tmp_path):
    text = _TOP + (
        "一级指标二级指标三级指标年度指标值实际完成值未完成原因和改进措施产出指标数量指标"
        "购置消防车辆2辆2辆培训消防队员300人次280人次质量指标车辆验收合格率100%无由于厂家交货延期尚未验收"
        "效益指标生态效益指标林区火灾发生次数≤1起0起满意度指标服务对象满意度指标村民满意度≥85%88%注:满意度由问卷调查得出\n"
    )
    inds = _indicators(tmp_path, text)
    by = {i["name"]: i for i in inds}
    assert set(by) == {"购置消防车辆", "培训消防队员", "车辆验收合格率", "林区火灾发生次数", "村民满意度"}
    row = by["车辆验收合格率"]
    assert row["target"]["raw"] == "100%" and row["actual"] is None  # "无", read as the table reader reads it
    assert row["deviation_text"] == "由于厂家交货延期尚未验收"
    assert by["培训消防队员"]["actual"]["value"] == "280" and by["培训消防队员"]["deviation_text"] is None
    fire = by["林区火灾发生次数"]
    assert (fire["level1"], fire["level2"]) == ("effect", "ecological")
    assert fire["target"]["comparator"] == "<=" and fire["direction"] == "reverse" and fire["actual"]["unit"] == "起"
    assert by["村民满意度"]["deviation_text"] is None  # the 注 tail ends the region


def test_text_after_an_actual_that_is_the_next_name_is_not_a_deviation(tmp_path):
    text = _TOP + (
        "三级指标指标值完成值原因分析产出指标数量指标未发放补助资金的户数0户0户受理申请办结率≥98%99%"
        "未按期办结事项占比较上年下降时效指标补助资金发放及时率100%100%\n"
    )
    inds = _indicators(tmp_path, text)
    assert _rows(inds) == [
        ("未发放补助资金的户数", "0户", "0户"),
        ("受理申请办结率", "≥98%", "99%"),
        ("补助资金发放及时率", "100%", "100%"),
    ]  # "未按期办结事项占比较上年下降" is a row whose values were not read: neither a row nor a reason
    assert all(i["deviation_text"] is None for i in inds)


def test_bare_zeros_doubled_words_and_the_new_cost_level(tmp_path):
    text = _TOP + (
        "一级指标 二级指标 三级指标 年度指标值 全年完成值 偏差原因\n"
        "产出指标 质量指标 食品抽检不合格批次 00 成本指标 经济成本指标 单位检测成本≤200元180元"
        "效益指标可持续影响指标监管长效机制健全是是满意度指标商户满意度较高较高说明:无\n"
    )
    inds = _indicators(tmp_path, text)
    by = {i["name"]: i for i in inds}
    assert by["食品抽检不合格批次"]["target"]["value"] == "0" and by["食品抽检不合格批次"]["actual"]["value"] == "0"
    cost = by["单位检测成本"]
    assert (cost["level1"], cost["level2"]) == ("cost", "economic_cost")
    assert cost["direction"] == "reverse" and cost["actual"]["value"] == "180"
    assert by["监管长效机制健全"]["actual"]["raw"] == "是" and by["监管长效机制健全"]["level2"] == "sustainability"
    assert by["商户满意度"]["target"]["raw"] == "较高" and by["商户满意度"]["level2"] == "beneficiary_satisfaction"


def test_a_reason_ties_into_the_problems_as_an_indicator_deviation(tmp_path):
    text = _TOP + (
        "三级指标年度指标值实际完成值未完成原因及改进措施产出指标数量指标新建村级卫生室10个8个因征地未完成延至次年建设"
        "效益指标社会效益指标村民就医便利程度提高提高\n"
    )
    inds = _indicators(tmp_path, text)
    room = next(i for i in inds if i["name"] == "新建村级卫生室")
    assert room["deviation_text"] == "因征地未完成延至次年建设"
    assert room["actual"]["value"] == "8" and room["actual"]["unit"] == "个"


def test_prose_with_percentages_gives_no_fused_rows(tmp_path):
    text = (
        "关于2023年度道路养护项目绩效自评的报告\n"
        "本年度完成道路养护126公里，路面完好率96%，群众对养护工作比较认可。\n"
        "项目资金80万元，执行率100%，其中三级指标的设置还不够细化，部分指标值偏低，完成值难以核实。\n"
    )
    inds = _indicators(tmp_path, text)
    assert not [i for i in inds if i["source"] == "fused_table"]


def test_a_fused_funds_table_without_an_indicator_header_gives_nothing(tmp_path):
    text = (
        "2023年度项目支出绩效自评表项目名称农村饮水安全巩固提升项目资金(万元)年初预算数全年预算数全年执行数分值执行率得分"
        "年度资金总额100.00100.0098.501098.50%9.85其中:当年财政拨款100.00100.0098.50上年结转资金00其他资金00\n"
    )
    assert _indicators(tmp_path, text) == []


def test_a_header_with_weight_and_score_columns_is_left_alone(tmp_path):
    text = _TOP + (
        "一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因产出指标数量指标养护道路里程120公里126公里1010"
        "质量指标路面完好率95%96%1010\n"
    )
    assert not [i for i in _indicators(tmp_path, text) if i["source"] == "fused_table"]


def test_a_run_of_three_values_is_ambiguous_and_skipped(tmp_path):
    text = _TOP + (
        "三级指标年度指标值全年完成值产出指标数量指标改造供水管网5公里5公里5公里入户率100%100%\n"
    )
    inds = [i for i in _indicators(tmp_path, text) if i["source"] == "fused_table"]
    assert _rows(inds) == []  # "5公里5公里5公里" cannot be split; the next name would swallow a value


def test_traditional_characters_and_full_width_signs(tmp_path):
    text = (
        "項目支出績效自評表\n"
        "一級指標二級指標三級指標年度指標值實際完成值偏差原因分析產出指標數量指標補助學生人數≥500人512人"
        "質量指標資金發放準確率１００％１００％註:無\n"
    )
    inds = [i for i in _indicators(tmp_path, text) if i["source"] == "fused_table"]
    assert [(i["name"], i["level2"]) for i in inds] == [("補助學生人數", "quantity"), ("資金發放準確率", "quality")]
    assert inds[0]["actual"]["value"] == "512" and inds[0]["actual"]["unit"] == "人"
    assert inds[1]["target"]["value"] == "100" and inds[1]["target"]["unit"] == "%"
