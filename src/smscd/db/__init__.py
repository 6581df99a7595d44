"""Storage: the schema's metadata, engines, the async read gateway and migrations."""
