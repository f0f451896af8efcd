"""Grading on hidden inputs: the notebook's parameters cell, the grader's own values, the score.

A small solution notebook is built here: one parameters cell (N, D), a checks cell computing
6ND from them, an answer and a hidden-tests cell declaring other inputs. Each test names the
wrong behaviour it rejects: an answer copied from the public checks earning full marks, a
retyped number passing the hidden run, an input the grader cannot write back exactly.
"""

import json

import nbformat
import pytest

from lessons.grading.autograde import grade_one
from lessons.grading.inputs import (
    HIDDEN_WEIGHT,
    load_grading,
    parameters_index,
    with_inputs,
)
from lessons.grading.sandbox import Limits

SETUP = "from lessons.flops import training_flops"
PARAMETERS = "# Question inputs\nQ1_N_PARAMS = 70e9\nQ1_N_TOKENS = 2e12"
CHECKS = """\
from lessons.grading import Checks, Number, Test, Value

check = Checks("demo")
check.add("q1", "6ND", Test(Value("q1_flops"), Number(training_flops(Q1_N_PARAMS, Q1_N_TOKENS))))
check.add("q2", "A letter", Test(Value("q2_answer"), Number(2.0)))"""
ANSWER = "q1_flops = training_flops(Q1_N_PARAMS, Q1_N_TOKENS)  # SOLUTION\nq2_answer = 2.0"
HIDDEN = """\
from lessons.grading import Suite

hidden = Suite("demo")
for qid, question in check.questions.items():
    hidden.add(qid, question.title, *question.tests)
hidden_inputs = {"Q1_N_PARAMS": 1.3e10, "Q1_N_TOKENS": 3.7e11}"""


def _cell(source, tags=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = list(tags)
    return cell


def _notebook(path, answer=ANSWER, parameters_tags=("parameters",), hidden=HIDDEN):
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell(SETUP), _cell(PARAMETERS, parameters_tags), _cell(CHECKS, ["checks"]),
                _cell(answer), _cell(hidden, ["hidden-tests"])]
    nb.metadata["lessons"] = {"chapter": "demo"}
    nbformat.write(nb, path)
    return path


@pytest.fixture
def solution(tmp_path):
    return _notebook(tmp_path / "demo.ipynb")


def test_the_hidden_variant_expects_values_computed_from_the_hidden_inputs(solution):
    grading = load_grading(solution)
    assert [v.inputs for v in grading.hidden] == [{"Q1_N_PARAMS": 1.3e10, "Q1_N_TOKENS": 3.7e11}]
    public = grading.public.questions["q1"].tests[0].expect.expected
    hidden = grading.hidden[0].suite.questions["q1"].tests[0].expect.expected
    assert public == pytest.approx(6 * 70e9 * 2e12) and hidden == pytest.approx(6 * 1.3e10 * 3.7e11)
    assert grading.parameters_source == PARAMETERS


def test_score_weights_the_hidden_run():
    """Passing only with the notebook's own inputs earns 1 - HIDDEN_WEIGHT of the points."""
    from lessons.grading import Number, Suite, Test, Value
    from lessons.grading.inputs import Grading, Variant

    def suite(expected):
        s = Suite("demo")
        s.add("q1", "x", Test(Value("x"), Number(expected), points=2))
        return s

    grading = Grading(suite(1.0), (Variant({"X": 2}, suite(2.0)),), "X = 1")
    copied = [g.judge({"x": 1.0}) for g in (grading.public, grading.hidden[0].suite)]
    honest = [g.judge({"x": v}) for g, v in ((grading.public, 1.0), (grading.hidden[0].suite, 2.0))]
    assert grading.score(copied) == {"q1": pytest.approx(2 * (1 - HIDDEN_WEIGHT))}
    assert grading.score(honest) == {"q1": 2.0}


def test_inputs_are_written_after_the_parameters_cell():
    cells = with_inputs(["a = 1", "N = 2", "q = N"], 1, {"N": 3.5})
    namespace = {}
    for source in cells:
        exec(source, namespace)
    assert namespace["q"] == 3.5 and cells[0] == "a = 1"
    assert with_inputs(["N = 2"], None, {"N": 3})[0].endswith("N = 3")


def test_the_parameters_cell_is_found_by_tag_or_by_its_text():
    code = [("x = 1", []), (PARAMETERS, ["parameters"])]
    assert parameters_index(code, PARAMETERS) == 1
    assert parameters_index([("x = 1", []), (PARAMETERS + "\n", [])], PARAMETERS) == 1
    assert parameters_index([("x = 1", []), ("Q1_N_PARAMS = 1", [])], PARAMETERS) is None


@pytest.mark.parametrize(("inputs", "match"), [
    ('{"Q1_N_PARAMETERS": 1.0}', "not an UPPER_CASE name of the parameters cell"),
    ('{"SETUP_NAME": 1.0}', "not an UPPER_CASE name of the parameters cell"),
    ('{"Q1_N_PARAMS": float("nan")}', "plain number"),
    ('{"Q1_N_PARAMS": object()}', "plain number"),
])
def test_bad_hidden_inputs_are_refused_with_a_reason(tmp_path, inputs, match):
    """Only names of the parameters cell, with values with_inputs can write back exactly."""
    hidden = HIDDEN.rsplit("\n", 1)[0] + f"\nSETUP_NAME = 1\nhidden_inputs = {inputs}"
    with pytest.raises(ValueError, match=match):
        load_grading(_notebook(tmp_path / "bad.ipynb", hidden=hidden))


# --- End to end, in the sandbox ------------------------------------------------------------------

LIMITS = Limits(cell_timeout=20, total_timeout=60)


def _submission(tmp_path, name, answer, **kw):
    nb = json.loads(_notebook(tmp_path / f"{name}.ipynb", answer=answer, **kw).read_text())
    nb["cells"] = [c for c in nb["cells"] if "hidden-tests" not in c["metadata"]["tags"]]
    (tmp_path / f"{name}.ipynb").write_text(json.dumps(nb))
    return tmp_path / f"{name}.ipynb"


@pytest.mark.slow
def test_honest_retyped_and_forged_answers(solution, tmp_path):
    grading = load_grading(solution)
    subs = tmp_path / "subs"
    subs.mkdir()
    honest = _submission(subs, "honest", ANSWER)
    retyped = _submission(subs, "retyped", "q1_flops = 6 * 70e9 * 2e12\nq2_answer = 2.0")
    forged = _submission(subs, "forged", "q1_flops = 8.4e23\nq2_answer = 2.0")
    untagged = _submission(subs, "untagged", ANSWER, parameters_tags=())
    scores = {p.stem: grade_one(p.stem, p, grading, limits=LIMITS) for p in
              (honest, retyped, forged, untagged)}
    assert scores["honest"].scores == {"q1": 1.0, "q2": 1.0}
    for cheat in ("retyped", "forged"):
        assert scores[cheat].scores["q1"] == pytest.approx(1 - HIDDEN_WEIGHT)
        assert any("with the grader's inputs" in v.message and not v.passed
                   for v in scores[cheat].verdicts["q1"])
    # The tag lost in an editor: the cell is still found by its text, and graded in full.
    assert scores["untagged"].scores == {"q1": 1.0, "q2": 1.0}
