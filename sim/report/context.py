"""What an experiment simulated, in words: the context the report and the brief open with,
the failed runs, and the methods paragraph (where the one significance rule is stated).

Everything comes from ``spec_info`` (the experiment's design, see
:func:`sim.report.write_report`), the runs table and the experiment folder's failed runs
(:func:`sim.experiment.tables.failed_runs`).
"""

from __future__ import annotations

import pandas as pd

from sim.analysis.runs import finished_runs
from sim.intervals import CONFIDENCE
from sim.plots.distributions import adoption_series, route_title
from sim.plots.style import fmt, scenario_label

PORTS = {"shanghai": "Shanghai (Yangshan) container port with its bonded zone and bunker market"}
NOT_COVERED = (
    "what a reform costs customs and the port to introduce (IT, staff, training);",
    "duties, demurrage and the cost of deferring duties (two-step only shortens preparation);",
    "trade volumes answering to faster clearance: demand is the same in every scenario;",
    "offenders changing their behaviour when inspections fall (offence rates are fixed);",
    "unsafe or non-conforming goods as such: the certification lab finds no offences, so "
    "certification by enterprise gives up no control at the border;",
    "bunker demand tied to the container calls, and bonded-zone orders growing with the port "
    "section (the zone's volume is the same in every section, so its boxes are a larger share "
    "of a smaller section's imports);",
    "uncertainty in the assumed parameters beyond the robustness experiment: its bands cover "
    "the reforms and measures it sampled; every other interval covers simulation noise only.",
)


def incomplete_scenarios(failures: pd.DataFrame) -> list[str]:
    """Scenarios with at least one failed run, in file order."""
    return list(dict.fromkeys(failures["scenario"].astype(str)))


def complete_comparison(comparison: pd.DataFrame, failures: pd.DataFrame) -> pd.DataFrame:
    """The comparison without incomplete scenarios (none but the baseline if it is incomplete)."""
    incomplete = set(incomplete_scenarios(failures))
    if not incomplete:
        return comparison
    baseline = comparison["is_baseline"].astype(bool)
    if incomplete & set(comparison.loc[baseline, "scenario"]):
        return comparison[baseline]
    return comparison[~comparison["scenario"].isin(incomplete)]


def failure_lines(failures: pd.DataFrame, baseline: str, labels=None) -> list[str]:
    """The failure box: one line per failed run and what is left out; [] when none failed."""
    if failures.empty:
        return []
    incomplete = incomplete_scenarios(failures)
    lines = [f"**{len(failures)} run(s) failed.** "
             + ("The baseline is incomplete, so no scenario is compared with it."
                if baseline in incomplete else
                "Scenarios with a failed run are not compared: "
                + ", ".join(scenario_label(s, labels) for s in incomplete) + ".")]
    for _, f in failures.iterrows():
        error = str(f.get("error", "")).strip().splitlines()
        lines.append(f"{scenario_label(str(f['scenario']), labels)}, seed {f['seed']}: "
                     f"{error[-1] if error else 'no message'} (`{f.get('run_dir', '')}`)")
    return lines


def final_adoption(dailies: dict) -> dict[str, tuple[float, float]]:
    """``{route: (share, day)}``: the highest mean opted-in share on the last day over the
    scenarios, per fast-lane route (from the runs' daily frames; {} without adoption)."""
    out = {}
    for col, per in adoption_series(dailies).items():
        finals = [(float(f.iloc[-1].mean()), float(f.index[-1])) for f in per.values()]
        share, day = max(finals)
        if share > 0:
            out[col[: -len("_adoption")]] = (share, day)
    return out


def measured_days(spec_info: dict) -> float | None:
    keys = ("horizon_days", "warmup_days", "cooldown_days")
    if not set(keys) <= spec_info.keys():
        return None
    return spec_info["horizon_days"] - spec_info["warmup_days"] - spec_info["cooldown_days"]


def context_lines(table: pd.DataFrame, spec_info: dict, labels=None) -> list[str]:
    """What was simulated: port, section, horizon and warm-up, roll-out, replications, units."""
    lines = []
    base = spec_info.get("base")
    if base:
        lines.append(f"**Port**: {PORTS.get(base, f'scenario `{base}`')} (config `{base}`).")
    boxes = spec_info.get("boxes_per_day") or {}
    share = spec_info.get("section_share")
    if boxes:
        flows = " and ".join(f"{fmt(v, 0)} {k} boxes a day" for k, v in boxes.items())
        of = f": {fmt(100 * share, 0)} % of the calibrated section" if share else ""
        lines.append(f"**Section**: {flows}{of}, with every capacity scaled alike.")
    days = measured_days(spec_info)
    if days is not None:
        lines.append(
            f"**Horizon**: {spec_info['horizon_days']:g} days per run; the first "
            f"{spec_info['warmup_days']:g} (warm-up, while the empty port fills) and the last "
            f"{spec_info['cooldown_days']:g} (cool-down) are not measured: {days:g} measured days.")
    lines.append(_rollout_line(spec_info))
    runs = finished_runs(table)
    if len(runs):
        per = runs.groupby("scenario").size()
        reps = f"{per.min()}" if per.min() == per.max() else f"{per.min()} to {per.max()}"
        lines.append(f"**Replications**: {reps} per scenario, the same seeds in every scenario "
                     "(common random numbers), so each reform is compared seed by seed.")
    lines.append(_units_line(spec_info, days))
    return lines


