"""Numbering plans and operator lookup, ``info.php?get_operator=1``."""
