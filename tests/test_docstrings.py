"""Every public name of the maths modules documents units, the equation and an example.

The rule (README, "Use the package"): units in brackets for every parameter, a Notes section
with the equation, a References line, and an Examples doctest. This test enforces the parts a
machine can see, so a new function without them fails here.
"""

import importlib
import inspect
import pkgutil

import pytest

import lessons

# Modules that hold course maths; tooling packages (grading, explorers) have their own tests.
MATH_MODULES = [
    "architecture", "batch", "budget", "chinchilla", "cooldown_study", "data", "datalimits",
    "fitting", "flops", "forecast", "hardware", "kaplan", "noise_study", "reconciliation",
    "memory", "models", "throughput",
    "mfu", "mup", "oracle", "overtraining", "returns", "study", "synthetic", "tinylm",
    "uncertainty",
]


def _present(names):
    found = {m.name for m in pkgutil.iter_modules(lessons.__path__)}
    return [n for n in names if n in found]


def _public_callables(module):
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name)
        if inspect.isfunction(obj):
            yield name, obj


@pytest.mark.parametrize("modname", _present(MATH_MODULES))
def test_module_declares_all(modname):
    module = importlib.import_module(f"lessons.{modname}")
    assert module.__doc__, f"lessons.{modname} has no module docstring"
    assert getattr(module, "__all__", None), f"lessons.{modname} defines no __all__"
    for name in module.__all__:
        assert hasattr(module, name), f"lessons.{modname}.__all__ names missing {name!r}"


@pytest.mark.parametrize("modname", _present(MATH_MODULES))
def test_public_functions_document_units_and_examples(modname):
    module = importlib.import_module(f"lessons.{modname}")
    problems = []
    for name, func in _public_callables(module):
        doc = inspect.getdoc(func) or ""
        params = [p for p in inspect.signature(func).parameters if p not in ("self", "cls")]
        if not doc:
            problems.append(f"{name}: no docstring")
            continue
        if "Examples" not in doc or ">>>" not in doc:
            problems.append(f"{name}: no Examples doctest")
        if params and "[" not in doc:
            problems.append(f"{name}: no units in brackets")
        if params and "Parameters" not in doc:
            problems.append(f"{name}: no Parameters section")
    assert not problems, f"lessons.{modname}: " + "; ".join(problems)
