"""A hostile class: each attack or accident is graded and recorded with a reason, earns nothing
it did not compute, and changes nothing for the honest notebooks graded beside it.

One grading run, two at a time, grades a folder holding correct notebooks and one of each
attack. Limits are small so the run is quick: 5 CPU-seconds per cell, 12 per submission (all
its processes together), wall-clock limits ten times those, 768 MB for all of a submission's
processes. Attacks that need bubblewrap or cgroups to be stopped are asserted only where the
grader has them (CI runs as root with bubblewrap); elsewhere the tests say why they skip.
"""

import hashlib
import json
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
from grading_attacks import (
    DEEP_JSON,
    ESCAPE,
    FIXTURE,
    FORGE,
    FORGED_VALUES,
    FORK_BOMB,
    HOG,
    MARKER,
    ROOT,
    SNOOP,
    SOCKETS,
    SOLUTION,
    STUBBORN,
    answered,
    host_leftovers,
    marked_processes,
    needs_bwrap,
    needs_cgroups,
    with_cell,
)

from lessons.grading import sandbox
from lessons.grading.autograde import collect, grade_all
from lessons.grading.inputs import load_grading
from lessons.grading.sandbox import Limits

LIMITS = Limits(cell_timeout=5, total_timeout=12, wall_factor=10, memory=768 * 2**20,
                nproc=32, output=4 * 2**20)
HONEST = ("ok", "hog_neighbour", "zz_last")  # graded at the start, beside the hog, last


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """A TCP server on loopback and Unix sockets (a path in /tmp, an abstract name)."""
    hits = []
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    unix_path = f"/tmp/{FIXTURE}.sock"
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(unix_path)
    os.chmod(unix_path, 0o777)
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind(f"\0{FIXTURE}")
    for s in (tcp, unix, abstract):
        s.listen(5)

        def accept(s=s):
            while True:
                try:
                    conn, _ = s.accept()
                except OSError:
                    return
                hits.append(1)
                conn.close()

        threading.Thread(target=accept, daemon=True).start()
    inet, local = int(socket.AF_INET), int(socket.AF_UNIX)
    addresses = [(inet, ("127.0.0.1", tcp.getsockname()[1])), (inet, ("1.1.1.1", 53)),
                 (local, unix_path), (local, f"\0{FIXTURE}")]
    yield addresses, hits
    for s in (tcp, unix, abstract):
        s.close()
    os.unlink(unix_path)


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory):
    """A world-readable copy of the course elsewhere on the machine (an instructor's checkout)."""
    folder = Path(f"/tmp/{FIXTURE}-copy")
    shutil.copytree(ROOT / "solutions", folder / "solutions")
    for p in [folder, *folder.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    yield folder
    shutil.rmtree(folder)


def _notebooks(subs: Path, servers, course_copy) -> dict:
    addresses, _ = servers
    deleted = answered(q8_answer="answer_8")
    deleted["cells"] = [c for c in deleted["cells"] if "q3_h100_hours" not in c["source"]]
    other = answered()
    other["metadata"]["lessons"]["chapter"] = "chinchilla"
    tamper = with_cell(TAMPER)
    tamper["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                            "execution_count": None,
                            "source": "q1_flops = AlwaysEqual()\n"
                                      "q6_pf_days = SneakyFloat(q6_pf_days)"})
    paths = {"solution": str(SOLUTION), "copy": str(course_copy / "solutions" / "flops.ipynb"),
             "submissions": str(subs), "checkout": str(ROOT), "job": "/proc/self/fd/0",
             "grader_tmp": "/tmp"}
    return {
        "ok": answered(), "hog_neighbour": answered(), "zz_last": answered(),
        "loop": with_cell("while True:\n    pass"),
        "stubborn": with_cell(STUBBORN),
        "memory": with_cell("big = bytearray(50 * 2**30)"),
        "forkbomb": with_cell(FORK_BOMB),
        "hog": with_cell(HOG),
        "escape": with_cell(ESCAPE),
        "printer": with_cell("for _ in range(2**20):\n    print('x' * 1024)"),
        "other_chapter": other,
        "deleted": deleted,
        "missing_package": with_cell("import not_a_real_package_xyz"),
        "tamper": tamper,
        "snoop": with_cell(SNOOP.replace("PATHS", repr(paths)), at=-1),
        "network": with_cell(SOCKETS.replace("ADDRESSES", repr(addresses)), at=-1),
        "exits": with_cell("import os\nos._exit(0)"),
        "rtsignal": with_cell("import os\nos.kill(os.getpid(), 40)"),
        "forged_deep": with_cell(FORGE.replace("PAYLOAD", repr(DEEP_JSON)), at=-1),
        "forged_values": with_cell(FORGE.replace("PAYLOAD", repr(FORGED_VALUES)), at=-1),
    }


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


@pytest.fixture(scope="module")
def graded(tmp_path_factory, servers, course_copy):
    subs = tmp_path_factory.mktemp("submissions")
    spec_file = ROOT / "lessons" / "grading" / "spec.py"
    before = hashlib.sha256(spec_file.read_bytes()).hexdigest()
    for name, nb in _notebooks(subs, servers, course_copy).items():
        (subs / f"{name}.ipynb").write_text(json.dumps(nb))
    (subs / "empty.ipynb").write_bytes(b"")
    (subs / "broken.ipynb").write_text('{"cells": [')
    nested = answered()
    (subs / "nested.ipynb").write_text(
        json.dumps(nested)[:-1] + ', "deep": ' + "[" * 100_000 + "]" * 100_000 + "}")
    (subs / "bigint.ipynb").write_text(json.dumps(nested)[:-1] + ', "n": 1' + "0" * 5000 + "}")
    (subs / "linked.ipynb").symlink_to(SOLUTION)
    os.mkfifo(subs / "fifo.ipynb")
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.iterdir()
               if p.is_file() and not p.is_symlink()}

    suite = load_grading(SOLUTION).public
    grades = grade_all(collect(subs), suite, jobs=2, limits=LIMITS,
                       private=(SOLUTION.parent, subs), progress=False)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.iterdir()
             if p.is_file() and not p.is_symlink()}
    return {g.student: g for g in grades}, suite, {
        "digests": (digests, after), "hits": servers[1],
        "spec": (before, hashlib.sha256(spec_file.read_bytes()).hexdigest())}


