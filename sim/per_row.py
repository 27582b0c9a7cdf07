"""Per-row figures of a long log computed a chunk of rows at a time.

Costs (:mod:`sim.costs`) and emissions (:mod:`sim.emissions`) are each row's own, computed from
its milestones with a dozen float64 temporaries. Over a whole log at once those temporaries
take a few hundred bytes a row (a year at Yangshan volume holds 12.5 M rows); a chunk at a time
they stay the size of a chunk, and the result is the same bit for bit.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

CHUNK_ROWS = 65_536  # rows computed at a time


def per_row(compute: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]],
            log: dict[str, np.ndarray], rows: np.ndarray | None = None,
            dtype=np.float64) -> dict[str, np.ndarray]:
    """``compute(part) -> {name: per-row values}`` applied to the log's rows ``CHUNK_ROWS`` at a
    time, gathered into one array of ``dtype`` per name.

    ``rows``: the indices of the rows to compute (all rows by default); the arrays returned are
    aligned with them. ``dtype``: of the arrays returned (float32 for the log's columns: each
    value is rounded from the float64 that ``compute`` gave).
    """
    n = len(log["flow"]) if rows is None else len(rows)
    out: dict[str, np.ndarray] = {}
    for start in range(0, max(n, 1), CHUNK_ROWS):  # one empty chunk for an empty log
        at = slice(start, start + CHUNK_ROWS)
        part = {k: v[at] if rows is None else v[rows[at]] for k, v in log.items()}
        for name, values in compute(part).items():
            out.setdefault(name, np.empty(n, dtype=dtype))[at] = values
    return out
