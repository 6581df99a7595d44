"""The ledger (charges and payments, two balances), currency rates, ``get_stat``."""
