"""Every graded notebook, whatever its chapter: full marks, a zero stub, and rejected mutants.

Each ``solutions/<chapter>.ipynb`` defines, in its ``hidden-tests`` cell, ``hidden`` (the
Suite) and ``mutants(ns)``: plausible wrong answers as ``(question, {name: wrong value})``
pairs built from the solved namespace ``ns``. Here, for every notebook:

* the solution scores full marks on at least five questions, with its own inputs and with
  each set of hidden inputs (the parameters cell set to the grader's values);
* the generated exercise (every answer left as a stub) scores 0 on every question;
* every question has at least one mutant, and each mutant loses points on its question only.
"""

import json
from pathlib import Path

import pytest

from lessons.grading.checks import judge_namespace
from lessons.grading.inputs import load_grading, parameters_index, with_inputs
from lessons.grading.notebooks import cell_source, cell_tags

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


def _run(nb: dict, skip_tag: str = "hidden-run", inputs: dict | None = None) -> dict:
    """Execute a notebook's code cells in this process (a tag's cells skipped), with ``inputs``
    set after its parameters cell as the autograder sets them; return its namespace."""
    code = [(cell_source(c), cell_tags(c)) for c in nb["cells"] if c["cell_type"] == "code"]
    sources = with_inputs([s for s, _ in code], parameters_index(code, ""), inputs or {})
    ns = {"__name__": "__main__"}
    for source, (_, tags) in zip(sources, code, strict=True):
        if skip_tag not in tags:
            exec(compile(source, "<notebook>", "exec"), ns)
    return ns


@pytest.fixture(scope="module", params=SOLUTIONS, ids=lambda p: p.stem)
def graded(request):
    path = request.param
    grading = load_grading(path)
    solved = _run(json.loads(path.read_text()))
    stub = _run(json.loads((ROOT / "exercises" / path.name).read_text()))
    return grading, solved, stub


def _scores(hidden, ns):
    return hidden.score(judge_namespace(hidden, ns))


def test_each_chapter_has_a_graded_notebook():
    chapters = {p.stem for p in (ROOT / "book").glob("*.md")} - {
        "intro", "notation", "planner", "errata", "glossary", "references"}
    missing = sorted(chapters - {p.stem for p in SOLUTIONS})
    assert not missing, f"chapters without solutions/<chapter>.ipynb: {missing}"


def test_solution_scores_full_marks(graded):
    grading, solved, _ = graded
    hidden = grading.public
    assert len(hidden.questions) >= 5
    assert _scores(hidden, solved) == {qid: q.points for qid, q in hidden.questions.items()}


def test_solution_scores_full_marks_with_the_hidden_inputs(graded):
    """The solution computes from the parameters cell, so other inputs leave it right."""
    grading, _, _ = graded
    assert grading.hidden, "declare hidden_inputs in the hidden-tests cell"
    nb = json.loads((ROOT / "solutions" / f"{grading.chapter}.ipynb").read_text())
    for variant in grading.hidden:
        solved = _run(nb, inputs=variant.inputs)
        full = {qid: q.points for qid, q in variant.suite.questions.items()}
        assert _scores(variant.suite, solved) == full, variant.inputs


def test_hidden_inputs_change_every_question(graded):
    """Each question's expected values differ with the hidden inputs, or its probes do:
    otherwise copying the public checks would earn that question in every run."""
    grading, _, _ = graded
    for qid, q in grading.public.questions.items():
        public = json.dumps([t.data() for t in q.tests], sort_keys=True)
        for variant in grading.hidden:
            hidden = json.dumps([t.data() for t in variant.suite.questions[qid].tests],
                                sort_keys=True)
            if {type(t.expect).__name__ for t in q.tests} <= {"Choice"}:
                continue  # a multiple choice is the same question whatever the inputs
            assert hidden != public, f"{grading.chapter} {qid}: hidden inputs change nothing"


def test_stub_scores_zero(graded):
    grading, _, stub = graded
    assert all(v == 0 for v in _scores(grading.public, stub).values())


def test_mutants_lose_points_on_their_question_only(graded):
    grading, solved, _ = graded
    hidden = grading.public
    if "mutants" not in solved:
        pytest.skip("this notebook's mutants are tested in its own test file")
    full = _scores(hidden, solved)
    covered = set()
    for qid, overrides in solved["mutants"](solved):
        scores = _scores(hidden, {**solved, **overrides})
        assert scores[qid] < full[qid], (qid, overrides)
        assert {k: v for k, v in scores.items() if k != qid} == \
            {k: v for k, v in full.items() if k != qid}, (qid, overrides)
        covered.add(qid)
    assert covered == set(hidden.questions), f"questions without a mutant: {set(hidden.questions) - covered}"
