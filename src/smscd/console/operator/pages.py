"""The operator's pages (docs/console.md, "For the operator").

Every change goes through the function the CLI uses for it: a top-up through
``billing.store.pay`` (one ledger entry, in integer hundredths), a credit limit through
``billing.admin.set_credit``, a tariff import through the tariffs' CSV reader and import
(one transaction: all rows or none), an unblock through ``limits.blocks`` (the request row
every worker looks for). What the pages read about the queue is what ``/metrics`` reads
(``delivery.backlog``); connector health is what ``/readyz`` asks (``health()``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from smscd import delivery, money, tariffs
from smscd.accounts.operators import OperatorLogins
from smscd.accounts.passwords import Passwords
from smscd.billing import admin, store
from smscd.billing.tables import MAIN_BALANCE, SECOND_BALANCE
from smscd.console.operator import queries as q
from smscd.console.operator import sessions
from smscd.console.operator.sessions import OperatorSession
from smscd.console.sessions import same
from smscd.console.words import browser_language, operator_words
from smscd.db.engine import sync_engine
from smscd.errors import AdminError, ApiError, IpBlockedError, ParametersError
from smscd.http.context import Services
from smscd.http.endpoint import Running, body_pairs
from smscd.limits.blocks import unblock_async

TEMPLATES = Path(__file__).parent.parent / "templates"
_env = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
    auto_reload=False,
)  # fmt: skip

ROOT = "/console/operator"
LOGIN = f"{ROOT}/login"
FORBIDDEN = "Forbidden: the form's CSRF token is missing or wrong"
ACCOUNTS_SHOWN = 200
FINISHED_CAP = 100_000
THROUGHPUT_SECONDS = 300

ConnectorsHealth = Callable[[], Mapping[str, object]]


def _utc(ts: float | int | None) -> str:
    if ts is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(ts)))


def _account(row: Any) -> dict[str, Any]:
    return {
        "id": int(row[0]), "login": str(row[1]), "parent": row[2] or "",
        "currency": str(row[3]), "credit": money.to_text(int(row[4])),
        "balance": money.to_text(int(row[5])), "balance2": money.to_text(int(row[6])),
        "subclients": int(row[7]),
    }  # fmt: skip


def _param(request: Request, name: str) -> str:
    """A query parameter's text; '' for one with a NUL (no login has one)."""
    value = request.query_params.get(name, "")
    return "" if "\x00" in value else value


def _like_prefix(text: str) -> str:
    escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"{escaped}%"


def _import_plan(url: str, name: str | None, data: bytes, make_default: bool) -> tuple[str, int]:
    """`smscd tariffs import`'s reading and import, on a connection of its own (a thread)."""
    plan = tariffs.read_plan_file(data)
    engine = sync_engine(url)
    try:
        with engine.begin() as conn:
            return tariffs.import_plan(conn, name, plan, make_default=make_default), len(plan.zones)
    finally:
        engine.dispose()


def _plans(url: str) -> list[tariffs.PlanSummary]:
    engine = sync_engine(url)
    try:
        with engine.connect() as conn:
            return tariffs.list_plans(conn)
    finally:
        engine.dispose()


