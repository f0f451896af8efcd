"""One cgroup per sandboxed run: memory, process count and CPU share of all its processes, the
CPU time they used, and a kill that reaches every one of them.

The kernel's control groups do what per-process resource limits cannot: they count a forked
child's memory with its parent's, and they find a process that forked and exited faster than any
scan of ``/proc``. Both versions are supported, since machines differ:

* **cgroup v2** where the grader's own cgroup can hand ``memory``, ``pids`` and ``cpu`` to
  children (``cgroup.subtree_control``); the kill is ``cgroup.kill``;
* **cgroup v1** where those controllers are mounted separately under ``/sys/fs/cgroup/<name>``
  (``cpuacct`` gives the CPU time, ``freezer`` stops every process before the kill).

Run cgroups are made *below the grader's own* cgroup in each hierarchy, in a folder named
after the grader's pid, so the machine's accounting still covers them and two graders never
touch each other's runs. :func:`setup` says, once per process, which version is usable or why
none is.
"""

from __future__ import annotations

import atexit
import itertools
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Cgroup", "CgroupSetup", "setup"]

V1_CONTROLLERS = ("memory", "pids", "cpu", "cpuacct", "freezer")
V1_REQUIRED = ("memory", "pids", "cpu", "cpuacct")
V2_REQUIRED = ("memory", "pids", "cpu")
PARENT_PREFIX = "lessons-grade."
CFS_PERIOD_US = 100_000


def _mounts() -> list[tuple[str, str, str, set[str]]]:
    """(fstype, mount root, mount point, super options) of each cgroup mount."""
    out = []
    with open("/proc/self/mountinfo") as fh:
        for line in fh:
            left, _, right = line.partition(" - ")
            fields, tail = left.split(), right.split()
            if len(fields) >= 5 and len(tail) >= 3 and tail[0] in ("cgroup", "cgroup2"):
                out.append((tail[0], fields[3], fields[4], set(tail[2].split(","))))
    return out


def _own_paths() -> dict[str, str]:
    """Controller (or "" for v2) -> this process's cgroup path, from /proc/self/cgroup."""
    paths = {}
    with open("/proc/self/cgroup") as fh:
        for line in fh:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            for c in controllers.split(",") if controllers else [""]:
                paths[c] = path
    return paths


def _under(mount_root: str, mount_point: str, path: str) -> Path:
    rel = os.path.relpath(path, mount_root) if path.startswith(mount_root) else path.lstrip("/")
    return Path(mount_point) / ("" if rel == "." else rel)


def _write(path: Path, value: str) -> None:
    with open(path, "w") as fh:
        fh.write(value)


def _read_keyed(path: Path) -> dict[str, int]:
    """A 'key value' per line file (cpu.stat, memory.events, memory.oom_control)."""
    out = {}
    try:
        for line in path.read_text().splitlines():
            key, _, value = line.partition(" ")
            if value.strip().lstrip("-").isdigit():
                out[key] = int(value)
    except OSError:
        pass
    return out


@dataclass(frozen=True)
class CgroupSetup:
    """Where this grader makes its runs' cgroups: version and, per hierarchy, a parent folder."""

    version: int                      # 1 or 2
    parents: dict[str, Path]          # controller (or "" for v2) -> this grader's folder

    def describe(self) -> str:
        return (f"cgroup v{self.version}: memory, process count and CPU share of all the "
                "notebook's processes together")

    def cpu_seconds(self) -> float:
        """CPU time of every run this grader made so far, ended ones included [s]."""
        if self.version == 2:
            return _read_keyed(self.parents[""] / "cpu.stat").get("usage_usec", 0) / 1e6
        return int((self.parents["cpuacct"] / "cpuacct.usage").read_text()) / 1e9


_setup_lock = threading.Lock()
_setup_result: tuple[CgroupSetup | None, str] | None = None
_counter = itertools.count()


def setup() -> tuple[CgroupSetup | None, str]:
    """This process's cgroup set-up, made once: (set-up, "") or (None, why none is usable)."""
    global _setup_result
    with _setup_lock:
        if _setup_result is None:
            _setup_result = _make_setup()
        return _setup_result


