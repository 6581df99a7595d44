"""SQL of the request path (run through smscd.db.gateway)."""

# The newest unblock request so far: a block made now is lifted only by a later one.
LAST_UNBLOCK = "SELECT COALESCE(MAX(id), 0) FROM ip_unblocks"

UNBLOCKED_AFTER = "SELECT id FROM ip_unblocks WHERE subject = ? AND id > ? LIMIT 1"

# Unblock requests older than any block that can still live; the newest row stays, so that
# ids keep growing (SQLite would give a new row of an empty table the id 1, below the
# marks that live blocks hold).
PRUNE_UNBLOCKS = (
    "DELETE FROM ip_unblocks WHERE created_at < ? AND id < (SELECT MAX(id) FROM ip_unblocks)"
)

# An unblock request (`smscd ip unblock`, the operator pages): params subject, created_at.
REQUEST_UNBLOCK = "INSERT INTO ip_unblocks (subject, created_at) VALUES (?, ?)"
