"""Plain-text (TXT) and HTML parsers.

TXT
---
The bytes are decoded with :func:`~extractor.parsers.detect.sniff_text_encoding` (UTF-8, UTF-8 with
BOM, UTF-16, GB18030/GBK, else charset-normalizer); ``source.encoding`` records the codec. Line
endings are normalised (``\\r\\n``, ``\\r``, U+2028/U+2029/U+0085 -> ``\\n``) and control characters
other than ``\\n`` and ``\\t`` are dropped. There are no pages (``page_count`` is ``None``).

Every non-empty line is one block (these texts are one paragraph per line), stripped of the white
space around it and otherwise kept exactly as found: no space repair, no NFKC. Its kind, level and
marker come from :func:`~extractor.layout.classify_line`.

Positions: ``Position.line`` is the 0-based index of the source line (after line-ending
normalisation) and, for paragraphs, headings and list items, ``Position.paragraph_index`` is that
same 0-based source-line index. A table's position is the line of its first cell; each cell's
position is the line where the cell's text starts (``paragraph_index`` is ``None`` for cells).

Tables flattened into text are rebuilt (see :func:`_find_tables`):

* ``text_pipe`` — rows of ``|``-separated cells (``| a | b |`` or ``a | b | c``); runs of ``||||``
  are empty cells, a row broken over several lines is rejoined, ``|---|`` separator lines are
  skipped, short rows are padded to the widest row.
* ``text_cells`` — one cell per line ending in `` |`` (an HTML table exported cell by cell), or one
  cell per blank-line-separated paragraph (a Word table exported the same way; only accepted when
  the rebuilt rows are clearly tabular). Rows are rebuilt from the shapes of the cells, see
  :func:`_rebuild_rows`.

HTML
----
Decoded from the BOM, else ``<meta charset>``, else by sniffing; parsed with BeautifulSoup (lxml).
``script``, ``style``, ``nav``, ``header``, ``footer``, ``noscript`` (and form controls, hidden
elements) are dropped. Each block element (``p``, ``div``, ``li``, ``h1``–``h6``, …) and each
``<br>``-separated run of text becomes one block, white space collapsed as a browser does.
``h1`` is a level-0 heading (document title) only when no heading came before it, otherwise level
1; ``h2`` -> 1, ``h3`` -> 2, ``h4`` -> 3, ``h5`` -> 4, ``h6`` -> 5. ``li`` gives list items; other
blocks are classified by their numbering like TXT lines. ``<table>`` becomes a table (source
``html``) with ``rowspan``/``colspan`` resolved; a table nested in a cell is flattened into that
cell's text, except that an outer table with a single column or a single row which holds nested
tables is taken as page layout and read as blocks.

Positions: ``Position.paragraph_index`` is the 0-based index of the block in emission order
(caption and table each take one index); table cells carry their table's index.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from ..document import BlockKind, Document, Position, SourceInfo
from ..errors import CorruptFile, EmptyFile, UnsupportedFormat
from ..layout import classify_line, join_wrapped
from ..settings import ParseOptions
from .base import DocumentBuilder, TableDraft
from .detect import sniff_text_encoding

__all__ = ["parse_html", "parse_txt"]


# ============================================================================================
# Decoding
# ============================================================================================

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85]")


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as e:
        raise CorruptFile(f"cannot read the file ({e.strerror or e})") from e


def _decode(data: bytes, encoding: str) -> str:
    """Decode strictly; a multi-byte sequence cut off in the last 3 bytes is dropped, not fatal."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        if e.start >= len(e.object) - 3:  # offsets count in the bytes the codec saw (after a BOM)
            return e.object[: e.start].decode(encoding)
        raise CorruptFile(
            f"the text is not valid {encoding} (bad byte at offset {e.start})",
            hint="Save the file again as UTF-8 text and resubmit.",
        ) from e
    except LookupError as e:
        raise UnsupportedFormat(f"unknown text encoding {encoding!r}") from e


def _sniffed(data: bytes) -> tuple[str, str]:
    """(text, encoding) of text bytes whose encoding is sniffed; binary data is refused."""
    encoding = sniff_text_encoding(data)
    if encoding is None:
        raise UnsupportedFormat("the file is binary data, not text in a known encoding")
    return _decode(data, encoding), encoding


