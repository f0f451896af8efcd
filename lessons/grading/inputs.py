"""Grading on inputs students never see: a notebook's question inputs, and the grader's own.

A graded notebook keeps every input of its questions (a model size, a budget, a price, a
published run's name) in one cell tagged ``parameters``, as UPPER_CASE names, and its answers
are computed from those names. The grader runs each submission twice: as submitted, and with
the names of that cell set to other values, ``hidden_inputs``, which exist only in the cell
tagged ``hidden-tests`` of the solution notebook. The second run carries most of each
question's points (:data:`HIDDEN_WEIGHT`), so an answer copied from the public checks, or
computed from a retyped number instead of the name, earns little.

The expected values of the second run come from the solution notebook itself, re-run with the
same inputs: its checks cell computes them from the names, so nothing is typed twice.

>>> with_inputs(["import math", "N = 7e10", "q1 = 6 * N"], 1, {"N": 1.3e10})[1]
"N = 7e10\\n\\n# The grader's inputs for this run.\\nN = 13000000000.0"
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from pathlib import Path

from .notebooks import CHECKS_TAG, HIDDEN_TAG, cell_source, cell_tags, read_notebook
from .spec import Suite, Verdict

__all__ = ["HIDDEN_WEIGHT", "PARAMETERS_TAG", "Grading", "Variant", "load_grading",
           "parameters_index", "with_inputs"]

PARAMETERS_TAG = "parameters"

#: Share of each question's points earned in the runs with the grader's inputs [fraction];
#: the rest is earned with the notebook's own inputs, those the public checks know.
HIDDEN_WEIGHT = 0.8


@dataclass(frozen=True)
class Variant:
    """One run's inputs (name -> value; empty for the notebook's own) and the suite judging it."""

    inputs: dict
    suite: Suite


@dataclass(frozen=True)
class Grading:
    """How a chapter is graded: the suite for the notebook's inputs and one per hidden variant."""

    public: Suite
    hidden: tuple[Variant, ...]
    parameters_source: str   # the parameters cell as the exercise has it ("" if none)

    @property
    def chapter(self) -> str:
        return self.public.chapter

    @property
    def variants(self) -> tuple[Variant, ...]:
        """Every run: the notebook's own inputs first, then the hidden ones."""
        return (Variant({}, self.public), *self.hidden)

    def score(self, verdicts: list[dict[str, list[Verdict]]]) -> dict[str, float]:
        """Points per question from the verdicts of every run, in :attr:`variants` order.

        A question earns ``1 - HIDDEN_WEIGHT`` of its points in proportion to what passes with
        the notebook's inputs, and ``HIDDEN_WEIGHT`` in proportion to what passes, on
        average, with the hidden ones; a chapter without hidden inputs is graded on the first.
        """
        shares = [_shares(v.suite, verdicts[i]) for i, v in enumerate(self.variants)]
        out = {}
        for qid, q in self.public.questions.items():
            own = shares[0][qid]
            if self.hidden:
                hidden = sum(s[qid] for s in shares[1:]) / len(self.hidden)
                own = (1 - HIDDEN_WEIGHT) * own + HIDDEN_WEIGHT * hidden
            out[qid] = round(q.points * own, 6)
        return out


def _shares(suite: Suite, verdicts: dict[str, list[Verdict]]) -> dict[str, float]:
    """Fraction of each question's points that passed [0, 1]."""
    scores = suite.score(verdicts)
    return {qid: scores[qid] / q.points if q.points else 0.0
            for qid, q in suite.questions.items()}


def parameters_index(code: list[tuple[str, list[str]]], parameters_source: str) -> int | None:
    """Index of a notebook's parameters cell among its code cells, by tag or by its text.

    ``code`` is (source, tags) per code cell. A cell tagged ``parameters`` wins; a cell whose
    text is the exercise's parameters cell (the tag lost by an editor) comes next.
    """
    for i, (_, tags) in enumerate(code):
        if PARAMETERS_TAG in tags:
            return i
    want = parameters_source.strip()
    for i, (source, _) in enumerate(code):
        if want and source.strip() == want:
            return i
    return None


def with_inputs(cells: list[str], index: int | None, inputs: dict) -> list[str]:
    """The cells with ``inputs`` assigned at the end of cell ``index`` (first, if None)."""
    if not inputs:
        return list(cells)
    assign = "# The grader's inputs for this run.\n" + "\n".join(
        f"{name} = {value!r}" for name, value in inputs.items())
    out = list(cells)
    if index is None:
        return [assign, *out]
    out[index] = f"{out[index]}\n\n{assign}"
    return out


def _literal(value) -> bool:
    """Whether ``value`` survives ``repr`` -> source -> value exactly (what with_inputs writes)."""
    if type(value) in (bool, int, str):
        return True
    if type(value) is float:
        return math.isfinite(value)
    if type(value) in (tuple, list):
        return all(_literal(v) for v in value)
    return False


def _assigned(source: str) -> set[str]:
    """Names a cell assigns at its top level."""
    names = set()
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        for target in targets:
            names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def load_grading(solution: Path) -> Grading:
    """Build a chapter's :class:`Grading` from its solution notebook, in this process.

    Runs the setup cells (those up to the one tagged ``checks``) and the cells tagged
    ``hidden-tests``, which name the :class:`~lessons.grading.spec.Suite` ``hidden`` and may name
    ``hidden_inputs`` (a dict, or a list of dicts, of parameter name -> value); then once more
    per dict of ``hidden_inputs``, with those values set after the parameters cell. Cells above
    ``checks`` must hold no solutions: this is instructor code.
    """
    nb = read_notebook(solution)
    code = [(cell_source(c), cell_tags(c)) for c in nb["cells"] if c.get("cell_type") == "code"]
    last_setup = max((i for i, (_, t) in enumerate(code) if CHECKS_TAG in t), default=-1)
    params = parameters_index(code, "")
    if params is not None and params > last_setup:
        raise ValueError(f"{solution}: the cell tagged {PARAMETERS_TAG!r} must come before the "
                         f"one tagged {CHECKS_TAG!r}, which computes the expected values from it.")

    def run(inputs: dict) -> dict:
        namespace: dict = {"__name__": "lessons.grading.hidden"}
        for i, (source, tags) in enumerate(code):
            if i <= last_setup or HIDDEN_TAG in tags:
                exec(compile(source, f"{solution} (hidden tests)", "exec"), namespace)
                if i == params:
                    namespace.update(inputs)
        if not isinstance(namespace.get("hidden"), Suite):
            raise ValueError(f"{solution}: no cell tagged {HIDDEN_TAG!r} defines "
                             "`hidden = Suite(...)`.")
        return namespace

    base = run({})
    names = _assigned(code[params][0]) if params is not None else set()
    declared = base.get("hidden_inputs", [])
    declared = [declared] if isinstance(declared, dict) else list(declared)
    variants = []
    for inputs in declared:
        if params is None:
            raise ValueError(f"{solution}: hidden_inputs need a cell tagged {PARAMETERS_TAG!r}.")
        for name, value in inputs.items():
            if name not in names or not name.isupper():
                raise ValueError(f"{solution}: hidden_inputs sets {name!r}, which is not an "
                                 "UPPER_CASE name of the parameters cell.")
            if not _literal(value):
                raise ValueError(f"{solution}: hidden_inputs[{name!r}] = {value!r} is not a "
                                 "plain number, string or tuple of them.")
        variants.append(Variant(dict(inputs), run(dict(inputs))["hidden"]))
    return Grading(base["hidden"], tuple(variants), code[params][0] if params is not None else "")