def _rollout_line(spec_info: dict) -> str:
    text = ("**Roll-out**: every reform is on from day 0 of a run. Firms join direct pickup, "
            "direct loading and shared warehousing by learning, so their effects are those of a "
            "roll-out in progress")
    adoption = spec_info.get("adoption") or {}
    if adoption:
        text += " (opted-in share of eligible volume on the last day: " + "; ".join(
            f"{route_title(route)} {fmt(100 * share, 0)} % on day {day:g}"
            for route, (share, day) in adoption.items()) + ")"
    return text + "."


def _units_line(spec_info: dict, days: float | None) -> str:
    text = ("**Units**: times in hours per container; costs in CNY per container (per order in "
            "the bonded zone, per tonne of fuel); offences are counted per run over the "
            "measured days")
    boxes = (spec_info.get("boxes_per_day") or {}).get("import")
    if boxes and days:
        measured = boxes * days
        text += (f". A run measures about {fmt(measured, 0)} import boxes, so 10 import offences "
                 f"per run are about {fmt(10_000 / measured, 2)} per 1,000 boxes")
    return text + "."


def methods_text(table: pd.DataFrame, comparison: pd.DataFrame, spec_info: dict,
                 labels=None) -> str:
    """The methods paragraph: replications, seeds and CRN, warm-up, CI method, and the one
    significance rule."""
    runs = finished_runs(table)
    base = comparison.loc[comparison["is_baseline"].astype(bool), "scenario"].iloc[0]
    per_scenario = runs.groupby("scenario").size()
    n_lo, n_hi = per_scenario.min(), per_scenario.max()
    reps = f"{n_lo}" if n_lo == n_hi else f"{n_lo} to {n_hi}"
    seeds = spec_info.get("seeds") or sorted(runs["seed"].unique().tolist())
    conf = round(100 * spec_info.get("confidence", comparison.attrs.get("confidence", CONFIDENCE)))
    name = scenario_label(base, labels)
    text = [
        f"Each of the {len(per_scenario)} scenarios ran {reps} replications; replication r "
        f"used the same seed in every scenario (seeds {seed_text(seeds)}), so scenarios see "
        "the same arrivals, cargo and risk draws (common random numbers, one independent "
        "random stream per purpose) and are compared pair by pair with the "
        f"baseline{'' if name.lower() == 'baseline' else f' ({name})'}."
    ]
    days = measured_days(spec_info)
    if days is not None:
        text.append(
            f"Each run simulated {spec_info['horizon_days']:g} days; containers entering in the "
            f"first {spec_info['warmup_days']:g} days (warm-up) or the last "
            f"{spec_info['cooldown_days']:g} days (cool-down, whose journeys would be cut off at "
            f"the horizon) are not counted, leaving {days:g} measured days.")
    text.append(_welch_sentence(spec_info, reps))
    text.append(
        f"Means are given with {conf} % Student t confidence intervals over replications. A "
        "scenario's difference from the baseline is the mean of the per-seed differences with a "
        f"paired t interval. **One rule decides significance everywhere in this report, its "
        f"figures and the brief: a change is distinguishable from zero when the {conf} % "
        "interval of the paired difference excludes zero.** Percent changes are ratios of means "
        "with a delta-method interval. The comparison table also gives the unpaired (Welch) "
        "interval: the paired one is narrower when common random numbers correlate the runs of "
        "a seed.")
    failed = spec_info.get("failed_runs", len(table) - len(runs))
    if failed:
        text.append(f"{failed} run(s) failed and are left out (see the box at the top).")
    return " ".join(t for t in text if t)


def _welch_sentence(spec_info: dict, reps: str) -> str:
    welch = spec_info.get("welch")
    if not welch:
        return ""
    k, deleted = welch["warmup_days"], spec_info.get("warmup_days")
    text = (f"Welch's method (daily {welch.get('series', 'series')} averaged over "
            f"{welch.get('replications', reps)} replications, moving-average window "
            f"{welch['window']} days) shows the start-up transient fading after {k:g} days")
    if deleted is None:
        return text + "."
    if k <= deleted:
        return text + f", within the {deleted:g}-day warm-up deleted."
    return text + (f", later than the {deleted:g}-day warm-up deleted: the measured window still "
                   "contains part of the start-up transient, so levels may be biased towards "
                   "the empty-port start.")


def seed_text(seeds) -> str:
    seeds = list(seeds)
    if len(seeds) > 2 and all(isinstance(s, int) or str(s).isdigit() for s in seeds):
        ints = sorted(int(s) for s in seeds)
        if ints == list(range(ints[0], ints[-1] + 1)):
            return f"{ints[0]} to {ints[-1]}"
    return ", ".join(str(s) for s in seeds)


__all__ = ["NOT_COVERED", "complete_comparison", "context_lines", "failure_lines", "final_adoption",
           "incomplete_scenarios", "methods_text"]
