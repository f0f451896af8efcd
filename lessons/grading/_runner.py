"""Run one submitted notebook's code cells inside a sandbox and report its answers.

Started by :mod:`lessons.grading.sandbox` as ``python -s -B _runner.py`` with a JSON job on
stdin, either inside bubblewrap (mode ``"bwrap"``: namespaces, the filesystem view and the
user switch are already done) or directly (mode ``"direct"``, the fallback where bubblewrap is
missing). Before any submitted code runs it

1. in direct mode, leaves the network (a new network namespace) or, where the OS refuses,
   blocks sockets in Python;
2. sets per-process resource limits: address space (so one huge allocation fails with a
   MemoryError instead of a kill), file size (printed output), CPU time, open files and,
   without a cgroup, a process count;
3. in direct mode as root, drops to the run's own leased user id.

It then executes the cells in order: a cell that raises or runs past its CPU-time or
wall-clock limit is recorded and the next cell runs. Finally it reads each probe (a name or a
function call) with ``_wire.probe`` and writes the encoded answers, as plain JSON, to the
inherited result file descriptor. No hidden test or expected value ever reaches this process.

Only the standard library is imported here, before submitted code runs.
"""

import ctypes
import json
import os
import resource
import signal
import sys

if __package__:  # imported as lessons.grading._runner (documentation, doctests)
    from . import _wire
else:  # run as a script: its own folder is first on sys.path
    import _wire

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


class SandboxError(RuntimeError):
    """The sandbox cannot be set up safely; nothing is run."""


class CellTimeout(BaseException):
    """A cell or a probe ran past its time limit (a BaseException: `except Exception` misses it)."""


def _unshare(flags):
    return ctypes.CDLL(None, use_errno=True).unshare(flags) == 0


def _block_sockets():
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network access is disabled while grading")

    for name in ("connect", "connect_ex", "bind", "sendto", "sendmsg"):
        setattr(socket.socket, name, refuse)
    socket.create_connection = refuse
    socket.getaddrinfo = refuse


def _own_process_count(uid):
    n = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    n += 1
            except OSError:
                pass
    return n


def _isolate_network(notes):
    """Direct mode only: a network namespace of its own, else sockets refused in Python."""
    root = os.geteuid() == 0
    if _unshare(CLONE_NEWNET) or (not root and _unshare(CLONE_NEWUSER | CLONE_NEWNET)):
        notes.append("network: none (own network namespace)")
    else:
        _block_sockets()
        notes.append("network: blocked in Python only (the OS refused a network namespace)")


def _set_limits(lim):
    nproc = lim.get("nproc")
    if nproc is not None and not lim.get("own_uid"):  # the grader's uid: count what it has
        nproc += _own_process_count(os.getuid())
    pairs = [(resource.RLIMIT_AS, lim["memory"]), (resource.RLIMIT_FSIZE, lim["output"]),
             (resource.RLIMIT_NOFILE, 256), (resource.RLIMIT_CORE, 0)]
    if nproc is not None:
        pairs.append((resource.RLIMIT_NPROC, nproc))
    for res, value in pairs:
        resource.setrlimit(res, (value, value))
    resource.setrlimit(resource.RLIMIT_CPU, (lim["cpu"], lim["cpu"] + 2))


def _drop_to(uid, world_readable_python):
    """Direct mode as root: become the run's own user; never run submitted code as root."""
    if not world_readable_python:
        raise SandboxError("cannot drop root: the Python installation is not readable by "
                           "other users; install bubblewrap (apt-get install bubblewrap), "
                           "install Python where all users can read it, or grade as a "
                           "normal user")
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def sandbox(job, notes):
    if job["mode"] == "direct":
        if job.get("namespaces", True):
            _isolate_network(notes)
        else:
            _block_sockets()
            notes.append("network: blocked in Python only (namespaces turned off)")
    _set_limits(job["limits"])
    if job["mode"] == "direct" and job.get("drop_uid"):
        _drop_to(job["drop_uid"], job.get("world_readable_python"))


