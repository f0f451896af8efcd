"""The command line: gradebook formats and feedback files, zip input, determinism, read-only
submissions, and strict handling of what an instructor or a student could plant: chapters
that name files, symbolic links at the outputs, duplicate names, oversized archives."""

import csv
import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from grading_attacks import EXERCISE, MARKER, ROOT, SOLUTION, answered

from lessons.grading import autograde
from lessons.grading import submissions as collecting
from lessons.grading.autograde import course_chapters, main


def _answered(**overrides) -> str:
    return json.dumps(answered(**overrides))


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("subs")
    (folder / "alice.ipynb").write_text(_answered())
    (folder / "bob.ipynb").write_text(EXERCISE.read_text())
    # Carol used the sparse peak for question 1 and answered "d" to question 8.
    (folder / "carol.ipynb").write_text(_answered(**{
        'gpu_hours(q1_flops, gpu="H100-SXM", mfu=Q1_MFU)':
            'q1_flops / (ACCELERATORS["H100-SXM"].sparse_2to4_peak_flops["bf16"] * Q1_MFU'
            ' * 3600)',
        'q8_answer = "b"': 'q8_answer = "d"'}))
    return folder


def _run(args, out: Path, *extra):
    assert main([*map(str, args), "-o", str(out / "gradebook.csv"), "--no-progress",
                 "--jobs", "2", *extra]) == 0
    rows = list(csv.DictReader((out / "gradebook.csv").open()))
    feedback = {p.name: p.read_text() for p in (out / "gradebook_feedback").iterdir()}
    return rows, feedback


@pytest.fixture(scope="module")
def first(submissions, tmp_path_factory):
    return _run([submissions], tmp_path_factory.mktemp("out1"))


def test_gradebook_has_one_row_per_student_and_one_column_per_question(first):
    rows, _ = first
    assert [r["student"] for r in rows] == ["alice", "bob", "carol"]
    assert list(rows[0]) == ["student", *(f"q{i}" for i in range(1, 9)), "total", "status",
                             "reason"]
    by = {r["student"]: r for r in rows}
    assert by["alice"]["total"] == "17" and by["bob"]["total"] == "0"
    assert by["carol"]["q1"] == "1" and by["carol"]["q8"] == "0" and by["carol"]["total"] == "15"


def test_feedback_says_what_failed_without_the_answer(first):
    _, feedback = first
    carol = feedback["carol.txt"]
    assert "sparse" in carol and "Total: 15 / 17" in carol
    from lessons.flops import gpu_hours, training_flops

    assert f"{gpu_hours(training_flops(70e9, 2e12), mfu=0.5):.3g}" not in carol
    assert "not answered yet" in feedback["bob.txt"]


def test_regrading_is_identical_and_submissions_untouched(submissions, first, tmp_path):
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in submissions.iterdir()}
    mtimes = {p.name: p.stat().st_mtime_ns for p in submissions.iterdir()}
    assert _run([submissions], tmp_path) == first
    assert digests == {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                       for p in submissions.iterdir()}
    assert mtimes == {p.name: p.stat().st_mtime_ns for p in submissions.iterdir()}


