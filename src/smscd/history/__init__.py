"""Sent messages and ``get.php?get_messages=1``."""