def _full(suite):
    return sum(q.points for q in suite.questions.values())


def _q8(grade) -> dict:
    return json.loads(grade.answers["q8_answer"])


def test_every_submission_gets_a_row_with_a_reason(graded):
    grades, _, _ = graded
    assert len(grades) == 26
    for g in grades.values():
        assert g.status == "graded" or g.reason, g.student


def test_honest_notebooks_score_full_marks_beside_every_attack(graded):
    grades, suite, _ = graded
    for name in HONEST:
        g = grades[name]
        assert (g.status, g.total) == ("graded", _full(suite)), (name, g.reason, g.cell_errors)


@pytest.mark.parametrize(("student", "error"), [
    ("loop", "CellTimeout: used more than its 5 s of CPU time"),
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


@pytest.mark.parametrize("student", ["stubborn", "forkbomb", "hog"])
def test_cpu_burners_are_stopped_by_their_own_cpu_time(graded, student):
    """A loop that ignores interrupts, a fork bomb, 62 busy children: each is stopped when all
    its processes together used 12 CPU-seconds, which no neighbour's load can change."""
    needs_cgroups()
    g = graded[0][student]
    assert g.status == "not graded" and g.total == 0
    assert "stopped after using 12 s of CPU time" in g.reason


def test_no_process_of_any_submission_outlives_the_run(graded):
    """Fork bomb, hog and a process that forks and exits faster than a scan: none survive,
    though another grader may be running on the machine (only this test's processes count)."""
    assert marked_processes() == []


def test_nothing_is_left_in_tmp_or_dev_shm(graded):
    needs_bwrap()
    assert host_leftovers() == []


@pytest.mark.parametrize(("student", "reason"), [
    ("empty", "empty file"),
    ("broken", "invalid notebook JSON"),
    ("other_chapter", "chapter 'chinchilla'"),
    ("exits", "exit code 0) before its answers were read"),
    ("rtsignal", "died (signal 40) before its answers were read"),
    ("forged_deep", "before its answers were read"),
    ("nested", "its JSON is nested too deeply"),
    ("bigint", "a number with too many digits"),
    ("linked", "a symbolic link, not a notebook file"),
    ("fifo", "not a regular file"),
])
def test_ungradable_submissions_get_a_reason_and_nothing_else(graded, student, reason):
    g = graded[0][student]
    assert g.status == "not graded" and reason in g.reason and g.total == 0, g.reason


def test_forged_result_values_earn_nothing(graded):
    """Result data written by the notebook itself: an overflowing float, an infinite shape, a
    5,000-digit number, nesting deeper than the wire allows. Graded, and worth nothing."""
    g = graded[0]["forged_values"]
    assert g.status == "graded" and g.total == 0
    assert g.answers["q1_flops"] == float("inf")


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


def test_solutions_and_every_copy_of_the_course_are_invisible(graded):
    needs_bwrap()
    found = _q8(graded[0]["snoop"])
    assert found["solution"] == found["copy"] == found["submissions"] == "FileNotFoundError"
    assert "lessons" in found["checkout"] and "solutions" not in found["checkout"]
    assert found["job"] == ""  # stdin held the job (hidden-test inputs): now /dev/null
    assert not any(MARKER in name or "lessons-grade" in name for name in found["grader_tmp"])
    assert found["uid"] == 1000
    assert set(found["env"]) <= {*sandbox._env(), "PWD"}  # PWD: set by bubblewrap's --chdir


def test_network_and_unix_sockets_are_unreachable(graded):
    grades, _, info = graded
    assert "connected" not in _q8(grades["network"])
    assert info["hits"] == []


def test_submissions_are_never_modified(graded):
    before, after = graded[2]["digests"]
    assert before == after


def test_without_namespaces_the_network_is_blocked_in_python_and_noted():
    """The fallback where bubblewrap is missing: sockets fail, and the notes say how."""
    from lessons.grading.sandbox import run_cells

    code = ("import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\n"
            "    net = 'open'\nexcept OSError as exc:\n    net = str(exc)")
    result = run_cells([code], {"net": {"name": "net"}}, limits=LIMITS, namespaces=False)
    if result.status != "ok":  # as root with a private Python, refusing to run is the safe answer
        assert "cannot drop root" in result.reason and "bubblewrap" in result.reason
        return
    assert result.answers["net"] == "network access is disabled while grading"
    assert any("blocked in Python only" in n for n in result.notes)
    assert any("sandbox: none" in n and "permissions only" in n for n in result.notes)


def test_python_level_socket_block():
    """The fallback's socket block itself, run in a throwaway interpreter."""
    import subprocess
    import sys

    code = ("import socket\nfrom lessons.grading._runner import _block_sockets\n_block_sockets()\n"
            "try:\n    socket.create_connection(('127.0.0.1', 9))\nexcept OSError as exc:\n"
            "    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "network access is disabled while grading"
