"""DOCX (and DOCM/DOTX) parser: python-docx opens the package, lxml walks the WordprocessingML.

Reading order is the body's order: paragraphs (``w:p``) and tables (``w:tbl``), including those
inside block-level content controls (``w:sdt``) and custom-XML wrappers. Text-box content
(``w:txbxContent``; inside ``mc:AlternateContent`` only the ``mc:Choice`` branch, so the VML
fallback copy is not read twice) becomes paragraph blocks placed right after the paragraph that
anchors the text box. Headers and footers of every section (default/first/even) become furniture,
one block per non-empty paragraph, deduplicated by text. Core properties (title, author, created,
modified) go into ``Document.properties``.

Text
----
A paragraph's text is its runs' text as found (``w:t``; tabs become one space; deleted and
hidden runs, field instructions and content-control placeholder text are left out; a field's
cached result, such as a page number, is kept). Line breaks inside a paragraph and a table cell's
several paragraphs are joined with :func:`~extractor.layout.join_wrapped`, so a paragraph or a
cell is one line of ``Document.text``. Word automatic numbering (``w:numPr``) is rendered as Word
shows it ("一、", "（二）", "3.", "①") and put in front of the paragraph's text; bullets are not.
Symbol-font characters (Wingdings check boxes and ticks, as ``w:sym`` or as U+F0xx text in a run
set in a symbol font) become their Unicode equivalents.

Kinds and levels
----------------
The paragraph style decides first: Title/标题 -> heading level 0, Heading N/标题 N -> level N, an
outline level (``w:outlineLvl`` v, on the paragraph or its style chain) -> level v+1, TOC N/目录 N
-> paragraph, Caption/题注 -> caption. When the style says nothing, the text's numbering decides
through :func:`~extractor.layout.classify_line` (一、 -> 1, （一） -> 2, 1. -> 3, （1） -> 4);
an automatically numbered paragraph that ``classify_line`` does not call a heading is a list item.

Positions
---------
``Position.paragraph_index`` is the 0-based index of a paragraph among the body's paragraphs
outside tables: every ``w:p`` child of ``w:body`` or of a block-level content control / custom-XML
element there, in document order. It is python-docx's ``Document.paragraphs`` index whenever the
body has no block-level content control (python-docx does not look inside ``w:sdt``; a Word table
of contents sits in one). Empty paragraphs emit no block but are counted. Text-box paragraphs carry
the index of their anchoring paragraph. A table carries the index of the body paragraph just before
it (``None`` when the table comes first); its cells carry an empty ``Position()`` (their row and
column are on the :class:`~extractor.document.Cell`). Furniture carries an empty ``Position()``.

Tables
------
Merges are read from the XML: ``w:gridSpan`` gives ``col_span``; a ``w:vMerge`` restart followed by
continuations in the rows below gives ``row_span``; legacy ``w:hMerge`` continuations widen the
cell to their left. Each merge is one origin cell; the builder fills the covered positions with
``inherited_from``. ``w:gridBefore`` shifts a row's first cell right (the skipped and the missing
trailing grid columns stay empty cells). ``n_cols`` is the grid width (``w:tblGrid``) or the widest
row if wider. A nested table is flattened into its cell's text: its cells' texts joined by spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, PartFactory
from docx.package import Package
from docx.parts.document import DocumentPart
from lxml.etree import _Element

from ..document import BlockKind, Document, Position, SourceInfo
from ..errors import CorruptFile, UnsupportedFormat
from ..layout import classify_line, join_wrapped
from ..settings import ParseOptions
from .base import CellDraft, DocumentBuilder, TableDraft

__all__ = ["parse"]

# python-docx only maps the plain .docx main part to DocumentPart; macro-enabled documents and
# templates have the same XML, so they are read the same way.
for _ct in (
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
):
    PartFactory.part_type_for.setdefault(_ct, DocumentPart)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_NS_PREFIX = "http://purl.oclc.org/ooxml/"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


VAL = _w("val")
BODY, P, TBL, TR, TC, R = _w("body"), _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r")
T, TAB, PTAB, BR, CR, SYM = _w("t"), _w("tab"), _w("ptab"), _w("br"), _w("cr"), _w("sym")
NO_BREAK_HYPHEN = _w("noBreakHyphen")
TXBX_CONTENT = _w("txbxContent")
SDT, SDT_PR, SDT_CONTENT, SHOWING_PLC_HDR = _w("sdt"), _w("sdtPr"), _w("sdtContent"), _w("showingPlcHdr")
CUSTOM_XML, ALT_CHUNK = _w("customXml"), _w("altChunk")
PPR, RPR, TCPR, TRPR, VANISH = _w("pPr"), _w("rPr"), _w("tcPr"), _w("trPr"), _w("vanish")
PSTYLE, NUMPR, NUM_ID, ILVL, OUTLINE_LVL = _w("pStyle"), _w("numPr"), _w("numId"), _w("ilvl"), _w("outlineLvl")
GRID_COL, GRID_SPAN, GRID_BEFORE = _w("gridCol"), _w("gridSpan"), _w("gridBefore")
VMERGE, HMERGE, TBL_GRID = _w("vMerge"), _w("hMerge"), _w("tblGrid")
SECT_PR = _w("sectPr")
ALTERNATE_CONTENT, CHOICE = f"{{{MC_NS}}}AlternateContent", f"{{{MC_NS}}}Choice"
R_ID = f"{{{R_NS}}}id"
OLE_OBJECT = "{urn:schemas-microsoft-com:office:office}OLEObject"
A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"

# Subtrees that hold no displayed text: properties, deletions, field instructions, ruby guides.
_SKIP = frozenset(
    {PPR, RPR, _w("del"), _w("moveFrom"), _w("instrText"), _w("delText"), _w("delInstrText"), _w("rt")}
)
_OFF = frozenset({"0", "false", "off"})


# -- symbol fonts -------------------------------------------------------------------------------
# Symbol-font glyphs Chinese forms use for check boxes, ticks and bullets, as the nearest common
# Unicode characters (after the Unicode 7 Wingdings mappings).
_SYMBOL_FONTS: dict[str, dict[int, str]] = {
    "wingdings": {
        0x6C: "●", 0x6E: "■", 0x6F: "□", 0x71: "❑", 0x9F: "•", 0xA1: "○", 0xA4: "◉", 0xA8: "◻",
        0xFB: "✗", 0xFC: "✓", 0xFD: "☒", 0xFE: "☑",
    },
    "wingdings 2": {0x4F: "✗", 0x50: "✓", 0x52: "☑", 0x53: "☒", 0x54: "☒", 0x99: "○", 0xA2: "■", 0xA3: "□"},
    "symbol": {0xB4: "×", 0xB7: "•", 0xD6: "√"},
}


_SYMBOL_PUA = re.compile("[\uf020-\uf0ff]")
_RUN_FONT_ATTRS = (_w("ascii"), _w("hAnsi"), _w("eastAsia"), _w("cs"))


def _symbol_run_text(t: _Element, text: str) -> str:
    """Text of a run in a symbol font (how LibreOffice writes symbols: U+F0xx with w:rFonts
    Wingdings): mapped characters become their Unicode equivalents, others stay as found."""
    run = t.getparent()
    rpr = run.find(RPR) if run is not None else None
    fonts = rpr.find(_w("rFonts")) if rpr is not None else None
    if fonts is None:
        return text
    names = ((fonts.get(attr) or "").strip().lower() for attr in _RUN_FONT_ATTRS)
    table = next((_SYMBOL_FONTS[n] for n in names if n in _SYMBOL_FONTS), None)
    if table is None:
        return text
    return _SYMBOL_PUA.sub(lambda m: table.get(ord(m.group()) - 0xF000, m.group()), text)


def _symbol(sym: _Element) -> str:
    """The Unicode character a ``w:sym`` shows, or "" when its font's glyph has no known equivalent."""
    try:
        code = int(sym.get(_w("char")) or "", 16)
    except ValueError:
        return ""
    table = _SYMBOL_FONTS.get((sym.get(_w("font")) or "").strip().lower())
    if table is not None:
        return table.get(code - 0xF000 if code >= 0xF000 else code, "")
    return chr(code) if 0x20 <= code < 0xE000 or 0xF900 <= code <= 0x10FFFF else ""


