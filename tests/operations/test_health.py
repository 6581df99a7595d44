"""/readyz and /metrics in process, on both databases."""

from __future__ import annotations

from starlette.testclient import TestClient

from smscd.app import create_app
from smscd.settings import load_settings
from tests.conftest import TEST_SETTINGS
from tests.servers import free_port


def test_readyz_fails_when_redis_cannot_be_reached(backend, clock):
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens there
    settings = load_settings(
        database_url=backend.url,
        **{**TEST_SETTINGS, "rate_limits": True, "redis_url": closed},
        background_in_serve=False,
        readyz_timeout_seconds=1.0,
    )
    with TestClient(create_app(settings, clock=clock)) as client:
        reply = client.get("/readyz")
    assert reply.status_code == 503
    assert reply.json() == {
        "ready": False,
        "checks": {"database": "ok", "redis": "failed"},
        "failed": ["redis"],
    }


def test_metrics_read_the_queue_from_either_database(client):
    reply = client.get("/metrics")  # the test client's address is 127.0.0.1: allowed
    assert reply.status_code == 200
    assert 'smscd_queue_messages{state="queued"}' in reply.text
    assert "smscd_callbacks_pending " in reply.text


def test_metrics_refuse_an_address_not_allowed(backend, clock):
    settings = load_settings(database_url=backend.url, **TEST_SETTINGS)
    with TestClient(create_app(settings, clock=clock), client=("192.0.2.7", 5000)) as client:
        assert client.get("/metrics").status_code == 403
