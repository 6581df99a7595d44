"""billing tables (filled in by the billing work)."""
