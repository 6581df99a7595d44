"""The console's pages: each runs the API's own handler for what it shows or does (the
history of get_messages, the incoming of get_answers, send.php with cost=1 and then for
real), so a page and the API give the same numbers and refuse the same input
(docs/console.md, "Same code path")."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from smscd.accounts.auth import ip_allowed
from smscd.billing import endpoint as billing
from smscd.console import queries as q
from smscd.console import sessions, stats
from smscd.console.sessions import Session
from smscd.console.words import browser_language, words
from smscd.dates import zone_clock
from smscd.errors import ApiError, AuthorisationError, IpBlockedError, NotFoundError
from smscd.history import endpoint as history
from smscd.history.statuses import STATUSES, status_name
from smscd.http import charsets
from smscd.http.context import ApiRequest, Reply, Services
from smscd.http.endpoint import Action, Running, body_pairs
from smscd.http.params import Params
from smscd.incoming import endpoint as incoming
from smscd.limits.guard import Admission
from smscd.sending import endpoint as sending

log = logging.getLogger("smscd.console")

TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
    auto_reload=False,
)  # fmt: skip

HISTORY_PAGE = 50
STATUS_SCAN = 1000  # get_messages' largest cnt
FORBIDDEN = "Forbidden: the form's CSRF token is missing or wrong"


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status)


async def form(request: Request, services: Services) -> dict[str, str]:
    """An urlencoded form's fields (bounded like an API body; UTF-8)."""
    pairs = await body_pairs(request, services.max_body_bytes, services.settings.max_params)
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name.decode("utf-8", "replace"), value.decode("utf-8", "replace"))
    return fields


