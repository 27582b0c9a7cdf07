"""Direct loading of exports ("loading on arrival"): the box reaches the quay as the ship loads.

Mechanism: a firm that has opted in keeps its export box at the factory, declares it there and,
once customs has released it, trucks it in through a dedicated gate lane during the
``gate_in_before_loading_h`` hours before its vessel starts loading (each at a random time
in that window); the box is loaded without days of yard dwell. The goods' time
cost still runs while the box waits at the factory. A box that customs wants to
inspect is trucked in at once for inspection and then waits in the yard as usual; one not yet
released when its vessel loads rolls over like any other.

Eligibility: export released before gate-in, firm opted in (by learning, see :mod:`sim.adoption`;
``adoption.forced`` opts everyone in).

Parameters:
- ``gate_in_before_loading_h`` = 3 h: the window in which lane trucks arrive; with loading
  itself this gives a port stay of a few hours, as Shenzhen reports (3-4 days cut to about 2 h,
  weak, figures.md).
- ``adoption``: as for direct pickup (assumptions).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.fast_lane import FastLane
from sim.records import EXPORT, LOADING_ON_ARRIVAL
from sim.schema.policies import DirectLoadingConfig

if TYPE_CHECKING:
    from sim.consignment import Consignment


class DirectLoading(FastLane):
    cfg: DirectLoadingConfig
    name = "direct_loading"
    lane = LOADING_ON_ARRIVAL
    flow = EXPORT

    def loads_on_arrival(self, c: Consignment) -> float | None:
        return self.cfg.gate_in_before_loading_h if self.opted_in(c.firm) else None
