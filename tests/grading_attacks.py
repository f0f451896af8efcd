"""Notebooks and attacks shared by the autograder's tests (not a test module itself).

Every attack that needs to report what it saw smuggles it out as JSON in ``q8_answer`` (a
multiple-choice answer, so a string), which the tests read from the decoded answers.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import pytest

from lessons.grading import sandbox

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "flops.ipynb"
EXERCISE = ROOT / "exercises" / "flops.ipynb"
#: A name no other test or grader uses: files and processes of these attacks carry it.
MARKER = f"lessons-attack-{os.getpid()}-{secrets.token_hex(4)}"
#: Files the tests themselves put in /tmp (servers, a copy of the course): not leftovers.
FIXTURE = MARKER.replace("attack", "fixture")


def answered(**overrides) -> dict:
    """The flops solution notebook without its hidden cells; ``old=new`` edits its sources."""
    nb = json.loads(SOLUTION.read_text())
    nb["cells"] = [c for c in nb["cells"]
                   if not {"hidden-tests", "hidden-run"} & set(c["metadata"].get("tags", []))]
    unused = set(overrides)
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        for old, new in overrides.items():
            if old in src:
                src, _ = src.replace(old, new), unused.discard(old)
        cell["source"] = src
    assert not unused, f"edits that match no cell of the solution: {sorted(unused)}"
    return nb


def code(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
            "execution_count": None}


def with_cell(source: str, at: int = 1) -> dict:
    """The solution with one more code cell, at position ``at`` (-1: at the end)."""
    nb = answered()
    nb["cells"].insert(len(nb["cells"]) if at == -1 else at, code(source))
    return nb


def report(expr: str) -> str:
    """A line that sends ``expr`` out as JSON in ``q8_answer``."""
    return f"\nimport json as _json\nq8_answer = _json.dumps({expr})\n"


def needs_bwrap():
    iso = sandbox.isolation()
    if not iso.bwrap:
        pytest.skip("needs bubblewrap (apt-get install bubblewrap; CI installs it): without "
                    f"it the grader falls back and says so ({iso.notes[0]})")


def needs_cgroups():
    iso = sandbox.isolation()
    if iso.cgroups is None:
        pytest.skip("needs root and cgroups (CI runs as root): without them limits are per "
                    f"process, and the feedback says so ({iso.notes[1]})")


def marked_processes() -> list[int]:
    """Host processes whose environment carries :data:`MARKER` (those of this test only)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as fh:
                    if MARKER.encode() in fh.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def host_leftovers() -> list[str]:
    """Files named with :data:`MARKER` in the host's /tmp and /dev/shm."""
    return sorted(str(p) for d in ("/tmp", "/dev/shm") for p in Path(d).glob(f"{MARKER}*"))


# --- Attacks ----------------------------------------------------------------------------------

STUBBORN = """
while True:
    try:
        while True:
            pass
    except BaseException:
        pass
"""
FORK_BOMB = f"""
import os
os.environ["LESSONS_ATTACK"] = "{MARKER}"
while True:
    try:
        os.fork()
    except OSError:
        pass
"""
HOG = f"""
import os, time
os.environ["LESSONS_ATTACK"] = "{MARKER}"
for _ in range(62):
    try:
        if os.fork() == 0:
            while True:
                pass
    except OSError:
        break
time.sleep(3600)
"""
# Forks and exits faster than any scan of /proc, and tries to leave files for later runs.
ESCAPE = f"""
import os
os.environ["LESSONS_ATTACK"] = "{MARKER}"
if os.fork() == 0:
    os.setsid()
    while True:
        if os.fork():
            os._exit(0)
        for path in ("/tmp/{MARKER}-escape", "/dev/shm/{MARKER}-escape"):
            try:
                with open(path, "w") as fh:
                    fh.write("q8_answer = 'c'")
            except OSError:
                pass
"""
DISK = f"""
written, errors = {{}}, {{}}
for folder in ("/tmp", "/dev/shm"):
    written[folder] = 0
    try:
        for i in range(400):  # 1.6 GB in each if nothing stops it
            with open(f"{{folder}}/{MARKER}-flood-{{i}}", "wb") as fh:
                fh.write(b"x" * 4 * 2**20)
            written[folder] += 4 * 2**20
    except OSError as exc:
        errors[folder] = exc.strerror
""" + report('{"written": written, "errors": errors}')
PERSIST = f"""
import os
path = "/tmp/{MARKER}-counter"
count = int(open(path).read()) + 1 if os.path.exists(path) else 1
open(path, "w").write(str(count))
""" + report("count")
SNOOP = """
import os
found = {}
for label, path in PATHS.items():
    try:
        found[label] = sorted(os.listdir(path)) if os.path.isdir(path) else open(path).read()[:50]
    except OSError as exc:
        found[label] = type(exc).__name__
found["env"] = sorted(os.environ)
found["uid"] = os.getuid()
""" + report("found")
SOCKETS = """
import socket
result = []
for family, address in ADDRESSES:
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(address)
        result.append("connected")
    except OSError as exc:
        result.append(type(exc).__name__)
    finally:
        s.close()
""" + report("result")
# Writes result data of its own to every inherited file, then exits before the runner does.
FORGE = """
import os
for fd in range(3, 64):
    try:
        os.lseek(fd, 0, 0)
        os.write(fd, PAYLOAD.encode())
    except OSError:
        pass
os._exit(0)
"""
#: Result data nested far deeper than any JSON parser's recursion allows.
DEEP_JSON = "[" * 200_000 + "]" * 200_000
_NESTED_WIRE = '{"type": "list", "value": [' * 50 + '{"type": "int", "value": 1}' + "]}" * 50
#: Valid JSON whose values cannot be decoded: a float that overflows, an infinite shape, a wire
#: value nested deeper than the encoder ever makes, and a 5,000-digit integer as a string.
FORGED_VALUES = ('{"answers": {"q1_flops": {"type": "float", "value": 1e999}, '
                 '"q1_h100_hours": {"type": "float", "value": "1' + "0" * 5000 + '"}, '
                 '"q3_h100_hours": {"type": "ndarray", "shape": [1e400], "kind": "f", '
                 '"value": [1.0]}, "q3_card_ratio": ' + _NESTED_WIRE + "}}")
