"""Grade a folder or zip of submitted notebooks into a gradebook and per-student feedback.

``python -m lessons.autograde SUBMISSIONS -o gradebook.csv`` where SUBMISSIONS is a folder or a
``.zip`` of notebooks named by student (``alice.ipynb``). For each submission, in parallel on all
cores, the code cells run in their own sandbox (:mod:`lessons.grading.sandbox`); the answers
come back as plain data and the hidden tests, which never leave this process, judge them.
Whatever a submission does, it gets a row with a reason, and the gradebook is always written.
Submissions are read, never written; grading twice gives the same files.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import sandbox
from .gradebooks import (
    FORMATS,
    OutputError,
    check_outputs,
    feedback_text,
    write_feedback,
    write_gradebook,
)
from .inputs import Grading, load_grading, parameters_index, with_inputs
from .notebooks import NotebookError, cell_source, cell_tags, chapter_of, read_submission
from .sandbox import Limits, run_cells
from .spec import Suite, Verdict
from .submissions import Submission, collect, staged

__all__ = ["Grade", "collect", "course_chapters", "default_solutions_dir", "feedback_text",
           "grade_all", "grade_one", "limits_for", "main", "write_feedback", "write_gradebook"]

DEFAULT_LIMITS = Limits()
_CHAPTER_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


@dataclass
class Grade:
    """One student's result."""

    student: str
    source: str
    scores: dict = field(default_factory=dict)       # question id -> points
    verdicts: dict = field(default_factory=dict)     # question id -> [Verdict]
    status: str = "graded"                           # graded | not graded | partial
    reason: str = ""
    cell_errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)      # probe key -> decoded value (not exported)

    @property
    def total(self) -> float:
        return float(sum(self.scores.values()))


def default_solutions_dir() -> Path:
    """``solutions/`` beside the ``lessons`` package (the repository layout)."""
    import lessons

    return Path(lessons.__file__).resolve().parent.parent / "solutions"


def course_chapters(solutions: Path | None = None) -> tuple[str, ...]:
    """The chapters the course grades: one per solution notebook it ships,
    ``solutions/<chapter>.ipynb`` (regular files with a plain lower-case name).

    A chapter named in a submission is looked up in this list, never joined to a path.
    """
    folder = Path(solutions) if solutions is not None else default_solutions_dir()
    with os.scandir(folder) as entries:
        stems = [e.name[:-len(".ipynb")] for e in entries
                 if e.name.endswith(".ipynb") and e.is_file(follow_symlinks=False)]
    return tuple(sorted(c for c in stems if _CHAPTER_NAME.match(c)))


def limits_for(suite: Suite, *, cell_timeout: float | None = None,
               total_timeout: float | None = None, memory: int | None = None) -> Limits:
    """Sandbox limits for a chapter: given values first, then the times the chapter's hidden
    tests declare (``Suite(..., cell_timeout=, total_timeout=)``), then the defaults.

    >>> limits_for(Suite("demo", cell_timeout=30.0)).cell_timeout
    30.0
    >>> limits_for(Suite("demo", cell_timeout=30.0), cell_timeout=5.0).cell_timeout
    5.0
    >>> limits_for(Suite("demo")) == DEFAULT_LIMITS
    True
    """
    def pick(given, declared, default):
        return given if given is not None else declared if declared is not None else default

    return Limits(cell_timeout=pick(cell_timeout, suite.cell_timeout, Limits.cell_timeout),
                  total_timeout=pick(total_timeout, suite.total_timeout, Limits.total_timeout),
                  memory=pick(memory, None, Limits.memory))


