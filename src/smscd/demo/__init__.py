"""Demo data: two accounts with months of realistic history (``smscd seed-demo``)."""
