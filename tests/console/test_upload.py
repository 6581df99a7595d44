"""Sending to an uploaded CSV file (docs/console.md, "Send"): the file becomes send.php's
``list``, priced first, then sent; upload.py's reading of rows."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscd.console import upload
from tests.console.browser import log_in, visitor
from tests.sending import network

FILE = (
    f"phone;text;name\n{network.DELIVERED};Own text;Ann\n{network.DELIVERED[:-1]}9;;Bob\n"
).encode()


def test_a_csv_file_is_priced_then_sent(client, sender):
    browser = visitor(client)
    token = log_in(browser, sender.login, sender.password)
    quote = browser.post(
        "/console/send/csv",
        data={"csrf": token, "mes": "Hello #name#", "sender": "Shop"},
        files={"file": ("list.csv", FILE, "text/csv")},
    )
    assert quote.status_code == 200, quote.text
    assert '<strong id="quote-cost">5.00</strong>' in quote.text
    assert f"{network.DELIVERED}:Own text\n{network.DELIVERED[:-1]}9:Hello Bob" in quote.text
    assert "<tr><td>" not in browser.get("/console/history").text  # cost=1 sent nothing
    listed = re.search(r'<textarea id="list" name="list" rows="8" readonly>([^<]*)</textarea>',
                       quote.text)  # fmt: skip
    assert listed is not None
    done = browser.post(
        "/console/send/list",
        data={"csrf": token, "list": listed.group(1), "sender": "Shop", "step": "send"},
    )
    assert done.status_code == 200
    assert re.search(r'<strong id="send-id">\d+</strong>', done.text)
    history = browser.get("/console/history").text
    assert "<td>Hello Bob</td>" in history and "<td>Own text</td>" in history
    assert history.count("<td>Shop</td>") == 2


def test_a_bad_file_or_list_is_refused_with_its_reason(client, sender):
    browser = visitor(client)
    token = log_in(browser, sender.login, sender.password)
    empty = browser.post("/console/send/csv", data={"csrf": token, "mes": ""},
                         files={"file": ("list.csv", b"phone\n", "text/csv")})  # fmt: skip
    assert empty.status_code == 400
    assert "the file has no rows" in empty.text
    no_text = browser.post("/console/send/csv", data={"csrf": token, "mes": ""},
                           files={"file": ("l.csv", b"79991234567\n", "text/csv")})  # fmt: skip
    assert no_text.status_code == 400
    assert "row 1: no text" in no_text.text
    # send.php's own refusals (an unregistered sender name: error 6).
    api = browser.post("/console/send/list", data={"csrf": token, "sender": "Nobody",
                                                   "list": f"{network.DELIVERED}:hi"})  # fmt: skip
    assert api.status_code == 400
    assert 'role="alert"' in api.text


@pytest.mark.parametrize("token", [None, "", "wrong"])
def test_the_list_forms_without_their_csrf_token_are_403(client, sender, token):
    browser = visitor(client)
    log_in(browser, sender.login, sender.password)
    data = {} if token is None else {"csrf": token}
    reply = browser.post("/console/send/csv", data={"mes": "hi", **data},
                         files={"file": ("l.csv", FILE, "text/csv")})  # fmt: skip
    assert reply.status_code == 403
    reply = browser.post(
        "/console/send/list", data={"list": f"{network.DELIVERED}:hi", "step": "send", **data}
    )
    assert reply.status_code == 403
    assert "<tr><td>" not in browser.get("/console/history").text


PHONES = st.from_regex(r"\+?7[0-9]{10}", fullmatch=True)
TEXTS = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"),
    min_size=1, max_size=40,
).filter(lambda t: t.strip() == t and t.strip())  # fmt: skip


@given(rows=st.lists(st.tuples(PHONES, TEXTS, TEXTS), min_size=1, max_size=20),
       delimiter=st.sampled_from([",", ";", "\t"]), cp1251=st.booleans())  # fmt: skip
def test_every_row_becomes_one_line_of_the_list(rows, delimiter, cp1251):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerows(rows)
    text = out.getvalue()
    try:
        data = text.encode("cp1251") if cp1251 else text.encode("utf-8")
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    lines = upload.to_list(data, "default").split("\n")
    assert lines == [f"{phone}:{message}" for phone, message, _ in rows]
    assert upload.phones_of("\n".join(lines)) == ",".join(phone for phone, _, _ in rows)


def test_names_fill_the_forms_text_and_a_header_is_skipped():
    data = "Телефон,Текст,Имя\r\n79990000001,,Аня\r\n79990000002,Своё,Боря\r\n".encode("cp1251")
    assert upload.to_list(data, "Привет, #name#!") == ("79990000001:Привет, Аня!\n79990000002:Своё")
    with pytest.raises(upload.UploadError, match="over"):
        upload.to_list(b"7" * (upload.MAX_BYTES + 1), "x")
