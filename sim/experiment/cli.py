"""The command line every named experiment shares: ``--out``, ``--workers``, ``--replications``."""
from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from sim.experiment.spec import ExperimentSpec

ROOT = Path(__file__).resolve().parents[2]


def experiment_parser(description: str, replications_help: str = "override the experiment's replications"):
    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="experiment folder (default: results/<name>/<time>); "
                                             "an existing one resumes")
    ap.add_argument("--workers", type=int, help="parallel runs (default: every CPU)")
    ap.add_argument("--replications", type=int, help=replications_help)
    return ap


def default_out(name: str) -> Path:
    return ROOT / "results" / name / datetime.now().strftime("%Y-%m-%d_%H-%M-%S")


def experiment_args(name: str, description: str, argv: list[str] | None = None):
    """Parse the shared options; return ``(args, spec, out_dir)`` for experiment ``name``."""
    args = experiment_parser(description).parse_args(argv)
    spec = ExperimentSpec.load(name)
    if args.replications:
        spec.replications = args.replications
        spec.validate()
    return args, spec, args.out or default_out(name)
