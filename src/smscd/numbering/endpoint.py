"""``info.php?get_operator=1`` (placeholder until the numbering work lands)."""

from smscd.errors import ParametersError
from smscd.http.context import ApiRequest, Reply


async def get_operator(request: ApiRequest) -> Reply:
    raise ParametersError("not implemented yet")
