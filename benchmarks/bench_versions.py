"""Boxes per second of the default run, this checkout against an earlier commit, paired.

    python benchmarks/bench_versions.py --before f240f50        # the commit before agents decided
    python benchmarks/bench_versions.py --before f240f50 --rounds 5 --days 20

The earlier commit is checked out into a temporary git worktree. Each round runs the default
``shanghai`` scenario (``--days`` horizon, a quarter of it warm-up) once with each version, each in
a fresh process on one core, in alternating order, and takes the ratio within the round, so a
machine that slows down or speeds up between rounds moves both sides alike. Reported per version:
consignments simulated per second of wall time (the whole run, drain included), and the ratio
after / before per round with its median. Not a unit test: the numbers depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = """
import json, sys
from sim import load_config, run
days = int(sys.argv[1])
overrides = [f"run.horizon_days={days}", f"run.warmup_days={days // 4}",
             f"run.cooldown_days={max(1, days // 8)}", "run.write_log=false"]
s = run(load_config("shanghai", overrides), seed=1).summary
print(json.dumps({"per_s": s["consignments_per_s"], "wall_s": s["wall_s"]}))
"""


def one_run(checkout: Path, days: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(checkout), "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", CASE, str(days)], cwd=checkout, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="git commit to compare against")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--days", type=int, default=20, help="horizon of the default run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(before), args.before], cwd=ROOT,
                       check=True, capture_output=True)
        try:
            rows = []
            for r in range(args.rounds):
                order = [("before", before), ("after", ROOT)][:: 1 if r % 2 == 0 else -1]
                result = {name: one_run(path, args.days) for name, path in order}
                ratio = result["after"]["per_s"] / result["before"]["per_s"]
                rows.append((result["before"]["per_s"], result["after"]["per_s"], ratio))
                print(f"round {r + 1}: before {rows[-1][0]:,.0f} boxes/s, after {rows[-1][1]:,.0f} "
                      f"boxes/s, after/before {ratio:.2f}", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT,
                           capture_output=True)
    print(f"\n| version | boxes/s (median of {args.rounds}) |\n|---|---|")
    print(f"| {args.before} (before) | {statistics.median(r[0] for r in rows):,.0f} |")
    print(f"| this checkout (after) | {statistics.median(r[1] for r in rows):,.0f} |")
    print(f"\nper-box cost after/before: x{1 / statistics.median(r[2] for r in rows):.2f} "
          f"(median of the rounds' ratios)")


if __name__ == "__main__":
    main()
