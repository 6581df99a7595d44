"""The account holder's pages: what they show is the API's answer for the same account
(docs/console.md, "Same code path"), and only that account's."""

from __future__ import annotations

import re
import secrets

from smscd.console.endpoint import mount
from tests.api import call_json
from tests.console.browser import csrf, log_in, visitor
from tests.factories import add_incoming, add_sent, incoming, sent
from tests.sending import network

START = 1_790_000_000
ROW = re.compile(r"<tr><td>")


def pages(send_id: str = "1", phones: str = "", int_id: int = 1) -> list[str]:
    """Every GET page of the console, with the query strings that reach its data."""
    return [
        "/console/login",
        "/console/history",
        f"/console/history/{int_id}",
        "/console/stats",
        "/console/stats?start=20.09.2026&end=21.09.2026",
        "/console/history?phone=79991234567",
        "/console/history?start=21.09.2026&end=21.09.2026",
        "/console/incoming",
        "/console/send",
        f"/console/send/status?id={send_id}&phones={phones}",
        "/console/tariffs",
        "/console/links",
        "/console/links?start=20.09.2026&end=21.09.2026",
        "/console/senders",
        "/console/keys",
        "/console/settings",
    ]


def test_every_get_page_is_listed_here():
    """A new page must join the isolation walk below."""
    routes = [
        r for r in mount(None).app._app.routes if "GET" in (getattr(r, "methods", None) or ())
    ]  # type: ignore[arg-type]
    listed = {p.split("?")[0] for p in pages()} | {"/console/", "/console/history/{int_id:int}"}
    assert {f"/console{r.path}" for r in routes} <= listed


def test_one_account_never_sees_anothers_data(backend, client, make_account):
    owner, other = make_account(), make_account()
    secret = f"secret-{secrets.token_hex(6)}"
    [int_id] = add_sent(backend.engine, [sent(owner.id, START - 60, message=secret, id=424242,
                                              sender_id="OwnerName")])  # fmt: skip
    add_incoming(backend.engine, [incoming(owner.id, START - 30, message=f"in-{secret}")])
    # The owner sees them ...
    mine = visitor(client)
    log_in(mine, owner.login, owner.password)
    assert secret in mine.get("/console/history").text
    assert f"in-{secret}" in mine.get("/console/incoming").text
    status = mine.get("/console/send/status?id=424242&phones=79991234567").text
    assert "<td>79991234567</td>" in status
    assert secret in mine.get(f"/console/history/{int_id}").text
    # The owner's links, sender name, key and callback URL, made through its own pages.
    token = csrf(mine.get("/console/settings").text)
    made = mine.post("/console/links", data={"link": f"https://{secret}.example/", "csrf": token})
    short = re.search(r'<strong id="new-link">[^<]*/([^/<]+)</strong>', made.text)
    assert short is not None
    link_code = short.group(1)
    assert (
        mine.post("/console/senders", data={"name": "OwnerSndr", "csrf": token}).status_code == 303
    )
    key = re.search(
        r'value="([0-9a-f]{40})"', mine.post("/console/keys", data={"csrf": token}).text
    )
    assert key is not None
    hook = f"https://{secret}.hooks.example/cb"
    assert mine.post("/console/settings/callback",
                     data={"callback_url": hook, "csrf": token}).status_code == 200  # fmt: skip
    owned = [link_code, "OwnerSndr", key.group(1)[:12], hook, f"{secret}.example"]
    assert all(
        any(thing in mine.get(path).text for path in ("/console/links", "/console/senders",
                                                     "/console/keys", "/console/settings"))
        for thing in owned
    )  # fmt: skip
    # ... the other account, walking every page, never does.
    theirs = visitor(client)
    log_in(theirs, other.login, other.password)
    for path in pages("424242", "79991234567", int_id):
        page = theirs.get(path)
        expected = {"/console/login": 303, f"/console/history/{int_id}": 404}.get(path, 200)
        assert page.status_code == expected, path
        assert secret not in page.text, path
        assert "OwnerName" not in page.text, path
        assert owner.login not in page.text, path
        assert "<td>79991234567</td>" not in page.text, path
        for thing in owned:
            assert thing not in page.text, (path, thing)


def test_history_filters_and_pages_like_get_messages(backend, client, make_account):
    account = make_account()
    rows = [sent(account.id, START - 3600 * i, phone="79990000001" if i % 2 else "79990000002",
                 message=f"m{i}") for i in range(60)]  # fmt: skip
    add_sent(backend.engine, rows)
    browser = visitor(client)
    log_in(browser, account.login, account.password)
    first = browser.get("/console/history").text
    assert len(ROW.findall(first)) == 50
    older = re.search(r'href="(/console/history\?[^"]+prev_id=\d+)"', first)
    assert older is not None
    second = browser.get(older.group(1).replace("&amp;", "&")).text
    assert len(ROW.findall(second)) == 10
    shown = set(re.findall(r"<td>(m\d+)</td>", first + second))
    assert shown == {f"m{i}" for i in range(60)}
    one = browser.get("/console/history?phone=79990000002").text
    assert set(re.findall(r"<td>(m\d+)</td>", one)) == {f"m{i}" for i in range(0, 60, 2)}
    # The API's validation, the API's words.
    bad = browser.get("/console/history?end=01.01.2026").text
    assert "end without start" in bad


