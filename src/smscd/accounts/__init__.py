"""Accounts and sub-clients, their passwords and API keys."""
