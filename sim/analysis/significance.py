"""The one significance rule: tables, figures, the report and the brief all call it.

A reform's effect on a KPI is the paired difference of means, scenario minus baseline, over the
replications both ran with the same seed (common random numbers). :func:`significant` says
whether the difference is told apart from zero; :func:`direction` says which way it went, in
words a table can print. Nothing else decides: no threshold on the size of the change (a 0.05 %
change with a tight interval is a change; a 20 % change whose interval covers zero is not).
"""
from __future__ import annotations

import math

SIGNIFICANCE_RULE = (
    "A change is called significant when the 95 % confidence interval of the paired "
    "difference (scenario minus baseline over the same seeds, a Student t interval with "
    "n - 1 degrees of freedom over n seeds) excludes zero; otherwise it is reported as "
    "\"no significant change\", however large the estimate."
)

BETTER, WORSE = "better", "worse"
HIGHER, LOWER = "higher", "lower"
NO_CHANGE = "no significant change"


def significant(ci_low: float | None, ci_high: float | None) -> bool:
    """True if the interval [ci_low, ci_high] of a paired difference excludes zero.

    An undefined bound (None or NaN, e.g. fewer than two pairs) is never significant.
    """
    if ci_low is None or ci_high is None or math.isnan(ci_low) or math.isnan(ci_high):
        return False
    return ci_low > 0 or ci_high < 0


def direction(ci_low: float | None, ci_high: float | None, better: int) -> str:
    """What a difference means, by :func:`significant` and the KPI's ``better`` (-1: lower is
    better, +1: higher is better, 0: neither).

    Returns "better" or "worse" for a significant change of a KPI with a preferred direction,
    "higher" or "lower" for one without, and "no significant change" otherwise.
    """
    if not significant(ci_low, ci_high):
        return NO_CHANGE
    up = ci_low > 0
    if better == 0:
        return HIGHER if up else LOWER
    return BETTER if up == (better > 0) else WORSE
