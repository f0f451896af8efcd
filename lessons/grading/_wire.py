"""The wire format between a graded notebook's process and the grader: tagged JSON primitives.

Answers cross from the student's process to the grader as plain data, never as pickles or
objects, so no student code runs in the grader. Encoding checks *exact* types: a ``float``
subclass, or any object whose ``__eq__`` always returns True, arrives as ``{"type": "other"}``
and fails every typed test. This module uses only the standard library (numpy is looked up in
``sys.modules``), because the sandboxed runner imports it before any student code runs.

>>> decode(encode(2.5)), decode(encode("b")), decode(encode(float("nan"))) != 0
(2.5, 'b', True)
>>> class Always:
...     def __eq__(self, other): return True
>>> decode(encode(Always()))
Opaque('Always')
"""

from __future__ import annotations

import math
import sys

__all__ = ["MAX_ITEMS", "MAX_STR", "Failed", "Missing", "Opaque", "Unanswered", "decode", "encode"]

#: Longest string and largest container or array passed back [characters, items].
MAX_STR = 2000
MAX_ITEMS = 10_000
_MAX_DEPTH = 4


def _num(x: float) -> object:
    return x if math.isfinite(x) else repr(x)  # JSON has no NaN/inf: send "nan", "inf", "-inf"


def encode(value, _depth: int = 0) -> dict:
    """Encode a value as tagged JSON primitives, judging only exact built-in or numpy types."""
    t = type(value)
    if value is None:
        return {"type": "none"}
    if value is Ellipsis:
        return {"type": "unanswered"}
    if t is bool:
        return {"type": "bool", "value": value}
    if t is int:
        if abs(value) > 10**300:
            return {"type": "float", "value": _num(float("inf") if value > 0 else -float("inf"))}
        return {"type": "int", "value": value}
    if t is float:
        return {"type": "float", "value": _num(value)}
    if t is str:
        return {"type": "str", "value": value[:MAX_STR], "truncated": len(value) > MAX_STR}
    np = sys.modules.get("numpy")
    if np is not None:
        if t in (np.float64, np.float32, np.float16):
            return {"type": "float", "value": _num(float(value))}
        if t in (np.int64, np.int32, np.int16, np.int8, np.uint64, np.uint32, np.uint16, np.uint8):
            return {"type": "int", "value": int(value)}
        if t is np.bool_:
            return {"type": "bool", "value": bool(value)}
        if t is np.ndarray and value.ndim == 0 and value.dtype.kind in "biuf":
            return encode(value[()], _depth)  # a 0-d array is a number
        if t is np.ndarray:
            if value.dtype.kind not in "biuf" or value.size > MAX_ITEMS:
                return {"type": "other", "name": f"ndarray[{value.dtype}, size {value.size}]"}
            flat = [_num(float(v)) for v in value.ravel().tolist()]
            return {"type": "ndarray", "shape": list(value.shape), "kind": value.dtype.kind,
                    "value": flat}
    if t in (list, tuple) and _depth < _MAX_DEPTH and len(value) <= MAX_ITEMS:
        return {"type": t.__name__, "value": [encode(v, _depth + 1) for v in list(value)]}
    if t is dict and _depth < _MAX_DEPTH and len(value) <= MAX_ITEMS:
        items = list(dict.items(value))
        if all(type(k) is str for k, _ in items):
            return {"type": "dict", "value": {k: encode(v, _depth + 1) for k, v in items}}
    name = getattr(t, "__name__", "?")
    return {"type": "other", "name": name if type(name) is str else "?"}


class _Marker:
    """Base of the values that stand for something other than an answer."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.detail!r})"

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.detail == self.detail

    __hash__ = None


class Unanswered(_Marker):
    """The stub is still there: ``...`` or ``raise NotImplementedError``."""


class Missing(_Marker):
    """The name is not defined (a deleted or renamed cell)."""


class Failed(_Marker):
    """Reading the answer or calling the function raised: ``detail`` is 'Type: message'."""


class Opaque(_Marker):
    """A value of a type the tests do not accept; ``detail`` is the type's name."""


