"""OCR of scanned and broken-font reports (issue #9), on real files made here.

The reports are the committed sample 自评报告 (``corpora/samples/school-meal-2023.pdf``, a
LibreOffice export with a text layer): page 1 states the budget in prose, page 3 holds the
项目支出绩效自评表 with its funds block and ten indicator rows. Each test "scans" pages of it —
renders them at 150/200/300 dpi, presses a red seal over figures, tilts the sheet by 1–2°, saves
PNG, JPEG, TIFF or an image-only PDF — and runs the whole pipeline on the scan. What comes back
is compared with the sample's spec (the facts the generator wrote) and with the result of the
text-layer PDF on the same pages.

The scan simulation (:func:`scan`) is also used by ``bench/bench_ocr.py``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from extractor.document import Document
from extractor.errors import OcrUnavailable
from extractor.ocr.normalize import normalize_text
from extractor.ocr.raster import estimate_skew, red_channel
from extractor.ocr.tables import find_grids
from extractor.parsers import parse
from extractor.pipeline import process_file, result_for_document
from extractor.settings import ParseOptions, Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "samples" / "school-meal-2023.pdf"
SEAL_RED = (214, 40, 48)
_FONTS = sorted(Path("/usr/share/fonts").glob("**/NotoSansCJK-Regular.ttc"))


# -- scanning a page -------------------------------------------------------------------------------
def _text_center(page: pdfium.PdfPage, text: str, scale: float) -> tuple[float, float]:
    tp = page.get_textpage()
    hit = tp.search(text).get_next()
    assert hit is not None, text
    boxes = [tp.get_charbox(k) for k in range(hit[0], hit[0] + hit[1])]
    h = page.get_height()
    x = (min(b[0] for b in boxes) + max(b[2] for b in boxes)) / 2
    y = h - (min(b[1] for b in boxes) + max(b[3] for b in boxes)) / 2
    return x * scale, y * scale


def seal(size: int, name: str = "青溪县学生资助管理中心") -> Image.Image:
    """A round red 公章: ring, five-pointed star, the unit's name along the rim, 专用章 below."""
    layer = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(layer)
    r = size / 2
    w = max(3, size // 40)
    d.ellipse((w, w, size - w, size - w), outline=SEAL_RED, width=w)
    star = []
    for k in range(10):
        rad = r * (0.22 if k % 2 == 0 else 0.09)
        a = -math.pi / 2 + k * math.pi / 5
        star.append((r + rad * math.cos(a), r + rad * math.sin(a)))
    d.polygon(star, fill=SEAL_RED)
    if _FONTS:
        font = ImageFont.truetype(str(_FONTS[0]), int(size * 0.13))
        for k, ch in enumerate(name):
            a = math.radians(-150 + 120 * k / (len(name) - 1))
            tile = Image.new("L", (int(size * 0.16),) * 2, 0)
            ImageDraw.Draw(tile).text((tile.width / 2, tile.height / 2), ch, font=font, fill=255, anchor="mm")
            tile = tile.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
            at = (int(r + r * 0.72 * math.cos(a) - tile.width / 2), int(r + r * 0.72 * math.sin(a) - tile.height / 2))
            layer.paste(Image.new("RGB", tile.size, SEAL_RED), at, tile)
        d.text((r, r * 1.45), "专用章", font=ImageFont.truetype(str(_FONTS[0]), int(size * 0.1)), fill=SEAL_RED, anchor="mm")
    return layer


def scan(pdf: Path, index: int, dpi: int, *, seals: tuple[str, ...] = (), rotate: float = 0.0) -> Image.Image:
    """Page ``index`` of ``pdf`` as a scanner would give it: rendered at ``dpi``, a red seal
    pressed (ink multiplies: black stays black) centred on each text in ``seals``, the sheet
    turned ``rotate`` degrees counter-clockwise."""
    doc = pdfium.PdfDocument(str(pdf))
    page = doc[index]
    scale = dpi / 72
    im = page.render(scale=scale).to_pil().convert("RGB")
    for text in seals:
        x, y = _text_center(page, text, scale)
        size = int(1.6 * dpi)  # a 4 cm seal
        layer = Image.new("RGB", im.size, "white")
        layer.paste(seal(size), (int(x - size / 2), int(y - size / 2)))
        im = ImageChops.multiply(im, layer)
    if rotate:
        im = im.rotate(rotate, resample=Image.BICUBIC, fillcolor="white")
    doc.close()
    return im


def image_pdf(images: list[Image.Image], path: Path, dpi: int) -> Path:
    """An image-only PDF (no text layer), one page per image, A4 at ``dpi``."""
    images[0].save(path, save_all=True, append_images=images[1:], resolution=dpi)
    return path


# -- what a result says ------------------------------------------------------------------------------
def _spec() -> dict:
    return json.loads((SAMPLE.parent / (SAMPLE.name + ".spec.json")).read_text(encoding="utf-8"))


def _yuan(wan: str) -> str:
    return f"{Decimal(wan) * 10000:.2f}"


def indicator_rows(record: dict) -> list[tuple]:
    return [(i["level1_raw"], i["level2_raw"], i["name"], i["target"]["raw"], i["actual"]["raw"], i["weight"], i["score"])
            for i in record["indicators"] if i.get("source") == "table"]


def amounts(record: dict, pages: dict[int, int]) -> list[tuple]:
    """(value, unit, role) of the amounts on the given pages (scan page -> original page)."""
    return sorted((a["source_value"], a["source_unit"], a["role"], pages[a["prov"]["page"]])
                  for a in record["amounts"] if a["prov"]["page"] in pages)


def assert_table_facts(record: dict) -> None:
    """The budget block and the indicator rows of the sample's 自评表, exactly as its spec states them."""
    spec = _spec()
    total = spec["budget"][0]
    b = record["budget"]
    assert (b["initial"]["value"], b["full_year"]["value"], b["executed"]["value"]) == (
        _yuan(total["initial"]), _yuan(total["full_year"]), _yuan(total["executed"]))
    assert b["execution_rate_reported"]["value"] == spec["execution"]["rate"].rstrip("%")
    expected = [(i["level1"], i["level2"], i["level3"], i["target"], i["actual"], i["weight"], i["score"]) for i in spec["indicators"]]
    assert indicator_rows(record) == expected


# -- fixtures: the text-layer reference and the scans (built once) ------------------------------------
@pytest.fixture(scope="session")
def reference() -> dict:
    return process_file(SAMPLE, isolate=False)["records"][0]


@pytest.fixture(scope="session")
def text_doc() -> Document:
    return parse(SAMPLE, ParseOptions(ocr=False))


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scans")


@pytest.fixture(scope="session")
def scanned_pdf(scans: Path) -> dict:
    """Pages 1 and 3 at 200 dpi, sealed over the budget figures, tilted; an image-only PDF."""
    pages = [scan(SAMPLE, 0, 200, seals=("1286.40",), rotate=1.5), scan(SAMPLE, 2, 200, seals=("1298.37", "95.2%"), rotate=-1.0)]
    path = image_pdf(pages, scans / "sealed-scan.pdf", 200)
    t0 = time.perf_counter()
    result = process_file(path)  # isolated, as `jixiao extract` runs it
    return {"result": result, "seconds": time.perf_counter() - t0}


@pytest.fixture(scope="session")
def tiff(scans: Path) -> tuple[Path, Document]:
    """Pages 1 and 3 at 200 dpi as a two-frame TIFF that records its resolution."""
    path = scans / "report.tiff"
    first, second = scan(SAMPLE, 0, 200), scan(SAMPLE, 2, 200)
    first.save(path, save_all=True, append_images=[second], dpi=(200, 200), compression="tiff_deflate")
    return path, parse(path)


# -- the pipeline on scans -----------------------------------------------------------------------------
def test_sealed_tilted_scan_pdf_gives_the_budget_amounts_and_indicators(scanned_pdf, reference):
    res = scanned_pdf["result"]
    assert res["document"]["format"] == "pdf_scanned" and res["document"]["ocr_pages"] == [1, 2]
    assert [e["code"] for e in res["errors"]] == ["warning:ocr", "warning:ocr"]
    assert all("straightened by" in e["message"] for e in res["errors"])
    record = res["records"][0]
    assert_table_facts(record)
    # every money amount of the two pages, with the role the text-layer PDF gives it
    assert amounts(record, {1: 1, 2: 3}) == amounts(reference, {1: 1, 3: 3})
    assert record["meta"]["project_name"]["value"] == reference["meta"]["project_name"]["value"]
    assert record["meta"]["title"]["value"] == reference["meta"]["title"]["value"]
    assert record["score"]["total_reported"]["value"] == reference["score"]["total_reported"]["value"]
    prov = record["budget"]["executed"]["prov"]
    assert prov["text_layer"] == "ocr" and prov["page"] == 2 and prov["table"] is not None
    assert 0.5 < prov["confidence"] <= reference["budget"]["executed"]["prov"]["confidence"]


@pytest.mark.parametrize("dpi,fmt,rotate", [(150, "PNG", 1.2), (300, "JPEG", -2.0)])
def test_table_page_as_image_at_150_and_300_dpi(scans, dpi, fmt, rotate):
    path = scans / f"table-{dpi}.{fmt.lower()}"
    im = scan(SAMPLE, 2, dpi, seals=("1298.37", "12468人"), rotate=rotate)
    im.save(path, fmt, dpi=(dpi, dpi), **({"quality": 85} if fmt == "JPEG" else {}))
    res = process_file(path)
    assert res["document"]["format"] == "image" and res["document"]["page_count"] == 1
    record = res["records"][0]
    assert_table_facts(record)
    assert record["meta"]["supervising_dept"]["value"] == _spec()["supervising_dept"]
    # the seal's own words (青溪县…中心 / 专用章) are not read into the text
    doc = parse(path)
    assert "专用章" not in doc.text
    assert doc.tables[0].source == "ocr_ruled" and (doc.tables[0].n_rows, doc.tables[0].n_cols) == (21, 9)


def test_tiff_pages_keep_pdf_positions_and_ocr_confidence(tiff, text_doc):
    path, doc = tiff
    assert doc.source.format == "image" and [p.ocr_done for p in doc.pages] == [True, True]
    assert all(p.needs_ocr and p.ocr_reason == "image" and p.ocr_confidence > 0.9 for p in doc.pages)
    assert abs(doc.pages[0].width - text_doc.pages[0].width) < 1  # 200-dpi pixels -> points
    # a figure's box on the scan is where the PDF drew it (points, top-left origin)
    for page, needle in ((1, "1186.40万元"), (2, "1212.65")):
        src = {1: 1, 2: 3}[page]
        a = text_doc.locate(*_find(text_doc, needle, src))
        b = doc.locate(*_find(doc, needle, page))
        assert b and b[0].page == page
        assert abs(a[0].bbox[1] - b[0].bbox[1]) < 4 and abs(a[0].bbox[3] - b[0].bbox[3]) < 4
    # OCR confidence reaches the field: the table reading's confidence times the cell's
    result = result_for_document(doc)
    prov = result["records"][0]["budget"]["full_year"]["prov"]
    cell = doc.tables[prov["table"]["index"]].cell(prov["table"]["row"], prov["table"]["col"])
    assert cell.ocr_confidence is not None and prov["text_layer"] == "ocr"
    assert prov["confidence"] == round(0.97 * cell.ocr_confidence, 3)
    assert doc.ocr_confidence(*cell.span) == cell.ocr_confidence
    assert text_doc.ocr_confidence(0, len(text_doc.text)) is None
    # running header and page number are furniture, as in the text-layer parse
    assert sorted({b.kind for b in doc.furniture}) == ["footer", "header"]
    assert "第1页" not in doc.text


def _find(doc: Document, needle: str, page: int) -> tuple[int, int]:
    for b in doc.blocks:
        if b.pos.page == page and needle in b.text:
            start = b.span[0] + b.text.index(needle)
            return start, start + len(needle)
    raise AssertionError(f"{needle!r} not on page {page}")


def test_broken_font_pdf_is_detected_and_read_like_the_text_pdf(scans, reference, text_doc):
    """A PDF whose fonts lost their Unicode map (ToUnicode removed): the text layer is glyph codes."""
    pikepdf = pytest.importorskip("pikepdf")
    path = scans / "broken-fonts.pdf"
    with pikepdf.open(SAMPLE) as pdf:
        for page in pdf.pages:
            for _name, font in page.obj.Resources.Font.items():
                if "/ToUnicode" in font:
                    del font["/ToUnicode"]
        pdf.save(path)
    doc = parse(path)
    assert [p.ocr_reason for p in doc.pages] == ["garbled_text_layer"] * 6 and all(p.ocr_done for p in doc.pages)
    assert doc.source.format == "pdf_scanned"
    # the OCR text is the text layer's, to within a few characters in six pages
    assert _similarity(doc.text, text_doc.text) > 0.99
    record = result_for_document(doc)["records"][0]
    assert_table_facts(record)
    assert amounts(record, {p: p for p in range(1, 7)}) == amounts(reference, {p: p for p in range(1, 7)})
    for key in ("title", "fiscal_year", "report_date", "issuer", "supervising_dept", "implementing_unit", "project_name"):
        assert record["meta"][key]["value"] == reference["meta"][key]["value"], key
    assert record["score"]["total_reported"]["value"] == reference["score"]["total_reported"]["value"]


def _similarity(a: str, b: str) -> float:
    import difflib

    a, b = "".join(a.split()), "".join(b.split())
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def test_mixed_pdf_is_read_page_by_page(scans):
    """Pages 1–2 with a text layer, page 3 a scan: only page 3 is OCR'd, in its place."""
    scanned = image_pdf([scan(SAMPLE, 2, 200, rotate=0.8)], scans / "page3.pdf", 200)
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(str(SAMPLE)), [0, 1])
    mixed.import_pages(pdfium.PdfDocument(str(scanned)), [0])
    path = scans / "mixed.pdf"
    mixed.save(str(path))
    doc = parse(path)
    assert doc.source.format == "pdf_mixed"
    assert [(p.needs_ocr, p.ocr_done) for p in doc.pages] == [(False, False), (False, False), (True, True)]
    assert [b.pos.page for b in doc.blocks] == sorted(b.pos.page for b in doc.blocks)
    assert [t.source for t in doc.tables] == ["ocr_ruled"]
    record = result_for_document(doc)["records"][0]
    assert_table_facts(record)
    layers = {a["prov"]["page"]: a["prov"]["text_layer"] for a in record["amounts"]}
    assert layers == {1: "native", 3: "ocr"}
    assert [w.code for w in doc.warnings] == ["ocr"]


