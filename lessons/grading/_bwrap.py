"""The sandbox's view of the machine, built with bubblewrap (Debian package ``bubblewrap``).

A submission sees a root filesystem made for it: the system libraries (``/usr``), the Python
installation, the ``lessons`` package and the published data tables, all read-only, and two
private, size-limited tmpfs (``/tmp``, its working folder, and ``/dev/shm``) that vanish with
it. Nothing else of the host is there, so no copy of the course is visible wherever it lies, and
nothing written survives the run. It gets new user, pid, network, IPC and UTS namespaces and
cannot create further user namespaces.

As root, two bubblewrap processes are nested, because bubblewrap run by an unprivileged user
can only mount what that user can reach, while the Python installation may sit in a private
folder (``/root/.pyenv``). The outer one (root) builds the read-only view and the pid, network,
IPC and UTS namespaces; ``setpriv`` drops to the run's own leased user id; the inner one (that
user) adds the user namespace and the private tmpfs. As a normal user one bubblewrap does all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["BWRAP", "SANDBOX_UID", "WORKDIR", "command", "exposed_paths"]

BWRAP = shutil.which("bwrap")
SETPRIV = shutil.which("setpriv")
#: The user id the notebook sees inside its user namespace (the same in every run, so that a
#: regrade is identical); outside, the run's leased id or the grader's own.
SANDBOX_UID = 1000
#: The notebook's working folder, home and temporary folder: the private tmpfs.
WORKDIR = "/tmp"
_SHM_SHARE = 4          # /dev/shm gets 1/4 of the disk budget, /tmp the rest
_MERGED_USR = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime")
#: Folders under /usr that hold people's files rather than the system's: covered, unless the
#: Python installation lives there.
_USR_MASKS = ("/usr/local", "/usr/src")


def _repository() -> Path | None:
    """The checkout around the ``lessons`` package, if it is installed from one (editable)."""
    import lessons

    repo = Path(lessons.__file__).resolve().parent.parent
    return repo if (repo / "pyproject.toml").is_file() else None


def _interpreter_path() -> list[str]:
    """``sys.path`` of the interpreter the runner uses, started as the runner is: no user site,
    no PYTHONPATH, from ``/`` (the grader's own ``sys.path`` also holds its working folder,
    which may be anyone's home)."""
    global _INTERPRETER_PATH
    if _INTERPRETER_PATH is None:
        out = subprocess.run([sys.executable, "-s", "-c", "import sys, json; "
                              "print(json.dumps(sys.path))"], cwd="/", capture_output=True,
                             text=True, env={"PATH": "/usr/bin:/bin"}, timeout=60, check=True)
        _INTERPRETER_PATH = [p for p in json.loads(out.stdout) if p]
    return _INTERPRETER_PATH


_INTERPRETER_PATH: list[str] | None = None


def exposed_paths() -> list[Path]:
    """The host folders a notebook needs, read-only: Python, site-packages, lessons, the data.

    A folder on ``sys.path`` that holds the course's repository (an editable install's root)
    is replaced by the ``lessons`` package folder alone, so ``solutions/`` never shows.
    """
    import lessons

    repo = _repository()
    wanted = {Path(sys.prefix), Path(sys.base_prefix), Path(lessons.__file__).parent,
              Path(sys.executable).resolve().parent}
    wanted |= {Path(p) for p in _interpreter_path() if os.path.isdir(p)}
    data = os.environ.get("LESSONS_DATA_DIR")
    if data and os.path.isdir(data):
        wanted.add(Path(data))
    resolved = {p.resolve() for p in wanted}
    # The checkout itself, or a folder above it: the package alone is exposed.
    return sorted(p for p in resolved
                  if repo is None or not (p == repo or p in repo.parents))


def _outermost(paths: set[Path]) -> list[Path]:
    return sorted(p for p in paths if not any(q in p.parents for q in paths))


def _dirs(paths, below: Path = Path("/")) -> list[str]:
    """``--dir`` arguments for the folders between ``below`` and each path, mode 0755
    (bubblewrap would make them 0700, which the run's user could not enter)."""
    folders = {a for p in paths for a in p.parents if below in a.parents}
    return [arg for d in sorted(folders, key=lambda a: len(a.parts))
            for arg in ("--perms", "0755", "--dir", str(d))]


def _view(needed: list[Path], private: list[Path]) -> list[str]:
    """bwrap arguments for the read-only view: binds, covers over private folders, links."""
    binds = _outermost({Path("/usr"), *needed})
    args = _dirs(binds)
    for p in binds:
        args += ["--ro-bind", str(p), str(p)]
    repo = _repository()
    hide = {p.resolve() for p in private} | {Path(m) for m in _USR_MASKS}
    hide |= {repo} if repo is not None else set()
    for m in _outermost({h for h in hide if h.exists() and any(b in h.parents for b in binds)}):
        inside = [p for p in needed if m in p.parents]  # what Python needs back
        args += ["--perms", "0755", "--tmpfs", str(m), *_dirs(inside, below=m)]
        for p in inside:
            args += ["--ro-bind", str(p), str(p)]
        args += ["--remount-ro", str(m)]
    for link in _MERGED_USR:
        if os.path.islink(link):
            args += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            args += ["--ro-bind", link, link]
    for f in _ETC:
        args += ["--ro-bind-try", f, f]
    return args


def _inner(argv: list[str], disk: int) -> list[str]:
    """The unprivileged layer: user namespace, private tmpfs, fixed ids, then the command.

    What Python needs from under the host's ``/tmp`` (a virtual environment made there, the
    data tables) is bound back, read-only, over the private tmpfs that covers it.
    """
    shm = max(1, disk // _SHM_SHARE)
    under = [p for p in exposed_paths() if Path(WORKDIR) in p.parents]
    back = _dirs(under, below=Path(WORKDIR))
    for p in _outermost(set(under)):
        back += ["--ro-bind", str(p), str(p)]
    return ["--unshare-user", "--disable-userns", "--uid", str(SANDBOX_UID),
            "--gid", str(SANDBOX_UID), "--size", str(disk - shm), "--tmpfs", WORKDIR, *back,
            "--size", str(shm), "--tmpfs", "/dev/shm", "--chdir", WORKDIR, "--", *argv]


_NAMESPACES = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
               "--unshare-cgroup-try", "--hostname", "sandbox", "--die-with-parent",
               "--new-session"]


def command(argv: list[str], *, env: dict, disk: int, uid: int | None,
            private: list[Path] = ()) -> list[str]:
    """The command line that runs ``argv`` in the sandbox.

    Parameters
    ----------
    argv : list of str
        The program and its arguments, with paths as they are on the host.
    env : dict
        The whole environment the program gets.
    disk : int
        Files it may write in total, in ``/tmp`` and ``/dev/shm`` together [bytes].
    uid : int or None
        The host user id to run as (root only: the leased id); None runs as the grader's user.
    private : list of Path
        Folders that must stay hidden even if they lie inside an exposed folder.
    """
    if BWRAP is None:
        raise FileNotFoundError("bwrap")
    setenv = [a for k, v in sorted(env.items()) for a in ("--setenv", k, v)]
    view = _view(exposed_paths(), list(private))
    if uid is None:
        return [BWRAP, *_NAMESPACES, "--clearenv", *setenv, *view, "--proc", "/proc",
                "--dev", "/dev", *_inner(argv, disk)]
    if SETPRIV is None:
        raise FileNotFoundError("setpriv")
    outer = [BWRAP, *_NAMESPACES, "--clearenv", *setenv, *view, "--proc", "/proc", "--dev",
             "/dev", "--perms", "0755", "--dir", WORKDIR, "--cap-drop", "ALL",
             "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--"]
    drop = [SETPRIV, f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]
    # The inner bwrap sees the outer view: it re-binds it whole, with its own /dev.
    inner = [BWRAP, "--ro-bind", "/", "/", "--dev", "/dev", "--ro-bind", "/proc", "/proc",
             *_inner(argv, disk)]
    return [*outer, *drop, *inner]
