"""Incoming messages and ``get.php?get_answers=1``."""
