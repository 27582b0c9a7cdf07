"""The policy comparison: baseline, each reform alone and the full package, with a report.

    python experiments/policy_comparison.py                       # results/policy_comparison/<time>/
    python experiments/policy_comparison.py --out results/policy_comparison/reference   # resumes

Runs every scenario of configs/experiment/policy_comparison.yaml with the same replication seeds
(common random numbers) in a process pool, then writes the comparison table, the figures and
report.md / report.html into the experiment folder and prints where they are. Re-running with the
same --out resumes: finished runs are kept.
"""
from __future__ import annotations

import argparse
import time
from datetime import datetime
from pathlib import Path

from sim.experiment import ExperimentSpec, run_experiment
from sim.experiment.analysis import analyse, headline

ROOT = Path(__file__).resolve().parent.parent


def main(name: str = "policy_comparison") -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="experiment folder (default: results/<name>/<time>)")
    ap.add_argument("--workers", type=int, help="parallel runs (default: every CPU)")
    ap.add_argument("--replications", type=int, help="override the experiment's replications")
    args = ap.parse_args()
    spec = ExperimentSpec.load(name)
    if args.replications:
        spec.replications = args.replications
        spec.validate()
    out = args.out or ROOT / "results" / name / datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    started = time.perf_counter()
    run_experiment(spec, out, workers=args.workers)
    md, html, comparison = analyse(out, spec)
    print(f"\n{spec.name}: {len(spec.scenarios)} scenarios x {spec.replications} replications "
          f"in {time.perf_counter() - started:.0f} s")
    print("Change in mean import port time vs baseline (h, paired over common seeds):")
    print("\n".join(headline(comparison, spec)))
    print(f"\nReport: {html}\n        {md}\nTables: {out / 'comparison.csv'}, {out / 'summary.csv'}")


if __name__ == "__main__":
    main()
