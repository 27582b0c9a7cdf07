"""The what-if page: sliders for the main levers, a background run with progress, the result
beside the baseline (same seed: common random numbers)."""
from __future__ import annotations

import solara
import solara.lab

from sim.app.folder import temporary_folder
from sim.app.prose import Prose
from sim.app.reform_info import REFORMS
from sim.app.tables import whatif_table
from sim.app.whatif import Levers, WhatIfResult, calibrated_capacity, progress_text, run_pair
from sim.plots import scenario_label
from sim.schema.errors import ConfigError

FIGURE_DIR = temporary_folder("clearway-whatif-")
started = solara.reactive(Levers())  # the levers of the running (or last) what-if


@solara.lab.task
def whatif_run(levers: Levers) -> WhatIfResult:
    """Runs in a thread: the baseline, then the what-if, reporting each simulated day."""
    def report(fraction: float) -> None:
        whatif_run.progress = 100 * fraction

    return run_pair(levers, report)


@solara.component
def WhatIfPage():
    section = solara.use_reactive(Levers.section_pct)
    days = solara.use_reactive(Levers.horizon_days)
    seed = solara.use_reactive(Levers.seed)
    calibrated = solara.use_memo(lambda: calibrated_capacity(section.value),
                                 dependencies=[section.value])
    teams = solara.use_reactive(calibrated["inspection_teams"])
    officers = solara.use_reactive(calibrated["doc_officers"])
    reforms = solara.use_reactive([])

    def on_section(pct: int) -> None:  # a new section: capacities back to its calibrated counts
        cap = calibrated_capacity(pct)
        teams.value, officers.value = cap["inspection_teams"], cap["doc_officers"]

    Prose(
        "## What if?\nA short run of a section of the calibrated Shanghai port with your levers, "
        "beside the baseline (the same section, calibrated capacities, no reform) on the **same "
        "seed**, so both runs see the same ships, boxes and firms (common random numbers). One "
        "seed is one replication: use the experiment folder for confidence intervals. The boxes "
        "that arrive within the horizon are followed to the end of their journey."
    )
    with solara.Columns([1, 1]):
        with solara.Card("Port and run", margin=0):
            solara.SliderInt("Port section (% of the shanghai scenario's volume)", value=section,
                             min=5, max=50, step=5, on_value=on_section, tick_labels="end_points")
            solara.SliderInt("Horizon (simulated days)", value=days, min=6, max=30,
                             tick_labels="end_points")
            solara.SliderInt("Seed", value=seed, min=1, max=20, tick_labels="end_points")
        with solara.Card("Customs capacity", margin=0):
            solara.SliderInt("Inspection teams", value=teams, min=1,
                             max=3 * calibrated["inspection_teams"], tick_labels="end_points")
            solara.SliderInt("Document officers", value=officers, min=1,
                             max=3 * calibrated["doc_officers"], tick_labels="end_points")
            solara.Text(f"Calibrated at this section: {calibrated['inspection_teams']} teams, "
                        f"{calibrated['doc_officers']} officers.")
    with solara.Card("Reforms switched on", margin=0, classes=["my-2"]):
        with solara.ToggleButtonsMultiple(reforms, dense=True, classes=["flex-wrap"]):
            for r in REFORMS:
                solara.Button(scenario_label(r), value=r, classes=[f"reform-{r}"])
    levers = Levers(section.value, days.value, teams.value, officers.value, tuple(reforms.value),
                    seed.value)
    solara.Text(f"Next run: {levers.describe()}.", classes=["whatif-next"])

    def start() -> None:
        started.value = levers
        whatif_run(levers)

    solara.Button("Run what-if", color="primary", icon_name="mdi-play", classes=["run-whatif"],
                  disabled=whatif_run.pending, on_click=start)
    WhatIfStatus()


@solara.component
def WhatIfStatus():
    if whatif_run.pending:
        solara.ProgressLinear(whatif_run.progress or True)
        where = progress_text((whatif_run.progress or 0) / 100, started.value.horizon_days)
        solara.Text(f"Running: {where}", classes=["whatif-progress"])
    elif whatif_run.error:
        err = whatif_run.exception
        message = f"clearway: config error: {err}" if isinstance(err, ConfigError) else repr(err)
        solara.Error(message, classes=["whatif-error"])
    elif whatif_run.finished and whatif_run.value is not None:
        WhatIfResultView(whatif_run.value)


@solara.component
def WhatIfResultView(result: WhatIfResult):
    Prose(f"### Result beside the baseline\n{result.levers.describe()}.",
          classes=["whatif-result"])
    Prose(whatif_table(result.table()), classes=["whatif-table"])
    WhatIfFigure(result, "stage_breakdown")
    WhatIfFigure(result, "cost_breakdown")
    WhatIfFigure(result, "adoption")


@solara.component
def WhatIfFigure(result: WhatIfResult, kind: str):
    png = solara.use_memo(lambda: result.figure(kind, FIGURE_DIR), dependencies=[result, kind])
    if png is not None:
        with solara.Div(style={"max-width": "1100px"}):
            solara.Image(png, width="100%", classes=["clearway-chart", f"whatif-{kind}"])
