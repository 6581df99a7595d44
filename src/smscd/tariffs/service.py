"""Tariff administration (the CLI's ``tariffs`` commands, the demo seed).

Synchronous, on a SQLAlchemy connection: cold paths. Each function is one step of a
transaction the caller opens (``engine.begin()``), so an import replaces a plan's zones
all at once or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select, update

from smscd.accounts import service as accounts_service
from smscd.errors import AdminError
from smscd.tariffs import model
from smscd.tariffs.model import Plan, Zone
from smscd.tariffs.tables import account_plans, account_prices, tariff_plans, tariff_zones

DEFAULT_PLAN_NAME = "default"  # the name of a first plan imported without --plan


class TariffError(AdminError):
    """An administrative request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class PlanSummary:
    name: str
    is_default: bool
    zones: int
    accounts: int
    mail: int


def _account_id(conn: Connection, login: str) -> int:
    try:
        return accounts_service.account_id(conn, login)
    except accounts_service.AccountError as exc:
        raise TariffError(str(exc)) from exc


def _plan_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(tariff_plans.c.id).where(tariff_plans.c.name == name)).scalar()
    if found is None:
        raise TariffError(f"no tariff plan {name!r}")
    return int(found)


def default_plan_name(conn: Connection) -> str | None:
    return conn.execute(
        select(tariff_plans.c.name)
        .where(tariff_plans.c.is_default == 1)
        .order_by(tariff_plans.c.id)
        .limit(1)
    ).scalar()


def _check(plan: Plan) -> None:
    problems = [
        f"zone {zone.zone!r}: {problem}"
        for zone in plan.zones
        for problem in model.zone_problems(zone)
    ]
    problems += [f"zone {plan.zones[i].zone!r}: {p}" for i, p in model.conflicts(list(plan.zones))]
    if (problem := model.check_price(plan.mail)) is not None:
        problems.append(f"e-mail price: {problem}")
    if problems:
        raise TariffError("; ".join(problems))


def import_plan(conn: Connection, name: str | None, plan: Plan, make_default: bool = False) -> str:
    """Create or replace the plan ``name`` (the default plan's, when None); its name.

    The first plan there is becomes the default whatever ``make_default`` says, so that
    every account has prices once any plan exists.
    """
    name = name if name is not None else default_plan_name(conn) or DEFAULT_PLAN_NAME
    if (problem := model.check_plan_name(name)) is not None:
        raise TariffError(problem)
    _check(plan)
    plan_id = conn.execute(select(tariff_plans.c.id).where(tariff_plans.c.name == name)).scalar()
    if plan_id is None:
        result = conn.execute(insert(tariff_plans).values(name=name, mail_price=plan.mail))
        assert result.inserted_primary_key is not None
        plan_id = int(result.inserted_primary_key[0])
    else:
        conn.execute(
            update(tariff_plans).where(tariff_plans.c.id == plan_id).values(mail_price=plan.mail)
        )
        conn.execute(delete(tariff_zones).where(tariff_zones.c.plan_id == plan_id))
    conn.execute(
        insert(tariff_zones),
        [
            {
                "plan_id": plan_id,
                "position": position,
                "zone": zone.zone,
                "name": zone.name,
                "country": zone.country,
                "mcc": zone.mcc,
                "mnc": " ".join(zone.mnc),
                **dict(zip(model.CHANNELS, zone.prices(), strict=True)),
            }
            for position, zone in enumerate(plan.zones, start=1)
        ],
    )
    if make_default or default_plan_name(conn) is None:
        set_default(conn, name)
    return name