def _stat_field(pid, index):
    """A field of /proc/<pid>/stat after the command name (0: state, 1: ppid, 2: pgrp)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[index])
    except (OSError, ValueError, IndexError):
        return None


def _lineage():
    """This process and its ancestors: in bubblewrap, the launchers the sandbox needs."""
    keep, pid = {1}, os.getpid()
    while pid and pid > 1 and pid not in keep:
        keep.add(pid)
        pid = _stat_field(pid, 1)
    return keep


#: How many sweeps of /proc a stray kill makes: a process that forks and exits may dodge one.
_SWEEPS = {"sandbox": 100, "group": 1, "uid": 0}


def _kill_strays(how, keep):
    """Kill what a cell forked and left running.

    ``how`` is ``"sandbox"`` in bubblewrap (/proc lists this sandbox's processes only: all but
    ``keep`` go), ``"uid"`` in direct mode with a user id of its own (kill(-1) reaches exactly
    that uid's other processes) or ``"group"`` otherwise (this run's process group; those that
    called setsid escape, and the grader kills the whole group at the end). The grader's final
    kill (cgroup, pid namespace) is what no process escapes; this one keeps later cells fast.
    """
    if how == "uid":
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
    group = os.getpgrp()
    for _ in range(_SWEEPS[how]):
        victims = [pid for pid in (int(e) for e in os.listdir("/proc") if e.isdigit())
                   if pid not in keep and (how != "group" or _stat_field(pid, 2) == group)]
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if not victims:
            break
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _magics_removed(source):
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        lines = lines[1:]
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            out.append(line[: len(line) - len(stripped)] + "pass  # IPython magic skipped")
        else:
            out.append(line)
    return "\n".join(out)


class _Timers:
    """A cell's two limits: CPU time of this process (SIGPROF) and wall-clock time (SIGALRM)."""

    def __init__(self, cpu, wall):
        self.cpu, self.wall, self.fired = cpu, wall, None
        signal.signal(signal.SIGPROF, self._fire)
        signal.signal(signal.SIGALRM, self._fire)

    def _fire(self, signum, frame):
        self.fired = "cpu" if signum == signal.SIGPROF else "wall"
        self.disarm()
        if self.fired == "cpu":
            raise CellTimeout(f"used more than its {self.cpu:g} s of CPU time")
        raise CellTimeout(f"ran longer than its {self.wall:g} s (wall clock)")

    def arm(self):
        self.fired = None
        signal.setitimer(signal.ITIMER_PROF, self.cpu)
        signal.setitimer(signal.ITIMER_REAL, self.wall)

    def disarm(self):
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)


def main():
    job = json.loads(sys.stdin.buffer.read())
    result_fd = job["result_fd"]
    notes, cells = [], []
    try:
        sandbox(job, notes)
    except (SandboxError, OSError) as exc:
        os.write(result_fd, json.dumps({"fatal": str(exc), "notes": notes}).encode())
        os._exit(3)
    os.chdir(job["workdir"])
    sys.path[0] = job["workdir"]
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # the job (hidden-test inputs) is no longer readable
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an output flood fails a write, not the run
    timers = _Timers(job["cell_cpu"], job["cell_wall"])
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    dumps, write, describe = json.dumps, os.write, _wire._describe

    main_pid = os.getpid()
    strays = job["strays"]
    keep = _lineage() if strays == "sandbox" else {main_pid}
    for index, source in enumerate(job["cells"]):
        try:
            timers.arm()
            try:
                exec(compile(_magics_removed(source), f"<cell {index + 1}>", "exec"), namespace)
            finally:
                timers.disarm()
        except BaseException as exc:  # the next cell still runs, as in a forgiving notebook
            cells.append({"cell": index + 1, "error": describe(exc),
                          "limit": timers.fired if isinstance(exc, CellTimeout) else None})
        if os.getpid() != main_pid:  # a forked copy of this runner: it must not report
            os._exit(0)
        _kill_strays(strays, keep)
        try:
            sys.stdout.flush()
        except BaseException:
            pass

    answers = {}
    for key, spec in job["probes"].items():
        try:
            timers.arm()
            try:
                answers[key] = _wire.probe(namespace, spec)
            finally:
                timers.disarm()
        except BaseException as exc:
            answers[key] = {"type": "error", "detail": describe(exc)}
            if isinstance(exc, CellTimeout):
                cells.append({"cell": "probe", "error": f"{key}: {describe(exc)}",
                              "limit": timers.fired})

    payload = dumps({"answers": answers, "cells": cells[:50], "notes": notes}).encode()
    os.lseek(result_fd, 0, os.SEEK_SET)
    os.ftruncate(result_fd, 0)
    while payload:
        payload = payload[write(result_fd, payload):]
    os._exit(0)  # skip the submission's atexit hooks and finalizers


if __name__ == "__main__":
    main()
