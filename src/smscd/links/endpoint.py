"""``tinyurls.php?get=1`` and ``add=1`` (placeholders until the links work lands)."""

from smscd.errors import ParametersError
from smscd.http.context import ApiRequest, Reply


async def get_link(request: ApiRequest) -> Reply:
    raise ParametersError("not implemented yet")


async def add_link(request: ApiRequest) -> Reply:
    raise ParametersError("not implemented yet")
