"""``get.php?get_stat=1`` (placeholder until the billing work lands)."""

from smscd.errors import ParametersError
from smscd.http.context import ApiRequest, Reply


async def get_stat(request: ApiRequest) -> Reply:
    raise ParametersError("not implemented yet")
