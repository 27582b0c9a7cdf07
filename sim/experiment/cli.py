"""The one command line of every experiment script (``experiments/*.py``).

    python experiments/policy_comparison.py [--out DIR] [--workers N] [--replications N]
        [--quick] [--executor local|slurm|submitit-local|ray] [--reuse-stale]
        [--partition NAME] [--ray-address ADDR]
    python experiments/run_scenario.py EXPERIMENT [same options]   # a name or a YAML file

Exit codes: 0 every run done; 1 a run failed (after the others finished; see failures.csv);
2 a bad input (one line ``clearway: config error: <field>: <problem>``, nothing simulated).
"""
from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sim.experiment.executors import EXECUTORS
from sim.experiment.spec import ExperimentSpec
from sim.schema.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
EXIT_RUN_FAILED = 1
EXIT_CONFIG_ERROR = 2
EPILOG = """\
exit codes: 0 every run done; 1 a run failed (the others finish; see failures.csv);
2 a bad input (one line naming the field; nothing is simulated).
The same command with the same --out resumes: sound runs are kept, missing, failed or
stale ones (other code version, changed config, damaged files) are redone."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line and exit 2, like every other bad input
        raise ConfigError("command line", message)


def experiment_parser(description: str, named: bool = True,
                      replications_help: str = "seeds per scenario (overrides the spec)"
                      ) -> argparse.ArgumentParser:
    """The shared options; ``named=False`` adds the positional EXPERIMENT (name or YAML)."""
    ap = _Parser(description=description, epilog=EPILOG,
                 formatter_class=argparse.RawDescriptionHelpFormatter)
    if not named:
        ap.add_argument("experiment", help="a named experiment (configs/experiment/<name>.yaml) "
                                           "or the path of an experiment YAML file")
    ap.add_argument("--out", help="experiment folder (default: results/<name>/<date-time>); an "
                                  "existing one resumes")
    ap.add_argument("--workers", type=int, help="runs in parallel (default: every CPU here; "
                                                "0: one after the other in this process)")
    ap.add_argument("--replications", type=int, help=replications_help)
    ap.add_argument("--quick", action="store_true",
                    help="the small variant: the spec's quick section (fewer replications, "
                         "a smaller port section, a shorter horizon)")
    ap.add_argument("--executor", choices=EXECUTORS, default="local",
                    help="where runs execute: local processes (default), SLURM jobs through "
                         "submitit, submitit's local executor, or Ray tasks")
    ap.add_argument("--reuse-stale", action="store_true",
                    help="keep sound runs made by another code version instead of redoing them")
    ap.add_argument("--partition", help="SLURM partition (--executor slurm)")
    ap.add_argument("--ray-address", help="Ray cluster to join (--executor ray; default: start "
                                          "a local one)")
    return ap


def check_workers(args) -> None:
    if args.workers is not None and args.workers < 0:
        raise ConfigError("--workers", f"must be >= 0, got {args.workers}")


def spec_from_args(args, name: str) -> ExperimentSpec:
    """The experiment ``name`` with ``--quick`` and ``--replications`` applied."""
    check_workers(args)
    spec = ExperimentSpec.load(name)
    if args.quick:
        spec = spec.as_quick()
    if args.replications is not None:
        spec = replace(spec, replications=args.replications)  # checked again on replace
    return spec


def default_out(name: str, quick: bool = False) -> Path:
    """``results/<name>/<date-time>`` (``quick_<date-time>`` for the quick variant)."""
    stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    return ROOT / "results" / name / (f"quick_{stamp}" if quick else stamp)


def out_dir(args, spec: ExperimentSpec) -> Path | str:
    return default_out(spec.name, spec.is_quick) if args.out is None else args.out


def run_args(args) -> dict:
    """The keyword arguments of :func:`sim.studies.run_experiment` the options set."""
    if args.partition and args.executor != "slurm":
        raise ConfigError("--partition", f"is for --executor slurm, not {args.executor}")
    if args.ray_address and args.executor != "ray":
        raise ConfigError("--ray-address", f"is for --executor ray, not {args.executor}")
    options = {"partition": args.partition, "ray_address": args.ray_address}
    return {"workers": args.workers, "reuse_stale": args.reuse_stale, "executor": args.executor,
            "executor_options": {k: v for k, v in options.items() if v}}


def guarded(main: Callable[[], int]) -> None:
    """Run an entry point: exit with its code, or 2 and one line for a bad input."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("MESA").setLevel(logging.WARNING)
    try:
        code = main()
    except ConfigError as err:
        print(f"clearway: config error: {err}", file=sys.stderr)
        sys.exit(EXIT_CONFIG_ERROR)
    sys.exit(code or 0)
