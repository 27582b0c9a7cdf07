"""The container terminal: berths, quay cranes, yard, inspection shuttles, gate and truck slots.

- **Berths** (a :class:`Station` of ``vessels.berths``) are held by a vessel call from berthing to
  departure; quay cranes work a call at ``cranes_per_berth x moves_per_crane_h`` moves per hour.
- **Berth plan** (berth windows, ``terminal.planning``): ``plan_lead_h`` before a call is due the
  terminal fixes its berth window on the ETA the carrier publishes then (:mod:`sim.flows.eta`).
  A call that arrives within ``window_tolerance_h`` of its window keeps it: the berth queue
  serves such calls in plan order (window first). A call off its window (earlier or later)
  waits behind every call on its window, in arrival order among the calls off theirs; a free
  berth with no call on its window waiting takes it at once. With a perfect forecast every call
  is on its window and the queue is first come, first served.
- **Yard**: occupancy in TEU. Retrieving a box from a fuller yard needs more re-handling moves:
  ``rehandles_at_full_yard x occupancy / capacity`` extra moves (expected value; 0 if unlimited).
- **Export yard plan**: an export box is stacked at gate-in in the block planned for its call's
  loading, on the arrival the terminal expects then (the ETA published then; the berth window
  once fixed; the arrival itself once the call is in). If the call comes more than
  ``remarshal_after_h`` from that expected arrival, the block was planned among other calls'
  loading and the box is re-marshalled before loading: one more re-handle (``rehandles``, which
  the costs and emissions count as yard moves). Only the forecast's error is counted: the berth
  queue is the terminal's own, and it sequences the blocks by it; a box rolled over to a later
  call is not counted (the roll-over's moves are not modelled).
- **Shuttles** move red-channel boxes to the inspection area and back (``terminal.shuttles``).
- **Truck appointments**: at most ``appointment_slots_per_h`` pickups start in any clock hour; a
  consignee gets the first hour with a free slot at or after the time it wants.
- **Gate** lanes serve pickup and delivery trucks.

Every move of a box between the vessel, the yard, the inspection area and the gate is also
counted by the place that holds it (:mod:`sim.places`), independently of the log's milestones.
For the emission figures (:mod:`sim.emissions`) the terminal also counts, per box, its yard-crane
lifts (``yard_lifts``: stacked, retrieved, onto and off an inspection shuttle), the trucks that
come through the gate for it (``truck_trips``) and the hours they stand there (``gate_wait_h``).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from sim.consignment import Consignment
from sim.flows.eta import published_eta_h
from sim.places import GATE, INSPECTION, YARD
from sim.schema import ClearwayConfig
from sim.station import Station

if TYPE_CHECKING:
    from sim.flows.vessel_call import VesselCall

# where a call arrived against its berth window (VesselCall.window)
EARLY, ON_WINDOW, LATE = "early", "on window", "late"


class Terminal(mesa.Agent):
    def __init__(self, model: mesa.Model, cfg: ClearwayConfig):
        super().__init__(model)
        t, v = cfg.terminal, cfg.vessels
        env = model.env
        self.berths = Station(env, "berth", v.berths, priority=True)  # served in berth-plan order
        self.eta = v.eta
        self.planning = t.planning
        self.stacked_for: dict[int, tuple[int, float]] = {}  # export box -> (call, arrival planned)
        self.shuttle_fleet = Station(env, "shuttle", t.shuttles, book_ahead=True)
        self.gate = Station(env, "gate", t.gate_lanes, book_ahead=True)
        self.move_h = 1 / (v.cranes_per_berth * v.moves_per_crane_h)  # one quay-crane move, h
        self.yard_capacity_teu = t.yard_capacity_teu
        self.rehandles_at_full_yard = t.rehandles_at_full_yard
        self.slots_per_h = t.appointment_slots_per_h
        self.booked: dict[int, int] = {}  # clock hour -> appointments taken
        self.log = model.log
        self.places = model.places
        self.yard_teu = 0
        self.yard_peak_teu = 0
        self._yard_area = 0.0
        self._yard_last = 0.0

    @property
    def stations(self) -> list[Station]:
        return [self.berths, self.shuttle_fleet, self.gate]

    # ------------------------------------------------------------------ berth plan
    def berth_window_h(self, call: VesselCall) -> float:
        """The call's berth window (h since the start): the ETA the carrier published
        ``plan_lead_h`` before the call was due."""
        return published_eta_h(self.eta, call, call.arrival_h - self.planning.plan_lead_h)

    def expected_arrival_h(self, call: VesselCall) -> float:
        """The arrival the terminal plans the call on now (h since the start): the ETA published
        now, the berth window once it is fixed, the arrival once the call is in."""
        now = self.model.env.now
        if now >= call.arrival_h:
            return call.arrival_h
        if now >= call.arrival_h - self.planning.plan_lead_h:
            return self.berth_window_h(call)
        return published_eta_h(self.eta, call, now)

    def queue_for_berth(self, call: VesselCall):
        """The call has arrived: it joins the berth queue, in plan order (by window) if it is on
        its window, behind every call on its window if it is off it (early or late), in arrival
        order among those. Returns the berth request, to yield in a ``with`` block."""
        now, tolerance_h = self.model.env.now, self.planning.window_tolerance_h
        window_h = self.berth_window_h(call)
        if now < window_h - tolerance_h:
            call.window = EARLY
        elif now > window_h + tolerance_h:
            call.window = LATE
        else:
            call.window = ON_WINDOW
        off_window = call.window != ON_WINDOW
        return self.berths.join(priority=(off_window, now if off_window else window_h))

    # ------------------------------------------------------------------ yard
    def enter_yard(self, box: int) -> None:
        """The box is stacked."""
        self.log.yard_lifts[box] += 1
        self.places.put(YARD, int(self.log.flow[box]))
        self._yard_change(int(self.log.teu[box]))

    def leave_yard(self, box: int, place: int = YARD) -> None:
        """The box's stack slot is freed (it was held at ``place`` since it was lifted: the yard
        itself, the gate or the inspection area); record the re-handling its retrieval needed."""
        if self.yard_capacity_teu > 0:
            self.log.rehandles[box] = self.rehandles_at_full_yard * min(self.yard_teu / self.yard_capacity_teu, 1.0)
        self.log.yard_lifts[box] += 1
        self.places.take(place, int(self.log.flow[box]))
        self._yard_change(-int(self.log.teu[box]))

    def stack_export(self, c: Consignment) -> None:
        """The export box is stacked in the block planned for its call's loading (on the
        arrival the terminal expects now)."""
        self.enter_yard(c.id)
        if c.call is not None:
            self.stacked_for[c.id] = (c.call.id, self.expected_arrival_h(c.call))

    def load(self, box: int, call: VesselCall) -> None:
        """The box leaves its stack for the call's quay crane; stacked for this call on an
        arrival more than ``remarshal_after_h`` off, it was first re-marshalled (one more move)."""
        self.leave_yard(box)
        stacked_call, expected_h = self.stacked_for.pop(box)
        off_plan_h = abs(call.arrival_h - expected_h)
        if stacked_call == call.id and off_plan_h > self.planning.remarshal_after_h:
            self.log.rehandles[box] += 1

    def seize(self, c: Consignment) -> None:
        """Hand a detained box over: from the inspection area if an inspection caught it, else
        from the stack (a document check caught it)."""
        caught_at_inspection = not math.isnan(self.log.inspection_end[c.id])
        self.leave_yard(c.id, INSPECTION if caught_at_inspection else YARD)
        self.stacked_for.pop(c.id, None)

    def _yard_change(self, teu: int) -> None:
        now = self.model.env.now
        self._yard_area += self.yard_teu * (now - self._yard_last)
        self._yard_last = now
        self.yard_teu += teu
        self.yard_peak_teu = max(self.yard_peak_teu, self.yard_teu)

    def mean_yard_teu(self, since_h: float) -> float:
        """Time-average yard occupancy in TEU since ``since_h`` (after :meth:`reset_yard_average`)."""
        now = self.model.env.now
        area = self._yard_area + self.yard_teu * (now - self._yard_last)
        return area / max(now - since_h, 1e-12)

    def reset_yard_average(self) -> None:
        self._yard_area = 0.0
        self._yard_last = self.model.env.now
        self.yard_peak_teu = self.yard_teu

    # ------------------------------------------------------------------ moves and trucks
    def to_inspection(self, c: Consignment):
        """The box is sent from the stack to the inspection area: it waits for a shuttle, then rides."""
        self.places.move(YARD, INSPECTION, c.flow)
        self.log.yard_lifts[c.id] += 1  # off the stack onto the shuttle
        yield from self.shuttle_fleet.serve(c.shuttle_out_h)

    def back_from_inspection(self, c: Consignment):
        """A shuttle takes the inspected box back to its stack."""
        yield from self.shuttle_fleet.serve(c.shuttle_back_h)
        self.places.move(INSPECTION, YARD, c.flow)
        self.log.yard_lifts[c.id] += 1  # back onto its stack

    def book_pickup(self, wanted_h: float) -> float:
        """Earliest appointment at or after ``wanted_h`` with a free slot; returns its time (h)."""
        if self.slots_per_h == 0:
            return wanted_h
        hour = math.floor(wanted_h)
        while self.booked.get(hour, 0) >= self.slots_per_h:
            hour += 1
        self.booked[hour] = self.booked.get(hour, 0) + 1
        return max(wanted_h, float(hour))

    def deliver(self, c: Consignment):
        """A truck brings the export box through a gate lane (document and seal check, OCR) into
        the stack."""
        self.places.put(GATE, c.flow)
        yield from self._through_gate(c)
        self.places.take(GATE, c.flow)
        self.stack_export(c)

    def pick_up(self, c: Consignment):
        """The booked truck takes the box off the stack and out through a gate lane."""
        self.places.move(YARD, GATE, c.flow)
        yield from self._through_gate(c)
        self.leave_yard(c.id, GATE)

    def _through_gate(self, c: Consignment):
        """The box's truck queues for a gate lane and is checked through it."""
        self.log.truck_trips[c.id] += 1
        came_h = self.model.env.now
        yield from self.gate.serve(c.gate_h)
        self.log.gate_wait_h[c.id] += self.model.env.now - came_h

    def daily_update(self) -> None:
        """Forget appointment hours that are over."""
        now_hour = math.floor(self.model.env.now)
        for hour in [h for h in self.booked if h < now_hour]:
            del self.booked[hour]
