"""Lease a user id of its own to each sandboxed run, unique across every grader on the machine.

When the grader runs as root, each submission runs under a user id no other process uses: the
kernel's per-user limits (processes, pending signals, user namespaces) then count one run only,
and nothing the run leaves could be reached by the next. A lease is an exclusive ``flock`` on a
small file in a root-only folder; the kernel drops it when the holder exits, however it exits,
so a crashed grader never strands an id.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator

__all__ = ["LEASE_DIR", "POOL", "UID_BASE", "lease_uid"]

#: First id handed out, above the ranges distributions and container tools allocate
#: (system users, /etc/subuid blocks from 100000, systemd-nspawn's 524288-1879048191).
UID_BASE = 1_900_000_000
#: How many ids the pool holds: concurrent runs on the whole machine [count].
POOL = 4096
LEASE_DIR = "/run/lessons-grade/uids"


@contextlib.contextmanager
def lease_uid() -> Iterator[int]:
    """Hold a free user id (also used as the group id) for the duration of the ``with`` block."""
    os.makedirs(LEASE_DIR, mode=0o700, exist_ok=True)
    start = os.getpid() % POOL  # graders start their search at different places
    for i in range(POOL):
        slot = (start + i) % POOL
        fd = os.open(os.path.join(LEASE_DIR, str(slot)), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                     0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield UID_BASE + slot
        finally:
            os.close(fd)  # releases the lock
        return
    raise RuntimeError(f"all {POOL} sandbox user ids are in use; wait for other graders to end")
