"""``smscd numbering`` through Typer's runner, on the test database."""

from __future__ import annotations

from typer.testing import CliRunner

from smscd.cli.numbering import numbering_app
from tests.numbering.helpers import EXTRA, SAMPLE, Row, def_file, import_standard

runner = CliRunner()


def smscd(backend, *args: str, code: int = 0, stdin: str | None = None) -> str:
    result = runner.invoke(numbering_app, [*args, "--database", backend.url], input=stdin)
    assert result.exit_code == code, result.output
    return result.output


def status(backend) -> str:
    return smscd(backend, "status")


def test_import_reports_what_it_imported(backend, tmp_path):
    extra = tmp_path / "DEF-extra.csv"
    extra.write_bytes(def_file(EXTRA, columns=7, encoding="cp1251"))
    out = smscd(backend, "import", str(SAMPLE), str(extra))
    assert "imported 19 ranges (5,273,400 numbers) from 2 file(s)" in out
    assert "ranges: 19" in status(backend)
    assert "files: rossvyaz-def-sample.csv, DEF-extra.csv" in status(backend)


def test_a_bad_file_changes_nothing_and_says_why(backend, tmp_path):
    import_standard(backend.engine)
    before = status(backend)
    bad = tmp_path / "DEF-9xx.csv"
    bad.write_bytes(def_file([Row("900", 0, 9, "X", "Y", "1234567890", capacity=9)]))
    out = smscd(backend, "import", str(SAMPLE), str(bad), code=1)
    assert "DEF-9xx.csv, line 2: Емкость 9 is not the size of the range (10)" in out
    assert "nothing imported: the previous plan stays" in out
    assert status(backend) == before


def test_a_file_that_is_not_a_plan_is_refused(backend, tmp_path):
    import_standard(backend.engine)
    before = status(backend)
    picture = tmp_path / "photo.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    out = smscd(backend, "import", str(picture), code=1)
    assert "photo.csv: not a text file" in out
    missing = smscd(backend, "import", str(tmp_path / "nope.csv"), code=1)
    assert "nope.csv" in missing
    assert status(backend) == before


def test_lookup_shows_the_reply_fields(backend):
    import_standard(backend.engine)
    out = smscd(backend, "lookup", "8 916 000-00-01", "70000000000", "--language", "en")
    assert out == (
        "phone = 79160000001, country = Russia, operator = MTS, "
        "region = г. Москва * Московская область, mcc = 250, mnc = 01, tz = 3\n"
        "phone = 70000000000, country = , operator = , region = , mcc = , mnc = , tz = \n"
    )
    assert "not a phone number" in smscd(backend, "lookup", "junk", code=1)


def test_operators_export_edit_import_and_reset(backend, tmp_path, operators_restored):
    exported = smscd(backend, "operators", "export")
    assert exported.startswith("inn;brand;brand_en;mnc;legal_name\n")
    assert '7740000076;МТС;MTS;01;"ПАО ""Мобильные ТелеСистемы"""' in exported

    assert "operator 7707840631 added" in smscd(
        backend, "operators", "set", "7707840631", "--brand", "СимТел", "--mnc", "77"
    )
    assert "7707840631;СимТел;СимТел;77;" in smscd(backend, "operators", "export")
    assert "operator 7707840631 changed" in smscd(
        backend, "operators", "set", "7707840631", "--brand", "Sim", "--brand-en", "Sim EN"
    )
    assert "the MNC has 2 or 3 digits" in smscd(
        backend, "operators", "set", "7707840631", "--brand", "X", "--mnc", "7", code=1
    )
    assert "operator 7707840631 removed" in smscd(backend, "operators", "remove", "7707840631")
    assert "no operator with INN 7707840631" in smscd(
        backend, "operators", "remove", "7707840631", code=1
    )

    path = tmp_path / "operators.csv"
    path.write_text("inn;brand;brand_en;mnc;legal_name\n7740000076;МТС;MTS;01;\n")
    assert "1 operators imported" in smscd(backend, "operators", "import", str(path))
    assert smscd(backend, "operators", "export").count("\n") == 2
    path.write_text("inn;brand\n")
    assert "nothing changed" in smscd(backend, "operators", "import", str(path), code=1)
    assert smscd(backend, "operators", "export").count("\n") == 2

    assert "(as shipped)" in smscd(backend, "operators", "reset")
    assert smscd(backend, "operators", "export") == exported


def test_operators_import_from_standard_input(backend, operators_restored):
    text = "inn;brand;brand_en;mnc;legal_name\n7740000076;МТС;MTS;01;\n"
    assert "1 operators imported" in smscd(backend, "operators", "import", "-", stdin=text)
