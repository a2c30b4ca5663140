"""The human layer: corrections as JSON-pointer operations on the machine record.

The reviewed record = the machine record (never changed) + every correction applied in order.
A correction is ``replace`` (the pointer must exist), ``add`` (a new list item at an index or at
``-`` for the end, or a new object member) or ``remove``. Only ``/records/<n>/…`` may be corrected,
and not ``validations``, which are recomputed from the corrected record by the checks C01–C19.
Each corrected field is marked: the nearest object around the change gets ``"review": [{pointer,
op, old, new, reason, by, at}]``, and the result gets a ``review`` block listing every correction.

Corrections survive re-processing (issue #8). A pointer addresses list items by index, which a
new machine record may reorder, so each correction also keeps an ``anchor``: the identity key
(:func:`item_key`) of every list item on its path, taken when it was made. Replayed on a newer
record, each index is re-found by its key (indicators by level1/level2/name/period, amounts by
char_span + quote, problems/measures by text, records by project name); an item that is gone
makes the correction ``unapplied``, never dropped silently. A correction made on an older machine
record whose machine value differs in the current one is applied and listed in
``review.conflicts: [{pointer, correction_id, machine_old, machine_new, corrected}]``.
"""

from __future__ import annotations

import copy
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ..errors import BadPointer, RequestError

__all__ = ["MISSING", "anchor_of", "apply_op", "item_key", "machine_view", "parse_pointer", "rederive", "resolve_pointer", "reviewed_result"]

MISSING = object()
_INDEX = re.compile(r"^(0|[1-9][0-9]*)$")
OPS = ("replace", "add", "remove")