# -- text of one paragraph ----------------------------------------------------------------------
def _is_placeholder(sdt: _Element) -> bool:
    pr = sdt.find(SDT_PR)
    return pr is not None and pr.find(SHOWING_PLC_HDR) is not None


def _is_hidden(run: _Element) -> bool:
    rpr = run.find(RPR)
    if rpr is None:
        return False
    vanish = rpr.find(VANISH)
    return vanish is not None and (vanish.get(VAL) or "true").lower() not in _OFF


def _read_paragraph(p: _Element) -> tuple[list[str], list[_Element]]:
    """The paragraph's lines (split at line breaks) and the text boxes anchored in it, in order."""
    lines: list[str] = []
    cur: list[str] = []
    boxes: list[_Element] = []
    stack: list[_Element] = list(reversed(p))
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag == T:
            text = el.text or ""
            cur.append(_symbol_run_text(el, text) if _SYMBOL_PUA.search(text) else text)
        elif tag == R:
            if not _is_hidden(el):
                stack.extend(reversed(el))
        elif tag in (TAB, PTAB):
            cur.append(" ")
        elif tag in (BR, CR):
            if el.get(_w("type")) in (None, "textWrapping"):
                lines.append("".join(cur))
                cur = []
        elif tag == NO_BREAK_HYPHEN:
            cur.append("-")
        elif tag == SYM:
            cur.append(_symbol(el))
        elif tag == TXBX_CONTENT:
            boxes.append(el)
        elif tag == ALTERNATE_CONTENT:
            choice = el.find(CHOICE)
            if choice is not None:
                stack.extend(reversed(choice))
        elif tag == SDT:
            content = el.find(SDT_CONTENT)
            if content is not None and not _is_placeholder(el):
                stack.extend(reversed(content))
        elif isinstance(tag, str) and tag not in _SKIP:
            stack.extend(reversed(el))
    lines.append("".join(cur))
    return lines, boxes


