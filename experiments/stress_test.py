"""The stress test: a demand surge, an inspection outage and vessel bunching, each without reform
and with the full reform package, against the unstressed port (:mod:`sim.studies.stress`).

    python experiments/stress_test.py                          # results/stress_test/<time>/
    python experiments/stress_test.py --out results/stress_test/reference   # resumes

Runs every scenario of configs/experiment/stress_test.yaml with the same replication seeds
(common random numbers), writes the standard comparison table, figures and report (baseline: no
stress, no reform), and ``stress_vs_reform.csv``: paired differences, per KPI, of

- ``package``: the full package against no reform under the same stress (how the reform holds up),
- ``stress``: each stress against no stress, without reform and with the full package
  (how much the stress hurts, and whether the package makes the port more or less fragile).

Two KPIs are added from the run summaries for this: ``inspection_wait_h`` (mean wait for an
inspection team, Little's law on the inspection station: mean number waiting / arrival rate,
measurement window to horizon) and ``import_red_clearance_time_h`` (mean clearance time of
red-channel imports).
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


def main(argv: list[str] | None = None, name: str = "stress_test") -> int:
    args = experiment_parser(__doc__).parse_args(argv)
    spec = spec_from_args(args, name)
    options = run_args(args)
    # lazy: the study loads pandas, Mesa and Matplotlib; a bad option is refused without them
    # (start-up time)
    from sim.studies.stress import OUTPUT, run_stress_test, summary_lines

    result, svr = run_stress_test(spec, out_dir(args, spec), **options)
    print(result.console)
    print("\n".join(summary_lines(svr)))
    print(f"Stress against reform: {result.out_dir / OUTPUT}")
    return 0 if result.ok else EXIT_RUN_FAILED


if __name__ == "__main__":
    guarded(main)
