"""send.php SQL: point lookups and one counter, bound to the authenticated account."""

DEFAULT_SENDER = "SELECT default_sender FROM accounts WHERE id = ?"
SENDER = "SELECT 1 FROM senders WHERE account_id = ? AND name = ?"
# The sender names of the web console (senders.py): the CLI's, on the gateway.
SENDER_NAMES = "SELECT name FROM senders WHERE account_id = ? ORDER BY name"
ADD_SENDER = "INSERT INTO senders (account_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING"
SET_DEFAULT_SENDER = "UPDATE accounts SET default_sender = ? WHERE id = ?"
REMOVE_SENDER = "DELETE FROM senders WHERE account_id = ? AND name = ?"
UNSET_DEFAULT_SENDER = "UPDATE accounts SET default_sender = '' WHERE id = ? AND default_sender = ?"

# The id of a send that came without one: the account's counter, taken in the unit of work
# that writes the send (a rolled-back send gives its id back).
NEXT_SEND_ID = (
    "UPDATE accounts SET last_send_id = last_send_id + 1 WHERE id = ? RETURNING last_send_id"
)
PEEK_SEND_ID = "SELECT last_send_id + 1 FROM accounts WHERE id = ?"