# -- limits, switches, errors --------------------------------------------------------------------------
def test_page_limit_leaves_the_rest_marked(tiff):
    path, _ = tiff
    doc = parse(path, ParseOptions(ocr_max_pages=1))
    assert [(p.ocr_done, p.needs_ocr) for p in doc.pages] == [(True, True), (False, True)]
    assert [w.code for w in doc.warnings] == ["ocr", "needs_ocr", "ocr_page_limit"]
    assert all(b.pos.page == 1 for b in doc.blocks)


def test_time_limits_stop_ocr_with_stable_codes(tiff):
    path, _ = tiff
    doc = parse(path, ParseOptions(ocr_page_timeout_s=0.05))  # not even the engine loads in time
    assert [w.code for w in doc.warnings] == ["needs_ocr", "ocr_page_timeout", "needs_ocr", "ocr_page_timeout"]
    assert doc.text == "" and not any(p.ocr_done for p in doc.pages)
    doc = parse(path, ParseOptions(ocr_timeout_s=0.05))
    assert [w.code for w in doc.warnings] == ["needs_ocr", "ocr_timeout", "needs_ocr", "ocr_timeout"]


def test_a_page_the_engine_cannot_read_is_reported(scans):
    """A JPEG cut short: its header opens (so it parses as a one-page image), its pixels do not."""
    whole = scans / "whole.jpg"
    scan(SAMPLE, 0, 100).save(whole, "JPEG", dpi=(100, 100))
    cut = scans / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[:4000])
    doc = parse(cut)
    assert [w.code for w in doc.warnings] == ["needs_ocr", "ocr_page_failed"]
    assert "truncated" in doc.warnings[1].message and doc.text == "" and not doc.pages[0].ocr_done


