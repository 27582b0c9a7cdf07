"""Reference figures for the bunker market and the model-vs-reference plausibility table.

From reference/figures.md: bonded bunker sales Shanghai 4.16 Mt (2024, medium), Zhoushan 7.26 Mt
(2024, medium), Singapore 51.8 Mt (2023, solid); bonded blending at Yangshan lowers cost by 3-5 %
(medium, supplier claim); bunker supplier lead time at Zhoushan 5-7 days (medium); the 0.50 % S
limit. The modelled supplier serves a scaled share of Shanghai, so its volume is compared as a
share, not as a target.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

DAYS_PER_YEAR = 365.0
SALES_T_PER_YEAR = {"Shanghai 2024": 4.16e6, "Zhoushan 2024": 7.26e6, "Singapore 2023": 51.8e6}
JLC = "JLC (figures.md, medium)"


def _mean(summaries: list[dict], *path: str) -> float:
    values = []
    for s in summaries:
        for key in path:
            s = s[key]
        values.append(s)
    return float(np.mean(values))


def plausibility_table(baseline: list[dict], blending: list[dict]) -> pd.DataFrame:
    """Model vs reference, from run summaries without and with bonded blending (paired by seed)."""
    sold = _mean(baseline, "tonnes_sold_per_day")
    shanghai = SALES_T_PER_YEAR["Shanghai 2024"] / DAYS_PER_YEAR
    saving = np.mean([100 * (1 - on["price_cny_per_t"] / off["price_cny_per_t"])
                      for off, on in zip(baseline, blending)])
    max_sulfur = max(s["sulfur_pct"]["max"] for s in baseline + blending)
    rows = [
        ("VLSFO sold by the modelled supplier", sold, "t/day", 0.0, shanghai,
         f"a scaled share of Shanghai's {shanghai:,.0f} t/day (4.16 Mt, 2024)", "medium", JLC),
        ("  as a share of Shanghai bonded sales", sold / shanghai, "share", 0.0, 1.0,
         "<= 1 (Zhoushan 19,890 t/day, Singapore 141,900 t/day)", "medium", JLC),
        ("delivered cost saving from bonded blending", saving, "%", 3.0, 5.0, "3-5 %", "medium",
         "Shanghai government, Dec 2023 (supplier claim)"),
        ("supply lead time of pre-blended VLSFO", _mean(baseline, "supply", "vlsfo_lead_time_h", "mean") / 24,
         "days", 5.0, 7.0, "5-7 days", "medium", "JLC; China Daily (Zhoushan)"),
        ("supply lead time of blended VLSFO", _mean(blending, "supply", "vlsfo_lead_time_h", "mean"),
         "h", 0.0, 24.0, "hours (blending instead of importing)", "assumption", "mechanism"),
        ("highest sulfur of a delivered batch", max_sulfur, "% S", 0.0, 0.50, "<= 0.50 %", "solid",
         "IMO 2020 global cap"),
        ("bonded tax relief", _mean(baseline, "bonded_tax_relief_cny_per_t"), "CNY/t", 1218.0, np.inf,
         "CNY 1,218/t consumption tax + 13 % VAT", "solid", "MOF/STA/GACC notice, Feb 2020"),
    ]
    table = pd.DataFrame(rows, columns=["figure", "model", "unit", "low", "high", "reference", "strength",
                                        "source"])
    table["within"] = (table["model"] >= table["low"]) & (table["model"] <= table["high"])
    return table
