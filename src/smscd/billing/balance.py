"""``balance.php``: the account's main balance (sending.md, "balance.php").

The balance is payments - charges + refunds of the main balance, in the account's currency
with two decimals; it goes below zero only down to the credit limit. Replies **[clients]**:
fmt 0 and 1 the bare number (``cur=1``: ``286.55, RUB`` / ``286.55,RUB`` **[ours]**), fmt 2
``<result><balance>...</balance></result>``, fmt 3 ``{"balance": "286.55"}`` with
``"currency"`` for ``cur=1`` and ``"credit"`` when the account has a credit limit.
"""

from __future__ import annotations

from smscd import money
from smscd.billing import store
from smscd.billing.tables import MAIN_BALANCE
from smscd.http.context import ApiRequest, Reply
from smscd.http.contract import Parameter
from smscd.http.endpoint import Action
from smscd.http.replies import Layout, json_text, xml_text
from smscd.limits import policy

BALANCE = Layout(
    text=(("balance", "balance"),),
    csv=("balance",),
    fields=("balance",),
    numbers=frozenset(),
    xml_list="result",
    xml_item="result",
)


def render(balance: str, currency: str | None, credit: str | None, fmt: int) -> str:
    fields = {"balance": balance}
    if currency is not None:
        fields["currency"] = currency
    if credit is not None:
        fields["credit"] = credit
    if fmt == 0:
        return balance if currency is None else f"{balance}, {currency}"
    if fmt == 1:
        return balance if currency is None else f"{balance},{currency}"
    if fmt == 2:
        body = "".join(f"<{key}>{xml_text(value)}</{key}>\n" for key, value in fields.items())
        return f"<result>\n{body}</result>"
    return json_text(fields)


async def balance(request: ApiRequest) -> Reply:
    account = request.account
    amounts = await store.balances(request.db, account.id)
    credit = await store.credit_limit(request.db, account.id)
    amount = money.to_text(amounts[MAIN_BALANCE])
    currency = account.currency if request.params.flag("cur") else None
    limit = money.to_text(credit) if credit else None
    return Reply(BALANCE, [], custom=lambda fmt: render(amount, currency, limit, fmt))


ACTION = Action(
    flag="",
    name="balance",
    handler=balance,
    summary="The account's main balance (payments - charges + refunds).",
    parameters=(Parameter("cur", "flag", "Add the account's currency."),),
    reply={
        "type": "object",
        "required": ["balance"],
        "properties": {
            "balance": {"type": "string"},
            "currency": {"type": "string"},
            "credit": {"type": "string"},
        },
        "additionalProperties": False,
    },
    windows=(policy.BALANCE,),
)
