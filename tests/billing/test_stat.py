"""get_stat: periods, sub-clients, balances, currencies (compat.md, "Endpoint decisions";
docs/billing.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smscd import money
from tests.api import call
from tests.billing.helpers import (
    NOW,
    add_charges,
    add_payment,
    charge,
    currency,
    local_ts,
    row,
    set_rate,
    stat,
)

DB_SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NOVOSIBIRSK = ZoneInfo("Asia/Novosibirsk")  # UTC+7


def figures(record: dict[str, str]) -> tuple[str, str, str, str]:
    return record["sms"], record["credit"], record["debit"], record["currency"]


# --- periods --------------------------------------------------------------------------------


def test_without_start_and_end_this_month_through_today(client, backend, make_account):
    account = make_account()
    add_charges(
        backend.engine,
        [
            charge(account.id, local_ts("31.08.2026", "23:59:59"), amount=1000),
            charge(account.id, local_ts("01.09.2026", "00:00:00"), amount=10),
            charge(account.id, NOW - 1, amount=1),
        ],
    )
    assert figures(row(client, account)) == ("2", "0.11", "0.00", "RUB")


def test_a_period_is_whole_local_days_of_the_account_zone(client, backend, make_account):
    account = make_account(timezone="Asia/Novosibirsk")
    stamps = [
        local_ts("09.09.2026", "23:59:59", NOVOSIBIRSK),
        local_ts("10.09.2026", "00:00:00", NOVOSIBIRSK),
        local_ts("11.09.2026", "23:59:59", NOVOSIBIRSK),
        local_ts("12.09.2026", "00:00:00", NOVOSIBIRSK),
    ]
    amounts = [1, 10, 100, 1000]
    add_charges(
        backend.engine,
        [charge(account.id, ts, amount=a) for ts, a in zip(stamps, amounts, strict=True)],
    )
    record = row(client, account, start="10.09.2026", end="11.09.2026")
    assert figures(record) == ("2", "1.10", "0.00", "RUB")


def test_start_without_end_runs_through_today(client, backend, make_account):
    account = make_account()
    add_charges(
        backend.engine,
        [charge(account.id, local_ts("19.09.2026"), amount=5), charge(account.id, NOW - 5)],
    )
    assert row(client, account, start="20.09.2026")["credit"] == "1.44"
    assert row(client, account, start="19.09.2026")["credit"] == "1.49"


def test_end_without_start_runs_from_the_first_of_this_month(client, backend, make_account):
    account = make_account()
    add_charges(
        backend.engine,
        [
            charge(account.id, local_ts("31.08.2026"), amount=7),
            charge(account.id, local_ts("02.09.2026"), amount=5),
            charge(account.id, local_ts("04.09.2026"), amount=3),
        ],
    )
    assert row(client, account, end="03.09.2026")["credit"] == "0.05"
    assert call(client, account, get_stat=1, fmt=1, end="31.08.2026") == "0,-1"


def test_six_months_is_the_longest_period(client, make_account):
    account = make_account()
    for start, end, ok in [
        ("21.03.2026", "21.09.2026", True),
        ("21.03.2026", "22.09.2026", False),
        ("31.08.2026", "28.02.2027", True),
        ("31.08.2026", "01.03.2027", False),
        ("20.03.2026", "", False),  # no end: through today, 21.09.2026
        ("22.09.2026", "21.09.2026", False),
    ]:
        body = call(client, account, get_stat=1, fmt=1, start=start, end=end)
        assert (body != "0,-1") is ok, (start, end, body)


def test_malformed_dates_are_error_1(client, make_account):
    account = make_account()
    for bad in ("2026-09-01", "32.01.2026", "1.1", "01.13.2026"):
        assert call(client, account, get_stat=1, fmt=1, start=bad) == "0,-1"
        assert call(client, account, get_stat=1, fmt=1, start="01.01.2026", end=bad) == "0,-1"


def test_a_period_without_activity_is_a_row_of_zeros(client, make_account):
    account = make_account()
    body = call(client, account, get_stat=1, fmt=1, start="01.01.2026", end="31.01.2026")
    assert body == f"{account.login},0,0.00,0.00,RUB"


# --- what is counted ------------------------------------------------------------------------


def test_e_mail_is_in_credit_but_not_in_sms(client, backend, make_account):
    account = make_account()
    add_charges(
        backend.engine,
        [
            charge(account.id, NOW - 30, amount=300, sms_cnt=3),
            charge(account.id, NOW - 20, amount=50, sms_cnt=1, mail=True),
        ],
    )
    assert figures(row(client, account)) == ("3", "3.50", "0.00", "RUB")


def test_debit_is_what_was_paid_in_during_the_period(client, backend, make_account):
    account = make_account()
    add_payment(backend.engine, account.id, 50_000, local_ts("31.08.2026"))
    add_payment(backend.engine, account.id, 12_345, local_ts("01.09.2026", "00:00:00"))
    add_payment(backend.engine, account.id, 1, NOW, balance=2)
    assert figures(row(client, account)) == ("0", "0.00", "123.46", "RUB")


def test_balance2_counts_only_the_second_balance(client, backend, make_account):
    account = make_account()
    add_charges(
        backend.engine,
        [
            charge(account.id, NOW - 50, amount=100, sms_cnt=1, balance=1),
            charge(account.id, NOW - 40, amount=200, sms_cnt=2, balance=2),
            charge(account.id, NOW - 30, amount=40, mail=True, balance=2),
        ],
    )
    add_payment(backend.engine, account.id, 1000, NOW - 60, balance=1)
    add_payment(backend.engine, account.id, 700, NOW - 60, balance=2)
    assert figures(row(client, account)) == ("3", "3.40", "17.00", "RUB")
    assert figures(row(client, account, balance2=1)) == ("2", "2.40", "7.00", "RUB")
    assert figures(row(client, account, balance2=0)) == ("3", "3.40", "17.00", "RUB")


# --- sub-clients ----------------------------------------------------------------------------


def test_the_parent_lists_itself_then_each_sub_client_by_login(client, backend, make_account):
    parent = make_account()
    children = [make_account(prefix=p, parent=parent.login) for p in ("zz", "Ab", "aa")]
    grandchild = make_account(parent=children[0].login)
    add_charges(
        backend.engine,
        [
            charge(children[1].id, NOW - 10, amount=5),
            charge(grandchild.id, NOW - 10, amount=7),
        ],
    )
    records = stat(client, parent)
    # Code point order (upper case first) on every database; grandchildren are not listed.
    assert [r["login"] for r in records] == [
        parent.login,
        *sorted(child.login for child in children),
    ]
    assert [r["credit"] for r in records] == ["0.00", "0.05", "0.00", "0.00"]
    assert [r["login"] for r in stat(client, children[0])] == [children[0].login, grandchild.login]


def test_a_sub_client_sees_only_itself(client, backend, make_account):
    parent = make_account()
    child = make_account(parent=parent.login)
    sibling = make_account(parent=parent.login)
    add_charges(
        backend.engine,
        [charge(parent.id, NOW - 10, amount=100), charge(sibling.id, NOW - 10, amount=3)],
    )
    assert stat(client, child) == [
        {"login": child.login, "sms": "0", "credit": "0.00", "debit": "0.00", "currency": "RUB"}
    ]


def test_an_unrelated_account_never_sees_another_ones_data(client, backend, make_account):
    parent = make_account()
    make_account(parent=parent.login)
    stranger = make_account()
    add_charges(backend.engine, [charge(parent.id, NOW - 10, amount=999)])
    add_payment(backend.engine, parent.id, 5000, NOW - 10)
    records = stat(client, stranger, start="01.04.2026")
    assert [figures(r) for r in records] == [("0", "0.00", "0.00", "RUB")]
    assert [r["login"] for r in records] == [stranger.login]


def test_sub_clients_count_their_own_local_days(client, backend, make_account):
    parent = make_account()  # Moscow
    child = make_account(parent=parent.login, timezone="Asia/Novosibirsk")
    # 20.09 23:30 in Novosibirsk is 20.09 19:30 in Moscow; 21.09 02:00 there is 20.09 22:00.
    add_charges(
        backend.engine,
        [
            charge(child.id, local_ts("20.09.2026", "23:30:00", NOVOSIBIRSK), amount=1),
            charge(child.id, local_ts("21.09.2026", "02:00:00", NOVOSIBIRSK), amount=2),
        ],
    )
    records = stat(client, parent, start="20.09.2026", end="20.09.2026")
    assert records[1]["credit"] == "0.01"
    assert stat(client, child, start="20.09.2026", end="20.09.2026")[0]["credit"] == "0.01"


# --- currencies -----------------------------------------------------------------------------


def test_amounts_are_in_the_base_currency_unless_mycur(client, backend, make_account):
    own = currency()
    account = make_account(currency=own)
    set_rate(backend.engine, own, "RUB", "92.5")
    add_charges(backend.engine, [charge(account.id, NOW - 10, amount=101)])  # 1.01
    add_payment(backend.engine, account.id, 1000, NOW - 10)  # 10.00
    assert figures(row(client, account)) == ("1", "93.43", "925.00", "RUB")  # 93.425 rounds up
    assert figures(row(client, account, mycur=1)) == ("1", "1.01", "10.00", own)


def test_the_inverse_rate_serves_when_only_the_opposite_pair_is_set(client, backend, make_account):
    own = currency()
    account = make_account(currency=own)
    set_rate(backend.engine, "RUB", own, "0.0108")
    add_charges(backend.engine, [charge(account.id, NOW - 10, amount=1)])  # 0.01 / 0.0108
    assert figures(row(client, account)) == ("1", "0.93", "0.00", "RUB")


def test_without_a_rate_a_row_keeps_its_own_currency(client, backend, make_account):
    parent = make_account()
    lonely, quiet = currency(), currency()
    child = make_account(parent=parent.login, currency=lonely, prefix="a")
    silent = make_account(parent=parent.login, currency=quiet, prefix="b")
    add_charges(backend.engine, [charge(child.id, NOW - 10, amount=250)])
    records = stat(client, parent)
    assert [figures(r) for r in records] == [
        ("0", "0.00", "0.00", "RUB"),
        ("1", "2.50", "0.00", lonely),  # no rate: not converted, and says so
        ("0", "0.00", "0.00", "RUB"),  # zero is zero in every currency
    ]
    assert [r["login"] for r in records] == [parent.login, child.login, silent.login]


def test_mycur_converts_sub_clients_into_the_asking_accounts_currency(
    client, backend, make_account
):
    mine, theirs = currency(), currency()
    parent = make_account(currency=mine)
    child = make_account(parent=parent.login, currency=theirs)
    set_rate(backend.engine, theirs, mine, "0.5")
    set_rate(backend.engine, theirs, "RUB", "3")
    add_charges(backend.engine, [charge(child.id, NOW - 10, amount=1001)])
    assert figures(stat(client, parent, mycur=1)[1]) == ("1", "5.01", "0.00", mine)
    assert figures(stat(client, parent)[1]) == ("1", "30.03", "0.00", "RUB")
    assert figures(stat(client, child, mycur=1)[0]) == ("1", "10.01", "0.00", theirs)


def test_a_changed_rate_applies_to_the_next_request(client, backend, make_account):
    own = currency()
    account = make_account(currency=own)
    add_charges(backend.engine, [charge(account.id, NOW - 10, amount=100)])
    set_rate(backend.engine, own, "RUB", "2")
    assert row(client, account)["credit"] == "2.00"
    set_rate(backend.engine, own, "RUB", "3")
    assert row(client, account)["credit"] == "3.00"


# --- the arithmetic, for any data -----------------------------------------------------------

ZONES = ["Europe/Moscow", "Asia/Novosibirsk", "America/New_York", "Asia/Kathmandu", "UTC"]
# Times near local midnights are where a wrong day boundary shows.
seconds_of_day = st.one_of(st.integers(0, 3599), st.integers(82800, 86399), st.integers(0, 86399))
entries = st.lists(
    st.tuples(
        st.integers(0, 40),  # days before today
        seconds_of_day,  # local time of day
        st.integers(0, 100_000),  # amount
        st.integers(1, 5),  # sms_cnt
        st.booleans(),  # e-mail
        st.sampled_from([1, 2]),  # balance
        st.booleans(),  # a payment rather than a charge
    ),
    min_size=1,
    max_size=40,
)


@DB_SETTINGS
@given(
    zone=st.sampled_from(ZONES),
    data=entries,
    back=st.integers(0, 40),
    length=st.integers(0, 40),
    balance2=st.booleans(),
)
def test_stat_sums_exactly_what_the_period_selects(
    client, backend, make_account, zone, data, back, length, balance2
):
    """Whatever the zone and the data, a row is the sum of the entries whose time lies in
    [midnight(start), midnight(end + 1)) of the account's zone: the history's period."""
    account = make_account(timezone=zone)
    tz = ZoneInfo(zone)
    today = datetime.fromtimestamp(NOW, tz).date()

    def midnight(day: date) -> int:
        return int(datetime(day.year, day.month, day.day, tzinfo=tz).timestamp())

    timed = [
        (midnight(today - timedelta(days=days)) + second, *rest) for days, second, *rest in data
    ]
    charges = [
        charge(account.id, ts, amount, sms, mail, balance)
        for ts, amount, sms, mail, balance, payment in timed
        if not payment
    ]
    if charges:
        add_charges(backend.engine, charges)
    for ts, amount, _sms, _mail, balance, payment in timed:
        if payment:
            add_payment(backend.engine, account.id, amount + 1, ts, balance)
    start = today - timedelta(days=back)
    end = min(start + timedelta(days=length), today)
    low, high = midnight(start), midnight(end + timedelta(days=1))
    wanted = [2] if balance2 else [1, 2]
    inside = [
        (amount, sms, mail, payment)
        for ts, amount, sms, mail, balance, payment in timed
        if low <= ts < high and balance in wanted
    ]
    expected = (
        str(sum(sms for _a, sms, mail, payment in inside if not payment and not mail)),
        money.to_text(sum(a for a, _s, _m, payment in inside if not payment)),
        money.to_text(sum(a + 1 for a, _s, _m, payment in inside if payment)),
        "RUB",
    )
    record = row(
        client,
        account,
        start=f"{start:%d.%m.%Y}",
        end=f"{end:%d.%m.%Y}",
        balance2=int(balance2),
    )
    assert figures(record) == expected
