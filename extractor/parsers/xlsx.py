"""Spreadsheets: XLSX (openpyxl) and XLS (xlrd) into one :class:`~extractor.document.Document`.

Pages
    Every sheet, hidden ones included (warning ``hidden_sheet``), is a :class:`Page` with
    ``number`` = 1-based sheet index in the workbook's tab order and ``name`` = the sheet title.

Values
    Cells are rendered as the sheet shows them: numbers through their number format ("0.00",
    "#,##0.00", "0.00%", General, ...) with decimal arithmetic, so a stored 0.1+0.2 never shows as
    0.30000000000000004; dates as ``YYYY-MM-DD``; text stripped, inner line breaks joined with
    :func:`~extractor.layout.join_wrapped`. XLSX formulas give their cached value; a formula without
    one is empty text and warning ``formula_without_value`` (once per sheet).

Tables
    A sheet's rows are cut into bands at fully empty rows (a row covered by a merged cell with a value
    is not empty). A band is cut again where a title row ("…表（2022年度）", or a single cell merged
    across the width) follows data rows. Title rows before a table become heading blocks (level 0);
    "单位：万元" / "填报单位：…" rows become the table's caption; the remaining rows form the table, its
    columns trimmed to the used width. Merged ranges give one origin cell with ``row_span``/``col_span``.

Positions
    Cells: ``Position(page=sheet number, sheet=title, cell="B7")``, or the merged range ("A5:A9") for a
    merge origin. Tables: the same with the table's range ("A3:H20"). Headings, captions and
    paragraphs: the sheet and the ref of their cell(s). Offsets (spans) are assigned by the builder.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import struct
import warnings
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

import xlrd
from lxml import etree
from openpyxl.chartsheet import Chartsheet
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from xlrd.compdoc import CompDocError

from ..document import BlockKind, Document, Page, Position, SourceInfo
from ..errors import CorruptFile, EncryptedFile, TooManyPages
from ..layout import classify_line, join_wrapped
from ..settings import ParseOptions
from .base import DocumentBuilder, TableDraft

__all__ = ["parse_xls", "parse_xlsx", "render_number", "render_value"]

# ----------------------------------------------------------------------------------------------
# Rendering values as the sheet shows them
# ----------------------------------------------------------------------------------------------

_GENERAL = frozenset({"", "general", "g/通用格式", "@"})
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def clean_text(text: str) -> str:
    """Strip a text cell; join its inner lines as a wrapped layout would be joined."""
    lines = _LINE_BREAK.split(text)
    return lines[0].strip() if len(lines) == 1 else join_wrapped(lines)


def render_value(value: object, number_format: str = "General") -> str:
    """The text a cell shows: ``value`` as openpyxl gives it, rendered through ``number_format``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return render_number(value, number_format)
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return _render_datetime(value)
    return clean_text(str(value))


def _render_time(t: dt.time) -> str:
    return t.strftime("%H:%M:%S" if t.second or t.microsecond else "%H:%M")


