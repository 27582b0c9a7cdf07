"""Memory and time of run after run in one process, as an experiment's warm worker runs them.

    python benchmarks/bench_warm_worker.py                    # 5 baseline runs of the main job
    python benchmarks/bench_warm_worker.py --runs 10 --scenario full

Runs one scenario of the policy comparison (``configs/experiment/policy_comparison.yaml``: its
section, horizon and e-commerce terminal) with seeds 1, 2, ... in this process through
``sim.run``, and prints after each run its seconds, the process's resident memory (RSS, MB) and
how many models Mesa still holds (``mesa.Agent._ids``). Flat RSS and zero models: each run's port
is freed when the run returns (:func:`sim.model.forgotten_by_mesa`). Until 2 December 2026 each
run of the baseline left about 50 MB behind. Not a unit test: the numbers depend on the machine.
"""
from __future__ import annotations

import argparse
import time

from bench_memory import rss_mb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scenario", default="baseline", help="a scenario of the policy comparison")
    args = ap.parse_args()

    import mesa

    from sim.experiment import ExperimentSpec
    from sim.loading import load_config
    from sim.run import run

    spec = ExperimentSpec.load("policy_comparison")
    config = load_config(spec.base, spec.scenario_overrides(args.scenario))
    print(f"RSS before the first run: {rss_mb():,.0f} MB")
    print("| run (seed) | s | RSS after it (MB) | models Mesa holds |")
    print("|---|---|---|---|")
    for seed in range(1, args.runs + 1):
        started = time.perf_counter()
        run(config, seed=seed)
        print(f"| {seed} | {time.perf_counter() - started:.1f} | {rss_mb():,.0f} | {len(mesa.Agent._ids)} |",
              flush=True)


if __name__ == "__main__":
    main()
