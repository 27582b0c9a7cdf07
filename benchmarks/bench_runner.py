"""Parallel efficiency of the experiment runner: the same runs with 1 worker and with N workers.

    python benchmarks/bench_runner.py                      # 8 small-port runs, 1 vs 2 workers
    python benchmarks/bench_runner.py --runs 16 --workers 1 2 4
    python benchmarks/bench_runner.py --verification       # tiny runs: shows the per-run overhead

Each case is a fresh experiment folder (nothing to resume), timed end to end as a user sees it:
composing the configs, starting the worker processes, the runs, and writing the tables.
Efficiency = T(1) / (N x T(N)); "sim share" = the time spent inside sim.run (summed over runs,
from the manifest) divided by (N x wall time), i.e. how busy the workers were. Not a unit test:
numbers depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The calibrated port at a fifth of its volume and capacity (tests/conftest.py SMALL_PORT):
# about a second a run.
sys.path.insert(0, str(ROOT / "tests"))
from conftest import SMALL_PORT  # noqa: E402  (one definition of the small port)

SMALL_PORT = list(SMALL_PORT)
VERIFICATION = ["run.horizon_days=4", "run.warmup_days=1", "run.cooldown_days=1"]


def spec_for(runs: int, verification: bool):
    from sim.experiment import ExperimentSpec

    replications = max(1, runs // 2)
    return ExperimentSpec(
        name="bench",
        base="verification" if verification else "shanghai",
        scenarios={"baseline": [], "e_documents": ["policy=e_documents"]}
        if not verification
        else {"baseline": [], "more_officers": ["customs.doc_officers=9"]},
        replications=replications,
        overrides=VERIFICATION if verification else SMALL_PORT,
    )


def case(spec, workers: int) -> dict:
    from sim.experiment import read_manifest, run_runs

    with tempfile.TemporaryDirectory(prefix="bench_runner_") as tmp:
        started = time.perf_counter()
        table = run_runs(spec, tmp, workers=workers, progress=False)
        wall = time.perf_counter() - started
        sim_s = float(read_manifest(tmp).wall_s.sum())
    return {
        "workers": workers,
        "runs": len(table),
        "wall_s": wall,
        "sim_s": sim_s,
        "sim_share": sim_s / (workers * wall),
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--runs", type=int, default=8, help="runs per case (two scenarios)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--verification", action="store_true", help="tiny verification runs instead")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    spec = spec_for(args.runs, args.verification)
    results = [case(spec, w) for w in args.workers]
    t1 = next((r["wall_s"] for r in results if r["workers"] == 1), None)
    print(
        f"{'workers':>7} {'runs':>5} {'wall s':>8} {'runs/s':>7} {'speed-up':>8} {'efficiency':>10} {'sim share':>9}"
    )
    for r in results:
        r["speedup"] = t1 / r["wall_s"] if t1 else None
        r["efficiency"] = r["speedup"] / r["workers"] if t1 else None
        print(
            f"{r['workers']:>7} {r['runs']:>5} {r['wall_s']:>8.1f} {r['runs'] / r['wall_s']:>7.2f} "
            f"{r['speedup'] or float('nan'):>8.2f} {r['efficiency'] or float('nan'):>10.0%} {r['sim_share']:>9.0%}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
