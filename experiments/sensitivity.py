"""Sensitivity screening (Morris elementary effects): which inputs move the KPIs most.

    python experiments/sensitivity.py                                # results/sensitivity/<time>/
    python experiments/sensitivity.py --out results/sensitivity/reference   # resumes
    python experiments/sensitivity.py --trajectories 8 --replications 3     # a finer screening

Samples the Morris design of configs/experiment/sensitivity.yaml (12 parameters with ranges),
runs every sample point as one scenario with the same seeds (common random numbers; in a process
pool, resumable), then writes ``design.csv`` (the values each point ran with), ``morris.csv``
(per KPI and parameter: mu, mu*, its 95 % CI, sigma, rank) and report.md/.html (findings,
ranking tables, one tornado figure per KPI), and prints the ranking.
"""
from __future__ import annotations

import sys
import time

from sim.experiment.cli import default_out, experiment_parser
from sim.experiment.sensitivity import SensitivityStudy, kpi_axis_label


def ranking_lines(frames, top: int = 5) -> list[str]:
    lines = []
    for kpi, f in frames.items():
        lines.append(f"{kpi_axis_label(kpi)}  (baseline {f['kpi_baseline'].iloc[0]:,.1f}; "
                     f"{int(f['trajectories'].iloc[0])} trajectories)")
        for _, r in f.head(top).iterrows():
            lines.append(f"  {int(r['rank']):>2}. {r['parameter']:<32} mu* {r['mu_star']:10.2f} "
                         f"(+-{r['mu_star_conf']:.2f})  mu {r['mu']:+10.2f}  sigma {r['sigma']:9.2f}")
    return lines


def main(argv: list[str] | None = None, name: str = "sensitivity") -> None:
    ap = experiment_parser(__doc__, replications_help="seeds per sample point")
    ap.add_argument("--trajectories", type=int, help="Morris trajectories r (points: r (k + 1))")
    args = ap.parse_args(argv)
    study = SensitivityStudy.load(name)
    if args.replications or args.trajectories:
        study = study.with_options(trajectories=args.trajectories, replications=args.replications)
    spec, s = study.spec, study.settings
    out = args.out or default_out(name)
    print(f"{spec.name}: Morris screening of {s.k} parameters, {s.trajectories} trajectories x "
          f"{s.k + 1} points + baseline = {len(spec.scenarios)} scenarios x {spec.replications} "
          f"seeds = {len(spec.scenarios) * spec.replications} runs")
    started = time.perf_counter()
    result = study.run(out, workers=args.workers)
    print(f"\n{spec.name}: done in {time.perf_counter() - started:.0f} s. Most influential "
          "parameters (mu*: mean |elementary effect|, KPI change over the parameter's range):")
    print("\n".join(ranking_lines(result.frames)))
    print(f"\nReport: {result.report_html}\n        {result.report_md}\n"
          f"Tables: {result.morris_csv}, {out / 'design.csv'}, {out / 'summary.csv'}")


if __name__ == "__main__":
    main(sys.argv[1:])
