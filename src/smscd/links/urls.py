"""The two texts of a short link: the original URL it leads to, and its short code.

Decisions [ours] (docs/links.md): a link is an absolute ``http://`` or ``https://`` URL with
a host, at most :data:`MAX_LINK` characters, without spaces or control characters; it is
stored as given. Non-ASCII URLs (``https://пример.рф/путь``) are accepted and sent in the
``Location`` header in their ASCII form (IDNA host, percent-encoded rest). The host is
converted as browsers convert it, IDNA 2008 with UTS 46 mapping (the ``idna`` package), not
the standard library's IDNA 2003, which maps ``faß.de`` to another domain (``fass.de``) and
``⒈.com`` to ``1..com``; a host it refuses is not a usable link.

Codes are :data:`CODE_LENGTH` characters drawn from ``[0-9A-Za-z]`` by ``secrets``: about
47.6 bits, so that guessing one code takes on the order of 10^14 tries per existing link.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
from urllib.parse import quote, urlsplit

import idna

from smscd.errors import ParametersError

MAX_LINK = 2048
CODE_LENGTH = 8
CODE_ALPHABET = string.digits + string.ascii_letters
# What the redirect route accepts as a code before asking the database: longer codes than
# today's are allowed, so that a longer CODE_LENGTH later keeps the old links working.
CODE = re.compile(r"[0-9A-Za-z]{1,16}")
SCHEMES = ("http", "https")

_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\s]")
# RFC 3986 reserved and unreserved characters, and ``%``: kept as they are in a Location.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def url_hash(url: str) -> int:
    """The first 64 bits of the URL's SHA-256 as a signed integer (fits a BIGINT)."""
    digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def location(url: str) -> str:
    """``url`` as an ASCII ``Location`` value; UnicodeError (idna.IDNAError among them) or
    ValueError if it cannot be."""
    if url.isascii():
        return url
    parts = urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if not hostport.isascii():
        host, colon, port = hostport.partition(":")
        hostport = idna.encode(host, uts46=True).decode("ascii") + colon + port
    netloc = quote(userinfo, safe=_URL_SAFE) + at + hostport
    rest = url[len(parts.scheme) + 3 + len(parts.netloc) :]
    return f"{parts.scheme}://{netloc}{quote(rest, safe=_URL_SAFE)}"


def checked_link(text: str) -> str:
    """The ``link`` parameter of ``add``, validated; error 1 when it is not a usable URL."""
    if not 0 < len(text) <= MAX_LINK or _FORBIDDEN.search(text):
        raise ParametersError("link is empty, too long or has spaces")
    try:
        parts = urlsplit(text)
        if parts.scheme.lower() not in SCHEMES or not parts.hostname:
            raise ParametersError("link is not an http(s) URL with a host")
        _ = parts.port  # ValueError when the port is not a number in range
        location(text)
    except (ValueError, UnicodeError) as exc:
        raise ParametersError("link is not a URL") from exc
    if not text.lower().startswith(f"{parts.scheme.lower()}://"):
        raise ParametersError("link is not an absolute URL")  # "http:host" without slashes
    return text


def lookup_candidates(text: str) -> list[str]:
    """The stored links a ``get`` by ``link`` may mean: the text itself, and for a link
    written without a scheme (the reference's example ``link=mywebsite.ru``) its
    ``http://`` and ``https://`` forms."""
    if not text or len(text) > MAX_LINK:
        return []
    if "://" in text:
        return [text]
    return [text, f"http://{text}", f"https://{text}"]
