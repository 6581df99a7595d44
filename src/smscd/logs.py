"""smscd's logs as JSON lines, and the request log (docs/operations.md, "Logs").

Every log record of a server worker is one JSON object on one line of standard output:
``time`` (UTC), ``level``, ``logger``, then either ``message`` (with ``traceback`` when
there is one, as a string inside the line) or, for the request log ``smscd.access``, the
request's fields (http/observe.py writes them). JSON rather than logfmt **[ours]**: every
log shipper reads it without a grammar of its own, and values with spaces or quotes need
no rules of ours. What a line may hold is decided where it is written: the request log
names the login, never a password, an API key or a token, and the path, never the query.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

ACCESS = logging.getLogger("smscd.access")
_MARK = "_smscd_json"


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"), default=str)


def configure(level: str) -> None:
    """Send smscd's logs (``smscd`` and below) to standard output as JSON lines at
    ``level`` (a server worker calls it once at start; again, it changes nothing)."""
    root = logging.getLogger("smscd")
    root.setLevel(level.upper())
    if any(getattr(handler, _MARK, False) for handler in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonLines())
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    root.propagate = False
