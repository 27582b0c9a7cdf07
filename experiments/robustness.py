"""Robustness: which reform effects hold when the assumptions move, and where reforms fail.

    python experiments/robustness.py                               # results/robustness/<time>/
    python experiments/robustness.py --out results/robustness/reference    # resumes
    python experiments/robustness.py --points 16 --replications 3          # a finer design
    python experiments/robustness.py --out results/robustness/reference --analyse-only
                                        # tables and figures again from samples.csv, nothing run
    python experiments/robustness.py --experiment robustness_discovery    # PRIM over fewer
                                        # assumptions and more points (results/robustness_discovery/)

Samples the ranges of every assumed or calibrated value (configs/uncertainty/shanghai.yaml) as
configured in configs/experiment/robustness.yaml, runs the baseline and each reform at every
sample point with the same seeds (common random numbers) and the nominal point with more seeds,
then writes into the experiment folder: samples.csv (point x scenario x seed, parameter values
and KPIs), design.csv, robustness.csv (per reform and KPI: the simulation-noise band beside the
assumption band, and sign flips), prim_boxes.csv (PRIM: where the assumptions make a reform
fail), sobol.csv (Sobol design only) and figures/robustness.png, figures/prim_boxes.png.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from sim.experiment.cli import check_workers, default_out, experiment_parser
from sim.reforms import scenario_title
from sim.schema.errors import ConfigError


def band_lines(table) -> list[str]:
    from sim.analysis.robustness_figures import kpi_title  # lazy, as in run()

    lines = []
    for kpi, rows in table.groupby("kpi", sort=False):
        lines.append(f"{kpi_title(kpi)}: effect at the nominal point "
                     "[noise 95 % CI] [assumptions 5-95 %]")
        for _, r in rows.iterrows():
            lines.append(f"  {scenario_title(r['scenario']):<28} {r['nominal']:+10.2f}  [{r['noise_low']:+.2f}, "
                         f"{r['noise_high']:+.2f}]  [{r['assumption_low']:+.2f}, "
                         f"{r['assumption_high']:+.2f}]  sign flips {r['sign_flips']:.0%}")
    return lines


def main(argv: list[str] | None = None) -> None:
    ap = experiment_parser(__doc__, replications_help="seeds per sample point")
    ap.add_argument("--experiment", default="robustness",
                    help="configs/experiment/<name>.yaml with a robustness section (default: "
                         "robustness; robustness_discovery: PRIM over fewer assumptions)")
    ap.add_argument("--points", type=int, help="sample points (Sobol design: base samples N)")
    ap.add_argument("--analyse-only", action="store_true",
                    help="re-analyse the finished folder --out from its samples.csv: no run")
    try:
        args = ap.parse_args(argv)
        check_workers(args)
        run(args, args.experiment)
    except ConfigError as err:
        print(f"clearway: config error: {err}", file=sys.stderr)
        raise SystemExit(2) from None


def run(args, name: str) -> None:
    # lazy: the study loads pandas, SciPy and Matplotlib; --help, an unknown option and --workers
    # are answered without them (start-up time)
    import pandas as pd

    from sim.analysis.robustness import analyse_robustness, sign_flip_lines
    from sim.experiment.robustness import SAMPLES_CSV, RobustnessStudy

    started = time.perf_counter()
    if args.analyse_only:
        if not args.out:
            raise ConfigError("--analyse-only", "needs --out, the finished folder to re-analyse")
        out = Path(args.out)
        study = RobustnessStudy.finished(out, name)
        samples = pd.read_csv(out / SAMPLES_CSV)
    else:
        study = RobustnessStudy.load(name, points=args.points, replications=args.replications)
        s = study.settings
        out = Path(args.out) if args.out else default_out(name)
        print(f"{study.experiment.name}: {s.design} design of {len(study.ranges.parameters)} "
              f"parameters, {len(study.point_names)} points x {study.experiment.replications} "
              f"seeds + the nominal point x {s.nominal_replications} seeds, "
              f"{len(study.experiment.scenarios)} scenarios = {study.runs} runs")
        samples = study.run(out, workers=args.workers)
    result = analyse_robustness(out, study, samples)
    print(f"\n{study.experiment.name}: done in {time.perf_counter() - started:.0f} s")
    print("\n".join(band_lines(result.bands)))
    flips = sign_flip_lines(result.bands)
    print("\nEffects whose sign depends on an assumption:" if flips
          else "\nNo effect changes sign.")
    print("\n".join(f"  {line}" for line in flips))
    if result.boxes is not None:
        from sim.analysis.scenario_discovery import box_lines

        lines = box_lines(result.boxes)
        print("\nWhere reforms fail (PRIM):" if lines
              else "\nPRIM found no region where a reform fails beyond chance.")
        print("\n".join(f"  {line}" for line in lines))
    print(f"\nTables: {out / 'robustness.csv'}, {out / 'prim_boxes.csv'}, {out / 'samples.csv'}\n"
          f"Figures: {', '.join(str(f) for f in result.figures)}")


if __name__ == "__main__":
    main(sys.argv[1:])