def test_incoming_shows_the_accounts_messages_and_polls(backend, client, make_account):
    account = make_account()
    add_incoming(backend.engine, [incoming(account.id, START - 10, message="Привет")])
    browser = visitor(client)
    log_in(browser, account.login, account.password)
    page = browser.get("/console/incoming").text
    assert "Привет" in page
    assert 'hx-trigger="every 5s"' in page
    fragment = browser.get("/console/incoming", headers={"HX-Request": "true"}).text
    assert "Привет" in fragment
    assert "<html" not in fragment


def test_send_shows_the_cost_first_then_sends_and_the_status_follows(client, sender):
    browser = visitor(client)
    token = log_in(browser, sender.login, sender.password)
    form = {"phones": f"{network.DELIVERED}\n", "mes": "Hello", "csrf": token}
    quote = browser.post("/console/send", data={**form, "step": "cost"})
    assert quote.status_code == 200
    assert '<strong id="quote-cost">2.50</strong>' in quote.text
    # cost=1 sent nothing.
    assert "<tr><td>" not in browser.get("/console/history").text
    done = browser.post("/console/send", data={**form, "step": "send"})
    send_id = re.search(r'<strong id="send-id">(\d+)</strong>', done.text)
    assert send_id is not None
    url = f"/console/send/status?id={send_id.group(1)}&phones={network.DELIVERED}"
    assert 'data-status="-1"' in browser.get(url).text
    network.deliver(client)
    assert 'data-status="1"' in browser.get(url).text
    # The message's timeline: accepted, one try, delivered.
    history = browser.get("/console/history").text
    link = re.search(r'href="(/console/history/\d+)"', history)
    assert link is not None
    timeline = browser.get(link.group(1)).text
    assert "Попытка доставки 1" in timeline
    assert '<strong id="status-now">Доставлено</strong>' in timeline


def test_statistics_are_get_stats_numbers_day_by_day(client, sender):
    browser = visitor(client)
    token = log_in(browser, sender.login, sender.password)
    form = {"phones": f"{network.DELIVERED},{network.DELIVERED[:-1]}9", "mes": "Hi",
            "csrf": token, "step": "send"}  # fmt: skip
    assert browser.post("/console/send", data=form).status_code == 200
    page = browser.get("/console/stats?start=20.09.2026&end=21.09.2026").text
    api = call_json(client, sender, get_stat=1, start="21.09.2026",
                    end="21.09.2026")  # fmt: skip
    mine = api[0]
    row = (f"<tr><td>21.09.2026</td><td>{sender.login}</td><td>{mine['sms']}</td>"
           f"<td>{mine['debit']} {mine['currency']}</td>")  # fmt: skip
    assert row in page
    assert mine["sms"] == "2"
    assert f"<tr><td>20.09.2026</td><td>{sender.login}</td><td>0</td>" in page
    assert "<td>Ожидает отправки</td><td>2</td>" in page
    assert 'data-chart="' in page
    too_long = browser.get("/console/stats?start=01.08.2026&end=21.09.2026").text
    assert 'role="alert"' in too_long


def test_send_refusals_are_the_apis(client, sender):
    browser = visitor(client)
    token = log_in(browser, sender.login, sender.password)
    reply = browser.post(
        "/console/send",
        data={"phones": network.NO_ROUTE, "mes": "Hello", "csrf": token, "step": "cost"},
    )
    assert reply.status_code == 200
    assert 'role="alert"' in reply.text


def test_pages_follow_the_accounts_language(client, make_account):
    english = make_account(language="en")
    browser = visitor(client)
    log_in(browser, english.login, english.password)
    page = browser.get("/console/history").text
    assert 'lang="en"' in page
    assert "Sent messages" in page
    assert csrf(page)


def test_history_filters_by_status_and_pages_through_the_rest(backend, client, make_account):
    account = make_account(language="en")
    rows = [sent(account.id, START - 60 * i, status=20 if i % 3 == 0 else 1, message=f"m{i}")
            for i in range(120)]  # fmt: skip
    add_sent(backend.engine, rows)
    browser = visitor(client)
    log_in(browser, account.login, account.password)
    failed = browser.get("/console/history?status=20").text
    assert set(re.findall(r"<td>(m\d+)</td>", failed)) == {f"m{i}" for i in range(0, 120, 3)}
    assert '<option value="20" selected>Cannot be delivered</option>' in failed
    first = browser.get("/console/history?status=1").text
    assert len(ROW.findall(first)) == 50
    older = re.search(r'href="(/console/history\?[^"]+status=1&amp;prev_id=\d+)"', first)
    assert older is not None
    second = browser.get(older.group(1).replace("&amp;", "&")).text
    delivered = set(re.findall(r"<td>(m\d+)</td>", first + second))
    assert delivered == {f"m{i}" for i in range(120) if i % 3}
    # An unknown status is no filter.
    assert len(ROW.findall(browser.get("/console/history?status=zz").text)) == 50