def _clean(text: str) -> str:
    """Normalise line endings to ``\\n`` and drop control characters other than ``\\n``/``\\t``."""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))


# ============================================================================================
# Cell shapes (shared by the table rebuilders)
# ============================================================================================

_UNITS = (
    r"%|％|‰|[万亿千百]?元(?:/[\u4e00-\u9fff]{1,3})?|人次|个|人|次|户|家|项|件|台|套|所|座|亩|公里|千米|米|"
    r"平方米|平方公里|㎡|立方米|吨|辆|份|场|天|日|月|年|小时|分钟|分|篇|条|张|册|本|名|处|间|期|批|元/人"
)
_NUMBER = re.compile(
    r"^[=＝﹦═≥≧≤≦<>＜＞≈±+\-－]{0,2}\s*\d[\d,，]*(?:\.\d+)?\s*(?:" + _UNITS + r")?$"
)
_NUMERIC_RANGE = re.compile(r"^\d[\d\-./:~～至 ]*\d$")
_UNIT_ONLY = re.compile(r"^(?:" + _UNITS + r")$")
_COMPARATOR = re.compile(r"^[=＝﹦═≥≧≤≦<>＜＞≈≠]{1,2}$")
_PLACEHOLDERS = frozenset({"/", "／", "\\", "—", "——", "-", "--", "－", "–", "─", "无", "*"})

LABEL, VALUE, EMPTY = "L", "V", "E"


def cell_kind(text: str) -> str:
    """``E`` for an empty cell, ``V`` for a value-like one (number, percentage, comparator, unit,
    placeholder, date), ``L`` for any other text (a label)."""
    t = text.strip()
    if not t:
        return EMPTY
    if (
        t in _PLACEHOLDERS
        or _COMPARATOR.match(t)
        or _UNIT_ONLY.match(t)
        or _NUMBER.match(t)
        or _NUMERIC_RANGE.match(t)
    ):
        return VALUE
    return LABEL


@dataclass(slots=True)
class _Cell:
    text: str
    line: int  # 0-based source line where the cell's text starts
    end_line: int  # last source line the cell occupies
    kind: str = field(default="")

    def __post_init__(self) -> None:
        if not self.kind:
            self.kind = cell_kind(self.text)


@dataclass(slots=True)
class _Row:
    kind: str  # "header" | "data" | "loose"
    cells: list[_Cell]


@dataclass(slots=True)
class _Found:
    """A table found in source lines ``first``..``last`` (inclusive)."""

    first: int
    last: int
    rows: list[list[_Cell]]
    source: str


# ============================================================================================
# Rebuilding rows from a flat sequence of cells
# ============================================================================================

_REGION_LABELS = 4  # a label run this long starts a new part of the table (it holds a header)
_ROW_LABELS = 3  # at most this many leading label cells in a data row used to measure row width


def _pairs(cells: list[_Cell]) -> list[tuple[list[_Cell], list[_Cell]]]:
    """Split cells into (labels, values) pairs.

    ``values`` is a maximal run of value/empty cells holding at least one value; ``labels`` is
    everything before it since the previous value run (labels and runs of empties). A last pair
    may have no values (labels after the last value run)."""
    out: list[tuple[list[_Cell], list[_Cell]]] = []
    labels: list[_Cell] = []
    i, n = 0, len(cells)
    while i < n:
        if cells[i].kind == LABEL:
            labels.append(cells[i])
            i += 1
            continue
        j = i
        while j < n and cells[j].kind != LABEL:
            j += 1
        run = cells[i:j]
        if any(c.kind == VALUE for c in run):
            out.append((labels, run))
            labels = []
        else:
            labels.extend(run)
        i = j
    if labels:
        out.append((labels, []))
    return out


def _regions(pairs: list[tuple[list[_Cell], list[_Cell]]]) -> list[list[tuple[list[_Cell], list[_Cell]]]]:
    """Group pairs into regions; a pair whose labels hold >= _REGION_LABELS labels starts one."""
    regions: list[list[tuple[list[_Cell], list[_Cell]]]] = []
    for labels, values in pairs:
        n_labels = sum(c.kind == LABEL for c in labels)
        if not regions or (values and n_labels >= _REGION_LABELS):
            regions.append([])
        regions[-1].append((labels, values))
    return regions


