"""``status.php``: the status of sent messages by the client's (id, phone), and deleting one.

sending.md, "status.php" (**[clients]**: the layouts are what the libraries parse). One
message: ``phone`` and ``id``; several: comma-separated lists of equal length, paired by
position (a trailing comma asks for the list layout for one message). ``all`` 0 the status,
1 the message's details, 2 also country, operator and region. An unknown (id, phone) is
not an error but status -3. ``del=1`` deletes a finished message from history and status
(its row stays as a tombstone for paging; docs/sending.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from smscd import money
from smscd.dates import ZoneClock, zone_clock
from smscd.errors import DeleteError, ParametersError
from smscd.history import queries
from smscd.history.statuses import status_name
from smscd.http import contract
from smscd.http.context import ApiRequest, Reply
from smscd.http.contract import Parameter
from smscd.http.endpoint import Action
from smscd.http.params import Params
from smscd.http.replies import Layout, Record, json_text, one_line, xml_text
from smscd.limits import policy
from smscd.phones import normalise_phone

MAX_LIST = 100  # [ours]: (id, phone) pairs in one list request
NOT_FOUND = -3
SECOND_BALANCE_FLAG = 32  # ``flag`` bit 5: paid from the second balance

BASE = ("status", "last_date", "last_timestamp", "flag", "err")
PLACE = ("country", "operator", "region")
DETAILS = ("send_date", "send_timestamp", "phone", "cost", "sender_id", "status_name",
           "message", "comment", "type")  # fmt: skip
JSON_DETAILS = ("mccmnc", "sms_cnt")  # fmt 3 carries these too with all >= 1
NUMBERS = frozenset({"status", "last_timestamp", "flag", "err", "send_timestamp", "type",
                     "sms_cnt", "id"})  # fmt: skip
# fmt 0 labels where they are not the key
LABELS = {"status": "Status", "last_date": "check_time"}


def _keys(all_: int, fmt: int) -> list[str]:
    """The record's keys in ``fmt`` for ``all``."""
    keys = ["status", "last_timestamp", "err"] if fmt == 1 else (
        ["status", "last_date", "err"] if fmt == 0 else list(BASE)
    )  # fmt: skip
    if all_ >= 2:
        keys += PLACE
    if all_ >= 1:
        details = [k for k in DETAILS if not (
            (fmt == 1 and k == "send_date") or (fmt in (0, 2) and k == "send_timestamp")
        )]  # fmt: skip
        keys += details
        if fmt == 3:
            keys += JSON_DETAILS
    return keys


def record(row: Sequence[Any], clock: ZoneClock, language: str) -> Record:
    (status, last_ts, err, send_ts, phone, mccmnc, country, operator, region, cost, sender,
     message, comment, type_, format_, balance, sms_cnt) = row  # fmt: skip
    return {
        "status": status,
        "last_date": clock.format(last_ts),
        "last_timestamp": last_ts,
        "flag": format_ | (SECOND_BALANCE_FLAG if balance == 2 else 0),
        "err": err,
        "country": country,
        "operator": operator,
        "region": region,
        "send_date": clock.format(send_ts),
        "send_timestamp": send_ts,
        "phone": phone,
        "cost": money.to_text(cost),
        "sender_id": sender,
        "status_name": status_name(status, language),
        "message": message,
        "comment": comment,
        "type": type_,
        "mccmnc": mccmnc,
        "sms_cnt": sms_cnt,
    }


def unknown(language: str) -> Record:
    """A message this account does not have: status -3, every other field empty or 0."""
    return {
        "status": NOT_FOUND, "last_date": "", "last_timestamp": 0, "flag": 0, "err": 0,
        "country": "", "operator": "", "region": "", "send_date": "", "send_timestamp": 0,
        "phone": "", "cost": money.to_text(0), "sender_id": "",
        "status_name": status_name(NOT_FOUND, language), "message": "", "comment": "",
        "type": 0, "mccmnc": "", "sms_cnt": 0,
    }  # fmt: skip


def _text(record: Record, keys: Sequence[str]) -> str:
    return ", ".join(f"{LABELS.get(k, k)} = {one_line(record[k])}" for k in keys)


def _xml(record: Record, keys: Sequence[str]) -> str:
    return "<sms>\n" + "".join(f"<{k}>{xml_text(record[k])}</{k}>\n" for k in keys) + "</sms>"


def _json(record: Record, keys: Sequence[str]) -> dict[str, Any]:
    return {k: record[k] for k in keys}


def render_one(record: Record, all_: int, fmt: int) -> str:
    keys = _keys(all_, fmt)
    if fmt == 0:
        return _text(record, keys)
    if fmt == 1:
        return ",".join(one_line(record[k]) for k in keys)
    if fmt == 2:
        return _xml(record, keys)
    return json_text(_json(record, keys))


