"""Run any experiment, a named one or your own YAML sweep, to its comparison tables and report.

    python experiments/run_scenario.py inspection_teams --quick          # about a minute
    python experiments/run_scenario.py my_sweep.yaml --out results/my_sweep/run1   # resumes
    python experiments/run_scenario.py policy_comparison --executor slurm --workers 64 \\
        --partition compute --out /scratch/$USER/policy_comparison

Runs every scenario of the experiment with the same replication seeds (common random numbers),
then writes comparison.csv, figures/ and report.md/.html into the experiment folder and prints
the headline: port time, cost and missed offences per scenario against the baseline.
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


def main(argv: list[str] | None = None) -> int:
    args = experiment_parser(__doc__, named=False).parse_args(argv)
    spec = spec_from_args(args, args.experiment)
    options = run_args(args)
    # lazy: the study loads pandas, Mesa and Matplotlib; a bad option is refused without them
    # (start-up time)
    from sim.studies import run_experiment

    result = run_experiment(spec, out_dir(args, spec), **options)
    print(result.console)
    return 0 if result.ok else EXIT_RUN_FAILED


if __name__ == "__main__":
    guarded(main)
