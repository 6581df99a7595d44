"""SMPP 3.4: smscd as an ESME toward an upstream SMSC (docs/carriers.md, "SMPP").

Our own small PDU layer rather than aiosmpplib (docs/carriers.md says why): ``pdu`` the
wire codec, ``text`` the alphabets and the splitting into parts, ``receipts`` what a
delivery receipt says, ``config`` the connector's settings, ``session`` one bind, and
``connector`` the binds of one connector behind the Connector protocol.
"""
