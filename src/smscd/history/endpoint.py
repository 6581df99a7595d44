"""``get.php?get_messages=1``: the history of sent messages.

Parameters and decisions: reference "Getting the history of sent messages" and compat.md
("Endpoint decisions"); docs/api.md lists them for users.
"""

from __future__ import annotations

from datetime import timedelta

from smscd.dates import ZoneClock, check_period, parse_date, zone_clock
from smscd.db.metadata import MAX_ID
from smscd.errors import NotFoundError, ParametersError
from smscd.formats import EMAIL_FORMAT
from smscd.history import layout, queries
from smscd.http import contract
from smscd.http.context import ApiRequest, Reply
from smscd.http.contract import Parameter
from smscd.http.endpoint import Action
from smscd.http.params import Params
from smscd.limits import policy
from smscd.phones import normalise_email, normalise_phone

MAX_CNT = 1000
DEFAULT_CNT = 100
MAX_ADDRESSES = 1000


def period(params: Params, clock: ZoneClock, now: float) -> tuple[int, int] | None:
    """``[start, end)`` in Unix seconds from ``start``/``end`` (whole local days), or None."""
    start_text, end_text = params.get("start"), params.get("end")
    if not start_text:
        if end_text:
            raise ParametersError("end without start")
        return None
    start = parse_date(start_text, "start")
    end = parse_date(end_text, "end") if end_text else clock.today(now)
    check_period(start, end)
    return clock.midnight(start), clock.midnight(end + timedelta(days=1))


def history_query(request: ApiRequest, clock: ZoneClock) -> queries.HistoryQuery:
    params = request.params
    format_ = params.integer("format", 0, 0, EMAIL_FORMAT)
    if format_ not in (0, EMAIL_FORMAT):
        raise ParametersError("format is 0 or 8")
    # compat.md [ours]: a client library sends "phones"; "phone" wins when both are given.
    phones, emails = params.listed("phone", alias="phones"), params.listed("email")
    mail = format_ == EMAIL_FORMAT or bool(emails)
    if mail and phones:
        raise ParametersError("phone filter on e-mail history")
    if len(phones) + len(emails) > MAX_ADDRESSES:
        raise ParametersError("too many addresses")
    addresses = sorted({normalise_email(e) for e in emails} | {normalise_phone(p) for p in phones})
    prev_id = params.integer("prev_id", 0, 1, MAX_ID)
    return queries.HistoryQuery(
        account_id=request.account.id,
        mail=mail,
        addresses=addresses,
        period=period(params, clock, request.now),
        before_int_id=prev_id or None,
        limit=params.integer("cnt", DEFAULT_CNT, 1, MAX_CNT),
    )


async def get_messages(request: ApiRequest) -> Reply:
    clock = zone_clock(request.account.timezone)
    sql, args = queries.history(request.db.dialect, history_query(request, clock))
    rows = await request.db.fetch_all(sql, args)
    if not rows:
        raise NotFoundError("message")
    language = request.account.language
    return Reply(layout.HISTORY, [layout.record(row, clock, language) for row in rows])


PARAMETERS = (
    Parameter(
        "start",
        "date",
        "First day of the period, DD.MM.YYYY, in the account's time zone. Without it: the "
        "latest messages. The period is at most six months.",
        example="01.11.2026",
    ),
    Parameter(
        "end",
        "date",
        "Last day of the period, DD.MM.YYYY (needs start; default: today).",
        example="30.11.2026",
    ),
    Parameter(
        "phone",
        "list",
        "A number or comma-separated numbers (+, spaces, dashes and parentheses allowed; a "
        "leading 8 is a Russian number).",
        maximum=MAX_ADDRESSES,
        example="79161234567",
    ),
    Parameter(
        "phones",
        "list",
        "Another name of phone (some client libraries send it); phone wins when both are given.",
        maximum=MAX_ADDRESSES,
        example="79161234567",
    ),
    Parameter(
        "email",
        "list",
        "An e-mail address or comma-separated addresses: the e-mail history.",
        maximum=MAX_ADDRESSES,
        example="client@example.org",
    ),
    Parameter(
        "format",
        "choice",
        "0 (default): SMS and other messages; 8: e-mail messages.",
        choices=("0", "8"),
        default="0",
    ),
    contract.integer("cnt", "Messages in the reply.", 1, MAX_CNT, DEFAULT_CNT),
    contract.integer(
        "prev_id",
        "Only messages after the one with this int_id, newest first (the next page).",
        1,
        MAX_ID,
    ),
)

ACTION = Action(
    flag="get_messages",
    name="get_messages",
    handler=get_messages,
    summary="History of sent messages, newest first. Nothing found: error 3.",
    parameters=PARAMETERS,
    reply=contract.list_schema(layout.HISTORY),
    windows=(policy.IDENTICAL, policy.HISTORY),
)