def _render_datetime(value: dt.date | dt.time | dt.timedelta) -> str:
    """Dates as ``YYYY-MM-DD`` (plus ``HH:MM`` when the time of day is not midnight)."""
    if isinstance(value, dt.datetime):
        day = value.date().isoformat()
        return day if value.time() == dt.time(0) else f"{day} {_render_time(value.time())}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return _render_time(value)
    hours, rest = divmod(int(value.total_seconds()), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def _decimal(value: int | float) -> Decimal:
    """The exact decimal a user typed: ``repr`` is the shortest string that round-trips the float."""
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def _split_sections(fmt: str) -> list[str]:
    """A number format's ``;``-separated sections (positive; negative; zero; text)."""
    sections: list[str] = []
    buf: list[str] = []
    quoted = False
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "\\" and not quoted:
            buf.append(fmt[i:i + 2])
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            sections.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    sections.append("".join(buf))
    return sections


@dataclass(slots=True)
class _Pattern:
    """One format section: literal text around the digit placeholders, and the placeholders."""

    prefix: str = ""
    digits: str = ""  # placeholders 0 # ? . , and an E+00 exponent part
    suffix: str = ""
    percent: int = 0  # unquoted % signs: each multiplies by 100


def _scan_section(section: str) -> _Pattern:
    pat = _Pattern()
    i = 0
    while i < len(section):
        ch = section[i]
        literal: str
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            literal, i = section[i + 1:end], end + 1
        elif ch == "\\":
            literal, i = section[i + 1:i + 2], i + 2
        elif ch in "_*":  # padding / fill to the column width: nothing in text
            i += 2
            continue
        elif ch == "[":  # colour, condition, locale; a currency tag [$¥-804] shows its symbol
            end = section.find("]", i)
            end = len(section) if end < 0 else end
            body = section[i + 1:end]
            literal, i = (body[1:].split("-")[0] if body.startswith("$") else ""), end + 1
        elif ch in "0#?." or (ch in ",/" and pat.digits):
            pat.digits += ch
            i += 1
            continue
        elif ch in "Ee" and pat.digits and section[i + 1:i + 2] in ("+", "-"):
            end = i + 2
            while end < len(section) and section[end] in "0#?":
                end += 1
            pat.digits += section[i:end].upper()
            i = end
            continue
        else:
            pat.percent += ch == "%"
            literal, i = ch, i + 1
        if pat.digits:
            pat.suffix += literal
        else:
            pat.prefix += literal
    return pat


def _quantize(d: Decimal, places: int) -> Decimal:
    ctx = Context(prec=max(28, d.adjusted() + places + 2), rounding=ROUND_HALF_UP)
    return d.quantize(Decimal(1).scaleb(-places), context=ctx)


def _group_thousands(digits: str) -> str:
    head = len(digits) % 3 or 3
    return ",".join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


def _render_fixed(d: Decimal, digits: str) -> str:
    """``d`` (not negative) through placeholders such as ``#,##0.00`` or ``0.0#``."""
    int_pat, _, frac_pat = digits.partition(".")
    scale = len(int_pat) - len(int_pat.rstrip(","))  # trailing commas divide by 1000 each
    int_pat = int_pat.rstrip(",")
    frac_pat = frac_pat.replace(",", "")
    q = _quantize(d.scaleb(-3 * scale), len(frac_pat))
    ip, _, fp = format(q, "f").partition(".")
    required = len(frac_pat) - len(frac_pat.lstrip("0"))
    fp = fp[:required] + fp[required:].rstrip("0")
    ip = ip.lstrip("0").rjust(int_pat.count("0"), "0")
    if "," in int_pat:
        ip = _group_thousands(ip)
    return ip + ("." + fp if fp else "")


def _render_scientific(d: Decimal, digits: str) -> str:
    """``d`` (not negative) through ``0.00E+00``: mantissa decimals and exponent width as given."""
    mantissa, exp_pat = digits.split("E", 1)
    places = len(mantissa.partition(".")[2])
    with localcontext(Context(prec=max(28, places + 2), rounding=ROUND_HALF_UP)):
        text = format(d, f".{places}E")
    m, e = text.split("E")
    exp = int(e)
    sign = "-" if exp < 0 else ("+" if exp_pat.startswith("+") else "")
    return f"{m}E{sign}{str(abs(exp)).rjust(len(exp_pat) - 1, '0')}"


def _render_general(value: int | float) -> str:
    """Excel's General: at most 15 significant digits, no trailing zeros, E notation when huge/tiny."""
    d = _decimal(value)
    if not d.is_finite():
        return repr(value)
    if d.is_zero():
        return "0"
    ctx = Context(prec=15, rounding=ROUND_HALF_UP)
    d = ctx.plus(d).normalize(ctx)
    exp = d.adjusted()
    if -10 < exp < 15:
        return format(d, "f")
    return f"{format(d.scaleb(-exp), 'f')}E{exp:+03d}"


def render_number(value: int | float, number_format: str = "General") -> str:
    """A number as a cell with ``number_format`` shows it ("0.00%" -> "99.85%"), rounding half up."""
    sections = _split_sections(number_format or "General")
    auto_sign = True
    if value < 0 and len(sections) >= 2:
        section, value, auto_sign = sections[1], -value, False
    elif value == 0 and len(sections) >= 3:
        section = sections[2]
    else:
        section = sections[0]
    pat = _scan_section(section)
    if not pat.digits and (pat.prefix + pat.suffix).strip().lower() in _GENERAL:
        return _render_general(value)
    if not pat.digits:  # a section of literals only, e.g. "-" for zero in accounting formats
        return (pat.prefix + pat.suffix).strip()
    if "/" in pat.digits:  # fractions are not rendered as such
        return _render_general(value)
    d = abs(_decimal(value)).scaleb(2 * pat.percent)
    body = _render_scientific(d, pat.digits) if "E" in pat.digits else _render_fixed(d, pat.digits)
    sign = "-" if auto_sign and value < 0 and any(ch in "123456789" for ch in body.split("E")[0]) else ""
    return (sign + pat.prefix + body + pat.suffix).strip()


# ----------------------------------------------------------------------------------------------
# One sheet, whatever the file format
# ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Value:
    text: str  # as rendered, never empty
    is_text: bool  # the cell held a string (not a number, date or boolean)


@dataclass
class _Sheet:
    """A sheet's non-empty cells and merged ranges, 1-based (row, col) as in Excel."""

    number: int
    title: str
    hidden: bool
    cells: dict[tuple[int, int], _Value]
    merges: dict[tuple[int, int], tuple[int, int]]  # origin -> (last row, last col), inclusive
    formulas_without_value: list[str] = field(default_factory=list)  # cell refs

    def __post_init__(self) -> None:
        self.merges = {o: end for o, end in self.merges.items() if end != o}
        for (r0, c0), (r1, c1) in self.merges.items():  # a covered position shows nothing
            area = (r1 - r0 + 1) * (c1 - c0 + 1)
            if area <= len(self.cells):
                candidates = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
            else:
                candidates = [(r, c) for r, c in self.cells if r0 <= r <= r1 and c0 <= c <= c1]
            for pos in candidates:
                if pos != (r0, c0):
                    self.cells.pop(pos, None)


def _ref(row: int, col: int, last_row: int | None = None, last_col: int | None = None) -> str:
    """"B7", or "A5:A9" when the range is larger than one cell."""
    first = f"{get_column_letter(col)}{row}"
    if last_row is None or last_col is None or (last_row, last_col) == (row, col):
        return first
    return f"{first}:{get_column_letter(last_col)}{last_row}"


_TITLE = re.compile(r"表\s*(?:[（(][^（）()]{0,30}[）)])?\s*$")
_UNIT = re.compile(r"(?:^|[\s\u3000（(])(?:金额|计量|货币|资金)?单位\s*[:：]")
_LABEL = re.compile(r"^(?:填报|编制|申报|填表|报送|编报)?(?:单位|部门|日期|时间)(?:名称)?\s*(?:[（(]盖章[)）])?\s*[:：]")
_MAX_TITLE = 60
_MAX_CAPTION_CELL = 80
_MAX_CAPTION_CELLS = 4  # cells on a caption row


class _Layout:
    """Cuts one sheet into titles, captions and tables and emits them through the builder."""

    def __init__(self, sheet: _Sheet, source_kind: str):
        self.sheet = sheet
        self.kind = source_kind
        rows: defaultdict[int, list[int]] = defaultdict(list)
        for r, c in sorted(sheet.cells):
            rows[r].append(c)
        self.by_row: dict[int, list[int]] = dict(rows)  # row -> columns of its non-empty cells
        self.occupied = set(self.by_row)
        self.spanned_into: set[int] = set()  # rows a merge reaches from a row above
        for (r0, c0), (r1, _) in sheet.merges.items():
            self.spanned_into.update(range(r0 + 1, r1 + 1))
            if (r0, c0) in sheet.cells:
                self.occupied.update(range(r0, r1 + 1))

    # -- geometry -----------------------------------------------------------------------------
    def pos(self, ref: str) -> Position:
        return Position(page=self.sheet.number, sheet=self.sheet.title, cell=ref)

    def extent(self, r: int, c: int) -> tuple[int, int]:
        return self.sheet.merges.get((r, c), (r, c))

    def cell_ref(self, r: int, c: int) -> str:
        return _ref(r, c, *self.extent(r, c))

    def columns(self, rows: list[int]) -> tuple[int, int]:
        """First and last used column over ``rows`` (merged cells count to their last column)."""
        cols = [(c, self.extent(r, c)[1]) for r in rows for c in self.by_row.get(r, [])]
        return min(c for c, _ in cols), max(c for _, c in cols)

    def bands(self) -> list[list[int]]:
        """Runs of consecutive occupied rows: fully empty rows separate tables."""
        out: list[list[int]] = []
        for r in sorted(self.occupied):
            if out and r == out[-1][-1] + 1:
                out[-1].append(r)
            else:
                out.append([r])
        return out

    # -- row kinds ----------------------------------------------------------------------------
    def single_text(self, r: int) -> str | None:
        """The text of a row holding exactly one non-empty cell, which is a string."""
        cols = self.by_row.get(r, [])
        if len(cols) != 1:
            return None
        value = self.sheet.cells[(r, cols[0])]
        return value.text if value.is_text else None

    def is_caption_cell(self, r: int, c: int) -> bool:
        """"单位：万元", "金额单位：元", "填报单位（盖章）：XX局": a unit or filler line above a table."""
        v = self.sheet.cells[(r, c)]
        return v.is_text and len(v.text) <= _MAX_CAPTION_CELL and bool(_UNIT.search(v.text) or _LABEL.match(v.text))

    def is_caption(self, r: int) -> bool:
        cols = self.by_row.get(r, [])
        return 0 < len(cols) <= _MAX_CAPTION_CELLS and all(self.is_caption_cell(r, c) for c in cols)

    def title_col(self, r: int, width: int) -> int | None:
        """The column of a title cell that opens row ``r``, or None.

        A title names a table ("…表", "…表（2022年度）") or is a banner: a short cell merged across at
        least half the width, not numbered like "一、…". Caption cells ("单位：万元") may follow it
        on the same row.
        """
        cols = self.by_row.get(r, [])
        if not 0 < len(cols) <= _MAX_CAPTION_CELLS or not all(self.is_caption_cell(r, c) for c in cols[1:]):
            return None
        c = cols[0]
        value = self.sheet.cells[(r, c)]
        text = value.text
        if not value.is_text or len(text) > _MAX_TITLE:
            return None
        if _TITLE.search(text):
            return c
        span = self.extent(r, c)[1] - c + 1
        banner = span >= max(2, math.ceil(width / 2)) and classify_line(text)[2] is None
        return c if banner and ":" not in text and "：" not in text else None

    # -- cutting a band -----------------------------------------------------------------------
    def lead_end(self, rows: list[int], start: int, width: int) -> int:
        """Index past the title/caption rows at ``rows[start:]`` (and lone cells just above them)."""
        j = start
        while j < len(rows):
            r = rows[j]
            if r not in self.by_row or self.title_col(r, width) is not None or self.is_caption(r):
                j += 1
            elif self.single_text(r) is not None and j + 1 < len(rows) and (
                self.title_col(rows[j + 1], width) is not None or self.is_caption(rows[j + 1])
            ):
                j += 1
            else:
                break
        return j

    def starts_table(self, rows: list[int], j: int, width: int) -> bool:
        """``rows[j]`` is the title of a next table: a named title, or a banner with a caption on
        its row or right below it; more rows follow and no merged cell reaches into the row."""
        r = rows[j]
        if r in self.spanned_into or j + 1 >= len(rows):
            return False
        c = self.title_col(r, width)
        if c is None:
            return False
        named = bool(_TITLE.search(self.sheet.cells[(r, c)].text))
        return named or len(self.by_row[r]) > 1 or self.is_caption(rows[j + 1])

    def body_end(self, rows: list[int], start: int, width: int) -> int:
        """Index past the table rows starting at ``rows[start]``: up to the next table's title."""
        if start >= len(rows):
            return start
        j = start + 1
        while j < len(rows) and not self.starts_table(rows, j, width):
            j += 1
        return j

    # -- emitting -----------------------------------------------------------------------------
    def emit(self, builder: DocumentBuilder) -> None:
        for band in self.bands():
            c0, c1 = self.columns(band)
            width = c1 - c0 + 1
            i = 0
            while i < len(band):
                lead = self.lead_end(band, i, width)
                end = self.body_end(band, lead, width)
                self.emit_segment(builder, band[i:lead], band[lead:end], width)
                i = end

    def emit_text_cell(self, builder: DocumentBuilder, r: int, c: int) -> None:
        text = self.sheet.cells[(r, c)].text
        kind, level, marker = classify_line(text)
        builder.add_block(kind, text, self.pos(self.cell_ref(r, c)), level=level, marker=marker)

    def emit_segment(self, builder: DocumentBuilder, lead: list[int], body: list[int], width: int) -> None:
        """Titles as headings (level 0), lone cells as text, caption cells kept for the table."""
        caption_cells: list[tuple[int, int]] = []
        for r in lead:
            cols = self.by_row.get(r, [])
            title = None if self.is_caption(r) else self.title_col(r, width)
            if title is not None:
                text = self.sheet.cells[(r, title)].text
                builder.add_block(BlockKind.HEADING, text, self.pos(self.cell_ref(r, title)), level=0)
                caption_cells.extend((r, c) for c in cols[1:])
            elif self.is_caption(r):
                caption_cells.extend((r, c) for c in cols)
            elif cols:
                self.emit_text_cell(builder, r, cols[0])
        caption, caption_pos = self.caption(caption_cells)
        origins = [(r, c) for r in body for c in self.by_row.get(r, [])]
        if len(origins) == 1 or (not origins and caption):  # no table: the lines stand as text
            if caption and caption_pos:
                builder.add_block(BlockKind.PARAGRAPH, caption, caption_pos)
            if origins:
                self.emit_text_cell(builder, *origins[0])
            return
        if origins:
            builder.add_table(self.table(body, origins, caption, caption_pos))

    def caption(self, cells: list[tuple[int, int]]) -> tuple[str | None, Position | None]:
        """The caption cells' texts joined by one space, with the ref from the first to the last."""
        if not cells:
            return None, None
        text = " ".join(self.sheet.cells[rc].text for rc in cells)
        first_row, first_col = cells[0]
        last_row, last_col = self.extent(*cells[-1])
        return text, self.pos(_ref(first_row, first_col, last_row, last_col))

    def table(
        self, body: list[int], origins: list[tuple[int, int]], caption: str | None, caption_pos: Position | None
    ) -> TableDraft:
        """The body rows as a table trimmed to their used columns; empty merged ranges are kept."""
        r0, r1 = body[0], body[-1]
        c0, c1 = self.columns(body)
        draft = TableDraft(
            n_rows=r1 - r0 + 1,
            n_cols=c1 - c0 + 1,
            source=self.kind,
            pos=self.pos(_ref(r0, c0, r1, c1)),
            caption=caption,
            caption_pos=caption_pos,
            pages=[self.sheet.number],
        )
        empty_merges = [o for o in self.sheet.merges if r0 <= o[0] <= r1 and c0 <= o[1] <= c1 and o not in self.sheet.cells]
        for r, c in sorted(origins + empty_merges):
            last_row, last_col = self.extent(r, c)
            value = self.sheet.cells.get((r, c))
            draft.add(
                r - r0,
                c - c0,
                value.text if value else "",
                self.pos(self.cell_ref(r, c)),
                row_span=min(last_row, r1) - r + 1,
                col_span=min(last_col, c1) - c + 1,
            )
        return draft


def _check_sheet_count(count: int, options: ParseOptions) -> None:
    if count > options.max_pages:
        raise TooManyPages(f"the workbook has {count} sheets (limit {options.max_pages})")


def _emit_workbook(builder: DocumentBuilder, sheets: list[_Sheet], source_kind: str) -> Document:
    for sheet in sheets:
        chars = sum(len(v.text) for v in sheet.cells.values())
        builder.add_page(Page(number=sheet.number, name=sheet.title, char_count=chars))
        if sheet.hidden:
            builder.warn("hidden_sheet", f"sheet '{sheet.title}' is hidden; its content is included", sheet.number)
        if sheet.formulas_without_value:
            n, first = len(sheet.formulas_without_value), sheet.formulas_without_value[0]
            builder.warn(
                "formula_without_value",
                f"sheet '{sheet.title}': {n} formula cell(s) have no saved result (first: {first}) and read as "
                "empty; open and save the workbook in Excel or WPS to store the results",
                sheet.number,
            )
        _Layout(sheet, source_kind).emit(builder)
    if not any(s.cells for s in sheets):
        builder.warn("no_text", "the workbook holds no cell values")
    return builder.build()


# ----------------------------------------------------------------------------------------------
# XLSX through openpyxl
# ----------------------------------------------------------------------------------------------

_XLSX_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    InvalidFileException,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    SyntaxError,  # xml.etree ParseError and lxml XMLSyntaxError
    EOFError,
    OSError,
)
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _open_xlsx(path: str) -> tuple[Workbook, dict[str, str]]:
    """The workbook with cached formula values, and each sheet title's part name in the zip."""
    try:
        with open(path, "rb") as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about every extension it skips
            reader = ExcelReader(fh, read_only=False, data_only=True)  # a file object: any file name
            reader.read()
            parts = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()}
    except _XLSX_ERRORS as e:
        raise CorruptFile(f"damaged XLSX workbook ({type(e).__name__}: {e})") from e
    return reader.wb, parts


