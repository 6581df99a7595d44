"""Every setting of smscd, read once.

Settings come from the environment (``SMSCD_<NAME>``) and, when ``SMSCD_CONFIG`` names one, a
TOML file whose keys are the same names in lower case. The environment wins over the file.
Nothing else in smscd reads ``os.environ``: code receives a :class:`Settings` instance.
Every field here is documented in ``docs/configuration.md``; a test keeps the two in step.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict


class _TomlFile(PydanticBaseSettingsSource):
    """The optional configuration file named by ``SMSCD_CONFIG``."""

    def __init__(self, settings_cls: type[BaseSettings], path: str | None) -> None:
        super().__init__(settings_cls)
        self._data: dict[str, Any] = {}
        if path:
            with Path(path).open("rb") as fh:
                self._data = {k.lower(): v for k, v in tomllib.load(fh).items()}

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    """The deployment's configuration. Field descriptions are the documentation."""

    model_config = SettingsConfigDict(env_prefix="SMSCD_", extra="ignore", frozen=True)

    database_url: str = Field(
        "sqlite:///smscd.db",
        description="Where the data lives: `sqlite:///PATH` (the default, embedded) or "
        "`postgresql://USER@HOST:PORT/DB`.",
    )
    host: str = Field("127.0.0.1", description="Address `smscd serve` listens on.")
    port: int = Field(8000, description="Port `smscd serve` listens on.")
    workers: int = Field(1, ge=1, description="Server processes started by `smscd serve`.")
    sqlite_threads: int = Field(
        2,
        ge=1,
        le=32,
        description="Threads (each with its own connection) that run SQLite queries in a worker.",
    )
    sqlite_inline_read_ms: float = Field(
        5.0,
        ge=0,
        le=1000,
        description="SQLite: run each read on the event loop first, for at most this many "
        "milliseconds; a read that takes longer is interrupted and runs in the thread pool "
        '(docs/performance.md, "The history path"). 0: every read in the pool.',
    )
    pg_pool_size: int = Field(
        10, ge=1, le=200, description="Connections in each worker's PostgreSQL pool."
    )
    sqlite_group_commit_max: int = Field(
        256,
        ge=1,
        le=10_000,
        description="SQLite: the most units of work one durable commit holds (group commit: "
        "units that wait while a commit runs share the next one). 1: a commit for each.",
    )
    background_in_serve: bool = Field(
        True,
        description="Run the background jobs (delivery, maintenance) inside `smscd serve` "
        "too. Off when a separate `smscd worker` tier runs them.",
    )
    maintenance_seconds: int = Field(
        3600, ge=1, description="How often the background maintenance jobs run."
    )

    # -- delivery: the queue's workers (docs/sending.md, "Delivery") --
    delivery_poll_seconds: float = Field(
        0.2, gt=0, description="How often a delivery worker looks for due messages when idle."
    )
    delivery_batch: int = Field(
        100, ge=1, description="The most messages a worker claims for one connector at once."
    )
    delivery_lease_seconds: float = Field(
        60.0,
        ge=5,
        description="How long a claim lasts unless its worker renews it; a dead worker's "
        "messages go back to the queue after this.",
    )
    delivery_maintenance_seconds: float = Field(
        5.0,
        gt=0,
        description="How often a worker renews its leases, rescues expired ones, expires "
        "overdue messages and follows connector changes (at most a third of the lease).",
    )
    delivery_max_attempts: int = Field(
        5, ge=1, description="Submissions of a message before a temporary failure is final."
    )
    retry_base_seconds: float = Field(
        10.0, gt=0, description="The wait after a first temporary failure; doubles each try."
    )
    callback_timeout_seconds: float = Field(
        10.0, gt=0, description="How long a callback handler may take to answer a notice."
    )
    callback_retry_seconds: float = Field(
        5.0, gt=0, description="The wait after a notice's first failed post; doubles each try."
    )
    callback_max_attempts: int = Field(
        12, ge=1, description="Posts of one notice before it is given up."
    )
    retry_max_seconds: float = Field(
        900.0, gt=0, description="The longest wait between two tries of a message."
    )
    max_body_bytes: int = Field(
        1_048_576, ge=1024, description="Largest request body accepted; larger ones get error 1."
    )
    max_params: int = Field(
        1000,
        ge=100,
        description="The most parameters one `/sys/*.php` request may carry, query string and "
        "body together (urlencoded pairs; multipart parts, named or not); more is error 1. "
        "Bounds the work of reading a body, which comes before authentication.",
    )
    max_query_bytes: int = Field(
        32_768,
        ge=1024,
        description="Longest query string accepted on `/sys/*.php`; longer ones get error 1 "
        "(the HTTP server itself refuses request lines over 64 KiB with 414).",
    )
    default_timezone: str = Field(
        "Europe/Moscow", description="Time zone given to new accounts unless one is named."
    )
    default_currency: str = Field("RUB", description="Currency given to new accounts.")
    auth_cache_seconds: int = Field(
        300,
        ge=0,
        description="How long a verified login+password stays verified in a worker's memory "
        "(as a keyed hash, never the password), so that argon2 runs once, not per request. "
        "0 disables the cache.",
    )
    account_cache_seconds: int = Field(
        60,
        ge=0,
        description="PostgreSQL: how long a worker may answer accepted credentials from memory "
        "without reading the account's row. The database announces every change to an account "
        "or its keys, and a worker keeps nothing while it cannot hear those notices "
        "(docs/security.md); this is the limit for one it failed to hear. 0 disables the cache. "
        "SQLite has no such cache.",
    )
    argon2_time_cost: int = Field(3, ge=1, description="argon2id passes for password hashes.")
    argon2_memory_kib: int = Field(
        65536, ge=8, description="argon2id memory, in KiB, for password hashes."
    )
    log_level: str = Field("info", description="Server log level: debug, info, warning, error.")

    # -- protection settings: rate limits (error 9), IP blocks (error 4); docs/protection.md --
    rate_limits: bool = Field(
        True,
        description="`on` (true) or `off` (false): every rate limit, the in-flight cap and IP "
        "blocking together. Off is for local development and benchmarks.",
    )
    limit_identical_per_minute: int = Field(
        3,
        ge=0,
        description="Identical requests (same login, action and parameters) a login may make "
        "in a minute to get_messages, get_answers, get_price, get_operator and tinyurls get; "
        "the next is error 9. 0: no limit. Each `limit_*` can be overridden per account.",
    )
    limit_history_per_hour: int = Field(
        30, ge=0, description="get_messages requests of any kind a login may make in an hour."
    )
    limit_stat_per_minute: int = Field(
        3, ge=0, description="get_stat requests of any kind a login may make in a minute."
    )
    limit_operator_per_minute: int = Field(
        100, ge=0, description="get_operator requests of any kind a login may make in a minute."
    )
    limit_send_identical_per_minute: int = Field(
        1, ge=0, description="Identical send.php requests a login may make in a minute."
    )
    limit_cost_identical_per_minute: int = Field(
        5, ge=0, description="Identical send.php cost=1 requests a login may make in a minute."
    )
    limit_status_identical_per_minute: int = Field(
        5,
        ge=0,
        description="status.php requests for the same message a login may make in a minute.",
    )
    limit_status_list_per_minute: int = Field(
        1, ge=0, description="status.php list requests a login may make in a minute."
    )
    limit_balance_per_minute: int = Field(
        10, ge=0, description="balance.php requests a login may make in a minute."
    )
    limit_in_flight: int = Field(
        14,
        ge=0,
        description="Requests of one login that may run at once; the next is error 9 `too many "
        "concurrent requests` (the reference: fifteen or more at once are refused).",
    )
    limit_in_flight_lease_seconds: float = Field(
        30.0,
        ge=1,
        description="With Redis: how long an in-flight slot lives unless its worker renews it "
        "(every third of this); the slots of a worker that died are free after at most this.",
    )
    ip_block_failures: int = Field(
        5,
        ge=0,
        description="Failed authorisations from one address within `ip_block_window_seconds` "
        "that block it (error 4). 0: addresses are never blocked.",
    )
    ip_block_window_seconds: int = Field(
        1800, ge=1, description="The window in which failed authorisations are counted."
    )
    ip_block_seconds: int = Field(1800, ge=1, description="How long a blocked address stays so.")
    ip_block_ipv6_prefix: int = Field(
        64,
        ge=32,
        le=128,
        description="IPv6 clients are counted and blocked by network of this prefix length "
        "(64: one subscriber's allocation; 128: each address alone).",
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses or networks of reverse proxies whose "
        "`X-Forwarded-For` names the client; from any other peer the header is ignored.",
    )
    redis_url: str = Field(
        "",
        description="`redis://HOST:PORT/DB`: keep limits and IP blocks in Redis, shared by every "
        "worker and machine. Empty: in each process's memory.",
    )
    redis_prefix: str = Field(
        "smscd:", description="Prefix of every Redis key smscd writes (to share one Redis)."
    )
    redis_timeout_seconds: float = Field(
        1.0,
        gt=0,
        description="How long a request waits for Redis before it is served without its limits "
        "(logged); limits never turn a Redis outage into an API outage.",
    )

    # -- billing settings --
    base_currency: str = Field(
        "RUB",
        pattern=r"^[A-Z]{3}$",
        description="The currency get_stat reports in unless the request says mycur=1.",
    )
    # -- tariffs settings --
    # -- numbering settings --
    numbering_refresh_seconds: int = Field(
        30,
        ge=1,
        description="How often a worker checks whether new numbering data was imported.",
    )
    # -- links settings --
    links_base_url: str = Field(
        "http://127.0.0.1:8000/",
        description="The start of every short URL; the link's code is appended to it "
        "(after a `/`, added when the value does not end with one).",
    )
    links_commit_wait_ms: float = Field(
        0.0,
        ge=0,
        le=1000,
        description="How long the click writer gathers clicks after the first one of a batch "
        "before committing them together (each redirect waits for its click's commit). With 0 "
        "a batch is what arrived while the previous commit ran, which grows with the load.",
    )
    links_commit_max_clicks: int = Field(
        256,
        ge=1,
        le=5000,
        description="The most clicks one commit holds; as many queued end the writer's wait.",
    )
    links_cache_size: int = Field(
        10_000,
        ge=0,
        description="Short links a worker keeps in memory for redirects (0: none). Each entry "
        "is re-read from the database after a minute.",
    )
    # -- carriers settings --
    secret_key: SecretStr = Field(
        SecretStr(""),
        description="Key that encrypts connector passwords stored in the database (`smscd "
        "connectors add smtp ... --password`); a long random string. Empty: passwords can "
        "only be given as `env:VARIABLE` references (docs/carriers.md).",
    )
    intake_max_body_bytes: int = Field(
        262_144,
        ge=1024,
        description="The largest body `POST /intake/{connector}` reads (a provider's receipts "
        "and incoming messages); a longer one is refused with 413.",
    )

    # -- observability: /metrics, the request log, /readyz (docs/operations.md) --
    metrics: bool = Field(
        True,
        description="Count requests, deliveries and refusals for Prometheus and serve them at "
        "`/metrics`. Off: `/metrics` answers 404 and requests are not counted.",
    )
    metrics_allow: str = Field(
        "127.0.0.1,::1",
        description="Comma-separated addresses or networks that may read `/metrics` without a "
        "token (the client's address as `trusted_proxies` defines it). Empty: none.",
    )
    metrics_token_sha256: str = Field(
        "",
        description="Hex SHA-256 of a bearer token that may read `/metrics` from any address "
        "(`Authorization: Bearer TOKEN`); only the hash is stored. Empty: no token is accepted.",
    )
    metrics_dir: str = Field(
        "",
        description="Where `smscd serve`'s worker processes keep their metric files "
        "(prometheus-client's multiprocess mode); emptied at start. Empty: a fresh temporary "
        "directory per run, removed at exit.",
    )
    access_log: bool = Field(
        True,
        description="Write one JSON line per HTTP request (action, login, result, duration, "
        "client address; never a password, key or token) to the `smscd.access` log.",
    )
    readyz_timeout_seconds: float = Field(
        2.0,
        gt=0,
        le=60,
        description="How long `/readyz` waits for the database and for Redis before it "
        "reports them as failed.",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for item in value.split(","):
            if item.strip():
                ipaddress.ip_network(item.strip(), strict=False)  # ValueError: a bad setting
        return value

    @field_validator("metrics_allow")
    @classmethod
    def _allowed(cls, value: str) -> str:
        for item in value.split(","):
            if item.strip():
                ipaddress.ip_network(item.strip(), strict=False)  # ValueError: a bad setting
        return value

    @field_validator("metrics_token_sha256")
    @classmethod
    def _sha256(cls, value: str) -> str:
        if value and (len(value) != 64 or value.strip("0123456789abcdefABCDEF")):
            raise ValueError("metrics_token_sha256 is 64 hex digits (the token's SHA-256)")
        return value.lower()


def load_settings(**overrides: Any) -> Settings:
    """Read the settings once: environment over configuration file over defaults."""

    config_path = os.environ.get("SMSCD_CONFIG")

    class _Loaded(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (init_settings, env_settings, _TomlFile(settings_cls, config_path))

    return Settings(**_Loaded(**overrides).model_dump())


def environment_secret(name: str) -> str | None:
    """The value of the environment variable ``name`` (a connector's ``env:NAME`` password
    reference, read when the connector is built), or None if it is not set."""
    return os.environ.get(name)
