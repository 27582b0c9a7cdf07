"""Air freight facilitation for cross-border e-commerce parcels, and streamlined returns.

Sources. Shanghai's 2024 plan (seed 002) item 5: "improve air freight facilitation for
cross-border e-commerce goods, including electrified goods, magnetic goods and cosmetics"; item 7:
"streamline return processes for direct-purchase cross-border e-commerce goods". Neither gives a
figure: every parameter below is an assumption, ranged in ``configs/uncertainty/shanghai.yaml``.

Mechanism (the air cargo terminal, :mod:`sim.ecommerce`, asks this module; it never tests the
policy's name). Three rules change; the times come out of the terminal's queues:

1. Pre-classification and whitelisting. A share of sellers (``whitelisted_seller_share``) have
   their electrified, magnetic and cosmetic goods classified and filed in advance. Their special
   parcels skip the extra check (dangerous-goods / magnetic inspection, cosmetics filing check)
   unless drawn for a random check (``random_check_share``). The check station's queue shortens
   for everybody, and a non-compliant whitelisted parcel that is not drawn is released (missed).
2. Consolidated declaration (``consolidated_declaration``). A whitelisted seller's parcels in a
   ULD are declared together, one batch declaration per ULD (its manifest), instead of one
   declaration each: the declaration desk's work and the filing fees per parcel fall.
3. Streamlined returns (``streamlined_returns``). A return inside the window is matched
   electronically to its original declaration (``match_h``, no desk) and re-enters bonded stock;
   only ``return_check_share`` of them are opened. Without it every return is re-declared in full
   at the return desk and opened.

Eligibility. Rules 1 and 2: parcels of whitelisted sellers. Rule 3: every return requested inside
the window (``ecommerce.returns.window_days``); later requests are refused either way.

Parameters (defaults; change with ``policies.ecommerce_air.<name>=...``): ``enabled`` (false),
``whitelisted_seller_share`` (0.5), ``random_check_share`` (0.05), ``consolidated_declaration``
(true), ``streamlined_returns`` (true), ``return_check_share`` (0.1), ``match_h`` (h, 0.1).
"""
from __future__ import annotations

import numpy as np

from sim.schema.policies import EcommerceAirConfig


class EcommerceAir:
    """The policy's answers for the air cargo terminal; with ``enabled`` false, the baseline's."""

    def __init__(self, cfg: EcommerceAirConfig, seller_u: np.ndarray):
        """``seller_u``: one uniform per seller, drawn whether or not the policy is on, so raising
        the share only adds sellers to the whitelist (nested whitelists, common random numbers)."""
        self.cfg = cfg
        self.whitelisted = (seller_u < cfg.whitelisted_seller_share) & cfg.enabled

    def needs_special_check(self, special: bool, whitelisted: bool, check_u: float) -> bool:
        """A special parcel is checked unless its seller is whitelisted and it was not drawn."""
        return special and (not whitelisted or check_u < self.cfg.random_check_share)

    def declares_by_uld(self, whitelisted: bool) -> bool:
        """Is the parcel declared in its ULD's consolidated declaration?"""
        return self.cfg.enabled and self.cfg.consolidated_declaration and whitelisted

    @property
    def streamlined_returns(self) -> bool:
        return self.cfg.enabled and self.cfg.streamlined_returns

    def opens_return(self, check_u: float) -> bool:
        """Is a return opened and inspected? Always in the standard procedure."""
        return not self.streamlined_returns or check_u < self.cfg.return_check_share
