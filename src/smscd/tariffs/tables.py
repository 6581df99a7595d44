"""tariffs tables (filled in by the tariffs work)."""
