"""Run the course's scaling study and write its table of final losses.

    python tools/run_study.py                   # the full study -> lessons/study_results.csv
    python tools/run_study.py --out new.csv     # the full study -> new.csv, to compare first
    python tools/run_study.py --tiny --out t.csv  # a 2 x 2 sweep in seconds

The configuration is :data:`lessons.study.STUDY` (``--tiny``: :data:`lessons.study.TINY`). Runs
go cheapest first on one core; the table is rewritten after every run, so an interrupted
sweep leaves the finished rows behind (the tests reject an incomplete table).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lessons.study import RESULTS_PATH, STUDY, TINY, run_sweep, write_results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="run the 2 x 2 sweep TINY")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"output CSV (default {RESULTS_PATH.name} in the package; "
                             "required with --tiny)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.tiny and args.out is None:
        parser.error("--tiny needs --out: the committed table is the full study's")
    config = TINY if args.tiny else STUDY
    out = RESULTS_PATH if args.out is None else args.out
    rows = run_sweep(config, progress=not args.quiet,
                     on_result=lambda done: write_results(done, out, config))
    write_results(rows, out, config)
    print(f"{len(rows)} runs written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