def grade_one(student: str, path: Path, suite: Suite | Grading, *, limits: Limits | None = None,
              private: tuple = (), source: str | None = None) -> Grade:
    """Grade one notebook; never raises for a bad submission.

    ``suite`` is a chapter's :class:`~lessons.grading.inputs.Grading` (the notebook is run once
    as submitted and once per set of hidden inputs) or a bare hidden :class:`Suite` (run
    once). ``limits`` defaults to :func:`limits_for` (suite).
    """
    grading = _grading(suite)
    suite = grading.public
    limits = limits or limits_for(suite)
    grade = Grade(student, source or Path(path).name)
    grade.scores = {qid: 0.0 for qid in suite.questions}
    try:
        nb = read_submission(path)
        chapter = chapter_of(nb)
        if chapter is not None and chapter != suite.chapter:
            raise NotebookError(f"this is the notebook of chapter {chapter!r}, not "
                                f"{suite.chapter!r}")
        if chapter is None:
            grade.notes.append("the notebook has no chapter metadata; graded as "
                               f"{suite.chapter!r}")
    except (NotebookError, OSError) as exc:
        grade.status, grade.reason = "not graded", str(exc)
        grade.verdicts = {qid: [] for qid in suite.questions}
        return grade
    code = [(cell_source(c), cell_tags(c)) for c in nb["cells"]
            if isinstance(c, dict) and c.get("cell_type") == "code"]
    at = parameters_index(code, grading.parameters_source)
    if grading.hidden and at is None:
        grade.notes.append("no cell tagged 'parameters' holds the question inputs (deleted or "
                           "edited?): the grader's inputs were set before the first cell")
    verdicts = []
    for k, variant in enumerate(grading.variants):
        run = run_cells(with_inputs([s for s, _ in code], at, variant.inputs),
                        variant.suite.probes(), limits=limits, private=private)
        if k == 0:
            grade.cell_errors, grade.notes = run.cell_errors, grade.notes + run.notes
            if run.status != "ok":  # no answers came back: say why, not "not answered" 17 times
                grade.status, grade.reason = "not graded", run.reason
                grade.verdicts = {qid: [] for qid in suite.questions}
                return grade
            grade.answers = run.answers
        elif run.status != "ok":
            grade.status = "partial"
            grade.reason = f"the run with the grader's inputs did not finish: {run.reason}"
        verdicts.append(variant.suite.judge(run.answers))
    grade.scores = grading.score(verdicts)
    grade.verdicts = {qid: verdicts[0][qid] + [
        Verdict(v.passed, f"with the grader's inputs: {v.message}", v.answered)
        for run in verdicts[1:] for v in run[qid]] for qid in suite.questions}
    return grade


def _grading(suite: Suite | Grading) -> Grading:
    """A bare hidden Suite is graded as a chapter without hidden inputs."""
    return suite if isinstance(suite, Grading) else Grading(suite, (), "")


def _not_graded(sub: Submission, suite: Suite | Grading, reason: str) -> Grade:
    suite = _grading(suite).public
    return Grade(sub.student, sub.source, scores={qid: 0.0 for qid in suite.questions},
                 verdicts={qid: [] for qid in suite.questions}, status="not graded",
                 reason=reason)


def _failure_reason(exc: BaseException) -> str:
    """Why an unexpected error stopped one submission, in words for the gradebook."""
    if isinstance(exc, RecursionError):
        return "could not be read: its JSON is nested too deeply"
    if isinstance(exc, ValueError) and "digits" in str(exc):
        return "could not be read: it holds a number with too many digits"
    text = f"{type(exc).__name__}: {exc}"
    return f"could not be graded ({text[:300]})"


RERUN_NOTE = ("rerun alone: it reached a wall-clock limit while other notebooks were being "
              "graded; these are the rerun's results")


def grade_all(items: list[Submission], suite: Suite | Grading, *, jobs: int | None = None,
              limits: Limits | None = None, private: tuple = (), progress: bool = True,
              staging: Path | None = None) -> list[Grade]:
    """Grade many notebooks, ``jobs`` at a time (default: all cores), sorted by student.

    Each submission is graded inside an exception boundary: whatever it does, it gets a
    :class:`Grade` (``not graded`` with a reason when nothing could be judged). A submission
    that reached a wall-clock limit while other runs shared the machine is graded again,
    alone, and that result is kept.
    """
    from tqdm import tqdm

    jobs = jobs or os.cpu_count() or 1
    bar = tqdm(total=len(items), desc="grading", unit="nb", disable=not progress)
    with tempfile.TemporaryDirectory(prefix="lessons-staging-", dir=staging) as folder:
        folder = Path(folder)  # zip members are copied here one at a time (mode 0700)

        def attempt(sub: Submission) -> tuple[Grade, list]:
            if sub.refused:
                return _not_graded(sub, suite, sub.refused), []
            try:
                with staged(sub, folder) as path, sandbox.recorded_runs() as runs:
                    grade = grade_one(sub.student, path, suite, limits=limits,
                                      private=(*private, folder), source=sub.source)
                return grade, runs
            except Exception as exc:  # the boundary: one submission never stops the rest
                print(f"lessons.autograde: {sub.student}: {type(exc).__name__} while grading;"
                      " recorded as not graded", file=sys.stderr)
                return _not_graded(sub, suite, _failure_reason(exc)), []

        def one(sub):
            try:
                return attempt(sub)
            finally:
                bar.update(1)

        with ThreadPoolExecutor(max_workers=jobs) as pool:  # each run is a child process
            results = list(pool.map(one, items))
        bar.close()
        grades = []
        for sub, (grade, runs) in zip(items, results, strict=True):
            if any(r.wall_limited and r.overlapped for r in runs):
                grade, _ = attempt(sub)  # nothing else of this grader runs now
                grade.notes.append(RERUN_NOTE)
            grades.append(grade)
    return sorted(grades, key=lambda g: g.student)


