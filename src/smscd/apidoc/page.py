"""The readable page of the API (``/docs``): the same actions as the OpenAPI document, as one
self-contained HTML page (no script, nothing fetched from elsewhere: a server without
Internet access shows it whole)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from smscd import __version__
from smscd.apidoc.openapi import COMMON
from smscd.http.contract import Parameter
from smscd.http.endpoint import Action
from smscd.limits import policy

STYLE = """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font:13px ui-monospace,monospace;background:#f4f4f4;padding:0 .2em}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#fafafa}h2{border-bottom:2px solid #ddd;margin-top:2.5rem}h3{margin-top:2rem}
h2 code{font-size:inherit;background:none}
"""

ERRORS = (
    (1, "parameters error", "a parameter is missing, malformed or out of range"),
    (2, "authorise error", "wrong credentials, or an address outside the account's list"),
    (3, "message / operator / link not found", "nothing matches (history, operator, link)"),
    (4, "ip is blocked", "too many failed authorisations from this address"),
    (9, "duplicate request, wait a minute", "a rate limit of the action"),
    (9, "too many concurrent requests", "too many of the login's requests at once"),
    (9, "service unavailable, try again later", "the server could not answer"),
)


def _kind(parameter: Parameter) -> str:
    if parameter.kind == "integer":
        return f"whole number {parameter.minimum}–{parameter.maximum}"
    if parameter.kind == "date":
        return "date DD.MM.YYYY"
    if parameter.kind == "flag":
        return "flag 0 / 1"
    if parameter.kind == "choice":
        return "one of " + ", ".join(parameter.choices)
    if parameter.kind == "list":
        return f"list, up to {parameter.maximum}"
    return "text"


def _parameters(parameters: Sequence[Parameter]) -> str:
    rows = "".join(
        f"<tr><td><code>{escape(p.name)}</code></td><td>{escape(_kind(p))}</td>"
        f"<td>{escape(p.default or '')}</td><td>{escape(p.description)}</td></tr>"
        for p in parameters
    )
    return (
        "<table><tr><th>parameter</th><th>value</th><th>default</th><th>meaning</th></tr>"
        f"{rows}</table>"
    )


def _fields(schema: Mapping[str, Any]) -> list[str]:
    """The record fields of a reply schema, in order."""
    if "items" in schema:
        return _fields(schema["items"])
    if "oneOf" in schema:
        return _fields(schema["oneOf"][-1])
    return list(schema.get("properties", {}))


def _limits(action: Action, limits: Mapping[str, int]) -> str:
    """The action's limits, with this deployment's numbers (0: no limit)."""
    items = []
    for window in action.windows:
        per = "a minute" if window.seconds == 60 else "an hour"
        what = "identical requests" if window.identical else "requests of any kind"
        items.append(_limit(window.name, limits[window.name], f"{what} of a login {per}"))
    at_once = "requests of a login at once"
    items.append(_limit(policy.IN_FLIGHT, limits[policy.IN_FLIGHT], at_once))
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _limit(name: str, value: int, what: str) -> str:
    number = f"at most {value}" if value else "no limit on the"
    return f"{number} {what} (<code>{name}</code>)"


def _action(path: str, action: Action, limits: Mapping[str, int]) -> str:
    fields = ", ".join(f"<code>{escape(name)}</code>" for name in _fields(action.reply))
    flag = f"{action.flag}=1&amp;" if action.flag else ""
    example = f"{path}?{flag}login=…&amp;psw=…&amp;fmt=3"
    return (
        f'<h3 id="{escape(action.name.replace(" ", "-"))}">{escape(action.name)}</h3>'
        f"<p>{escape(action.summary)}</p><p><code>{example}</code></p>"
        + (_parameters(action.parameters) if action.parameters else "<p>No parameters.</p>")
        + f"<p>Reply fields (fmt 3 keys): {fields}</p>"
        + f"<p>Limits (error 9 past them):</p>{_limits(action, limits)}"
    )


def render(api: Mapping[str, Sequence[Action]], limits: Mapping[str, int]) -> str:
    """The whole page; ``limits`` are the deployment's (accounts may have their own)."""
    toc = "".join(
        f"<li><code>{escape(path)}</code>: "
        + ", ".join(
            f'<a href="#{escape(a.name.replace(" ", "-"))}">{escape(a.name)}</a>' for a in actions
        )
        + "</li>"
        for path, actions in api.items()
    )
    sections = "".join(
        f"<h2><code>{escape(path)}</code></h2>" + "".join(_action(path, a, limits) for a in actions)
        for path, actions in api.items()
    )
    errors = "".join(
        f"<tr><td>{code}</td><td><code>{escape(text)}</code></td><td>{escape(when)}</td></tr>"
        for code, text, when in ERRORS
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>smscd API {__version__}</title><style>{STYLE}</style></head><body>"
        f"<h1>smscd API <small>{__version__}</small></h1>"
        "<p>The SMSC.ru HTTP API as smscd serves it. Every path takes GET or POST "
        "(urlencoded or multipart); query and body are merged. An action flag "
        "(<code>get_messages=1</code>, …) picks the action. Every reply is HTTP 200, errors "
        "included, in the format and charset the request asks for. Machine-readable: "
        '<a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>'
        f"<ul>{toc}</ul>"
        "<h2>Every action</h2><p>Credentials and reply options:</p>"
        + _parameters(COMMON)
        + "<p>Errors, in fmt 0 <code>ERROR = N (text)</code>, fmt 1 <code>0,-N</code>, fmt 2 "
        "<code>&lt;result&gt;&lt;error&gt;text&lt;/error&gt;&lt;error_code&gt;N"
        "&lt;/error_code&gt;&lt;/result&gt;</code>, fmt 3 "
        '<code>{"error": "text", "error_code": N}</code>:</p>'
        "<table><tr><th>N</th><th>text</th><th>when</th></tr>"
        f"{errors}</table>{sections}</body></html>"
    )
