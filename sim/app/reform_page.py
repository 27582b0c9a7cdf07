"""A page per reform: its WTO TFA article, mechanism, assumptions and robustness."""
from __future__ import annotations

import solara

from sim.app import reform_info
from sim.app.folder import ExperimentFolder
from sim.app.prose import Prose
from sim.app.tables import differences_table, markdown_table, robustness_table
from sim.plots import scenario_label
from sim.reforms import REFORMS as TFA_REFORMS
from sim.reforms import tfa_tag


@solara.component
def ReformsPage(folder: ExperimentFolder, reform: str | None):
    """Links to every reform's page, then ``reform``'s page (or a pointer to pick one)."""
    with solara.Row(classes=["flex-wrap", "mb-2"], gap="4px"):
        for r in reform_info.REFORMS:
            with solara.Link(f"/reforms/{r}"):
                solara.Button(scenario_label(r), text=r != reform, outlined=r == reform,
                              color="primary", classes=[f"reform-link-{r}"])
    if reform is None:
        Prose("Pick a reform to see its mechanism, assumptions and robustness. In this folder:\n\n"
              + reform_info.overview_table(folder), classes=["wrap"])
    else:
        ReformView(folder, reform)


@solara.component
def ReformView(folder: ExperimentFolder, reform: str):
    mapped = TFA_REFORMS.get(reform)
    note = f" ({mapped.note})" if mapped is not None and mapped.note else ""
    Prose(f"## {scenario_label(reform)}\n**WTO Trade Facilitation Agreement:** "
          f"{tfa_tag(reform)[len('TFA '):] or 'no article mapped'}{note}.")
    with solara.Card("Mechanism (from the policy module)", margin=0, classes=["mb-2"]):
        Prose(reform_info.mechanism(reform))
    with solara.Card("Assumptions: its parameters in this experiment's base scenario", margin=0,
                     classes=["mb-2"]):
        AssumptionsView(folder, reform)
    with solara.Card("Robustness", margin=0):
        RobustnessView(folder, reform)


@solara.component
def AssumptionsView(folder: ExperimentFolder, reform: str):
    base = folder.spec.get("base", "shanghai")
    frame = reform_info.assumptions(reform, base, tuple(folder.spec.get("overrides", ())))
    section = f"policies.{reform}."
    frame = frame.assign(parameter=[f"`{p.removeprefix(section)}`" for p in frame["parameter"]])
    header = {"name": "name", "parameter": f"`{section}`…", "value": "value",
              "range": "range sampled (label)", "unit": "unit", "bounds": "bounds", "doc": "meaning"}
    Prose(markdown_table([header[c] for c in frame.columns], frame.values.tolist()),
          classes=["wrap"])  # names and meanings are sentences


@solara.component
def RobustnessView(folder: ExperimentFolder, reform: str):
    if reform not in folder.scenarios:
        solara.Warning(f"This folder has no scenario with {scenario_label(reform)} alone.")
        return
    diffs = folder.differences(reform)
    units = dict(zip(diffs["kpi"], diffs["unit"]))
    labels = dict(zip(diffs["kpi"], diffs["label"]))
    bands = reform_info.robustness(folder.robustness, reform)
    if bands is None:
        Prose("**Simulation noise only** (paired 95 % CIs over the experiment's seeds; "
                        "this folder has no `robustness.csv`, so how far each effect rests on "
                        "assumed parameters is not shown):")
    elif bands.empty:
        solara.Warning("robustness.csv has no rows for this reform.")
    else:
        flips = bands[bands["sign_flips"] > 0]
        Prose("Simulation noise beside assumption uncertainty (the effect across the "
                        "sampled assumption ranges). " + (
                            f"**The sign of {len(flips)} effect(s) depends on an assumption.**"
                            if len(flips) else "No effect changes sign across the assumptions."))
        Prose(robustness_table(bands, units, labels))
        Prose("Paired differences at the nominal assumptions:")
    Prose(differences_table(diffs[diffs["kpi"].isin(reform_info.HEADLINE_KPIS)]))
