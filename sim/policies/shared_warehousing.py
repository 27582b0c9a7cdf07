"""Shared warehousing in the bonded zone: bonded and non-bonded goods in one warehouse, shipped
together, declared collectively.

Mechanism (item 7 of Shanghai's 2025 digital-trade plan, seeds/002; DESIGN.md §5). In the
baseline a zone firm keeps its bonded goods (duty suspended) and its non-bonded (domestic-trade)
goods in two warehouses, each rented for its own peak stock; an order that mixes both is picked
twice, split into two shipments, each with its own customs declaration (broker fee, desk
queue, possible document check) and its own truck(s) ("one truck, one declaration"). A firm
that has opted in keeps both classes in one pooled warehouse, rented for the peak of their sum
(which is below the sum of their peaks unless both peak together); a mixed order is picked in
one job and leaves as one shipment; shipments of the same order kind are consolidated onto
trucks that leave when full (``bonded_zone.trucks.capacity_pallets``) or ``consolidation_window_h``
after the first pallet is loaded; and declarations are collective: one per firm and order kind
every ``declaration_period_h``, lodged at the end of the period, covering every shipment of the
period. Every effect comes out of these mechanisms; none is a fixed percentage.

Collective-declaration regime (assumption, modelled explicitly). With ``ship_before_declaration``
(default) shipments leave the zone on an electronic exit note as soon as their truck leaves and
the period's collective declaration is lodged afterwards ("distribute separately, declare
collectively", the regime China's special customs supervision zones offer to firms in good
standing); an order is *cleared* when the declaration covering it is accepted. With
``ship_before_declaration=false`` shipments wait at the dock until the declaration covering
their period is accepted. Either way the collective declaration is risk-checked like any other:
document check with probability ``bonded_zone.customs.doc_check_prob`` per declaration; a check
covers every order the declaration lists, and finds an offending one with
``bonded_zone.customs.detection_prob``. The desk's work grows with the shipments listed
(``bonded_zone.customs.extra_shipment_factor``).

Eligibility: a firm of the bonded zone whose credit class is not low (credit != 2), that has
opted in. Firms opt in through :class:`sim.adoption.Adoption`: each order's realised cost
(trucking + declaration fees + holding cost of the goods until shipped + its share of the
firm's rent) is the evidence; a firm joins when the saving it expects over ``payback_days``
exceeds the switching cost. ``adoption.forced=true`` opts every eligible firm in from day 0.

Parameters (defaults):

- ``enabled`` (bool, false).
- ``declaration_period_h`` (h, 24): one collective declaration per firm and order kind a day
  (assumption; the brief's "e.g. daily"; the national regime allows up to a month).
- ``consolidation_window_h`` (h, 4): longest a truck waits for more shipments (assumption).
- ``ship_before_declaration`` (bool, true): see above (assumption).
- ``adoption.switching_cost_cny`` (CNY, 200,000): moving stock, re-labelling bonded and non-bonded
  goods in one warehouse management system, the customs' supervision link (assumption).
- ``adoption.prior_saving_cny`` (CNY per order, 500): the saving firms expect before seeing any
  (assumption: what the pilot advertises; with 0 nobody would try the route). Other adoption
  defaults are :class:`sim.adoption.AdoptionConfig`'s (assumptions).

Reference magnitudes (figures.md, GACC Ningbo pilot, solid source but a single case): 9 firms,
1,916 consignments worth USD 244 m in 5 months; one firm freed more than 26,000 m^2.
"""
from __future__ import annotations

from sim.schema.policies import SharedWarehousingAdoption, SharedWarehousingConfig

__all__ = ["SharedWarehousingAdoption", "SharedWarehousingConfig"]  # read by the bonded zone
