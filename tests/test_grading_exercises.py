"""Exercises derived from solutions: in sync, stubbed, and graded right (mutation tests).

For every question of the FLOPs notebook the exercise stub scores 0 and each listed plausible
wrong answer (the sparse 1,979 TFLOP/s peak, N in billions, 6ND without the 6, a percentage
for a fraction, an always-equal object) loses points. The hidden tests judge namespaces here
exactly as the autograder judges answers brought back from a sandbox.
"""

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from lessons.flops import gpu_hours, inference_flops, training_flops, wall_clock_days
from lessons.grading import CheckFailed
from lessons.grading.checks import judge_namespace
from lessons.grading.inputs import load_grading

ROOT = Path(__file__).resolve().parents[1]

spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "tools" / "make_exercises.py")
make_exercises = importlib.util.module_from_spec(spec)
sys.modules["make_exercises"] = make_exercises
spec.loader.exec_module(make_exercises)

SOLUTION = ROOT / "solutions" / "flops.ipynb"
EXERCISE = ROOT / "exercises" / "flops.ipynb"


def _run(nb: dict) -> dict:
    """Execute a notebook's code cells in this process; return its namespace."""
    ns = {"__name__": "__main__"}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), "<notebook>", "exec"), ns)
    return ns


@pytest.fixture(scope="module")
def hidden():
    return load_grading(SOLUTION).public


@pytest.fixture(scope="module")
def solved(hidden):
    nb = json.loads(SOLUTION.read_text())
    nb["cells"] = [c for c in nb["cells"] if "hidden-run" not in c["metadata"].get("tags", [])]
    return _run(nb)


@pytest.fixture(scope="module")
def stub():
    return _run(json.loads(EXERCISE.read_text()))


def _scores(hidden, ns):
    return hidden.score(judge_namespace(hidden, ns))


# --- Generation -------------------------------------------------------------------------------


def test_exercises_are_in_sync_with_solutions():
    """Regenerating exercises/ from solutions/ changes nothing (run tools/make_exercises.py)."""
    assert make_exercises.generate(ROOT, check=True) == []


def test_command_line_check_passes():
    """`python tools/make_exercises.py --check` is what CI and contributors run."""
    import subprocess

    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "make_exercises.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_a_stale_exercise_is_detected(tmp_path):
    import shutil

    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    make_exercises.generate(tmp_path)
    target = tmp_path / "exercises" / "flops.ipynb"
    target.write_text(target.read_text().replace("your answer", "my answer"))
    assert make_exercises.generate(tmp_path, check=True) != []


def test_solution_notebook_is_generated_from_its_text():
    """solutions/flops.ipynb holds exactly the cells of solutions/flops.md, the one source."""
    nb = json.loads(SOLUTION.read_text())
    assert nb == make_exercises.solution_notebook(ROOT / "solutions" / "flops.md")
    assert "jupytext" not in nb["metadata"], "a paired notebook would be rewritten on save"
    md = (ROOT / "solutions" / "flops.md").read_text()
    assert "formats:" not in md.split("---")[1], "the text must not be paired with the .ipynb"


def test_exercise_holds_no_solution_or_hidden_test():
    nb = json.loads(EXERCISE.read_text())
    text = json.dumps(nb)
    assert nb["metadata"]["lessons"] == {"chapter": "flops", "kind": "exercise"}
    assert "hidden" not in text and "# SOLUTION" not in text and "BEGIN SOLUTION" not in text
    assert "lstsq" not in text and "training_flops(Q1_N_PARAMS" not in text  # solutions gone
    sources = "".join("".join(c["source"]) for c in nb["cells"])
    assert 'public_checks("flops")' in sources and "Q1_N_PARAMS = 70e9" in sources
    assert all(c.get("outputs", []) == [] for c in nb["cells"])


@pytest.mark.parametrize(("source", "stubbed"), [
    ("a = 1  # SOLUTION", "a = ...  # your answer"),
    ("print(1)  # SOLUTION\nb = 2", "b = 2"),
    ("def f(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION",
     'def f(x):\n    raise NotImplementedError("write your code here")'),
    ("# BEGIN SOLUTION\nt = 2\nq7_x = t\nq7_y = 3\n# END SOLUTION",
     "# Your code here.\nq7_x = ...  # your answer\nq7_y = ...  # your answer"),
    ("# BEGIN SOLUTION\nq5_low, q5_high = sorted((2, 1))\nfor k in range(2):\n    q5_n = k\n"
     "# END SOLUTION",
     "# Your code here.\nq5_low = ...  # your answer\nq5_high = ...  # your answer\n"
     "q5_n = ...  # your answer"),
])
def test_strip_solutions(source, stubbed):
    assert make_exercises.strip_solutions(source) == stubbed