def test_ocr_can_be_switched_off(tiff, monkeypatch):
    path, _ = tiff
    monkeypatch.setenv("JIXIAO_OCR", "0")
    options = Settings().parse_options()
    assert options.ocr is False
    doc = parse(path, options)
    assert doc.text == "" and [w.code for w in doc.warnings] == ["needs_ocr", "needs_ocr"]
    assert not any(p.ocr_done for p in doc.pages)


def test_missing_models_raise_ocr_unavailable(tmp_path, tiff, monkeypatch):
    """An engine package without its models (as rapidocr 2.x/3.x ship): a clear environment error."""
    path, _ = tiff
    fake = tmp_path / "site" / "rapidocr_onnxruntime"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))  # what the OCR workers import
    with pytest.raises(OcrUnavailable) as e:
        parse(path)
    assert e.value.code == "ocr_unavailable" and "models are missing" in e.value.message


# -- offline: no network, nothing downloaded or cached ------------------------------------------------
_SITECUSTOMIZE = '''
import os, socket
_LOG = os.environ["OCR_TEST_NET_LOG"]
with open(_LOG, "a") as fh:
    fh.write(f"start {os.getpid()}\\n")
def _blocked(*args, **kwargs):
    with open(_LOG, "a") as fh:
        fh.write(f"connect {os.getpid()} {args[1:]!r}\\n")
    raise OSError("network blocked by the test")
socket.socket.connect = _blocked
socket.socket.connect_ex = _blocked
socket.create_connection = _blocked
'''


