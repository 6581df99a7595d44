"""``smscd tariffs`` through Typer's runner, on the test database."""

from __future__ import annotations

from typer.testing import CliRunner

from smscd.cli.tariffs import tariffs_app
from smscd.tariffs import service
from tests.api import call_json

runner = CliRunner()

HEADER = "zone,name,country,mcc,mnc,api,mass,mms,hlr,call\n"
GOOD = (
    HEADER
    + "RU-MTS,МТС,Россия,250,01,4.50,4.50,9.90,0.20,2.60\n"
    + 'RU,"Россия, прочие",Россия,250,,4.70,4.70,9.90,0.20,2.60\n'
    + "MAIL,E-mail,,,,0.15,,,,\n"
)


def tariffs(backend, *args: str, code: int = 0) -> str:
    result = runner.invoke(tariffs_app, [*args, "--database", backend.url])
    assert result.exit_code == code, result.output
    return result.output


def test_import_export_and_list(backend, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_text(  # as a Russian-locale spreadsheet saves it
        "zone;name;country;mcc;mnc;api;mass;mms;hlr;call\r\n"
        "RU-MTS;МТС;Россия;250;01;4,50;4,50;9,90;0,20;2,60\r\n"
        "RU;Россия, прочие;Россия;250;;4,70;4,70;9,90;0,20;2,60\r\n"
        "MAIL;E-mail;;;;0,15;;;;\r\n",
        encoding="cp1251",
        newline="",
    )
    out = tariffs(backend, "import", str(source), "--plan", "cli-basic")
    assert "plan cli-basic: 2 zones, e-mail 0.15" in out
    assert tariffs(backend, "export", "--plan", "cli-basic") == GOOD
    target = tmp_path / "out.csv"
    tariffs(backend, "export", "--plan", "cli-basic", "--output", str(target))
    assert target.read_bytes() == b"\xef\xbb\xbf" + GOOD.encode()
    listed = tariffs(backend, "plans")
    assert "cli-basic" in listed and "0.15" in listed


def test_a_bad_file_is_refused_by_line_and_changes_nothing(backend, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_text(GOOD)
    tariffs(backend, "import", str(source), "--plan", "cli-keep")
    source.write_text(
        HEADER
        + "A,a,,111,,1,1,1,1,1\nB,b,,222,,1,1,1,1,x\nC,c,,333,,1,1,1,1,1\nA,d,,444,,1,1,1,1,1\n"
    )
    out = tariffs(
        backend, "import", str(source), "--plan", "cli-keep", "--mail-price", "0.20", code=1
    )
    assert f"{source}: line 3: call: not a price with at most two decimals: 'x'" in out
    assert f"{source}: line 5: zone code 'A' is used twice" in out
    assert "nothing imported" in out
    assert tariffs(backend, "export", "--plan", "cli-keep") == GOOD


def test_mail_price_option(backend, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_text(GOOD.replace("MAIL,E-mail,,,,0.15,,,,\n", ""))
    tariffs(backend, "import", str(source), "--plan", "cli-mail", "--mail-price", "0,25")
    assert tariffs(backend, "export", "--plan", "cli-mail").endswith("MAIL,E-mail,,,,0.25,,,,\n")
    out = tariffs(backend, "import", str(source), "--mail-price", "0.255", code=2)
    assert "not a price with at most two decimals" in out


def test_the_default_plan(backend, tmp_path, client, make_account):
    source = tmp_path / "plan.csv"
    source.write_text(GOOD)
    tariffs(backend, "import", str(source), "--plan", "cli-default", "--default")
    assert "(the default plan)" in tariffs(backend, "import", str(source))  # the default, again
    assert tariffs(backend, "export") == GOOD
    source.write_text(GOOD.replace("RU-MTS", "RU-MTS-2"))
    tariffs(backend, "import", str(source), "--plan", "cli-other")
    tariffs(backend, "default", "cli-other")
    assert [z["zone"] for z in call_json(client, make_account(), get_price=1)["zones"]] == [
        "RU-MTS-2",
        "RU",
    ]


def test_assign_and_individual_prices(backend, tmp_path, client, make_account):
    account = make_account()
    source = tmp_path / "plan.csv"
    source.write_text(GOOD)
    tariffs(backend, "import", str(source), "--plan", "cli-own")
    tariffs(backend, "assign", account.login, "cli-own")
    tariffs(backend, "price", "set", account.login, "25001", "4,20")
    tariffs(backend, "price", "set", account.login, "25002", "4.35")
    tariffs(backend, "price", "unset", account.login, "25002")
    listed = tariffs(backend, "price", "list", account.login)
    assert "plan cli-own" in listed and "25001" in listed and "4.20" in listed
    reply = call_json(client, account, get_price=1)
    assert reply["codes"] == [{"mccmnc": "25001", "cost": "4.20"}]
    assert [z["name"] for z in reply["zones"]] == ["МТС", "Россия, прочие"]
    tariffs(backend, "unassign", account.login)
    with backend.engine.connect() as conn:
        assert service.plan_of(conn, account.login) == service.default_plan_name(conn)


def test_mistakes_exit_with_status_1_and_say_why(backend, make_account, tmp_path):
    login = make_account().login
    assert "no account 'nobody'" in tariffs(backend, "assign", "nobody", "x", code=1)
    assert "no tariff plan 'no-plan'" in tariffs(backend, "assign", login, "no-plan", code=1)
    assert "no tariff plan" in tariffs(backend, "export", "--plan", "no-plan", code=1)
    assert "5 or 6 digits" in tariffs(backend, "price", "set", login, "250", "1", code=1)
    assert "has no individual price" in tariffs(backend, "price", "unset", login, "25001", code=1)
    assert "cannot read" in tariffs(backend, "import", str(tmp_path / "missing.csv"), code=1)


def test_import_reads_standard_input_for_a_dash(backend):
    result = runner.invoke(
        tariffs_app,
        ["import", "-", "--plan", "cli-stdin", "--database", backend.url],
        input=GOOD.encode("utf-8"),
    )
    assert result.exit_code == 0, result.output
    assert tariffs(backend, "export", "--plan", "cli-stdin") == GOOD
