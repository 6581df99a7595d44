"""``smscd connectors add smtp|http``, ``connectors secret`` and ``connectors list``: a
password or token given as ``env:VAR`` is stored as the reference; given in clear it is
stored encrypted with SMSCD_SECRET_KEY (refused without one); an intake secret is shown
once and stored only as a keyed hash; no secret is ever in ``connectors list`` or the logs
(docs/security.md, "Intake and connector secrets")."""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

import pytest
from typer.testing import CliRunner

from smscd.cli.main import app
from smscd.delivery.connectors import registry
from smscd.delivery.connectors import secrets as stored_secrets

runner = CliRunner()
KEY = "test-secret-key-" + "k" * 16


def smscd(backend: Any, *args: str, key: str = "", stdin: str | None = None,
          code: int = 0) -> str:  # fmt: skip
    env = {"COLUMNS": "300", "SMSCD_SECRET_KEY": key}
    result = runner.invoke(app, [*args, "--database", backend.url], env=env, input=stdin)
    assert result.exit_code == code, result.output
    return result.output


def stored(backend: Any, name: str) -> dict[str, Any]:
    with backend.engine.connect() as conn:
        _kind, config = registry.found(conn, name)
    found = json.loads(config)
    assert isinstance(found, dict)
    return found


def listing(backend: Any) -> str:
    return smscd(backend, "connectors", "list")


def fresh(kind: str) -> str:
    return f"cli-{kind}-{secrets.token_hex(3)}"


SMTP = ("--host", "smtp.example", "--port", "587", "--from", "robot@shop.example",
        "--username", "robot")  # fmt: skip
URL = ("--url", "https://provider.example/messages")


@pytest.fixture(autouse=True)
def _logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


def no_secret_logged(caplog: pytest.LogCaptureFixture, *hidden: str) -> None:
    text = "\n".join(record.getMessage() for record in caplog.records)
    for secret in hidden:
        assert secret not in text


# -- smtp ------------------------------------------------------------------------------


def test_an_smtp_password_from_the_environment_is_stored_as_the_reference(backend, caplog):
    name = fresh("smtp")
    smscd(backend, "connectors", "add", "smtp", name, *SMTP, "--password", "env:SMTP_PW")
    assert stored(backend, name)["password"] == "env:SMTP_PW"
    assert "env:SMTP_PW" in listing(backend)


def test_an_smtp_password_in_clear_is_stored_encrypted_and_never_shown(backend, caplog):
    name = fresh("smtp")
    password = f"pw-{secrets.token_hex(8)}"
    out = smscd(backend, "connectors", "add", "smtp", name, *SMTP, "--password", password,
                key=KEY)  # fmt: skip
    assert password not in out
    kept = stored(backend, name)["password"]
    assert kept.startswith("enc:") and password not in kept
    assert stored_secrets.reveal(kept, KEY) == password
    with pytest.raises(stored_secrets.SecretError):
        stored_secrets.reveal(kept, "another key")
    shown = listing(backend)
    assert password not in shown and kept not in shown
    assert "(encrypted)" in shown.split(name, 1)[1].splitlines()[0]
    no_secret_logged(caplog, password)


def test_an_smtp_password_from_stdin_is_stored_encrypted(backend, caplog):
    name = fresh("smtp")
    password = f"pw-{secrets.token_hex(8)}"
    out = smscd(backend, "connectors", "add", "smtp", name, *SMTP, "--password", "-",
                key=KEY, stdin=password + "\n")  # fmt: skip
    assert password not in out
    assert stored_secrets.reveal(stored(backend, name)["password"], KEY) == password


def test_a_password_in_clear_without_a_secret_key_is_refused(backend, caplog):
    name = fresh("smtp")
    password = f"pw-{secrets.token_hex(8)}"
    out = smscd(backend, "connectors", "add", "smtp", name, *SMTP, "--password", password,
                code=1)  # fmt: skip
    assert "SMSCD_SECRET_KEY" in out and password not in out
    assert name not in listing(backend)
    no_secret_logged(caplog, password)


