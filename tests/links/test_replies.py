"""Golden replies of ``tinyurls.php``: the exact bytes of ``add`` and ``get`` in each format
and charset (reference "Getting data about a short link"; ``add`` is ours, docs/links.md)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.conftest import START

from .helpers import add_link, code_of, follow

LINK = "https://пример.рф/акция?q=да&x=<1>"
BASE = "http://127.0.0.1:8000/"
DAY = 86400
CHARSETS = [("windows-1251", "cp1251"), ("utf-8", "utf-8"), ("koi8-r", "koi8_r")]
CONTENT_TYPES = {0: "text/plain", 1: "text/plain", 2: "application/xml", 3: "application/json"}


def request(client, account, codec: str, **params):
    """GET tinyurls.php with the parameters encoded in ``codec``, as a client in that
    charset sends them."""
    query = urlencode({"login": account.login, "psw": account.password, **params}, encoding=codec)
    reply = client.get(f"/sys/tinyurls.php?{query}")
    assert reply.status_code == 200
    return reply


def expected_add(fmt: int, link_id: str, short: str) -> str:
    return {
        0: f"id = {link_id}, link = {short}",
        1: f"{link_id},{short}",
        2: f"<result>\n<id>{link_id}</id>\n<link>{short}</link>\n</result>",
        3: f'{{"id": "{link_id}", "link": "{short}"}}',
    }[fmt]


@pytest.mark.parametrize("charset,codec", CHARSETS)
@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_add_reply_bytes(client, make_account, fmt, charset, codec):
    account = make_account()
    reply = request(client, account, codec, add=1, link=LINK, fmt=fmt, charset=charset)
    assert reply.headers["content-type"] == f"{CONTENT_TYPES[fmt]}; charset={charset}"
    # The link was decoded in the request's charset: the account now has exactly LINK.
    created = add_link(client, account, LINK)
    assert created["link"].startswith(BASE)
    assert reply.content == expected_add(fmt, created["id"], created["link"]).encode(codec)


@pytest.fixture
def clicked(client, clock, make_account):
    """A link clicked once in the previous month, once earlier this month, once yesterday
    and twice today (START is 21.09.2026 17:13:20 in Moscow)."""
    account = make_account()
    created = add_link(client, account, LINK)
    for when in (START - 40 * DAY, START - 5 * DAY, START - DAY, START, START):
        clock.now = when
        assert follow(client, created["link"]).status_code == 302
    clock.now = START
    return account, created["id"], created["link"]


def expected_get(fmt: int, link_id: str, short: str) -> str:
    if fmt == 0:
        return (
            f"id = {link_id}, cnt = 5, cnt_mon = 4, cnt_day = 2, cnt_yes = 1, cnt_pmon = 1, "
            f"link = {short}"
        )
    if fmt == 1:
        return f"{link_id},5,4,2,1,1,{short}"
    if fmt == 2:
        return (
            f"<result>\n<id>{link_id}</id>\n<cnt>5</cnt>\n<cnt_mon>4</cnt_mon>\n"
            "<cnt_day>2</cnt_day>\n<cnt_yes>1</cnt_yes>\n<cnt_pmon>1</cnt_pmon>\n"
            f"<link>{short}</link>\n</result>"
        )
    return (
        f'{{"id": "{link_id}", "cnt": "5", "cnt_mon": "4", "cnt_day": "2", "cnt_yes": "1", '
        f'"cnt_pmon": "1", "link": "{short}"}}'
    )


@pytest.mark.parametrize("charset,codec", CHARSETS)
@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_get_by_id_reply_bytes(client, clicked, fmt, charset, codec):
    account, link_id, short = clicked
    reply = request(client, account, codec, get=1, id=link_id, fmt=fmt, charset=charset)
    assert reply.headers["content-type"] == f"{CONTENT_TYPES[fmt]}; charset={charset}"
    assert reply.content == expected_get(fmt, link_id, short).encode(codec)


@pytest.mark.parametrize("charset,codec", CHARSETS)
@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_get_by_link_reply_bytes(client, clicked, fmt, charset, codec):
    account, link_id, short = clicked
    reply = request(client, account, codec, get=1, link=LINK, fmt=fmt, charset=charset)
    assert reply.content == expected_get(fmt, link_id, short).encode(codec)


def test_windows_1251_is_the_default_charset(client, clicked):
    account, link_id, short = clicked
    reply = request(client, account, "cp1251", get=1, link=LINK)
    assert reply.headers["content-type"] == "text/plain; charset=windows-1251"
    assert reply.content == expected_get(0, link_id, short).encode("cp1251")


@pytest.mark.parametrize(
    "fmt,body",
    [
        (0, "ERROR = 3 (link not found)"),
        (1, "0,-3"),
        (2, "<result>\n<error>link not found</error>\n<error_code>3</error_code>\n</result>"),
        (3, '{"error": "link not found", "error_code": 3}'),
    ],
)
@pytest.mark.parametrize("charset,codec", CHARSETS)
def test_unknown_link_is_error_3(client, make_account, fmt, body, charset, codec):
    reply = request(
        client,
        make_account(),
        codec,
        get=1,
        link="https://nowhere.example/",
        fmt=fmt,
        charset=charset,
    )
    assert reply.content == body.encode(codec)


def test_the_short_url_is_the_base_url_and_a_code(client, make_account):
    created = add_link(client, make_account(), "https://example.com/")
    assert created["link"] == BASE + code_of(created["link"])
