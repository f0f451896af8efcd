"""The package stacks without import cycles: constants and checks at the bottom, plans and the
command line at the top.

Every import between modules of ``lessons`` counts, also those inside functions: a deferred
import hides a cycle from Python's loader but not from a reader, and it was how
``budget``/``uncertainty``, ``chinchilla``/``fitting`` and ``flops``/``mfu`` used to lean on
each other.
"""

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import lessons

ROOT = Path(lessons.__file__).parent


def _modules() -> dict[str, Path]:
    found = {}
    for info in pkgutil.walk_packages(lessons.__path__, "lessons."):
        module = importlib.util.find_spec(info.name)
        found[info.name] = Path(module.origin)
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The lessons modules that ``name`` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("lessons"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("lessons"):
                continue
            # "from . import a, b" and "from .pkg import mod" import modules by their names.
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                out.add(candidate if candidate in MODULES else target)
    return {m for m in out if m in MODULES and m != name}


def _graph() -> dict[str, set[str]]:
    return {name: _imports(name, path) for name, path in MODULES.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_module_imports_on_its_own(name):
    importlib.import_module(name)


def test_the_import_graph_has_no_cycle():
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_cycles():
    """The check can fail: a graph with a back edge is reported."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_deferred_imports_are_seen():
    """An import inside a function is an edge of the graph too."""
    graph = _graph()
    assert "lessons.mfu" in graph["lessons.explore.mfu"]    # imported inside functions there


@pytest.mark.parametrize(("low", "high"), [
    ("lessons.constants", "lessons.flops"),
    ("lessons.throughput", "lessons.flops"),
    ("lessons.throughput", "lessons.mfu"),
    ("lessons.architecture", "lessons.flops"),
    ("lessons.chinchilla", "lessons.fitting"),
    ("lessons.uncertainty", "lessons.budget"),
    ("lessons.prices", "lessons.uncertainty"),
])
def test_shared_pieces_live_below_their_users(low, high):
    """Each formerly shared piece has one home, and the arrow points down only."""
    graph = _graph()
    assert low in graph[high]
    assert high not in graph[low]