def _make_setup() -> tuple[CgroupSetup | None, str]:
    if os.geteuid() != 0:
        return None, "not root, so no cgroups of its own"
    try:
        mounts, own = _mounts(), _own_paths()
    except OSError as exc:
        return None, f"cannot read the cgroup mounts ({exc})"
    name = f"{PARENT_PREFIX}{os.getpid()}"
    why = []
    for fstype, root, point, _ in mounts:
        if fstype == "cgroup2" and "" in own:
            base = _under(root, point, own[""])
            found = _v2_parent(base, name)
            if isinstance(found, Path):
                return CgroupSetup(2, {"": found}), ""
            why.append(found)
    v1 = {}
    for fstype, root, point, opts in mounts:
        for c in V1_CONTROLLERS:
            if fstype == "cgroup" and c in opts and c in own and c not in v1:
                v1[c] = _under(root, point, own[c]) / name
    missing = [c for c in V1_REQUIRED if c not in v1]
    if missing:
        why.append(f"cgroup v1 lacks the {', '.join(missing)} controller(s)")
        return None, "; ".join(why)
    try:
        for parent in set(v1.values()):
            _sweep_stale(parent.parent)
            parent.mkdir(exist_ok=True)
    except OSError as exc:
        return None, f"cannot make cgroups under {parent.parent} ({exc.strerror})"
    atexit.register(_remove_parents, list(set(v1.values())))
    return CgroupSetup(1, v1), ""


def _v2_parent(base: Path, name: str) -> Path | str:
    """This grader's v2 folder below its own cgroup, with the controllers enabled, or why not."""
    try:
        available = set((base / "cgroup.controllers").read_text().split())
    except OSError as exc:
        return f"cgroup v2 unreadable ({exc.strerror})"
    missing = [c for c in V2_REQUIRED if c not in available]
    if missing:
        return f"cgroup v2 at {base} lacks {', '.join(missing)}"
    try:
        enabled = set((base / "cgroup.subtree_control").read_text().split())
        if not set(V2_REQUIRED) <= enabled:  # fails (EBUSY) while base itself holds processes
            _write(base / "cgroup.subtree_control", " ".join(f"+{c}" for c in V2_REQUIRED))
        _sweep_stale(base)
        parent = base / name
        parent.mkdir(exist_ok=True)
        _write(parent / "cgroup.subtree_control", " ".join(f"+{c}" for c in V2_REQUIRED))
    except OSError as exc:
        return (f"cgroup v2 at {base} does not delegate memory, pids and cpu ({exc.strerror}); "
                "run the grader in a cgroup of its own with them enabled")
    atexit.register(_remove_parents, [parent])
    return parent


def _sweep_stale(base: Path) -> None:
    """Remove empty folders left by graders that died (their pid is gone)."""
    for entry in base.glob(f"{PARENT_PREFIX}*"):
        pid = entry.name[len(PARENT_PREFIX):]
        if pid.isdigit() and not _alive(int(pid)):
            for child in entry.glob("run*"):
                _rmdir(child)
            _rmdir(entry)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _rmdir(path: Path) -> bool:
    try:
        path.rmdir()
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _remove_parents(parents: list[Path]) -> None:
    for p in parents:
        _rmdir(p)