def export_plan(conn: Connection, name: str | None = None) -> tuple[str, Plan]:
    """The plan ``name`` (the default plan when None) and its name."""
    if name is None:
        name = default_plan_name(conn)
        if name is None:
            raise TariffError("there is no tariff plan yet: import one")
    plan_id = _plan_id(conn, name)
    mail = conn.execute(
        select(tariff_plans.c.mail_price).where(tariff_plans.c.id == plan_id)
    ).scalar_one()
    rows = conn.execute(
        select(tariff_zones)
        .where(tariff_zones.c.plan_id == plan_id)
        .order_by(tariff_zones.c.position)
    ).mappings()
    zones = tuple(
        Zone(
            zone=row["zone"],
            name=row["name"],
            country=row["country"],
            mcc=row["mcc"],
            mnc=tuple(row["mnc"].split()),
            **{channel: int(row[channel]) for channel in model.CHANNELS},
        )
        for row in rows
    )
    return name, Plan(zones, int(mail))


def set_default(conn: Connection, name: str) -> None:
    """Make ``name`` the plan of every account that has no plan of its own."""
    plan_id = _plan_id(conn, name)
    conn.execute(update(tariff_plans).where(tariff_plans.c.id != plan_id).values(is_default=0))
    conn.execute(update(tariff_plans).where(tariff_plans.c.id == plan_id).values(is_default=1))


def list_plans(conn: Connection) -> list[PlanSummary]:
    zones = (
        select(func.count()).where(tariff_zones.c.plan_id == tariff_plans.c.id).scalar_subquery()
    )
    accounts = (
        select(func.count()).where(account_plans.c.plan_id == tariff_plans.c.id).scalar_subquery()
    )
    rows = conn.execute(
        select(
            tariff_plans.c.name,
            tariff_plans.c.is_default,
            zones,
            accounts,
            tariff_plans.c.mail_price,
        ).order_by(tariff_plans.c.name)
    )
    return [
        PlanSummary(name, bool(is_default), int(n_zones), int(n_accounts), int(mail))
        for name, is_default, n_zones, n_accounts, mail in rows
    ]


def assign_plan(conn: Connection, login: str, plan_name: str) -> None:
    """Put ``login`` on ``plan_name`` (instead of the default plan)."""
    account_id = _account_id(conn, login)
    plan_id = _plan_id(conn, plan_name)
    unassign_plan(conn, login)
    conn.execute(insert(account_plans).values(account_id=account_id, plan_id=plan_id))


def unassign_plan(conn: Connection, login: str) -> bool:
    """Return ``login`` to the default plan; whether it had a plan of its own."""
    account_id = _account_id(conn, login)
    result = conn.execute(delete(account_plans).where(account_plans.c.account_id == account_id))
    return bool(result.rowcount)


def set_price(conn: Connection, login: str, mccmnc: str, cost: int) -> None:
    """``login``'s individual price for the network ``mccmnc``."""
    account_id = _account_id(conn, login)
    for problem in (model.check_mccmnc(mccmnc), model.check_price(cost)):
        if problem is not None:
            raise TariffError(problem)
    unset_price(conn, login, mccmnc)
    conn.execute(insert(account_prices).values(account_id=account_id, mccmnc=mccmnc, cost=cost))


def unset_price(conn: Connection, login: str, mccmnc: str) -> bool:
    """Remove an individual price; whether there was one."""
    account_id = _account_id(conn, login)
    result = conn.execute(
        delete(account_prices).where(
            account_prices.c.account_id == account_id, account_prices.c.mccmnc == mccmnc
        )
    )
    return bool(result.rowcount)


def list_prices(conn: Connection, login: str) -> list[tuple[str, int]]:
    """``login``'s individual prices, (mccmnc, cost) in mccmnc order."""
    rows = conn.execute(
        select(account_prices.c.mccmnc, account_prices.c.cost)
        .where(account_prices.c.account_id == _account_id(conn, login))
        .order_by(account_prices.c.mccmnc)
    )
    return [(mccmnc, int(cost)) for mccmnc, cost in rows]


def plan_of(conn: Connection, login: str) -> str | None:
    """The name of the plan that prices ``login`` (its own, else the default)."""
    own = conn.execute(
        select(tariff_plans.c.name)
        .join(account_plans, account_plans.c.plan_id == tariff_plans.c.id)
        .where(account_plans.c.account_id == _account_id(conn, login))
    ).scalar()
    return own or default_plan_name(conn)