def _block_items(container: _Element, placeholder: bool = False) -> Iterator[tuple[_Element, bool]]:
    """The ``w:p`` and ``w:tbl`` of a block container (body, cell, text box, header) in order,
    looking through content controls and custom XML; the flag marks placeholder content."""
    for el in container:
        tag = el.tag
        if tag in (P, TBL):
            yield el, placeholder
        elif tag == SDT:
            content = el.find(SDT_CONTENT)
            if content is not None:
                yield from _block_items(content, placeholder or _is_placeholder(el))
        elif tag == CUSTOM_XML:
            yield from _block_items(el, placeholder)


def _wrapped(container: _Element, tag: str) -> Iterator[_Element]:
    """Children ``tag`` of a table or row, looking through content controls and custom XML."""
    for el in container:
        if el.tag == tag:
            yield el
        elif el.tag == SDT:
            content = el.find(SDT_CONTENT)
            if content is not None:
                yield from _wrapped(content, tag)
        elif el.tag == CUSTOM_XML:
            yield from _wrapped(el, tag)


def _int_val(el: _Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(VAL) or default)
    except ValueError:
        return default


# -- styles -------------------------------------------------------------------------------------
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$")
_TITLE_NAMES = frozenset({"title", "标题"})
_TOC_NAME = re.compile(r"^(?:toc|目录)\s*(?:[1-9]|heading|标题)$")
_CAPTION_NAMES = frozenset({"caption", "题注"})


@dataclass(frozen=True, slots=True)
class _StyleRole:
    """What a paragraph style says: ``kind`` heading/paragraph/caption or None, and the level."""

    kind: str | None = None
    level: int | None = None


@dataclass(frozen=True, slots=True)
class _StyleDef:
    name: str
    based_on: str | None
    outline: int | None
    num: tuple[str | None, int | None] | None  # (numId, ilvl) from the style's w:numPr


def _num_pr(ppr: _Element | None) -> tuple[str | None, int | None] | None:
    if ppr is None:
        return None
    num_pr = ppr.find(NUMPR)
    if num_pr is None:
        return None
    num_id = num_pr.find(NUM_ID)
    ilvl = num_pr.find(ILVL)
    return (num_id.get(VAL) if num_id is not None else None, _int_val(ilvl, 0) if ilvl is not None else None)


