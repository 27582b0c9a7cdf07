"""The policy comparison: baseline, each reform alone and the full package, with a report.

    python experiments/policy_comparison.py                       # results/policy_comparison/<time>/
    python experiments/policy_comparison.py --out results/policy_comparison/reference   # resumes

Runs every scenario of configs/experiment/policy_comparison.yaml with the same replication seeds
(common random numbers) in a process pool, then writes the comparison table, the figures and
report.md / report.html into the experiment folder and prints where they are. Re-running with the
same --out resumes: finished runs are kept.
"""
from __future__ import annotations

import time

from sim.experiment import run_experiment
from sim.experiment.analysis import analyse, headline
from sim.experiment.cli import experiment_args


def main(argv: list[str] | None = None, name: str = "policy_comparison") -> None:
    args, spec, out = experiment_args(name, __doc__, argv)
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
