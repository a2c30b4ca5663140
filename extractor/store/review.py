"""The human layer: corrections as JSON-pointer operations on the machine record.

The reviewed record = the machine record (never changed) + every correction applied in order.
A correction is ``replace`` (the pointer must exist), ``add`` (a new list item at an index or at
``-`` for the end, or a new object member) or ``remove``. Only ``/records/<n>/…`` may be corrected,
and not ``validations``, which are recomputed from the corrected record by the checks C01–C19.
Each corrected field is marked: the nearest object around the change gets ``"review": [{pointer,
op, old, new, reason, by, at}]``, and the result gets a ``review`` block listing every correction.
"""

from __future__ import annotations

import copy
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ..errors import BadPointer, RequestError

__all__ = ["MISSING", "apply_op", "parse_pointer", "rederive", "reviewed_result"]

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


def reviewed_result(machine: dict[str, Any], corrections: list[dict[str, Any]], *, recheck: Any = None) -> dict[str, Any]:
    """The machine record with ``corrections`` (dicts: op, pointer, new_value, reason, by, at, …)
    applied in order. ``recheck(record) -> validations`` reruns the checks of each corrected record.
    A stored correction that no longer fits the record (its pointer does not resolve after a
    re-processing) is listed in ``review.unapplied`` with the reason, never dropped silently."""
    res = copy.deepcopy(machine)
    touched: set[int] = set()
    notes, unapplied = [], []
    for c in corrections:
        value = copy.deepcopy(c.get("new_value")) if c["op"] != "remove" else MISSING
        note = {"id": c.get("id"), "pointer": c["pointer"], "op": c["op"], "old": None,
                "new": None if c["op"] == "remove" else c.get("new_value"), "reason": c.get("reason"), "by": c.get("by"), "at": c.get("at")}  # fmt: skip
        try:
            old, parent, key = apply_op(res, c["op"], c["pointer"], value)
        except RequestError as e:  # made on an earlier machine record whose shape a re-processing changed
            unapplied.append(note | {"old": c.get("old_value"), "error": e.message})
            continue
        note["old"] = None if old is MISSING else old
        _mark(parent, key, c["op"], note)
        notes.append(note)
        touched.add(int(parse_pointer(c["pointer"])[1]))
    if recheck is not None:
        for i in sorted(touched):
            rec = res["records"][i]
            rec["validations"] = recheck(rec)
    res["review"] = {"corrections": notes, "unapplied": unapplied}
    return res


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
