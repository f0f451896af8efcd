"""The fitting chapter's graded notebook: each plausible wrong answer loses points on its own.

Its mutants live here rather than in the notebook: question 8 runs a whole scaling study per
oracle seed (seconds each), so the solved study's predictions are computed once and reused by
every mutant of the other questions. The public seed is checked in the run with the notebook's
own inputs, the instructor seeds only in the run with the grader's (``Q8_SEEDS``); mutants are
graded as the autograder grades, over both runs.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from lessons import chinchilla, fitting, oracle
from lessons.grading.checks import judge_namespace
from lessons.grading.inputs import load_grading

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "fitting.ipynb"


class _AlwaysEqual:
    def __eq__(self, other):
        return True


def _seeds(suite):
    return {t.probe.args[0] for t in suite.questions["q8"].tests}


def _score(grading, ns):
    """Points per question as the autograder gives them, over every run, from one namespace."""
    return grading.score([judge_namespace(v.suite, ns) for v in grading.variants])


@pytest.fixture(scope="module")
def graded():
    grading = load_grading(SOLUTION)
    ns = {"__name__": "__main__"}
    for cell in json.loads(SOLUTION.read_text())["cells"]:
        if cell["cell_type"] == "code" and "hidden-run" not in cell["metadata"].get("tags", []):
            exec(compile("".join(cell["source"]), "<notebook>", "exec"), ns)
    seeds = set().union(*(_seeds(v.suite) for v in grading.variants))
    predictions = {s: ns["run_study"](s) for s in seeds}
    ns["run_study"] = predictions.__getitem__      # the same answers, without rerunning
    return grading, ns, _score(grading, ns)


def _one_budget_study(o):
    n, d = oracle.isoflop_design(o.remaining, fractions=[1])
    runs = o.train(n, d)
    law = fitting.fit_parametric(runs.n_params, runs.n_tokens, runs.loss).fit
    n_opt, d_opt = chinchilla.compute_optimal(o.target_flops, law)
    return {"n_params": n_opt, "loss": float(chinchilla.loss(n_opt, d_opt, law))}


def _mutants(ns):
    q2 = ns["huber_objective"]
    refit = ns["REFIT"]
    truth_free_guess = chinchilla.compute_optimal(oracle.TARGET_MULTIPLE * oracle.DEFAULT_BUDGET,
                                                  "besiroglu2024")
    return [
        ("q1", {"q1_E": chinchilla.HOFFMANN_2022.E}),                      # the printed E
        ("q1", {"q1_a": refit.fit.b}),                                     # b for a
        ("q1", {"q1_E": _AlwaysEqual()}),                                  # __eq__ cheat
        ("q2", {"huber_objective": lambda *a, **k: q2(*a, **k) / len(a[3])}),   # the mean
        ("q2", {"huber_objective": lambda *a, **k: 2 * q2(*a, **k)}),        # r², not r²/2
        ("q3", {"q3_rounded": ns["q3_tex"]}),                              # fits swapped
        ("q3", {"q3_tex": 1 / ns["q3_tex"]}),                              # N/D
        ("q4", {"q4_alpha_stopped": ns["start"].alpha}),                   # the start
        ("q4", {"q4_alpha_tight": ns["q4_alpha_stopped"]}),                # default tolerances
        ("q5", {"q5_low": float(np.percentile(ns["boot"][ns["Q5_CONSTANT"]], 10))}),  # 80 %
        ("q5", {"q5_high": chinchilla.APPROACH_EXPONENTS["3. parametric loss fit"].a_range[1]}),
        ("q6", {"q6_low": ns["plan"].interval("FLOPs")[0]}),               # FLOP, not USD
        ("q6", {"q6_high": 2 * ns["q6_high"]}),                            # twice the price
        ("q7", {"q7_error": -ns["q7_error"]}),                             # sign
        ("q8", {"run_study": lambda seed: np.array([float(truth_free_guess[0]), 2.5])}),
        ("q8", {"run_study": lambda seed: np.array(oracle.read_prediction(
            _one_budget_study(oracle.Oracle(seed=seed))))}),
        ("q8", {"run_study": lambda seed: (1e9, 2.5)}),                    # not an array
        ("q9", {"q9_answer": "d"}),
        ("q9", {"q9_answer": "a"}),
        ("q10", {"q10_forecast": ns["Q10_PURE"]}),                         # no floor c
        ("q10", {"q10_forecast": ns["Q10_AT_LARGEST"]}),                   # read at 2e19, not 2e22
        ("q10", {"q10_forecast": float(ns["pts10"].loss[-1])}),            # the lowest measured
        ("q10", {"q10_error": -ns["q10_error"]}),                          # truth minus forecast
        ("q10", {"q10_error": ns["Q10_PURE"] - ns["q10_forecast"] + ns["q10_error"]}),  # no floor
    ]


def test_solution_scores_full_marks_on_every_seed(graded):
    grading, ns, _ = graded
    hidden = grading.public
    assert hidden.score(judge_namespace(hidden, ns)) == {
        qid: q.points for qid, q in hidden.questions.items()}
    for variant in grading.hidden:                    # the instructor seeds
        assert variant.suite.score(judge_namespace(variant.suite, ns))["q8"] == 8
    assert hidden.questions["q8"].points == 8


def test_each_mutant_loses_points_on_its_question_only(graded):
    grading, ns, full = graded
    covered = set()
    for qid, overrides in _mutants(ns):
        scores = _score(grading, {**ns, **overrides})
        assert scores[qid] < full[qid], (qid, overrides)
        assert {k: v for k, v in scores.items() if k != qid} == \
            {k: v for k, v in full.items() if k != qid}, (qid, overrides)
        covered.add(qid)
    assert covered == set(grading.public.questions)


def test_instructor_seeds_differ_from_the_public_one(graded):
    """The public run checks the public seed only; the grader's run three other seeds."""
    grading, _, _ = graded
    assert _seeds(grading.public) == {oracle.PUBLIC_SEED}
    for variant in grading.hidden:
        seeds = _seeds(variant.suite)
        assert oracle.PUBLIC_SEED not in seeds and len(seeds) == 3


def test_the_chapter_declares_more_time(graded):
    from lessons.grading.autograde import limits_for

    grading, _, _ = graded
    limits = limits_for(grading.public)
    assert limits.cell_timeout >= 60 and limits.total_timeout >= 300
