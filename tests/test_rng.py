"""Random streams: the batch derivation (:class:`sim.rng.StreamSet`) gives numpy's streams bit for bit."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.rng import Purpose, StreamSet, stream
from sim.schema.run import MAX_SEED

KEY_PART = st.one_of(st.integers(0, 30), st.integers(0, 2**32 - 1))


@settings(max_examples=60, deadline=None)
@given(root_seed=st.one_of(st.integers(0, 2**32 + 5), st.integers(0, MAX_SEED)),
       keys=st.lists(st.lists(KEY_PART, min_size=1, max_size=6).map(tuple), min_size=1, max_size=12))
def test_a_stream_set_gives_numpys_streams_bit_for_bit(root_seed, keys):
    streams = StreamSet(root_seed)
    for key in keys:  # shared leading parts, repeats and fresh keys, in any order
        fast = streams.get(*key)
        reference = np.random.Generator(np.random.PCG64(np.random.SeedSequence(root_seed, spawn_key=key)))
        assert fast.bit_generator.state == reference.bit_generator.state
        assert np.array_equal(fast.standard_normal(5), reference.standard_normal(5))


def test_the_shared_generator_restarts_each_stream_and_matches_stream():
    streams = StreamSet(7)
    first = streams.get(Purpose.SERVICE, 0, 17, 3).random(4)
    streams.get(Purpose.RISK, 0, 17, 1).random(100)  # another stream in between
    assert np.array_equal(streams.get(Purpose.SERVICE, 0, 17, 3).random(4), first)
    assert np.array_equal(first, stream(7, Purpose.SERVICE, 0, 17, 3).random(4))


def test_a_key_part_of_2_to_the_32_or_more_is_refused():
    with pytest.raises(ValueError, match="use stream"):
        StreamSet(1).get(1, 2**32)
