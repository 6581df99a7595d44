"""Where an account's notices go: the callback URL's rule, one for the CLI's
``account set-callback`` and the web console's settings page (docs/callbacks.md)."""

from __future__ import annotations

from urllib.parse import urlsplit

from smscd.errors import AdminError

MAX_URL = 2000  # [ours]: longer is not a handler's address


class CallbackUrlError(AdminError):
    """A callback URL that is not http(s) with a host."""


def checked_url(url: str) -> str:
    """``url`` stripped ('' stops the notices); CallbackUrlError unless it is http:// or
    https:// with a host."""
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a bad port raises here)
    except ValueError as exc:
        raise CallbackUrlError(f"not a URL: {url!r}") from exc
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or len(url) > MAX_URL
        or not url.isprintable()
        or " " in url
    ):
        raise CallbackUrlError(f"a callback URL is http:// or https:// with a host, not {url!r}")
    return url
