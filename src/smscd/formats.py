"""Message format codes (compat.md, "Message format codes"): history's ``format`` field and
the flags send.php takes."""

from __future__ import annotations

import enum


class MessageFormat(enum.IntEnum):
    SMS = 0
    FLASH = 1
    WAP_PUSH = 2
    HLR = 3
    BINARY = 4
    BINARY_HEX = 5
    PING = 6
    MMS = 7
    EMAIL = 8  # history's format=8; ``phone`` holds the address
    CALL = 9
    VIBER = 10
    SOCIAL = 11


EMAIL_FORMAT = MessageFormat.EMAIL