def _region_width(region: list[tuple[list[_Cell], list[_Cell]]], carried: int | None) -> int:
    """The usual data-row width of a region.

    A data row is a few labels followed by its values. Pairs with at most _ROW_LABELS labels
    measure it (labels + values); the most common measure wider than the usual value run wins
    (ties: the widest, as a row whose last text cell slid into the next label run measures
    short). Without one, the width carried from the previous region, else one label plus the
    usual value run. (Usual: the most common length, ties: the longest.)"""
    runs = Counter(len(v) for _, v in region if v)
    if not runs:
        return carried or 1
    usual = max(m for m, k in runs.items() if k == max(runs.values()))
    sizes = Counter(
        len(lab) + len(v) for lab, v in region if v and len(lab) <= _ROW_LABELS and len(lab) + len(v) > usual
    )
    if sizes:
        best = max(sizes.values())
        return max(w for w, k in sizes.items() if k == best)
    if carried and carried > usual:
        return carried
    return usual + 1


def _loose_rows(cells: list[_Cell]) -> list[_Row]:
    """Cells that fit no row: each label starts a row of its own, empties stay with it."""
    rows: list[_Row] = []
    for c in cells:
        if c.kind == EMPTY and rows:
            rows[-1].cells.append(c)
        else:
            rows.append(_Row("loose", [c]))
    return rows


def _place_leftover(rows: list[_Row], cells: list[_Cell], width: int) -> None:
    """Cells between two data rows end the previous row when they fit (row-major order), else
    they become rows of their own."""
    if rows and rows[-1].kind == "data" and len(rows[-1].cells) + len(cells) <= width + 1:
        rows[-1].cells.extend(cells)
    else:
        rows.extend(_loose_rows(cells))


def _widen_header(rows: list[_Row], at: int) -> None:
    """Make the header at ``rows[at]`` as wide as the data row below it, taking the single labels
    just above it (a header often starts with the label column's own heading)."""
    header = rows[at]
    if at + 1 >= len(rows):
        return
    need = len(rows[at + 1].cells) - len(header.cells)
    while need > 0 and at > 0 and rows[at - 1].kind == "loose" and len(rows[at - 1].cells) == 1:
        header.cells.insert(0, rows.pop(at - 1).cells[0])
        at -= 1
        need -= 1


