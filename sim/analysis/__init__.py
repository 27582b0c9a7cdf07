"""Analysis of finished experiments: statistics over runs, one concept per module.

- :mod:`sim.analysis.significance`: the one significance rule every table, figure and text uses;
- :mod:`sim.analysis.runs`: the runs table (finished runs, KPI columns, derived KPIs, loading);
- :mod:`sim.analysis.comparison`: scenario means and paired differences against the baseline;
- :mod:`sim.analysis.sequential`: how many replications a target half-width needs;
- :mod:`sim.analysis.warmup`: Welch's moving-average method for the warm-up;
- :mod:`sim.analysis.robustness`, :mod:`sim.analysis.scenario_discovery`: effects under
  assumption uncertainty and the regions where a reform fails (PRIM).

Two leaves below the experiment layer serve it: the confidence intervals (:mod:`sim.intervals`:
Student t, paired, Welch and ratio, from scipy.stats), which the experiment's sequential
replication rule needs too, and the KPI registry (names, labels, units, directions:
:mod:`sim.kpis`), because the runner reads KPIs out of each run's summary. This package imports
nothing at import time, so ``import sim.analysis.runs`` stays cheap.
"""