def render_list(items: Sequence[tuple[Record, str, str]], all_: int, fmt: int) -> str:
    """Each (record, id, phone as sent); an unknown message is status, id and phone only."""
    records = []
    for record, id_, phone in items:
        found = record["status"] != NOT_FOUND
        keys = [*(_keys(all_, fmt) if found else ["status"]), "id", "phone"]
        both: dict[str, Any] = {**record, "id": int(id_) if id_.isdigit() else id_,
                                "phone": phone}  # fmt: skip
        records.append((both, keys))
    if fmt == 3:
        return json_text([_json(record, keys) for record, keys in records])
    if fmt == 2:
        return "<list>\n" + "\n".join(_xml(record, keys) for record, keys in records) + "\n</list>"
    if fmt == 1:
        return "\n".join(",".join(one_line(r[k]) for k in keys) for r, keys in records)
    return "\n".join(_text(record, keys) for record, keys in records)


def _pairs(params: Params) -> tuple[list[tuple[str, str]], bool]:
    """(id, phone) pairs, and whether the list layout was asked for."""
    phones, ids = params.get("phone"), params.get("id")
    if not phones or not ids:
        raise ParametersError("phone and id are needed")
    as_list = "," in phones or "," in ids
    phone_items = [p.strip() for p in phones.split(",")]
    id_items = [i.strip() for i in ids.split(",")]
    if as_list and phone_items[-1] == "" and id_items[-1] == "":
        phone_items, id_items = phone_items[:-1], id_items[:-1]
    if len(phone_items) != len(id_items) or not phone_items or len(phone_items) > MAX_LIST:
        raise ParametersError("phone and id lists differ in length")
    if any(not p or not i for p, i in zip(phone_items, id_items, strict=True)):
        raise ParametersError("empty phone or id")
    return list(zip(id_items, phone_items, strict=True)), as_list


def _key(id_: str, phone: str) -> tuple[int, str, str]:
    """The stored (id, ref, phone) of a client's id and number."""
    if len(id_) > 40:
        raise ParametersError("id too long")
    address = phone.lower() if "@" in phone else normalise_phone(phone)
    if id_.isdigit() and len(id_) <= 18:
        return int(id_), "", address
    return 0, id_, address


async def status(request: ApiRequest) -> Reply:
    params = request.params
    pairs, as_list = _pairs(params)
    all_ = params.integer("all", 0, 0, 2)
    account = request.account
    if params.flag("del"):
        return await _delete(request, pairs)
    clock = zone_clock(account.timezone)
    items = []
    for id_, phone in pairs:
        stored_id, ref, address = _key(id_, phone)
        row = await request.db.fetch_one(queries.STATUS, [account.id, stored_id, address, ref])
        found = record(row, clock, account.language) if row else unknown(account.language)
        items.append((found, id_, phone))
    if as_list:
        return Reply(STATUS, [], custom=lambda fmt: render_list(items, all_, fmt))
    return Reply(STATUS, [], custom=lambda fmt: render_one(items[0][0], all_, fmt))


async def _delete(request: ApiRequest, pairs: list[tuple[str, str]]) -> Reply:
    """Hide finished messages from history and status; error 5 if one cannot be."""
    keys = [_key(id_, phone) for id_, phone in pairs]
    async with request.db.transaction() as tx:
        deleted = 0
        for stored_id, ref, address in keys:
            deleted += await tx.execute(
                queries.DELETE, [request.account.id, stored_id, address, ref]
            )
        if deleted == 0:
            raise DeleteError("no finished message with that id and phone")
    return Reply(STATUS, [], custom=lambda fmt: render_deleted(deleted, fmt))


def render_deleted(count: int, fmt: int) -> str:
    """[ours] fmt 0 ``OK``, fmt 1 the count, fmt 2 ``<result><deleted/></result>``, fmt 3
    ``{"deleted": N}``."""
    if fmt == 0:
        return "OK"
    if fmt == 1:
        return str(count)
    if fmt == 2:
        return f"<result>\n<deleted>{count}</deleted>\n</result>"
    return json_text({"deleted": count})


STATUS = Layout(
    text=tuple((LABELS.get(k, k), k) for k in BASE),
    csv=("status", "last_timestamp", "err"),
    fields=BASE,
    numbers=NUMBERS & frozenset(BASE),
    xml_list="list",
    xml_item="sms",
)

PARAMETERS = (
    Parameter("phone", "list", "The number (or numbers, comma-separated) the messages were "
              "sent to.", maximum=MAX_LIST, example="79161234567"),
    Parameter("id", "list", "The send's id (or ids, paired with the numbers by position).",
              maximum=MAX_LIST, example="63"),
    contract.integer("all", "0 the status; 1 with the message; 2 also country, operator "
                     "and region.", 0, 2, 0),
    Parameter("del", "flag", "Delete the message from history and status."),
)  # fmt: skip

REPLY = {"type": ["object", "array"]}


def _is_list(params: Params) -> bool:
    return "," in params.get("phone") or "," in params.get("id")


LIST_ACTION = Action(
    flag="",
    name="status_list",
    handler=status,
    summary="The status of several messages (comma-separated phone and id lists).",
    parameters=PARAMETERS,
    reply=REPLY,
    windows=(policy.STATUS_LIST,),
    when=_is_list,
)

ACTION = Action(
    flag="",
    name="status",
    handler=status,
    summary="The status of one message by its phone and id; unknown: status -3.",
    parameters=PARAMETERS,
    reply=REPLY,
    windows=(policy.STATUS_IDENTICAL,),
)
