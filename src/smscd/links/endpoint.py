"""``tinyurls.php``: ``get=1`` (reference, "Getting data about a short link") and ``add=1``
(ours: creating a short link), both for the authenticated account's own links only.

Decisions [ours] (docs/links.md): ``get`` takes ``id`` or ``link`` (``id`` wins when both
are given); by ``link``, a text without a scheme also finds its ``http://`` and
``https://`` forms, and the newest matching link answers. ``add`` of a link the account
already has returns that link.
"""

from __future__ import annotations

from smscd.dates import zone_clock
from smscd.db.metadata import MAX_ID
from smscd.errors import NotFoundError, ParametersError
from smscd.http import contract
from smscd.http.context import ApiRequest, Reply
from smscd.http.contract import Parameter
from smscd.http.endpoint import Action
from smscd.limits import policy
from smscd.links import layout, queries, urls
from smscd.links.service import LinkService


def stats_query(request: ApiRequest) -> queries.StatsQuery:
    params = request.params
    today = zone_clock(request.account.timezone).today(request.now)
    counters = queries.Counters.on(today)
    link_id = params.integer("id", 0, 1, MAX_ID)
    if link_id:
        return queries.StatsQuery(request.account.id, counters, link_id=link_id)
    link = params.get("link")
    if not link:
        raise ParametersError("id or link is required")
    candidates = urls.lookup_candidates(link)
    if not candidates:
        raise NotFoundError("link")
    return queries.StatsQuery(
        request.account.id,
        counters,
        urls=candidates,
        url_hashes=[urls.url_hash(candidate) for candidate in candidates],
    )


async def get_link(request: ApiRequest) -> Reply:
    service = request.services.of(LinkService)
    sql, args = queries.stats(stats_query(request))
    rows = await request.db.fetch_all(sql, args)
    if not rows:
        raise NotFoundError("link")
    row = max(rows, key=lambda found: int(found[0]))  # the newest of several forms
    link_id, code, *counts = row
    record = layout.stats_record((link_id, *counts), service.short_url(code))
    return Reply(layout.STATS, [record], single=True)


async def add_link(request: ApiRequest) -> Reply:
    service = request.services.of(LinkService)
    link = urls.checked_link(request.params.get("link"))
    created = await service.add(request.account.id, link, request.now)
    record = layout.added_record(created.link_id, service.short_url(created.code))
    return Reply(layout.ADDED, [record], single=True)


LINK = Parameter(
    "link",
    "string",
    "The original full link (get: without a scheme, its http:// and https:// forms are found too).",
    example="https://example.org/promo",
)

GET_ACTION = Action(
    flag="get",
    name="tinyurls get",
    handler=get_link,
    summary="Clicks on one of the account's short links, by id or by the original link "
    "(id wins). Not found: error 3.",
    parameters=(contract.integer("id", "The short link's id.", 1, MAX_ID), LINK),
    reply=contract.record_schema(layout.STATS),
    windows=(policy.IDENTICAL,),
)

ADD_ACTION = Action(
    flag="add",
    name="tinyurls add",
    handler=add_link,
    summary="[ours] A short link to link for the account (the one it has, if any).",
    parameters=(LINK,),
    reply=contract.record_schema(layout.ADDED),
    # [ours] and idempotent: only the in-flight cap applies to it.
    windows=(),
)
