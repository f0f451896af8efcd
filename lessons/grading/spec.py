"""Questions, the answers they read, and the expectations that judge them.

A :class:`Test` reads one answer through a probe (:class:`Value`: a name the student assigns;
:class:`Call`: the student's function called on given inputs) and judges it with an
expectation (:class:`Number`, :class:`Array`, :class:`Choice`). The same objects serve the
public checks in a notebook (:mod:`lessons.grading.checks`) and the hidden tests of the
autograder, so a notebook's ``check("q1")`` and the gradebook judge answers alike.

Judging is typed: a number must arrive as an ``int`` or ``float`` (numpy scalars included),
never a ``bool``, a string or an object that merely compares equal.

>>> t = Test(Value("q1_flops"), Number(8.4e23, mistakes={1 / 6: "Did you forget the 6?"}))
>>> t.judge(1.4e23).message
'`q1_flops` is not right: Did you forget the 6?'
>>> t.judge(8.4e23).passed
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._wire import Failed, Missing, Opaque, Unanswered, encode

__all__ = [
    "Array",
    "Call",
    "Choice",
    "Number",
    "Question",
    "StudyScore",
    "Suite",
    "Test",
    "Value",
    "Verdict",
]

NOT_ANSWERED = "not answered yet"


@dataclass(frozen=True)
class Verdict:
    """The outcome of one test: passed or not, and a message that never states the answer."""

    passed: bool
    message: str = ""
    answered: bool = True


# --- Probes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """Read the value the student assigned to ``name``."""

    name: str

    @property
    def key(self) -> str:
        return self.name

    def wire(self) -> dict:
        return {"name": self.name, "call": False}

    def describe(self) -> str:
        return f"`{self.name}`"


@dataclass(frozen=True)
class Call:
    """Call the student's function ``name`` with ``args`` and read what it returns."""

    name: str
    args: tuple = ()
    kwargs: tuple = ()  # (key, value) pairs, kept hashable

    @property
    def key(self) -> str:
        parts = [_short(a) for a in self.args] + [f"{k}={_short(v)}" for k, v in self.kwargs]
        return f"{self.name}({', '.join(parts)})"

    def wire(self) -> dict:
        return {"name": self.name, "call": True, "args": [encode(_plain(a)) for a in self.args],
                "kwargs": {k: encode(_plain(v)) for k, v in self.kwargs}}

    def describe(self) -> str:
        return f"`{self.key}`"


def _plain(x):
    return np.asarray(x, dtype=float) if isinstance(x, (list, np.ndarray)) else x


def _short(x) -> str:
    if isinstance(x, (list, tuple, np.ndarray)):
        a = np.asarray(x, dtype=float)
        shape = f", shape={a.shape}" if a.ndim != 1 else ""
        return "array([" + ", ".join(f"{float(v):g}" for v in a.ravel()) + f"]{shape})"
    return f"{x:g}" if isinstance(x, float) else repr(x)


# --- Expectations -------------------------------------------------------------------------------


def _not_answered(got, probe) -> Verdict | None:
    """A verdict for values that are not answers at all, else None."""
    if isinstance(got, Unanswered):
        return Verdict(False, f"{probe.describe()}: {NOT_ANSWERED}.", answered=False)
    if isinstance(got, Missing):
        return Verdict(False, f"{probe.describe()}: {NOT_ANSWERED} (`{got.detail}` is not "
                              "defined: run the cell that defines it, and keep its name).",
                       answered=False)
    if isinstance(got, Failed):
        return Verdict(False, f"{probe.describe()} raised {got.detail}")
    return None


def _is_number(x) -> bool:
    return type(x) in (int, float)


#: A count answer below this while the expected count is above it was given in billions or
#: millions, not as a raw count [count].
RAW_COUNT_FLOOR = 1e6

RAW_COUNTS = "use raw counts: 70 billion is 70e9, not 70"


def _looks_scaled_down(got, expected) -> bool:
    """True when an answer below 1e6 stands for an expected count above 1e6 (70 for 70e9).

    Only answers at least 100 times too small: a factor of 2 off is another mistake.
    """
    got, expected = np.abs(np.asarray(got, dtype=float)), np.abs(np.asarray(expected, dtype=float))
    return bool(np.all(expected >= RAW_COUNT_FLOOR) and np.all(got < RAW_COUNT_FLOOR)
                and np.all(got > 0) and np.all(got <= expected / 100))


