"""The results page: one experiment folder's comparison, breakdowns, frontier and adoption.

A row of scenario toggles picks which reforms are drawn beside the baseline; a second row picks
the view. Figures are the project's own (:mod:`sim.plots`), drawn for the picked scenarios.
"""
from __future__ import annotations

from pathlib import Path

import solara
import solara.lab

from sim.app.folder import ExperimentFolder
from sim.app.prose import Prose
from sim.app.tables import differences_table
from sim.plots import scenario_label

VIEWS = {  # view -> (button label, what the figure shows)
    "comparison": ("Comparison", "Each scenario's change from the baseline over the same seeds "
                   "(common random numbers), with its paired 95 % confidence interval."),
    "stage_breakdown": ("Stages", "Mean hours per container in each stage of the journey "
                        "(WCO Time Release Study stages), stacked; whisker: 95 % CI of the total."),
    "cost_breakdown": ("Cost", "Mean cost per container by component (CNY), stacked; inventory "
                       "is the time cost of goods late (imports: past their need date), own warehouse "
                       "the cost of goods out early; whisker: 95 % CI of the total."),
    "frontier": ("Speed vs control", "Detection rate of offences against mean clearance time, "
                 "with 95 % CIs on both axes: faster is left, more control is up."),
    "adoption": ("Adoption", "Share of eligible volume whose firms have opted in to a fast lane, "
                 "day by day: firms join when the saving they learn to expect repays the "
                 "switching cost."),
    "table": ("Table", "Every KPI of one scenario against the baseline: paired differences over "
              "common seeds with 95 % confidence intervals."),
}


@solara.component
def ResultsPage(folder: ExperimentFolder):
    shown = solara.use_reactive(list(folder.scenarios))
    view = solara.use_reactive("comparison")
    focus = solara.use_reactive(folder.scenarios[0] if folder.scenarios else None)
    spec = folder.spec
    Prose(
        f"## {spec.get('name', folder.path.name).replace('_', ' ').capitalize()}\n"
        f"Folder `{_shown_path(folder.path)}`: {len(folder.scenarios)} scenarios against "
        f"**{scenario_label(folder.baseline)}**, {spec.get('replications', '?')} replications "
        f"each on the same seeds (base scenario `{spec.get('base', '?')}`)."
    )
    if folder.missing():
        solara.Info("Not in this folder: " + "; ".join(folder.missing()) + ".", dense=True)
    with solara.Card("Scenarios beside the baseline", margin=0, classes=["mb-2"]):
        with solara.Row(classes=["flex-wrap"], gap="0 24px"):
            for s in folder.scenarios:
                with solara.Div(classes=[f"scenario-{s}"], style={"margin-right": "20px"}):
                    solara.Checkbox(label=scenario_label(s), value=s in shown.value,
                                    on_value=lambda on, s=s: _toggle(shown, s, on))
    with solara.ToggleButtonsSingle(view, classes=["my-2"]):
        for key, (label, _) in VIEWS.items():
            solara.Button(label, value=key, classes=[f"view-{key}"])
    Prose(VIEWS[view.value][1])
    if view.value == "table":
        DifferencesView(folder, [s for s in folder.scenarios if s in shown.value], focus)
    else:
        FigureView(folder, view.value, tuple(shown.value)).key(view.value)  # one per view


def _shown_path(path: Path) -> Path:
    """``path`` relative to the working directory when it lies below it."""
    path = path.resolve()
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def _toggle(shown: solara.Reactive, scenario: str, on: bool) -> None:
    shown.value = [s for s in shown.value if s != scenario] + ([scenario] if on else [])


@solara.component
def FigureView(folder: ExperimentFolder, kind: str, shown: tuple[str, ...]):
    wanted = solara.use_ref((kind, shown))
    wanted.current = (kind, shown)  # the latest request; older ones waiting to draw are dropped
    drawing = solara.lab.use_task(
        lambda: folder.figure(kind, shown, lambda: wanted.current == (kind, shown)),
        dependencies=[kind, shown])
    if drawing.pending:  # drawn in a thread: the page stays live while matplotlib works
        solara.ProgressLinear(True)
        if drawing.latest is None:
            return
    png = drawing.value if drawing.finished else drawing.latest
    if png is not None:
        with solara.Div(style={"max-width": "1100px"}):
            solara.Image(png, width="100%", classes=["clearway-chart", f"chart-{kind}"])
        return
    committed = folder.committed_figure("adoption") if kind == "adoption" else None
    if committed is not None:
        solara.Warning("Drawn by the experiment for all its scenarios (the scenario toggles do "
                       "not apply: the daily series are not in this folder).", dense=True)
        solara.Image(committed, width="100%", classes=["clearway-chart", f"chart-{kind}"])
    elif kind == "comparison":
        solara.Warning("Pick at least one scenario to compare with the baseline."
                       if folder.scenarios else "This folder has only the baseline.")
    else:
        solara.Warning(f"This folder has no data for the {VIEWS[kind][0].lower()} view.")


@solara.component
def DifferencesView(folder: ExperimentFolder, shown: list[str], focus: solara.Reactive):
    if not shown:
        solara.Warning("Pick at least one scenario to compare with the baseline.")
        return
    if focus.value not in shown:
        focus.value = shown[0]
    with solara.ToggleButtonsSingle(focus, dense=True, classes=["flex-wrap", "mb-2"]):
        for s in shown:
            solara.Button(scenario_label(s), value=s)
    Prose(differences_table(folder.differences(focus.value)))
