"""``info.php?get_operator=1``: the country, operator, region, MCC, MNC and time zone of a
number or of a list of numbers.

Reference "Getting information about the operator"; compat.md ("Endpoint decisions");
docs/numbering.md for users. Answered from the worker's memory (directory.py), never with
a query per number.
"""

from __future__ import annotations

from smscd.errors import NotFoundError, ParametersError
from smscd.http import contract
from smscd.http.context import ApiRequest, Reply
from smscd.http.contract import Parameter
from smscd.http.endpoint import Action
from smscd.limits import policy
from smscd.numbering import layout
from smscd.numbering.service import NumberingService
from smscd.phones import normalise_phone

MAX_PHONES = 100  # [ours]: the size of a page of history; more in one request is error 1


def phones_of(request: ApiRequest) -> list[str]:
    """The ``phone`` parameter: one number or a list (``,`` or ``;``), normalised.
    ``phones`` is another name of it (compat.md [ours]: a client library sends it);
    ``phone`` wins when both are given."""
    raw = request.params.listed("phone", alias="phones")
    if not raw:
        raise ParametersError("phone missing")
    if len(raw) > MAX_PHONES:
        raise ParametersError("too many phones")
    return [normalise_phone(phone) for phone in raw]


async def get_operator(request: ApiRequest) -> Reply:
    phones = phones_of(request)
    directory = request.services.of(NumberingService).directory
    language = request.account.language
    if len(phones) == 1:
        record = directory.record(phones[0], language, request.now)
        if record is None:
            raise NotFoundError("operator")
        return Reply(layout.OPERATOR, [record], single=True)
    return Reply(
        layout.OPERATOR_LIST,
        [layout.listed(phone, directory.record(phone, language, request.now)) for phone in phones],
    )


PARAMETERS = (
    Parameter(
        "phone",
        "list",
        "A number, or up to 100 comma-separated numbers (each record then starts with phone).",
        maximum=MAX_PHONES,
        example="79161234567",
    ),
    Parameter(
        "phones",
        "list",
        "Another name of phone (some client libraries send it); phone wins when both are given.",
        maximum=MAX_PHONES,
        example="79161234567",
    ),
)

ACTION = Action(
    flag="get_operator",
    name="get_operator",
    handler=get_operator,
    summary="Country, operator, region, MCC, MNC and time zone of a number (error 3 when "
    "unknown) or of a list of numbers (unknown ones with empty fields).",
    parameters=PARAMETERS,
    reply={
        "oneOf": [
            contract.record_schema(layout.OPERATOR),
            contract.list_schema(layout.OPERATOR_LIST),
        ]
    },
    windows=(policy.IDENTICAL, policy.OPERATOR),
)