def test_zip_of_notebooks(submissions, first, tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in sorted(submissions.iterdir()):
            zf.write(p, f"week1/{p.name}")
    rows, _ = _run([archive], tmp_path / "out")
    assert [(r["student"], r["total"]) for r in rows] == \
        [(f"week1__{r['student']}", r["total"]) for r in first[0]]


def test_module_entry_point(submissions, tmp_path):
    """`python -m lessons.autograde SUBMISSIONS -o gradebook.csv` works as documented."""
    sub = tmp_path / "one"
    sub.mkdir()
    (sub / "dora.ipynb").write_text((submissions / "bob.ipynb").read_text())
    proc = subprocess.run([sys.executable, "-m", "lessons.autograde", str(sub), "-o",
                           str(tmp_path / "gb.csv")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "1 submissions, 1 graded" in proc.stderr
    assert (tmp_path / "gb_feedback" / "dora.txt").is_file()


def test_the_chapters_are_the_solution_notebooks_the_course_ships():
    assert set(course_chapters()) == {"kaplan", "chinchilla", "overtraining", "flops", "mfu",
                                      "mup", "budgets", "returns", "fitting", "batch"}


def test_long_and_canvas_gradebooks(submissions, first, tmp_path):
    (tmp_path / "long").mkdir()
    rows, _ = _run([submissions], tmp_path / "long", "--format", "long")
    assert list(rows[0]) == ["student", "question", "points", "max", "status"]
    assert len(rows) == 3 * 8
    carol = {r["question"]: (r["points"], r["max"]) for r in rows if r["student"] == "carol"}
    assert carol["q8"] == ("0", "1") and carol["q2"] == ("5", "5")
    canvas_dir = tmp_path / "canvas"
    canvas_dir.mkdir()
    (canvas_dir / "in").mkdir()
    # Canvas's "Download Submissions" names: name_[LATE_]userid_submissionid_file
    (canvas_dir / "in" / "smithjane_4711_99001_flops.ipynb").write_text(_answered())
    (canvas_dir / "in" / "doejohn_LATE_4712_99002_flops-1.ipynb").write_text(
        EXERCISE.read_text())
    _run([canvas_dir / "in"], canvas_dir, "--format", "canvas", "--assignment",
         "FLOPs notebook (123)")
    lines = (canvas_dir / "gradebook.csv").read_text().splitlines()
    assert lines[:2] == ["Student,ID,SIS User ID,SIS Login ID,Section,FLOPs notebook (123)",
                         "Points Possible,,,,,17"]
    assert sorted(lines[2:]) == ["doejohn,4712,,,,0", "smithjane,4711,,,,17"]


def test_a_symlink_at_the_gradebook_is_replaced_not_followed(submissions, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "gradebook.csv").symlink_to(victim)
    (out / "gradebook_feedback").mkdir()
    (out / "gradebook_feedback" / "alice.txt").symlink_to(victim)
    rows, _ = _run([submissions], out)
    assert victim.read_text() == "precious"
    assert not (out / "gradebook.csv").is_symlink() and len(rows) == 3
    assert not (out / "gradebook_feedback" / "alice.txt").is_symlink()
    assert not [p for p in out.rglob("*.tmp")]  # no temporary file left


def test_a_symlinked_feedback_folder_is_refused_before_grading(submissions, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "gradebook_feedback").symlink_to(elsewhere)
    with pytest.raises(SystemExit, match="feedback folder is a symbolic link"):
        main([str(submissions), "-o", str(tmp_path / "gradebook.csv"), "--no-progress"])
    assert list(elsewhere.iterdir()) == [] and not (tmp_path / "gradebook.csv").exists()


def test_duplicate_names_get_distinct_rows_and_files(tmp_path):
    subs = tmp_path / "subs"
    (subs / "a").mkdir(parents=True)
    for name in ("dup.ipynb", "dup .ipynb", "dup_1.ipynb", "Dup.ipynb"):
        (subs / name).write_text(EXERCISE.read_text())
    (subs / "a" / "b.ipynb").write_text(EXERCISE.read_text())
    (subs / "a__b.ipynb").write_text(EXERCISE.read_text())
    rows, feedback = _run([subs], tmp_path / "out")
    names = [r["student"] for r in rows]
    assert len(names) == 6 and len({n.casefold() for n in names}) == 6
    assert "dup_1" in names  # the file named dup_1 keeps its name; the repeats take others
    assert len(feedback) == 6


def test_symlinks_and_special_files_are_refused_with_a_reason(tmp_path):
    import os

    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.ipynb").write_text(_answered())
    (subs / "copycat.ipynb").symlink_to(SOLUTION)
    (subs / "folder").symlink_to(ROOT / "solutions")
    os.mkfifo(subs / "pipe.ipynb")
    rows, _ = _run([subs], tmp_path / "out")
    by = {r["student"]: r for r in rows}
    assert by["alice"]["total"] == "17"
    assert by["copycat"]["total"] == "0" and "symbolic link" in by["copycat"]["reason"]
    assert by["folder"]["total"] == "0" and "symbolic link to a folder" in by["folder"]["reason"]
    assert by["pipe"]["total"] == "0" and by["pipe"]["reason"] == "not a regular file"


def test_zip_members_are_bounded_one_by_one_and_in_total(tmp_path, monkeypatch):
    """A zip that would expand past the budget: the largest members are refused, by name."""
    monkeypatch.setattr(collecting, "MAX_NOTEBOOK_BYTES", 400_000)
    monkeypatch.setattr(collecting, "MAX_ARCHIVE_BYTES", 600_000)
    archive = tmp_path / "class.zip"
    padded = answered()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("alice.ipynb", _answered())
        for name, size in (("bomb_a", 350_000), ("bomb_b", 300_000), ("huge", 900_000)):
            padded["metadata"]["padding"] = " " * size
            zf.writestr(f"{name}.ipynb", json.dumps(padded))
        info = zipfile.ZipInfo("link.ipynb")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, str(SOLUTION))
    assert archive.stat().st_size < 100_000
    rows, _ = _run([archive], tmp_path / "out")
    by = {r["student"]: r for r in rows}
    assert by["alice"]["total"] == "17" and by["bomb_b"]["total"] == "17"
    assert "file too large" in by["huge"]["reason"]
    assert "one of the largest" in by["bomb_a"]["reason"] and by["bomb_a"]["total"] == "0"
    assert "symbolic link" in by["link"]["reason"]


def test_a_chapter_named_in_a_notebook_never_runs_a_file(tmp_path):
    """Notebooks that name a planted file as their chapter, by absolute or relative path, and
    outvote the honest one: the file's "hidden tests" never run, and those notebooks are
    graded as the course chapter the others declare."""
    planted = tmp_path / "planted"
    planted.mkdir()
    evil = planted / f"{MARKER}-evil.ipynb"
    proof = tmp_path / "proof"
    nb = json.loads(SOLUTION.read_text())
    nb["cells"] = [{"cell_type": "code", "metadata": {"tags": ["hidden-tests"]}, "outputs": [],
                    "execution_count": None,
                    "source": f"open({str(proof)!r}, 'w').write('ran as root')"}]
    evil.write_text(json.dumps(nb))
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "honest.ipynb").write_text(_answered())
    stem = str(evil.with_suffix(""))
    for i, chapter in enumerate([stem, stem, "../../../../../.." + stem, "flops/../" + stem]):
        hostile = answered()
        hostile["metadata"]["lessons"]["chapter"] = chapter
        (subs / f"voter{i}.ipynb").write_text(json.dumps(hostile))
    rows, _ = _run([subs], tmp_path / "out")
    assert not proof.exists()
    by = {r["student"]: r for r in rows}
    assert by["honest"]["total"] == "17"
    assert all(by[f"voter{i}"]["status"] == "not graded" for i in range(4))
    with pytest.raises(SystemExit, match="unknown chapter"):
        main([str(subs), "-o", str(tmp_path / "gb.csv"), "--chapter", stem])
    assert not proof.exists()


def test_unreadable_notebooks_never_stop_the_gradebook(tmp_path, monkeypatch):
    """Deeply nested JSON, a 5,000-digit number and a grader error on one student: each gets a
    row with a reason, and everyone else is graded."""
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.ipynb").write_text(_answered())
    (subs / "bob.ipynb").write_text(_answered())
    (subs / "deep.ipynb").write_text('{"cells": [], "nbformat": 4, "metadata": '
                                     + "[" * 100_000 + "]" * 100_000 + "}")
    (subs / "digits.ipynb").write_text('{"cells": [], "nbformat": 4, "n": 1' + "0" * 5000 + "}")
    real = autograde.grade_one

    def flaky(student, *args, **kwargs):
        if student == "bob":
            raise TypeError("a bug in the grader")
        return real(student, *args, **kwargs)

    monkeypatch.setattr(autograde, "grade_one", flaky)
    rows, feedback = _run([subs], tmp_path / "out")
    by = {r["student"]: r for r in rows}
    assert by["alice"]["total"] == "17"
    assert by["bob"]["reason"] == "could not be graded (TypeError: a bug in the grader)"
    assert by["deep"]["reason"] == "could not be read: its JSON is nested too deeply"
    assert by["digits"]["reason"] == "could not be read: it holds a number with too many digits"
    assert "Not graded: could not be graded" in feedback["bob.txt"]
