"""Certification by enterprise (issue 10, item 5): approved importers' goods skip per-shipment
certification and a share of those releases is audited afterwards.

On the tiny port under common random numbers (the same boxes, firms and draws with the policy
on and off, paired box by box): the boxes released on their firm's approval clear faster, the
boxes it does not touch (no certification needed) do not; audits find offences after release and
count them apart from those truly missed, and a firm whose audit finds one loses its approval.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from conftest import tiny_port_config
from sim import load_config, run
from sim.model import ClearanceModel
from sim.records import CAUGHT_AT_AUDIT, CREDIT_CLASSES, EXPORT, IMPORT, MISSED
from sim.schema.errors import ConfigError

POLICY = "policy=enterprise_certification"
# every approved release audited a day later, every audited offence found; offences common
# enough that the tiny port has some to find
AUDIT_ALL = (POLICY, "policies.enterprise_certification.audit_share=1",
             "policies.enterprise_certification.audit_detection_prob=1",
             "policies.enterprise_certification.audit_after_days=1",
             "firms.offence_rate_mean=0.2")


def columns(result) -> dict[str, np.ndarray]:
    return {n: result.log.column(n).to_numpy(zero_copy_only=False) for n in result.log.column_names}


def paired_ci(diff: np.ndarray) -> tuple[float, float, float]:
    """Mean of the per-box differences and its 95 % t interval."""
    half = stats.t.ppf(0.975, diff.size - 1) * diff.std(ddof=1) / math.sqrt(diff.size)
    return float(diff.mean()), float(diff.mean() - half), float(diff.mean() + half)


def test_approved_boxes_clear_faster_and_boxes_needing_no_certification_do_not(tiny_run):
    base, policy = columns(tiny_run()), columns(tiny_run(POLICY))
    n = min(len(base["flow"]), len(policy["flow"]))
    for name in ("flow", "firm", "offence", "needs_certification"):  # the same boxes
        assert np.array_equal(base[name][:n], policy[name][:n]), name
    clearance = {k: (c["release"][:n] - c["vessel_arrival"][:n]).astype(np.float64)
                 for k, c in (("base", base), ("policy", policy))}
    both = np.isfinite(clearance["base"]) & np.isfinite(clearance["policy"])
    diff = clearance["policy"] - clearance["base"]
    imports = policy["flow"][:n] == IMPORT

    approved = policy["enterprise_approved"][:n]  # released on the firm's approval
    spared = approved & policy["needs_certification"][:n]  # ... which spared them the lab
    assert spared.sum() > 50
    assert np.isfinite(base["certification_end"][:n][spared & both]).all()
    assert not np.isfinite(policy["certification_end"][:n][approved]).any()
    mean, low, high = paired_ci(diff[spared & both])
    assert high < -5.0, f"approved boxes: {mean:.1f} h (CI {low:.1f} to {high:.1f})"

    # boxes needing no certification, approved firms' included (their audit comes after release)
    untouched = imports & ~policy["needs_certification"][:n] & both
    assert (untouched & approved).sum() > 500
    mean, low, high = paired_ci(diff[untouched])
    assert -1.0 < low and high < 1.0, f"no certification needed: {mean:.2f} h ({low:.2f}, {high:.2f})"
    # the firms left out are certified as before (and meet a shorter queue at the lab)
    certified = imports & policy["needs_certification"][:n] & ~approved & both
    assert certified.sum() > 10
    assert np.isfinite(policy["certification_end"][:n][certified]).all()
    assert paired_ci(diff[certified])[0] <= 0.5


def test_audits_find_offences_after_release_and_count_them_apart_from_missed(tiny_run):
    result = tiny_run(*AUDIT_ALL)
    c = columns(result)
    approved = c["enterprise_approved"]  # every release of an approved firm, and all are audited
    offending = approved & c["offence"]
    assert offending.sum() > 0
    assert (c["outcome"][offending] == CAUGHT_AT_AUDIT).all()
    assert (np.isfinite(c["audited_after_h"]) == approved).all()  # every approved release audited
    assert ((c["outcome"] == CAUGHT_AT_AUDIT) <= approved).all()
    missed = (c["outcome"] == MISSED)
    assert missed.sum() > 0 and not (missed & approved).any()  # the others' offences still slip by
    offences = result.summary["flows"]["import"]["all"]["offences"]
    assert 0 < offences["caught_at_audit"] <= offending.sum()
    assert result.summary["flows"]["export"]["all"]["offences"]["caught_at_audit"] == 0


def test_a_firm_whose_audit_finds_an_offence_loses_its_approval(tiny_run):
    result = tiny_run(*AUDIT_ALL)
    c = columns(result)
    audit_h = 24.0  # audit_after_days=1
    caught = np.flatnonzero(c["outcome"] == CAUGHT_AT_AUDIT)
    withdrawn_at = {}  # firm -> hour its first audit found an offence
    for i in caught:
        f = int(c["firm"][i])
        withdrawn_at[f] = min(withdrawn_at.get(f, math.inf), float(c["release"][i]) + audit_h)
    recertified = 0
    for f, at_h in withdrawn_at.items():
        later = (c["firm"] == f) & (c["risk_assessed"] > at_h)
        assert not (later & c["enterprise_approved"]).any(), f"firm {f} approved after {at_h} h"
        assert not np.isfinite(c["audited_after_h"][later]).any(), f"firm {f} audited after {at_h} h"
        recertified += int((later & c["needs_certification"] & np.isfinite(c["certification_end"])).sum())
    assert recertified > 0
    approved_share = result.daily["enterprise_certification_approved_share"].to_numpy()
    assert approved_share[-1] < approved_share[0]


def test_same_seed_gives_the_same_log(tiny_run):
    first = tiny_run(*AUDIT_ALL)
    second = run(tiny_port_config(*AUDIT_ALL), seed=1)
    a, b = columns(first), columns(second)
    assert a.keys() == b.keys()
    for name in a:
        assert np.array_equal(a[name], b[name], equal_nan=a[name].dtype.kind == "f"), name
    assert (a["outcome"] == CAUGHT_AT_AUDIT).any()


@pytest.mark.parametrize("lowest", CREDIT_CLASSES[:2])
def test_customs_approves_importers_by_credit_class_and_volume(lowest):
    section = "policies.enterprise_certification"
    cfg = tiny_port_config(POLICY, f"{section}.lowest_credit_approved={lowest}",
                           f"{section}.min_certified_imports_per_year=300")
    model = ClearanceModel(cfg, seed=1)
    policy = model.measures.active[0]
    table = model.firm_table
    volume = table.box_weight(model.boxes_per_day) * table.certification_share * 365
    approved = np.zeros(len(volume), dtype=bool)
    approved[list(policy.approved)] = True
    importer = np.arange(len(volume)) < table.first[EXPORT]
    good_credit = table.credit <= CREDIT_CLASSES.index(lowest)
    assert np.array_equal(approved, importer & good_credit & (volume >= 300))
    assert lowest == "aeo" or approved.any()


def test_a_credit_class_it_cannot_approve_is_a_config_error():
    with pytest.raises(ConfigError, match="policies.enterprise_certification.lowest_credit_approved"):
        load_config("shanghai", [POLICY,
                                 "policies.enterprise_certification.lowest_credit_approved=low"])
