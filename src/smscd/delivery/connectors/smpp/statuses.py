"""``submit_sm_resp`` command statuses -> what became of the submission (base.Result) and,
for a refusal, our err (compat.md). The table is in docs/carriers.md ("Submission
statuses"); a status not named there is permanent, err 255 (rejected by operator)."""

from __future__ import annotations

from smscd.delivery.connectors.base import Result

OK = 0x00
THROTTLED = 0x58  # ESME_RTHROTTLED
# Temporary: the peer's own trouble, worth another try later.
TEMPORARY = {
    0x08: "ESME_RSYSERR",
    0x14: "ESME_RMSGQFUL",
    0x45: "ESME_RSUBMITFAIL",
    0x64: "ESME_RX_T_APPN",
    0xFE: "ESME_RDELIVERYFAILURE",
}
# Permanent, with our err.
PERMANENT = {
    0x01: ("ESME_RINVMSGLEN", 241),
    0x02: ("ESME_RINVCMDLEN", 241),
    0x0A: ("ESME_RINVSRCADR", 254),
    0x0B: ("ESME_RINVDSTADR", 249),
    0x0C: ("ESME_RINVMSGID", 255),
    0x33: ("ESME_RINVNUMDESTS", 249),
    0x48: ("ESME_RINVSRCTON", 254),
    0x49: ("ESME_RINVSRCNPI", 254),
    0x50: ("ESME_RINVDSTTON", 249),
    0x51: ("ESME_RINVDSTNPI", 249),
    0x61: ("ESME_RINVSCHED", 255),
    0x62: ("ESME_RINVEXPIRY", 255),
    0x63: ("ESME_RINVDFTMSGID", 255),
    0x67: ("ESME_RX_R_APPN", 255),
    0x0D: ("ESME_RBINDFAIL", 255),
    0x0E: ("ESME_RINVPASWD", 255),
    0x0F: ("ESME_RINVSYSID", 255),
    0x11: ("ESME_RCANCELFAIL", 255),
    0x40: ("ESME_RINVDESTFLAG", 249),
    0xC0: ("ESME_RINVOPTPARSTREAM", 241),
    0xC1: ("ESME_ROPTPARNOTALLWD", 241),
    0xC2: ("ESME_RINVPARLEN", 241),
    0xC4: ("ESME_RINVOPTPARAMVAL", 241),
}
MALFORMED = {0x03: "ESME_RINVCMDID", 0x04: "ESME_RINVBNDSTS", 0xFF: "ESME_RUNKNOWNERR"}


def result(status: int) -> tuple[Result, int, str]:
    """(result, err, name) of a submit_sm_resp status."""
    if status == OK:
        return Result.ACCEPTED, 0, "ESME_ROK"
    if status == THROTTLED:
        return Result.THROTTLED, 0, "ESME_RTHROTTLED"
    if status in TEMPORARY:
        return Result.TEMPORARY, 0, TEMPORARY[status]
    if status in PERMANENT:
        name, err = PERMANENT[status]
        return Result.REJECTED, err, name
    if status in MALFORMED:
        return Result.MALFORMED, 241, MALFORMED[status]
    return Result.REJECTED, 255, f"status 0x{status:08X}"