class _Styles:
    """Paragraph styles from ``styles.xml``, resolved along ``w:basedOn`` chains."""

    def __init__(self, root: _Element | None):
        self._defs: dict[str, _StyleDef] = {}
        self.default_id: str | None = None
        self._roles: dict[str | None, _StyleRole] = {}
        if root is None:
            return
        for st in root.iter(_w("style")):
            if st.get(_w("type")) != "paragraph":
                continue
            sid = st.get(_w("styleId"))
            if sid is None:
                continue
            name_el, based_el, ppr = st.find(_w("name")), st.find(_w("basedOn")), st.find(PPR)
            outline = ppr.find(OUTLINE_LVL) if ppr is not None else None
            self._defs[sid] = _StyleDef(
                name=(name_el.get(VAL) or "").strip().lower() if name_el is not None else "",
                based_on=based_el.get(VAL) if based_el is not None else None,
                outline=_int_val(outline, 9) if outline is not None else None,
                num=_num_pr(ppr),
            )
            if (st.get(_w("default")) or "").lower() in {"1", "true", "on"}:
                self.default_id = sid

    def _chain(self, style_id: str | None) -> Iterator[_StyleDef]:
        seen: set[str] = set()
        sid = style_id if style_id in self._defs else self.default_id
        while sid is not None and sid in self._defs and sid not in seen:
            seen.add(sid)
            yield self._defs[sid]
            sid = self._defs[sid].based_on

    def role(self, style_id: str | None) -> _StyleRole:
        """The first style in the chain that names a role or sets an outline level decides."""
        if style_id not in self._roles:
            self._roles[style_id] = self._resolve_role(style_id)
        return self._roles[style_id]

    def _resolve_role(self, style_id: str | None) -> _StyleRole:
        for st in self._chain(style_id):
            m = _HEADING_NAME.match(st.name)
            if m:
                return _StyleRole(BlockKind.HEADING, int(m.group(1)))
            if st.name in _TITLE_NAMES:
                return _StyleRole(BlockKind.HEADING, 0)
            if _TOC_NAME.match(st.name):
                return _StyleRole(BlockKind.PARAGRAPH)
            if st.name in _CAPTION_NAMES:
                return _StyleRole(BlockKind.CAPTION)
            if st.outline is not None:
                return _StyleRole(BlockKind.HEADING, st.outline + 1) if st.outline < 9 else _StyleRole()
        return _StyleRole()

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None] | None:
        """The (numId, ilvl) a style chain gives, nearest definition first."""
        num_id: str | None = None
        ilvl: int | None = None
        for st in self._chain(style_id):
            if st.num is None:
                continue
            num_id = num_id if num_id is not None else st.num[0]
            ilvl = ilvl if ilvl is not None else st.num[1]
        return (num_id, ilvl) if num_id is not None else None

    def style_numbering(self, style_id: str) -> str | None:
        """numId of a numbering style (for ``w:numStyleLink``)."""
        st = self._defs.get(style_id)
        return st.num[0] if st is not None and st.num is not None else None


# -- automatic numbering ------------------------------------------------------------------------
_CN_DIGITS = "〇一二三四五六七八九"
_CN_UNITS = ("", "十", "百", "千")
_CN_LEGAL = str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_SERIES = {  # format -> (first code point, how many)
    "decimalEnclosedCircle": (0x2460, 20),
    "decimalEnclosedCircleChinese": (0x2460, 20),
    "decimalEnclosedParen": (0x2474, 20),
    "decimalEnclosedFullstop": (0x2488, 20),
    "ideographEnclosedCircle": (0x3280, 10),
    "ideographParenthesized": (0x3220, 10),
}
_CYCLES = {"ideographTraditional": "甲乙丙丁戊己庚辛壬癸", "ideographZodiac": "子丑寅卯辰巳午未申酉戌亥"}


def _chinese_counting(n: int) -> str:
    """1 -> 一, 10 -> 十, 11 -> 十一, 20 -> 二十, 105 -> 一百零五 (Word's chineseCounting)."""
    if not 0 < n < 10000:
        return str(n)
    digits = str(n)
    out: list[str] = []
    pending_zero = False
    for i, ch in enumerate(digits):
        d = int(ch)
        if d == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_CN_DIGITS[d] + _CN_UNITS[len(digits) - i - 1])
    s = "".join(out)
    return s[1:] if s.startswith("一十") else s


