"""Random streams: one root seed, one independent stream per purpose and per batch.

Every stream is derived deterministically as ``SeedSequence(root, spawn_key=(purpose, *key))``,
never by repeated ``spawn()`` calls, so the numbers a purpose sees do not depend on the order in
which other parts of the model ask for theirs. The cargo values of the import boxes of vessel
call 17, for instance, come from ``stream(seed, ATTRIBUTES, IMPORT, 17, 3)`` (purpose, flow,
batch, variate) whatever happened before: two scenarios run with the same seed see the same
boxes (common random numbers).
"""
from __future__ import annotations

from enum import IntEnum

import numpy as np


class Purpose(IntEnum):
    """What a stream is for. Values are part of the seed derivation: never renumber."""

    ARRIVALS = 1  # vessel schedule and delays, box counts, Poisson arrival times, gate-in leads
    ATTRIBUTES = 2  # firm, size, cargo value, offence, certification need
    SERVICE = 3  # service times at every station, shuttle trips, gate
    RISK = 4  # risk signal noise, random checks, detection
    BEHAVIOUR = 5  # firms' preparation and pickup timing
    POPULATION = 6  # the firm population itself
    MESA = 7  # seed handed to mesa.Model (unused by Clearway logic)
    ADOPTION = 8  # firms' reviews of whether to opt in to a facilitation route
    WAREHOUSE = 9  # bonded-zone warehouse: inbound lots, orders, order attributes, service times
    BUNKERING = 10  # bunker market: vessel calls' fuel demand, patience, supply lead times
    POLICY = 11  # policy-specific attributes (e.g. which boxes a pilot covers)
    ECOMMERCE = 12  # air e-commerce: flights, ULDs, parcels, their checks and returns
    FORECAST = 13  # the error of each vessel call's published ETA
    RORO = 14  # ro-ro calls of imported vehicles: schedule, vehicles, their controls and pickup


def stream(root_seed: int, purpose: Purpose, *key: int) -> np.random.Generator:
    """The generator for ``purpose`` (and an optional batch ``key``) under ``root_seed``."""
    seq = np.random.SeedSequence(entropy=root_seed, spawn_key=(int(purpose), *map(int, key)))
    return np.random.Generator(np.random.PCG64(seq))



class StreamSet:
    """Streams ``stream(root_seed, *key)`` for many keys, the same numbers bit for bit, at a
    fraction of the cost when each is drawn from once, at once.

    A batch of consignments draws some thirty attributes, each from its own stream (common random
    numbers). Deriving a stream (numpy's ``SeedSequence`` hashing, then a new ``PCG64``) costs
    about 45 microseconds: most of a small run's set-up of its boxes. Here numpy's SeedSequence
    algorithm runs in plain integers from the pool of ``SeedSequence(root_seed)``, the pool after
    each key's leading parts is kept for the keys that share them (a batch's streams differ in
    their last part), and one bit generator is reset to each stream in turn, as PCG64 seeds
    itself from the two 128-bit words.

    :meth:`get` returns that one shared generator: draw from it before asking for the next stream.
    Key parts must be below 2**32 (one hashing word; for larger ones use :func:`stream`).
    ``tests/test_rng.py`` checks the states against numpy's for random seeds and keys.
    """

    def __init__(self, root_seed: int):
        self._pools = {(): tuple(int(w) for w in np.random.SeedSequence(root_seed).pool)}
        self._bit_generator = np.random.PCG64(0)
        self._generator = np.random.Generator(self._bit_generator)

    def get(self, *key: int) -> np.random.Generator:
        """The shared generator, set to the start of ``stream(root_seed, *key)``."""
        pool = self._pools.get(key) or self._pool(key)
        w = []  # SeedSequence.generate_state(4, uint64): eight 32-bit words hashed out of the pool
        for i in range(8):
            value = ((pool[i & 3] ^ _HASH_B[i]) * _HASH_B[i + 1]) & _MASK32
            w.append(value ^ (value >> 16))
        seed = (w[1] << 96) | (w[0] << 64) | (w[3] << 32) | w[2]  # uint64 words, little-endian pairs
        inc = ((w[5] << 97) | (w[4] << 65) | (w[7] << 33) | (w[6] << 1) | 1) & _MASK128
        state = ((inc + seed) * _PCG_MULTIPLIER + inc) & _MASK128  # PCG64's srandom
        self._bit_generator.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": inc},
                                     "has_uint32": 0, "uinteger": 0}
        return self._generator

    def _pool(self, key: tuple[int, ...]) -> tuple[int, ...]:
        """SeedSequence's pool after the root seed and ``key`` (kept): each key part is hashed
        and mixed into every pool word in turn."""
        pool = self._pools.get(key)
        if pool is None:
            word = int(key[-1])
            if not 0 <= word <= _MASK32:
                raise ValueError(f"StreamSet takes key parts in [0, 2**32), got {word}; use stream()")
            mixed = []
            h = _ROOT_HASHES + 4 * (len(key) - 1)
            for d, x in enumerate(self._pool(key[:-1])):
                y = ((word ^ _HASH_A[h + d]) * _HASH_A[h + d + 1]) & _MASK32  # hashmix
                y ^= y >> 16
                x = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _MASK32  # mix
                mixed.append(x ^ (x >> 16))
            pool = self._pools[key] = tuple(mixed)
        return pool


# numpy's SeedSequence (numpy/random/bit_generator.pyx) and PCG64 (pcg64.h) constants
_MASK32 = 0xFFFFFFFF
_MASK128 = (1 << 128) - 1
_MIX_MULT_L, _MIX_MULT_R = 0xCA01F9DD, 0x4973F715
_PCG_MULTIPLIER = (2549297995355413924 << 64) + 4865540595714422341
_ROOT_HASHES = 16  # hash constants the root seed's pool used: 4 words in, then 12 cross-mixes
_MAX_KEY_PARTS = 16


def _hash_constants(init: int, mult: int, n: int) -> tuple[int, ...]:
    out = [init]
    for _ in range(n):
        out.append((out[-1] * mult) & _MASK32)
    return tuple(out)


_HASH_A = _hash_constants(0x43B0D7E5, 0x931E8875, _ROOT_HASHES + 4 * _MAX_KEY_PARTS + 1)
_HASH_B = _hash_constants(0x8B51F9DD, 0x58F38DED, 8)

