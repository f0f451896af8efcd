"""Run a submission's code cells in a sandbox and bring back its answers as data.

Why a small runner of our own rather than a Jupyter kernel (nbclient): grading needs only the
cells' side effects, not rich outputs, and a kernel costs a ZeroMQ session and ipykernel's
start-up (about a second) per submission, while ``python _runner.py`` starts in a few
hundredths of a second and leaves the per-submission cost to the notebook's own imports.

The isolation comes from well-kept tools, chosen once per grader process (:func:`isolation`):

* **bubblewrap** (:mod:`._bwrap`): a filesystem view with only Python, ``lessons`` and the
  data, read-only; a private size-limited ``/tmp`` and ``/dev/shm``; new user, pid, network,
  IPC and UTS namespaces. When the pid namespace's first process ends, the kernel kills the
  rest.
* **cgroups** (:mod:`._cgroups`), as root: memory, process count and CPU share of all the run's
  processes together, their CPU time, and a kill that reaches every one of them.
* A **user id of its own** per run (:mod:`._uids`), as root.

Where a tool is missing the run falls back to what remains (per-process limits, a network
namespace or a Python-level socket block, file permissions) and the notes, which go into
every feedback file, say exactly which protection was used.

Limits judge the submission, not the machine: cells and runs are limited in CPU time, and in
wall-clock time only at a multiple of it (for code that sleeps or blocks). A run records
whether another run of this grader overlapped it, so that :mod:`.autograde` can rerun alone a
submission that reached a wall-clock limit while the machine was shared.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import _bwrap, _cgroups, _uids, _wire

__all__ = ["Isolation", "Limits", "RunResult", "isolation", "recorded_runs", "run_cells"]

RUNNER = Path(__file__).with_name("_runner.py")
#: Most bytes of result data read back from a run [bytes].
MAX_RESULT = 32 * 2**20
_POLL = 0.1  # how often the grader checks a run's CPU time [s]


@dataclass(frozen=True)
class Limits:
    """Resource limits of one run [seconds, bytes, processes, cores].

    Time limits are CPU time, which other load on the machine does not change; each also has a
    wall-clock limit ``wall_factor`` times longer, for code that sleeps or blocks.
    """

    cell_timeout: float = 10.0      # CPU time of one cell [s]
    total_timeout: float = 60.0     # CPU time of the whole run, all its processes [s]
    memory: int = 2 * 2**30         # all processes together (cgroup); also each one [bytes]
    nproc: int = 64                 # processes and threads at once [count]
    output: int = 8 * 2**20         # printed output; and files written, in total [bytes]
    wall_factor: float = 3.0        # wall-clock limit / CPU-time limit [ratio]
    cpus: float = 1.0               # CPU bandwidth of one run [cores]

    @property
    def cell_wall(self) -> float:
        """Wall-clock limit of one cell [s]."""
        return self.cell_timeout * self.wall_factor

    @property
    def total_wall(self) -> float:
        """Wall-clock limit of the whole run [s]."""
        return self.total_timeout * self.wall_factor


@dataclass
class RunResult:
    """What came back from one run: decoded answers, per-cell errors, notes and a status."""

    answers: dict = field(default_factory=dict)
    cell_errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    status: str = "ok"          # ok | timeout | crashed
    reason: str = ""
    wall_limited: bool = False  # a cell, a probe or the run reached a wall-clock limit
    overlapped: bool = False    # another run of this grader was running at some point
    cpu_seconds: float | None = None   # CPU time of all its processes [s] (cgroups only)
    peak_memory: int | None = None     # highest memory of all its processes [bytes]


# --- Which isolation this machine allows ---------------------------------------------------


@dataclass(frozen=True)
class Isolation:
    """The protections a run gets here, decided once per grader process."""

    bwrap: bool
    namespaces: bool             # False: the fallback forced (tests), no namespace at all
    cgroups: _cgroups.CgroupSetup | None
    own_uid: bool                # root: each run under a leased user id
    notes: tuple[str, ...]       # what the feedback files say about it


_iso_lock = threading.Lock()
_iso_cache: dict[bool, Isolation] = {}


def isolation(namespaces: bool = True) -> Isolation:
    """The isolation runs get; ``namespaces=False`` forces the fallback (for tests)."""
    with _iso_lock:
        if namespaces not in _iso_cache:
            _iso_cache[namespaces] = _detect(namespaces)
        return _iso_cache[namespaces]


def _detect(namespaces: bool) -> Isolation:
    root = os.geteuid() == 0
    cg, cg_why = _cgroups.setup()
    bwrap_why = _bwrap_problem() if namespaces else "namespaces turned off"
    notes = []
    if bwrap_why is None:
        notes.append("sandbox: bubblewrap, with its own user, pid, network and IPC namespaces;"
                     " it saw only Python, the lessons package and the data tables, "
                     "read-only, and a private /tmp")
    else:
        notes.append(f"sandbox: none ({bwrap_why}): the network is cut in the runner, files "
                     "are protected by permissions only (keep solutions/ private, mode 0700), "
                     "and /tmp is shared")
        print(f"lessons.autograde: weaker isolation: {bwrap_why}", file=sys.stderr)
    if cg is not None:
        notes.append(f"limits: {cg.describe()}")
    else:
        notes.append(f"limits: per process only ({cg_why}): memory and CPU time are "
                     "limited per process, not for all of a notebook's processes together")
    if root:
        notes.append("user: a user id of its own, unprivileged")
    return Isolation(bwrap_why is None, namespaces, cg, root, tuple(notes))


def _describe(limits: Limits) -> str:
    return (f"limits: {limits.cell_timeout:g} s of CPU time per cell and "
            f"{limits.total_timeout:g} s in all (wall clock: {limits.wall_factor:g} times "
            f"that); {limits.memory / 2**20:g} MB of memory, {limits.nproc} processes, "
            f"{limits.cpus:g} core, {limits.output / 2**20:g} MB of output and of files")


def _bwrap_problem() -> str | None:
    """None when a bubblewrap sandbox starts here, else why not (what to install or allow)."""
    if _bwrap.BWRAP is None:
        return "bubblewrap is not installed: apt-get install bubblewrap"
    try:
        with (_uids.lease_uid() if os.geteuid() == 0 else contextlib.nullcontext()) as uid:
            argv = _bwrap.command([sys.executable, "-c", "pass"], env=_env(), disk=2**20,
                                  uid=uid)
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bubblewrap could not start ({exc})"
    if proc.returncode != 0:
        why = (proc.stderr.strip() or f"exit code {proc.returncode}").splitlines()[-1]
        return (f"bubblewrap failed: {why} (are unprivileged user namespaces disabled? "
                "sysctl user.max_user_namespaces)")
    return None


# --- Runs of this grader, for the rerun rule ------------------------------------------------


_runs_lock = threading.Lock()
_active: set = set()
_recorder = threading.local()


class _Active:
    overlapped = False


@contextlib.contextmanager
def _tracked():
    """Register a run; mark it (and those running) as overlapped when others run with it."""
    me = _Active()
    with _runs_lock:
        if _active:
            me.overlapped = True
            for other in _active:
                other.overlapped = True
        _active.add(me)
    try:
        yield me
    finally:
        with _runs_lock:
            _active.discard(me)


@contextlib.contextmanager
def recorded_runs():
    """Collect the :class:`RunResult` of every run this thread makes inside the block."""
    runs: list[RunResult] = []
    previous = getattr(_recorder, "runs", None)
    _recorder.runs = runs
    try:
        yield runs
    finally:
        _recorder.runs = previous


# --- One run ---------------------------------------------------------------------------------


def _env(workdir: str = _bwrap.WORKDIR) -> dict:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": workdir, "TMPDIR": workdir,
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg", "MPLCONFIGDIR": workdir,
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "NUMEXPR_NUM_THREADS": "1"}
    if os.environ.get("LESSONS_DATA_DIR"):
        env["LESSONS_DATA_DIR"] = os.environ["LESSONS_DATA_DIR"]
    return env


def _world_readable(path: Path) -> bool:
    """Whether any user may reach ``path``: every ancestor searchable by others."""
    p = path.resolve()
    for parent in [p, *p.parents]:
        try:
            if not parent.stat().st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    return True


def _private_file(path: str) -> int:
    """A new file only the grader (its owner) can read [file descriptor]."""
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)


# The run joins its cgroup before bubblewrap starts, so no process of it is ever outside.
_JOIN_CGROUP = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'


def run_cells(cells: list[str], probes: dict, *, limits: Limits | None = None,
              private: tuple = (), tmp_root: str | None = None,
              namespaces: bool = True) -> RunResult:
    """Execute ``cells`` in a fresh sandboxed process, then read ``probes`` (see ``_wire``).

    Parameters
    ----------
    cells : list of str
        Code cell sources, in order.
    probes : dict
        Probe key -> wire spec (:meth:`lessons.grading.spec.Suite.probes`).
    limits : Limits
        Time, memory, process and output limits.
    private : tuple of path
        Folders the submission must not be able to read (covered if they lie inside a folder
        the sandbox shows; without bubblewrap, protected by their permissions only).
    tmp_root : str, optional
        Where the grader's own per-run folder (job, result, printed output) goes.
    namespaces : bool
        Use bubblewrap and namespaces where the OS allows; False tests the fallback.

    Returns
    -------
    RunResult
        Decoded answers by probe key, cell errors, notes on the sandbox, a status and reason,
        and what the run used.
    """
    limits = limits or Limits()
    iso = isolation(namespaces)
    lease = _uids.lease_uid() if iso.own_uid else contextlib.nullcontext()
    with lease as uid, _tracked() as active, \
            tempfile.TemporaryDirectory(prefix="lessons-grade-", dir=tmp_root) as base:
        result = _run(cells, probes, limits, iso, uid, base, [Path(p) for p in private])
        result.overlapped = active.overlapped
    runs = getattr(_recorder, "runs", None)
    if runs is not None:
        runs.append(result)
    return result


def _run(cells, probes, limits: Limits, iso: Isolation, uid, base: str,
         private: list[Path]) -> RunResult:
    os.chmod(base, 0o711)  # direct mode: the run's user may enter its own folder, no more
    if iso.bwrap:
        work = _bwrap.WORKDIR
    else:
        work = os.path.join(base, "work")
        os.mkdir(work, 0o700)
        if uid is not None:
            os.chown(work, uid, uid)
    result_fd = _private_file(os.path.join(base, "result.json"))
    cgroup, notes = None, [*iso.notes, _describe(limits)]
    if iso.cgroups is not None:
        try:
            cgroup = _cgroups.Cgroup(iso.cgroups, memory=limits.memory, nproc=limits.nproc,
                                     cpus=limits.cpus)
        except OSError as exc:
            notes.append(f"limits: per process only (this run's cgroup failed: {exc})")
    try:
        job = {"cells": cells, "probes": probes, "cell_cpu": limits.cell_timeout,
               "cell_wall": limits.cell_wall, "result_fd": result_fd, "workdir": work,
               "mode": "bwrap" if iso.bwrap else "direct", "namespaces": iso.namespaces,
               "drop_uid": uid if not iso.bwrap else None,
               "strays": "sandbox" if iso.bwrap else "uid" if uid is not None else "group",
               "world_readable_python": iso.bwrap or uid is None or all(
                   _world_readable(p) for p in _bwrap.exposed_paths()),
               "limits": {"memory": limits.memory, "output": limits.output,
                          "nproc": None if cgroup else limits.nproc,
                          "own_uid": uid is not None or iso.bwrap,
                          "cpu": int(limits.total_timeout) + 1}}
        job_path, out_path = os.path.join(base, "job.json"), os.path.join(base, "output.txt")
        with open(_private_file(job_path), "w") as fh:  # hidden-test inputs: root-only
            json.dump(job, fh)
        argv = [sys.executable, "-s", "-B", str(RUNNER)]
        if iso.bwrap:
            argv = _bwrap.command(argv, env=_env(), disk=limits.output, uid=uid,
                                  private=private)
        if cgroup is not None:
            argv = ["/bin/sh", "-c", _JOIN_CGROUP, "sh", *map(str, cgroup.procs_files), "--",
                    *argv]
        with open(job_path, "rb") as stdin, open(_private_file(out_path), "wb") as out:
            proc = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=subprocess.STDOUT,
                                    pass_fds=(result_fd,), env=_env(work),
                                    cwd=base if iso.bwrap else work, start_new_session=True)
            ended = _wait(proc, limits, cgroup)
            _kill(proc, cgroup, uid if not iso.bwrap else None)
            proc.wait()
        os.lseek(result_fd, 0, os.SEEK_SET)
        raw = os.read(result_fd, MAX_RESULT)
        result = _parse(raw, proc.returncode, ended, limits, iso.bwrap,
                        _read_start(out_path), cgroup.oom_kills() if cgroup else 0, probes)
        if cgroup is not None:
            result.cpu_seconds, result.peak_memory = cgroup.cpu_seconds(), cgroup.peak_memory()
        result.notes = notes + result.notes
        if os.path.getsize(out_path) >= limits.output:
            result.notes.append(f"output limit of {limits.output / 2**20:g} MB reached: "
                                "further printing failed")
        return result
    finally:
        os.close(result_fd)
        if cgroup is not None and not cgroup.remove():
            print(f"lessons.autograde: cgroup {cgroup.dirs} not empty after the run",
                  file=sys.stderr)


def _read_start(path: str, n: int = 4000) -> str:
    with open(path, "rb") as fh:
        return fh.read(n).decode("utf-8", "replace")


def _wait(proc: subprocess.Popen, limits: Limits, cgroup) -> str:
    """Wait for the run: "exited", or the limit that ended it ("wall" or "cpu")."""
    deadline = time.monotonic() + limits.total_wall
    while True:
        try:
            proc.wait(timeout=_POLL)
            return "exited"
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() > deadline:
            return "wall"
        if cgroup is not None and cgroup.cpu_seconds() > limits.total_timeout:
            return "cpu"


def _kill(proc: subprocess.Popen, cgroup, uid: int | None) -> None:
    """Kill every process of the run: its cgroup, else its process group (and, in direct mode
    with a leased id, every process of that id)."""
    if cgroup is not None and cgroup.kill():
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if uid is None:
        return  # bubblewrap: the pid namespace dies with its first process
    for _ in range(50):
        pids = _pids_of_uid(uid)
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)


def _pids_of_uid(uid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    pids.append(int(entry))
            except OSError:
                pass
    return pids


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:  # real-time signals have no name
        return f"signal {number}"


def _exit_reason(returncode: int | None, via_bwrap: bool, oom_kills: int) -> str:
    if oom_kills:
        return ("ran out of memory: the kernel killed its process (all its processes "
                "together reached the memory limit)")
    sig = None
    if returncode is not None and returncode < 0:
        sig = -returncode
    elif via_bwrap and returncode is not None and returncode > 128:
        sig = returncode - 128  # bubblewrap passes a signal on as 128 + its number
    if sig is not None:
        name = _signal_name(sig)
        why = {"SIGXCPU": "CPU time limit reached", "SIGKILL": "killed (memory?)"}.get(name, name)
        return f"the notebook's process died ({why}) before its answers were read"
    return (f"the notebook's process ended (exit code {returncode}) before its answers were "
            "read (does it call os._exit or kill itself?)")


def _parse(raw: bytes, returncode: int | None, ended: str, limits: Limits, via_bwrap: bool,
           output: str, oom_kills: int, probes: dict) -> RunResult:
    """Turn what the run wrote into a RunResult; any malformed data becomes a reason."""
    res = RunResult()
    try:
        data = json.loads(raw) if raw else None
    except (ValueError, RecursionError):  # not JSON, too deep, a 5,000-digit number...
        data = None
    if ended == "wall":
        res.status, res.wall_limited = "timeout", True
        res.reason = (f"stopped after {limits.total_wall:g} s of wall-clock time: the notebook "
                      "never finished (waiting on something, or an endless loop)")
    elif ended == "cpu":
        res.status = "timeout"
        res.reason = (f"stopped after using {limits.total_timeout:g} s of CPU time (all its "
                      "processes together): an endless loop that ignores interrupts, or "
                      "processes it started that never end?")
    elif isinstance(data, dict) and isinstance(data.get("fatal"), str):
        res.status, res.reason = "crashed", f"not run: {data['fatal'][:500]}"
    elif output.startswith("bwrap:") and not isinstance(data, dict):
        res.status = "crashed"
        res.reason = f"the sandbox could not start: {output.splitlines()[0][:300]}"
    elif not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        res.status, res.reason = "crashed", _exit_reason(returncode, via_bwrap, oom_kills)
    if oom_kills:
        res.notes.append(f"memory limit of {limits.memory / 2**20:g} MB for all its processes "
                         f"reached: the kernel killed {oom_kills} of them")
    if isinstance(data, dict):
        _read_payload(data, res, probes)
    return res


def _read_payload(data: dict, res: RunResult, probes: dict) -> None:
    answers = data.get("answers")
    if isinstance(answers, dict):  # only the answers asked for: forged keys are ignored
        res.answers = {k: _wire.decode(answers[k]) for k in probes if k in answers}
    cells = data.get("cells")
    for c in cells[:50] if isinstance(cells, list) else []:
        if not isinstance(c, dict):
            continue
        where = "reading the answers" if c.get("cell") == "probe" else f"cell {c.get('cell')}"
        res.cell_errors.append(f"{where}: {c.get('error')}"[:500])
        res.wall_limited |= c.get("limit") == "wall"
    notes = data.get("notes")
    res.notes += [n[:300] for n in (notes if isinstance(notes, list) else [])[:20]
                  if isinstance(n, str)]
