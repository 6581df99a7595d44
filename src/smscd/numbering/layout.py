"""The operator record in the four formats (reference, "Getting information about the
operator"; compat.md, "Endpoint decisions").

One number: ``country = …, operator = …, region = …, mcc = …, mnc = …, tz = …`` in fmt 0,
the six values in fmt 1, ``<info>`` alone in fmt 2, an object in fmt 3. Several numbers:
each record gains ``phone`` as its first field, fmt 2 puts the ``<info>`` elements in a
``<list>``, fmt 3 in an array. Every JSON value is a string, as the reference writes them.
"""

from __future__ import annotations

from smscd.http.replies import Layout, Record

FIELDS = ("country", "operator", "region", "mcc", "mnc", "tz")

OPERATOR = Layout(
    text=tuple((key, key) for key in FIELDS),
    csv=FIELDS,
    fields=FIELDS,
    numbers=frozenset(),
    xml_list="list",
    xml_item="info",
)

OPERATOR_LIST = Layout(
    text=(("phone", "phone"), *((key, key) for key in FIELDS)),
    csv=("phone", *FIELDS),
    fields=("phone", *FIELDS),
    numbers=frozenset(),
    xml_list="list",
    xml_item="info",
)


def listed(phone: str, record: Record | None) -> Record:
    """A record of a list reply: ``phone`` first; every other field empty when the number's
    operator is not known (compat.md: "in a list, a record with empty fields")."""
    if record is None:
        return {"phone": phone, **dict.fromkeys(FIELDS, "")}
    return {"phone": phone, **record}
