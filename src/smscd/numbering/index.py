"""The imported plan in a worker's memory: sorted integer arrays and a binary search.

The plan is a few hundred thousand disjoint ranges of full numbers. They are held as three
``array`` columns (range starts, range ends, and the index of each range's :class:`Entry`)
plus a short list of distinct entries (operator, region, zone): about 20 bytes a range, and
a lookup is one ``bisect`` over the starts (about 19 steps for 400,000 ranges) and one
comparison with the end.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entry:
    """What the plan says of the numbers of a range, as the API answers it."""

    operator: str  # in Russian
    operator_en: str  # in English
    mnc: str
    region: str
    zone: str  # IANA zone of the region; empty when the region is not known


class RangeIndex:
    """Disjoint ranges ``[start, end]`` of full numbers, each with an :class:`Entry`."""

    __slots__ = ("_codes", "_ends", "_starts", "entries")

    def __init__(
        self, starts: array[int], ends: array[int], codes: array[int], entries: list[Entry]
    ):
        self._starts = starts
        self._ends = ends
        self._codes = codes
        self.entries = entries

    @classmethod
    def build(cls, ranges: Iterable[tuple[int, int, Entry]]) -> RangeIndex:
        """From ``(start, end, entry)`` in order of ``start``; ranges must not overlap."""
        starts, ends, codes = array("q"), array("q"), array("l")
        entries: list[Entry] = []
        numbered: dict[Entry, int] = {}
        previous_end = -1
        for start, end, entry in ranges:
            if start <= previous_end or end < start:
                raise ValueError(f"ranges out of order or overlapping at {start}")
            code = numbered.get(entry)
            if code is None:
                code = numbered[entry] = len(entries)
                entries.append(entry)
            starts.append(start)
            ends.append(end)
            codes.append(code)
            previous_end = end
        return cls(starts, ends, codes, entries)

    @classmethod
    def empty(cls) -> RangeIndex:
        return cls(array("q"), array("q"), array("l"), [])

    def __len__(self) -> int:
        return len(self._starts)

    def find(self, number: int) -> Entry | None:
        """The entry of the range holding ``number``, or None."""
        position = bisect_right(self._starts, number) - 1
        if position >= 0 and number <= self._ends[position]:
            return self.entries[self._codes[position]]
        return None
