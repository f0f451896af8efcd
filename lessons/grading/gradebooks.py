"""Write what the grader found: a gradebook in one of three formats, and per-student feedback.

Formats of the gradebook (``--format``):

* ``wide``: one row per student, one column per question, the total, status and reason;
* ``long``: one row per student and question: student, question, points, max, status;
* ``canvas``: Canvas's grade-import CSV (``Student, ID, SIS User ID, SIS Login ID, Section``,
  then one column for the assignment, and a ``Points Possible`` row). The Canvas user ID is
  read from file names as Canvas's "Download Submissions" writes them
  (``name_[LATE_]userid_submissionid_file.ipynb``); otherwise it is left blank.

Every file is written to a new temporary name in its folder and then renamed over the target:
a reader never sees half a file, and a symbolic link planted at the target is replaced, never
followed. A feedback folder that is a symbolic link is refused.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
from pathlib import Path, PurePosixPath

from .spec import Suite, Verdict

__all__ = ["FORMATS", "OutputError", "check_outputs", "feedback_text", "write_feedback",
           "write_gradebook"]

FORMATS = ("wide", "long", "canvas")
_CANVAS_FILE = re.compile(r"^(?P<name>[^_]+)_(?:LATE_)?(?P<id>\d+)_\d+_")


class OutputError(OSError):
    """An output path that cannot be written safely; the message says what to change."""


def _text(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv(rows) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def _top(suite: Suite) -> float:
    return sum(q.points for q in suite.questions.values())


def wide_rows(grades, suite: Suite) -> list[list[str]]:
    qids = list(suite.questions)
    rows = [["student", *qids, "total", "status", "reason"]]
    for g in grades:
        rows.append([_text(g.student), *(f"{g.scores.get(q, 0.0):g}" for q in qids),
                     f"{g.total:g}", g.status, _text(g.reason)])
    return rows


def long_rows(grades, suite: Suite) -> list[list[str]]:
    rows = [["student", "question", "points", "max", "status"]]
    for g in grades:
        for qid, q in suite.questions.items():
            rows.append([_text(g.student), qid, f"{g.scores.get(qid, 0.0):g}", f"{q.points:g}",
                         g.status])
    return rows


def canvas_rows(grades, suite: Suite, assignment: str) -> list[list[str]]:
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", _text(assignment)],
            ["Points Possible", "", "", "", "", f"{_top(suite):g}"]]
    for g in grades:
        m = _CANVAS_FILE.match(PurePosixPath(g.source).name)
        rows.append([_text(m["name"] if m else g.student), m["id"] if m else "", "", "", "",
                     f"{g.total:g}"])
    return rows


def feedback_text(g, suite: Suite) -> str:
    """What passed and failed, question by question, for one student."""
    lines = [f"Student: {g.student}", f"Notebook: {g.source}",
             f"Chapter: {suite.chapter}", f"Total: {g.total:g} / {_top(suite):g}"]
    if g.status != "graded":
        lines.append(f"Not graded: {g.reason}")
    lines.append("")
    for qid, q in suite.questions.items():
        lines.append(f"{qid} ({q.title}): {g.scores.get(qid, 0.0):g} / {q.points:g}")
        verdicts: list[Verdict] = g.verdicts.get(qid, [])
        for v in verdicts:
            lines.append(("  passed  " if v.passed else "  failed  ") + v.message)
    if g.cell_errors:
        lines += ["", "Cells that raised an error:", *("  " + e for e in g.cell_errors)]
    if g.notes:
        lines += ["", "Notes:", *("  " + n for n in g.notes)]
    return "\n".join(lines) + "\n"


def check_outputs(gradebook: Path, feedback: Path) -> None:
    """Refuse, before any grading, outputs that could not be written safely."""
    for folder, what in ((Path(gradebook).parent, "the gradebook's folder"),
                         (Path(feedback), "the feedback folder")):
        if folder.is_symlink():
            raise OutputError(f"{folder}: {what} is a symbolic link; choose a real folder")
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"{folder}: {what} exists and is not a folder")
    if Path(gradebook).is_dir():
        raise OutputError(f"{gradebook}: is a folder; give a file name for the gradebook")


def _open_folder(folder: Path) -> int:
    """The folder, created if missing, as a descriptor; a symbolic link is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write here ({exc.strerror}); a symbolic link "
                          "is never followed") from None


def _replace_in(dir_fd: int, name: str, text: str) -> None:
    """Write ``name`` in the folder atomically: a new file, then a rename over the old one."""
    tmp = f".{name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644,
                 dir_fd=dir_fd)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        try:
            os.unlink(tmp, dir_fd=dir_fd)
        except FileNotFoundError:
            pass
        raise


def write_gradebook(grades, suite: Suite, path: Path, *, format: str = "wide",
                    assignment: str | None = None) -> None:
    """The gradebook CSV at ``path``, in one of :data:`FORMATS`."""
    if format == "wide":
        rows = wide_rows(grades, suite)
    elif format == "long":
        rows = long_rows(grades, suite)
    elif format == "canvas":
        rows = canvas_rows(grades, suite, assignment or f"{suite.chapter} notebook")
    else:
        raise ValueError(f"unknown gradebook format {format!r}; use one of {FORMATS}")
    path = Path(path)
    dir_fd = _open_folder(path.parent)
    try:
        _replace_in(dir_fd, path.name, _csv(rows))
    finally:
        os.close(dir_fd)


def write_feedback(grades, suite: Suite, folder: Path) -> None:
    """``<student>.txt`` per student in ``folder`` (names are unique and file-safe)."""
    dir_fd = _open_folder(Path(folder))
    try:
        for g in grades:
            _replace_in(dir_fd, f"{g.student}.txt", feedback_text(g, suite))
    finally:
        os.close(dir_fd)
