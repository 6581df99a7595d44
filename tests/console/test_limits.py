"""The console inside the API's limits: a page counts as one request of its action, however
many answers of the handler it shows (docs/console.md, "What the browser tests cover",
where the browser walk found the statistics page overrunning get_stat's limit)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.console.browser import csrf
from tests.limits.conftest import limited_settings
from tests.limits.harness import DUPLICATE, LiveApp, credentials, error_text, new_address


@pytest.fixture(scope="module")
def api(backend, clock) -> Iterator[LiveApp]:
    """The app with every limit at its default, for this module only: a live app keeps its
    delivery worker querying the database, which other modules' tests (tests/limits'
    in-flight gate) must not find still running."""
    with LiveApp(limited_settings(backend.url), clock) as live:
        yield live


async def view(api, account, path: str, times: int) -> list[str]:
    """Log in through the form, then GET ``path`` ``times`` times; the pages."""
    transport = httpx.ASGITransport(app=api.app, client=(new_address(), 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://smscd") as http:
        token = csrf((await http.get("/console/login")).text)
        form = {"login": account.login, "password": account.password, "csrf": token}
        assert (await http.post("/console/login", data=form)).status_code == 303
        return [(await http.get(path)).text for _ in range(times)]


def test_the_stats_page_is_one_get_stat_request_for_the_limits(api, make_account):
    account = make_account()
    # Fourteen days, fourteen runs of get_stat's handler: one request of the three a minute.
    [page] = api.run(view(api, account, "/console/stats", 1))
    assert 'role="alert"' not in page
    assert 'data-chart="' in page
    stat = [error_text(api.get(**credentials(account), get_stat=1)) for _ in range(3)]
    assert stat[:2].count(DUPLICATE) == 0 and stat[2] == DUPLICATE


def test_the_stats_page_past_the_limit_says_so(api, make_account):
    account = make_account()
    pages = api.run(view(api, account, "/console/stats", 4))
    assert ['role="alert"' in page for page in pages] == [False, False, False, True]
