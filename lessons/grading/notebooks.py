"""Read notebooks defensively and load a chapter's hidden tests from its solution notebook.

A submission may be anything: empty, not JSON, another chapter's notebook, cells deleted or
renamed. :func:`read_submission` turns each of these into a :class:`NotebookError` whose message
goes to the gradebook, never into a crash.

Cell roles are marked by tags, which survive Jupyter, jupytext and nbformat alike:
``checks`` (the public checks, kept in exercises as data), ``hidden-tests`` (the hidden
:class:`~lessons.grading.spec.Suite`, named ``hidden``) and ``hidden-run`` (runs the hidden tests
inside the solution notebook); both hidden kinds are removed from exercises.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["MAX_NOTEBOOK_BYTES", "NotebookError", "cell_source", "cell_tags", "chapter_of",
           "read_notebook", "read_submission"]

#: Larger submissions are refused unread [bytes].
MAX_NOTEBOOK_BYTES = 20 * 2**20

CHECKS_TAG, HIDDEN_TAG, HIDDEN_RUN_TAG = "checks", "hidden-tests", "hidden-run"


class NotebookError(ValueError):
    """A file that cannot be graded as a notebook; the message says why."""


def cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def cell_tags(cell: dict) -> list[str]:
    meta = cell.get("metadata")
    tags = meta.get("tags", []) if isinstance(meta, dict) else []
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def read_notebook(path: Path) -> dict:
    """Parse a trusted notebook (a solution or an exercise) as JSON."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_submission(path: Path) -> dict:
    """Read a submitted notebook, refusing what cannot be graded with a clear reason."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise NotebookError("empty file")
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(f"file too large ({size / 2**20:.0f} MB; the limit is "
                            f"{MAX_NOTEBOOK_BYTES // 2**20} MB)")
    raw = path.read_bytes()
    try:
        nb = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise NotebookError("not a notebook: the file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise NotebookError(f"invalid notebook JSON (line {exc.lineno}, column {exc.colno}: "
                            f"{exc.msg})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError("not a Jupyter notebook: no list of cells")
    if nb.get("nbformat") != 4:
        raise NotebookError(f"unsupported notebook format {nb.get('nbformat')!r}; "
                            "save it with Jupyter (nbformat 4)")
    return nb


def chapter_of(nb: dict) -> str | None:
    """The chapter a course notebook belongs to (``metadata.lessons.chapter``), if recorded."""
    meta = nb.get("metadata")
    info = meta.get("lessons") if isinstance(meta, dict) else None
    chapter = info.get("chapter") if isinstance(info, dict) else None
    return chapter if isinstance(chapter, str) else None