class Cgroup:
    """The cgroup of one run, in every hierarchy the set-up uses.

    Parameters
    ----------
    memory : int
        Memory of all processes together, page cache and tmpfs files included [bytes].
    nproc : int
        Processes and threads at once [count].
    cpus : float
        CPU bandwidth: at most this many cores' worth of time [cores].
    """

    def __init__(self, where: CgroupSetup, *, memory: int, nproc: int, cpus: float) -> None:
        self.version = where.version
        name = f"run{next(_counter)}"
        self.dirs = {c: p / name for c, p in where.parents.items()}
        made = []
        try:
            for d in dict.fromkeys(self.dirs.values()):
                d.mkdir()
                made.append(d)
            self._limit(memory, nproc, cpus)
        except OSError:
            for d in made:
                _rmdir(d)
            raise

    def _dir(self, controller: str) -> Path | None:
        return self.dirs.get("" if self.version == 2 else controller)

    def _limit(self, memory: int, nproc: int, cpus: float) -> None:
        quota = max(1000, int(cpus * CFS_PERIOD_US))
        if self.version == 2:
            d = self.dirs[""]
            _write(d / "memory.max", str(memory))
            if (d / "memory.swap.max").exists():
                _write(d / "memory.swap.max", "0")
            _write(d / "pids.max", str(nproc))
            _write(d / "cpu.max", f"{quota} {CFS_PERIOD_US}")
            return
        mem = self.dirs["memory"]
        _write(mem / "memory.limit_in_bytes", str(memory))
        try:  # swap would let the run go past its memory; absent without swap accounting
            _write(mem / "memory.memsw.limit_in_bytes", str(memory))
        except OSError:
            pass
        _write(self.dirs["pids"] / "pids.max", str(nproc))
        _write(self.dirs["cpu"] / "cpu.cfs_period_us", str(CFS_PERIOD_US))
        _write(self.dirs["cpu"] / "cpu.cfs_quota_us", str(quota))

    @property
    def procs_files(self) -> list[Path]:
        """The ``cgroup.procs`` files a process writes its pid to, to join this cgroup."""
        return [d / "cgroup.procs" for d in dict.fromkeys(self.dirs.values())]

    def pids(self) -> list[int]:
        d = self.dirs.get("") or self.dirs.get("pids") or self.dirs["memory"]
        try:
            return [int(p) for p in (d / "cgroup.procs").read_text().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        """CPU time used by all processes of the run so far [s]."""
        try:
            if self.version == 2:
                return _read_keyed(self.dirs[""] / "cpu.stat").get("usage_usec", 0) / 1e6
            return int((self.dirs["cpuacct"] / "cpuacct.usage").read_text()) / 1e9
        except (OSError, ValueError):
            return 0.0

    def peak_memory(self) -> int | None:
        """Highest memory use of all processes together [bytes], where the kernel keeps it."""
        name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
        try:
            return int((self._dir("memory") / name).read_text())
        except (OSError, ValueError):
            return None

    def oom_kills(self) -> int:
        """Processes the kernel killed for reaching the memory limit [count]."""
        if self.version == 2:
            return _read_keyed(self.dirs[""] / "memory.events").get("oom_kill", 0)
        return _read_keyed(self.dirs["memory"] / "memory.oom_control").get("oom_kill", 0)

    def kill(self, timeout: float = 10.0) -> bool:
        """SIGKILL every process in the cgroup; True once it is empty.

        v2 has ``cgroup.kill``. On v1 the freezer stops every process first, so none can fork
        between the reading of the list and the kill; without a freezer the list is killed
        until it stays empty.
        """
        deadline = time.monotonic() + timeout
        if self.version == 2:
            try:
                _write(self.dirs[""] / "cgroup.kill", "1")
            except OSError:
                pass
        freezer = self.dirs.get("freezer") if self.version == 1 else None
        while True:
            if freezer is not None:
                _freeze(freezer, "FROZEN", deadline)
            pids = self.pids()
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if freezer is not None:
                _freeze(freezer, "THAWED", deadline)
            if not pids or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        while self.pids() and time.monotonic() < deadline:  # killed processes still exiting
            time.sleep(0.01)
        return not self.pids()

    def remove(self) -> bool:
        """Remove the run's folders (they must be empty: :meth:`kill` first)."""
        return all([_rmdir(d) for d in dict.fromkeys(self.dirs.values())])


def _freeze(d: Path, state: str, deadline: float) -> None:
    try:
        _write(d / "freezer.state", state)
        while (d / "freezer.state").read_text().strip() != state and time.monotonic() < deadline:
            time.sleep(0.005)
    except OSError:
        pass
