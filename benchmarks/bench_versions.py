"""Boxes per second, this checkout against an earlier commit, paired.

    python benchmarks/bench_versions.py --before f240f50        # the default run, 20 days
    python benchmarks/bench_versions.py --before f240f50 --rounds 5 --days 20
    python benchmarks/bench_versions.py --before 992a039 --case policy_comparison   # the main job's run
    python benchmarks/bench_versions.py --before 992a039 --case policy_comparison --overrides package=full

The earlier commit is checked out into a temporary git worktree. Each round runs the case once
with each version, each in a fresh process on one core, in alternating order, and takes the ratio
within the round, so a machine that slows down or speeds up between rounds moves both sides alike.
Cases: ``default`` is the ``shanghai`` scenario (``--days`` horizon, a quarter of it warm-up);
``policy_comparison`` is one run of the main job (``configs/experiment/policy_comparison.yaml``:
its section, horizon and e-commerce terminal), baseline unless ``--overrides`` names a scenario's.
Reported per version: consignments simulated per second of the run (drain included), by wall
clock and by the process's CPU time (steadier on a shared machine), and the ratio after / before
per round with its median. Not a unit test: the numbers depend on the machine.
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
import json, sys, time
import yaml
from sim import load_config, run
case, days, extra = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
if case == "default":
    overrides = [f"run.horizon_days={days}", f"run.warmup_days={days // 4}",
                 f"run.cooldown_days={max(1, days // 8)}"]
else:
    overrides = yaml.safe_load(open("configs/experiment/policy_comparison.yaml"))["overrides"]
config = load_config("shanghai", [*overrides, *extra, "run.write_log=false"])
cpu_started = time.process_time()
s = run(config, seed=1).summary
cpu_s = time.process_time() - cpu_started
n = s["consignments_per_s"] * s["wall_s"]
print(json.dumps({"per_s": s["consignments_per_s"], "per_cpu_s": n / cpu_s, "wall_s": s["wall_s"]}))
"""


def one_run(checkout: Path, case: str, days: int, overrides: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(checkout), "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", CASE, case, str(days), *overrides], cwd=checkout, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="git commit to compare against")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--days", type=int, default=20, help="horizon of the default run")
    parser.add_argument("--case", choices=("default", "policy_comparison"), default="default")
    parser.add_argument("--overrides", nargs="*", default=[],
                        help="extra overrides, e.g. package=full (the same for both versions)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(before), args.before], cwd=ROOT,
                       check=True, capture_output=True)
        try:
            rows = []
            for r in range(args.rounds):
                order = [("before", before), ("after", ROOT)][:: 1 if r % 2 == 0 else -1]
                result = {name: one_run(path, args.case, args.days, args.overrides) for name, path in order}
                b, a = result["before"], result["after"]
                rows.append((b["per_s"], a["per_s"], a["per_s"] / b["per_s"],
                             b["per_cpu_s"], a["per_cpu_s"], a["per_cpu_s"] / b["per_cpu_s"]))
                print(f"round {r + 1}: before {b['per_s']:,.0f} boxes/s ({b['per_cpu_s']:,.0f} per CPU s), "
                      f"after {a['per_s']:,.0f} ({a['per_cpu_s']:,.0f}), after/before {rows[-1][2]:.2f} "
                      f"(CPU {rows[-1][5]:.2f})", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT,
                           capture_output=True)

    def median(k: int) -> float:
        return statistics.median(r[k] for r in rows)

    print(f"\ncase: {args.case} {' '.join(args.overrides)}")
    print(f"| version | boxes/s (median of {args.rounds}) | boxes per CPU s |\n|---|---|---|")
    print(f"| {args.before} (before) | {median(0):,.0f} | {median(3):,.0f} |")
    print(f"| this checkout (after) | {median(1):,.0f} | {median(4):,.0f} |")
    print(f"\nper-box cost after/before: x{1 / median(2):.2f} by wall clock, x{1 / median(5):.2f} by CPU "
          f"time (medians of the rounds' ratios)")

if __name__ == "__main__":
    main()
