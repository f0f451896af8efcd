"""Hostile and broken submissions: each is graded and recorded with a reason; none stops the rest.

One autograder run, two at a time, grades a folder holding a correct notebook and one of each
attack or accident. Limits are small so the run is quick: 5 s per cell, 12 s per submission.
The fork bomb is safe: the run's own unprivileged uid has a process limit set before any
submitted code runs, and every process of that uid is killed afterwards.
"""

import hashlib
import json
import os
import socket
import threading
from pathlib import Path

import pytest

from lessons.grading import sandbox
from lessons.grading.autograde import collect, grade_all
from lessons.grading.inputs import load_grading
from lessons.grading.sandbox import UID_BASE, Limits

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "flops.ipynb"
LIMITS = Limits(cell_timeout=5, total_timeout=12, nproc=32, output=4 * 2**20)


def _answered() -> dict:
    nb = json.loads(SOLUTION.read_text())
    nb["cells"] = [c for c in nb["cells"]
                   if not {"hidden-tests", "hidden-run"} & set(c["metadata"].get("tags", []))]
    return nb


def _code(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
            "execution_count": None}


def _with(cell_source: str, at: int = 1) -> dict:
    nb = _answered()
    nb["cells"].insert(at, _code(cell_source))
    return nb


STUBBORN = """
while True:
    try:
        while True:
            pass
    except BaseException:
        pass
"""
FORK_BOMB = """
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
"""
TAMPER = """
import lessons.grading.spec as spec
spec.Number.judge = lambda self, got, probe: spec.Verdict(True, "ok")
check = lambda qid: print("all checks pass")
try:
    with open(spec.__file__, "a") as fh:
        fh.write("# tampered")
    tamper_write = "written"
except OSError as exc:
    tamper_write = repr(exc)

class AlwaysEqual:
    def __eq__(self, other):
        return True

class SneakyFloat(float):
    def __eq__(self, other):
        return True
"""
SNOOP = """
import json, os
found = {}
paths = {"solution": SOLUTION_PATH, "submissions": SUBMISSIONS, "job": "../job.json",
         "result": "../result.json"}
for label, path in paths.items():
    try:
        found[label] = os.listdir(path) if os.path.isdir(path) else open(path).read()[:200]
    except OSError as exc:
        found[label] = type(exc).__name__
found["env"] = sorted(os.environ)
found["uid"] = os.getuid()
found["ls_parent"] = (lambda p: os.listdir(p) if os.access(p, os.R_OK) else "denied")("..")
q8_answer = json.dumps(found)
"""
NETWORK = """
import socket
result = []
for host, port in (("127.0.0.1", PORT), ("1.1.1.1", 53)):
    try:
        socket.create_connection((host, port), timeout=2).close()
        result.append("connected")
    except OSError as exc:
        result.append(type(exc).__name__)
q8_answer = ",".join(result)
"""


