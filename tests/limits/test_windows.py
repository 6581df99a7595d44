"""compat.md "Rate limits": each sliding window exactly at its threshold, on the app's clock.

The 3rd identical request passes, the 4th is refused; the window lets a request through again
when its oldest one is a full window old; a refused request does not count. In memory and in
Redis alike (the ``api`` fixture runs on both).
"""

from __future__ import annotations

import pytest

from smscd.accounts.service import set_rate_limits
from smscd.limits.policy import format_overrides
from tests.limits.harness import DUPLICATE, credentials, error_text

# Each action with the identical-request limit, and a request of it with its parameters.
IDENTICAL_ACTIONS = {
    "get_messages": ("/sys/get.php", {"get_messages": 1, "cnt": 5}),
    "get_answers": ("/sys/get.php", {"get_answers": 1, "hour": 2}),
    "get_price": ("/sys/get.php", {"get_price": 1}),
    "get_operator": ("/sys/info.php", {"get_operator": 1, "phone": "79161234567"}),
    "tinyurls get": ("/sys/tinyurls.php", {"get": 1, "id": 1}),
}


def ask(api, account, path, params, **extra):
    return error_text(api.get(path, **credentials(account), **params, **extra))


@pytest.mark.parametrize("action", IDENTICAL_ACTIONS)
def test_the_fourth_identical_request_in_a_minute_is_refused(api, make_account, action):
    account = make_account()
    path, params = IDENTICAL_ACTIONS[action]
    answers = [ask(api, account, path, params) for _ in range(4)]
    assert DUPLICATE not in answers[:3]
    assert answers[3] == DUPLICATE


@pytest.mark.parametrize("action", IDENTICAL_ACTIONS)
def test_the_window_slides_by_the_oldest_request(api, make_account, clock, action):
    account = make_account()
    path, params = IDENTICAL_ACTIONS[action]
    start = clock.now
    for offset in (0, 10, 20):
        clock.now = start + offset
        assert ask(api, account, path, params) != DUPLICATE
    clock.now = start + 59.999
    assert ask(api, account, path, params) == DUPLICATE
    clock.now = start + 60  # the first request leaves the window: one place
    assert ask(api, account, path, params) != DUPLICATE
    assert ask(api, account, path, params) == DUPLICATE
    clock.now = start + 80  # the requests of +10 and +20 have left it too
    assert [ask(api, account, path, params) for _ in range(3)].count(DUPLICATE) == 1


def test_refused_requests_do_not_count(api, make_account, clock):
    account = make_account()
    start = clock.now
    for offset in (0, 1, 2):
        clock.now = start + offset
        api.history(account, cnt=7)
    clock.now = start + 30
    assert all(error_text(api.history(account, cnt=7)) == DUPLICATE for _ in range(10))
    clock.now = start + 60  # only the request of +0 has left the window
    assert error_text(api.history(account, cnt=7)) != DUPLICATE


def test_identical_means_the_same_parameters_in_any_order_and_charset(api, make_account):
    account = make_account()
    base = "/sys/get.php?get_messages=1&fmt=3&cnt=5"
    login = f"login={account.login}&psw={account.password}"
    answers = [
        error_text(api.get(f"{base}&{login}&charset=utf-8")),
        error_text(api.get(f"/sys/get.php?cnt=5&{login}&fmt=3&get_messages=1&charset=utf-8")),
        error_text(api.get(f"{base}&{login}&charset=koi8-r&phone=")),  # empty: not a parameter
        error_text(api.get(f"{base}&apikey={account.key}&charset=utf-8")),  # same login
    ]
    assert answers[:3].count(DUPLICATE) == 0 and answers[3] == DUPLICATE


def test_other_parameters_are_another_request(api, make_account):
    account = make_account()
    answers = [error_text(api.history(account, cnt=n)) for n in (1, 1, 1, 2, 2, 2, 3)]
    assert DUPLICATE not in answers


def test_identical_is_per_action(api, make_account):
    account = make_account()
    for _ in range(3):
        api.get(**credentials(account), get_answers=1)
    assert error_text(api.get(**credentials(account), get_price=1)) != DUPLICATE


