"""The OpenAPI 3.1 description of the ``/sys/*.php`` API, built from the actions themselves.

Every path takes the same credentials and reply options (:data:`COMMON`), and one of its
actions, chosen by a flag parameter (``get_messages=1``). OpenAPI describes one operation per
path and method, so the action's parameters are one exploded query object whose schema is one
of the actions' (each requires its own flag); a POST body carries the same fields, urlencoded
or multipart. Replies are HTTP 200 in every case; the fmt=3 (JSON) schema is any of the
actions' replies or the error object, and ``x-smscd-actions`` keeps each action's own
parameters and reply for tools (and /docs) that want them apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from smscd import __version__
from smscd.http import charsets, params
from smscd.http.contract import ERROR_SCHEMA, Parameter
from smscd.http.endpoint import Action
from smscd.limits import policy

COMMON = (
    Parameter("login", "string", "The account's login."),
    Parameter(
        "psw",
        "string",
        "The password or its lowercase hex MD5; or, with an empty login, an API key.",
    ),
    Parameter("apikey", "string", "An API key, instead of login and psw."),
    Parameter(
        "fmt",
        "choice",
        "Reply format: 0 text (default), 1 comma-separated, 2 XML, 3 JSON.",
        choices=tuple(str(fmt) for fmt in params.FORMATS),
        default="0",
    ),
    Parameter(
        "charset",
        "choice",
        "How parameters are decoded and the reply encoded (case-insensitive).",
        choices=charsets.NAMES,
        default=charsets.DEFAULT.name,
    ),
)

DESCRIPTION = """\
smscd speaks the SMSC.ru HTTP API: each path takes GET or POST (urlencoded or multipart)
parameters, query and body merged; an action flag (`get_messages=1`, ...) picks what is asked.
Every reply is HTTP 200, errors included, in the format `fmt` asks for (0 text, 1
comma-separated, 2 XML, 3 JSON) and the charset `charset` names. Errors: 1 parameters error,
2 authorise error, 3 not found (send.php: no money), 4 ip is blocked, 5 invalid time / error
deleting message, 6 message is denied, 7 invalid number, 8 can't to deliver, 9 duplicate
request / too many concurrent requests / service unavailable; send.php's errors 3, 6, 7 and
8 carry the send's id. The readable version of this description is at /docs.
"""


def action_object(action: Action, common: bool = False) -> dict[str, Any]:
    """The parameters of ``action`` as one object (the flag required), with the common ones
    too when ``common``."""
    parameters = (*COMMON, *action.parameters) if common else action.parameters
    selector: dict[str, Any] = {}
    if action.flag:  # a path with one action (send.php, status.php ...) has no flag
        selector = {
            action.flag: {"type": "string", "enum": ["1"], "description": "Selects the action."}
        }
    return {
        "type": "object",
        "title": action.name,
        "description": action.summary,
        "required": [action.flag] if action.flag else [],
        "properties": {
            **selector,
            **{parameter.name: parameter.schema() for parameter in parameters},
        },
        "additionalProperties": False,
    }


def _responses(actions: Sequence[Action]) -> dict[str, Any]:
    json_replies = [{"title": action.name, **action.reply} for action in actions]
    return {
        "200": {
            "description": "The reply, or the error, in the requested format and charset.",
            "content": {
                "text/plain": {
                    "schema": {"type": "string"},
                    "example": "ERROR = 2 (authorise error)",
                },
                "application/xml": {
                    "schema": {"type": "string"},
                    "example": "<result>\n<error>authorise error</error>\n"
                    "<error_code>2</error_code>\n</result>",
                },
                "application/json": {
                    "schema": {"anyOf": [*json_replies, {"title": "error", **ERROR_SCHEMA}]}
                },
            },
        }
    }


def _operation(path: str, method: str, actions: Sequence[Action]) -> dict[str, Any]:
    names = ", ".join(action.name for action in actions)
    operation: dict[str, Any] = {
        "operationId": f"{path.strip('/').replace('/', '_').replace('.', '_')}_{method}",
        "summary": f"{names}",
        "description": "\n".join(
            f"- **{a.name}**{f' ({a.flag}=1)' if a.flag else ''}: {a.summary}" for a in actions
        ),
        "responses": _responses(actions),
    }
    if method == "get":
        operation["parameters"] = [
            {"name": p.name, "in": "query", "required": False, "schema": p.schema()} for p in COMMON
        ] + [
            {
                "name": "action",
                "in": "query",
                "style": "form",
                "explode": True,
                "required": True,
                "description": "The action's flag and parameters, as query parameters.",
                "schema": {"anyOf": [action_object(action) for action in actions]},
            }
        ]
    else:
        body = {"schema": {"anyOf": [action_object(action, common=True) for action in actions]}}
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": body,
                "multipart/form-data": body,
            },
        }
    return operation


def _action_extension(action: Action) -> dict[str, Any]:
    return {
        "flag": action.flag,
        "summary": action.summary,
        "parameters": [p.name for p in action.parameters],
        "limits": [
            {"limit": window.name, "seconds": window.seconds, "identical": window.identical}
            for window in action.windows
        ]
        + [{"limit": policy.IN_FLIGHT}],
        "reply": action.reply,
    }


def document(api: Mapping[str, Sequence[Action]]) -> dict[str, Any]:
    """The OpenAPI document of ``api`` (path → its actions)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "smscd: the SMSC.ru HTTP API",
            "version": __version__,
            "description": DESCRIPTION,
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "paths": {
            path: {
                "get": _operation(path, "get", actions),
                "post": _operation(path, "post", actions),
                "x-smscd-actions": {a.name: _action_extension(a) for a in actions},
            }
            for path, actions in api.items()
        },
    }