def _formulas_without_value(archive: zipfile.ZipFile, part: str) -> list[str]:
    """Refs of cells in the sheet part that hold a formula but no saved result."""
    refs: list[str] = []
    with archive.open(part) as fh:
        for _, el in etree.iterparse(fh, tag=(f"{_NS}c", f"{_NS}row"), resolve_entities=False, no_network=True):
            if el.tag == f"{_NS}row":
                el.clear()
            elif el.find(f"{_NS}f") is not None and not el.findtext(f"{_NS}v"):
                refs.append(el.get("r", "?"))
    return refs


def _openpyxl_sheet(ws: Worksheet | Chartsheet, number: int, formulas_without_value: list[str]) -> _Sheet:
    if isinstance(ws, Chartsheet):  # a page without cells
        return _Sheet(number, ws.title, ws.sheet_state != "visible", {}, {})
    cells: dict[tuple[int, int], _Value] = {}
    # ws._cells holds only the cells the file defines; iter_rows() would create every position up
    # to max_row x max_column, which one formatted cell at XFD1048576 makes billions.
    for (r, c), cell in ws._cells.items():
        if cell.value is None:
            continue
        text = render_value(cell.value, cell.number_format)
        if text:
            cells[(r, c)] = _Value(text, isinstance(cell.value, str))
    merges = {(m.min_row, m.min_col): (m.max_row, m.max_col) for m in ws.merged_cells.ranges}
    return _Sheet(number, ws.title, ws.sheet_state != "visible", cells, merges, formulas_without_value)


