"""Every chapter through the real sandbox: the solution notebook (hidden cells removed) scores
full marks, with its own inputs and with the grader's hidden ones, and the exercise stub
scores nothing.

The chapters need what the sandbox shows and nothing more: the Python installation, the
``lessons`` package, the published data tables (``LESSONS_DATA_DIR``), matplotlib's own files,
CPU time within the limits their hidden tests declare. A view that hid one of them, or a grader
that lost an answer on the way back (a long probe name, a large array), costs points here.
"""

import json
from pathlib import Path

import pytest
from grading_attacks import ROOT

from lessons.grading.autograde import grade_one
from lessons.grading.inputs import load_grading

SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_full_marks_and_stub_zero_in_the_sandbox(solution: Path, tmp_path):
    grading = load_grading(solution)
    suite = grading.public
    nb = json.loads(solution.read_text())
    nb["cells"] = [c for c in nb["cells"]
                   if not {"hidden-tests", "hidden-run"} & set(c["metadata"].get("tags", []))]
    answered = tmp_path / solution.name
    answered.write_text(json.dumps(nb))
    top = sum(q.points for q in suite.questions.values())
    g = grade_one("student", answered, grading)
    assert (g.status, g.total) == ("graded", top), (g.reason, g.cell_errors, [
        v.message for vs in g.verdicts.values() for v in vs if not v.passed])
    assert grading.hidden and any("with the grader's inputs" in v.message
                                  for vs in g.verdicts.values() for v in vs)
    stub = grade_one("stub", ROOT / "exercises" / solution.name, grading)
    assert (stub.status, stub.total) == ("graded", 0), stub.reason
