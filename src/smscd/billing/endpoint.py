"""``get.php?get_stat=1``: messages sent and money spent and paid in, per login.

Parameters and decisions: reference "Getting statistics" and compat.md ("Endpoint
decisions"); docs/billing.md lists them for users. One row for the account, then one for
each of its sub-clients by login; sums come from the daily rollup (queries.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from smscd.billing import layout, queries
from smscd.billing.days import day_number
from smscd.billing.rates import Converter
from smscd.billing.tables import SECOND_BALANCE
from smscd.dates import ZoneClock, check_period, parse_date, zone_clock
from smscd.db.gateway import Database, Row
from smscd.http import contract
from smscd.http.context import ApiRequest, Reply
from smscd.http.contract import Parameter
from smscd.http.endpoint import Action
from smscd.http.params import Params
from smscd.http.replies import Record
from smscd.limits import policy

log = logging.getLogger("smscd.billing")


def period(params: Params, clock: ZoneClock, now: float) -> tuple[date, date]:
    """The local days ``start``..``end``, both included.

    Without ``start``: the first day of this month; without ``end``: today. ``end`` before
    ``start``, or after the same day six months later (as history): error 1.
    """
    start_text, end_text = params.get("start"), params.get("end")
    today = clock.today(now)
    start = parse_date(start_text, "start") if start_text else today.replace(day=1)
    end = parse_date(end_text, "end") if end_text else today
    check_period(start, end)
    return start, end


def stat_query(request: ApiRequest, clock: ZoneClock) -> queries.StatQuery:
    first, last = period(request.params, clock, request.now)
    return queries.StatQuery(
        account_id=request.account.id,
        first_day=day_number(first),
        last_day=day_number(last),
        balance=SECOND_BALANCE if request.params.flag("balance2") else None,
    )


async def converter(db: Database, target: str, currencies: set[str]) -> Converter:
    """The rates needed to bring ``currencies`` into ``target`` (none when all are it)."""
    others = sorted(currencies - {target})
    if not others:
        return Converter(target, {})
    rows = await db.fetch_all(*queries.rates(target, others))
    return Converter(target, {(row[0], row[1]): Decimal(row[2]) for row in rows})


def records(rows: Sequence[Row], account_id: int, convert: Converter) -> list[Record]:
    """The account's row first, then its sub-clients by login (code point order on every
    database); amounts in the target currency, or in the login's own one without a rate."""
    found = []
    for _id, login, currency, sms, credit, debit in sorted(
        rows, key=lambda row: (row[0] != account_id, row[1])
    ):
        credit_t, debit_t = convert.convert(credit, currency), convert.convert(debit, currency)
        if credit_t is None or debit_t is None:
            log.warning("no rate between %s and %s: %s reported in %s",
                        currency, convert.target, login, currency)  # fmt: skip
            found.append(layout.record(login, sms, credit, debit, currency))
        else:
            found.append(layout.record(login, sms, credit_t, debit_t, convert.target))
    return found


async def get_stat(request: ApiRequest) -> Reply:
    clock = zone_clock(request.account.timezone)
    query = stat_query(request, clock)
    rows = await request.db.fetch_all(*queries.stat(query))
    if request.params.flag("mycur"):
        target = request.account.currency
    else:
        target = request.services.settings.base_currency
    convert = await converter(request.db, target, {row[2] for row in rows})
    return Reply(layout.STAT, records(rows, request.account.id, convert))


PARAMETERS = (
    Parameter(
        "start",
        "date",
        "First day, DD.MM.YYYY (default: the first day of this month).",
        example="01.11.2026",
    ),
    Parameter(
        "end", "date", "Last day, DD.MM.YYYY (default: today); at most six months after start."
    ),
    Parameter("mycur", "flag", "1: amounts in the account's own currency."),
    Parameter("balance2", "flag", "1: only what was paid from the second balance."),
)

ACTION = Action(
    flag="get_stat",
    name="get_stat",
    handler=get_stat,
    summary="Messages sent, spent (credit) and paid in (debit) per login: the account, then "
    "its sub-clients.",
    parameters=PARAMETERS,
    reply=contract.list_schema(layout.STAT),
    windows=(policy.STAT,),
)
