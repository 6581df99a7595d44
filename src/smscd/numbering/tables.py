"""numbering tables (filled in by the numbering work)."""
