"""Build the hand-labelled corpus (documents + gold) from the annotated sources.

Run from the repository root::

    .venv/bin/python corpora/labelled/make_gold.py

Each ``annotated/NAME.EXT.ann`` is one document written by hand with its labels inline:

* header lines ``#key: value`` (doc_type, title, fiscal_year, issuer, implementing_unit,
  project_name, split = train|test); ``null`` or an empty value is JSON null;
* ``@label 一、heading`` marks a numbered top-level heading (level 1 or 2) with its section label;
  ``@title text`` is the document title (not a section);
* ``[[p1 P03,P06 project| text {{cause}} ]]`` is a problem (categories, scope), the ``{{...}}`` part
  its cause clause; ``[[m1 M03 改进措施 >p1,p2| text ]]`` a measure (categories, kind, the problems
  it addresses); ``null`` instead of the categories marks an explicit empty statement ("无").

The markup is stripped; what remains is the document text. ``NAME.txt`` is written as is; for
``NAME.docx`` a plain source ``docx-src/NAME.txt`` (``#``/``##``/``###`` headings, ``|`` table rows)
is written and ``build_docx.py`` turns it into the Word file. Gold goes to ``NAME.EXT.gold.json``
and the split to ``split.toml``. Output is deterministic.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANN = HERE / "annotated"
SRC = HERE / "docx-src"

META_KEYS = ("doc_type", "title", "fiscal_year", "issuer", "implementing_unit", "project_name")
ITEM = re.compile(r"\[\[(?P<head>[^|\]]*)\|(?P<body>.*?)\]\]", re.S)
CAUSE = re.compile(r"\{\{(.*?)\}\}", re.S)
HEADING = re.compile(r"^@(?P<label>[a-z_]+)\s(?P<text>.*)$")
LEVEL2 = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")


def _value(raw: str):
    raw = raw.strip()
    if raw in ("", "null"):
        return None
    return int(raw) if raw.isdigit() else raw


def _unwrap(s: str) -> str:
    """Item text as the gold keeps it: hard line wraps (and spaces next to them) removed."""
    return re.sub(r"[ \t\u3000]*\n[ \t\u3000]*", "", s)


def _item(head: str, body: str) -> tuple[dict, str]:
    parts = head.split()
    iid, cats = parts[0], parts[1]
    null = cats == "null"
    cat_list = [] if null else cats.split(",")
    cause = None
    m = CAUSE.search(body)
    if m:
        cause = _unwrap(m.group(1))
    plain = CAUSE.sub(lambda mm: mm.group(1), body)
    text = _unwrap(plain)
    if iid.startswith("p"):
        scope = parts[2]
        return {"id": iid, "text": text, "cause_text": cause, "categories": cat_list,
                "scope": scope, "is_null_statement": null}, plain
    kind = parts[2]
    addr = []
    if len(parts) > 3 and parts[3].startswith(">"):
        addr = [a for a in parts[3][1:].split(",") if a]
    return {"id": iid, "text": text, "categories": cat_list, "kind": kind,
            "addresses_problem_ids": addr, "is_null_statement": null}, plain


def build_one(ann: Path) -> tuple[str, str]:
    name = ann.name[: -len(".ann")]
    ext = name.rsplit(".", 1)[1]
    meta: dict = {}
    split = "test"
    out_lines: list[str] = []
    sections: list[dict] = []
    problems: list[dict] = []
    measures: list[dict] = []
    body_lines: list[str] = []
    for line in ann.read_text(encoding="utf-8").split("\n"):
        if line.startswith("#") and ":" in line and not body_lines:
            key, _, val = line[1:].partition(":")
            key = key.strip()
            if key == "split":
                split = val.strip()
            else:
                meta[key] = _value(val)
            continue
        body_lines.append(line)
    text = "\n".join(body_lines).strip("\n") + "\n"

    def repl(m: re.Match) -> str:
        item, plain = _item(m.group("head"), m.group("body"))
        (problems if item["id"].startswith("p") else measures).append(item)
        return plain

    text = ITEM.sub(repl, text)
    if "[[" in text or "]]" in text or "{{" in text:
        raise ValueError(f"{ann.name}: unbalanced markup")
    for line in text.split("\n"):
        if line.startswith("@title "):
            t = line[len("@title "):]
            out_lines.append(("# " + t) if ext == "docx" else t)
            continue
        m = HEADING.match(line)
        if m:
            heading = m.group("text")
            sections.append({"heading": heading.strip(), "label": m.group("label")})
            if ext == "docx":
                level = "### " if LEVEL2.match(heading) else "## "
                out_lines.append(level + heading)
            else:
                out_lines.append(heading)
            continue
        out_lines.append(line)
    plain = "\n".join(out_lines)
    for m in meta:
        if m not in META_KEYS:
            raise ValueError(f"{ann.name}: unknown header key {m}")
    gold = {
        "file": name,
        "source": "hand",
        "records": [{
            "meta": {k: meta.get(k) for k in META_KEYS},
            "sections": sections,
            "problems": problems,
            "measures": measures,
        }],
    }
    if ext == "txt":
        (HERE / name).write_text(plain, encoding="utf-8")
    else:
        (SRC / (name[: -len(".docx")] + ".txt")).write_text(plain, encoding="utf-8")
    (HERE / f"{name}.gold.json").write_text(
        json.dumps(gold, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return name, split


def main() -> int:
    SRC.mkdir(exist_ok=True)
    splits: dict[str, list[str]] = {"train": [], "test": []}
    for ann in sorted(ANN.glob("*.ann")):
        name, split = build_one(ann)
        splits[split].append(name)
    lines = ["# Hand-labelled corpus split (generated by make_gold.py from the #split: headers).", ""]
    for key in ("train", "test"):
        lines.append(f"{key} = [")
        lines += [f'  "{n}",' for n in splits[key]]
        lines.append("]")
    (HERE / "split.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.path.insert(0, str(HERE))
    import build_docx
    build_docx.main()
    print(f"{len(splits['train'])} train, {len(splits['test'])} test")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
