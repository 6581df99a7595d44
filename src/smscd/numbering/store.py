"""Writing numbering data: importing a plan, editing the operators table (synchronous,
SQLAlchemy Core; the CLI and the demo seeder call these).

An import is atomic for readers: the new ranges are written as a new *generation* beside
the current one (in batches, so that other writers are not held up), then one short
transaction makes it current and bumps the version, then the older generations are
deleted. A reader loads one generation by primary key and sees the old plan or the new
one, never a mixture; a failed or interrupted import leaves the current plan as it was
(its partial generation is removed, or by the next import at the latest). Of two imports
that overlap in time, the one that started later wins; the other is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, select, update

from smscd.errors import AdminError
from smscd.numbering import operators as operators_file
from smscd.numbering.operators import Operator
from smscd.numbering.plan import PlanRange
from smscd.numbering.regions import zone_of
from smscd.numbering.tables import numbering_operators, numbering_ranges, numbering_state

STATE_ID = 1
BATCH = 10_000


class SupersededError(AdminError):
    """The import could not be made current: another import, started later, was first."""


@dataclass(frozen=True)
class ImportReport:
    generation: int
    version: int
    ranges: int
    numbers: int  # numbers the ranges hold
    operators_known: int  # ranges whose operator is in the operators table
    unknown_regions: tuple[str, ...]  # region texts no time zone was found for


@dataclass(frozen=True)
class State:
    version: int
    generation: int
    ranges: int
    imported_at: int
    sources: str


def state(conn: Connection) -> State:
    row = conn.execute(
        select(
            numbering_state.c.version,
            numbering_state.c.generation,
            numbering_state.c.ranges,
            numbering_state.c.imported_at,
            numbering_state.c.sources,
        ).where(numbering_state.c.id == STATE_ID)
    ).one()
    return State(*row)


def _bump_version(conn: Connection) -> None:
    conn.execute(
        update(numbering_state)
        .where(numbering_state.c.id == STATE_ID)
        .values(version=numbering_state.c.version + 1)
    )


def _allocate_generation(engine: Engine) -> int:
    with engine.begin() as conn:
        conn.execute(
            update(numbering_state)
            .where(numbering_state.c.id == STATE_ID)
            .values(next_generation=numbering_state.c.next_generation + 1)
        )
        generation: int = conn.execute(
            select(numbering_state.c.next_generation).where(numbering_state.c.id == STATE_ID)
        ).scalar_one()
        return generation - 1


def _resolved_inns(conn: Connection, ranges: Sequence[PlanRange]) -> dict[str, str]:
    """Operator name -> INN, for the ranges of files without an INN column: the operators
    table is matched by legal name (``ПАО "МегаФон"`` = ``ПАО МЕГАФОН``)."""
    names = {r.operator for r in ranges if not r.inn}
    if not names:
        return {}
    by_name = operators_file.by_legal_name(list_operators(conn))
    found = {name: by_name.get(operators_file.legal_key(name)) for name in names}
    return {name: operator.inn for name, operator in found.items() if operator is not None}


def import_plan(
    engine: Engine, ranges: Sequence[PlanRange], sources: Sequence[str], now: int
) -> ImportReport:
    """Make ``ranges`` (checked, in number order: plan.read_files) the current plan."""
    with engine.connect() as conn:
        inns = _resolved_inns(conn, ranges)
        known = set(operators_file.by_inn(list_operators(conn)))
    generation = _allocate_generation(engine)
    try:
        for start in range(0, len(ranges), BATCH):
            rows = [
                {
                    "generation": generation,
                    "first_number": r.first,
                    "last_number": r.last,
                    "operator": r.operator,
                    "inn": r.inn or inns.get(r.operator, ""),
                    "region": r.region,
                    "territory": r.territory,
                }
                for r in ranges[start : start + BATCH]
            ]
            with engine.begin() as conn:
                conn.execute(insert(numbering_ranges), rows)
        with engine.begin() as conn:
            flipped = conn.execute(
                update(numbering_state)
                .where(numbering_state.c.id == STATE_ID)
                .where(numbering_state.c.generation < generation)
                .values(
                    generation=generation,
                    version=numbering_state.c.version + 1,
                    ranges=len(ranges),
                    imported_at=now,
                    sources=", ".join(sources),
                )
            ).rowcount
            if flipped != 1:
                raise SupersededError("a later import was made current meanwhile")
            version = state(conn).version
    except BaseException:
        with engine.begin() as conn:
            conn.execute(
                delete(numbering_ranges).where(numbering_ranges.c.generation == generation)
            )
        raise
    with engine.begin() as conn:
        conn.execute(delete(numbering_ranges).where(numbering_ranges.c.generation < generation))
    unknown = sorted({r.region for r in ranges if not zone_of(r.region, r.territory)})
    return ImportReport(
        generation=generation,
        version=version,
        ranges=len(ranges),
        numbers=sum(r.last - r.first + 1 for r in ranges),
        operators_known=sum(1 for r in ranges if (r.inn or inns.get(r.operator, "")) in known),
        unknown_regions=tuple(unknown),
    )


def list_operators(conn: Connection) -> list[Operator]:
    rows = conn.execute(
        select(
            numbering_operators.c.inn,
            numbering_operators.c.brand,
            numbering_operators.c.brand_en,
            numbering_operators.c.mnc,
            numbering_operators.c.legal_name,
        ).order_by(numbering_operators.c.inn)
    )
    return [Operator(*row) for row in rows]


def replace_operators(conn: Connection, operators: Iterable[Operator]) -> int:
    """Make ``operators`` the whole operators table; workers reload within their interval."""
    rows = [operator.as_row() for operator in operators]
    conn.execute(delete(numbering_operators))
    if rows:
        conn.execute(insert(numbering_operators), rows)
    _bump_version(conn)
    return len(rows)


def set_operator(conn: Connection, operator: Operator) -> bool:
    """Add or change one operator; True when it was added."""
    exists = conn.execute(
        select(numbering_operators.c.inn).where(numbering_operators.c.inn == operator.inn)
    ).first()
    if exists:
        conn.execute(
            update(numbering_operators)
            .where(numbering_operators.c.inn == operator.inn)
            .values(**operator.as_row())
        )
    else:
        conn.execute(insert(numbering_operators), [operator.as_row()])
    _bump_version(conn)
    return exists is None


def remove_operator(conn: Connection, inn: str) -> bool:
    """Remove one operator (its ranges then show the plan's name); False if it was absent."""
    removed = conn.execute(delete(numbering_operators).where(numbering_operators.c.inn == inn))
    if removed.rowcount:
        _bump_version(conn)
    return bool(removed.rowcount)