def _float(v) -> float:
    """A JSON number, or one of the strings "nan", "inf", "-inf" sent for non-finite floats."""
    if type(v) in (int, float):
        return float(v)  # an int too large for a float raises OverflowError
    if type(v) is str and v in ("nan", "inf", "-inf"):
        return float(v)
    raise ValueError("not a number")


def _shape(data, size: int) -> list[int]:
    shape = data["shape"]
    if type(shape) is not list or len(shape) > 32 or \
            not all(type(s) is int and 0 <= s <= MAX_ITEMS for s in shape):
        raise ValueError("bad shape")
    if math.prod(shape) != size:
        raise ValueError("shape does not match the values")
    return shape


def decode(data, _depth: int = 0):
    """Turn :func:`encode`'s output back into Python values or marker objects.

    Data comes from a process the student controls, so anything may arrive: nesting deeper than
    :func:`encode` makes, numbers that overflow a float, shapes that do not fit their values.
    Whatever does not decode becomes ``Opaque("malformed")``; nothing is raised.
    """
    if not isinstance(data, dict) or not isinstance(data.get("type"), str) \
            or _depth > _MAX_DEPTH + 1:
        return Opaque("malformed")
    kind = data["type"]
    try:
        if kind == "none":
            return None
        if kind in ("bool", "int", "str"):
            v = data["value"]
            if type(v) is not {"bool": bool, "int": int, "str": str}[kind]:
                return Opaque("malformed")
            return v[:MAX_STR] if kind == "str" else v
        if kind == "float":
            return _float(data["value"])
        if kind == "ndarray":
            import numpy as np

            values = data["value"]
            if type(values) is not list or len(values) > MAX_ITEMS:
                return Opaque("malformed")
            arr = np.array([_float(v) for v in values], dtype=float).reshape(
                _shape(data, len(values)))
            return arr.astype(int) if data.get("kind") in ("i", "u", "b") \
                and np.all(np.isfinite(arr)) and np.all(np.abs(arr) < 2**63) else arr
        if kind in ("list", "tuple"):
            if type(data["value"]) is not list or len(data["value"]) > MAX_ITEMS:
                return Opaque("malformed")
            items = [decode(v, _depth + 1) for v in data["value"]]
            return items if kind == "list" else tuple(items)
        if kind == "dict":
            if type(data["value"]) is not dict or len(data["value"]) > MAX_ITEMS:
                return Opaque("malformed")
            return {str(k): decode(v, _depth + 1) for k, v in data["value"].items()}
        if kind == "unanswered":
            return Unanswered(str(data.get("detail", ""))[:MAX_STR])
        if kind == "missing":
            return Missing(str(data.get("detail", ""))[:MAX_STR])
        if kind == "error":
            return Failed(str(data.get("detail", ""))[:MAX_STR])
        if kind == "other":
            return Opaque(str(data.get("name", "?"))[:200])
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, RecursionError,
            MemoryError):
        pass
    return Opaque("malformed")


def probe(namespace: dict, spec: dict) -> dict:
    """Read one answer from ``namespace``: a name's value, or the result of calling it.

    ``spec`` is ``{"name": str, "call": bool, "args": [encoded...], "kwargs": {str: encoded}}``.
    Every failure becomes data (missing, unanswered, error); nothing is raised.
    """
    name = spec["name"]
    if name not in namespace:
        return {"type": "missing", "detail": name}
    value = namespace[name]
    if not spec.get("call"):
        return encode(value)
    if value is Ellipsis:
        return {"type": "unanswered"}
    if not callable(value):
        return {"type": "error", "detail": f"TypeError: {name} is not a function"}
    args = [decode(a) for a in spec.get("args", [])]
    kwargs = {k: decode(v) for k, v in spec.get("kwargs", {}).items()}
    try:
        result = value(*args, **kwargs)
    except NotImplementedError:
        return {"type": "unanswered"}
    except BaseException as exc:  # a student's function may raise anything, even SystemExit
        return {"type": "error", "detail": _describe(exc)}
    return encode(result)


def _describe(exc: BaseException) -> str:
    try:
        text = f"{type(exc).__name__}: {exc}"
    except BaseException:  # an exception whose __str__ raises
        text = type(exc).__name__
    return text[:MAX_STR]
