"""The sandbox itself, one attack at a time: limits of all a notebook's processes together,
a private /tmp that vanishes, user ids of its own, two graders at once, the rerun rule, and the
grader run by a normal user.

Each test runs a few lines in :func:`~lessons.grading.sandbox.run_cells` with small limits and
asserts the specific outcome, never a duration. Tests that need root, cgroups or bubblewrap
skip elsewhere with the reason; CI runs as root with bubblewrap installed.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from grading_attacks import (
    DISK,
    ESCAPE,
    EXERCISE,
    HOG,
    MARKER,
    PERSIST,
    ROOT,
    SOLUTION,
    answered,
    host_leftovers,
    marked_processes,
    needs_bwrap,
    needs_cgroups,
    with_cell,
)

from lessons.grading import Number, Suite, Test, Value, _uids, sandbox
from lessons.grading.autograde import RERUN_NOTE, collect, grade_all
from lessons.grading.inputs import load_grading
from lessons.grading.sandbox import Limits, run_cells

SMALL = Limits(cell_timeout=5, total_timeout=4, wall_factor=10, memory=256 * 2**20,
               nproc=32, output=8 * 2**20)
ANSWER = {"q8_answer": {"name": "q8_answer"}}


def _q8(result) -> object:
    return json.loads(result.answers["q8_answer"])


def test_memory_is_limited_for_all_processes_together():
    """Four children of 100 MB each under 256 MB: per-process limits would let all of them
    live (400 MB); the cgroup stops the run at 256 MB and says so."""
    needs_cgroups()
    # Each child holds its memory until every other has its own or was killed, so the four
    # would be alive at once however the machine schedules them.
    code = """
import os, select, time
ready_r, ready_w = os.pipe()
go_r, go_w = os.pipe()
kids = []
for i in range(4):
    pid = os.fork()
    if pid == 0:
        os.close(go_w)
        os.close(ready_r)
        b = bytearray(100 * 2**20)
        for j in range(0, len(b), 4096):
            b[j] = 1
        os.write(ready_w, b"x")
        os.read(go_r, 1)
        os._exit(0)
    kids.append(pid)
os.close(ready_w)
ready, ended, deadline = 0, {}, time.monotonic() + 20
while ready + len(ended) < 4 and time.monotonic() < deadline:
    if select.select([ready_r], [], [], 0.1)[0]:
        ready += len(os.read(ready_r, 4))
    for p in kids:
        if p not in ended:
            done, status = os.waitpid(p, os.WNOHANG)
            if done:
                ended[p] = status
os.close(go_w)
ended.update({p: os.waitpid(p, 0)[1] for p in kids if p not in ended})
killed = sum(os.WIFSIGNALED(s) and os.WTERMSIG(s) == 9 for s in ended.values())
"""
    r = run_cells([code], {"killed": {"name": "killed"}}, limits=SMALL)
    assert r.status == "ok" and r.answers["killed"] >= 1
    assert r.peak_memory is not None and r.peak_memory <= SMALL.memory
    assert any("memory limit of 256 MB for all its processes reached" in n for n in r.notes)


def test_cpu_time_counts_every_process_and_stops_the_run():
    """Busy children while the notebook itself sleeps: the run's CPU time, not its own."""
    needs_cgroups()
    r = run_cells([HOG], ANSWER, limits=SMALL)
    assert r.status == "timeout" and "stopped after using 4 s of CPU time" in r.reason
    assert r.cpu_seconds >= SMALL.total_timeout and not r.wall_limited
    assert marked_processes() == []


def test_a_run_gets_at_most_its_share_of_the_cpus():
    """Two busy processes for a while: the run's CPU time never exceeds its one core's worth of
    wall-clock time (without the CPU quota it would approach two cores on an idle machine)."""
    needs_cgroups()
    code = """
import os, time
parent = os.getpid()
child = os.fork()
start = time.monotonic()
while time.monotonic() - start < 2:
    pass
if os.getpid() != parent:
    os._exit(0)
os.waitpid(child, 0)
elapsed = time.monotonic() - start
"""
    r = run_cells([code], {"elapsed": {"name": "elapsed"}}, limits=SMALL)
    assert r.status == "ok", (r.reason, r.cell_errors)
    assert r.cpu_seconds <= SMALL.cpus * r.answers["elapsed"] + 0.5  # + start-up


def test_disk_is_limited_in_total_and_nothing_outlives_the_run():
    """400 files of 4 MB in /tmp and in /dev/shm under an 8 MB budget: writes fail with 'No
    space left', at most the budget is ever stored, and the host keeps none of it."""
    needs_bwrap()
    r = run_cells([DISK], ANSWER, limits=SMALL)
    out = _q8(r)
    assert out["errors"] == {"/tmp": "No space left on device",
                             "/dev/shm": "No space left on device"}
    assert sum(out["written"].values()) <= SMALL.output
    assert host_leftovers() == []