@pytest.fixture(scope="module")
def server():
    """A local TCP server the submissions try to reach."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    hits = []

    def accept():
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            hits.append(1)
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    yield srv.getsockname()[1], hits
    srv.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, server):
    port, hits = server
    subs = tmp_path_factory.mktemp("submissions")
    lessons_file = ROOT / "lessons" / "grading" / "spec.py"
    before = hashlib.sha256(lessons_file.read_bytes()).hexdigest()

    answered = _answered()
    deleted = _answered()
    deleted["cells"] = [c for c in deleted["cells"]
                        if "q3_h100_hours" not in "".join(c["source"])]
    for c in deleted["cells"]:
        c["source"] = "".join(c["source"]).replace("q8_answer", "answer_8")
    other = _answered()
    other["metadata"]["lessons"]["chapter"] = "chinchilla"
    tamper = _with(TAMPER)
    tamper["cells"].append(_code("q1_flops = AlwaysEqual()\nq6_pf_days = SneakyFloat(q6_pf_days)"))
    notebooks = {
        "ok": answered,
        "loop": _with("while True:\n    pass"),
        "stubborn": _with(STUBBORN),
        "memory": _with("big = bytearray(50 * 2**30)"),
        "forkbomb": _with(FORK_BOMB),
        "printer": _with("for _ in range(2**20):\n    print('x' * 1024)"),
        "other_chapter": other,
        "deleted": deleted,
        "missing_package": _with("import not_a_real_package_xyz"),
        "tamper": tamper,
        "snoop": _with(SNOOP.replace("SOLUTION_PATH", repr(str(SOLUTION)))
                       .replace("SUBMISSIONS", repr(str(subs))), at=len(answered["cells"])),
        "network": _with(NETWORK.replace("PORT", str(port)), at=len(answered["cells"])),
        "exits": _with("import os\nos._exit(0)"),
    }
    for name, nb in notebooks.items():
        (subs / f"{name}.ipynb").write_text(json.dumps(nb))
    (subs / "empty.ipynb").write_bytes(b"")
    (subs / "broken.ipynb").write_text('{"cells": [')
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.iterdir()}

    suite = load_grading(SOLUTION).public
    grades = grade_all(collect(subs, subs), suite, jobs=2, limits=LIMITS,
                       private=(SOLUTION.parent, subs), progress=False)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.iterdir()}
    return {g.student: g for g in grades}, suite, {
        "digests": (digests, after), "hits": hits,
        "spec": (before, hashlib.sha256(lessons_file.read_bytes()).hexdigest())}


def _full(suite):
    return sum(q.points for q in suite.questions.values())


def test_every_submission_is_recorded(graded):
    grades, _, _ = graded
    assert set(grades) == {"ok", "loop", "stubborn", "memory", "forkbomb", "printer",
                           "other_chapter", "deleted", "missing_package", "tamper", "snoop",
                           "network", "exits", "empty", "broken"}


def test_correct_notebook_scores_full(graded):
    grades, suite, _ = graded
    assert grades["ok"].total == _full(suite) and grades["ok"].status == "graded"


@pytest.mark.parametrize(("student", "error"), [
    ("loop", "CellTimeout"),
    ("memory", "MemoryError"),
    ("missing_package", "ModuleNotFoundError"),
    ("printer", "File too large"),
])
def test_a_failing_cell_costs_only_that_cell(graded, student, error):
    """Infinite loop, 50 GB allocation, missing package, 1 GB of output: the rest is graded."""
    grades, suite, _ = graded
    g = grades[student]
    assert g.status == "graded" and g.total == _full(suite)
    assert any(error in e for e in g.cell_errors), g.cell_errors


def test_output_flood_is_noted(graded):
    assert any("output limit" in n for n in graded[0]["printer"].notes)


def test_loop_ignoring_interrupts_is_killed(graded):
    g = graded[0]["stubborn"]
    assert g.status == "not graded" and "killed after 12 s" in g.reason and g.total == 0


def test_fork_bomb_is_contained_and_cleaned_up(graded):
    grades, suite, _ = graded
    assert grades["forkbomb"].total == _full(suite)
    assert sandbox._pids_of_uid(UID_BASE) == []
    leftovers = [pid for pid in os.listdir("/proc") if pid.isdigit() and _uid(pid) >= UID_BASE]
    assert leftovers == []


def _uid(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("Uid:"))
    except (OSError, StopIteration):
        return -1


@pytest.mark.parametrize(("student", "reason"), [
    ("empty", "empty file"),
    ("broken", "invalid notebook JSON"),
    ("other_chapter", "chapter 'chinchilla'"),
    ("exits", "before its answers were read"),
])
def test_ungradable_submissions_get_a_reason(graded, student, reason):
    g = graded[0][student]
    assert g.status == "not graded" and reason in g.reason and g.total == 0


def test_deleted_and_renamed_cells(graded):
    grades, suite, _ = graded
    g = grades["deleted"]
    assert g.scores["q3"] == 0 and g.scores["q8"] == 0
    assert g.total == _full(suite) - suite.questions["q3"].points - suite.questions["q8"].points
    assert any("not defined" in v.message for v in g.verdicts["q8"])


def test_tampering_changes_nothing(graded):
    """Patching the checks in the notebook fools nobody; the package on disk is untouched."""
    grades, _, info = graded
    g = grades["tamper"]
    assert g.scores["q1"] == 1 and g.scores["q6"] == 0  # the AlwaysEqual / float-subclass cheats
    assert info["spec"][0] == info["spec"][1]


def test_hidden_tests_and_other_submissions_are_unreadable(graded):
    grades, _, _ = graded
    found = json.loads(grades["snoop"].answers["q8_answer"])
    assert set(found["env"]) <= {"PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "PYTHONHASHSEED",
                                 "PYTHONDONTWRITEBYTECODE", "MPLBACKEND", "MPLCONFIGDIR",
                                 "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                 "NUMEXPR_NUM_THREADS", "LESSONS_DATA_DIR"}
    if not any("own mount namespace" in n for n in grades["snoop"].notes):
        pytest.skip("hiding files needs root with a mount namespace; without one the grader "
                    "records 'protected by file permissions only' (keep solutions/ private)")
    assert found["uid"] >= UID_BASE
    assert found["solution"] in ("FileNotFoundError", "PermissionError")
    assert found["submissions"] in ("FileNotFoundError", "PermissionError")
    assert found["job"] == found["result"] == "PermissionError"   # hidden-test inputs
    assert found["ls_parent"] == "denied"


def test_network_is_unreachable(graded):
    grades, _, info = graded
    assert "connected" not in grades["network"].answers["q8_answer"]
    assert info["hits"] == []


def test_submissions_are_never_modified(graded):
    before, after = graded[2]["digests"]
    assert before == after


def test_without_namespaces_the_network_is_blocked_in_python_and_noted():
    """The fallback where the OS refuses namespaces: sockets fail, and the notes say how."""
    from lessons.grading.sandbox import run_cells

    code = ("import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\n"
            "    net = 'open'\nexcept OSError as exc:\n    net = str(exc)")
    result = run_cells([code], {"net": {"name": "net"}}, limits=LIMITS, namespaces=False)
    if result.status != "ok":  # as root with a private Python, refusing to run is the safe answer
        assert "cannot drop root" in result.reason
        return
    assert result.answers["net"] == "network access is disabled while grading"
    assert any("blocked in Python only" in n for n in result.notes)
    assert any("file permissions only" in n for n in result.notes)


def test_python_level_socket_block():
    """The fallback's socket block itself, run in a throwaway interpreter."""
    import subprocess
    import sys

    code = ("import socket\nfrom lessons.grading._runner import _block_sockets\n_block_sockets()\n"
            "try:\n    socket.create_connection(('127.0.0.1', 9))\nexcept OSError as exc:\n"
            "    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "network access is disabled while grading"


def test_hide_plan_covers_private_folders_but_never_the_python_installation():
    import sys

    site = [p for p in sys.path if p.endswith("site-packages")]
    plan = dict(sandbox.hide_plan([SOLUTION.parent, *site]))
    assert str(SOLUTION.parent.resolve()) in plan
    assert not any(str(Path(p).resolve()) in plan for p in site)
    repo = str(ROOT.resolve())
    assert str((ROOT / "lessons").resolve()) in plan[repo]  # re-exposed, the rest is not