def _ratio_hint(ratio: float) -> str:
    if not math.isfinite(ratio) or ratio <= 0:
        return "it has the wrong sign or is not finite"
    decades = math.log10(ratio)
    if abs(decades - round(decades)) < 0.02 and round(decades) != 0:
        return (f"it is off by exactly a factor 10^{round(decades):+d}: check the units "
                "(raw counts, not billions; FLOP, not PF-days; fractions, not percent)")
    return "it is too large" if ratio > 1 else "it is too small"


@dataclass(frozen=True)
class Number:
    """A finite int or float within ``rtol`` of ``expected``.

    ``mistakes`` maps a factor to a hint: an answer near ``expected * factor`` is a known mistake
    (the sparse peak gives factor 0.5 on hours, N in billions gives 1e-9, no 6 gives 1/6).
    """

    expected: float
    rtol: float = 1e-2
    mistakes: dict = field(default_factory=dict)
    hint: str = ""

    def __post_init__(self) -> None:
        # The author's expected value may be a numpy scalar (what lessons returns from arrays);
        # the *student's* answer must still be an exact int or float (see judge).
        expected = self.expected.item() if isinstance(self.expected, np.generic) else self.expected
        if not (_is_number(expected) and math.isfinite(expected)):
            raise ValueError(f"expected must be a finite number; got {self.expected!r}.")
        object.__setattr__(self, "expected", float(expected))

    def judge(self, got, probe) -> Verdict:
        early = _not_answered(got, probe)
        if early:
            return early
        if not _is_number(got):
            return Verdict(False, f"{probe.describe()} should be a number (int or float); "
                                  f"got {_type_name(got)}.")
        got = float(got)
        if not math.isfinite(got):
            return Verdict(False, f"{probe.describe()} is {got}: it should be a finite number.")
        if _close(got, self.expected, self.rtol):
            return Verdict(True, f"{probe.describe()}: correct.")
        for factor, hint in self.mistakes.items():
            if _close(got, self.expected * factor, self.rtol):
                return Verdict(False, f"{probe.describe()} is not right: {hint}")
        extra = f" Hint: {self.hint}" if self.hint else ""
        if _looks_scaled_down(got, self.expected):
            return Verdict(False, f"{probe.describe()} is not right: it is far too small; "
                                  f"{RAW_COUNTS}.{extra}")
        ratio = got / self.expected if self.expected else math.inf
        return Verdict(False, f"{probe.describe()} is not right: {_ratio_hint(ratio)}.{extra}")

    def data(self) -> dict:
        return {"kind": "number", "expected": self.expected, "rtol": self.rtol,
                "mistakes": [[f, h] for f, h in self.mistakes.items()], "hint": self.hint}


@dataclass(frozen=True)
class Array:
    """A numpy array of ``expected``'s shape whose entries are within ``rtol``."""

    expected: tuple
    rtol: float = 1e-2
    mistakes: dict = field(default_factory=dict)
    hint: str = ""
    shape: tuple | None = None

    def __post_init__(self) -> None:
        arr = np.asarray(self.expected, dtype=float)
        if not np.all(np.isfinite(arr)):
            raise ValueError("expected must be finite numbers.")
        object.__setattr__(self, "shape", tuple(self.shape if self.shape is not None
                                                else arr.shape))
        object.__setattr__(self, "expected", tuple(float(v) for v in arr.ravel()))

    def judge(self, got, probe) -> Verdict:
        early = _not_answered(got, probe)
        if early:
            return early
        want = np.array(self.expected).reshape(self.shape)
        if type(got) is not np.ndarray:
            return Verdict(False, f"{probe.describe()} should return a numpy array for array "
                                  f"inputs; got {_type_name(got)}. Use numpy arithmetic, "
                                  "not a Python loop or math functions.")
        if got.shape != want.shape:
            return Verdict(False, f"{probe.describe()} returned shape {got.shape}; "
                                  f"expected shape {want.shape}.")
        got = got.astype(float)
        if np.allclose(got, want, rtol=self.rtol, atol=0):
            return Verdict(True, f"{probe.describe()}: correct.")
        for factor, hint in self.mistakes.items():
            if np.allclose(got, want * factor, rtol=self.rtol, atol=0):
                return Verdict(False, f"{probe.describe()} is not right: {hint}")
        extra = f" Hint: {self.hint}" if self.hint else ""
        if _looks_scaled_down(got, want):
            return Verdict(False, f"{probe.describe()} is not right: every entry is far too "
                                  f"small; {RAW_COUNTS}.{extra}")
        return Verdict(False, f"{probe.describe()} is not right for every entry.{extra}")

    def data(self) -> dict:
        return {"kind": "array", "expected": list(self.expected), "rtol": self.rtol,
                "mistakes": [[f, h] for f, h in self.mistakes.items()], "hint": self.hint,
                "shape": list(self.shape)}


