"""The calibration check: the default ``shanghai`` scenario against the 2017 reference figures.

    python experiments/calibration.py                            # results/calibration/<time>/
    python experiments/calibration.py --out results/calibration/reference   # resumes
    python experiments/calibration.py --fit          # fit the unsourced behaviour to 2017 first

Runs the unchanged baseline (full scale, 60 days) with 5 replications (configs/experiment/
calibration.yaml), then writes ``calibration.csv`` (:func:`sim.reference.calibration_table`: per
reference figure the model mean, its 95 % CI half-width, the error and whether it is within
tolerance), ``figures/calibration.png``/``.svg`` (model mean with 95 % CI against the reference
and its tolerance band, per figure) and the standard report (sim.report) with the calibration
figure first and the one-scenario figures: stage and cost breakdowns, time distributions.
"""
from __future__ import annotations

import time
from pathlib import Path

from sim.experiment.cli import (
    EXIT_RUN_FAILED,
    experiment_parser,
    guarded,
    out_dir,
    run_args,
    spec_from_args,
)


def main(argv: list[str] | None = None, name: str = "calibration") -> int:
    parser = experiment_parser(__doc__)
    parser.add_argument("--fit", action="store_true",
                        help="fit the behavioural parameters without a source to the 2017 figures")
    args = parser.parse_args(argv)
    spec, options = spec_from_args(args, name), run_args(args)
    # lazy: the study loads pandas, Mesa and Matplotlib; a bad option is refused without them
    # (start-up time)
    from sim.experiment.tables import failed_runs
    from sim.studies.calibration import OUTPUT, fit_behaviour, run_calibration

    if args.fit:
        fit_behaviour()
        return 0
    out = Path(out_dir(args, spec)).expanduser().absolute()
    started = time.perf_counter()
    cal, figure, md, html = run_calibration(spec, out, **options)
    quick = " (quick variant: smaller section, shorter horizon)" if spec.is_quick else ""
    print(f"\n{spec.name}{quick}: {spec.base} x {spec.replications} replications in "
          f"{time.perf_counter() - started:.0f} s")
    print(cal.drop(columns="source").round(2).to_string(index=False))
    print(f"\n{figure.title}\nFigure: {figure.png}\nReport: {html}\n        {md}\n"
          f"Table:  {out / OUTPUT}")
    failures = failed_runs(out)
    if len(failures):
        print(f"\nFAILED: {len(failures)} run(s); see {out / 'failures.csv'}")
        return EXIT_RUN_FAILED
    return 0


if __name__ == "__main__":
    guarded(main)
