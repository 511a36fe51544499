"""Record ids: sortable by creation time, unique without coordination."""

from __future__ import annotations

import os
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def new_id() -> str:
    """Return a 26-character id whose text order follows creation time (to the millisecond).

    48 bits of Unix milliseconds then 80 random bits, in Crockford base32 (the ULID layout), so
    ids sort by age in any database and never collide in practice.
    """
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))