def _majority_chapter(items: list[Submission], chapters: tuple[str, ...]) -> str:
    """The course chapter most submissions declare; names outside the course's list count
    for nothing."""
    votes: Counter = Counter()
    with tempfile.TemporaryDirectory(prefix="lessons-staging-") as folder:
        for sub in items:
            if sub.refused:
                continue
            try:
                with staged(sub, Path(folder)) as path:
                    c = chapter_of(read_submission(path))
            except Exception:  # unreadable: grade_all records why
                continue
            if c in chapters:
                votes[c] += 1
    if not votes:
        raise SystemExit("cannot tell which chapter these notebooks answer; pass --chapter "
                         f"(one of: {', '.join(chapters)})")
    return votes.most_common(1)[0][0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lessons.autograde", description=__doc__.split(
        "\n\n")[0])
    ap.add_argument("submissions", type=Path, help="folder or .zip of <student>.ipynb")
    ap.add_argument("-o", "--output", type=Path, default=Path("gradebook.csv"))
    ap.add_argument("--format", choices=FORMATS, default="wide",
                    help="gradebook layout: wide (a column per question), long (a row per "
                         "question), canvas (Canvas's grade import)")
    ap.add_argument("--assignment", default=None,
                    help="--format canvas: the assignment column, e.g. 'Budgets (12345)' for "
                         "an existing Canvas assignment (default: '<chapter> notebook')")
    ap.add_argument("--feedback", type=Path, default=None,
                    help="folder for <student>.txt (default: <output stem>_feedback/)")
    ap.add_argument("--chapter", default=None, help="default: the chapter most notebooks declare")
    ap.add_argument("--solutions", type=Path, default=None,
                    help="folder of solution notebooks with hidden tests")
    ap.add_argument("-j", "--jobs", type=int, default=None, help="parallel runs (default: cores)")
    ap.add_argument("--cell-timeout", type=float, default=None,
                    help="CPU time per cell [s] (default: the chapter's, else "
                         f"{Limits.cell_timeout:g}); wall clock: {Limits.wall_factor:g}x")
    ap.add_argument("--timeout", type=float, default=None,
                    help="CPU time per submission, all its processes [s] (default: the "
                         f"chapter's, else {Limits.total_timeout:g}); wall clock: "
                         f"{Limits.wall_factor:g}x")
    ap.add_argument("--wall-factor", type=float, default=Limits.wall_factor,
                    help="wall-clock limits as a multiple of the CPU-time limits (raise it on "
                         "a machine busy with other work)")
    ap.add_argument("--memory-mb", type=int, default=Limits.memory // 2**20,
                    help="memory of all of a submission's processes together [MB]")
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)

    solutions = (args.solutions or default_solutions_dir()).resolve()
    feedback = args.feedback or args.output.with_name(args.output.stem + "_feedback")
    try:
        check_outputs(args.output, feedback)
    except OutputError as exc:
        raise SystemExit(str(exc)) from None
    chapters = course_chapters(solutions)
    if args.chapter is not None and args.chapter not in chapters:
        raise SystemExit(f"unknown chapter {args.chapter!r}; the course's chapters are: "
                         f"{', '.join(chapters)}")
    items = collect(args.submissions)
    chapter = args.chapter or _majority_chapter(items, chapters)
    grading = load_grading(solutions / f"{chapter}.ipynb")
    suite = grading.public
    limits = dataclasses.replace(
        limits_for(suite, cell_timeout=args.cell_timeout, total_timeout=args.timeout,
                   memory=args.memory_mb * 2**20), wall_factor=args.wall_factor)
    subs = args.submissions.resolve()
    private = (solutions, subs if subs.is_dir() else subs.parent, feedback.resolve(),
               args.output.resolve().parent)
    grades = grade_all(items, grading, jobs=args.jobs, limits=limits, private=private,
                       progress=not args.no_progress)
    write_gradebook(grades, suite, args.output, format=args.format, assignment=args.assignment)
    write_feedback(grades, suite, feedback)
    graded = sum(g.status == "graded" for g in grades)
    print(f"{len(grades)} submissions, {graded} graded, {len(grades) - graded} not graded; "
          f"gradebook {args.output}, feedback in {feedback}/", file=sys.stderr)
    return 0
