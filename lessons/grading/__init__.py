"""Graded exercises: public checks in notebooks, hidden tests, and a sandboxed autograder.

* :mod:`lessons.grading.spec`: questions, probes (:class:`Value`, :class:`Call`) and typed
  expectations (:class:`Number`, :class:`Array`, :class:`Choice`, :class:`StudyScore`);
* :mod:`lessons.grading.checks`: ``check("q1")`` in a notebook, strict mode for the test run;
* :mod:`lessons.grading.notebooks`: reading notebooks defensively;
* :mod:`lessons.grading.inputs`: a chapter's grading, on its notebook's question inputs and on
  hidden ones (the cell tagged ``parameters``);
* :mod:`lessons.grading.sandbox`: running a submission in a sandbox (bubblewrap, cgroups);
* :mod:`lessons.grading.submissions`: finding submissions in a folder or zip, strictly;
* :mod:`lessons.grading.gradebooks`: gradebooks (wide, long, Canvas) and feedback files;
* :mod:`lessons.grading.autograde`: the grading run (``python -m lessons.autograde``).

A solution notebook ``solutions/<chapter>.ipynb`` is the single source of a chapter's
questions: its cell tagged ``parameters`` holds the questions' inputs, its cell tagged
``checks`` builds the public :class:`Checks` from them, its cell tagged ``hidden-tests`` builds
the hidden :class:`Suite` and names the hidden inputs, and ``tools/make_exercises.py`` derives
the student notebook and its check data (:func:`public_checks`) from it.
"""

from .checks import CheckFailed, Checks, public_checks, run_hidden, strict
from .spec import Array, Call, Choice, Number, Question, StudyScore, Suite, Test, Value, Verdict

__all__ = [
    "Array",
    "Call",
    "CheckFailed",
    "Checks",
    "Choice",
    "StudyScore",
    "Number",
    "Question",
    "Suite",
    "Test",
    "Value",
    "Verdict",
    "public_checks",
    "run_hidden",
    "strict",
]
