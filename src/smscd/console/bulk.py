"""Sending to a list: an uploaded CSV file (upload.py) becomes send.php's ``list``, priced
first with ``cost=1`` and then sent, both by send.php's own handlers (docs/console.md)."""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from smscd.console import sessions, upload
from smscd.console.pages import FORBIDDEN, Console, form
from smscd.console.sessions import Session
from smscd.errors import ApiError
from smscd.sending import endpoint as sending

FORM_SLACK = 64 * 1024  # the form's other fields and the multipart framing


class BulkSend:
    def __init__(self, console: Console) -> None:
        self._console = console

    async def upload(self, request: Request) -> Response:
        """The CSV form (multipart): the file read into a list, and its cost."""
        session = await self._console.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        length = request.headers.get("content-length", "")
        if not length.isdigit() or int(length) > upload.MAX_BYTES + FORM_SLACK:
            return HTMLResponse("Payload too large", status_code=413)
        async with request.form(max_files=1, max_fields=10) as fields:
            if not sessions.same(str(fields.get("csrf", "")), session.csrf):
                return HTMLResponse(FORBIDDEN, status_code=403)
            file = fields.get("file")
            data = await file.read(upload.MAX_BYTES + 1) if isinstance(file, UploadFile) else b""
            text, sender = str(fields.get("mes", "")), str(fields.get("sender", "")).strip()
        try:
            listed = upload.to_list(data, text)
        except upload.UploadError as exc:
            return self._console.page("send.html", session, 400, section="send", phones="",
                                      mes=text, sender=sender, error=str(exc))  # fmt: skip
        return await self._run(request, session, listed, sender, confirmed=False)

    async def send_list(self, request: Request) -> Response:
        """The list's confirmation form: its cost again, or the send."""
        session = await self._console.session(request)
        if session is None:
            return RedirectResponse("/console/login", 303)
        fields = await form(request, self._console.services())
        if not sessions.same(fields.get("csrf", ""), session.csrf):
            return HTMLResponse(FORBIDDEN, status_code=403)
        return await self._run(request, session, fields.get("list", ""),
                               fields.get("sender", "").strip(),
                               confirmed=fields.get("step") == "send")  # fmt: skip

    async def _run(
        self, request: Request, session: Session, listed: str, sender: str, confirmed: bool
    ) -> Response:
        values = {"list": listed, "cost": "3" if confirmed else "1"}
        if sender:
            values["sender"] = sender
        action = sending.ACTION if confirmed else sending.COST_ACTION
        context: dict[str, Any] = {"section": "send", "listed": listed, "sender": sender,
                   "rows": len([line for line in listed.splitlines() if line.strip()])}  # fmt: skip
        try:
            reply = await self._console.run(request, session, action, values)
        except ApiError as error:
            return self._console.page("send_list.html", session, 400, error=str(error), **context)
        assert reply.custom is not None
        result = json.loads(reply.custom(3))
        if not confirmed:
            return self._console.page("send_list.html", session, quote=result, **context)
        return self._console.page("sent.html", session, result=result,
                                  phones_list=upload.phones_of(listed))  # fmt: skip
