"""Studies: an experiment run, then analysed and reported, in one call.

    from sim.experiment import ExperimentSpec
    from sim.studies import run_experiment
    result = run_experiment(ExperimentSpec.load("policy_comparison").as_quick(),
                            "results/policy_comparison/quick", workers=2)
    print(result.console)                # time, cost, missed offences vs. baseline

The top layer of the package: it runs the runs (:mod:`sim.experiment`), then reads them with
the statistics (:mod:`sim.analysis`) and writes figures and report (:mod:`sim.plots`,
:mod:`sim.report`); nothing below imports it. ``pipeline.py``: the one path every experiment
script takes; ``findings.py``: comparison table, figures, report and the console headline of a
finished experiment; ``sensitivity.py``: a Morris screening run and analysed;
``sensitivity_report.py``: its report.
"""

from sim.studies.pipeline import ExperimentResult, run_experiment

__all__ = ["ExperimentResult", "run_experiment"]
