"""Builds text PDFs with reportlab for the PDF parser tests (CJK text via the STSong-Light CID font).

The report has: a running header and a "第 N 页" footer on every page, a big title, numbered
headings, Chinese paragraphs long enough to wrap (first-line indent, stray spaces inside
numbers), a funds table with a vertical and a horizontal merge, and an indicator table with
merged 一级/二级 cells that crosses a page break with its header row repeated.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

HEADER = "青山县教育局2023年度项目支出绩效自评报告"
TITLE = "学生营养改善计划项目支出绩效自评报告"
PARA1 = (
    "本项目年初预算数为35. 3万元，全年预算数40.00万元，全年执行数39.50万元，执行率为98.75%。"
    "项目于2023年 1月 6日启动，全年共为全县59 个学校的在校学生提供营养膳食补助，惠及学生1200人次，"
    "群众满意度达到98%以上，较好地完成了年度绩效目标，资金使用规范，未发现挤占挪用情况。"
)
PARA2 = "项目资金由县财政局统一拨付至各学校食堂账户，实行专账核算、专款专用，年末结余资金按规定收回统筹。"
FUNDS = [
    ["项目名称", "学生营养改善计划", "", "", ""],
    ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数"],
    ["", "年度资金总额", "35.30", "40.00", "39.50"],
    ["", "其中：当年财政拨款", "35.30", "40.00", "39.50"],
]
FUNDS_SPANS = [((1, 0), (4, 0)), ((0, 1), (0, 3))]  # (col,row) pairs, reportlab order
IND_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]


def indicator_rows(n: int = 16) -> list[list[str]]:
    rows = []
    for i in range(n):
        level1 = "产出指标" if i < 10 else "效益指标"
        level2 = "数量指标" if i < 5 else ("质量指标" if i < 10 else "社会效益指标")
        first1 = i in (0, 10)
        first2 = i in (0, 5, 10)
        rows.append([level1 if first1 else "", level2 if first2 else "", f"受助学生人数第{i + 1}项", f"≥{50 + i}人", f"{52 + i}人", "5", "5"])
    return rows


def build_report(path: Path) -> dict[str, object]:
    """Write the report; returns what it contains, for assertions."""
    body = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=18, firstLineIndent=24, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=FONT, fontSize=20, leading=28, alignment=1)
    head = ParagraphStyle("head", fontName=FONT, fontSize=14, leading=22)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")

    def on_page(canvas, doc):  # noqa: ANN001
        canvas.saveState()
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 40, HEADER)
        canvas.drawCentredString(A4[0] / 2, 30, f"第 {doc.page} 页")
        canvas.restoreState()

    funds = Table([[Paragraph(c, cell) for c in r] for r in FUNDS], colWidths=[80, 110, 80, 80, 80])
    funds.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)] + [("SPAN", a, b) for a, b in FUNDS_SPANS]))
    rows = indicator_rows()
    data = [IND_HEADER] + rows
    spans = [("SPAN", (0, 1), (0, 10)), ("SPAN", (0, 11), (0, 16)), ("SPAN", (1, 1), (1, 5)), ("SPAN", (1, 6), (1, 10)), ("SPAN", (1, 11), (1, 16))]
    ind = Table([[Paragraph(c, cell) for c in r] for r in data], colWidths=[60, 70, 130, 65, 65, 40, 40], rowHeights=34, repeatRows=1)
    ind.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")] + spans))
    story = [
        Paragraph(TITLE, title),
        Spacer(1, 12),
        Paragraph("一、基本情况", head),
        Paragraph(PARA1, body),
        Paragraph(PARA2, body),
        Paragraph("二、项目资金情况", head),
        funds,
        PageBreak(),
        Paragraph("三、绩效指标完成情况", head),
        Spacer(1, 200),
        ind,
        Paragraph("四、存在的问题", head),
        Paragraph("无。", body),
    ]
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=72, rightMargin=72, topMargin=72, bottomMargin=72).build(
        story, onFirstPage=on_page, onLaterPages=on_page
    )
    return {"rows": rows}


def build_pages(path: Path, n_pages: int, text: str = "第{n}页的正文内容，用于测试页数限制。") -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(1, n_pages + 1):
        c.setFont(FONT, 12)
        c.drawString(72, A4[1] - 100, text.format(n=n))
        c.showPage()
    c.save()


def build_image_only(path: Path) -> None:
    """A 'scanned' page: one raster image, no text layer."""
    from PIL import Image
    from reportlab.pdfgen import canvas

    img = path.with_suffix(".png")
    Image.new("RGB", (200, 100), (250, 250, 250)).save(img)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(str(img), 72, 500, width=400, height=200)
    c.showPage()
    c.save()


def build_encrypted(path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    enc = pdfencrypt.StandardEncryption("secret", ownerPassword="owner", canPrint=0)
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=enc)
    c.setFont(FONT, 12)
    c.drawString(72, 700, "加密文件")
    c.showPage()
    c.save()
