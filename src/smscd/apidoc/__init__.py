"""The published description of the API: OpenAPI at /openapi.json, a readable page at /docs."""
