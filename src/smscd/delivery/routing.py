"""The routing table: which connector carries a message (docs/sending.md, "Routes").

Routes are ordered; the first whose filters all match takes the message: ``mcc`` and ``mnc``
of the number's network (from the numbering data), a ``prefix`` of its digits, the message
``formats``; an empty filter matches anything, so a route without filters is the fallback
and belongs last. A route also needs a connector whose kind can carry the format (the
simulator carries SMS of every kind and HLR/ping; e-mail, MMS, calls, Viber and social
messages have no connector yet: error 8). Routing happens once, when send.php accepts the
message: the chosen connector is written on its row.

The request path reads the table with one query (:func:`load`); the CLI edits it
(``smscd routes add|list|remove``) with the synchronous functions below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select

from smscd.db.gateway import Reads
from smscd.delivery.connectors.kinds import KINDS
from smscd.delivery.tables import connectors, routes
from smscd.errors import AdminError
from smscd.formats import MessageFormat


def carries(kind: str) -> frozenset[int]:
    """The message formats a kind of connector carries (none for a kind unknown here)."""
    found = KINDS.get(kind)
    return found.carries if found is not None else frozenset()


class RouteError(AdminError):
    """A route or connector the operator asked for that cannot be (the message says why)."""


@dataclass(frozen=True, slots=True)
class Route:
    position: int
    connector: str
    kind: str
    mcc: str
    mnc: str
    prefix: str
    formats: frozenset[int]  # empty: any

    def match(self, phone: str, mcc: str, mnc: str, format_: int) -> bool:
        return (
            (not self.mcc or self.mcc == mcc)
            and (not self.mnc or self.mnc == mnc)
            and phone.startswith(self.prefix)
            and (not self.formats or format_ in self.formats)
            and format_ in carries(self.kind)
        )


@dataclass(frozen=True)
class RouteTable:
    routes: Sequence[Route]

    def connector(self, phone: str, mcc: str, mnc: str, format_: int) -> str | None:
        """The connector of the first matching route; None: no route (err 248)."""
        for route in self.routes:
            if route.match(phone, mcc, mnc, format_):
                return route.connector
        return None


LOAD = (
    "SELECT r.position, r.connector, c.kind, r.mcc, r.mnc, r.prefix, r.formats"
    " FROM routes r JOIN connectors c ON c.name = r.connector ORDER BY r.position"
)


def _formats(text: str) -> frozenset[int]:
    return frozenset(int(item) for item in text.split(",") if item.strip())


async def load(db: Reads) -> RouteTable:
    rows = await db.fetch_all(LOAD, [])
    return RouteTable(
        [
            Route(int(pos), str(conn), str(kind), str(mcc), str(mnc), str(prefix),
                  _formats(str(formats)))
            for pos, conn, kind, mcc, mnc, prefix, formats in rows
        ]
    )  # fmt: skip


# Administration (the CLI), synchronous.


def add_route(
    conn: Connection,
    connector: str,
    *,
    mcc: str = "",
    mnc: str = "",
    prefix: str = "",
    formats: Sequence[int] = (),
    position: int | None = None,
) -> int:
    """Add a route (last, or at ``position``, moving the later ones down); its position."""
    if (
        conn.execute(select(connectors.c.name).where(connectors.c.name == connector)).first()
        is None
    ):
        raise RouteError(f"no connector {connector!r}")
    for value, name, sizes in ((mcc, "mcc", (3,)), (mnc, "mnc", (2, 3))):
        if value and not (value.isdigit() and len(value) in sizes):
            raise RouteError(f"{name} must be {' or '.join(map(str, sizes))} digits: {value!r}")
    if prefix and not (prefix.isdigit() and len(prefix) <= 15):
        raise RouteError(f"a prefix is up to 15 digits: {prefix!r}")
    valid = {int(f) for f in MessageFormat}
    if any(f not in valid for f in formats):
        raise RouteError(f"formats are message format codes {min(valid)}-{max(valid)}")
    last = conn.execute(select(func.coalesce(func.max(routes.c.position), 0))).scalar_one()
    if position is None or position > last:
        position = int(last) + 1
    else:
        if position < 1:
            raise RouteError("positions start at 1")
        # Move the later routes down one by one, from the end (position is unique).
        for (moved,) in conn.execute(
            select(routes.c.position).where(routes.c.position >= position)
            .order_by(routes.c.position.desc())
        ).all():  # fmt: skip
            conn.execute(
                routes.update().where(routes.c.position == moved).values(position=moved + 1)
            )
    conn.execute(
        insert(routes).values(
            position=position, connector=connector, mcc=mcc, mnc=mnc, prefix=prefix,
            formats=",".join(str(f) for f in sorted(set(formats))),
        )
    )  # fmt: skip
    return position


def remove_route(conn: Connection, position: int) -> None:
    if conn.execute(delete(routes).where(routes.c.position == position)).rowcount == 0:
        raise RouteError(f"no route at position {position}")


def list_routes(conn: Connection) -> list[dict[str, object]]:
    rows = conn.execute(select(routes).order_by(routes.c.position))
    return [dict(row._mapping) for row in rows]