def _engine_files() -> dict[str, float]:
    import rapidocr_onnxruntime

    root = Path(rapidocr_onnxruntime.__file__).parent
    return {str(p.relative_to(root)): p.stat().st_mtime for p in root.rglob("*") if "__pycache__" not in p.parts}


@pytest.mark.parametrize("how", ["sockets_patched", "unshare"])
def test_ocr_runs_offline_and_writes_no_model_cache(tmp_path, how):
    if how == "unshare" and (shutil.which("unshare") is None or subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode):
        pytest.skip("unshare -n (a network namespace) is not permitted here")
    image = tmp_path / "page.png"
    scan(SAMPLE, 2, 150).save(image, dpi=(150, 150))
    home, cache, work = tmp_path / "home", tmp_path / "cache", tmp_path / "work"
    for d in (home, cache, work):
        d.mkdir()
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(_SITECUSTOMIZE)
    log = tmp_path / "net.log"
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(cache), "OCR_TEST_NET_LOG": str(log),
           "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    before = _engine_files()
    cmd = [sys.executable, "-m", "extractor.cli", "extract", str(image), "--json"]
    if how == "unshare":
        cmd = ["unshare", "-n", *cmd]
    done = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)["records"][0]
    assert_table_facts(record)
    entries = log.read_text().splitlines()
    assert not [e for e in entries if e.startswith("connect")]
    assert len({e.split()[1] for e in entries}) >= 2  # the CLI and the OCR worker both ran with sockets blocked
    assert list(home.rglob("*")) == [] and list(cache.rglob("*")) == [] and list(work.rglob("*")) == []
    assert _engine_files() == before


