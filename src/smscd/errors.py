"""The error models: the API's, one exception per documented error code, and the
administrator's, one base class for what a CLI command refuses.

Raise API errors anywhere below the HTTP layer; ``smscd.http.replies`` renders them, in the
requested format and charset, in exactly one place. Texts are those of compat.md
("Error texts").

    ApiError
     ├── ParametersError        1  parameters error
     ├── AuthorisationError     2  authorise error
     ├── NotFoundError          3  message not found | operator not found | link not found
     ├── NoMoneyError           3  no money                     (send.php; carries the id)
     ├── IpBlockedError         4  ip is blocked
     ├── InvalidTimeError       5  invalid time                 (send.php)
     ├── DeleteError            5  error deleting message       (status.php del=1)
     ├── MessageDeniedError     6  message is denied            (send.php; carries the id)
     ├── InvalidNumberError     7  invalid number               (send.php; carries the id)
     ├── CannotDeliverError     8  can't to deliver             (send.php; carries the id)
     ├── DuplicateRequestError  9  duplicate request, wait a minute
     ├── TooManyConcurrentError 9  too many concurrent requests
     └── ServiceUnavailableError 9 service unavailable, try again later

Errors of send.php that concern a send carry its ``id`` (sending.md, "Error texts of the
sending side"), which the renderer writes after the code.

Administration (the CLI's commands, the demo seeder) raises an :class:`AdminError` whose
message says what is wrong; the CLI catches it in one place (cli/main.py) and prints it::

    AdminError
     ├── AccountError           accounts/service.py
     ├── LedgerError            billing/store.py
     ├── RateError              billing/rates.py
     ├── TariffError            tariffs/service.py
     ├── TariffFileError        tariffs/csvfile.py   (lists every problem of the file)
     ├── NumberingFileError     numbering/plan.py    (lists every problem of the files)
     ├── OperatorsFileError     numbering/operators.py
     ├── OverridesError         limits/policy.py
     ├── UnblockError           limits/blocks.py
     ├── LinkError              links/store.py
     ├── SenderError            sending/senders.py
     ├── RouteError             delivery/routing.py
     └── SeedError              demo/seed.py
"""

from __future__ import annotations

from collections.abc import Sequence


class ApiError(Exception):
    """An error the API answers with: a code and its text."""

    code: int = 0
    text: str = ""
    send_id: int | str | None = None  # the send this error concerns (send.php)

    def __init__(self, detail: str = "") -> None:
        # ``detail`` is for logs and tests only; it never reaches the client.
        super().__init__(detail or self.text)
        self.detail = detail


class ParametersError(ApiError):
    code = 1
    text = "parameters error"


class AuthorisationError(ApiError):
    code = 2
    text = "authorise error"


class NotFoundError(ApiError):
    """Error 3; its text names what was not found."""

    code = 3

    def __init__(self, what: str = "message") -> None:
        super().__init__(f"{what} not found")
        self.text = f"{what} not found"


class IpBlockedError(ApiError):
    code = 4
    text = "ip is blocked"


class SendError(ApiError):
    """An error of send.php about one send: written with its id."""

    def __init__(self, send_id: int | str, detail: str = "") -> None:
        super().__init__(detail)
        self.send_id = send_id


class NoMoneyError(SendError):
    code = 3
    text = "no money"


class InvalidTimeError(ApiError):
    code = 5
    text = "invalid time"  # [ours] (sending.md)


class DeleteError(ApiError):
    code = 5
    text = "error deleting message"  # [ours] (sending.md)


class MessageDeniedError(SendError):
    code = 6
    text = "message is denied"


class InvalidNumberError(SendError):
    code = 7
    text = "invalid number"


class CannotDeliverError(SendError):
    code = 8
    text = "can't to deliver"  # sic: the service's own words


class DuplicateRequestError(ApiError):
    code = 9
    text = "duplicate request, wait a minute"


class TooManyConcurrentError(ApiError):
    code = 9
    text = "too many concurrent requests"


class ServiceUnavailableError(ApiError):
    """Not an input error: the server could not answer (its database is unreachable, say).

    [ours] The reference has no code for this; 9 makes real clients back off and retry,
    which is what they should do. Logged server-side with the cause; the client sees only
    this text.
    """

    code = 9
    text = "service unavailable, try again later"


class AdminError(ValueError):
    """An administrative request that cannot be carried out; the message says why."""


class ProblemsError(AdminError):
    """A file that cannot be read, with every problem found in it (one line each), and
    what that means for the command (``outcome``)."""

    outcome = "nothing changed"

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)