def _xlsx_properties(wb: Workbook) -> dict[str, str]:
    props = wb.properties
    out: dict[str, str] = {}
    for key in ("title", "subject", "creator", "lastModifiedBy", "created", "modified"):
        value = getattr(props, key, None)
        if isinstance(value, dt.datetime):
            out[key] = value.isoformat()
        elif value:
            out[key] = str(value)
    return out


def parse_xlsx(path: str, source: SourceInfo, options: ParseOptions) -> Document:
    """Parse an XLSX workbook (whatever its file name): one page per sheet, see the module doc."""
    source.format = "xlsx"
    builder = DocumentBuilder(source)
    wb, parts = _open_xlsx(path)
    _check_sheet_count(len(wb.sheetnames), options)
    try:
        with zipfile.ZipFile(path) as archive:
            missing = {
                name: _formulas_without_value(archive, part)
                for name, part in parts.items()
                if isinstance(wb[name], Worksheet) and part in archive.NameToInfo
            }
    except _XLSX_ERRORS as e:
        raise CorruptFile(f"damaged XLSX worksheet ({type(e).__name__}: {e})") from e
    sheets = [_openpyxl_sheet(wb[name], i + 1, missing.get(name, [])) for i, name in enumerate(wb.sheetnames)]
    builder.properties.update(_xlsx_properties(wb))
    return _emit_workbook(builder, sheets, "xlsx")