# -- http ------------------------------------------------------------------------------


def intake_secret(out: str) -> str:
    [line] = [line for line in out.splitlines() if line.startswith("intake secret")]
    return line.rsplit(" ", 1)[1]


def test_an_http_connectors_intake_secret_is_shown_once_and_stored_as_a_keyed_hash(backend, caplog):
    name = fresh("http")
    out = smscd(backend, "connectors", "add", "http", name, *URL, "--token", "env:PROV_TOKEN")
    secret = intake_secret(out)
    assert len(secret) >= 43
    config = stored(backend, name)
    assert secret not in json.dumps(config)
    assert stored_secrets.matches(config["salt"], config["digest"], secret)
    assert not stored_secrets.matches(config["salt"], config["digest"], secret + "x")
    assert config["token"] == "env:PROV_TOKEN"
    shown = listing(backend)
    assert secret not in shown
    assert config["salt"] not in shown and config["digest"] not in shown
    assert "env:PROV_TOKEN" in shown
    no_secret_logged(caplog, secret)


def test_an_http_token_in_clear_is_stored_encrypted_and_never_listed(backend, caplog):
    name = fresh("http")
    token = f"tok-{secrets.token_hex(8)}"
    out = smscd(backend, "connectors", "add", "http", name, *URL, "--token", token, key=KEY)
    assert token not in out
    kept = stored(backend, name)["token"]
    assert kept.startswith("enc:") and stored_secrets.reveal(kept, KEY) == token
    assert token not in listing(backend)
    smscd(backend, "connectors", "add", "http", fresh("http"), *URL, "--token", token, code=1)
    no_secret_logged(caplog, token)


def test_an_intake_secret_from_stdin_is_not_printed(backend, caplog):
    name = fresh("http")
    secret = f"given-{secrets.token_hex(12)}"
    out = smscd(backend, "connectors", "add", "http", name, *URL, "--secret-stdin",
                stdin=secret + "\n")  # fmt: skip
    assert secret not in out and "intake secret" not in out
    config = stored(backend, name)
    assert stored_secrets.matches(config["salt"], config["digest"], secret)
    out = smscd(backend, "connectors", "add", "http", fresh("http"), *URL, "--secret-stdin",
                stdin="short\n", code=1)  # fmt: skip
    assert "at least 16 characters" in out


def accepted(backend: Any, name: str, secret: str) -> bool:
    config = stored(backend, name)
    kept = [(config["salt"], config["digest"])]
    if "old_salt" in config:
        kept.append((config["old_salt"], config["old_digest"]))
    return any(stored_secrets.matches(salt, digest, secret) for salt, digest in kept)


def test_a_rotation_accepts_both_secrets_until_the_old_one_is_ended(backend, caplog):
    name = fresh("http")
    old = intake_secret(smscd(backend, "connectors", "add", "http", name, *URL))
    new = intake_secret(smscd(backend, "connectors", "secret", name))
    assert new != old
    assert accepted(backend, name, new) and accepted(backend, name, old)
    assert stored(backend, name)["url"] == URL[1]  # the rest is kept
    shown = listing(backend)
    assert old not in shown and new not in shown and "old_digest" not in shown
    out = smscd(backend, "connectors", "secret", name, "--end-old")
    assert "intake secret:" not in out
    assert accepted(backend, name, new) and not accepted(backend, name, old)
    no_secret_logged(caplog, old, new)
    given = f"given-{secrets.token_hex(12)}"
    out = smscd(backend, "connectors", "secret", name, "--secret-stdin", stdin=given + "\n")
    assert given not in out
    assert accepted(backend, name, given) and accepted(backend, name, new)


def test_only_http_connectors_have_an_intake_secret(backend):
    name = fresh("smtp")
    smscd(backend, "connectors", "add", "smtp", name, *SMTP)
    assert "only http ones" in smscd(backend, "connectors", "secret", name, code=1)
    assert "no connector" in smscd(backend, "connectors", "secret", fresh("none"), code=1)