def _format_number(n: int, fmt: str) -> str:
    """A counter value in a ``w:numFmt`` format; unknown formats fall back to decimal."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand"):
        return _chinese_counting(n)
    if fmt == "chineseLegalSimplified":
        return _chinese_counting(n).translate(_CN_LEGAL)
    if fmt in ("ideographDigital", "taiwaneseDigital"):
        return "".join(_CN_DIGITS[int(c)] for c in str(n))
    if fmt in _SERIES:
        first, count = _SERIES[fmt]
        return chr(first + n - 1) if 1 <= n <= count else str(n)
    if fmt in _CYCLES:
        cycle = _CYCLES[fmt]
        return cycle[(n - 1) % len(cycle)] if n >= 1 else str(n)
    if fmt in ("upperLetter", "lowerLetter") and n >= 1:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 0 < n < 4000:
        out = ""
        for value, numeral in _ROMAN:
            while n >= value:
                out += numeral
                n -= value
        return out if fmt == "upperRoman" else out.lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(_FULLWIDTH)
    return str(n)


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # 1-based level after which this level restarts; 0 = never
    legal: bool = False


def _read_levels(parent: _Element) -> dict[int, _Level]:
    levels: dict[int, _Level] = {}
    for lvl in parent.findall(_w("lvl")):
        try:
            ilvl = int(lvl.get(_w("ilvl")) or 0)
        except ValueError:
            continue
        fmt, text, restart = lvl.find(_w("numFmt")), lvl.find(_w("lvlText")), lvl.find(_w("lvlRestart"))
        levels[ilvl] = _Level(
            start=_int_val(lvl.find(_w("start")), 1),
            fmt=(fmt.get(VAL) or "decimal") if fmt is not None else "decimal",
            text=(text.get(VAL) or "") if text is not None else "",
            restart=_int_val(restart, 0) if restart is not None else None,
            legal=lvl.find(_w("isLgl")) is not None,
        )
    return levels


@dataclass(slots=True)
class _Num:
    abstract: str
    start_overrides: dict[int, int]
    level_overrides: dict[int, _Level]


@dataclass(frozen=True, slots=True)
class _Label:
    text: str  # as Word displays it, e.g. "一、"; "" for bullets
    bullet: bool


_LEVEL_REF = re.compile(r"%([1-9])")


class _Numbering:
    """``numbering.xml`` with running counters: ``label`` renders and advances one list item."""

    def __init__(self, root: _Element | None, styles: _Styles):
        self._styles = styles
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._style_links: dict[str, str] = {}
        self._nums: dict[str, _Num] = {}
        self._counters: dict[str, list[int | None]] = {}
        self._used: set[str] = set()
        if root is None:
            return
        for ab in root.findall(_w("abstractNum")):
            aid = ab.get(_w("abstractNumId"))
            if aid is None:
                continue
            self._abstract[aid] = _read_levels(ab)
            link = ab.find(_w("numStyleLink"))
            if link is not None and link.get(VAL):
                self._style_links[aid] = link.get(VAL) or ""
        for num in root.findall(_w("num")):
            nid, ab_ref = num.get(_w("numId")), num.find(_w("abstractNumId"))
            if nid is None or ab_ref is None or ab_ref.get(VAL) is None:
                continue
            starts: dict[int, int] = {}
            overrides: dict[int, _Level] = {}
            for ov in num.findall(_w("lvlOverride")):
                ilvl = _int_val_attr(ov, _w("ilvl"))
                start = ov.find(_w("startOverride"))
                if start is not None:
                    starts[ilvl] = _int_val(start, 1)
                overrides.update(_read_levels(ov))
            self._nums[nid] = _Num(ab_ref.get(VAL) or "", starts, overrides)

    def _abstract_id(self, num: _Num) -> str:
        """Follow ``w:numStyleLink`` (a list defined through a numbering style) one step."""
        link = self._style_links.get(num.abstract)
        if link is not None and not self._abstract.get(num.abstract):
            linked = self._nums.get(self._styles.style_numbering(link) or "")
            if linked is not None:
                return linked.abstract
        return num.abstract

    def label(self, num_id: str, ilvl: int) -> _Label | None:
        """Advance the list ``num_id`` at level ``ilvl`` and render its label; None if undefined."""
        num = self._nums.get(num_id)
        if num is None:
            return None
        aid = self._abstract_id(num)
        levels = {**self._abstract.get(aid, {}), **num.level_overrides}
        if ilvl not in levels:
            return None
        starts = {k: num.start_overrides.get(k, lv.start) for k, lv in levels.items()}
        counters = self._counters.setdefault(aid, [None] * 9)
        if num_id not in self._used:
            self._used.add(num_id)
            for k in num.start_overrides:
                if 0 <= k < 9:
                    counters[k] = None
        cur = counters[ilvl]
        counters[ilvl] = starts[ilvl] if cur is None else cur + 1
        for k in range(ilvl + 1, 9):
            restart = levels[k].restart if k in levels else None
            after = k if restart is None else restart
            if after != 0 and ilvl < after:
                counters[k] = None
        lv = levels[ilvl]
        if lv.fmt == "bullet":
            return _Label("", True)

        def value(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            if lv.fmt == "none" and k == ilvl:
                return ""
            n = counters[k] if counters[k] is not None else starts.get(k, 1)
            fmt = "decimal" if lv.legal else (levels[k].fmt if k in levels else "decimal")
            return _format_number(n or 0, fmt)

        return _Label(_LEVEL_REF.sub(value, lv.text), False)


def _int_val_attr(el: _Element, attr: str) -> int:
    try:
        return int(el.get(attr) or 0)
    except ValueError:
        return 0


# -- the document walker ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _ParaText:
    text: str  # the displayed text, numbering label included
    role: _StyleRole
    label: _Label | None
    boxes: list[_Element]


class _Reader:
    """Walks the body in order and emits blocks, tables and furniture through the builder."""

    def __init__(self, builder: DocumentBuilder, styles: _Styles, numbering: _Numbering):
        self.builder = builder
        self.styles = styles
        self.numbering = numbering
        self.next_index = 0  # paragraph_index of the next body paragraph

    # -- paragraphs ---------------------------------------------------------------------------
    def _paragraph(self, p: _Element, placeholder: bool) -> _ParaText:
        """Text, style role and numbering label of a paragraph (advances list counters)."""
        ppr = p.find(PPR)
        pstyle = ppr.find(PSTYLE) if ppr is not None else None
        style_id = pstyle.get(VAL) if pstyle is not None else None
        role = self.styles.role(style_id)
        outline = ppr.find(OUTLINE_LVL) if ppr is not None else None
        if outline is not None:
            lvl = _int_val(outline, 9)
            role = _StyleRole(BlockKind.HEADING, lvl + 1) if lvl < 9 else _StyleRole()
        lines, boxes = ([], []) if placeholder else _read_paragraph(p)
        text = join_wrapped(lines)
        label = self._label(ppr, style_id)
        if label is not None and label.text.strip() and text:
            text = join_wrapped([label.text, text])
        return _ParaText(text, role, label, boxes)

    def _label(self, ppr: _Element | None, style_id: str | None) -> _Label | None:
        own = _num_pr(ppr)
        from_style = self.styles.numbering(style_id)
        num_id = own[0] if own is not None and own[0] is not None else (from_style[0] if from_style else None)
        if num_id is None or num_id == "0":
            return None
        ilvl = own[1] if own is not None and own[1] is not None else (from_style[1] if from_style else None)
        return self.numbering.label(num_id, ilvl or 0)

    @staticmethod
    def _classify(para: _ParaText) -> tuple[str, int | None, str | None]:
        role, text = para.role, para.text
        if role.kind == BlockKind.HEADING:
            return BlockKind.HEADING, role.level, classify_line(text)[2]
        if role.kind is not None:
            return role.kind, None, None
        kind, level, marker = classify_line(text)
        if para.label is not None and kind == BlockKind.PARAGRAPH:
            return BlockKind.LIST_ITEM, None, para.label.text.strip() or None
        return kind, level, marker

    def read_body(self, body: _Element) -> None:
        for el, placeholder in _block_items(body):
            if el.tag == P:
                self._body_paragraph(el, placeholder)
            else:
                pos = Position(paragraph_index=self.next_index - 1 if self.next_index else None)
                self._table(el, pos)

    def _body_paragraph(self, p: _Element, placeholder: bool) -> None:
        pos = Position(paragraph_index=self.next_index)
        self.next_index += 1
        para = self._paragraph(p, placeholder)
        kind, level, marker = self._classify(para)
        self.builder.add_block(kind, para.text, pos, level=level, marker=marker)
        for box in para.boxes:
            for text in self._box_texts(box):
                self.builder.add_block(BlockKind.PARAGRAPH, text, pos)

    def _box_texts(self, box: _Element) -> Iterator[str]:
        """One text per paragraph (or flattened table) of a text box, nested boxes after their anchor."""
        for el, placeholder in _block_items(box):
            if el.tag == TBL:
                yield self._flat_table_text(el)
                continue
            para = self._paragraph(el, placeholder)
            yield para.text
            for inner in para.boxes:
                yield from self._box_texts(inner)

    # -- tables -------------------------------------------------------------------------------
    def _cell_text(self, tc: _Element) -> str:
        parts: list[str] = []
        for el, placeholder in _block_items(tc):
            if el.tag == TBL:
                parts.append(self._flat_table_text(el))
                continue
            para = self._paragraph(el, placeholder)
            parts.append(para.text)
            for box in para.boxes:
                parts.extend(self._box_texts(box))
        return join_wrapped(parts)

    def _flat_table_text(self, tbl: _Element) -> str:
        texts = (self._cell_text(tc) for tr in _wrapped(tbl, TR) for tc in _wrapped(tr, TC))
        return " ".join(t for t in texts if t)

    def _table(self, tbl: _Element, pos: Position) -> None:
        grid = tbl.find(TBL_GRID)
        width = len(grid.findall(GRID_COL)) if grid is not None else 0
        draft = TableDraft(n_rows=0, n_cols=0, source="docx", pos=pos)
        open_merges: dict[int, CellDraft] = {}  # grid column -> origin of a vertical merge
        row = 0
        for tr in _wrapped(tbl, TR):
            trpr = tr.find(TRPR)
            col = max(0, _int_val(trpr.find(GRID_BEFORE) if trpr is not None else None, 0))
            left: CellDraft | None = None
            for tc in _wrapped(tr, TC):
                span, vmerge, hmerge_continue = _cell_merge(tc)
                text = self._cell_text(tc)
                if hmerge_continue and left is not None:
                    left.col_span += span
                    left.text = join_wrapped([left.text, text])
                elif vmerge == "continue" and _continues(open_merges.get(col), row):
                    origin = open_merges[col]
                    origin.row_span += 1
                    origin.text = join_wrapped([origin.text, text])
                    left = None
                else:
                    left = CellDraft(row, col, text, Position(), 1, span)
                    draft.cells.append(left)
                    for k in range(col, col + span):
                        open_merges.pop(k, None)
                    if vmerge is not None:
                        open_merges[col] = left
                col += span
            width = max(width, col)
            row += 1
        draft.n_rows, draft.n_cols = row, width
        self.builder.add_table(draft)

    # -- furniture ----------------------------------------------------------------------------
    def furniture_texts(self, root: _Element) -> Iterator[str]:
        """One text per paragraph of a header/footer part; a table gives one text per row."""
        for el, placeholder in _block_items(root):
            if el.tag == TBL:
                for tr in _wrapped(el, TR):
                    yield " ".join(t for t in (self._cell_text(tc) for tc in _wrapped(tr, TC)) if t)
                continue
            para = self._paragraph(el, placeholder)
            yield para.text
            for box in para.boxes:
                yield from self._box_texts(box)


def _cell_merge(tc: _Element) -> tuple[int, str | None, bool]:
    """(grid columns spanned, vertical merge "restart"/"continue"/None, continues a legacy
    horizontal merge) of a ``w:tc``."""
    tcpr = tc.find(TCPR)
    if tcpr is None:
        return 1, None, False
    span = max(1, _int_val(tcpr.find(GRID_SPAN), 1))
    vmerge, hmerge = tcpr.find(VMERGE), tcpr.find(HMERGE)
    vstate = None if vmerge is None else ("restart" if vmerge.get(VAL) == "restart" else "continue")
    return span, vstate, hmerge is not None and hmerge.get(VAL) != "restart"


def _continues(origin: CellDraft | None, row: int) -> bool:
    """True if a vertical merge started above reaches down to the row before ``row``."""
    return origin is not None and origin.row + origin.row_span == row


# -- package access -----------------------------------------------------------------------------
def _open_document_part(path: str) -> DocumentPart:
    try:
        package = Package.open(path)
    except Exception as e:  # python-docx/zipfile/lxml raise many types for a damaged package
        raise CorruptFile(f"damaged DOCX package ({type(e).__name__}: {e})") from e
    try:
        part = package.main_document_part
    except KeyError:
        if any(rel.reltype.startswith(_STRICT_NS_PREFIX) for rel in package.rels.values()):
            raise UnsupportedFormat(
                "a Strict Open XML document",
                hint="Open it in Word or WPS and save it as a normal Word document (.docx).",
            ) from None
        raise CorruptFile("the DOCX package has no main document part") from None
    if not isinstance(part, DocumentPart) or part.element.find(BODY) is None:
        raise CorruptFile("the DOCX main part is not a WordprocessingML document")
    return part


def _related_xml(part: Part, reltype: str) -> _Element | None:
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return getattr(rel.target_part, "element", None)
    return None


def _header_footer_parts(part: DocumentPart, body: _Element) -> Iterator[tuple[str, _Element]]:
    """(kind, root) of every header/footer part the sections reference, each part once, in
    section order; a section's headers come before its footers."""
    seen: set[int] = set()
    for sect in body.iter(SECT_PR):
        for ref_tag, kind in ((_w("headerReference"), BlockKind.HEADER), (_w("footerReference"), BlockKind.FOOTER)):
            for ref in sect.findall(ref_tag):
                target = part.related_parts.get(ref.get(R_ID) or "")
                root = getattr(target, "element", None)
                if root is not None and id(root) not in seen:
                    seen.add(id(root))
                    yield kind, root