# ----------------------------------------------------------------------------------------------
# XLS (BIFF, Excel 97-2003) through xlrd
# ----------------------------------------------------------------------------------------------


_XLS_ERRORS: tuple[type[BaseException], ...] = (
    xlrd.XLRDError,
    CompDocError,
    struct.error,
    KeyError,
    IndexError,
    ValueError,
    AssertionError,
    UnicodeDecodeError,
    EOFError,
    OSError,
)


def _xls_number_format(book: xlrd.book.Book, sheet: xlrd.sheet.Sheet, r: int, c: int) -> str:
    xf = book.xf_list[sheet.cell_xf_index(r, c)]
    fmt = book.format_map.get(xf.format_key)
    return fmt.format_str if fmt is not None else "General"


def _xls_date(value: float, datemode: int) -> str:
    try:
        when = xlrd.xldate.xldate_as_datetime(value, datemode)
    except (xlrd.xldate.XLDateError, ValueError, OverflowError):
        return render_number(value)
    return _render_time(when.time()) if 0 <= value < 1 else _render_datetime(when)


def _xlrd_sheet(book: xlrd.book.Book, index: int) -> _Sheet:
    sh = book.sheet_by_index(index)
    cells: dict[tuple[int, int], _Value] = {}
    for r in range(sh.nrows):
        for c, (kind, value) in enumerate(zip(sh.row_types(r), sh.row_values(r))):
            if kind == xlrd.XL_CELL_TEXT:
                text, is_text = clean_text(value), True
            elif kind == xlrd.XL_CELL_NUMBER:
                text, is_text = render_number(value, _xls_number_format(book, sh, r, c)), False
            elif kind == xlrd.XL_CELL_DATE:
                text, is_text = _xls_date(value, book.datemode), False
            elif kind == xlrd.XL_CELL_BOOLEAN:
                text, is_text = ("TRUE" if value else "FALSE"), False
            elif kind == xlrd.XL_CELL_ERROR:
                text, is_text = xlrd.error_text_from_code.get(value, "#ERROR"), True
            else:
                continue
            if text:
                cells[(r + 1, c + 1)] = _Value(text, is_text)
    merges = {(rlo + 1, clo + 1): (rhi, chi) for rlo, rhi, clo, chi in sh.merged_cells}
    return _Sheet(index + 1, sh.name, sh.visibility != 0, cells, merges)


def parse_xls(path: str, source: SourceInfo, options: ParseOptions) -> Document:
    """Parse an Excel 97-2003 workbook (BIFF in an OLE file): one page per sheet, see the module doc."""
    source.format = "xls"
    builder = DocumentBuilder(source)
    try:
        book = xlrd.open_workbook(path, formatting_info=True, on_demand=True)
    except _XLS_ERRORS as e:
        if "encrypted" in str(e).lower():
            raise EncryptedFile("password-protected XLS workbook") from e
        raise CorruptFile(f"damaged XLS workbook ({type(e).__name__}: {e})") from e
    try:
        _check_sheet_count(book.nsheets, options)
        sheets = [_xlrd_sheet(book, i) for i in range(book.nsheets)]
    except _XLS_ERRORS as e:
        raise CorruptFile(f"damaged XLS worksheet ({type(e).__name__}: {e})") from e
    finally:
        book.release_resources()
    if book.user_name:
        builder.properties["lastModifiedBy"] = book.user_name
    return _emit_workbook(builder, sheets, "xls")