class Console:
    """The console's request handlers over the app's running services."""

    def __init__(self, running: Running) -> None:
        self._running = running

    def services(self) -> Services:
        services = self._running.services
        if services is None:
            raise RuntimeError("the app is not started")
        return services

    # Sessions -------------------------------------------------------------------------------

    async def session(self, request: Request) -> Session | None:
        """The request's session; None without one, or from an address the account no
        longer allows (its allowed list applies to the console as to the API)."""
        services = self.services()
        session = await sessions.find(services.db, request, services.clock())
        if session is None or not ip_allowed(
            session.allowed_ips, services.addresses.of(request.scope)
        ):
            return None
        return session

    def _login_page(self, request: Request, status: int = 200, message: str = "") -> Response:
        token = sessions.login_token(request)
        language = browser_language(request.headers.get("accept-language", ""))
        response = render(
            "login.html", status, w=words(language), lang=language, csrf=token, message=message
        )
        sessions.set_cookie(response, request, sessions.LOGIN_COOKIE, token, 3600)
        return response

    async def login_form(self, request: Request) -> Response:
        if await self.session(request) is not None:
            return RedirectResponse("/console/history", 303)
        return self._login_page(request)

    async def login(self, request: Request) -> Response:
        services = self.services()
        now = services.clock()
        address = services.addresses.of(request.scope)
        language = browser_language(request.headers.get("accept-language", ""))
        w = words(language)
        try:
            # The API's IP blocks first: a blocked address costs no password check.
            await services.guard.check_address(address, now)
        except IpBlockedError:
            return self._login_page(request, 429, w["blocked"])
        fields = await form(request, services)
        if not sessions.same(
            fields.get("csrf", ""), request.cookies.get(sessions.LOGIN_COOKIE, "")
        ):
            return HTMLResponse(FORBIDDEN, status_code=403)
        login, password = fields.get("login", "").strip(), fields.get("password", "")
        try:
            if not login or not password:
                raise AuthorisationError("no credentials")
            account = await services.authenticator.authenticate(login, password, "", address)
        except AuthorisationError:
            try:
                await services.guard.failed(address, now)  # counted like the API's failures
            except IpBlockedError:
                return self._login_page(request, 429, w["blocked"])
            return self._login_page(request, 401, w["wrong"])
        token = await sessions.start(services.db, account.id, now)
        response = RedirectResponse("/console/history", 303)
        sessions.set_cookie(
            response, request, sessions.SESSION_COOKIE, token, sessions.SESSION_SECONDS
        )
        response.delete_cookie(sessions.LOGIN_COOKIE, path=sessions.PATH)
        return response

    async def logout(self, request: Request) -> Response:
        services = self.services()
        session = await self.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        fields = await form(request, services)
        if not sessions.same(fields.get("csrf", ""), session.csrf):
            return HTMLResponse(FORBIDDEN, status_code=403)
        await sessions.end(services.db, session.token)
        response = RedirectResponse("/console/login", 303)
        response.delete_cookie(sessions.SESSION_COOKIE, path=sessions.PATH)
        return response

    # Running the API's handlers --------------------------------------------------------------

    async def run(
        self, request: Request, session: Session, action: Action, values: Mapping[str, str]
    ) -> Reply:
        """``action``'s handler for the session's account, inside the API's limits (the same
        windows and in-flight cap as the API call)."""
        [reply] = await self.run_each(request, session, action, [values])
        return reply

    async def run_each(
        self,
        request: Request,
        session: Session,
        action: Action,
        each: Sequence[Mapping[str, str]],
    ) -> list[Reply]:
        """``action``'s handler once for each of ``each``, admitted by the API's limits as
        one request (the first values'): a page that needs several answers (the stats
        page, a get_stat per day) costs its user one request, as one API call for the whole
        period would. **[ours]**"""
        services = self.services()
        now = services.clock()
        address = services.addresses.of(request.scope)
        account = session.account
        admission = Admission(account.id, account.rate_limits, action.name, action.windows,
                              dict(each[0]))  # fmt: skip
        slot = await services.guard.admit(admission, address, now)
        try:
            replies = []
            for values in each:
                params = Params(dict(values), 3, charsets.UTF_8)
                api = ApiRequest(params, account, services.db, now, services)
                replies.append(await action.handler(api))
            return replies
        finally:
            await services.guard.release(slot)

    def page(self, name: str, session: Session, status: int = 200, **context: Any) -> HTMLResponse:
        language = session.account.language
        return render(
            name, status, w=words(language), lang=language, csrf=session.csrf,
            login=session.account.login, **context,
        )  # fmt: skip

    async def records(
        self, request: Request, session: Session, action: Action, values: Mapping[str, str]
    ) -> tuple[Sequence[Mapping[str, Any]], str]:
        """The records of a listing action, and an error text ('' none; nothing found is
        an empty list)."""
        try:
            return (await self.run(request, session, action, values)).records, ""
        except NotFoundError:
            return [], ""
        except ApiError as error:
            return [], str(error)

    # Pages -----------------------------------------------------------------------------------

    async def history(self, request: Request) -> Response:
        session = await self.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        query = request.query_params
        filters = {name: query.get(name, "").strip() for name in ("start", "end", "phone")}
        values = {k: v for k, v in filters.items() if v}
        # The status filter is the console's (get_messages has none): the page scans
        # STATUS_SCAN messages of get_messages' own answer and keeps those in the status.
        status = query.get("status", "").strip()
        if status not in {str(code) for code in STATUSES}:
            status = ""
        filters["status"] = status
        values["cnt"] = str(STATUS_SCAN if status else HISTORY_PAGE)
        prev_id = query.get("prev_id", "").strip()
        if prev_id:
            values["prev_id"] = prev_id
        rows, error = await self.records(request, session, history.ACTION, values)
        shown, more = list(rows), ""
        if status:
            shown = [row for row in rows if str(row["status"]) == status][:HISTORY_PAGE]
            if len(shown) == HISTORY_PAGE:
                more = str(shown[-1]["int_id"])
            elif len(rows) == STATUS_SCAN:
                more = str(rows[-1]["int_id"])
        elif len(rows) == HISTORY_PAGE:
            more = str(rows[-1]["int_id"])
        statuses = [(str(code), status_name(code, session.account.language)) for code in STATUSES]
        return self.page(
            "history.html", session, rows=shown, error=error, filters=filters, more=more,
            section="history", statuses=statuses,
        )  # fmt: skip

    async def incoming(self, request: Request) -> Response:
        session = await self.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        rows, error = await self.records(request, session, incoming.ACTION, {"hour": "168"})
        partial = request.headers.get("hx-request") == "true"
        name = "incoming_rows.html" if partial else "incoming.html"
        return self.page(name, session, rows=rows, error=error, section="incoming")

    async def send_form(self, request: Request) -> Response:
        session = await self.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        return self.page("send.html", session, section="send", phones="", mes="", sender="")

    async def send(self, request: Request) -> Response:
        session = await self.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        fields = await form(request, self.services())
        if not sessions.same(fields.get("csrf", ""), session.csrf):
            return HTMLResponse(FORBIDDEN, status_code=403)
        phones = ",".join(p.strip() for p in fields.get("phones", "").replace("\n", ",").split(",")
                          if p.strip())  # fmt: skip
        values = {"phones": phones, "mes": fields.get("mes", "")}
        if fields.get("sender", "").strip():
            values["sender"] = fields["sender"].strip()
        confirmed = fields.get("step") == "send"
        action = sending.ACTION if confirmed else sending.COST_ACTION
        values["cost"] = "3" if confirmed else "1"
        context: dict[str, Any] = {
            "section": "send", "phones": fields.get("phones", ""), "mes": values["mes"],
            "sender": values.get("sender", ""),
        }  # fmt: skip
        try:
            reply = await self.run(request, session, action, values)
        except ApiError as error:
            return self.page("send.html", session, error=str(error), **context)
        assert reply.custom is not None
        result = json.loads(reply.custom(3))
        if not confirmed:
            return self.page("send.html", session, quote=result, **context)
        return self.page("sent.html", session, result=result, phones_list=phones, **context)

    async def send_status(self, request: Request) -> Response:
        """The statuses of one send's messages (htmx polls this fragment)."""
        session = await self.session(request)
        if session is None:
            return HTMLResponse("", status_code=401)
        send_id = request.query_params.get("id", "")
        phones = request.query_params.get("phones", "")
        rows, error = await self.records(
            request, session, history.ACTION, {"phone": phones, "cnt": "1000"}
        )
        mine = [row for row in rows if str(row["id"]) == send_id]
        return self.page("sent_rows.html", session, rows=mine, error=error, send_id=send_id,
                         phones_list=phones)  # fmt: skip

    async def message(self, request: Request) -> Response:
        """One message's status timeline: accepted, each delivery try, its status now."""
        session = await self.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        int_id = request.path_params["int_id"]
        db, account = self.services().db, session.account
        row = await db.fetch_one(q.MESSAGE, [int_id, account.id])
        if row is None:
            return self.page("message.html", session, section="history", found=None,
                             attempts=[], status=404)  # fmt: skip
        clock = zone_clock(account.timezone)
        attempts = await db.fetch_all(q.ATTEMPTS, [int_id, account.id])
        found = {
            "int_id": row[0], "id": row[1], "phone": row[2], "message": row[6],
            "status_name": status_name(int(row[3]), account.language),
            "send_date": clock.format(int(row[4])), "last_date": clock.format(int(row[5])),
        }  # fmt: skip
        steps = [
            {"attempt": a[0], "date": clock.format(int(a[1])), "outcome": a[2], "detail": a[3]}
            for a in attempts
        ]
        return self.page("message.html", session, section="history", found=found,
                         attempts=steps)  # fmt: skip

    async def stats(self, request: Request) -> Response:
        """Messages and money per day (get_stat's handler, day by day) and per status."""
        session = await self.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        services, account = self.services(), session.account
        query = request.query_params
        filters = {name: query.get(name, "").strip() for name in ("start", "end")}
        clock = zone_clock(account.timezone)

        async def stat_of_days(days: Sequence[str]) -> list[Sequence[Mapping[str, Any]]]:
            each = [{"start": day, "end": day} for day in days]
            replies = await self.run_each(request, session, billing.ACTION, each)
            return [reply.records for reply in replies]

        try:
            period = stats.days(filters["start"], filters["end"], clock.today(services.clock()))
            days = await stats.per_day(period, stat_of_days)
            statuses = await stats.per_status(
                services.db, account.id, account.timezone, period, account.language
            )
        except ApiError as error:
            return self.page("stats.html", session, section="stats", filters=filters,
                             error=str(error), days=[], statuses=[], chart="")  # fmt: skip
        chart = json.dumps({
            "labels": [d.day for d in days],
            "sms": [int(d.rows[0]["sms"]) if d.rows else 0 for d in days],
            "money": [float(d.rows[0]["debit"]) if d.rows else 0 for d in days],
        })  # fmt: skip
        return self.page("stats.html", session, section="stats", filters=filters, error="",
                         days=days, statuses=statuses, chart=chart)  # fmt: skip
