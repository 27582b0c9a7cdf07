"""The Solara app behind ``clearway dashboard``: results, what-if and one page per reform.

Served by ``solara run sim.app.dashboard`` (see :mod:`sim.app.server`); the experiment folder
comes from the environment variable ``CLEARWAY_DASHBOARD_FOLDER`` (default: the committed
reference policy comparison).
"""
from __future__ import annotations

import os
from functools import lru_cache

import solara

from sim.app.folder import DEFAULT_FOLDER, FOLDER_VARIABLE, ExperimentFolder
from sim.app.reform_info import REFORMS
from sim.app.reform_page import ReformsPage
from sim.app.results_page import ResultsPage
from sim.app.whatif_page import WhatIfPage
from sim.plots import scenario_label


@lru_cache(maxsize=1)
def experiment_folder() -> ExperimentFolder:
    """The folder the server was started on, loaded once per server process."""
    return ExperimentFolder(os.environ.get(FOLDER_VARIABLE) or DEFAULT_FOLDER)


@solara.component
def Results():
    ResultsPage(experiment_folder())


@solara.component
def WhatIf():
    WhatIfPage()


@solara.component
def Reforms():
    ReformsPage(experiment_folder(), None)


def reform_route(reform: str) -> solara.Route:
    """The route ``/reforms/<reform>`` to that reform's page."""
    @solara.component
    def Page():
        ReformsPage(experiment_folder(), reform)

    return solara.Route(path=reform, component=Page, label=scenario_label(reform))


@solara.component
def Layout(children=[]):
    """The app bar with the three pages, then the page."""
    route, routes = solara.use_route()
    with solara.AppLayout(navigation=False):  # one child besides the app bar: no side drawer
        with solara.AppBar():
            for r in routes:
                with solara.Link(solara.resolve_path(r)):
                    name = r.path.strip("/") or "results"
                    solara.Button(r.label, text=True, outlined=r is route,
                                  style={"color": "white"}, classes=[f"nav-{name}"])
        with solara.Column():
            with solara.AppBarTitle():
                solara.Text("Clearway: port clearance reforms")
            solara.Column(children=children)


routes = [
    solara.Route(path="/", component=Results, label="Results", layout=Layout),
    solara.Route(path="what-if", component=WhatIf, label="What-if"),
    solara.Route(path="reforms", label="Reforms",
                 children=[solara.Route(path="/", component=Reforms),
                           *(reform_route(r) for r in REFORMS)]),
]