def test_tmp_is_private_and_a_regrade_is_identical():
    """A counter kept in /tmp would change a regrade; each run starts from an empty /tmp."""
    needs_bwrap()
    first, second = (run_cells([PERSIST], ANSWER, limits=SMALL) for _ in range(2))
    assert _q8(first) == _q8(second) == 1
    assert host_leftovers() == []


def test_a_process_that_forks_faster_than_a_scan_does_not_survive():
    needs_cgroups()
    r = run_cells([ESCAPE, "import time\ntime.sleep(0.5)\nq8_answer = 'b'"], ANSWER,
                  limits=SMALL)
    assert r.answers["q8_answer"] == "b"
    assert marked_processes() == []
    assert host_leftovers() == []
    where = sandbox.isolation().cgroups
    assert not [p for parent in where.parents.values() for p in parent.glob("run*")]


def test_each_run_has_a_user_id_of_its_own():
    if os.geteuid() != 0:
        pytest.skip("user ids are leased only when the grader runs as root")
    held, release = [], threading.Event()

    def hold():
        with _uids.lease_uid() as uid:
            held.append(uid)
            release.wait(30)

    threads = [threading.Thread(target=hold) for _ in range(3)]
    for t in threads:
        t.start()
    while len(held) < 3:
        threading.Event().wait(0.01)
    release.set()
    for t in threads:
        t.join()
    assert len(set(held)) == 3 and all(u >= _uids.UID_BASE for u in held)


def _sleepy_suite() -> Suite:
    suite = Suite("demo")
    suite.add("q1", "Six", Test(Value("x"), Number(6.0)))
    return suite


def _sleepy(folder: Path, n: int) -> list:
    nb = answered()
    nb["cells"] = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                    "source": src} for src in ("import time\ntime.sleep(3)", "x = 6.0")]
    del nb["metadata"]["lessons"]
    for i in range(n):
        (folder / f"s{i}.ipynb").write_text(json.dumps(nb))
    return collect(folder)


def test_a_wall_clock_timeout_beside_others_is_rerun_alone(tmp_path):
    """A cell that sleeps past its 2 s wall-clock limit while another notebook runs is graded
    again alone before the timeout is recorded; graded alone in the first place, it is not."""
    limits = Limits(cell_timeout=0.5, total_timeout=10, wall_factor=4)
    (tmp_path / "two").mkdir()
    (tmp_path / "one").mkdir()
    together = grade_all(_sleepy(tmp_path / "two", 2), _sleepy_suite(), jobs=2,
                         limits=limits, progress=False)
    alone = grade_all(_sleepy(tmp_path / "one", 1), _sleepy_suite(), jobs=2, limits=limits,
                      progress=False)
    for g in together + alone:
        assert g.total == 1 and any("(wall clock)" in e for e in g.cell_errors)
    assert all(RERUN_NOTE in g.notes for g in together)
    assert RERUN_NOTE not in alone[0].notes


def _grader(folder: Path, out: Path, *extra) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lessons.autograde", str(folder), "-o",
                             str(out), "--no-progress", "-j", "2", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_graders_at_once_do_not_touch_each_other(tmp_path):
    """Two classes graded at the same time, each with a CPU hog: every honest notebook gets
    full marks in both, each hog is stopped by its own CPU time, nothing is left over."""
    folders = []
    for k in ("a", "b"):
        folder = tmp_path / k
        folder.mkdir()
        (folder / "alice.ipynb").write_text(json.dumps(answered()))
        (folder / "bob.ipynb").write_text(EXERCISE.read_text())
        (folder / "hog.ipynb").write_text(json.dumps(with_cell(HOG)))
        folders.append(folder)
    # Generous wall-clock limits: the CPU-time limit must be the one that stops the hogs, even
    # on a machine busy with other work.
    procs = [_grader(f, f / "gb.csv", "--timeout", "3", "--wall-factor", "100")
             for f in folders]
    for p in procs:
        assert p.wait(timeout=600) == 0, p.stdout.read()
    for f in folders:
        rows = {r["student"]: r for r in csv.DictReader((f / "gb.csv").open())}
        assert rows["alice"]["total"] == "17" and rows["bob"]["total"] == "0"
        assert rows["hog"]["status"] == "not graded" and "CPU time" in rows["hog"]["reason"]
    assert marked_processes() == []
    where = sandbox.isolation().cgroups
    for p in procs:  # each grader removed its own cgroup folders (they sit beside ours)
        assert where is None or not any((parent.parent / f"lessons-grade.{p.pid}").exists()
                                        for parent in where.parents.values())


def _reachable_as_nobody() -> str:
    """Shell lines that, in a private mount namespace, make the Python installation, the
    checkout and the data readable by ``nobody``: each private ancestor folder (such as
    /root) is covered by a tmpfs into which the needed folders are bound back."""
    needed = [Path(sys.base_prefix), Path(sys.prefix), ROOT]
    if os.environ.get("LESSONS_DATA_DIR"):
        needed.append(Path(os.environ["LESSONS_DATA_DIR"]))
    lines, stage = [], Path(f"/tmp/{MARKER}-stage")
    for i, p in enumerate(p.resolve() for p in needed):
        private = next((a for a in reversed([p, *p.parents])
                        if not a.stat().st_mode & 0o001), None)
        if private is None:
            continue
        lines += [f"mkdir -p {stage}/{i} && mount --bind {p} {stage}/{i}",
                  f"{{ mountpoint -q {private} || mount -t tmpfs -o mode=0755 tmpfs {private}; }}",
                  f"mkdir -p {p} && mount --bind {stage}/{i} {p}"]
    return " && ".join(lines) or "true"


