"""Sensitivity screening (Morris elementary effects): which inputs move the KPIs most.

    python experiments/sensitivity.py                                # results/sensitivity/<time>/
    python experiments/sensitivity.py --out results/sensitivity/reference   # resumes
    python experiments/sensitivity.py --trajectories 8 --replications 3     # a finer screening
    python experiments/sensitivity.py --quick      # 2 trajectories on a small section, 12 days

Samples the Morris design of configs/experiment/sensitivity.yaml (12 parameters with ranges),
runs every sample point as one scenario with the same seeds (common random numbers; in a process
pool, resumable), then writes ``design.csv`` (the values each point ran with), ``morris.csv``
(per KPI and parameter: mu, mu*, its 95 % CI, sigma, rank) and report.md/.html (findings,
ranking tables, one tornado figure per KPI), and prints the ranking.
"""
from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

from sim.experiment.cli import (
    EXIT_RUN_FAILED,
    check_workers,
    default_out,
    experiment_parser,
    guarded,
    run_args,
)
from sim.experiment.morris_design import MorrisSettings
from sim.experiment.spec import ExperimentSpec
from sim.schema.fields import check_field

if TYPE_CHECKING:
    from sim.studies.sensitivity import SensitivityStudy

QUICK_TRAJECTORIES = 2


def ranking_lines(frames, top: int = 5) -> list[str]:
    from sim.studies.sensitivity_report import kpi_axis_label  # lazy, as in study_from_args

    lines = []
    for kpi, f in frames.items():
        lines.append(f"{kpi_axis_label(kpi)}  (baseline {f['kpi_baseline'].iloc[0]:,.1f}; "
                     f"{int(f['trajectories'].iloc[0])} trajectories)")
        for _, r in f.head(top).iterrows():
            lines.append(f"  {int(r['rank']):>2}. {r['name']:<45} mu* {r['mu_star']:10.2f} "
                         f"(+-{r['mu_star_conf']:.2f})  mu {r['mu']:+10.2f}  sigma {r['sigma']:9.2f}")
    return lines


def study_from_args(args, name: str) -> SensitivityStudy:
    """The study with ``--quick`` (the spec's quick section, 2 trajectories), ``--replications``
    (seeds per point) and ``--trajectories`` applied."""
    # checked here, with the words every experiment script uses, as 0 would read as "not given"
    check_workers(args)
    if args.replications is not None:
        check_field(ExperimentSpec, "replications", args.replications)
    if args.trajectories is not None:
        check_field(MorrisSettings, "trajectories", args.trajectories, "morris.trajectories")
    # lazy: the study loads pandas, Mesa and Matplotlib; a bad option is refused without them
    # (start-up time)
    from sim.studies.sensitivity import SensitivityStudy

    study = SensitivityStudy.load(name)
    trajectories, replications, overrides = args.trajectories, args.replications, None
    if args.quick:
        quick = study.experiment.as_quick()
        overrides = quick.overrides
        trajectories = trajectories or QUICK_TRAJECTORIES
        replications = replications or quick.replications
    if trajectories or replications or overrides:
        study = study.with_options(trajectories=trajectories, replications=replications,
                                   overrides=overrides)
    if args.quick:
        study.spec = replace(study.spec, is_quick=True)
    return study


def main(argv: list[str] | None = None, name: str = "sensitivity") -> int:
    ap = experiment_parser(__doc__, replications_help="seeds per sample point")
    ap.add_argument("--trajectories", type=int, help="Morris trajectories r (points: r (k + 1))")
    args = ap.parse_args(argv)
    study = study_from_args(args, name)
    spec, s = study.spec, study.settings
    out = args.out or default_out(spec.name, spec.is_quick)
    print(f"{spec.name}{' (quick variant)' if spec.is_quick else ''}: Morris screening of {s.k} "
          f"parameters, {s.trajectories} trajectories x {s.k + 1} points + baseline = "
          f"{len(spec.scenarios)} scenarios x {spec.replications} seeds = "
          f"{len(spec.scenarios) * spec.replications} runs")
    started = time.perf_counter()
    from sim.experiment import failed_runs, run_runs  # lazy, as in study_from_args

    run_runs(spec, out, **run_args(args))  # the runs, on the chosen executor
    result = study.run(out, workers=args.workers)  # resumes them (nothing left) and analyses
    print(f"\n{spec.name}: done in {time.perf_counter() - started:.0f} s. Most influential "
          "parameters (mu*: mean |elementary effect|, KPI change over the parameter's range):")
    print("\n".join(ranking_lines(result.frames)))
    print(f"\nReport: {result.report_html}\n        {result.report_md}\n"
          f"Tables: {result.morris_csv}, {out}/design.csv, {out}/summary.csv")
    failures = failed_runs(out)
    if len(failures):
        print(f"\nFAILED: {len(failures)} run(s); see {out}/failures.csv")
        return EXIT_RUN_FAILED
    return 0


if __name__ == "__main__":
    guarded(main)