def _region_rows(region: list[tuple[list[_Cell], list[_Cell]]], width: int, rows: list[_Row]) -> None:
    header_at: int | None = None
    for idx, (labels, values) in enumerate(region):
        if not values:  # labels after the last value run: nothing ties them to a row
            rows.extend(_loose_rows(labels))
            continue
        k = min(len(labels), max(1, width - len(values)))
        rest, own = labels[: len(labels) - k], labels[len(labels) - k :]
        if rest:
            if idx == 0 and len(rest) >= max(2, width // 2):
                h = min(len(rest), width)
                rows.extend(_loose_rows(rest[:-h]))
                header_at = len(rows)
                rows.append(_Row("header", rest[-h:]))
            else:
                _place_leftover(rows, rest, width)
        rows.append(_Row("data", own + values))
    if header_at is not None:
        _widen_header(rows, header_at)


def _rebuild_rows(cells: list[_Cell]) -> list[_Row]:
    """Rows of a table that was flattened to one cell after another, from the cells' shapes.

    Cells are labels (text), values (numbers, percentages, comparators, units, placeholders)
    or empty. A data row is its labels followed by a run of values; the data-row width of each
    part of the table is measured from its rows (:func:`_region_width`). The labels before the
    first data row of a part end in its header row (as wide as that data row); cells between
    data rows end the previous row when they fit; anything else (and every label after the last
    value) becomes rows of its own.
    Cells are never dropped and keep their order."""
    rows: list[_Row] = []
    carried: int | None = None
    for region in _regions(_pairs(cells)):
        width = _region_width(region, carried)
        carried = width
        _region_rows(region, width, rows)
    return rows


# ============================================================================================
# TXT tables: pipe rows, one cell per line, one cell per paragraph
# ============================================================================================

_ONE_CELL_LINE = re.compile(r"^[^|]*\|$")
_SEPARATOR_LINE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")


def _pipe_cells(part: list[tuple[int, str]]) -> list[_Cell]:
    """Cells of one pipe row that may span several source lines (``part``: (line, stripped text))."""
    joined = "\n".join(t for _, t in part)
    line_of = [ln for ln, t in part for _ in range(len(t) + 1)]
    start, end = 0, len(joined)
    if joined.startswith("|"):
        start = 1
    if joined.endswith("|") and end - 1 >= start:
        end -= 1
    cells: list[_Cell] = []
    pos = start
    for raw in joined[start:end].split("|"):
        lead = len(raw) - len(raw.lstrip())
        first = line_of[min(pos + lead, len(line_of) - 1)]
        last = line_of[min(pos + max(len(raw.rstrip()) - 1, 0), len(line_of) - 1)]
        cells.append(_Cell(join_wrapped(raw.split("\n")), first, max(first, last)))
        pos += len(raw) + 1
    return cells


def _pipe_width(content: list[tuple[int, str]], outer: bool) -> int:
    """The usual number of cells in a complete pipe row."""
    counts = Counter(
        len(_pipe_cells([item]))
        for item in content
        if not outer or (item[1].startswith("|") and item[1].endswith("|") and len(item[1]) > 1)
    )
    counts = Counter({w: k for w, k in counts.items() if w >= 2}) or counts
    if not counts:
        return 1
    best = max(counts.values())
    return max(w for w, k in counts.items() if k == best)


def _continues(part: list[tuple[int, str]], text: str, width: int) -> bool:
    """Does ``text`` continue the open row ``part`` (outer-piped tables only)?

    A line not starting with ``|`` continues the cell left open; a line of bare pipes continues
    a row that is still short of the usual width."""
    if not text.startswith("|"):
        return True
    return not text.strip("| \t") and len(_pipe_cells([*part, (0, text)])) <= width


def _pipe_rows(items: list[tuple[int, str]]) -> list[list[_Cell]]:
    content = [it for it in items if not _SEPARATOR_LINE.match(it[1])]
    if not content:
        return []
    outer = 2 * sum(t.startswith("|") for _, t in content) >= len(content)
    width = _pipe_width(content, outer)
    rows: list[list[_Cell]] = []
    part: list[tuple[int, str]] = []
    for ln, text in items:
        if _SEPARATOR_LINE.match(text):
            if part:
                rows.append(_pipe_cells(part))
            part = []
            continue
        if part and outer and _continues(part, text, width):
            part.append((ln, text))
        else:
            if part:
                rows.append(_pipe_cells(part))
            part = [(ln, text)]
        if len(_pipe_cells(part)) >= width:
            rows.append(_pipe_cells(part))
            part = []
    if part:
        rows.append(_pipe_cells(part))
    return rows


def _pipe_run_table(lines: list[str], first: int, last: int) -> _Found | None:
    """The table in a run of consecutive lines that all hold a ``|``, or None."""
    items = [(i, lines[i].strip()) for i in range(first, last + 1)]
    if all(_ONE_CELL_LINE.match(t) for _, t in items):
        if len(items) < 2:
            return None
        cells = [_Cell(t[:-1].strip(), i, i) for i, t in items]
        return _Found(first, last, [r.cells for r in _rebuild_rows(cells)], "text_cells")
    rows = _pipe_rows(items)
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return None
    return _Found(first, last, rows, "text_pipe")


def _pipe_runs(lines: list[str]) -> Iterator[tuple[int, int]]:
    """(first, last) of each maximal run of consecutive lines that contain ``|``."""
    start: int | None = None
    for i, line in enumerate(lines):
        if "|" in line:
            if start is None:
                start = i
        elif start is not None:
            yield start, i - 1
            start = None
    if start is not None:
        yield start, len(lines) - 1


# -- one cell per blank-line-separated paragraph ------------------------------------------------

_CELL_MAX_LINES = 3
_CELL_MAX_LINE_CHARS = 60
_CELL_MAX_CHARS = 80
_MIN_CELL_RUN = 8
_MIN_DATA_ROWS = 2
_MAX_LOOSE_SHARE = 0.25
_MIN_SAME_WIDTH = 0.75


def _paragraph_groups(lines: list[str], lo: int, hi: int) -> list[_Cell | None]:
    """Blank-line-separated groups of lines in ``lines[lo:hi]`` as cells; a white-space-only line
    is an empty cell; a group too long to be a cell is ``None`` (it ends a run of cells)."""
    out: list[_Cell | None] = []
    group: list[int] = []

    def close() -> None:
        if not group:
            return
        texts = [lines[i].strip() for i in group]
        text = join_wrapped(texts)
        fits = (
            len(group) <= _CELL_MAX_LINES
            and max(len(t) for t in texts) <= _CELL_MAX_LINE_CHARS
            and len(text) <= _CELL_MAX_CHARS
        )
        out.append(_Cell(text, group[0], group[-1]) if fits else None)
        group.clear()

    for i in range(lo, hi):
        line = lines[i]
        if line == "":
            close()
        elif not line.strip():
            close()
            out.append(_Cell("", i, i, EMPTY))
        else:
            group.append(i)
    close()
    return out


def _tabular_core(rows: list[_Row]) -> list[_Row] | None:
    """The rows from the first header/data row to the last data row, if they are clearly a table:
    at least _MIN_DATA_ROWS rows with two or more values; data rows of one width (a share of at
    least _MIN_SAME_WIDTH, none wider by more than one cell); few cells that fit no row."""
    full = [r for r in rows if r.kind == "data" and sum(c.kind == VALUE for c in r.cells) >= 2]
    if len(full) < _MIN_DATA_ROWS:
        return None
    first = next(i for i, r in enumerate(rows) if r.kind != "loose")
    last = max(i for i, r in enumerate(rows) if r.kind == "data")
    core = rows[first : last + 1]
    widths = Counter(len(r.cells) for r in core if r.kind == "data")
    width, same = widths.most_common(1)[0]
    if same < _MIN_SAME_WIDTH * sum(widths.values()) or any(len(r.cells) > width + 1 for r in core):
        return None
    filled = sum(c.kind != EMPTY for r in core for c in r.cells)
    loose = sum(c.kind != EMPTY for r in core if r.kind == "loose" for c in r.cells)
    return core if loose <= _MAX_LOOSE_SHARE * filled else None


def _paragraph_cell_tables(lines: list[str], lo: int, hi: int) -> list[_Found]:
    """Tables exported one cell per paragraph (blank lines between cells) in ``lines[lo:hi]``."""
    found: list[_Found] = []
    run: list[_Cell] = []
    for cell in [*_paragraph_groups(lines, lo, hi), None]:
        if cell is not None:
            run.append(cell)
            continue
        if len(run) >= _MIN_CELL_RUN:
            core = _tabular_core(_rebuild_rows(run))
            if core:
                last = max(c.end_line for c in core[-1].cells)
                found.append(_Found(core[0].cells[0].line, last, [r.cells for r in core], "text_cells"))
        run = []
    return found


def _find_tables(lines: list[str]) -> list[_Found]:
    """Every table in the text, in order and not overlapping.

    Runs of lines holding ``|`` are pipe tables (one row per line) or, when every line is a
    single cell ending in ``|``, cell-per-line tables; between them, cell-per-paragraph tables."""
    found: list[_Found] = []
    done = 0
    for first, last in _pipe_runs(lines):
        table = _pipe_run_table(lines, first, last)
        if table is None:
            continue
        found.extend(_paragraph_cell_tables(lines, done, first))
        found.append(table)
        done = last + 1
    found.extend(_paragraph_cell_tables(lines, done, len(lines)))
    return found


# ============================================================================================
# TXT emission
# ============================================================================================


def _add_line(builder: DocumentBuilder, text: str, line: int) -> None:
    t = text.strip()
    if not t:
        return
    kind, level, marker = classify_line(t)
    builder.add_block(kind, t, Position(paragraph_index=line, line=line), level=level, marker=marker)


def _add_text_table(builder: DocumentBuilder, found: _Found) -> None:
    n_cols = max(len(r) for r in found.rows)
    draft = TableDraft(n_rows=len(found.rows), n_cols=n_cols, source=found.source, pos=Position(line=found.first))
    for r, row in enumerate(found.rows):
        for c in range(n_cols):
            cell = row[c] if c < len(row) else None
            line = cell.line if cell is not None else row[-1].line
            draft.add(r, c, cell.text if cell is not None else "", Position(line=line))
    builder.add_table(draft)


def parse_txt(path: str, source: SourceInfo, options: ParseOptions) -> Document:
    """Parse a plain-text file into a Document (see the module docstring for positions)."""
    text, encoding = _sniffed(_read_bytes(path))
    source.format = "txt"
    source.encoding = encoding
    lines = _clean(text).split("\n")
    builder = DocumentBuilder(source)
    at = 0
    for table in _find_tables(lines):
        for i in range(at, table.first):
            _add_line(builder, lines[i], i)
        _add_text_table(builder, table)
        at = table.last + 1
    for i in range(at, len(lines)):
        _add_line(builder, lines[i], i)
    if not builder.blocks:
        raise EmptyFile("the text file holds no text")
    return builder.build()


# ============================================================================================
# HTML
# ============================================================================================

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}
_WS = re.compile(r"[ \t\n\r\f]+")
_DROP = frozenset(
    {"script", "style", "nav", "header", "footer", "noscript", "template", "iframe", "object", "embed",
     "svg", "head", "select", "option", "button", "textarea", "input", "map", "area", "audio", "video", "canvas"}
)
_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "div", "dl", "dt",
     "fieldset", "figcaption", "figure", "form", "hgroup", "hr", "html", "legend", "main", "ol", "p", "section",
     "summary", "ul", "caption", "tr", "td", "th", "thead", "tbody", "tfoot"}
)
_HEADINGS = {"h1": 0, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 5}
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
_MAX_SPAN = 1000


