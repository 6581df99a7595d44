"""The demo plan: imported through the real reader, it covers the demo history's numbers."""

from __future__ import annotations

import asyncio

from smscd.accounts.passwords import Passwords
from smscd.demo import catalogue as cat
from smscd.demo import numbering as demo
from smscd.demo.seed import DemoContext
from smscd.numbering import directory, plan, store


def test_the_demo_plan_is_a_valid_def_file_and_the_same_for_the_same_seed():
    data = demo.plan_file(1)
    assert data == demo.plan_file(1)
    assert data.startswith(
        "\ufeffАВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН".encode()
    )
    assert len(plan.read_files([("demo.csv", data)])) > 100


def test_every_demo_history_number_resolves_to_a_network_of_its_prefix():
    ranges = plan.read_files([("demo.csv", demo.plan_file(1))])
    brands = {legal: operator for operator, (legal, _inn) in demo.LEGAL.items()}
    rows = [
        (r.first, r.last, r.operator, r.region, r.territory, brands[r.operator], "", "")
        for r in ranges
    ]
    found = directory.build(rows, 1)
    for network in cat.NETWORKS:
        if network.country != "Россия":
            continue
        for prefix in network.prefixes:
            rest = network.length - len(prefix)
            for suffix in (10 ** (rest - 1), 10 ** (rest - 1) + 3999):  # seed.py's numbers
                record = found.record(f"{prefix}{suffix}", "ru", 0)
                assert record is not None and record["region"], (prefix, suffix)
                owners = {n.operator for n in cat.NETWORKS if prefix in n.prefixes}
                assert record["operator"] in owners, (prefix, record)


def test_seeding_imports_the_demo_plan(backend):
    # The numbering seeder writes through the administration path only: no database handle.
    context = DemoContext(backend.engine, None, Passwords(1, 64), {}, 1_790_000_000, 1, None)  # type: ignore[arg-type]
    asyncio.run(demo.seed(context))
    with backend.engine.connect() as conn:
        state = store.state(conn)
    assert (state.sources, state.imported_at) == ("DEF-9xx-demo.csv", 1_790_000_000)
    assert state.ranges == len(plan.read_files([("demo.csv", demo.plan_file(1))]))
