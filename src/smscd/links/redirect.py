"""GET on a short URL (placeholder until the links work lands)."""

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response


async def follow(request: Request) -> Response:
    return PlainTextResponse("not found", status_code=404)
