"""Where the boxes are: each place that holds containers counts them as they come and go.

The holders keep their own counts, per flow, at the moment a box physically moves: the vessel
call (import boxes on board from its arrival until the crane lifts them off; export boxes from
loading until the call departs), a truck waiting at the ship side (direct pickup), the yard
stack, the inspection area (from the shuttle request out until the box is back in the stack),
and the gate (a pickup truck from leaving the stack to gate-out; a delivery truck from joining
the gate queue to gate-in). Counting boxes here and counting them from the log's milestones are
two independent bookkeepings: :func:`conservation` compares them, so a box that a flow loses
(lifted off a vessel and put nowhere, say) shows as a difference.

Export trucks queuing at the gate have not entered the port yet (an export enters at gate-in):
they are reported as ``arriving_at_gate``, outside the in-port balance.
"""
from __future__ import annotations

import numpy as np

from sim.cohort import ENTRY, EXIT, entry_h
from sim.records import DETECTED, EXPORT, FLOWS, IMPORT

ON_VESSEL, SHIP_SIDE, YARD, INSPECTION, GATE = range(5)
PLACES = ("on_vessel", "on_ship_side_truck", "in_yard", "at_inspection", "at_gate")
HANDED_OVER = {IMPORT: "discharge", EXPORT: "gate_in"}  # a detained box is seized once it is here


class Places:
    """Boxes held at each place, per flow (plain integers: a few additions per move)."""

    def __init__(self):
        self.count = [[0, 0] for _ in PLACES]  # [place][flow]

    def put(self, place: int, flow: int, n: int = 1) -> None:
        self.count[place][flow] += n

    def take(self, place: int, flow: int, n: int = 1) -> None:
        self.count[place][flow] -= n

    def move(self, source: int, target: int, flow: int) -> None:
        self.count[source][flow] -= 1
        self.count[target][flow] += 1

    def of_flow(self, flow: int) -> dict[str, int]:
        return {name: self.count[p][flow] for p, name in enumerate(PLACES)}


def conservation(log: dict[str, np.ndarray], places: Places) -> dict[str, dict]:
    """Per flow: the customs balance and the in-port balance, each side counted independently.

    From the log: ``arrived`` (entry as in :mod:`sim.cohort`), ``released``, ``detained``,
    ``in_system`` = arrived - released - detained (not yet decided by customs); ``entered`` the
    port, ``left`` it, ``seized`` (detained and handed over), ``in_port`` = entered - left -
    seized. From the holders: ``places`` and ``in_port_counted`` (their sum; for exports without
    the trucks still arriving at the gate). ``balanced`` says whether the two in-port counts agree.
    """
    out = {}
    detected = log["outcome"] == DETECTED
    released = np.isfinite(log["release"])
    for flow, name in enumerate(FLOWS):
        of_flow = log["flow"] == flow
        arrived = of_flow & np.isfinite(entry_h(log, flow))
        entered = of_flow & np.isfinite(log[ENTRY[flow]])  # in the port from arrival / gate-in
        left = entered & np.isfinite(log[EXIT[flow]])
        seized = entered & detected & np.isfinite(log[HANDED_OVER[flow]])
        held = places.of_flow(flow)
        if flow == EXPORT:
            held["arriving_at_gate"] = held.pop("at_gate")
        counted = sum(v for k, v in held.items() if k != "arriving_at_gate")
        in_port = int(entered.sum() - left.sum() - seized.sum())
        n = int(arrived.sum())
        n_released, n_detained = int((arrived & released).sum()), int((arrived & detected).sum())
        out[name] = {"arrived": n, "released": n_released, "detained": n_detained,
                     "in_system": n - n_released - n_detained,
                     "entered": int(entered.sum()), "left": int(left.sum()),
                     "seized": int(seized.sum()), "in_port": in_port, "places": held,
                     "in_port_counted": counted, "balanced": counted == in_port}
    return out
