"""The short-link records in the four formats.

``get``: reference, "Getting data about a short link" (fmt 3: every value a string).
``add`` is ours [ours] (docs/links.md), written in the same style: ``id`` and ``link``.
"""

from __future__ import annotations

from collections.abc import Sequence

from smscd.http.replies import Layout, Record

STATS_FIELDS = ("id", "cnt", "cnt_mon", "cnt_day", "cnt_yes", "cnt_pmon", "link")

STATS = Layout(
    text=tuple((key, key) for key in STATS_FIELDS),
    csv=STATS_FIELDS,
    fields=STATS_FIELDS,
    numbers=frozenset(),
    xml_list="result",
    xml_item="result",
)

ADDED = Layout(
    text=(("id", "id"), ("link", "link")),
    csv=("id", "link"),
    fields=("id", "link"),
    numbers=frozenset(),
    xml_list="result",
    xml_item="result",
)


def stats_record(counts: Sequence[int], short_url: str) -> Record:
    """``(id, cnt, cnt_mon, cnt_day, cnt_yes, cnt_pmon)`` and the short URL, as strings."""
    link_id, cnt, cnt_mon, cnt_day, cnt_yes, cnt_pmon = (str(int(n)) for n in counts)
    return {
        "id": link_id,
        "cnt": cnt,
        "cnt_mon": cnt_mon,
        "cnt_day": cnt_day,
        "cnt_yes": cnt_yes,
        "cnt_pmon": cnt_pmon,
        "link": short_url,
    }


def added_record(link_id: int, short_url: str) -> Record:
    return {"id": str(link_id), "link": short_url}
