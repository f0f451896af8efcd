"""Input checks shared by every module: one place for the error messages.

Every public function in :mod:`lessons` runs its inputs through these helpers, so a
learner who passes a negative count, a NaN, mismatched arrays or "billions" instead of
raw counts gets a ``ValueError`` that says what was wrong and what is accepted.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

import numpy as np

__all__ = [
    "positive",
    "fraction",
    "raw_count",
    "broadcast",
    "choose",
    "output",
    "legacy_positional",
]


def _as_float_array(name: str, value) -> np.ndarray:
    if isinstance(value, (str, bytes)) or value is None:
        raise ValueError(f"{name} must be a number or an array of numbers; got {value!r}.")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a number or an array of numbers; got {value!r}."
        ) from None
    return arr


def positive(name: str, value, *, unit: str = "", allow_zero: bool = False) -> np.ndarray:
    """Return ``value`` as a float array, refusing non-finite, negative (or zero) entries.

    Parameters
    ----------
    name : str
        The argument's name, quoted in the error message.
    value : float or array_like
        The value to check.
    unit : str
        The unit, quoted in the error message, e.g. ``"parameters"``.
    allow_zero : bool
        Accept zero (for example zero inference tokens).

    Examples
    --------
    >>> float(positive("n_params", 7e10))
    70000000000.0
    >>> positive("n_params", -1.0)
    Traceback (most recent call last):
    ...
    ValueError: n_params must be finite and > 0; got -1.0.
    """
    arr = _as_float_array(name, value)
    bad = ~np.isfinite(arr) | ((arr < 0) if allow_zero else (arr <= 0))
    if np.any(bad):
        first = arr[bad].flat[0] if arr.ndim else float(arr)
        bound = ">= 0" if allow_zero else "> 0"
        unit_txt = f" [{unit}]" if unit else ""
        raise ValueError(f"{name}{unit_txt} must be finite and {bound}; got {float(first)!r}.")
    return arr


def fraction(name: str, value, *, upper: float = 1.0) -> np.ndarray:
    """Return ``value`` as a float array in (0, upper], e.g. an MFU of 0.4 (not 40).

    Examples
    --------
    >>> fraction("mfu", 40)
    Traceback (most recent call last):
    ...
    ValueError: mfu must be a fraction in (0, 1]; got 40.0. Write 40 % as 0.4.
    """
    arr = _as_float_array(name, value)
    bad = ~np.isfinite(arr) | (arr <= 0) | (arr > upper)
    if np.any(bad):
        first = float(arr[bad].flat[0] if arr.ndim else arr)
        hint = f" Write {first:g} % as {first / 100:g}." if 1 < first <= 100 else ""
        raise ValueError(f"{name} must be a fraction in (0, {upper:g}]; got {first!r}.{hint}")
    return arr


def raw_count(name: str, value, *, minimum: float, unit: str, example: str) -> np.ndarray:
    """Check a raw count (parameters, tokens, FLOP) and refuse values that look like "billions".

    Parameters
    ----------
    minimum : float
        Smallest plausible raw count; anything below it is taken for a unit mistake.
    example : str
        A correct spelling to show in the error, e.g. ``"7e10 for 70 billion"``.

    Examples
    --------
    >>> raw_count("n_params", 70, minimum=1e4, unit="parameters", example="7e10 for 70B")
    Traceback (most recent call last):
    ...
    ValueError: n_params=70.0 [parameters] is implausibly small: it looks like a count in billions or millions. Pass raw counts, e.g. 7e10 for 70B.
    """
    arr = positive(name, value, unit=unit)
    small = arr < minimum
    if np.any(small):
        first = float(arr[small].flat[0] if arr.ndim else arr)
        raise ValueError(
            f"{name}={first!r} [{unit}] is implausibly small: it looks like a count in "
            f"billions or millions. Pass raw counts, e.g. {example}."
        )
    return arr


def broadcast(**arrays: np.ndarray) -> list[np.ndarray]:
    """Broadcast named arrays together, or say which shapes clash.

    Examples
    --------
    >>> broadcast(n_params=np.ones(3), n_tokens=np.ones(2))
    Traceback (most recent call last):
    ...
    ValueError: shapes do not match: n_params (3,), n_tokens (2,). Pass scalars or arrays of one shape (or shapes numpy can broadcast).
    """
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ValueError(
            f"shapes do not match: {shapes}. Pass scalars or arrays of one shape "
            "(or shapes numpy can broadcast)."
        ) from None


def choose(name: str, key, options: Mapping | Iterable):
    """Look ``key`` up in ``options`` (case-insensitive for strings), or list what is accepted.

    Examples
    --------
    >>> choose("dtype", "BF16", {"bf16": 1})
    1
    >>> choose("gpu", "H900", {"H100-SXM": 1, "A100": 2})
    Traceback (most recent call last):
    ...
    ValueError: unknown gpu 'H900'; accepted: 'A100', 'H100-SXM'.
    """
    if not isinstance(options, Mapping):
        options = {o: o for o in options}
    if key in options:
        return options[key]
    if isinstance(key, str):
        folded = {str(k).lower(): v for k, v in options.items()}
        if key.lower() in folded:
            return folded[key.lower()]
    accepted = ", ".join(repr(k) for k in sorted(options, key=str))
    raise ValueError(f"unknown {name} {key!r}; accepted: {accepted}.")


def output(result: np.ndarray, *inputs):
    """Return a Python float when every input was a scalar, else the array.

    Examples
    --------
    >>> output(np.asarray(2.0), 1.0)
    2.0
    >>> output(np.asarray([2.0]), [1.0])
    array([2.])
    """
    if all(np.ndim(x) == 0 for x in inputs) and np.ndim(result) == 0:
        return float(result)
    return np.asarray(result)


def legacy_positional(n_positional: int, names: tuple[str, ...]):
    """Let a function whose trailing arguments are keyword-only still take them by position.

    Calls written before those arguments became keyword-only (chapters, notebooks) keep
    working: the extra positional values are given, in their old order, to ``names``. New code
    should pass them by keyword. A value given both ways is refused.

    Examples
    --------
    >>> @legacy_positional(1, ("b", "c"))
    ... def f(a, *, b=0, c=0):
    ...     return a + 10 * b + 100 * c
    >>> f(1, 2, 3), f(1, b=2, c=3)
    (321, 321)
    >>> f(1, 2, b=2)
    Traceback (most recent call last):
    ...
    ValueError: b is given twice, by position and by keyword; pass it once, by keyword.
    """
    def wrap(func):
        @functools.wraps(func)
        def call(*args, **kwargs):
            extra = args[n_positional:]
            if len(extra) > len(names):
                raise ValueError(f"{func.__name__} takes at most {n_positional + len(names)} "
                                 f"positional arguments; got {len(args)}. Pass "
                                 f"{', '.join(names)} by keyword.")
            for name, value in zip(names, extra, strict=False):
                if name in kwargs:
                    raise ValueError(f"{name} is given twice, by position and by keyword; pass "
                                     "it once, by keyword.")
                kwargs[name] = value
            return func(*args[:n_positional], **kwargs)
        return call
    return wrap
