"""The account holder's own pages (docs/console.md): tariffs, short links, sender names,
API keys and settings.

Each page shows or changes what the API and the CLI do, through their own code: get_price's
handler for the tariffs, tinyurls.php add's handler for a new link, the links service for the
list and the clicks, sending/senders.py for sender names (the CLI's rules), and
accounts/selfservice.py for keys and settings (the CLI's key format and checks). Every
query names the session's account.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from zoneinfo import available_timezones

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from smscd.accounts import selfservice
from smscd.accounts.auth import ip_allowed
from smscd.accounts.service import normalise_allowed_ips
from smscd.callbacks import CallbackUrlError, checked_url, new_secret
from smscd.console import sessions, stats
from smscd.console.pages import FORBIDDEN, Console, form
from smscd.console.sessions import Session
from smscd.console.words import words
from smscd.dates import zone_clock
from smscd.errors import AdminError, ApiError
from smscd.links import LinkService
from smscd.links import endpoint as links
from smscd.sending import senders
from smscd.tariffs import endpoint as tariffs

LINKS_SHOWN = 100  # [ours]: the newest links; older ones through tinyurls.php get=1
CHANNELS = ("api", "mass", "mms", "hlr", "call")
ZONES = sorted(available_timezones())


class AccountPages:
    """Handlers of the account's own pages, over the console's sessions and services."""

    def __init__(self, console: Console) -> None:
        self._console = console

    async def _posted(self, request: Request) -> tuple[Session, dict[str, str]] | Response:
        """The session and form of a POST, or the response that refuses it."""
        session = await self._console.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        fields = await form(request, self._console.services())
        if not sessions.same(fields.get("csrf", ""), session.csrf):
            return HTMLResponse(FORBIDDEN, status_code=403)
        return session, fields

    # Tariffs -----------------------------------------------------------------------------

    async def tariffs(self, request: Request) -> Response:
        session = await self._console.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        try:
            reply = await self._console.run(request, session, tariffs.ACTION, {})
            assert reply.custom is not None
            price: Mapping[str, Any] = json.loads(reply.custom(3))
            error = ""
        except ApiError as exc:
            price, error = {"zones": [], "codes": [], "mail": ""}, str(exc)
        return self._console.page(
            "tariffs.html", session, section="tariffs", price=price, channels=CHANNELS,
            error=error,
        )  # fmt: skip

    # Short links -------------------------------------------------------------------------

    async def links(self, request: Request, created: str = "", error: str = "",
                    session: Session | None = None, status: int = 200) -> Response:  # fmt: skip
        session = session or await self._console.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        services, account = self._console.services(), session.account
        service = services.of(LinkService)
        query = request.query_params
        filters = {name: query.get(name, "").strip() for name in ("start", "end")}
        clock = zone_clock(account.timezone)
        chart = ""
        try:
            period = stats.days(filters["start"], filters["end"], clock.today(services.clock()))
        except ApiError as exc:
            error = error or str(exc)
        else:
            clicks = await service.clicks_per_day(account.id, period[0], period[-1])
            chart = json.dumps({
                "labels": [day.strftime("%d.%m.%Y") for day in period],
                "sms": [clicks.get(day, 0) for day in period],
            })  # fmt: skip
        rows = await service.listed(account.id, LINKS_SHOWN)
        return self._console.page(
            "links.html", session, status, section="links", rows=rows, chart=chart,
            filters=filters, created=created, error=error, clock=clock,
        )  # fmt: skip

    async def add_link(self, request: Request) -> Response:
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        session, fields = posted
        try:
            reply = await self._console.run(
                request, session, links.ADD_ACTION, {"link": fields.get("link", "").strip()}
            )
        except ApiError as exc:
            return await self.links(request, error=str(exc), session=session, status=400)
        return await self.links(request, created=str(reply.records[0]["link"]), session=session)

    # Sender names ------------------------------------------------------------------------

    async def senders(self, request: Request, session: Session | None = None,
                      error: str = "", status: int = 200) -> Response:  # fmt: skip
        session = session or await self._console.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        db = self._console.services().db
        names, default = await senders.names_of(db, session.account.id)
        return self._console.page(
            "senders.html", session, status, section="senders", names=names, default=default,
            error=error,
        )  # fmt: skip

    async def add_sender(self, request: Request) -> Response:
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        session, fields = posted
        name = fields.get("name", "").strip()
        try:
            await senders.add_name(self._console.services().db, session.account.id, name,
                                   fields.get("default") == "1")  # fmt: skip
        except AdminError as exc:
            return await self.senders(request, session, str(exc), 400)
        return RedirectResponse("/console/senders", 303)

    async def remove_sender(self, request: Request) -> Response:
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        session, fields = posted
        try:
            await senders.remove_name(
                self._console.services().db, session.account.id, fields.get("name", "")
            )
        except AdminError as exc:
            return await self.senders(request, session, str(exc), 400)
        return RedirectResponse("/console/senders", 303)

    # API keys ----------------------------------------------------------------------------

    async def keys(self, request: Request, session: Session | None = None, new_key: str = "",
                   error: str = "", status: int = 200) -> Response:  # fmt: skip
        session = session or await self._console.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        rows = await selfservice.keys_of(self._console.services().db, session.account.id)
        return self._console.page(
            "keys.html", session, status, section="keys", rows=rows, new_key=new_key,
            error=error, clock=zone_clock(session.account.timezone),
        )  # fmt: skip

    async def create_key(self, request: Request) -> Response:
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        session, _ = posted
        services = self._console.services()
        key = await selfservice.create_key(services.db, session.account.id, services.clock())
        # The key is in this page only: never stored in clear, never in a log or a URL.
        return await self.keys(request, session, new_key=key)

    async def revoke_key(self, request: Request) -> Response:
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        session, fields = posted
        services = self._console.services()
        key_id = fields.get("id", "")
        valid = key_id.isascii() and key_id.isdigit() and len(key_id) < 19
        done = valid and await selfservice.revoke_key(
            services.db, session.account.id, int(key_id), services.clock()
        )
        if not done:
            w = words(session.account.language)
            return await self.keys(request, session, error=w["no_key"], status=404)
        return RedirectResponse("/console/keys", 303)

    # Settings ----------------------------------------------------------------------------

    async def settings(self, request: Request, session: Session | None = None,
                       status: int = 200, **context: Any) -> Response:  # fmt: skip
        session = session or await self._console.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        profile = await selfservice.profile(self._console.services().db, session.account.id)
        context.setdefault("error", "")
        context.setdefault("saved", request.query_params.get("saved") == "1")
        return self._console.page(
            "settings.html", session, status, section="settings", profile=profile,
            zones=ZONES, address=self._console.services().addresses.of(request.scope),
            **context,
        )  # fmt: skip

    async def save_settings(self, request: Request) -> Response:
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        session, fields = posted
        services = self._console.services()
        allowed = fields.get("allowed_ips", "")
        w = words(session.account.language)
        try:
            # The holder's own address must stay allowed: else the next page locks it out.
            if not ip_allowed(normalise_allowed_ips(allowed), services.addresses.of(request.scope)):
                raise AdminError(w["locks_out"])
            await selfservice.set_profile(
                services.db, session.account.id, allowed, fields.get("timezone", "").strip(),
                fields.get("language", "").strip(),
            )  # fmt: skip
        except AdminError as exc:
            return await self.settings(request, session, 400, error=str(exc))
        return RedirectResponse("/console/settings?saved=1", 303)

    async def save_callback(self, request: Request) -> Response:
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        session, fields = posted
        try:
            url = checked_url(fields.get("callback_url", ""))
        except CallbackUrlError as exc:
            return await self.settings(request, session, 400, error=str(exc))
        # A new URL gets a new signing key, shown once (as `smscd account set-callback`).
        secret = new_secret() if url else ""
        await selfservice.set_callback(self._console.services().db, session.account.id, url,
                                       secret)  # fmt: skip
        return await self.settings(request, session, secret=secret)
