"""``send.php``: accept a send, price it, charge it and queue it, in one unit of work.

sending.md, "send.php" and docs/sending.md. The order of the checks: the request itself
(error 1, 5), the sender name (6), each number (invalid: err 249; no route: err 248), then
money (3). Numbers that cannot be sent are left out and the rest are sent; if none can be,
the error of the first failure (7 or 8) **[ours]**. The reply is written only once every
message of the send, its charge and its place in the queue are committed together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from smscd import billing, delivery, history, links, tariffs
from smscd.errors import (
    CannotDeliverError,
    InvalidNumberError,
    NoMoneyError,
)
from smscd.formats import MessageFormat
from smscd.http import contract
from smscd.http.context import ApiRequest, Reply
from smscd.http.contract import Parameter
from smscd.http.endpoint import Action
from smscd.http.params import Params
from smscd.limits import policy
from smscd.numbering import NumberingService
from smscd.sending import layout, queries, recipients, senders, times
from smscd.sending.layout import NumberLine, SendReply
from smscd.sending.recipients import INVALID_FORMAT_ERR
from smscd.sending.request import SendRequest, prepared_text, read

NO_ROUTE_ERR = 248
INVALID_STATUS, UNDELIVERABLE_STATUS = 22, 20
WAITING = -1


@dataclass(frozen=True, slots=True)
class Accepted:
    """A recipient that will be sent, with everything its history row needs."""

    phone: str
    text: str
    comment: str
    parts: int
    cost: int
    mccmnc: str
    country: str
    operator: str
    region: str
    connector: str
    links: tuple[links.MessageLink, ...] = ()  # tinyurl=1: the text's short links


async def _send_id(request: ApiRequest, send: SendRequest) -> int | str:
    """The id to report before anything is written: the client's, or the one this send
    will get (the account's counter, read without taking it)."""
    given = send.client_id()
    if given is not None:
        return given
    row = await request.db.fetch_one(queries.PEEK_SEND_ID, [request.account.id])
    return int(row[0]) if row is not None else 1


async def send(request: ApiRequest) -> Reply:
    send_request = read(request.params)
    account = request.account
    now = int(request.now)
    zone = times.zone_of(send_request.tz, account.timezone)
    start = times.send_time(send_request.time, zone, now)
    valid = times.valid_seconds(send_request.valid)
    report_id = await _send_id(request, send_request)
    sender = await senders.resolve(request.db, account.id, send_request.sender, report_id)
    accepted, refused = await _recipients(request, send_request)
    if not accepted:
        first = refused[0]
        if first.status == INVALID_STATUS:
            raise InvalidNumberError(report_id, "no valid number")
        raise CannotDeliverError(report_id, "no route")
    total_parts = sum(a.parts for a in accepted)
    total_cost = sum(a.cost for a in accepted)
    lines = _number_lines(send_request, accepted, refused)
    if send_request.cost == 1:
        reply = SendReply(1, None, total_parts, total_cost, None, lines)
        return Reply(layout.SEND, [], custom=reply.render)
    send_times = times.spread(len(accepted), start, send_request.period, send_request.freq)
    async with request.db.transaction() as tx:
        send_id: int | str
        if send_request.client_id() is None:
            row = await tx.fetch_one(queries.NEXT_SEND_ID, [account.id])
            assert row is not None
            send_id = int(row[0])
        else:
            send_id = report_id
        new = [
            history.NewMessage(
                account_id=account.id,
                id=send_id if isinstance(send_id, int) else 0,
                ref=send_id if isinstance(send_id, str) else "",
                phone=a.phone,
                format=send_request.format,
                status=WAITING,
                err=0,
                send_ts=at,
                last_ts=now,
                mccmnc=a.mccmnc,
                country=a.country,
                operator=a.operator,
                region=a.region,
                cost=a.cost,
                sender_id=sender,
                message=a.text,
                comment=a.comment,
                sms_cnt=a.parts,
                state="queued",
                valid_until=at + valid,
                connector=a.connector,
                balance=billing.MAIN_BALANCE,
                subject=send_request.subject,
            )
            for a, at in zip(accepted, send_times, strict=True)
        ]
        int_ids = await history.queue_messages(tx, new)
        await links.add_message_links(
            tx, account.id,
            [(i, link) for i, a in zip(int_ids, accepted, strict=True) for link in a.links],
            now,
        )  # fmt: skip
        charges = [
            billing.Charge(
                account.id,
                int_id,
                m.sms_cnt,
                send_request.mail,
                m.cost,
                billing.MAIN_BALANCE,
                m.send_ts,
            )
            for int_id, m in zip(int_ids, new, strict=True)
        ]
        try:
            await billing.charge_messages(tx, charges, within_credit=True)
        except billing.InsufficientFunds as exc:
            raise NoMoneyError(send_id, "balance plus credit does not cover the send") from exc
        balance = (await billing.balances(tx, account.id))[billing.MAIN_BALANCE]
    reply = SendReply(send_request.cost, send_id, total_parts, total_cost, balance, lines)
    return Reply(layout.SEND, [], custom=reply.render)


async def _recipients(
    request: ApiRequest, send: SendRequest
) -> tuple[list[Accepted], list[recipients.Refused]]:
    """Each recipient validated, looked up, routed and priced; the others, refused."""
    account = request.account
    numbering = request.services.of(NumberingService)
    routes = await delivery.load_routes(request.db)
    prices = await tariffs.price_list(request.db, account.id)
    accepted: list[Accepted] = []
    refused: list[recipients.Refused] = []
    for item in send.items:
        address = recipients.email(item.written) if send.mail else recipients.phone(item.written)
        if address is None:
            refused.append(recipients.Refused(item.written, INVALID_STATUS, INVALID_FORMAT_ERR))
            continue
        found = None if send.mail else numbering.directory.record(address, account.language,
                                                                 request.now)  # fmt: skip
        mcc, mnc = (found["mcc"], found["mnc"]) if found else ("", "")
        connector = routes.connector(address, mcc, mnc, send.format)
        if connector is None:
            refused.append(recipients.Refused(address, UNDELIVERABLE_STATUS, NO_ROUTE_ERR))
            continue
        text = item.text
        found_links: tuple[links.MessageLink, ...] = ()
        if send.tinyurl and send.format in SHORTENED:
            text, found_links = shortened(text, request.services.of(links.LinkService))
        text, parts = prepared_text(text, send.format, send.translit, send.maxsms)
        unit = prices.mail if send.mail else prices.price(mcc, mnc, send.channel)
        charged_parts = 1 if send.format in (MessageFormat.HLR, MessageFormat.PING) else parts
        accepted.append(
            Accepted(
                phone=address, text=text, comment=item.comment, parts=parts,
                cost=unit * charged_parts, mccmnc=mcc + mnc,
                country=found["country"] if found else "",
                operator=found["operator"] if found else "",
                region=found["region"] if found else "", connector=connector,
                links=found_links,
            )
        )  # fmt: skip
    return accepted, refused


# Links in a text: up to the first space or quote, without the punctuation that ends a
# sentence (a link at the end of "Pay here: https://x.ru/p." keeps its own dot out).
_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
SHORTENED = frozenset({MessageFormat.SMS, MessageFormat.FLASH})


def shortened(text: str, service: links.LinkService) -> tuple[str, tuple[links.MessageLink, ...]]:
    """``text`` with each http(s) link replaced by a short link of its own (one per
    message and link: a click tells which message it came from), and those links."""
    made: list[links.MessageLink] = []

    def replace(match: re.Match[str]) -> str:
        url = match.group(0).rstrip(".,;:!?)")
        link = links.MessageLink(links.new_code(), url)
        made.append(link)
        return service.short_url(link.code) + match.group(0)[len(url) :]

    return _LINK.sub(replace, text), tuple(made)


def _number_lines(
    send: SendRequest, accepted: list[Accepted], refused: list[recipients.Refused]
) -> list[NumberLine]:
    if not (send.op or send.err):
        return []
    failed = [NumberLine(r.written, "", 0, r.status, r.err, True) for r in refused]
    if not send.op:
        return failed
    sent = [NumberLine(a.phone, a.mccmnc, a.cost, WAITING, 0, False) for a in accepted]
    return sent + failed


PARAMETERS = (
    Parameter("phones", "list", "Numbers separated by , or ; (or e-mail addresses with "
              "mail=1). Any common notation; a leading 8 is a Russian number.",
              maximum=recipients.MAX_RECIPIENTS, example="79161234567"),
    Parameter("mes", "string", "The text, at most 1,000 characters. A line ~~~ starts a "
              "comment that is kept in history and never sent.", example="Hello"),
    Parameter("list", "string", "Instead of phones and mes: lines phone:text."),
    Parameter("id", "string", "The client's id of this send: 1-2147483647 or up to 40 of "
              "A-Z a-z 0-9 . _ -. Absent or 0: the server gives one.", example="63"),
    Parameter("sender", "string", "A sender name registered for the account; absent: its "
              "default; empty or '.': no name."),
    Parameter("translit", "choice", "1 Cyrillic in Latin letters, 2 look-alike characters.",
              choices=("0", "1", "2"), default="0"),
    Parameter("time", "string", "When to send: DDMMYYhhmm, DD.MM.YY hh:mm, h1-h2, "
              "0<unix time>, +<minutes>; 0 or past: now.", example="+10"),
    Parameter("tz", "string", "The zone of time, in hours from Moscow time.", example="0"),
    Parameter("period", "string", "Spread the send over this many hours (0.1-720)."),
    Parameter("freq", "string", "With period: one group every this many minutes (1-1440)."),
    Parameter("valid", "string", "How long delivery may be tried: 1-24 hours or hh:mm "
              "(default 24)."),
    contract.integer("maxsms", "At most this many parts; a longer text is cut.", 0, 255, 0),
    Parameter("flash", "flag", "A flash SMS (shown at once, not stored)."),
    Parameter("bin", "choice", "1 a binary message (UDH first), 2 the same written in hex.",
              choices=("0", "1", "2")),
    Parameter("push", "flag", "A wap-push message."),
    Parameter("hlr", "flag", "An HLR request per number (no text)."),
    Parameter("ping", "flag", "A silent reachability SMS (no text)."),
    Parameter("mail", "flag", "An e-mail to the addresses in phones (error 8 without a "
              "route to an e-mail connector; docs/carriers.md)."),
    Parameter("subj", "string", "mail=1: the e-mail's subject (at most 255 characters)."),
    Parameter("mms", "flag", "An MMS (error 8: no route carries it yet)."),
    Parameter("call", "flag", "A voice call (error 8: no route carries it yet)."),
    Parameter("viber", "flag", "A Viber message (error 8: no route carries it yet)."),
    Parameter("soc", "flag", "A social-network message (error 8: no route carries it yet)."),
    Parameter("tinyurl", "flag", "Replace each http(s) link by a short link; a click on "
              "it sets the message to status 4."),
    Parameter("cost", "choice", "0 send; 1 only tell the cost; 2 send and tell the cost; "
              "3 also the new balance.", choices=("0", "1", "2", "3"), default="0"),
    Parameter("op", "flag", "Add every number with its network and cost."),
    Parameter("err", "flag", "Add the numbers that were not sent, with status and error."),
)  # fmt: skip

SEND_REPLY = {
    "type": "object",
    "properties": {
        "id": {"type": ["integer", "string"]},
        "cnt": {"type": "integer"},
        "cost": {"type": "string"},
        "balance": {"type": "string"},
        "phones": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["cnt"],
    "additionalProperties": False,
}


def _cost_only(params: Params) -> bool:
    return params.get("cost") == "1"


COST_ACTION = Action(
    flag="",
    name="send_cost",
    handler=send,
    summary="The cost of a send (cost=1): nothing is sent or charged.",
    parameters=PARAMETERS,
    reply=SEND_REPLY,
    windows=(policy.COST_IDENTICAL,),
    when=_cost_only,
)

ACTION = Action(
    flag="",
    name="send",
    handler=send,
    summary="Send messages: accepted, charged and queued in one transaction.",
    parameters=PARAMETERS,
    reply=SEND_REPLY,
    windows=(policy.SEND_IDENTICAL,),
)
