"""Remake the measured tables of the chapter on batch size, learning rate and schedules.

    python tools/run_schedule_studies.py noise                # -> lessons/noise_scale_results.csv
    python tools/run_schedule_studies.py cooldowns            # -> lessons/cooldown_results.csv
    python tools/run_schedule_studies.py noise --out new.csv  # the same measurement -> new.csv
    python tools/run_schedule_studies.py cooldowns --tiny --out t.csv   # a small one in seconds

``noise`` measures the gradient noise scale along one run of the course's model
(:data:`lessons.noise_study.NOISE_STUDY`, about two and a half minutes on one core);
``cooldowns`` trains cosine runs and cooldowns branched from one constant-rate run
(:data:`lessons.cooldown_study.COOLDOWN_STUDY`, about four minutes). ``--tiny`` runs the
``*_TINY`` configuration of the same module.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lessons import cooldown_study, noise_study

STUDIES = {
    "noise": (noise_study.NOISE_STUDY, noise_study.NOISE_TINY, noise_study.NOISE_RESULTS_PATH,
              noise_study.run_noise_study, noise_study.write_noise_results),
    "cooldowns": (cooldown_study.COOLDOWN_STUDY, cooldown_study.COOLDOWN_TINY,
                  cooldown_study.COOLDOWN_RESULTS_PATH, cooldown_study.run_cooldown_study,
                  cooldown_study.write_cooldown_results),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", choices=sorted(STUDIES), help="which table to remake")
    parser.add_argument("--tiny", action="store_true", help="run the small configuration")
    parser.add_argument("--out", type=Path, default=None,
                        help="output CSV (default: the committed table; required with --tiny)")
    args = parser.parse_args(argv)
    if args.tiny and args.out is None:
        parser.error("--tiny needs --out: the committed table is the full measurement's")
    full, tiny, committed, run, write = STUDIES[args.study]
    config = tiny if args.tiny else full
    out = committed if args.out is None else args.out
    rows = run(config)
    write(rows, out, config)
    print(f"{len(rows)} rows written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
