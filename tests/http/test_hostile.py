"""The hostile-input campaign, in-process: generated requests to every action of every
endpoint (tests/http/hostile.py), each reply judged by the oracle: HTTP 200, the documented
error or a reply of the action's shape, in the requested format and charset.

CI runs a bounded number of examples per action (Hypothesis' default, 100); a release check
runs many more: ``./scripts/test tests/http/test_hostile.py --hypothesis-profile=release``
(docs/protection.md, "Hostile input").
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings

from smscd.app import API
from tests.factories import add_incoming, add_sent, incoming, sent
from tests.http import hostile
from tests.links.helpers import add_link

ACTIONS = [(path, action) for path, actions in API.items() for action in actions]
NASTY = [
    "Line one,\nline two, \"quotes\", <tags> & ampersands; 'single'",
    "Привет 😀 \u202e reversed",
    "\x01\x02 control \x1f",
]
CAMPAIGN = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture(scope="session")
def target(backend, client, make_account_once):
    """An account with something to find: messages with nasty texts, incoming, a link."""
    account = make_account_once
    now = 1_789_990_000
    add_sent(backend.engine, [sent(account.id, now + n, message=m) for n, m in enumerate(NASTY)])
    add_incoming(
        backend.engine, [incoming(account.id, now + n, message=m) for n, m in enumerate(NASTY)]
    )
    add_link(client, account, 'https://example.org/a?b=<c>&d="e"')
    return account


# httpx refuses longer URLs; over TCP granian answers them 414 (tests/test_hostile_server.py).
URL_MAX = 65536


def send(client, request: hostile.Hostile):
    content = request.body_bytes() if request.body else None
    url = f"{request.path}?{request.query_string()}"
    assume(len(url) <= URL_MAX)
    return client.request(
        request.method,
        url,
        content=content,
        headers=request.headers(),
    )


@pytest.mark.parametrize(("path", "action"), ACTIONS, ids=[a.name for _, a in ACTIONS])
def test_generated_requests_get_a_documented_reply(client, target, path, action):
    @CAMPAIGN
    @given(request=hostile.requests(path, action, target.login, target.password, target.key))
    def campaign(request: hostile.Hostile) -> None:
        reply = send(client, request)
        hostile.judge(
            request, reply.status_code, reply.headers.get("content-type", ""), reply.content
        )

    campaign()
    # And the server still serves.
    assert client.get("/healthz").text == "OK"


@CAMPAIGN
@given(
    body=hostile.st.binary(max_size=400),
    content_type=hostile.st.sampled_from(
        [
            *hostile.CONTENT_TYPES_SENT,
            "multipart/form-data; boundary=xyz",
            "text/plain; charset=koi8-r",
        ]
    ),
    path=hostile.st.sampled_from(list(API)),
)
def test_any_body_bytes_get_a_documented_reply(client, body, content_type, path):
    request = hostile.Hostile(path, "POST", [], [(b"raw", body)], content_type, multipart=False)
    reply = client.post(path, content=body, headers={"content-type": content_type})
    hostile.judge(request, reply.status_code, reply.headers.get("content-type", ""), reply.content)
