"""Which bitmap slots of a group hold a duplicated key, from the sums of one aggregate scan.

The DuckDB engine sets one bit per viewership key (territory x day) of each (platform, title) in
a single scan (:mod:`.duckdb_engine`), and in the same scan sums the slot numbers and their
squares. A group whose row count exceeds its set bits holds ``extra`` surplus copies. The sums
over the rows minus the sums over the set bits are the power sums of those surplus slots, which
name them exactly when there are one or two (Newton's identities): one surplus copy is slot
``e1``; two are either one slot ``e1 / 2`` held three times or the two roots of
``z**2 - e1*z + (e1**2 - e2) / 2``. With three or more, :func:`surplus_slots` answers None and
the engine narrows that group down with another scan.

The slots found only narrow the exact search (:func:`.pipeline.duplicate_keys`), which groups the
rows themselves: a slot named here that holds no real duplicate costs a little time, never a
wrong report, and every slot that does hold one is named or its group is searched whole.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

#: the most surplus copies in one group that :func:`surplus_slots` resolves from the sums
RESOLVABLE = 2


def set_bits(bitstring: bytes) -> np.ndarray:
    """The positions of the set bits of a DuckDB ``BIT`` value as Arrow gives it (its first byte
    counts the padding bits that precede the value)."""
    padding = bitstring[0]
    bits = np.unpackbits(np.frombuffer(bitstring, dtype=np.uint8, offset=1))
    return np.flatnonzero(bits[padding:]).astype(np.uint64)


def surplus_slots(
    extra: int, slot_sum: int, slot_squares: int, bitstring: bytes
) -> list[int] | None:
    """The slots holding the ``extra`` surplus copies of a group, given the sums of the slot of
    every row (``slot_sum``, ``slot_squares``) and the group's bitmap; None when ``extra`` is
    more than :data:`RESOLVABLE` or the sums do not fit one or two slots (the caller then
    searches the group whole)."""
    if extra < 1 or extra > RESOLVABLE:
        return None
    positions = set_bits(bitstring)
    e1 = slot_sum - int(positions.sum(dtype=np.uint64))
    e2 = slot_squares - int((positions * positions).sum(dtype=np.uint64))
    if extra == 1:
        found = [e1] if e1 * e1 == e2 else []
    elif e1 * e1 == 2 * e2:  # one slot held three times
        found = [e1 // 2] if e1 % 2 == 0 else []
    else:  # two slots held twice: z = (e1 +- sqrt(2*e2 - e1**2)) / 2
        square = 2 * e2 - e1 * e1
        root = math.isqrt(square) if square > 0 else -1
        found = [(e1 + root) // 2, (e1 - root) // 2] if root * root == square else []
        if found and (e1 + root) % 2:
            found = []
    width = (len(bitstring) - 1) * 8 - bitstring[0]
    if not found or any(not 0 <= slot < width or not _is_set(bitstring, slot) for slot in found):
        return None
    return found


def _is_set(bitstring: bytes, slot: int) -> bool:
    """Whether bit ``slot`` of a DuckDB ``BIT`` value is set (bits run from the high bit of each
    byte, after the padding)."""
    bit = bitstring[0] + slot
    return bool(bitstring[1 + bit // 8] >> (7 - bit % 8) & 1)


@dataclass(frozen=True, slots=True)
class DuplicateSuspects:
    """What an engine's overview scan found out about duplicated viewership keys.

    ``resolved``: (platform, title, territory) of each surplus slot the sums named;
    ``unresolved``: the (platform, title) groups with more surplus copies than the sums resolve,
    which the engine narrows down with another scan.
    """

    resolved: frozenset[tuple[str, str, str]]
    unresolved: pa.Table
    #: the date range of the whole table (the days an unresolved group's bitmap spans)
    first_date: dt.date
    last_date: dt.date
    #: every territory of the table, and how many rows the unresolved groups hold together
    territories: tuple[str, ...]
    unresolved_rows: int