class OperatorPages:
    """The operator's request handlers over the app's running services."""

    def __init__(self, running: Running, connectors: ConnectorsHealth) -> None:
        self._running = running
        self._connectors = connectors
        self._logins: OperatorLogins | None = None

    def services(self) -> Services:
        services = self._running.services
        if services is None:
            raise RuntimeError("the app is not started")
        return services

    def logins(self) -> OperatorLogins:
        if self._logins is None:  # one per worker
            settings = self.services().settings
            self._logins = OperatorLogins(
                Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
            )
        return self._logins

    async def session(self, request: Request) -> OperatorSession | None:
        services = self.services()
        return await sessions.find(services.db, request, services.clock())

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        language = browser_language(request.headers.get("accept-language", ""))
        html = _env.get_template(f"operator/{name}").render(
            w=operator_words(language), lang=language, **context
        )
        return HTMLResponse(html, status_code=status)

    def page(
        self, request: Request, session: OperatorSession, name: str, section: str,
        status: int = 200, **context: Any,
    ) -> Response:  # fmt: skip
        return self.render(request, name, status, csrf=session.csrf,
                           login=session.operator.login, section=section, **context)  # fmt: skip

    async def fields(self, request: Request) -> dict[str, bytes]:
        """A form's fields; error 1 (a 400 here) past the API's body limits, or for a NUL
        in a text field (PostgreSQL cannot store one; no login, amount or address has
        one). The file of a tariff import is bytes, checked by its reader."""
        services = self.services()
        pairs = await body_pairs(request, services.max_body_bytes, services.settings.max_params)
        found: dict[str, bytes] = {}
        for name, value in pairs:
            key = name.decode("utf-8", "replace")
            if key != "file" and b"\x00" in value:
                raise ParametersError("a NUL character in a form field")
            found.setdefault(key, value)
        return found

    async def posted(
        self, request: Request
    ) -> tuple[OperatorSession, dict[str, str], dict[str, bytes]] | Response:
        """The session and fields of a form of a session; or the answer that refuses it
        (no session: to the login form; a bad CSRF token: 403; an unreadable body: 400)."""
        session = await self.session(request)
        if session is None:
            return RedirectResponse(LOGIN, 303)
        try:
            raw = await self.fields(request)
        except ApiError:
            return HTMLResponse("Bad request: the form is too large", status_code=400)
        text = {name: value.decode("utf-8", "replace") for name, value in raw.items()}
        if not same(text.get("csrf", ""), session.csrf):
            return HTMLResponse(FORBIDDEN, status_code=403)
        return session, text, raw

    # Logging in and out -----------------------------------------------------------------------

    def _login_page(self, request: Request, status: int = 200, message: str = "") -> Response:
        token = sessions.login_token(request)
        response = self.render(request, "login.html", status, csrf=token, message=message)
        sessions.set_cookie(response, request, sessions.LOGIN_COOKIE, token, 3600)
        return response

    async def login_form(self, request: Request) -> Response:
        if await self.session(request) is not None:
            return RedirectResponse(f"{ROOT}/", 303)
        return self._login_page(request)

    async def login(self, request: Request) -> Response:
        """The API's login limits: a blocked address is refused before any password check,
        and each failure counts toward its block (docs/protection.md)."""
        services = self.services()
        now = services.clock()
        address = services.addresses.of(request.scope)
        w = operator_words(browser_language(request.headers.get("accept-language", "")))
        try:
            await services.guard.check_address(address, now)
        except IpBlockedError:
            return self._login_page(request, 429, w["blocked"])
        try:
            raw = await self.fields(request)
        except ApiError:
            return HTMLResponse("Bad request: the form is too large", status_code=400)
        fields = {name: value.decode("utf-8", "replace") for name, value in raw.items()}
        if not same(fields.get("csrf", ""), request.cookies.get(sessions.LOGIN_COOKIE, "")):
            return HTMLResponse(FORBIDDEN, status_code=403)
        login, password = fields.get("login", "").strip(), fields.get("password", "")
        # One argon2 verification whatever is wrong (an unknown login: a decoy hash).
        operator = await self.logins().verify(services.db, login, password)
        if operator is None:
            try:
                await services.guard.failed(address, now)
            except IpBlockedError:
                return self._login_page(request, 429, w["blocked"])
            return self._login_page(request, 401, w["wrong"])
        token = await sessions.start(services.db, operator.id, now)
        response = RedirectResponse(f"{ROOT}/", 303)
        sessions.set_cookie(
            response, request, sessions.SESSION_COOKIE, token, sessions.SESSION_SECONDS
        )
        response.delete_cookie(sessions.LOGIN_COOKIE, path=sessions.PATH)
        return response

    async def logout(self, request: Request) -> Response:
        posted = await self.posted(request)
        if isinstance(posted, Response):
            return posted
        session, _fields, _raw = posted
        await sessions.end(self.services().db, session.token)
        response = RedirectResponse(LOGIN, 303)
        response.delete_cookie(sessions.SESSION_COOKIE, path=sessions.PATH)
        return response

    # Pages ------------------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        session = await self.session(request)
        if session is None:
            return RedirectResponse(LOGIN, 303)
        services = self.services()
        now = services.clock()
        accounts = await services.db.fetch_one(q.ACCOUNT_COUNT, [])
        backlog = await delivery.backlog(services.db)
        blocks = await services.guard.blocks(now)
        connectors = await services.db.fetch_all(q.CONNECTORS, [])
        return self.page(
            request, session, "home.html", "home",
            accounts=int(accounts[0]) if accounts else 0,
            backlog=[(s.state, s.messages) for s in backlog], blocks=len(blocks),
            connectors=len(connectors),
        )  # fmt: skip

    async def accounts(self, request: Request) -> Response:
        session = await self.session(request)
        if session is None:
            return RedirectResponse(LOGIN, 303)
        search = _param(request, "q").strip()[:64]
        rows = await self.services().db.fetch_all(
            q.ACCOUNTS, [_like_prefix(search), ACCOUNTS_SHOWN + 1]
        )
        shown = [_account(row) for row in rows[:ACCOUNTS_SHOWN]]
        return self.page(request, session, "accounts.html", "accounts", rows=shown,
                         search=search, more=len(rows) > ACCOUNTS_SHOWN)  # fmt: skip

    async def account(self, request: Request) -> Response:
        session = await self.session(request)
        if session is None:
            return RedirectResponse(LOGIN, 303)
        return await self._account_page(request, session, _param(request, "login"))

    async def _account_page(
        self, request: Request, session: OperatorSession, login: str, status: int = 200,
        error: str = "",
    ) -> Response:  # fmt: skip
        db = self.services().db
        row = await db.fetch_one(q.ACCOUNT, [login]) if 0 < len(login) <= 64 else None
        if row is None:
            return self.page(request, session, "account.html", "accounts", 404, found=None,
                             error="", subclients=[], payments=[], done="")  # fmt: skip
        found = _account(row)
        subclients = [_account(r) for r in await db.fetch_all(q.SUBCLIENTS, [found["id"]])]
        payments = [
            {"balance": int(p[1]), "amount": money.to_text(int(p[2])), "when": _utc(p[3]),
             "note": p[4]}
            for p in await db.fetch_all(q.PAYMENTS, [found["id"]])
        ]  # fmt: skip
        done = request.query_params.get("done", "") if not error else ""
        return self.page(request, session, "account.html", "accounts", status, found=found,
                         subclients=subclients, payments=payments, error=error,
                         done=done if done in ("topup", "credit") else "")  # fmt: skip

    async def _account_id(self, login: str) -> int | None:
        row = await self.services().db.fetch_one(q.ACCOUNT, [login]) if login else None
        return None if row is None else int(row[0])

    async def topup(self, request: Request) -> Response:
        posted = await self.posted(request)
        if isinstance(posted, Response):
            return posted
        session, fields, _raw = posted
        login = fields.get("login", "")
        account_id = await self._account_id(login)
        if account_id is None:
            return await self._account_page(request, session, login)
        balance = SECOND_BALANCE if fields.get("balance") == "2" else MAIN_BALANCE
        services = self.services()
        try:
            hundredths = admin.amount(fields.get("amount", ""))
            async with services.db.transaction() as tx:
                await store.pay(tx, account_id, hundredths, balance, int(services.clock()),
                                fields.get("note", "").strip())  # fmt: skip
        except AdminError as error:
            return await self._account_page(request, session, login, 400, str(error))
        return RedirectResponse(f"{ROOT}/account?login={quote(login)}&done=topup", 303)

    async def credit(self, request: Request) -> Response:
        posted = await self.posted(request)
        if isinstance(posted, Response):
            return posted
        session, fields, _raw = posted
        login = fields.get("login", "")
        account_id = await self._account_id(login)
        if account_id is None:
            return await self._account_page(request, session, login)
        try:
            hundredths = admin.credit_amount(fields.get("amount", ""))
            async with self.services().db.transaction() as tx:
                await admin.set_credit(tx, account_id, hundredths)
        except AdminError as error:
            return await self._account_page(request, session, login, 400, str(error))
        return RedirectResponse(f"{ROOT}/account?login={quote(login)}&done=credit", 303)

    async def tariffs(self, request: Request) -> Response:
        session = await self.session(request)
        if session is None:
            return RedirectResponse(LOGIN, 303)
        return await self._tariffs_page(request, session)

    async def _tariffs_page(
        self, request: Request, session: OperatorSession, status: int = 200,
        problems: list[str] | None = None, imported: str = "",
    ) -> Response:  # fmt: skip
        plans = await asyncio.to_thread(_plans, self.services().settings.database_url)
        rows = [{"name": p.name, "default": p.is_default, "zones": p.zones,
                 "accounts": p.accounts, "mail": money.to_text(p.mail)} for p in plans]  # fmt: skip
        return self.page(request, session, "tariffs.html", "tariffs", status, plans=rows,
                         problems=problems or [], imported=imported)  # fmt: skip

    async def tariffs_import(self, request: Request) -> Response:
        posted = await self.posted(request)
        if isinstance(posted, Response):
            return posted
        session, fields, raw = posted
        data = raw.get("file", b"")
        name = fields.get("plan", "").strip() or None
        url = self.services().settings.database_url
        try:
            if not data:
                raise AdminError("no file")
            plan, zones = await asyncio.to_thread(
                _import_plan, url, name, data, fields.get("default") == "1"
            )
        except tariffs.TariffFileError as error:
            return await self._tariffs_page(request, session, 400,
                                            [*error.problems, error.outcome])  # fmt: skip
        except AdminError as error:
            return await self._tariffs_page(request, session, 400, [str(error)])
        return await self._tariffs_page(request, session, imported=f"{plan} ({zones})")

    async def connectors(self, request: Request) -> Response:
        session = await self.session(request)
        if session is None:
            return RedirectResponse(LOGIN, 303)
        services = self.services()
        db, now = services.db, services.clock()
        table = await delivery.load_routes(db)
        routes = [
            {"position": r.position, "connector": r.connector, "filters": ", ".join(
                f"{k}={v}" for k, v in (("mcc", r.mcc), ("mnc", r.mnc), ("prefix", r.prefix),
                                        ("formats", ",".join(map(str, sorted(r.formats)))))
                if v)}
            for r in table.routes
        ]  # fmt: skip
        depth: dict[str, dict[str, int]] = {}
        for connector, state, count in await db.fetch_all(q.CONNECTOR_DEPTH, []):
            depth.setdefault(str(connector or ""), {})[str(state)] = int(count)
        tries: dict[str, int] = {}
        for connector, _outcome, count in await db.fetch_all(
            q.ATTEMPTS_SINCE, [int(now) - THROUGHPUT_SECONDS]
        ):
            tries[str(connector)] = tries.get(str(connector), 0) + int(count)
        health = self._connectors()
        rows = []
        for name, kind in await db.fetch_all(q.CONNECTORS, []):
            own = health.get(str(name))
            details = own if isinstance(own, Mapping) else None
            queue = depth.get(str(name), {})
            rows.append({
                "name": name, "kind": kind,
                "bound": None if details is None else bool(details.get("bound")),
                "details": "" if details is None else ", ".join(
                    f"{k}={v}" for k, v in details.items()
                    if k not in ("kind", "bound", "sessions")),
                "queued": queue.get("queued", 0), "sending": queue.get("sending", 0),
                "submitted": queue.get("submitted", 0),
                "tries": tries.get(str(name), 0),
                "rate": f"{tries.get(str(name), 0) / THROUGHPUT_SECONDS:.2f}",
            })  # fmt: skip
        return self.page(request, session, "connectors.html", "connectors", routes=routes,
                         connectors=rows)  # fmt: skip

    async def queue(self, request: Request) -> Response:
        session = await self.session(request)
        if session is None:
            return RedirectResponse(LOGIN, 303)
        services = self.services()
        db, now = services.db, services.clock()
        rows = [
            {"state": s.state, "messages": s.messages,
             "oldest": "" if s.oldest_ts is None else f"{max(0.0, now - s.oldest_ts):.0f}"}
            for s in await delivery.backlog(db)
        ]  # fmt: skip
        for state in ("failed", "expired"):
            found = await db.fetch_one(q.FINISHED_SINCE, [state, int(now) - 86400, FINISHED_CAP])
            rows.append({"state": state, "messages": int(found[0]) if found else 0, "oldest": ""})
        return self.page(request, session, "queue.html", "queue", rows=rows)

    async def blocks(self, request: Request) -> Response:
        session = await self.session(request)
        if session is None:
            return RedirectResponse(LOGIN, 303)
        return await self._blocks_page(request, session)

    async def _blocks_page(
        self, request: Request, session: OperatorSession, status: int = 200, error: str = "",
        unblocked: str = "",
    ) -> Response:  # fmt: skip
        services = self.services()
        found = await services.guard.blocks(services.clock())
        rows = [{"subject": subject, "until": _utc(until)} for subject, until in found]
        return self.page(request, session, "blocks.html", "blocks", status, rows=rows,
                         error=error, unblocked=unblocked)  # fmt: skip

    async def unblock(self, request: Request) -> Response:
        posted = await self.posted(request)
        if isinstance(posted, Response):
            return posted
        session, fields, _raw = posted
        services = self.services()
        try:
            lifted = await unblock_async(services.settings, services.db,
                                         fields.get("address", "").strip())  # fmt: skip
        except AdminError as error:
            return await self._blocks_page(request, session, 400, error=str(error))
        return await self._blocks_page(request, session, unblocked=lifted)
