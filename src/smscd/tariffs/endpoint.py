"""``get.php?get_price=1``: the account's tariffs (reference, "Request for rates").

No parameters beyond authentication and the reply format. The plan is the account's own or
else the default plan; the individual prices are the account's alone. Without any plan
(a new server before the first import) the reply has no zones and an e-mail price of 0.00
**[ours]**; docs/tariffs.md.
"""

from __future__ import annotations

import asyncio

from smscd import money
from smscd.http import contract
from smscd.http.context import ApiRequest, Reply
from smscd.http.endpoint import Action
from smscd.limits import policy
from smscd.tariffs import layout, queries


async def get_price(request: ApiRequest) -> Reply:
    account_id = request.account.id
    plan, code_rows = await asyncio.gather(
        request.db.fetch_one(*queries.plan(account_id)),
        request.db.fetch_all(*queries.codes(account_id)),
    )
    zones, mail = [], money.to_text(0)
    if plan is not None:
        plan_id, mail_price = plan
        zones = [
            layout.zone_record(row) for row in await request.db.fetch_all(*queries.zones(plan_id))
        ]
        mail = money.to_text(mail_price)
    codes = [layout.code_record(row) for row in code_rows]
    return Reply(layout.ZONES, [], custom=lambda fmt: layout.render(zones, codes, mail, fmt))


ACTION = Action(
    flag="get_price",
    name="get_price",
    handler=get_price,
    summary="The account's tariffs: zones priced per channel, individual prices by MCC+MNC, "
    "the e-mail price. No parameters.",
    reply={
        "type": "object",
        "required": ["zones", "codes", "mail"],
        "properties": {
            "zones": contract.list_schema(layout.ZONES, min_items=0),
            "codes": contract.list_schema(layout.CODES, min_items=0),
            "mail": {"type": "string"},
        },
        "additionalProperties": False,
    },
    windows=(policy.IDENTICAL,),
)
