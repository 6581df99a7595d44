"""links tables (filled in by the links work)."""
