"""``get.php?get_price=1`` (placeholder until the tariffs work lands)."""

from smscd.errors import ParametersError
from smscd.http.context import ApiRequest, Reply


async def get_price(request: ApiRequest) -> Reply:
    raise ParametersError("not implemented yet")