def test_each_login_has_its_own_windows(api, make_account):
    first, second = make_account(), make_account()
    for _ in range(3):
        api.history(first, cnt=3)
    assert error_text(api.history(first, cnt=3)) == DUPLICATE
    assert error_text(api.history(second, cnt=3)) != DUPLICATE


def test_history_allows_thirty_requests_an_hour(api, make_account, clock):
    account = make_account()
    start = clock.now
    for n in range(30):  # all different, a minute apart
        clock.now = start + 60 * n
        assert error_text(api.history(account, cnt=n + 1)) != DUPLICATE
    clock.now = start + 3599
    assert error_text(api.history(account, cnt=100)) == DUPLICATE
    clock.now = start + 3600  # the first has left the hour
    assert error_text(api.history(account, cnt=100)) != DUPLICATE
    assert error_text(api.history(account, cnt=101)) == DUPLICATE


def test_statistics_allow_three_requests_a_minute_whatever_the_parameters(api, make_account, clock):
    account = make_account()
    periods = ["01.09.2026", "02.09.2026", "03.09.2026", "04.09.2026"]
    answers = [
        error_text(api.get(**credentials(account), get_stat=1, start=day)) for day in periods
    ]
    assert answers[:3].count(DUPLICATE) == 0 and answers[3] == DUPLICATE
    clock.now += 60
    assert error_text(api.get(**credentials(account), get_stat=1)) != DUPLICATE


def test_operator_lookups_allow_a_hundred_a_minute(api, make_account, clock):
    account = make_account()

    def lookup(n: int) -> str | None:
        phone = f"7916{n:07d}"
        return error_text(
            api.get("/sys/info.php", **credentials(account), get_operator=1, phone=phone)
        )

    assert [lookup(n) for n in range(100)].count(DUPLICATE) == 0
    assert lookup(100) == DUPLICATE
    clock.now += 60
    assert lookup(101) != DUPLICATE


def test_creating_short_links_has_no_window(api, make_account):
    account = make_account()
    path = "/sys/tinyurls.php"
    link = "https://example.org/same"
    answers = [
        error_text(api.get(path, **credentials(account), add=1, link=link)) for _ in range(6)
    ]
    assert answers == [None] * 6


def test_an_account_can_be_given_higher_limits(api, backend, make_account):
    trusted, other = make_account(), make_account()
    with backend.engine.begin() as conn:
        set_rate_limits(conn, trusted.login, format_overrides({"identical_per_minute": 5}))
    assert [error_text(api.history(trusted, cnt=9)) for _ in range(6)].count(DUPLICATE) == 1
    assert [error_text(api.history(other, cnt=9)) for _ in range(4)].count(DUPLICATE) == 1


def test_zero_lifts_a_limit_for_the_account(api, backend, make_account):
    account = make_account()
    with backend.engine.begin() as conn:
        set_rate_limits(
            conn,
            account.login,
            format_overrides({"identical_per_minute": 0, "history_per_hour": 0}),
        )
    assert DUPLICATE not in [error_text(api.history(account, cnt=9)) for _ in range(40)]


def test_a_refusal_is_written_in_the_requested_format(api, make_account):
    # fmt is a parameter like any other: the same request in another format is another one.
    account = make_account()
    bodies = [[api.history(account, cnt=4, fmt=fmt) for _ in range(4)][3] for fmt in (0, 1, 2, 3)]
    assert bodies == [
        "ERROR = 9 (duplicate request, wait a minute)",
        "0,-9",
        "<result>\n<error>duplicate request, wait a minute</error>\n"
        "<error_code>9</error_code>\n</result>",
        '{"error": "duplicate request, wait a minute", "error_code": 9}',
    ]


def test_parameters_the_action_does_not_read_do_not_make_a_request_new(api, make_account):
    account = make_account()
    answers = [error_text(api.history(account, cnt=8, nonce=n)) for n in range(4)]
    assert answers[3] == DUPLICATE
