"""The policy comparison: baseline, each reform alone and the full package, with a report.

    python experiments/policy_comparison.py                       # results/policy_comparison/<time>/
    python experiments/policy_comparison.py --out results/policy_comparison/reference   # resumes
    python experiments/policy_comparison.py --quick               # a small section, 3 seeds

Runs every scenario of configs/experiment/policy_comparison.yaml with the same replication seeds
(common random numbers) in parallel, then writes the comparison table, the figures and
report.md / report.html into the experiment folder and prints the headline (port time, cost
and missed offences per reform against the baseline) and where the report is. Re-running with
the same --out resumes: finished runs are kept.
"""
from __future__ import annotations

from sim.experiment.cli import (
    EXIT_RUN_FAILED,
    experiment_parser,
    guarded,
    out_dir,
    run_args,
    spec_from_args,
)


def main(argv: list[str] | None = None, name: str = "policy_comparison") -> int:
    args = experiment_parser(__doc__).parse_args(argv)
    spec = spec_from_args(args, name)
    options = run_args(args)
    # lazy: the study loads pandas, Mesa and Matplotlib; a bad option is refused without them
    # (start-up time)
    from sim.studies import run_experiment

    result = run_experiment(spec, out_dir(args, spec), **options)
    print(result.console)
    return 0 if result.ok else EXIT_RUN_FAILED


if __name__ == "__main__":
    guarded(main)