# -- the parts, on images made here ----------------------------------------------------------------------
@pytest.mark.parametrize("raw,expected", [
    ("３，３７７．４２万元", "3,377.42万元"),
    ("执行率为98.5％", "执行率为98.5%"),
    ("1O0.00万元", "100.00万元"),
    ("惠及学生l2468人", "惠及学生12468人"),
    ("2O23年", "2023年"),
    ("ISO9001认证", "ISO9001认证"),
    ("实际完成值为93.6%,", "实际完成值为93.6%，"),
    ("单位:万元", "单位：万元"),
    ("(一)项目概况", "（一）项目概况"),
    ("（1）", "（1）"),
    ("10:30 1,234", "10:30 1,234"),
    ("项目支出绩效自评表 （2023年度）", "项目支出绩效自评表（2023年度）"),
    ("(cid:12)(cid:37)", ""),
    ("|10", "10"),
    ("≧90%", "≥90%"),
])
def test_normalize_ocr_text(raw, expected):
    assert normalize_text(raw) == expected


def test_ruled_grid_with_merged_cells_is_found():
    """A 4 × 3 ruled table: row 1's first two cells share one box, column 1 is merged over rows 2–4."""
    img = np.full((600, 800), 255, np.uint8)
    xs, ys = [100, 300, 500, 700], [100, 200, 300, 400, 500]
    for y in ys:
        img[y - 1:y + 1, 100:701] = 0
    for x in xs:
        img[100:501, x - 1:x + 1] = 0
    img[101:199, 298:302] = 255  # no rule between the first two cells of row 1
    for y in (300, 400):
        img[y - 1:y + 1, 102:298] = 255  # no rules across column 1 below row 2
    grids, rulings = find_grids(img)
    assert len(grids) == 1
    g = grids[0]
    assert (len(g.ys) - 1, len(g.xs) - 1) == (4, 3)
    assert sorted(g.cells) == [(0, 0, 1, 2), (0, 2, 1, 3), (1, 0, 4, 1), (1, 1, 2, 2), (1, 2, 2, 3),
                               (2, 1, 3, 2), (2, 2, 3, 3), (3, 1, 4, 2), (3, 2, 4, 3)]
    assert rulings[ys[0], 400] and not rulings[50, 50]


@pytest.mark.parametrize("angle", [-1.8, 1.0])
def test_skew_is_measured(angle):
    im = scan(SAMPLE, 0, 100, rotate=angle)
    assert abs(estimate_skew(red_channel(np.asarray(im))) + angle) <= 0.15


def test_red_seal_ink_is_dropped_black_ink_kept():
    im = scan(SAMPLE, 2, 100, seals=("1298.37",))
    rgb = np.asarray(im)
    gray = red_channel(rgb)
    red = (rgb[:, :, 0] > 150) & (rgb[:, :, 1] < 100)
    dark = rgb.max(axis=2) < 60
    assert red.sum() > 1000 and (gray[red] > 200).all() and (gray[dark] < 100).all()