def _html_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): BOM first, then a ``<meta charset>`` that decodes cleanly, then sniffing."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return _sniffed(data)
    m = _META_CHARSET.search(data[:8192])
    if m:
        name = m.group(1).decode("ascii", "ignore").lower()
        try:
            declared = codecs.lookup(_SUPERSETS.get(name, name)).name
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass
    return _sniffed(data)


def _collapse(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _hidden(tag: Tag) -> bool:
    style = str(tag.get("style") or "").replace(" ", "").lower()
    return tag.has_attr("hidden") or "display:none" in style


def _span_attr(tag: Tag, name: str) -> int:
    """A rowspan/colspan value: 0 stays 0 (to the last row), junk and negatives become 1."""
    try:
        value = int(str(tag.get(name, "1")).strip() or "1")
    except ValueError:
        return 1
    return 1 if value < 0 else min(value, _MAX_SPAN)


def _own_rows(table: Tag) -> list[list[Tag]]:
    """The table's rows (not those of tables nested in it), each as its td/th cells."""
    rows: list[list[Tag]] = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is table:
            cells = [c for c in tr.find_all(["td", "th"], recursive=False) if not _hidden(c)]
            if cells:
                rows.append(cells)
    return rows


def _is_layout_table(table: Tag, rows: list[list[Tag]]) -> bool:
    """A single-column or single-row table that holds other tables frames the page."""
    nested = any(t.find_parent("table") is table for t in table.find_all("table"))
    return nested and (len(rows) <= 1 or max(len(r) for r in rows) <= 1)


class _HtmlReader:
    """Walks the body in document order, emitting blocks and tables through the builder."""

    def __init__(self, builder: DocumentBuilder):
        self.builder = builder
        self.index = 0  # next paragraph_index
        self.headings = 0  # heading blocks emitted so far
        self.buf: list[str] = []
        self.hint: tuple[str, int | None] | None = None  # (kind, level) imposed by h1-h6 / li

    # -- blocks --------------------------------------------------------------------------------
    def flush(self) -> None:
        text = _collapse("".join(self.buf))
        self.buf = []
        if text:
            self.emit(text)

    def emit(self, text: str) -> None:
        kind, level, marker = classify_line(text)
        if self.hint is not None:
            forced, forced_level = self.hint
            if forced == BlockKind.HEADING:
                kind, level = forced, forced_level
                if level == 0 and self.headings:
                    level = 1
            else:
                kind = forced
        if self.builder.add_block(kind, text, Position(paragraph_index=self.index), level=level, marker=marker):
            self.index += 1
            self.headings += kind == BlockKind.HEADING

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, _SKIPPED_STRINGS):
                    self.buf.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _DROP or _hidden(child):
                continue
            self.element(child)

    def element(self, tag: Tag) -> None:
        name = tag.name
        if name == "br":
            self.flush()
        elif name == "table":
            self.flush()
            self.table(tag)
        elif name == "pre":
            self.flush()
            for line in tag.get_text().split("\n"):
                if line.strip():
                    self.emit(line.strip())
        elif name in _HEADINGS or name == "li":
            self.flush()
            outer = self.hint
            self.hint = (BlockKind.HEADING, _HEADINGS[name]) if name in _HEADINGS else (BlockKind.LIST_ITEM, None)
            self.walk(tag)
            self.flush()
            self.hint = outer
        elif name in _BLOCKS:
            self.flush()
            self.walk(tag)
            self.flush()
        else:
            self.walk(tag)

    # -- tables --------------------------------------------------------------------------------
    def cell_text(self, cell: Tag) -> str:
        """A cell's text: its lines (``<br>``, blocks) joined as wrapped lines; a nested table
        flattened to its cell texts, separated from each other and the text around by spaces."""
        lines: list[tuple[str, bool]] = []  # (text, from a nested table)
        cur: list[str] = []

        def newline(nested: bool = False) -> None:
            text = _collapse("".join(cur))
            if text:
                lines.append((text, nested))
            cur.clear()

        def visit(node: Tag) -> None:
            for ch in node.children:
                if isinstance(ch, NavigableString):
                    if not isinstance(ch, _SKIPPED_STRINGS):
                        cur.append(str(ch))
                elif isinstance(ch, Tag) and ch.name not in _DROP and not _hidden(ch):
                    if ch.name == "br":
                        newline()
                    elif ch.name == "table":
                        newline()
                        cur.append(" ".join(t for row in _own_rows(ch) for c in row if (t := self.cell_text(c))))
                        newline(nested=True)
                    elif ch.name in _BLOCKS or ch.name in _HEADINGS or ch.name in ("li", "pre"):
                        newline()
                        visit(ch)
                        newline()
                    else:
                        visit(ch)

        visit(cell)
        newline()
        out, glued = "", False
        for text, nested in lines:
            out = f"{out} {text}" if out and (nested or glued) else join_wrapped([out, text])
            glued = nested
        return out

    def table(self, table: Tag) -> None:
        rows = _own_rows(table)
        if not rows or _is_layout_table(table, rows):
            self.walk(table)
            self.flush()
            return
        caption_tag = table.find("caption")
        caption = None
        caption_pos = None
        if caption_tag is not None and caption_tag.find_parent("table") is table:
            caption = self.cell_text(caption_tag) or None
            if caption:
                caption_pos = Position(paragraph_index=self.index)
                self.index += 1
        draft = self.draft(rows, Position(paragraph_index=self.index))
        draft.caption, draft.caption_pos = caption, caption_pos
        if self.builder.add_table(draft) is not None:
            self.index += 1

    def draft(self, rows: list[list[Tag]], pos: Position) -> TableDraft:
        """Place each cell at the first free column of its row; rowspan/colspan cover the grid."""
        n_rows = len(rows)
        taken: set[tuple[int, int]] = set()
        draft = TableDraft(n_rows=n_rows, n_cols=0, source="html", pos=pos)
        for r, cells in enumerate(rows):
            c = 0
            for cell in cells:
                while (r, c) in taken:
                    c += 1
                rs = _span_attr(cell, "rowspan") or (n_rows - r)  # rowspan="0": to the last row
                rs = max(1, min(rs, n_rows - r))
                cs = max(1, _span_attr(cell, "colspan"))
                draft.add(r, c, self.cell_text(cell), Position(paragraph_index=pos.paragraph_index), rs, cs)
                taken.update((rr, cc) for rr in range(r, r + rs) for cc in range(c, c + cs))
                c += cs
        draft.n_cols = max(cc for _, cc in taken) + 1
        return draft


def parse_html(path: str, source: SourceInfo, options: ParseOptions) -> Document:
    """Parse an HTML page into a Document (see the module docstring for positions)."""
    text, encoding = _html_text(_read_bytes(path))
    source.format = "html"
    source.encoding = encoding
    soup = BeautifulSoup(_clean(text), "lxml")
    builder = DocumentBuilder(source)
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if title:
        builder.properties["title"] = _collapse(title)
    reader = _HtmlReader(builder)
    try:
        reader.walk(soup.body or soup)
    except RecursionError as e:
        raise CorruptFile("the HTML nests its elements too deeply to be read") from e
    reader.flush()
    if not builder.blocks:
        raise EmptyFile("the HTML page holds no text")
    return builder.build()
