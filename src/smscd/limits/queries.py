"""SQL of the request path (run through smscd.db.gateway)."""

# The newest unblock request so far: a block made now is lifted only by a later one.
LAST_UNBLOCK = "SELECT COALESCE(MAX(id), 0) FROM ip_unblocks"

UNBLOCKED_AFTER = "SELECT id FROM ip_unblocks WHERE subject = ? AND id > ? LIMIT 1"
