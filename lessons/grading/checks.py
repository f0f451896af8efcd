"""``check("q1")`` inside a notebook: judge the answers so far and say what is wrong.

A failed check prints what is wrong and a hint, never the answer, and never stops the notebook.
With the environment variable ``LESSONS_CHECKS=strict`` (set by the test run) a *wrong* answer
raises :class:`CheckFailed`, so ``pytest --nbmake solutions/`` fails on any failing check; an
unanswered question is still only reported, so exercise notebooks run top to bottom.

>>> from lessons.grading.spec import Number, Test, Value
>>> check = Checks("demo")
>>> check.add("q1", "Six N D", Test(Value("x"), Number(6.0)))
>>> check("q1", {"x": ...})
q1 (Six N D): not answered yet.
>>> check("q1", {"x": 6.0})
q1 (Six N D): all checks pass.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

from . import _wire
from .spec import Question, Suite, Test, Verdict

__all__ = ["PUBLIC_CHECKS", "STRICT_ENV", "CheckFailed", "Checks", "judge_namespace",
           "public_checks", "run_hidden", "strict"]

#: Environment variable that makes failed checks raise.
STRICT_ENV = "LESSONS_CHECKS"


class CheckFailed(AssertionError):
    """A check failed in strict mode."""


def strict() -> bool:
    """True when failed checks must raise (``LESSONS_CHECKS=strict``)."""
    return os.environ.get(STRICT_ENV, "").strip().lower() == "strict"


def judge_namespace(suite: Suite, namespace: dict, qids=None) -> dict[str, list[Verdict]]:
    """Read every probe of ``suite`` from a live namespace and judge it, in this process."""
    out = {}
    for qid, q in suite.questions.items():
        if qids is not None and qid not in qids:
            continue
        out[qid] = [t.judge(_read(namespace, t)) for t in q.tests]
    return out


def _read(namespace: dict, test: Test):
    try:
        return _wire.decode(_wire.probe(namespace, test.probe.wire()))
    except Exception as exc:  # e.g. an argument that cannot be encoded
        return _wire.Failed(f"{type(exc).__name__}: {exc}")


def _report(q: Question, verdicts: list[Verdict]) -> tuple[str, bool]:
    """Text for one question, and whether any answered test failed."""
    head = f"{q.id} ({q.title})"
    if all(v.passed for v in verdicts):
        return f"{head}: all checks pass.", False
    if not any(v.answered for v in verdicts):
        return f"{head}: not answered yet.", False
    lines = [f"{head}:"]
    for v in verdicts:
        lines.append(("  ok    " if v.passed else "  FAIL  ") + v.message)
    return "\n".join(lines), True


class Checks(Suite):
    """The public checks of one chapter, callable as ``check("q1")``."""

    def __call__(self, qid: str, namespace: dict | None = None) -> None:
        if namespace is None:
            namespace = sys._getframe(1).f_globals  # the notebook's variables
        if qid not in self.questions:
            print(f"There is no question {qid!r}; questions: {', '.join(self.questions)}.")
            return
        try:
            verdicts = judge_namespace(self, namespace, {qid})[qid]
            text, failed = _report(self.questions[qid], verdicts)
        except Exception as exc:  # a check must never break the notebook
            text, failed = f"{qid}: could not be checked ({type(exc).__name__}: {exc}).", True
        print(text)
        if failed and strict():
            raise CheckFailed(text)

    # The exercise notebook loads its checks as data (public_checks), so it does not spell out
    # the expressions that compute the expected values.

    def to_data(self) -> dict:
        """The checks as JSON-ready data, numbers rounded to :data:`SIGNIFICANT_DIGITS`.

        Rounding makes the data the same whichever numpy or scipy computed them: their last
        bits differ between releases, the first twelve digits do not.
        """
        return _rounded({"chapter": self.chapter,
                         "questions": [{"id": q.id, "title": q.title,
                                        "tests": [t.data() for t in q.tests]}
                                       for q in self.questions.values()]})

    @classmethod
    def from_data(cls, data: dict) -> Checks:
        """Rebuild checks written by :meth:`to_data`."""
        checks = cls(data["chapter"])
        for q in data["questions"]:
            checks.add(q["id"], q["title"], *(Test.from_data(t) for t in q["tests"]))
        return checks


#: Significant digits kept in stored check data; the checks' tolerances are far coarser.
SIGNIFICANT_DIGITS = 12

#: The exercises' public checks, one ``<chapter>.json`` each, written by
#: ``tools/make_exercises.py`` from the solution notebooks and shipped with the package.
PUBLIC_CHECKS = Path(__file__).with_name("public_checks")


def _rounded(value):
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()  # a numpy scalar (the course's functions return them) -> int/float
    if type(value) is float:
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if math.isfinite(value) else value
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


def dumps(data: dict) -> str:
    """Check data as stored: sorted keys, one item per line, a final newline."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def same_data(a, b, rtol: float = 1e-9) -> bool:
    """Whether two check data agree: equal structure and text, numbers within ``rtol``.

    >>> same_data({"x": [1.0, "a"]}, {"x": [1.0 + 1e-12, "a"]})
    True
    >>> same_data({"x": 1.0}, {"x": 1.001})
    False
    """
    if type(a) is float or type(b) is float:
        return (type(a) in (int, float) and type(b) in (int, float)
                and math.isclose(a, b, rel_tol=rtol, abs_tol=0.0))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_data(a[k], b[k], rtol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_data(x, y, rtol) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def public_checks(chapter: str) -> Checks:
    """The public checks of a chapter's exercise notebook: ``check = public_checks("flops")``.

    Parameters
    ----------
    chapter : str
        The chapter's name, the stem its chapter, solution and exercise share.

    Returns
    -------
    Checks
        Callable as ``check("q1")``.

    Examples
    --------
    >>> check = public_checks("flops")
    >>> check("q1", {})
    q1 (FLOPs and H100-hours by 6ND): not answered yet.
    """
    available = sorted(p.stem for p in PUBLIC_CHECKS.glob("*.json"))
    if chapter not in available:
        raise ValueError(f"no public checks for chapter {chapter!r}; this copy of the course "
                         f"has {', '.join(available) or 'none'}. Install the course version "
                         "that matches this notebook (see its README).")
    data = json.loads((PUBLIC_CHECKS / f"{chapter}.json").read_text(encoding="utf-8"))
    return Checks.from_data(data)


def run_hidden(suite: Suite, namespace: dict) -> dict[str, float]:
    """Run hidden tests on a live namespace (the solution notebook) and print the points.

    In strict mode any test that does not pass, answered or not, raises :class:`CheckFailed`.
    """
    verdicts = judge_namespace(suite, namespace)
    scores = suite.score(verdicts)
    bad = []
    for qid, q in suite.questions.items():
        print(f"{qid}: {scores[qid]:g} / {q.points:g}")
        bad += [f"{qid}: {v.message}" for v in verdicts[qid] if not v.passed]
    if bad:
        print("\n".join(bad))
        if strict():
            raise CheckFailed("hidden tests failed:\n" + "\n".join(bad))
    return scores
