"""ClearanceModel: the port, its customs and its users, wired together.

A Mesa model that owns one SimPy environment. One Mesa ``step()`` is one simulated day: the SimPy
environment runs to the next day boundary (events at exactly ``24 d`` hours belong to the next
day); then the traders make their daily decisions in random order (consignees book trucks for
the boxes they want, shippers send the boxes that are ready: ``agents_by_type[...].shuffle_do``),
customs, the terminal and the reforms' adopters adapt (``daily_update``) and the DataCollector
records the daily series. Consignments move between steps inside SimPy processes (see
:mod:`sim.flows`); the decisions that fall inside a day (when to declare, what to do at
discharge) are taken there, by the agent whose decision it is.

A run simulates ``run.horizon_days`` days (:meth:`ClearanceModel.run_horizon`), then drains
(:meth:`ClearanceModel.drain`): the port keeps working, arrivals included, day by day until every
box of the measured cohort has ended its journey or ``run.drain_cap_days`` have passed (see
:mod:`sim.cohort`). During the drain the port's agents keep adapting, but the sub-models and the
daily series stop at the horizon. Nangang's ro-ro terminal (:mod:`sim.roro`, ``roro.enabled``) is
part of the port, not a sub-model: its importers book car carriers every day, the drain included.

Modelled on Shanghai's Yangshan container port and its customs (see docs/ODD.md and
reference/figures.md in the design folder for the sources of every default).
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

import mesa
import numpy as np

from sim.agents.broker import Broker
from sim.agents.consignee import Consignee
from sim.agents.customs import Customs
from sim.agents.population import create_port_users
from sim.agents.shipper import Shipper
from sim.agents.terminal import Terminal
from sim.agents.trucker import TruckingCompany
from sim.bonded_zone.zone import BondedZone
from sim.bunkering.market import BunkerMarket
from sim.cohort import open_in_cohort
from sim.consignment import draw_batch
from sim.ecommerce.terminal import AirCargoTerminal
from sim.costs import container_costs
from sim.event_calendar import CalendarEnvironment
from sim.feasibility import consignment_log_rows
from sim.flows.exports import export_container
from sim.flows.imports import collect
from sim.flows.poisson_arrivals import start_poisson_arrivals
from sim.flows.vessel_call import start_vessel_traffic
from sim.places import Places
from sim.policies import Measures
from sim.records import ConsignmentLog
from sim.roro.terminal import RoroTerminal
from sim.rng import Purpose, stream
from sim.schema import ClearwayConfig
from sim.stress import inspection_outage


@contextmanager
def forgotten_by_mesa():
    """Models built inside the block are forgotten by Mesa when it ends, so that they are freed
    once their last reference goes.

    Mesa 3.3 keeps every model it has seen as a key of the class attribute ``Agent._ids`` (each
    model's counter of agent ids), so each run's port, agents and boxes still in flight stayed
    alive for the life of the process: about 50 MB a run of the policy comparison in a warm
    experiment worker, every later collection scanning them all. Fixed in Mesa after 3.3.1
    (mesa/mesa#3179), which needs Python 3.12. A model used after the block keeps working; only
    agents created after it would number from 1 again.
    """
    known = set(mesa.Agent._ids)
    try:
        yield
    finally:
        for model in [m for m in mesa.Agent._ids if m not in known]:
            del mesa.Agent._ids[model]


def build_sub_models(model) -> dict:
    """The optional sub-models that share the port's clock and firms (see DESIGN.md section 4)."""
    cfg = model.config
    subs = {}
    if cfg.bonded_zone.enabled:
        subs["bonded_zone"] = BondedZone(model, cfg.bonded_zone, cfg.policies.shared_warehousing)
    if cfg.bunkering.enabled:
        subs["bunkering"] = BunkerMarket(model, cfg.bunkering, cfg.policies.bonded_blending)
    if cfg.ecommerce.enabled:
        subs["ecommerce"] = AirCargoTerminal(model, cfg.ecommerce, cfg.policies.ecommerce_air)
    return subs


AGENT_REPORTERS = {  # per agent and day (``model.datacollector.get_agenttype_vars_dataframe``)
    Consignee: {"boxes_waiting_for_pickup": lambda a: len(a.to_collect),
                "routes_opted_in": lambda a: a.model.measures.routes_opted_in(a.index)},
    Shipper: {"boxes_at_factory": lambda a: len(a.to_send),
              "routes_opted_in": lambda a: a.model.measures.routes_opted_in(a.index)},
    Broker: {"declarations_waiting": lambda a: a.declarants.waiting(a.model.env.now), "keyed": "keyed"},
    TruckingCompany: {"bookings_refused": "refused"},
}


class ClearanceModel(mesa.Model):
    def __init__(self, config: ClearwayConfig, seed: int):
        super().__init__(rng=int(stream(seed, Purpose.MESA).integers(2**31)))
        self.measures = Measures(config.policies)
        self.config = config = self.measures.effective_config(config)
        self.seed = seed
        self.env = CalendarEnvironment()
        self.log = ConsignmentLog(capacity=consignment_log_rows(config))  # a file; see sim.records
        self.warmup_h = config.run.warmup_days * 24.0
        self.draining = False  # True after the horizon, while the cohort finishes
        self.places = Places()  # boxes held at each place (vessels, yard, inspection, gate, trucks)
        self.behaviour = config.behaviour.enabled  # False: the verification network, no agents' timing
        self.electronic_documents = config.behaviour.documents.electronic
        create_port_users(self, config, seed)  # consignees, shippers, brokers, carriers, fleets
        self.customs = Customs(self, config, self.firm_table.credit,
                               self.firm_table.box_weight(self.boxes_per_day),
                               self.firm_table.offence_rate)
        self.terminal = Terminal(self, config)
        self.sub_models = build_sub_models(self)  # name -> bonded zone, bunker market, air terminal (if enabled)
        # Nangang's ro-ro vehicles are part of the port: followed through the drain, unlike the sub-models
        self.roro = RoroTerminal(self, config.roro) if config.roro.enabled else None
        self.stations = self.customs.stations + self.terminal.stations + [
            s for sub in self.sub_models.values() for s in sub.stations]
        if self.roro is not None:
            self.stations += self.roro.stations
        self.left_port: list[int] = []  # ids of boxes that left the port since the last day ended
        self.measures.bind(self)
        self.calls = []  # the vessel calls, scheduled up front (vessel mode)
        if config.arrivals.mode == "vessel":
            start_vessel_traffic(self)
        else:
            start_poisson_arrivals(self)
        self.env.process(inspection_outage(self))
        self._busy_at_day_start = {s.name: 0.0 for s in self.stations}
        self.datacollector = mesa.DataCollector(model_reporters=self._daily_reporters(),
                                                agenttype_reporters=AGENT_REPORTERS)

    def trader(self, firm: int):
        """The consignee or shipper with global index ``firm``."""
        return self.traders[firm]

    def new_consignments(self, flow: int, batch: int | tuple[int, ...], n: int, owner: int | None = None):
        """Create ``n`` consignments of ``flow`` (batch ``batch``; all of trader ``owner`` if
        given), attributes drawn and logged."""
        return draw_batch(self.config, self.seed, self.firm_table, self.log, flow, batch, n, owner)

    def first_line_boxes(self, call) -> list:
        """The bonded-zone lots booked on vessel call ``call``, as import boxes on its manifest,
        their journeys started (:mod:`sim.bonded_zone.first_line`); none without the zone's first line."""
        zone = self.sub_models.get("bonded_zone")
        return [] if zone is None or zone.first_line is None else zone.first_line.manifest(call)

    def start_pickup(self, c, at_h: float) -> None:
        """A consignee's truck is booked: it comes for ``c`` at ``at_h``."""
        self.env.process(collect(self, c, at_h))

    def start_export(self, c, at_h: float, before_loading_h: float | None = None) -> None:
        """A shipper's box starts its journey at ``at_h``: at the gate, or (``before_loading_h``
        given: it loads on arrival) at the factory."""
        self.env.process(export_container(self, c, before_loading_h, start_h=at_h))

    def step(self) -> None:
        """Simulate one day, then let agents adapt and decide for the next day, and record it."""
        self.env.run(until=self.steps * 24.0)
        today = int(self.steps)  # the day about to start
        if self.behaviour:
            self.agents_by_type[Consignee].shuffle_do("book_pickups", today)
            self.agents_by_type[Shipper].shuffle_do("send_boxes", today)
            for fleet in self.fleets:
                fleet.forget_before(today)
        if self.env.now == self.warmup_h:
            for station in self.stations:
                station.reset_statistics()
            self.terminal.reset_yard_average()
            self._busy_at_day_start = {s.name: 0.0 for s in self.stations}
        self.customs.daily_update()
        self.terminal.daily_update()
        if self.roro is not None:
            self.roro.daily_update(today)
        if not self.draining:
            for sub in self.sub_models.values():
                sub.daily_update()
        if self.measures.active:  # firms learn from the boxes that left today
            self.measures.daily_update(self, self._left_today())
        self.left_port.clear()
        self.log.forget()  # the log's pages leave the process; the next day maps those it touches
        if self.draining:
            return
        self.datacollector.collect(self)
        for s in self.stations:
            self._busy_at_day_start[s.name] = s.busy_server_hours()

    def _left_today(self) -> dict[str, np.ndarray]:
        """Log columns and total cost (CNY) of the boxes that left the port today."""
        ids = np.array(self.left_port, dtype=np.int64)
        left = {name: column[ids] for name, column in self.log.view().items()}
        left["cost_cny"] = container_costs(left, self.config.costs)["total"]
        return left

    def run_horizon(self, on_day: Callable[[int, int], None] | None = None) -> None:
        """Simulate ``run.horizon_days`` days; ``on_day(day, horizon_days)`` after each, if given."""
        horizon = self.config.run.horizon_days
        for _ in range(horizon):
            self.step()
            if on_day is not None:
                on_day(self.steps, horizon)

    def drain(self) -> None:
        """After the horizon: go on a day at a time until the cohort is done or the cap is hit."""
        run = self.config.run
        self.draining = True
        last_day = run.horizon_days + run.drain_cap_days
        while self.steps < last_day and open_in_cohort(self.log.view(), run):
            self.log.forget()  # the pages the check read
            self.step()

    def run(self) -> None:
        self.run_horizon()
        self.drain()

    # ------------------------------------------------------------------ daily series
    def _daily_reporters(self) -> dict:
        reporters = {
            "day": lambda m: m.steps,
            "yard_teu": lambda m: m.terminal.yard_teu,
            "released": lambda m: m.customs.released,
            "detained": lambda m: m.customs.detained,
            "boxes_waiting_for_pickup": lambda m: sum(len(c.to_collect) for c in m.consignees),
            "boxes_at_factories": lambda m: sum(len(s.to_send) for s in m.shippers),
            "declarations_waiting_at_brokers": lambda m: sum(b.declarants.waiting(m.env.now) for b in m.brokers),
            "truck_bookings_refused": lambda m: sum(f.refused for f in m.fleets),
        }
        for name in self.measures.daily_series():
            reporters[name] = lambda m, name=name: m.measures.daily_series()[name]
        for sub_name, sub in self.sub_models.items():
            for name in sub.daily_series():
                reporters[name] = lambda m, s=sub_name, name=name: m.sub_models[s].daily_series()[name]
        if self.roro is not None:
            for name in self.roro.daily_series():
                reporters[name] = lambda m, name=name: m.roro.daily_series()[name]
        for s in self.stations:
            reporters[f"{s.name}_queue"] = lambda m, s=s: s.waiting
            if s.servers:
                reporters[f"{s.name}_utilisation"] = lambda m, s=s: m._day_utilisation(s)
        return reporters

    def _day_utilisation(self, s) -> float:
        return (s.busy_server_hours() - self._busy_at_day_start[s.name]) / (24.0 * s.servers)
