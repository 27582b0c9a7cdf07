"""Warm-up: Welch's moving-average method over the replications' daily series.

The smoothed mean curve shows when the start-up transient (empty yard, idle desks) is over; the
warm-up each run deletes should reach that day. Summaries already count only the consignments
that entered in the measurement window, so this justifies (or refutes) the configured warm-up.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

SERIES_LABELS = {"yard_teu": "yard occupancy (TEU)"}


def welch_moving_average(
    daily_series: Sequence[Sequence[float]] | pd.DataFrame, window: int
) -> np.ndarray:
    """Welch's smoothed curve: the mean over replications, then a centred moving average.

    ``daily_series``: one series per replication (equal length m), or a DataFrame with one
    column per replication. Following Law & Kelton, point i (0-based) averages the 2w+1 points
    around it, or the 2i+1 points from 0 to 2i while i < w; the result has m - w points.
    """
    if isinstance(daily_series, pd.DataFrame):
        matrix = daily_series.to_numpy(dtype=float).T
    else:
        lengths = {len(s) for s in daily_series}
        if len(lengths) != 1:
            raise ValueError(f"replications' daily series differ in length: {sorted(lengths)}")
        matrix = np.asarray([np.asarray(s, float) for s in daily_series])
    avg = np.nanmean(matrix, axis=0)
    m = avg.size
    if not 1 <= window <= (m - 1) // 2:
        raise ValueError(f"window must be between 1 and {(m - 1) // 2} for {m} days, got {window}")
    out = np.empty(m - window)
    for i in range(m - window):
        k = min(i, window)
        out[i] = avg[i - k : i + k + 1].mean()
    return out


def welch_warmup_days(
    daily_series: Sequence[Sequence[float]] | pd.DataFrame, window: int, tolerance: float = 0.05
) -> int:
    """Warm-up (days) by Welch's method: the first day from which the smoothed curve stays
    within ``tolerance`` (relative) of its level over the second half of the series.

    Day i is the i-th value of each series (0-based), so the result is the number of leading
    days to delete. See :func:`welch_moving_average`.
    """
    smooth = welch_moving_average(daily_series, window)
    level = float(np.mean(smooth[smooth.size // 2 :]))
    band = tolerance * abs(level) if level != 0 else tolerance
    outside = np.flatnonzero(np.abs(smooth - level) > band)
    return 0 if outside.size == 0 else int(outside[-1] + 1)


def welch_from_dailies(
    dailies: dict,
    scenario: str,
    column: str = "yard_teu",
    window: int | None = None,
    tolerance: float = 0.05,
) -> dict:
    """Welch's warm-up for ``scenario`` from the runs' daily frames (as
    :func:`sim.analysis.runs.load_runs` gives them), in the form the report takes as
    ``spec_info["welch"]``: series, window, warmup_days, replications.

    ``window`` defaults to a tenth of the horizon (at least 1 day).
    """
    series = [
        d[column].to_numpy(float)
        for (s, _), d in sorted(dailies.items(), key=str)
        if s == scenario and column in d.columns
    ]
    if not series:
        raise ValueError(f"no daily {column!r} series for scenario {scenario!r}")
    m = min(len(x) for x in series)
    window = window or max(1, m // 10)
    days = welch_warmup_days([x[:m] for x in series], window, tolerance)
    return {
        "series": SERIES_LABELS.get(column, column.replace("_", " ")),
        "window": window,
        "warmup_days": days,
        "replications": len(series),
    }