def _core_properties(package: Package) -> dict[str, str]:
    """title, author, created, modified (ISO 8601) when the package has them and they are not empty."""
    if not any(rel.reltype == RT.CORE_PROPERTIES for rel in package.rels.values()):
        return {}  # python-docx would invent defaults
    try:
        cp = package.core_properties
        values = {"title": cp.title, "author": cp.author, "created": cp.created, "modified": cp.modified}
    except Exception:  # a malformed docProps/core.xml loses the properties, not the document
        return {}
    out: dict[str, str] = {}
    for key, value in values.items():
        text = value.isoformat() if hasattr(value, "isoformat") else (value or "")
        if str(text).strip():
            out[key] = str(text).strip()
    return out


def _warn_unread(builder: DocumentBuilder, body: _Element) -> None:
    """Warnings for body content that holds text this parser cannot read, and for a body with no
    text at all (``no_text``, e.g. a scan pasted in as pictures)."""
    alt_chunks = sum(1 for _ in body.iter(ALT_CHUNK))
    if alt_chunks:
        builder.warn("alt_chunk_skipped", f"{alt_chunks} imported chunk(s) (w:altChunk) were not read")
    ole_objects = sum(1 for _ in body.iter(OLE_OBJECT))
    if ole_objects:
        builder.warn(
            "embedded_object_skipped",
            f"{ole_objects} embedded object(s) (e.g. an Excel sheet pasted as an object) were not read",
        )
    has_text = any(b.kind != BlockKind.TABLE for b in builder.blocks) or any(
        c.text for t in builder.tables for row in t.rows for c in row
    )
    if not has_text:
        pictures = sum(1 for _ in body.iter(A_BLIP))
        detail = f"; it holds {pictures} picture(s), perhaps a scan pasted in" if pictures else ""
        builder.warn("no_text", f"the document body holds no text{detail}")


def parse(path: str, source: SourceInfo, options: ParseOptions) -> Document:
    """Parse a DOCX file. Raises CorruptFile for a damaged package, UnsupportedFormat for Strict
    Open XML; a body without text is not an error but a ``no_text`` warning."""
    source.format = "docx"
    part = _open_document_part(path)
    builder = DocumentBuilder(source)
    styles = _Styles(_related_xml(part, RT.STYLES))
    reader = _Reader(builder, styles, _Numbering(_related_xml(part, RT.NUMBERING), styles))
    body = part.element.find(BODY)
    assert body is not None  # checked by _open_document_part
    reader.read_body(body)
    seen: set[tuple[str, str]] = set()
    for kind, root in _header_footer_parts(part, body):
        for text in reader.furniture_texts(root):
            if text and (kind, text) not in seen:
                seen.add((kind, text))
                builder.add_furniture(kind, text, Position())
    builder.properties.update(_core_properties(part.package))
    _warn_unread(builder, body)
    return builder.build()