@pytest.mark.parametrize("bad", ["# BEGIN SOLUTION\nx = 1", "x = 1\n# END SOLUTION",
                                 "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION"])
def test_unbalanced_markers_are_refused(bad):
    with pytest.raises(make_exercises.MarkerError):
        make_exercises.strip_solutions(bad)


def test_exercise_checks_cell_is_short_and_loads_shipped_data():
    """No data blob in the notebook: the checks come from the package, rounded (12 digits)."""
    nb = json.loads(EXERCISE.read_text())
    cell = next(c for c in nb["cells"] if "checks" in c["metadata"].get("tags", []))
    source = "".join(cell["source"])
    assert len(source.splitlines()) <= 5 and source.startswith("# Public checks")
    data = json.loads((ROOT / "lessons" / "grading" / "public_checks" / "flops.json").read_text())
    numbers = [t["expect"]["expected"] for q in data["questions"] for t in q["tests"]
               if t["expect"]["kind"] == "number"]
    assert numbers and all(float(f"{x:.12g}") == x for x in numbers)


def test_check_data_from_another_library_release_are_not_stale(tmp_path):
    """Last-digit differences (another numpy or scipy) pass; a changed answer does not."""
    import shutil

    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    make_exercises.generate(tmp_path)
    stored = tmp_path / "lessons" / "grading" / "public_checks" / "flops.json"
    data = json.loads(stored.read_text())
    expect = data["questions"][0]["tests"][0]["expect"]
    expect["expected"] *= 1 + 3e-12
    stored.write_text(json.dumps(data))
    assert make_exercises.generate(tmp_path, check=True) == []
    expect["expected"] *= 1.001
    stored.write_text(json.dumps(data))
    assert make_exercises.generate(tmp_path, check=True) == [
        f"{stored} is stale: run python tools/make_exercises.py"]


def test_student_bundles_hold_no_solutions(tmp_path):
    made = make_exercises.bundles(tmp_path, ROOT)
    zips = [p for p in made if p.suffix == ".zip"]
    assert len(zips) == len(list((ROOT / "exercises").glob("*.ipynb")))
    import zipfile

    for z in zips:
        with zipfile.ZipFile(z) as zf:
            zf.extractall(tmp_path / "x")
    notebooks = list((tmp_path / "x").rglob("*.ipynb"))
    assert notebooks and not any(make_exercises._leaks(p) for p in notebooks)
    assert not any("solutions" in n for p in (tmp_path / "x").rglob("*.whl")
                   for n in zipfile.ZipFile(p).namelist())


def test_a_leaking_notebook_is_never_bundled(tmp_path):
    """A solution line left in an exercise stops the bundle instead of shipping it."""
    import shutil

    (tmp_path / "exercises").mkdir()
    shutil.copy(ROOT / "requirements.lock", tmp_path)
    nb = json.loads(EXERCISE.read_text())
    nb["cells"][-1]["source"] = "q8_answer = 'b'  # SOLUTION"
    (tmp_path / "exercises" / "flops.ipynb").write_text(json.dumps(nb))
    with pytest.raises(SystemExit, match="solution material"):
        make_exercises.chapter_bundle("flops", tmp_path / "none.whl", tmp_path / "out", tmp_path)


# --- Grading: solution, stub and mutants ------------------------------------------------------


def test_solution_scores_full_marks(hidden, solved):
    scores = _scores(hidden, solved)
    assert scores == {qid: q.points for qid, q in hidden.questions.items()}
    assert len(hidden.questions) >= 5


def test_every_question_of_the_stub_scores_zero(hidden, stub):
    assert all(v == 0 for v in _scores(hidden, stub).values())


def test_exercise_checks_say_not_answered(stub, capsys):
    stub["check"]("q1")
    assert "not answered yet" in capsys.readouterr().out