def parse_pointer(pointer: str) -> list[str]:
    """RFC 6901 tokens of a pointer into ``/records/<n>/<field>…``."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise BadPointer(f"{pointer!r} is not a JSON pointer (it must start with '/')")
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]
    if len(tokens) < 3 or tokens[0] != "records" or not _INDEX.match(tokens[1]):
        raise BadPointer(f"{pointer!r}: only fields inside a record can be corrected (/records/<n>/<field>…)")
    if tokens[2] == "validations":
        raise BadPointer(f"{pointer!r}: validations are recomputed from the corrected record, not corrected")
    return tokens


def _check_value(value: Any, pointer: str) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise RequestError(f"{pointer}: a text with a NUL character", hint="Remove the NUL (\\u0000) characters from the value.")
    if isinstance(value, float):
        raise RequestError(
            f"{pointer}: {value!r} is a JSON floating-point number",
            hint="Send money, rates and scores as decimal strings (\"5000000.00\"); integers may be numbers.",
        )
    if isinstance(value, dict):
        for k, v in value.items():
            _check_value(k, pointer)
            _check_value(v, pointer)
    elif isinstance(value, list):
        for v in value:
            _check_value(v, pointer)


def _walk(doc: Any, tokens: list[str], pointer: str) -> Any:
    node = doc
    for t in tokens:
        if isinstance(node, dict) and t in node:
            node = node[t]
        elif isinstance(node, list) and _INDEX.match(t) and int(t) < len(node):
            node = node[int(t)]
        else:
            raise BadPointer(f"{pointer!r}: no {t!r} in the record")
    return node


def apply_op(doc: dict[str, Any], op: str, pointer: str, value: Any = MISSING) -> tuple[Any, Any, Any]:
    """Apply one operation in place; returns (old value or MISSING, the parent, the key or index used)."""
    if op not in OPS:
        raise RequestError(f"unknown operation {op!r}", hint=f"Use one of {', '.join(OPS)}.")
    tokens = parse_pointer(pointer)
    if op != "remove":
        if value is MISSING:
            raise RequestError(f"{pointer}: {op} needs a value")
        _check_value(value, pointer)
    parent = _walk(doc, tokens[:-1], pointer)
    last = tokens[-1]
    key: Any
    if isinstance(parent, list):
        if op == "add" and last == "-":
            key = len(parent)
        elif _INDEX.match(last) and int(last) <= len(parent) - (0 if op == "add" else 1):
            key = int(last)
        else:
            raise BadPointer(f"{pointer!r}: index {last!r} is outside the list of {len(parent)}")
        if op == "add":
            parent.insert(key, value)
            return MISSING, parent, key
    elif isinstance(parent, dict):
        key = last
        if op == "add":
            if last in parent:
                raise BadPointer(f"{pointer!r} exists already: use replace")
            parent[last] = value
            return MISSING, parent, last
        if last not in parent:
            raise BadPointer(f"{pointer!r}: no {last!r} in the record (use add for a new member)")
    else:
        raise BadPointer(f"{pointer!r}: {tokens[-2]!r} is a {type(parent).__name__}, not an object or a list")
    old = parent[key]
    if op == "remove":
        del parent[key]
    else:
        parent[key] = value
    return old, parent, key


def _mark(parent: Any, key: Any, op: str, note: dict[str, Any]) -> None:
    target = parent[key] if op != "remove" and isinstance(parent, (dict, list)) else None
    if isinstance(target, dict):
        node = target
    elif isinstance(parent, dict):
        node = parent
    else:
        return  # a scalar list item, or a removed one: the result's review block lists it
    node.setdefault("review", []).append(note)


def _val(v: Any) -> Any:
    return v.get("value") if isinstance(v, dict) else v


def item_key(list_name: str, item: Any) -> str | None:
    """The identity of a list item that a re-processing keeps when it reorders the list, or None
    (then the index is used). ``list_name`` is the member holding the list."""
    if not isinstance(item, dict):
        return None
    if list_name == "indicators":
        parts = [item.get("level1_raw") or item.get("level1"), item.get("level2_raw") or item.get("level2"), item.get("name"), item.get("period")]
        return "ind:" + "|".join("" if p is None else str(p) for p in parts) if item.get("name") else None
    if list_name == "amounts":
        prov = item.get("prov") or {}
        span = prov.get("char_span") if isinstance(prov, dict) else None
        quote = (prov.get("quote") if isinstance(prov, dict) else None) or item.get("text")
        if span is None and quote is None:
            return None
        return f"amt:{list(span) if span else ''}|{quote or ''}"
    if list_name in ("problems", "measures"):
        return f"txt:{item['text']}" if isinstance(item.get("text"), str) else None
    if list_name == "records":
        name = _val((item.get("meta") or {}).get("project_name"))
        return f"rec:{name}" if isinstance(name, str) and name else None
    if list_name == "validations":
        return f"chk:{item.get('check_id')}" if item.get("check_id") else None
    return None


def anchor_of(doc: Any, pointer: str) -> list[list[Any]]:
    """``[[token position, item key], …]`` for every list item the pointer passes through in
    ``doc`` (the record the correction is made on); items without an identity are left out."""
    tokens = parse_pointer(pointer)
    out: list[list[Any]] = []
    node, name = doc, ""
    for pos, t in enumerate(tokens):
        if isinstance(node, list):
            if not (_INDEX.match(t) and int(t) < len(node)):
                break
            key = item_key(name, node[int(t)])
            if key is not None:
                out.append([pos, key])
            node = node[int(t)]
        elif isinstance(node, dict) and t in node:
            node, name = node[t], t
        else:
            break
    return out


class Unresolved(Exception):
    pass


def resolve_pointer(doc: Any, pointer: str, anchor: list[list[Any]] | None) -> str:
    """``pointer`` with each anchored list index re-found by its item key in ``doc``. Raises
    :class:`Unresolved` when an anchored item is no longer there."""
    tokens = parse_pointer(pointer)
    if not anchor:
        return pointer
    keys = {int(p): k for p, k in anchor}
    node, name = doc, ""
    changed = False
    for pos, t in enumerate(tokens):
        if isinstance(node, list):
            if pos in keys:
                key = keys[pos]
                if not (_INDEX.match(t) and int(t) < len(node) and item_key(name, node[int(t)]) == key):
                    found = [i for i, it in enumerate(node) if item_key(name, it) == key]
                    if found:
                        tokens[pos], changed = str(found[0]), True
                    elif name == "records" and _INDEX.match(t) and int(t) < len(node):
                        pass  # a record whose project name changed: still the record at that place
                    else:
                        raise Unresolved(f"the {name} item it was made on ({key.split(':', 1)[1]}) is no longer in the record")
            if _INDEX.match(tokens[pos]) and int(tokens[pos]) < len(node):
                node = node[int(tokens[pos])]
            else:
                break
        elif isinstance(node, dict) and t in node:
            node, name = node[t], t
        else:
            break
    if not changed:
        return pointer
    return "/" + "/".join(t.replace("~", "~0").replace("/", "~1") for t in tokens)


def machine_view(v: Any) -> Any:
    """A value as compared across machine records: review marks, provenance and ids left out."""
    if isinstance(v, dict):
        return {k: machine_view(x) for k, x in v.items() if k not in ("review", "prov", "id", "confidence")}
    if isinstance(v, list):
        return [machine_view(x) for x in v]
    return v


def _lookup(doc: Any, pointer: str) -> Any:
    try:
        return _walk(doc, parse_pointer(pointer), pointer)
    except RequestError:
        return MISSING


def reviewed_result(
    machine: dict[str, Any], corrections: list[dict[str, Any]], *, recheck: Any = None,
    machines: dict[int, dict[str, Any]] | None = None, current_run_id: int | None = None,
) -> dict[str, Any]:
    """The machine record with ``corrections`` (dicts: op, pointer, new_value, reason, by, at,
    anchor, run_id …) applied in order, each list index re-found through its anchor.
    ``recheck(record) -> validations`` reruns the checks of each corrected record.
    A stored correction that no longer fits the record (its item or field is gone after a
    re-processing) is listed in ``review.unapplied`` with the reason, never dropped silently.
    With ``machines`` (run id -> the machine record a correction was made on) and
    ``current_run_id``, a correction made on an older record whose machine value changed is listed
    in ``review.conflicts`` with both machine values and the corrected one."""
    if not corrections:  # nothing to apply: the machine record's parts are shared, not copied (a batch stores thousands)
        res = dict(machine)
        res["review"] = {"corrections": [], "unapplied": [], "conflicts": []}
        return res
    res = copy.deepcopy(machine)
    touched: set[int] = set()
    notes, unapplied, applied = [], [], []
    for c in corrections:
        value = copy.deepcopy(c.get("new_value")) if c["op"] != "remove" else MISSING
        note = {"id": c.get("id"), "pointer": c["pointer"], "op": c["op"], "old": None,
                "new": None if c["op"] == "remove" else c.get("new_value"), "reason": c.get("reason"), "by": c.get("by"), "at": c.get("at")}  # fmt: skip
        try:
            pointer = resolve_pointer(res, c["pointer"], c.get("anchor"))
            old, parent, key = apply_op(res, c["op"], pointer, value)
        except (RequestError, Unresolved) as e:  # made on an earlier machine record whose shape a re-processing changed
            unapplied.append(note | {"old": c.get("old_value"), "error": getattr(e, "message", None) or str(e)})
            continue
        if pointer != c["pointer"]:
            note["pointer"], note["pointer_made"] = pointer, c["pointer"]
        note["old"] = None if old is MISSING else old
        _mark(parent, key, c["op"], note)
        notes.append(note)
        applied.append((c, pointer))
        touched.add(int(parse_pointer(pointer)[1]))
    conflicts = _conflicts(machine, applied, machines or {}, current_run_id)
    if recheck is not None:
        for i in sorted(touched):
            rec = res["records"][i]
            rec["validations"] = recheck(rec)
    res["review"] = {"corrections": notes, "unapplied": unapplied, "conflicts": conflicts}
    return res


def _conflicts(
    machine: dict[str, Any], applied: list[tuple[dict[str, Any], str]], machines: dict[int, dict[str, Any]], current_run_id: int | None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if current_run_id is None:
        return out
    for n, (c, pointer) in enumerate(applied):
        old_machine = machines.get(c.get("run_id"))  # type: ignore[arg-type]
        if c.get("run_id") == current_run_id or old_machine is None or c["op"] == "add":
            continue
        if any(later.get("run_id") == current_run_id and p == pointer for later, p in applied[n + 1 :]):
            continue  # corrected again on the current record: the reviewer has seen the new value
        try:
            made_at = resolve_pointer(old_machine, c["pointer"], c.get("anchor"))
        except (RequestError, Unresolved):
            continue  # the item was added by a correction: no machine value to compare
        before = _lookup(old_machine, made_at)
        if before is MISSING:
            continue
        try:
            now = _lookup(machine, resolve_pointer(machine, c["pointer"], c.get("anchor")))
        except (RequestError, Unresolved):
            now = MISSING
        if machine_view(before) == machine_view(now):
            continue
        out.append({
            "pointer": pointer, "correction_id": c.get("id"), "machine_old": machine_view(before),
            "machine_new": None if now is MISSING else machine_view(now), "corrected": None if c["op"] == "remove" else c.get("new_value"),
        })  # fmt: skip
    return out


def _dec(v: Any) -> Decimal | None:
    if isinstance(v, dict):
        v = v.get("value")
    if v is None or isinstance(v, (bool, dict, list)):
        return None
    try:
        d = Decimal(str(v))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def rederive(rec: dict[str, Any], options: Any = None) -> list[dict[str, Any]]:
    """After a correction: recompute what the extractor derives from corrected values (the
    execution rate, the computed grade) and return the checks C01–C19 of the corrected record."""
    from ..extract.budget import execution_rate
    from ..extract.checks import run_checks
    from ..extract.score import BAND_SCHEMES, grade_for

    b = rec.get("budget")
    if isinstance(b, dict) and "execution_rate_computed" in b:
        rate = execution_rate(_dec(b.get("executed")), _dec(b.get("full_year")))
        b["execution_rate_computed"] = format(rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f") if rate is not None else None
    sc = rec.get("score")
    scheme = getattr(options, "grade_scheme", "mof_2020_10")
    if isinstance(sc, dict) and "grade_computed" in sc and scheme in BAND_SCHEMES:
        basis = _dec(sc.get("total_computed")) if sc.get("total_computed") is not None else _dec(sc.get("total_reported"))
        sc["grade_computed"] = grade_for(basis, scheme) if basis is not None else None
    try:
        return run_checks(rec, None, options)
    except Exception as e:  # a correction of an odd shape must not make the record unreadable
        return [{"check_id": "C00", "status": "warn", "message": f"checks could not run on the corrected record: {type(e).__name__}: {e}", "field_refs": []}]
