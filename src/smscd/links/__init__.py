"""Short links: creation, redirects with durable click counting, ``tinyurls.php``.

Public surface for other domains: what this package exports below (the links of a message,
send.php ``tinyurl=1``). Its modules are its own (``tables``, ``queries``, ``store``, ...):
only the layers above the domains (app, runtime, cli, demo) import them; pyproject.toml's
import contracts check it.
"""

from smscd.links.service import LinkService
from smscd.links.store import MessageLink, add_message_links
from smscd.links.urls import new_code

__all__ = ["LinkService", "MessageLink", "add_message_links", "new_code"]
