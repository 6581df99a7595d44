"""``get.php?get_answers=1``: incoming messages.

compat.md ("Endpoint decisions"): oldest first; without ``hour`` since midnight today, with
``hour`` the last N hours; with ``after_id`` (0 included: a poller's first call) ids above
it, in the last 168 hours unless ``hour`` is given. Nothing found is an empty list, not an error.
"""

from __future__ import annotations

from smscd.dates import zone_clock
from smscd.db.metadata import MAX_ID
from smscd.http import contract
from smscd.http.context import ApiRequest, Reply
from smscd.http.contract import Parameter
from smscd.http.endpoint import Action
from smscd.incoming import layout, queries
from smscd.limits import policy
from smscd.phones import normalise_phone

MAX_CNT = 10_000
DEFAULT_CNT = 100
MAX_HOURS = 168


def incoming_query(request: ApiRequest) -> queries.IncomingQuery:
    params = request.params
    clock = zone_clock(request.account.timezone)
    hour = params.integer("hour", 0, 1, MAX_HOURS)
    after_id = params.integer("after_id", 0, 0, MAX_ID)
    if hour:
        since = int(request.now) - hour * 3600
    elif params.get("after_id"):  # present, even as 0: a poller's first call
        since = int(request.now) - MAX_HOURS * 3600
    else:
        since = clock.midnight(clock.today(request.now))
    to_phone = params.get("to_phone")
    return queries.IncomingQuery(
        account_id=request.account.id,
        since=since,
        after_id=after_id,
        to_phone=normalise_phone(to_phone) if to_phone else None,
        limit=params.integer("cnt", DEFAULT_CNT, 1, MAX_CNT),
    )


async def get_answers(request: ApiRequest) -> Reply:
    sql, args = queries.incoming(request.db.dialect, incoming_query(request))
    rows = await request.db.fetch_all(sql, args)
    clock = zone_clock(request.account.timezone)
    return Reply(layout.INCOMING, [layout.record(row, clock) for row in rows])


PARAMETERS = (
    contract.integer("hour", "The last N hours (default: since midnight today).", 1, MAX_HOURS),
    contract.integer(
        "after_id",
        "Only messages with an id above this one (a poller's bookmark; 0 for the first call), "
        "within the last 168 hours unless hour says otherwise.",
        0,
        MAX_ID,
    ),
    Parameter(
        "to_phone",
        "string",
        "Only messages to this number of the account.",
        example="79990000001",
    ),
    contract.integer("cnt", "Messages in the reply.", 1, MAX_CNT, DEFAULT_CNT),
)

ACTION = Action(
    flag="get_answers",
    name="get_answers",
    handler=get_answers,
    summary="Incoming messages, oldest first. Nothing found: an empty list.",
    parameters=PARAMETERS,
    reply=contract.list_schema(layout.INCOMING, min_items=0),
    windows=(policy.IDENTICAL,),
)
