"""Bonded blending: high- and low-sulfur fuel oil blended in bonded status into compliant VLSFO.

Mechanism. Without the policy the bunker supplier buys VLSFO (0.50 % S) ready-blended, in
bonded status, from outside: a cargo takes days to arrive (figures.md: 5-7 days recommended
lead, Zhoushan, medium) and carries an import premium (figures.md: Zhoushan VLSFO between
-4.55 and +36.50 USD/t over Singapore, 2020-2023, medium). With the policy the supplier keeps
bonded HSFO (~3.5 % S) and LSFO (~0.1 % S) in its tanks and blends them on its own lines at
``supplier.blending.rate_t_per_h``: a blend run refills the VLSFO tank in hours. Each run picks
the HSFO share ``x`` by mass balance from the sulfur measured in both component tanks,
``x = (sulfur_target_pct - S_lsfo) / (S_hsfo - S_lsfo)``, using less HSFO when HSFO is short,
so no blended batch exceeds ``sulfur_target_pct`` (itself at most the 0.50 % limit). The blended
fuel costs the components' average cost by the blend ratio plus ``blending_cost_usd_per_t``;
the supplier's delivered price follows its cost (cheaper components, no import premium, holding
cost of whatever stock it keeps), so the saving is an outcome, not an input. Figures.md
reports it 3-5 % lower (supplier claim, Shanghai government, Dec 2023, medium); the LSFO price in
``configs/bunkering/yangshan.yaml`` is calibrated to land there.

Tax. In both cases the fuel is bonded: 13 % VAT rebated and the CNY 1,218/t consumption tax
waived for fuel entering customs-supervised storage (MOF/STA/GACC notice, Feb 2020, solid).
The policy does not change the tax; the run summary states the relief per tonne.

Eligibility. A licensed blender in the bonded zone (``bunkering.supplier.blending.licensed``).
A supplier without the licence keeps buying pre-blended VLSFO when the policy is on.

Parameters (defaults; change with ``policies.bonded_blending.<name>=...``):

- ``enabled`` (bool, default false).
- ``sulfur_target_pct`` (% mass, default 0.47): sulfur the blend aims at; below the 0.50 % limit
  by a margin for test reproducibility (assumption: about the ISO 4259 95 % confidence margin
  used when fuel samples are verified against the limit).
- ``blending_cost_usd_per_t`` (USD/t, default 3.0): energy, circulation, sampling and lab tests of
  a blend run (assumption; no public figure).
"""
from __future__ import annotations

from sim.schema.policies import BondedBlendingConfig

__all__ = ["BondedBlendingConfig"]  # read by the bunker market (sim/bunkering/)