def _sparse_hours(flops, mfu):
    from lessons.hardware import ACCELERATORS

    return flops / (ACCELERATORS["H100-SXM"].sparse_2to4_peak_flops["bf16"] * mfu * 3600)


class AlwaysEqual:
    def __eq__(self, other):
        return True


def _mutants(ns):
    """(question, overrides) pairs: plausible wrong answers."""
    c = ns["q1_flops"]
    llama = ns["run3"]
    c8 = training_flops(llama.n_params, llama.n_tokens)
    return [
        ("q1", {"q1_flops": inference_flops(70e9, 2e12)}),                  # forward only
        ("q1", {"q1_flops": 6 * 70 * 2e12}),                                # N in billions
        ("q1", {"q1_h100_hours": _sparse_hours(c, 0.5)}),                   # sparse peak
        ("q1", {"q1_h100_hours": gpu_hours(c, mfu=0.5) / 100}),             # MFU as 50
        ("q1", {"q1_flops": AlwaysEqual()}),                                # __eq__ cheat
        ("q2", {"six_nd": lambda n, d: n * d}),                             # no 6
        ("q2", {"six_nd": lambda n, d: 2 * np.asarray(n) * d}),             # 2ND
        ("q2", {"six_nd": lambda n, d: [6 * a * b for a, b in zip(np.ravel(n), np.ravel(d), strict=True)]
                if np.ndim(n) else 6 * n * d}),                             # a list, not array
        ("q2", {"six_nd": lambda n, d: 6.0 * 7e10 * 2e12}),                 # hard-coded
        ("q3", {"q3_h100_hours": _sparse_hours(c8, 0.4)}),                  # sparse peak
        ("q3", {"q3_card_ratio": gpu_hours(c8, mfu=0.4) / llama.device_hours}),  # inverted
        ("q4", {"q4_days_at_50": ns["q4_days_at_25"]}),                     # MFU ignored
        ("q4", {"q4_days_at_25": wall_clock_days(c, 1024, mfu=0.25) * 24}),  # hours
        ("q5", {"q5_share_short": ns["q5_share_short"] * 100}),             # percent
        ("q5", {"q5_share_long": ns["q5_share_short"]}),                    # T ignored
        ("q6", {"q6_pf_days": training_flops(174.6e9, 300e9)}),             # FLOP, not PF-days
        ("q7", {"q7_mfu": ns["q7_mfu"] / 2}),                               # sparse A100 peak
        ("q7", {"q7_flops_per_second": ns["q7_flops_per_second"] * 3600}),  # fit on hours
        ("q8", {"q8_answer": "a"}),
        ("q8", {"q8_answer": True}),
    ]


def test_plausible_wrong_answers_lose_points(hidden, solved):
    full = _scores(hidden, solved)
    covered = set()
    for qid, overrides in _mutants(solved):
        scores = _scores(hidden, {**solved, **overrides})
        assert scores[qid] < full[qid], (qid, overrides)
        assert {k: v for k, v in scores.items() if k != qid} == \
            {k: v for k, v in full.items() if k != qid}
        covered.add(qid)
    assert covered == set(hidden.questions)


def test_public_checks_name_the_mistake(solved, capsys, monkeypatch):
    monkeypatch.delenv("LESSONS_CHECKS", raising=False)  # a learner's notebook: print, don't raise
    mutated = {**solved, "q1_h100_hours": _sparse_hours(solved["q1_flops"], 0.5)}
    solved["check"]("q1", mutated)
    out = capsys.readouterr().out
    assert "sparse" in out and f"{gpu_hours(solved['q1_flops'], mfu=0.5):.3g}" not in out


def test_strict_mode_turns_a_wrong_answer_into_an_error(solved, monkeypatch):
    monkeypatch.setenv("LESSONS_CHECKS", "strict")
    with pytest.raises(CheckFailed):
        solved["check"]("q6", {**solved, "q6_pf_days": training_flops(174.6e9, 300e9)})


def test_an_edited_text_form_makes_the_notebooks_stale(tmp_path):
    import shutil

    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    make_exercises.generate(tmp_path)
    md = tmp_path / "solutions" / "flops.md"
    md.write_text(md.read_text().replace('q8_answer = "b"', 'q8_answer = "c"'))
    stale = make_exercises.generate(tmp_path, check=True)
    assert any("solutions/flops.ipynb is stale" in p for p in stale), stale
