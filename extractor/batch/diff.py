"""What changed between two machine records of one document, field by field.

List items are matched by the same identity keys the corrections use (indicators by
level1/level2/name/period, amounts by char_span + quote, problems/measures by text, checks by id),
so a reordered list is no change; provenance, ids and timings are left out.
"""

from __future__ import annotations

from typing import Any

from ..store.review import item_key, machine_view

__all__ = ["diff_results", "flatten"]

LISTS = ("amounts", "indicators", "problems", "measures", "validations")


def _leaves(prefix: str, v: Any, out: dict[str, Any]) -> None:
    if isinstance(v, dict):
        if not v:
            out[prefix] = {}
        for k, x in v.items():
            _leaves(f"{prefix}.{k}" if prefix else k, x, out)
    elif isinstance(v, list) and v and any(isinstance(x, (dict, list)) for x in v):
        for i, x in enumerate(v):
            _leaves(f"{prefix}[{i}]", x, out)
    else:
        out[prefix] = v


def flatten(result: dict[str, Any]) -> dict[str, Any]:
    """``{field path: value}`` of a result's records, list items named by their identity key."""
    out: dict[str, Any] = {}
    for n, rec in enumerate(result.get("records") or []):
        base = f"records[{n}]"
        for k, v in rec.items():
            if k in LISTS and isinstance(v, list):
                seen: dict[str, int] = {}
                for i, item in enumerate(v):
                    key = item_key(k, item) or f"#{i}"
                    seen[key] = seen.get(key, 0) + 1
                    name = key.split(":", 1)[-1] + (f"~{seen[key]}" if seen[key] > 1 else "")
                    _leaves(f"{base}.{k}[{name}]", machine_view(item), out)
            else:
                _leaves(f"{base}.{k}", machine_view(v), out)
    for e in result.get("errors") or []:
        out[f"errors[{e.get('code')}]"] = e.get("message")
    return out


def diff_results(old: dict[str, Any], new: dict[str, Any], limit: int = 500) -> list[dict[str, Any]]:
    """``[{field, old, new}]`` for every field whose value differs (absent on one side: None)."""
    a, b = flatten(old), flatten(new)
    out = []
    for k in sorted(set(a) | set(b)):
        va, vb = a.get(k), b.get(k)
        if va != vb:
            out.append({"field": k, "old": va, "new": vb})
            if len(out) >= limit:
                out.append({"field": "…", "old": None, "new": f"more than {limit} changes"})
                break
    return out
