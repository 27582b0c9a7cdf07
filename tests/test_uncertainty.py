"""The ranges file: every assumed or calibrated value has a range with its reason, and a bad file
fails with one line naming the field."""
from __future__ import annotations

from dataclasses import fields, is_dataclass

import pytest

from sim.loading import CONFIG_DIR, load_config
from sim.policies import PoliciesConfig
from sim.schema.errors import ConfigError
from sim.schema.uncertainty import labelled_parameters, load_ranges

RANGES_FILE = CONFIG_DIR / "uncertainty" / "shanghai.yaml"


@pytest.fixture(scope="module")
def ranges():
    return load_ranges(RANGES_FILE)


@pytest.fixture(scope="module")
def shanghai():
    return load_config("shanghai")


def _covered(path: str, paths) -> str | None:
    """The range or fixed path that covers labelled ``path`` (itself or a field under it)."""
    return next((p for p in paths if p == path or p.startswith(path + ".")), None)


def _get(cfg, path: str):
    for part in path.split("."):
        cfg = getattr(cfg, part)
    return cfg


def test_every_labelled_value_of_the_shanghai_configs_has_a_range_or_a_reason(ranges):
    assert "scenario/shanghai.yaml" in ranges.covers
    missing, wrong_label = [], []
    for name in ranges.covers:
        labelled = labelled_parameters(CONFIG_DIR / name)
        assert labelled, f"{name}: no value labelled assumption or calibrated was found"
        for path, label in labelled.items():
            fixed = _covered(path, ranges.fixed)
            ranged = [p for p in ranges.parameters if _covered(path, [p.path])]
            if not ranged and not fixed:
                missing.append(f"{name}: {path} ({label})")
            wrong_label += [f"{p.path}: {p.label} in the ranges, {label} in {name}"
                            for p in ranged if p.label != label]
    assert not missing, ("labelled values without a range or a reason in `fixed`:\n"
                         + "\n".join(missing))
    assert not wrong_label, "\n".join(wrong_label)


def test_labels_are_read_from_same_line_comments(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text("# @package zone\n# an assumption in a comment line labels nothing\n"
                 "a: 1          # assumption: no source\n"
                 "b:\n  c: {mean_h: 2, cv: 1}   # calibrated: fitted\n"
                 "  d: 3        # solid: a source\n")
    assert labelled_parameters(f) == {"zone.a": "assumption", "zone.b.c": "calibrated"}


def _numeric_fields(obj, prefix: str):
    for f in fields(obj):
        value = getattr(obj, f.name)
        if is_dataclass(value):
            yield from _numeric_fields(value, f"{prefix}.{f.name}")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield f"{prefix}.{f.name}"


def test_every_numeric_reform_parameter_has_a_range_or_a_reason(ranges):
    known = [*ranges.paths, *ranges.fixed]
    missing = [p for p in _numeric_fields(PoliciesConfig(), "policies")
               if not any(p == k or p.startswith(k + ".") for k in known)]
    assert not missing, ("reform parameters without a range or a reason in `fixed`: "
                         + ", ".join(missing))


def test_each_range_holds_the_value_the_configs_run_and_counts_are_integers(ranges, shanghai):
    for p in ranges.parameters:
        value = _get(shanghai, p.path)
        assert p.low <= value <= p.high, f"{p.path}: {value} outside [{p.low}, {p.high}]"
        is_count = isinstance(value, int)
        assert p.integer == is_count, f"{p.path}: integer must be {is_count}"
        if p.balance:
            assert isinstance(_get(shanghai, p.balance), float), p.balance


P = "behaviour.consignees.need_lag.mean_h"


def entry(low="60.0", high="88.0", label="calibrated", reason='"+-20 % around the fit"',
          extra="", path=P, name='"need date (h)"') -> str:
    """One line of a ranges file's ``parameters`` (no name or reason when it is None or empty)."""
    fields = (f"low: {low}, high: {high}, label: {label}" + (f", reason: {reason}" if reason else "")
              + (f", name: {name}" if name is not None else ""))
    return f"  {path}: {{{fields}{extra}}}\n"


@pytest.mark.parametrize("body, field", [
    ("parameters:\n" + entry(low="88.0", high="60.0"), f"parameters.{P}"),
    ("parameters:\n" + entry(label="guess"), f"parameters.{P}.label"),
    ("parameters:\n" + entry(reason=""), f"parameters.{P}.reason"),
    ("parameters:\n" + entry(reason="wide"), f"parameters.{P}.reason"),
    ("parameters:\n" + entry(name=None), f"parameters.{P}.name"),
    ("parameters:\n" + entry(name='" "'), f"parameters.{P}.name"),
    ("parameters:\n" + entry(name="12"), f"parameters.{P}.name"),
    ("parameters:\n" + entry(low=".nan"), f"parameters.{P}.low"),
    ("parameters:\n" + entry(low='"60"'), f"parameters.{P}.low"),
    ("parameters:\n" + entry(extra=", step: 2"), f"parameters.{P}.step"),
    ("parameters:\n" + entry(path="Imports..mean"), "parameters.Imports..mean"),
    ("parameters:\n" + entry() + f"fixed:\n  {P}: \"also fixed for a reason\"\n", f"fixed.{P}"),
    ("parameters:\n" + entry() + "fixed:\n  run.horizon_days: short\n", "fixed.run.horizon_days"),
    ("parameters: {}\n", "parameters"),
    ("parameter:\n" + entry(), "parameter"),
    (f"parameters:\n  {P}: [60, 88]\n", f"parameters.{P}"),
    ("parameters: [\n", "ranges"),
])
def test_a_bad_ranges_file_is_one_config_error_naming_the_field(tmp_path, body, field):
    f = tmp_path / "ranges.yaml"
    f.write_text(body)
    with pytest.raises(ConfigError) as err:
        load_ranges(f)
    assert err.value.field_path == field
    assert "\n" not in str(err.value)


def test_every_range_has_a_plain_name_not_its_path():
    """Figures, tables and the brief show the names: each one differs from the others of its
    file and reads as words, not as a config path."""
    for file in sorted((CONFIG_DIR / "uncertainty").glob("*.yaml")):
        names = load_ranges(file).names
        assert len(set(names.values())) == len(names), file.name
        for path, name in names.items():
            assert "_" not in name and "." not in name.split(" ")[0], (file.name, path, name)


def test_a_missing_ranges_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="no ranges file"):
        load_ranges(tmp_path / "none.yaml")
