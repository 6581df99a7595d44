"""compat.md "Transport": GET and POST alike, merged parameters, charsets, bad input."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.api import call
from tests.factories import add_sent, sent

SEND_TS = 1_789_999_400


@pytest.fixture
def account(backend, make_account):
    account = make_account(password="пароль")
    add_sent(backend.engine, [sent(account.id, SEND_TS, phone="79990000001")])
    add_sent(backend.engine, [sent(account.id, SEND_TS + 1, phone="79990000002")])
    return account


def phones(body: str) -> list[str]:
    return [
        part.split(" = ")[1]
        for line in body.splitlines()
        for part in line.split(", ")
        if part.startswith("phone = ")
    ]


def test_post_urlencoded_body_works_like_the_query(client, account):
    reply = client.post(
        "/sys/get.php",
        content="get_messages=1&login=" + account.login + "&psw=%EF%E0%F0%EE%EB%FC&cnt=1",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert phones(reply.content.decode("cp1251")) == ["79990000002"]


def test_post_multipart_body_decodes_in_the_request_charset(client, account):
    reply = client.post(
        "/sys/get.php",
        data={
            "get_messages": "1",
            "login": account.login,
            "psw": "пароль".encode("koi8_r"),
            "charset": "koi8-r",
        },
        files={"cnt": (None, "1")},
    )
    assert phones(reply.content.decode("koi8_r")) == ["79990000002"]


def test_the_body_wins_over_the_query(client, account):
    reply = client.post(
        f"/sys/get.php?get_messages=1&cnt=5&login={account.login}&psw=%EF%E0%F0%EE%EB%FC",
        content="cnt=1",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert len(reply.content.decode("cp1251").splitlines()) == 1


def test_empty_pairs_and_any_order_are_tolerated(client, account):
    psw = "%D0%BF%D0%B0%D1%80%D0%BE%D0%BB%D1%8C"
    query = f"&&cnt=1&&psw={psw}&charset=UTF-8&login={account.login}&get_messages=1&"
    body = client.get(f"/sys/get.php?{query}").content.decode()
    assert phones(body) == ["79990000002"]


@pytest.mark.parametrize("alias", ["utf8", "UTF-8", "Utf-8"])
def test_charset_aliases_are_accepted(client, account, alias):
    reply = client.get(
        "/sys/get.php",
        params={
            "get_messages": 1,
            "login": account.login,
            "psw": "пароль",
            "charset": alias,
            "cnt": 1,
        },
    )
    assert reply.headers["content-type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    "query,body",
    [
        ("get_messages=1&fmt=7", "ERROR = 1 (parameters error)"),
        ("get_messages=1&fmt=3&charset=latin-9", '{"error": "parameters error", "error_code": 1}'),
        ("get_messages=1&fmt=1&charset=utf-8&psw=%FF%FE", "0,-1"),
        ("get_messages=1&fmt=1&message=a%00b", "0,-1"),
        ("fmt=1", "0,-1"),  # no action flag
        ("get_messages=0&fmt=1", "0,-1"),
        ("get_messages=1&fmt=1&cnt=0", "0,-1"),
        ("get_messages=1&fmt=1&cnt=1001", "0,-1"),
        ("get_messages=1&fmt=1&cnt=1x", "0,-1"),
        ("get_messages=1&fmt=1&prev_id=-5", "0,-1"),
        ("get_messages=1&fmt=1&format=3", "0,-1"),
        ("get_messages=1&fmt=1&phone=abc", "0,-1"),
        ("get_messages=1&fmt=1&start=31.02.2026", "0,-1"),
        ("get_messages=1&fmt=1&start=2026-01-01", "0,-1"),
        ("get_messages=1&fmt=1&start=01.01.2026&end=02.07.2026", "0,-1"),
        ("get_messages=1&fmt=1&start=02.01.2026&end=01.01.2026", "0,-1"),
        ("get_messages=1&fmt=1&end=01.01.2026", "0,-1"),
        ("get_messages=1&fmt=1&email=x@y.z&phone=79990000001", "0,-1"),
        ("get_answers=1&fmt=1&hour=169", "0,-1"),
        ("get_answers=1&fmt=1&hour=0", "0,-1"),
        ("get_answers=1&fmt=1&cnt=10001", "0,-1"),
        ("get_answers=1&fmt=1&after_id=x", "0,-1"),
        ("get_answers=1&fmt=1&to_phone=12", "0,-1"),
    ],
)
def test_bad_parameters_are_error_1(client, account, query, body):
    credentials = f"&login={account.login}&psw=%EF%E0%F0%EE%EB%FC"
    reply = client.get(f"/sys/get.php?{query}{credentials}")
    assert reply.status_code == 200
    assert reply.content.decode("cp1251") == body


def test_an_oversized_body_is_error_1(client, account):
    reply = client.post(
        "/sys/get.php?fmt=1",
        content=b"a=" + b"x" * 2_000_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert (reply.status_code, reply.text) == (200, "0,-1")


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "multipart/form-data"])
def test_odd_content_types_never_break_the_server(client, account, content_type):
    reply = client.post(
        "/sys/get.php?fmt=1", content=b'{"get_messages": 1}', headers={"content-type": content_type}
    )
    assert (reply.status_code, reply.text) in {(200, "0,-1"), (200, "0,-2")}


def test_the_trivial_endpoint_answers_ok(client):
    assert client.get("/healthz").text == "OK"


def test_an_oversized_query_string_is_error_1_in_the_requested_format(client, account):
    query = f"get_messages=1&fmt=3&login={account.login}&x=" + "a" * 40_000
    reply = client.get(f"/sys/get.php?{query}")
    assert (reply.status_code, reply.text) == (
        200,
        '{"error": "parameters error", "error_code": 1}',
    )


def test_a_query_at_the_limit_is_read(client, account):
    credentials = f"get_messages=1&fmt=1&login={account.login}&psw=%EF%E0%F0%EE%EB%FC&cnt=1&x="
    query = credentials + "a" * (32_768 - len(credentials))
    assert len(query) == 32_768
    assert client.get(f"/sys/get.php?{query}").text.startswith("1,")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "FOO"])
def test_other_methods_are_answered_like_get(client, account, method):
    query = f"get_messages=1&fmt=1&cnt=1&login={account.login}&psw=%EF%E0%F0%EE%EB%FC"
    reply = client.request(method, f"/sys/get.php?{query}", content=b"cnt=5")
    assert reply.status_code == 200
    assert len(reply.content.decode("cp1251").splitlines()) == 1  # the body is not read


def test_head_is_answered_without_a_body(client, account):
    reply = client.head(f"/sys/info.php?get_operator=1&login={account.login}&phone=7916")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize("length", ["abc", "-1", "99999999999999999999"])
def test_a_bad_content_length_is_error_1(client, account, length):
    reply = client.post(
        "/sys/get.php?fmt=1", content=b"get_messages=1", headers={"content-length": length}
    )
    assert (reply.status_code, reply.text) == (200, "0,-1")


# docs/api.md: "A repeated name: the last value wins", and query and body are "merged, the
# body winning". For fmt and charset too: only the value that wins is judged, in any
# placement (twice in the query, query then body, twice in the body). Wrong credentials make
# the reply show the format it was written in.
PLACEMENTS = {"query twice": (2, 0), "query then body": (1, 1), "body twice": (0, 2)}
FMT_VALUES = ["9", "3", "1", ""]
WRONG_CREDENTIALS = {
    0: "ERROR = 2 (authorise error)",
    1: "0,-2",
    3: '{"error": "authorise error", "error_code": 2}',
}


def _post(client, values, placement, name):
    in_query, _ = PLACEMENTS[placement]
    pairs = [f"{name}={value}" for value in values]
    query = "&".join(["get_messages=1&login=nobody-at-all&psw=x", *pairs[:in_query]])
    return client.post(
        f"/sys/get.php?{query}",
        content="&".join(pairs[in_query:]),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


@pytest.mark.parametrize("placement", PLACEMENTS)
@pytest.mark.parametrize("first", FMT_VALUES)
@pytest.mark.parametrize("last", FMT_VALUES)
def test_the_last_fmt_wins(client, placement, first, last):
    reply = _post(client, [first, last], placement, "fmt")
    expected = WRONG_CREDENTIALS[int(last or 0)] if last != "9" else "ERROR = 1 (parameters error)"
    assert reply.text == expected


@pytest.mark.parametrize("placement", PLACEMENTS)
@pytest.mark.parametrize("first", ["latin-9", "utf-8", "koi8-r", "CP1251"])
@pytest.mark.parametrize("last", ["latin-9", "utf-8", "koi8-r", "CP1251"])
def test_the_last_charset_wins(client, placement, first, last):
    reply = _post(client, [first, last], placement, "charset")
    if last == "latin-9":  # an unknown charset: error 1, written in windows-1251
        assert reply.text == "ERROR = 1 (parameters error)"
        assert reply.headers["content-type"] == "text/plain; charset=windows-1251"
    else:
        assert reply.text == "ERROR = 2 (authorise error)"
        name = {"CP1251": "windows-1251"}.get(last, last)
        assert reply.headers["content-type"] == f"text/plain; charset={name}"


@pytest.mark.parametrize("path", ["/healthz/", "/docs/", "/openapi.json/", "/sys/get.php/"])
def test_no_redirect_is_ever_built_from_the_host_header(client, path):
    reply = client.get(path, headers={"host": "attacker.example"}, follow_redirects=False)
    assert reply.status_code == 404
    assert "location" not in reply.headers


# compat.md "Transport" [ours]: a /sys/*.php smscd does not serve is error 1 in the requested
# fmt and charset, HTTP 200 (clients read a 404 body as data); nothing is authenticated.
@pytest.mark.parametrize(
    "query,content_type,body",
    [
        ("", "text/plain; charset=windows-1251", "ERROR = 1 (parameters error)"),
        ("fmt=1", "text/plain; charset=windows-1251", "0,-1"),
        (
            "fmt=2&charset=koi8-r",
            "application/xml; charset=koi8-r",
            "<result>\n<error>parameters error</error>\n<error_code>1</error_code>\n</result>",
        ),
        ("fmt=3&charset=utf-8", "application/json; charset=utf-8",
         '{"error": "parameters error", "error_code": 1}'),
    ],
)  # fmt: skip
@pytest.mark.parametrize("name", ["jobs", "senders", "users", "x"])
def test_a_path_smscd_does_not_serve_is_error_1(client, name, query, content_type, body):
    reply = client.get(f"/sys/{name}.php?login=nobody-at-all&psw=x&{query}")
    assert (reply.status_code, reply.headers["content-type"], reply.text) == (
        200,
        content_type,
        body,
    )


def test_a_path_smscd_does_not_serve_reads_fmt_from_the_body(client):
    reply = client.post(
        "/sys/jobs.php?login=nobody-at-all&psw=x",
        content="fmt=3",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert (reply.status_code, reply.text) == (
        200,
        '{"error": "parameters error", "error_code": 1}',
    )


def test_a_utf_8_login_without_a_charset_authenticates(client, make_account):
    """compat.md [ours]: Python's quote() always encodes UTF-8, whatever charset says."""
    account = make_account(prefix="Иван")
    query = f"get_messages=1&fmt=1&login={quote(account.login)}&psw={account.password}"
    assert client.get(f"/sys/get.php?{query}").text == "0,-3"  # authenticated, nothing
    declared = client.get(f"/sys/get.php?{query}&charset=windows-1251")
    assert declared.text == "0,-3"


def test_a_utf_8_link_without_a_charset_is_stored_as_sent(client, make_account):
    account = make_account()
    link = "https://example.org/Тест"
    added = client.get(
        f"/sys/tinyurls.php?add=1&fmt=3&login={account.login}&psw={account.password}"
        f"&link={quote(link)}"
    )
    assert '"id"' in added.text
    found = call(client, account, path="/sys/tinyurls.php", get=1, link=link, fmt=1)
    assert found.startswith(added.json()["id"] + ",")
