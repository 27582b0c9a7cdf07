"""``python -m sim``: compose ``configs/`` with Hydra, run once, write the run folder, print a summary.

Any Hydra override works, e.g. ``python -m sim scenario=verification customs.doc_officers=8``.
Before Hydra takes over, the overrides are composed and validated once (``sim.load_config``): a
wrong config stops here with one line naming the field, exit code 2, no traceback.
"""
from __future__ import annotations

import logging
import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config import ConfigError
from sim.loading import CONFIG_DIR, load_config, to_config
from sim.records import FLOWS
from sim.run import run

EXIT_CONFIG_ERROR = 2


@hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")
def hydra_job(cfg: DictConfig) -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    config = to_config(cfg)
    output_dir = HydraConfig.get().runtime.output_dir
    result = run(config, output=output_dir)
    print(format_summary(result.summary))
    print(f"\nOutputs written to {output_dir}")


def format_summary(summary: dict) -> str:
    """A few lines a person can read: times, release within 24 h, cost, enforcement, speed.

    Figures describe the measured cohort (see sim/cohort.py); a mean over boxes some of which
    never reached its end event says how many did not.
    """
    lines = [f"Clearway run: scenario '{summary['scenario']}', seed {summary['seed']}, "
             f"{summary['horizon_days']} days ({summary['warmup_days']} warm-up, "
             f"{summary['cooldown_days']} cool-down) + {summary['drain_days']} days of drain"]
    for flow in FLOWS:
        a = summary["flows"][flow]["all"]
        if not a["n"]:
            continue
        port, clear = a["port_time_h"], a["clearance_time_h"]
        stages = " / ".join(f"{k.replace('_', ' ')} {v:.1f}" for k, v in a["stages_h"].items() if v is not None)
        lines += [
            f"\n{flow}: {a['n']:,} containers measured (arrived in the window, followed to the end)",
            f"  port time      mean {_h(port['mean'])}  p90 {_h(port['p90'])}{_open(port['unfinished'], 'left')}",
            f"  clearance time mean {_h(clear['mean'])}{_open(clear['unfinished'], 'released')}"
            f"  (arrival -> release; released before arrival: {_pct(a['released_before_arrival'])})",
            f"  released within 24 h of arrival: {_pct(a['released_within_24h'])} of all",
            f"  stages (h): {stages}",
            f"  cost per container: CNY {_n(a['cost_cny']['border_documentary'])} border+documentary, "
            f"CNY {_n(a['cost_cny']['total'])} with detention, trucking and cargo time",
            f"  offences detected {a['offences']['detected']}, missed {a['offences']['missed']}",
        ]
        if a["unfinished"]:
            stuck = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in a["unfinished_by_stage"].items() if v)
            lines.append(f"  UNFINISHED after {summary['drain_days']} days of drain: {a['unfinished']:,} "
                         f"containers (stuck in: {stuck})")
    lines.append(f"\n{summary['consignments_per_s']:,.0f} consignments/s, {summary['wall_s']:.1f} s")
    return "\n".join(lines)


def _open(count: int, event: str) -> str:
    return f"  (* {count:,} never {event}: mean over the others)" if count else ""


def _h(x):
    return "   n/a" if x is None else f"{x:6.1f} h"


def _pct(x):
    return "n/a" if x is None else f"{100 * x:.1f} %"


def _n(x):
    return "n/a" if x is None else f"{x:,.0f}"


def prevalidate(argv: list[str]) -> None:
    """Compose and validate the overrides of a single run before Hydra starts."""
    overrides = [a for a in argv if not a.startswith("-") and not a.startswith(("hydra.", "hydra/"))]
    scenario = "shanghai"
    rest = []
    for o in overrides:
        key, _, value = o.partition("=")
        if key == "scenario":
            scenario = value
        else:
            rest.append(o)
    load_config(scenario, rest)


def main() -> None:
    argv = sys.argv[1:]
    single_run = not any(a in ("-m", "--multirun", "-h", "--help", "--hydra-help", "-c", "--cfg",
                               "--info", "-i") for a in argv)
    if single_run:
        try:
            prevalidate(argv)
        except ConfigError as err:
            print(f"clearway: config error: {err}", file=sys.stderr)
            sys.exit(EXIT_CONFIG_ERROR)
    hydra_job()