def test_a_normal_user_can_grade_with_weaker_isolation_stated(tmp_path):
    """What a non-root grader gets: bubblewrap's namespaces and view, but no cgroups and no
    user id of its own; the gradebook is right and the feedback says which limits held."""
    needs_bwrap()
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("runuser"):
        pytest.skip("needs root to set up a normal user's view (unshare, runuser)")
    work = Path(f"/tmp/{MARKER}-nobody")
    work.mkdir(mode=0o777)
    try:
        work.chmod(0o777)
        subs = work / "subs"
        subs.mkdir()
        (subs / "alice.ipynb").write_text(json.dumps(answered()))
        # Scores q8 only if the solution is out of its sight.
        (subs / "snoop.ipynb").write_text(json.dumps(with_cell(
            f"import os\nq8_answer = 'a' if os.path.exists({str(SOLUTION)!r}) else 'b'",
            at=-1)))
        for p in [subs, *subs.iterdir()]:
            p.chmod(0o777 if p.is_dir() else 0o644)
        data = os.environ.get("LESSONS_DATA_DIR", "")
        run = (f"cd {work} && runuser -u nobody -- env LESSONS_DATA_DIR={data} "
               f"{sys.executable} -m lessons.autograde {subs} -o {work}/out/gb.csv "
               "--no-progress -j 2")
        proc = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                               f"{_reachable_as_nobody()} && {run}"],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        rows = {r["student"]: r for r in csv.DictReader((work / "out" / "gb.csv").open())}
        assert rows["alice"]["total"] == "17"
        feedback = (work / "out" / "gb_feedback" / "alice.txt").read_text()
        assert "sandbox: bubblewrap" in feedback
        assert "limits: per process only (not root" in feedback
        assert "user: a user id of its own" not in feedback
        snoop = (work / "out" / "gb_feedback" / "snoop.txt").read_text()
        assert "Total: 17 / 17" in snoop
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(f"/tmp/{MARKER}-stage", ignore_errors=True)


def test_fallback_without_bubblewrap_says_so(tmp_path):
    """Without namespaces the run still happens (or refuses to run as root with a private
    Python), and the notes name what was missing."""
    suite = load_grading(SOLUTION).public
    r = run_cells(["x = 1"], suite.probes(), limits=SMALL, namespaces=False)
    notes = " ".join(r.notes)
    assert "sandbox: none (namespaces turned off)" in notes
    assert r.status == "ok" or "cannot drop root" in r.reason


def test_cgroup_v2_limits_are_written_where_the_kernel_reads_them(tmp_path):
    """This machine mounts cgroup v1, so v2 runs against a folder laid out like cgroup v2:
    the set-up enables the controllers for its children, a run writes memory.max, pids.max and
    cpu.max, reads its CPU time and OOM kills, and its kill writes cgroup.kill."""
    from lessons.grading import _cgroups

    base = tmp_path / "grader"
    base.mkdir()
    (base / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    (base / "cgroup.subtree_control").write_text("")
    parent = _cgroups._v2_parent(base, "lessons-grade.1")
    assert parent == base / "lessons-grade.1"
    assert (parent / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"
    where = _cgroups.CgroupSetup(2, {"": parent})
    cg = _cgroups.Cgroup(where, memory=256 * 2**20, nproc=32, cpus=1.5)
    run = cg.dirs[""]
    assert (run / "memory.max").read_text() == str(256 * 2**20)
    assert (run / "pids.max").read_text() == "32"
    assert (run / "cpu.max").read_text() == "150000 100000"
    (run / "cpu.stat").write_text("usage_usec 2500000\nuser_usec 2000000\n")
    (run / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert cg.cpu_seconds() == 2.5 and cg.oom_kills() == 1
    assert cg.kill(timeout=1) and (run / "cgroup.kill").read_text() == "1"


def test_python_installed_under_tmp_stays_visible_over_the_private_tmp(monkeypatch):
    """A virtual environment made in /tmp (or data kept there) is bound back, read-only, over
    the private /tmp that would otherwise hide it: grading must not depend on where the
    instructor made the environment."""
    from lessons.grading import _bwrap

    venv = Path("/tmp/some-venv")
    monkeypatch.setattr(_bwrap, "exposed_paths", lambda: [Path("/usr"), venv / "lib"])
    args = _bwrap._inner(["python"], 8 * 2**20)
    tmpfs = args.index("--tmpfs")
    assert args[tmpfs + 1] == "/tmp"
    bind = args.index("--ro-bind")
    assert tmpfs < bind and args[bind + 1:bind + 3] == [str(venv / "lib")] * 2
    assert "/usr" not in args  # only what lies under the private /tmp is bound again
