"""Find the submitted notebooks in a folder or a zip, strictly.

Every ``.ipynb`` found becomes a :class:`Submission` with a unique, file-safe student name;
what cannot be graded safely is still listed, with the reason it was refused, so that it gets
a row in the gradebook:

* a symbolic link (it could point at ``solutions/``) or anything that is not a regular file;
* a zip member larger than :data:`~lessons.grading.notebooks.MAX_NOTEBOOK_BYTES`, or beyond
  the archive's total budget (the largest members are refused first, so a few bloated files
  cannot crowd out the class).

Zip members are never extracted all at once: :func:`staged` writes one member to the staging
folder just before it is graded and removes it afterwards, so the staging folder holds at most
one notebook per parallel run.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .notebooks import MAX_NOTEBOOK_BYTES

__all__ = ["MAX_ARCHIVE_BYTES", "MAX_ZIP_MEMBERS", "Submission", "collect", "staged"]

#: Most notebooks read from one zip [count].
MAX_ZIP_MEMBERS = 5000
#: Most bytes, uncompressed, of all the notebooks read from one zip [bytes].
MAX_ARCHIVE_BYTES = 2 * 2**30
_S_IFLNK = 0o120000


@dataclass(frozen=True)
class Submission:
    """One submitted notebook: where it is, or why it was refused."""

    student: str                 # unique, file-safe: the gradebook row and feedback file name
    source: str                  # its name as submitted (relative path or zip member)
    path: Path | None = None     # a regular file in the submissions folder
    archive: Path | None = None  # ... or the zip that holds ``member``
    member: str | None = None
    refused: str = ""            # non-empty: not graded, and why


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "student"


def _student(rel: PurePosixPath) -> str:
    return _safe_name("__".join(rel.with_suffix("").parts))


def _is_notebook(name: str) -> bool:
    return name.endswith(".ipynb") and ".ipynb_checkpoints" not in name


def collect(submissions: Path) -> list[Submission]:
    """The submissions in a folder or a ``.zip``, sorted by where they were found (zip members
    are read later, one at a time, by :func:`staged`)."""
    submissions = Path(submissions)
    if submissions.is_dir():
        found = _from_folder(submissions.resolve())
    elif zipfile.is_zipfile(submissions):
        found = _from_zip(submissions.resolve())
    else:
        raise SystemExit(f"{submissions}: not a folder or a zip file of notebooks")
    return _unique(found)


def _from_folder(root: Path) -> list[Submission]:
    found = []
    for folder, dirs, files in os.walk(root):  # never follows links to folders
        dirs.sort()
        here = Path(folder)
        for name in sorted(dirs):
            if (here / name).is_symlink():
                rel = PurePosixPath((here / name).relative_to(root).as_posix())
                found.append(Submission(_student(rel), str(rel), refused=(
                    "a symbolic link to a folder, not followed: submit the notebooks "
                    "themselves")))
        for name in sorted(files):
            p = here / name
            rel = PurePosixPath(p.relative_to(root).as_posix())
            if not _is_notebook(str(rel)):
                continue
            mode = os.lstat(p).st_mode
            refused = ("a symbolic link, not a notebook file: submit the notebook itself"
                       if stat.S_ISLNK(mode) else
                       "not a regular file" if not stat.S_ISREG(mode) else "")
            found.append(Submission(_student(rel), str(rel), path=p, refused=refused))
    return found


def _from_zip(archive: Path) -> list[Submission]:
    with zipfile.ZipFile(archive) as zf:
        members = sorted((m for m in zf.infolist() if not m.is_dir() and _is_notebook(m.filename)
                          and not m.filename.startswith("__MACOSX/")),
                         key=lambda m: m.filename)
    if len(members) > MAX_ZIP_MEMBERS:
        raise SystemExit(f"{archive}: {len(members)} notebooks; at most {MAX_ZIP_MEMBERS} are "
                         "read from one zip: split it")
    over_budget = _over_budget([m for m in members if m.file_size <= MAX_NOTEBOOK_BYTES])
    found = []
    for m in members:
        rel = PurePosixPath(m.filename.lstrip("/"))
        refused = ""
        if (m.external_attr >> 16) & 0o170000 == _S_IFLNK:
            refused = "a symbolic link inside the zip, not a notebook file"
        elif m.file_size > MAX_NOTEBOOK_BYTES:
            refused = (f"file too large ({m.file_size / 2**20:.0f} MB; the limit is "
                       f"{MAX_NOTEBOOK_BYTES // 2**20} MB)")
        elif m.filename in over_budget:
            refused = (f"not read: the zip's notebooks hold more than "
                       f"{MAX_ARCHIVE_BYTES / 2**30:g} GB in all, and this is one of the "
                       "largest")
        found.append(Submission(_student(rel), m.filename, archive=archive, member=m.filename,
                                refused=refused))
    return found


def _over_budget(members: list[zipfile.ZipInfo]) -> set[str]:
    """Members refused so the rest fit :data:`MAX_ARCHIVE_BYTES`: the largest ones first."""
    total = sum(m.file_size for m in members)
    refused = set()
    for m in sorted(members, key=lambda m: (-m.file_size, m.filename)):
        if total <= MAX_ARCHIVE_BYTES:
            break
        refused.add(m.filename)
        total -= m.file_size
    return refused


def _unique(found: list[Submission]) -> list[Submission]:
    """Give every submission a distinct name, also when compared without case (feedback files
    on a case-insensitive disk): a repeated name gets the first free ``_2``, ``_3``... suffix
    that is no other submission's name."""
    counts = Counter(s.student.casefold() for s in found)
    taken = {s.student.casefold() for s in found if counts[s.student.casefold()] == 1}
    out = []
    for s in found:
        name = s.student
        if counts[name.casefold()] > 1:
            n = 1
            while f"{name}_{n}".casefold() in taken or counts[f"{name}_{n}".casefold()]:
                n += 1
            name = f"{name}_{n}"
            taken.add(name.casefold())
        out.append(Submission(name, s.source, s.path, s.archive, s.member, s.refused))
    return out


@contextlib.contextmanager
def staged(sub: Submission, staging: Path) -> Iterator[Path]:
    """A path to the submission's notebook for the duration of the block.

    A folder submission is read where it is; a zip member is copied (at most
    ``MAX_NOTEBOOK_BYTES + 1`` bytes, whatever its header claims) into ``staging`` and removed
    afterwards.
    """
    if sub.path is not None:
        yield sub.path
        return
    fd, target = tempfile.mkstemp(suffix=".ipynb", dir=staging)
    try:
        with zipfile.ZipFile(sub.archive) as zf, zf.open(sub.member) as src, \
                os.fdopen(fd, "wb") as dst:
            dst.write(src.read(MAX_NOTEBOOK_BYTES + 1))
        yield Path(target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)