@dataclass(frozen=True)
class Choice:
    """One letter among ``options``; ``why`` maps a wrong option to a hint."""

    correct: str
    options: str = "abcd"
    why: dict = field(default_factory=dict)

    def judge(self, got, probe) -> Verdict:
        early = _not_answered(got, probe)
        if early:
            return early
        if type(got) is not str:
            return Verdict(False, f"{probe.describe()} should be one letter as a string, "
                                  f"e.g. \"a\"; got {_type_name(got)}.")
        letter = got.strip().lower()
        if letter not in self.options or len(letter) != 1:
            return Verdict(False, f"{probe.describe()} should be one of "
                                  f"{', '.join(repr(o) for o in self.options)}.")
        if letter == self.correct:
            return Verdict(True, f"{probe.describe()}: correct.")
        hint = self.why.get(letter, "reread the section and try again.")
        return Verdict(False, f"{probe.describe()} is not right: {hint}")

    def data(self) -> dict:
        return {"kind": "choice", "correct": self.correct, "options": self.options,
                "why": dict(self.why)}


@dataclass(frozen=True)
class StudyScore:
    """A scaling-study prediction (N_opt, loss) scored against an oracle's hidden law.

    The probe returns ``numpy.array([n_params, loss])``, the prediction of a study run against
    ``lessons.oracle.Oracle(budget, seed=seed)``. ``part`` is ``"size"`` (passes when N_opt is
    within the factor ``tolerance`` of the truth) or ``"loss"`` (within ``tolerance`` nats).
    The truth is computed here, in the grader, from the seed.
    """

    seed: int
    part: str
    tolerance: float
    budget: int | None = None   # None: the oracle's default budget

    def judge(self, got, probe) -> Verdict:
        from lessons.oracle import DEFAULT_BUDGET, Oracle  # imported only by chapters using it

        early = _not_answered(got, probe)
        if early:
            return early
        if type(got) is not np.ndarray or got.shape != (2,):
            return Verdict(False, f"{probe.describe()} should return numpy.array([n_params, "
                                  f"loss]); got {_type_name(got)}.")
        try:
            score = Oracle(self.budget or DEFAULT_BUDGET, seed=self.seed).evaluate(
                float(got[0]), float(got[1]))
        except ValueError as err:
            return Verdict(False, f"{probe.describe()}: {err}")
        if self.part == "size":
            ok = score.n_factor <= self.tolerance
            what = (f"N_opt is {score.n_factor:.2f}x off the hidden law's "
                    f"(within {self.tolerance:.3g}x passes)")
        else:
            ok = score.loss_error <= self.tolerance
            what = (f"the loss is {score.loss_error:.3f} nats off the hidden law's "
                    f"(within {self.tolerance:g} passes)")
        return Verdict(ok, f"{probe.describe()}: {what}{'.' if ok else '; see the hint.'}")

    def data(self) -> dict:
        return {"kind": "study", "seed": self.seed, "part": self.part,
                "tolerance": self.tolerance, "budget": self.budget}


def _close(a: float, b: float, rtol: float) -> bool:
    return abs(a - b) <= rtol * abs(b)


def _type_name(x) -> str:
    if isinstance(x, Opaque):
        return f"an object of type {x.detail}"
    return f"a {type(x).__name__} ({x!r:.40})" if x is not None else "None"


