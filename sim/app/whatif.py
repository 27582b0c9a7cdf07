"""A small what-if run next to its baseline, for the dashboard's sliders.

The levers (:class:`Levers`) pick a section of the calibrated ``shanghai`` port (demand and
every capacity scaled together, :mod:`sim.scaling`), a short horizon, the customs capacities and
the reforms switched on. :func:`run_pair` simulates the baseline (the same section and horizon,
calibrated capacities, no reform) and the what-if with the same seed, so the two runs share
their random numbers (common random numbers): the difference is the levers', not chance's.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim import load_config, run
from sim.analysis.runs import table_from_summaries
from sim.kpis import KPIS, kpi_row
from sim.plots import adoption_plot, cost_breakdown, scenario_label, stage_breakdown
from sim.scaling import scaled_overrides

BASE_SCENARIO = "shanghai"
SHOWN_KPIS = ("import_port_time_h", "import_clearance_time_h", "import_cost_total_cny",
              "import_inspected_share", "import_offences_missed", "import_fast_lane_share",
              "export_port_time_h", "export_clearance_time_h", "export_cost_total_cny",
              "export_offences_missed", "export_fast_lane_share")
Progress = Callable[[float], None]  # called with the fraction done (0-1) after each day


@dataclass(frozen=True)
class Levers:
    """What the what-if sliders set. ``None`` capacities: the section's calibrated count."""
    section_pct: int = 10  # % of the shanghai scenario's volume (3,000 boxes a day per flow)
    horizon_days: int = 14  # simulated days, warm-up and cool-down included
    inspection_teams: int | None = None  # customs inspection teams
    doc_officers: int | None = None  # customs document officers
    policies: tuple[str, ...] = field(default=())  # reforms switched on
    seed: int = 1

    @property
    def quiet_days(self) -> int:
        """Warm-up and cool-down (days each): a fifth of the horizon, at least one."""
        return max(1, self.horizon_days // 5)

    def run_overrides(self) -> list[str]:
        """The section and horizon: shared by the baseline and the what-if."""
        quiet_days = self.quiet_days
        return [*scaled_overrides(load_config(BASE_SCENARIO), self.section_pct / 100),
                f"run.horizon_days={self.horizon_days}", f"run.warmup_days={quiet_days}",
                f"run.cooldown_days={quiet_days}", "run.write_log=false"]

    def describe(self) -> str:
        """``Section 5 %, 6 days, seed 1; 3 inspection teams, 3 document officers; Pre arrival``."""
        teams = self.inspection_teams or "calibrated"
        officers = self.doc_officers or "calibrated"
        on = ", ".join(scenario_label(p) for p in self.policies) or "no reform"
        return (f"Section {self.section_pct} %, {self.horizon_days} days, seed {self.seed}; "
                f"{teams} inspection teams, {officers} document officers; {on}")

    def whatif_overrides(self) -> list[str]:
        out = self.run_overrides()
        if self.inspection_teams is not None:
            out.append(f"customs.inspection_teams={self.inspection_teams}")
        if self.doc_officers is not None:
            out.append(f"customs.doc_officers={self.doc_officers}")
        if self.policies:
            out.append(f"policy=[{','.join(self.policies)}]")
        return out


def calibrated_capacity(section_pct: int) -> dict[str, int]:
    """Inspection teams and document officers of the calibrated port at this section."""
    section = scaled_overrides(load_config(BASE_SCENARIO), section_pct / 100)
    customs = load_config(BASE_SCENARIO, section).customs
    return {"inspection_teams": customs.inspection_teams, "doc_officers": customs.doc_officers}


@dataclass
class WhatIfResult:
    levers: Levers
    baseline: dict  # run summary of the baseline
    whatif: dict  # run summary of the what-if
    whatif_daily: pd.DataFrame  # the what-if's daily series (adoption shares among them)

    def table(self) -> pd.DataFrame:
        """One row per shown KPI: label, unit, baseline, whatif, difference."""
        base, new = kpi_row(self.baseline), kpi_row(self.whatif)
        labels = {k.name: (k.label, k.unit) for k in KPIS}
        rows = []
        for kpi in (k for k in SHOWN_KPIS if k in labels):  # as the KPI registry names them
            b, w = base.get(kpi), new.get(kpi)
            label, unit = labels[kpi]
            diff = None if b is None or w is None else w - b
            rows.append({"kpi": kpi, "label": label, "unit": unit, "baseline": b, "whatif": w,
                         "difference": diff})
        return pd.DataFrame(rows)

    def figure(self, kind: str, folder: Path) -> bytes | None:
        """PNG of the stage (``kind="stage_breakdown"``) or cost breakdown, baseline beside
        what-if, or of the what-if's fast-lane ``adoption`` (None if no reform on learns)."""
        seed, path = self.levers.seed, folder / f"whatif-{kind}-{abs(hash(self.levers)):x}"
        if kind == "adoption":  # the lanes someone joined (a lane never joined reads as noise)
            daily = self.whatif_daily
            idle = [c for c in daily.columns
                    if c.endswith("_adoption") and not (daily[c] > 0).any()]
            files = adoption_plot({("what-if", seed): daily.drop(columns=idle)}, path, "baseline",
                                  self.levers.quiet_days)
        else:
            table = table_from_summaries({("baseline", seed): self.baseline,
                                          ("what-if", seed): self.whatif})
            draw = {"stage_breakdown": stage_breakdown, "cost_breakdown": cost_breakdown}[kind]
            files = draw(table, path, "baseline")
        return files.png.read_bytes() if files.png else None


def run_pair(levers: Levers, progress: Progress | None = None) -> WhatIfResult:
    """Simulate the baseline (cached per section, horizon and seed) and the what-if.

    Raises :class:`sim.ConfigError` before simulating anything if a lever value is invalid.
    """
    whatif_config = load_config(BASE_SCENARIO, levers.whatif_overrides())  # validate first
    days = levers.horizon_days
    report = progress or (lambda fraction: None)

    def after(offset: int):  # the baseline's days come first, then the what-if's
        return lambda day, horizon: report((offset + day) / (2 * days))

    baseline = _baseline_summary(tuple(levers.run_overrides()), levers.seed, after(0))
    whatif = run(whatif_config, seed=levers.seed, on_day=after(days))
    report(1.0)
    return WhatIfResult(levers, baseline, whatif.summary, whatif.daily)


def progress_text(fraction: float, horizon_days: int) -> str:
    """``baseline: day 3 of 14`` or ``what-if: day 2 of 14`` for the fraction of the pair done."""
    day = round(fraction * 2 * horizon_days)
    if day <= horizon_days:
        return f"baseline: day {day} of {horizon_days}"
    return f"what-if: day {day - horizon_days} of {horizon_days}"


def _baseline_summary(overrides: tuple[str, ...], seed: int, on_day) -> dict:
    key = (overrides, seed)
    if key not in _BASELINES:
        config = load_config(BASE_SCENARIO, list(overrides))
        _BASELINES[key] = run(config, seed=seed, on_day=on_day).summary
    return _BASELINES[key]


_BASELINES: dict[tuple, dict] = {}  # (run overrides, seed) -> summary; a few kB each
