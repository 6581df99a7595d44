"""get_messages: order, paging, filters and periods (compat.md, "Endpoint decisions")."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api import call, call_json
from tests.factories import add_sent, sent

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = 1_790_000_000  # the tests' clock: 21.09.2026 17:13:20 in Moscow
DAY = 86400
DB_SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def int_ids(records) -> list[int]:
    return [int(r["int_id"]) for r in records]


def page_all(client, account, cnt: int, **filters) -> list[dict]:
    """Every record, following prev_id from page to page."""
    seen: list[dict] = []
    prev: dict = {}
    while True:
        body = call(client, account, get_messages=1, fmt=3, cnt=cnt, **filters, **prev)
        if body == '{"error": "message not found", "error_code": 3}':
            return seen
        page = json.loads(body)
        assert len(page) <= cnt
        seen += page
        prev = {"prev_id": page[-1]["int_id"]}


@DB_SETTINGS
@given(total=st.integers(1, 40), cnt=st.integers(1, 9))
def test_prev_id_pages_every_message_once_newest_first(client, backend, make_account, total, cnt):
    account = make_account()
    ids = add_sent(backend.engine, [sent(account.id, NOW - 1000 + i) for i in range(total)])
    records = page_all(client, account, cnt)
    assert int_ids(records) == sorted(ids, reverse=True)


def test_without_cnt_the_latest_100(client, backend, make_account):
    account = make_account()
    ids = add_sent(backend.engine, [sent(account.id, NOW - 5000 + i) for i in range(130)])
    assert int_ids(call_json(client, account, get_messages=1)) == sorted(ids, reverse=True)[:100]


def test_cnt_1000_is_the_most(client, make_account):
    assert call(client, make_account(), get_messages=1, cnt=1000, fmt=1) == "0,-3"
    assert call(client, make_account(), get_messages=1, cnt=1001, fmt=1) == "0,-1"


def _ts(day: str, hms: str = "12:00:00") -> int:
    local = datetime.strptime(f"{day} {hms}", "%d.%m.%Y %H:%M:%S").replace(tzinfo=MOSCOW)
    return int(local.timestamp())


def test_a_period_is_whole_local_days(client, backend, make_account):
    account = make_account()
    stamps = [
        _ts("09.09.2026", "23:59:59"),
        _ts("10.09.2026", "00:00:00"),
        _ts("11.09.2026", "23:59:59"),
        _ts("12.09.2026", "00:00:00"),
    ]
    ids = add_sent(backend.engine, [sent(account.id, ts) for ts in stamps])
    records = call_json(client, account, get_messages=1, start="10.09.2026", end="11.09.2026")
    assert int_ids(records) == [ids[2], ids[1]]


def test_start_without_end_runs_through_today(client, backend, make_account):
    account = make_account()
    ids = add_sent(backend.engine, [sent(account.id, ts) for ts in (_ts("19.09.2026"), NOW - 10)])
    assert int_ids(call_json(client, account, get_messages=1, start="20.09.2026")) == [ids[1]]


def test_six_months_is_the_longest_period(client, make_account):
    account = make_account()
    assert (
        call(client, account, get_messages=1, fmt=1, start="21.03.2026", end="21.09.2026") == "0,-3"
    )
    assert (
        call(client, account, get_messages=1, fmt=1, start="21.03.2026", end="22.09.2026") == "0,-1"
    )
    assert (
        call(client, account, get_messages=1, fmt=1, start="31.08.2026", end="28.02.2027") == "0,-3"
    )
    assert (
        call(client, account, get_messages=1, fmt=1, start="31.08.2026", end="01.03.2027") == "0,-1"
    )
    # with no end the period runs to today (21.09.2026)
    assert call(client, account, get_messages=1, fmt=1, start="20.03.2026") == "0,-1"


def test_phone_filter_accepts_decorated_numbers_and_a_leading_8(client, backend, make_account):
    account = make_account()
    ids = add_sent(
        backend.engine,
        [
            sent(account.id, NOW - 30, phone="79161234567"),
            sent(account.id, NOW - 20, phone="79031112233"),
            sent(account.id, NOW - 10, phone="375291234567"),
        ],
    )
    records = call_json(client, account, get_messages=1, phone="+7 (916) 123-45-67;8-903-111-22-33")
    assert int_ids(records) == [ids[1], ids[0]]


def test_email_filter_selects_e_mail_messages(client, backend, make_account):
    account = make_account()
    ids = add_sent(
        backend.engine,
        [
            sent(account.id, NOW - 30, format=8, phone="a@example.org"),
            sent(account.id, NOW - 20, format=8, phone="b@example.org"),
            sent(account.id, NOW - 10, phone="79161234567"),
        ],
    )
    assert int_ids(call_json(client, account, get_messages=1, email="A@example.org")) == [ids[0]]
    assert int_ids(call_json(client, account, get_messages=1, format=8)) == [ids[1], ids[0]]
    assert int_ids(call_json(client, account, get_messages=1)) == [ids[2]]


PHONES = ["79990000001", "79990000002", "79990000003", "79990000004"]
messages_strategy = st.lists(
    st.tuples(
        st.integers(0, 240 * DAY),  # seconds before NOW
        st.sampled_from(PHONES),
        st.sampled_from([0, 0, 1, 8]),
    ),
    min_size=1,
    max_size=30,
)


@DB_SETTINGS
@given(
    messages=messages_strategy,
    phones=st.lists(st.sampled_from(PHONES), max_size=3, unique=True),
    email=st.booleans(),
    period=st.one_of(
        st.none(),
        st.tuples(st.integers(0, 240), st.integers(0, 180)),  # (days before today, length)
    ),
    cnt=st.integers(1, 7),
)
def test_filters_return_exactly_the_matching_messages(
    client, backend, make_account, messages, phones, email, period, cnt
):
    account = make_account()
    ordered = sorted(messages, key=lambda m: -m[0])  # send order: oldest first
    rows = [
        sent(
            account.id, NOW - ago, phone=f"p{phone}@example.org" if fmt == 8 else phone, format=fmt
        )
        for ago, phone, fmt in ordered
    ]
    ids = add_sent(backend.engine, rows)
    filters: dict = {}
    if email:
        filters["format"] = 8
        if phones:
            filters["email"] = ",".join(f"p{p}@example.org" for p in phones)
    elif phones:
        filters["phone"] = ",".join(phones)
    start_ts = end_ts = None
    if period:
        today = datetime.fromtimestamp(NOW, MOSCOW).date()
        start = today.fromordinal(today.toordinal() - period[0])
        end = start.fromordinal(min(start.toordinal() + period[1], today.toordinal()))
        filters["start"], filters["end"] = start.strftime("%d.%m.%Y"), end.strftime("%d.%m.%Y")
        start_ts = int(datetime(start.year, start.month, start.day, tzinfo=MOSCOW).timestamp())
        end_ts = int(datetime(end.year, end.month, end.day, tzinfo=MOSCOW).timestamp()) + DAY
    expected = [
        int_id
        for int_id, row in sorted(zip(ids, rows, strict=True), reverse=True)
        if (row["format"] == 8) == email
        and (not phones or row["phone"] in {f"p{p}@example.org" if email else p for p in phones})
        and (start_ts is None or start_ts <= row["send_ts"] < end_ts)
    ]
    assert int_ids(page_all(client, account, cnt, **filters)) == expected


def test_phones_is_another_name_of_phone_and_phone_wins(client, backend, make_account):
    """compat.md "Transport" [ours]: a client library sends ``phones``."""
    account = make_account()
    ids = add_sent(
        backend.engine,
        [
            sent(account.id, NOW - 30, phone="79161234567"),
            sent(account.id, NOW - 20, phone="79031112233"),
        ],
    )
    assert int_ids(call_json(client, account, get_messages=1, phones="79161234567")) == [ids[0]]
    both = call_json(client, account, get_messages=1, phone="79031112233", phones="79161234567")
    assert int_ids(both) == [ids[1]]
