"""The agents' daily reporters reach the run's results and its folder (``agents.parquet``)."""
import numpy as np
import pandas as pd

from sim.model import AGENT_REPORTERS
from sim.run import write_run

FORCED_PICKUP = ("policy=direct_pickup", "policies.direct_pickup.adoption.forced=true")


def test_every_agent_is_recorded_every_day_with_its_own_variables(tiny_run):
    result = tiny_run()
    agents = result.agents
    days = result.config.run.horizon_days
    for agent_type, reporters in AGENT_REPORTERS.items():
        rows = agents[agents["agent_type"] == agent_type.__name__]
        n_agents = rows["agent_id"].nunique()
        assert n_agents > 0, agent_type.__name__
        assert len(rows) == n_agents * days, f"{agent_type.__name__}: one row per agent and day"
        assert sorted(rows["day"].unique()) == list(range(1, days + 1))
        assert rows[list(reporters)].notna().all().all()


def test_opt_in_is_recorded_per_trader(tiny_run):
    """Baseline: nobody has opted in to anything. Forced direct pickup: every importer (and no
    exporter) is on the route from the first day."""
    for overrides, importers, exporters in (((), "", ""), (FORCED_PICKUP, "direct_pickup", "")):
        agents = tiny_run(*overrides).agents
        assert set(agents.loc[agents["agent_type"] == "Consignee", "routes_opted_in"]) == {importers}
        assert set(agents.loc[agents["agent_type"] == "Shipper", "routes_opted_in"]) == {exporters}


def test_agent_records_are_written_with_the_log(tmp_path, tiny_run):
    result = tiny_run()
    write_run(result, tmp_path / "run")
    written = pd.read_parquet(tmp_path / "run" / "agents.parquet")
    assert list(written.columns[:3]) == ["agent_type", "day", "agent_id"]
    assert len(written) == len(result.agents)
    keyed = written.loc[written["agent_type"] == "Broker", "keyed"].to_numpy()
    assert np.all(keyed >= 0) and keyed.max() > 0
