"""The connectors an operator has configured (``smscd connectors add|list|remove``):
synchronous administration on the CLI's connection. Running workers pick changes up within
``delivery_maintenance_seconds`` (delivery/queue.py ``refresh_connectors``)."""

from __future__ import annotations

import re
import time

from sqlalchemy import Connection, delete, insert, select, update

from smscd.delivery.connectors.kinds import KINDS, ConfigError
from smscd.delivery.routing import RouteError
from smscd.delivery.tables import connectors, routes

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")


def _config(kind: str, config: str) -> str:
    found = KINDS.get(kind)
    if found is None:
        raise RouteError(f"unknown connector kind {kind!r}; kinds: {', '.join(KINDS)}")
    try:
        return found.check(config)
    except ConfigError as exc:
        raise RouteError(str(exc)) from exc


def add(conn: Connection, name: str, kind: str, config: str = "") -> None:
    if not _NAME.fullmatch(name):
        raise RouteError(f"a connector name is 1-64 of A-Z a-z 0-9 _ . - : {name!r}")
    if conn.execute(select(connectors.c.name).where(connectors.c.name == name)).first():
        raise RouteError(f"connector {name!r} exists")
    conn.execute(
        insert(connectors).values(
            name=name, kind=kind, config=_config(kind, config), created_at=int(time.time())
        )
    )


def set_config(conn: Connection, name: str, config: str) -> None:
    kind = conn.execute(select(connectors.c.kind).where(connectors.c.name == name)).scalar()
    if kind is None:
        raise RouteError(f"no connector {name!r}")
    conn.execute(
        update(connectors).where(connectors.c.name == name).values(config=_config(kind, config))
    )


def found(conn: Connection, name: str) -> tuple[str, str]:
    """The kind and stored configuration of connector ``name``."""
    row = conn.execute(
        select(connectors.c.kind, connectors.c.config).where(connectors.c.name == name)
    ).first()
    if row is None:
        raise RouteError(f"no connector {name!r}")
    return str(row[0]), str(row[1])


def remove(conn: Connection, name: str) -> None:
    if conn.execute(select(routes.c.id).where(routes.c.connector == name)).first():
        raise RouteError(f"connector {name!r} has routes: remove them first")
    if not conn.execute(delete(connectors).where(connectors.c.name == name)).rowcount:
        raise RouteError(f"no connector {name!r}")


def listed(conn: Connection) -> list[dict[str, object]]:
    rows = conn.execute(select(connectors).order_by(connectors.c.name))
    return [dict(row._mapping) for row in rows]
