"""Benchmark the autograder: 100 synthetic submissions, graded sequentially then in parallel.

    python bench/grade.py [--n 100] [--jobs N]

Submissions are the FLOPs solution with a seeded random subset of answers reset to the stub
(``...``), so their grades differ. Each is graded as the course grades it: run with its own
question inputs and again with the hidden ones (``--public-only`` runs the first alone, to
show what the second run costs). Prints seconds per submission for each mode and the speed-up;
it asserts nothing about time (machines differ), only that both modes give the same grades.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import tempfile
import time
from pathlib import Path

from lessons.grading.autograde import collect, grade_all
from lessons.grading.inputs import load_grading
from lessons.grading.sandbox import isolation

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "flops.ipynb"
_ANSWER_LINE = re.compile(r"^(q\d+_\w+) = .*$", re.M)


def synthetic(folder: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    base = json.loads(SOLUTION.read_text())
    base["cells"] = [c for c in base["cells"]
                     if not {"hidden-tests", "hidden-run"} & set(c["metadata"].get("tags", []))]
    for i in range(n):
        nb = json.loads(json.dumps(base))
        for cell in nb["cells"]:
            src = "".join(cell["source"])
            cell["source"] = _ANSWER_LINE.sub(
                lambda m: f"{m.group(1)} = ..." if rng.random() < 0.3 else m.group(0), src)
        (folder / f"student{i:03d}.ipynb").write_text(json.dumps(nb))


def _sandbox_cpu() -> float:
    """CPU seconds used by the sandboxed runs so far: independent of other load on the machine.

    From the grader's cgroups where it has them (a run's processes live in namespaces whose
    rusage does not reach this process), else from the finished child processes.
    """
    where = isolation().cgroups
    if where is not None:
        return where.cpu_seconds()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--public-only", action="store_true",
                    help="grade on the notebook's own inputs alone (one run per submission)")
    args = ap.parse_args()
    grading = load_grading(SOLUTION)
    suite = grading.public if args.public_only else grading
    print("isolation:", "; ".join(isolation().notes))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        synthetic(folder, args.n)
        items = collect(folder)
        timings, results = {}, {}
        for label, jobs in (("sequential", 1), (f"parallel ({args.jobs} jobs)", args.jobs)):
            cpu0, start = _sandbox_cpu(), time.perf_counter()
            grades = grade_all(items, suite, jobs=jobs, private=(folder, SOLUTION.parent),
                               progress=False)
            timings[label] = time.perf_counter() - start
            cpu = (_sandbox_cpu() - cpu0) / args.n
            results[label] = [(g.student, g.total, g.status) for g in grades]
            print(f"{label:>22}: {timings[label] / args.n:.3f} s per submission "
                  f"({timings[label]:.1f} s for {args.n}; {cpu:.3f} CPU-s per submission)")
    seq, par = timings.values()
    same = len(set(map(tuple, results.values()))) == 1
    print(f"{'speed-up':>22}: {seq / par:.2f}x on {os.cpu_count()} cores; "
          f"same grades in both modes: {same}; load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
