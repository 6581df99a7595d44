"""smscd: a self-hosted SMS platform server speaking the SMSC.ru HTTP API."""

__version__ = "0.1.0"