def expectation_from_data(d: dict):
    kind = d["kind"]
    if kind == "study":
        return StudyScore(d["seed"], d["part"], d["tolerance"], d["budget"])
    if kind == "choice":
        return Choice(d["correct"], d["options"], dict(d["why"]))
    mistakes = {float(f): h for f, h in d["mistakes"]}
    if kind == "array":
        return Array(d["expected"], d["rtol"], mistakes, d["hint"], tuple(d["shape"]))
    return Number(d["expected"], d["rtol"], mistakes, d["hint"])


# --- Tests, questions, suites -------------------------------------------------------------------


@dataclass(frozen=True)
class Test:
    """One probe judged by one expectation, worth ``points``."""

    __test__ = False  # not a pytest test class

    probe: Value | Call
    expect: Number | Array | Choice | StudyScore
    points: float = 1.0

    def judge(self, got) -> Verdict:
        try:
            return self.expect.judge(got, self.probe)
        except Exception as exc:  # a malformed value must never stop grading
            return Verdict(False, f"{self.probe.describe()} could not be judged "
                                  f"({type(exc).__name__}).")

    def data(self) -> dict:
        probe = {"name": self.probe.name}
        if isinstance(self.probe, Call):
            probe.update(args=[np.asarray(a, dtype=float).tolist()
                               if isinstance(a, (list, np.ndarray)) else a
                               for a in self.probe.args],
                         arrays=[isinstance(a, (list, np.ndarray)) for a in self.probe.args],
                         kwargs=[[k, v] for k, v in self.probe.kwargs])
        return {"probe": probe, "expect": self.expect.data(), "points": self.points}

    @classmethod
    def from_data(cls, d: dict) -> Test:
        p = d["probe"]
        if "args" in p:
            args = tuple(np.asarray(a, dtype=float) if is_arr else a
                         for a, is_arr in zip(p["args"], p["arrays"], strict=True))
            probe = Call(p["name"], args, tuple((k, v) for k, v in p.get("kwargs", [])))
        else:
            probe = Value(p["name"])
        return cls(probe, expectation_from_data(d["expect"]), d["points"])


@dataclass(frozen=True)
class Question:
    """A graded question: an id such as ``"q1"``, a title and its tests."""

    id: str
    title: str
    tests: tuple[Test, ...]

    @property
    def points(self) -> float:
        return float(sum(t.points for t in self.tests))


class Suite:
    """An ordered set of questions for one chapter.

    >>> s = Suite("demo")
    >>> s.add("q1", "Six N D", Test(Value("x"), Number(6.0)))
    >>> [r.passed for r in s.judge({"x": 6.0})["q1"]]
    [True]
    """

    def __init__(self, chapter: str, *, cell_timeout: float | None = None,
                 total_timeout: float | None = None) -> None:
        self.chapter = chapter
        self.questions: dict[str, Question] = {}
        # Time a chapter's notebook needs in the sandbox [s], when more than the defaults
        # (a chapter that fits laws runs longer cells); None keeps the autograder's defaults.
        self.cell_timeout = cell_timeout
        self.total_timeout = total_timeout

    def add(self, qid: str, title: str, *tests: Test) -> None:
        if not tests:
            raise ValueError(f"question {qid!r} needs at least one test.")
        if qid in self.questions:
            raise ValueError(f"question {qid!r} is defined twice.")
        self.questions[qid] = Question(qid, title, tuple(tests))

    def extend(self, qid: str, *tests: Test) -> None:
        """Add tests to an existing question (hidden tests on top of the public ones)."""
        q = self.questions[qid]
        self.questions[qid] = Question(q.id, q.title, q.tests + tuple(tests))

    def probes(self) -> dict[str, dict]:
        """Every probe of every test, by key, in the wire format the runner reads."""
        return {t.probe.key: t.probe.wire() for q in self.questions.values() for t in q.tests}

    def judge(self, answers: dict) -> dict[str, list[Verdict]]:
        """Judge decoded answers (probe key -> value); missing keys count as not answered."""
        out = {}
        for qid, q in self.questions.items():
            out[qid] = [t.judge(answers.get(t.probe.key, Missing(t.probe.name))) for t in q.tests]
        return out

    def score(self, verdicts: dict[str, list[Verdict]]) -> dict[str, float]:
        return {qid: float(sum(t.points for t, v in zip(q.tests, verdicts[qid], strict=True)
                               if v.passed))
                for qid, q in self.questions.items()}
