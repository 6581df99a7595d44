"""Properties of smscd's own SMPP 3.4 codec (smpp/pdu.py, text.py, receipts.py,
statuses.py): every PDU we build decodes to itself, octets that are not a PDU raise only
PduError, any text splits into parts that fit and join back, text receipts read back what
they say and hostile ones never raise, and every command status maps somewhere."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from smscd import segments
from smscd.delivery.connectors.base import Final, Result
from smscd.delivery.connectors.smpp import pdu as wire
from smscd.delivery.connectors.smpp import receipts, statuses, text

U32 = st.integers(0, 0xFFFFFFFF)
OCTET = st.integers(0, 255)
SEQUENCE = st.integers(1, 0x7FFFFFFF)
LATIN1_NO_NUL = st.characters(min_codepoint=1, max_codepoint=255)


def c_string(name: str) -> st.SearchStrategy[str]:
    """A value of the C-octet string field ``name``: latin-1, no NUL, within its size."""
    return st.text(LATIN1_NO_NUL, max_size=wire.C_STRING_MAX.get(name, 256) - 1)


def field_values(names: tuple[str, ...]) -> st.SearchStrategy[dict[str, int | str | bytes]]:
    strategies: dict[str, st.SearchStrategy[int | str | bytes]] = {}
    for name in names:
        if name == "short_message":
            # Lengths past 127 too: the length octet is unsigned.
            strategies[name] = st.binary(max_size=254) | st.binary(min_size=128, max_size=254)
        elif name in wire.INTEGER_FIELDS:
            strategies[name] = OCTET
        else:
            strategies[name] = c_string(name)
    return st.fixed_dictionaries(strategies)


TLVS = st.dictionaries(
    st.one_of(st.sampled_from(list(wire.Tag)), st.integers(0, 0xFFFF)),
    st.binary(max_size=300),
    max_size=6,
)
BODILESS = [wire.Command.ENQUIRE_LINK, wire.Command.ENQUIRE_LINK_RESP, wire.Command.UNBIND,
            wire.Command.UNBIND_RESP, wire.Command.GENERIC_NACK]  # fmt: skip


@st.composite
def pdus(draw: st.DrawFn) -> wire.Pdu:
    """Any PDU smscd builds or parses, with a body it can carry."""
    kind = draw(st.sampled_from(["bind", "bind_resp", "sm", "sm_resp", "bodiless", "error"]))
    sequence = draw(SEQUENCE)
    if kind == "bind":
        command = draw(st.sampled_from(wire.BINDS))
        return wire.Pdu(command, sequence, 0, draw(field_values(wire.BIND_FIELDS)), draw(TLVS))
    if kind == "bind_resp":
        command = draw(st.sampled_from(wire.BINDS)) | 0x80000000
        fields = draw(field_values(("system_id",)))
        return wire.Pdu(command, sequence, 0, fields, draw(TLVS))
    if kind == "sm":
        command = draw(st.sampled_from([wire.Command.SUBMIT_SM, wire.Command.DELIVER_SM]))
        return wire.Pdu(command, sequence, 0, draw(field_values(wire.SM_FIELDS)), draw(TLVS))
    if kind == "sm_resp":
        command = draw(st.sampled_from([wire.Command.SUBMIT_SM_RESP,
                                        wire.Command.DELIVER_SM_RESP]))  # fmt: skip
        return wire.Pdu(command, sequence, 0, draw(field_values(("message_id",))))
    if kind == "bodiless":
        command = draw(st.sampled_from(BODILESS))
        status = draw(U32) if command == wire.Command.GENERIC_NACK else 0
        return wire.Pdu(command, sequence, status)
    # A refusal: an error status, and (SMPP 3.4 3.3) no body.
    command = draw(st.sampled_from([c for c in wire.Command if c & 0x80000000]))
    return wire.Pdu(command, sequence, draw(st.integers(1, 0xFFFFFFFF)))


@given(pdus())
def test_every_pdu_decodes_to_itself(pdu: wire.Pdu) -> None:
    data = wire.encode(pdu)
    assert struct.unpack(">I", data[:4])[0] == len(data)
    assert wire.decode(data) == pdu


@given(field_values(wire.SM_FIELDS), SEQUENCE)
def test_submit_sm_fields_sit_where_smpp_puts_them(fields: dict, sequence: int) -> None:
    """Independent of decode: the header, then service_type's C string first and
    short_message (length octet + octets) last (SMPP 3.4 4.4.1)."""
    data = wire.encode(wire.Pdu(wire.Command.SUBMIT_SM, sequence, 0, fields))
    assert data[4:16] == struct.pack(">III", 4, 0, sequence)
    service = str(fields["service_type"]).encode("latin-1")
    assert data[16 : 16 + len(service) + 1] == service + b"\0"
    message = bytes(fields["short_message"])  # type: ignore[arg-type]
    assert data[len(data) - len(message) - 1 :] == bytes([len(message)]) + message


def test_an_error_response_with_a_body_is_still_read() -> None:
    """Some SMSCs send message_id "" in a refused submit_sm_resp, against SMPP 3.4 4.4.2:
    the status must still reach the submitter (else it waits out response_timeout)."""
    data = struct.pack(">IIII", 17, wire.Command.SUBMIT_SM_RESP, 0x58, 9) + b"\0"
    pdu = wire.decode(data)
    assert (pdu.command, pdu.status, pdu.sequence) == (wire.Command.SUBMIT_SM_RESP, 0x58, 9)


@given(pdus(), st.data())
def test_a_truncated_pdu_raises_pdu_error(pdu: wire.Pdu, data: st.DataObject) -> None:
    octets = wire.encode(pdu)
    cut = data.draw(st.integers(0, len(octets) - 1))
    with pytest.raises(wire.PduError):
        wire.decode(octets[:cut])


def _decodes_or_pdu_error(octets: bytes) -> None:
    try:
        found = wire.decode(octets)
    except wire.PduError:
        return
    # What it read, it can write again (when it is writable: decode is lenient about field
    # sizes), and that writing is stable. (A body-less bind reads as no fields and writes
    # its defaults, so found itself is not the fixed point.)
    try:
        again = wire.encode(found)
    except wire.PduError:
        return
    assert wire.encode(wire.decode(again)) == again


@given(st.binary(max_size=400))
def test_garbage_raises_only_pdu_error(octets: bytes) -> None:
    _decodes_or_pdu_error(octets)


@given(st.sampled_from(list(wire.Command)), U32, SEQUENCE, st.binary(max_size=400))
@example(wire.Command.SUBMIT_SM, 0, 1, b"\0" * 12)  # fields cut short
@example(wire.Command.DELIVER_SM, 0, 1, b"\0" * 15 + b"\xff")  # short_message past the end
@example(wire.Command.SUBMIT_SM_RESP, 0, 1, b"P1")  # message_id without its NUL
def test_a_garbage_body_under_a_valid_header_raises_only_pdu_error(
    command: int, status: int, sequence: int, body: bytes
) -> None:
    _decodes_or_pdu_error(struct.pack(">IIII", 16 + len(body), command, status, sequence) + body)


@given(st.binary(min_size=16, max_size=16))
def test_a_header_is_read_or_refused(head: bytes) -> None:
    try:
        length, *_ = wire.header(head)
    except wire.PduError:
        return
    assert wire.HEADER.size <= length <= wire.MAX_PDU


def test_fields_past_their_size_are_refused_on_encode() -> None:
    too_long = wire.Pdu(wire.Command.BIND_TRANSCEIVER, 1, fields={"system_id": "x" * 16})
    with pytest.raises(wire.PduError):
        wire.encode(too_long)
    with pytest.raises(wire.PduError):
        wire.encode(wire.Pdu(wire.Command.SUBMIT_SM, 1, fields={"short_message": b"x" * 255}))


# -- text.py --------------------------------------------------------------------------------

GSM_CHARS = [ch for ch in text._BASIC if ch != "\x1b"] + list(text._EXTENDED)
GSM_TEXT = st.text(st.sampled_from(GSM_CHARS), max_size=1200)
EXTENDED_HEAVY = st.text(st.sampled_from([*text._EXTENDED, "a"]), min_size=100, max_size=600)
ANY_TEXT = st.text(max_size=700)


def _check_parts(body: str, reference: int, force_ucs2: bool) -> list[text.Part]:
    parts = text.split(body, reference, force_ucs2)
    gsm = segments.is_gsm(body) and not force_ucs2
    for part in parts:
        assert part.data_coding == (text.GSM if gsm else text.UCS2)
    # Octets a part may hold: GSM one septet an octet (an extension character is ESC +
    # septet, two), UCS-2 two octets a unit.
    single, each = (160, 153) if gsm else (140, 134)
    if len(parts) == 1:
        assert parts[0].udh == b""
        assert len(parts[0].payload) <= single
    else:
        assert len(parts) <= 255
        for seq, part in enumerate(parts, 1):
            assert part.udh == bytes([5, 0, 3, reference & 0xFF, len(parts), seq])
            assert len(part.payload) <= each
            # On the air interface one SMS is 140 octets: the 6-octet UDH takes 7 septets
            # (48 bits and fill) of GSM's 160, or 6 of UCS-2's 140 octets.
            if gsm:
                assert len(part.payload) + 7 <= 160
            else:
                assert len(part.short_message) <= 140
            concat, rest = text.parse_udh(part.short_message)
            assert concat == text.Concat(reference & 0xFF, len(parts), seq)
            assert rest == part.payload
    joined = "".join(text.decode(part.payload, part.data_coding) for part in parts)
    assert joined == body
    return parts


@given(st.one_of(GSM_TEXT, EXTENDED_HEAVY, ANY_TEXT), st.integers(0, 255), st.booleans())
@example("a" * 160, 1, False)  # the longest single GSM part
@example("a" * 161, 1, False)
@example("a" * 152 + "€" + "a" * 20, 7, False)  # ESC + septet must not straddle two parts
@example("€" * 81, 7, False)
@example("я" * 70, 2, False)
@example("я" * 71, 2, False)
@example("😀" * 35, 3, False)  # a surrogate pair is never split
@example("a" * 66 + "😀" + "a" * 20, 3, True)
def test_any_text_splits_into_parts_that_fit_and_join_back(
    body: str, reference: int, force_ucs2: bool
) -> None:
    parts = _check_parts(body, reference, force_ucs2)
    if not force_ucs2:
        assert len(parts) == segments.parts(body)  # what the account was charged for


@given(GSM_TEXT)
def test_gsm_encoding_is_one_septet_an_octet_and_two_for_the_extension(body: str) -> None:
    data = text.gsm_encode(body)
    assert len(data) == len(body) + sum(ch in text._EXTENDED for ch in body)
    assert all(octet < 0x80 for octet in data)
    assert text.gsm_decode(data) == body


@given(st.binary(max_size=300), OCTET)
def test_any_incoming_octets_decode_to_text(data: bytes, data_coding: int) -> None:
    assert isinstance(text.decode(data, data_coding), str)


@given(st.binary(max_size=200))
def test_a_udh_is_read_or_refused_with_value_error(data: bytes) -> None:
    try:
        _, rest = text.parse_udh(data)
    except ValueError:
        return
    assert len(rest) < len(data)


# -- receipts.py ----------------------------------------------------------------------------

PEER_ID = st.text(st.sampled_from("0123456789abcdefABCDEF-_"), min_size=1, max_size=64)
DATE = st.text(st.sampled_from("0123456789"), min_size=10, max_size=10)
THREE = st.text(st.sampled_from("0123456789"), min_size=3, max_size=3)
STAT = st.sampled_from(list(receipts.STAT)).flatmap(
    lambda s: st.sampled_from([s, s.lower(), s.capitalize()])
)


@given(PEER_ID, THREE, THREE, DATE, DATE, STAT, THREE, st.text(max_size=40))
def test_a_text_receipt_reads_back_what_it_says(
    peer_id: str, sub: str, dlvrd: str, submitted: str, done: str, stat: str, err: str,
    said: str,
) -> None:  # fmt: skip
    body = (f"id:{peer_id} sub:{sub} dlvrd:{dlvrd} submit date:{submitted} "
            f"done date:{done} stat:{stat} err:{err} text:{said}")  # fmt: skip
    assert receipts.fields(body) == {"id": peer_id, "sub": sub, "dlvrd": dlvrd,
                                     "submit date": submitted, "done date": done,
                                     "stat": stat, "err": err}  # fmt: skip
    found = receipts.read(body, None, None)
    final = receipts.STAT[stat.upper()]
    assert (found.peer_id, found.final) == (peer_id, final)
    if final in (None, Final.DELIVERED):
        assert found.err == 0
    elif int(err) in receipts.NETWORK_ERR:
        assert found.err == receipts.NETWORK_ERR[int(err)]
    elif final == Final.UNDELIVERABLE:
        assert found.err > 0  # a failure always says why (255 when the carrier did not)


@given(PEER_ID, PEER_ID, st.sampled_from(list(receipts.STATE)), STAT)
def test_the_tlvs_win_over_the_text(tlv_id: str, text_id: str, state: int, stat: str) -> None:
    found = receipts.read(f"id:{text_id} stat:{stat} err:000", tlv_id, state)
    assert (found.peer_id, found.final) == (tlv_id, receipts.STATE[state])


@given(st.text(max_size=300), st.none() | st.text(max_size=70), st.none() | st.integers(-1, 300))
@example("id: stat:DELIVRD", None, None)
@example("id:X stat:UNDELIV err:" + "9" * 5000, None, None)
@example("id:X stat:UNDELIV err:-1", None, None)
@example("id:X stat:UNDELIV err:١٢", None, None)
def test_a_hostile_receipt_is_read_or_refused(body: str, tlv_id: str | None,
                                              state: int | None) -> None:  # fmt: skip
    try:
        found = receipts.read(body, tlv_id, state)
    except receipts.NotAReceipt:
        return
    assert found.peer_id
    assert isinstance(found.err, int) and 0 <= found.err <= 255


@given(OCTET)
def test_receipt_bits_are_read_from_any_esm_class(esm_class: int) -> None:
    assert receipts.is_receipt(esm_class) == (esm_class & 0x3C in (0x04, 0x08, 0x20))


# -- statuses.py ----------------------------------------------------------------------------


@given(U32)
@example(0)
@example(0x58)
@example(0xFFFFFFFF)
def test_every_command_status_maps_to_a_result_and_an_err(status: int) -> None:
    result, err, name = statuses.result(status)
    assert isinstance(result, Result) and name
    assert 0 <= err <= 255
    assert (result == Result.ACCEPTED) == (status == statuses.OK)
    assert (result == Result.THROTTLED) == (status == statuses.THROTTLED)
    if result in (Result.REJECTED, Result.MALFORMED):
        assert err > 0


def test_the_status_tables_do_not_overlap() -> None:
    tables = [{statuses.OK}, {statuses.THROTTLED}, set(statuses.TEMPORARY),
              set(statuses.PERMANENT), set(statuses.MALFORMED)]  # fmt: skip
    assert sum(len(t) for t in tables) == len(set().union(*tables))


@pytest.mark.parametrize("status", sorted({**statuses.TEMPORARY, **statuses.PERMANENT}))
def test_every_named_status_is_in_the_docs(status: int) -> None:
    """docs/carriers.md, "Submission statuses": a row per status, with our err."""
    docs = (Path(__file__).parents[2] / "docs" / "carriers.md").read_text()
    result, err, name = statuses.result(status)
    rows = [line for line in docs.splitlines() if line.startswith(f"| 0x{status:02X} | {name} |")]
    assert len(rows) == 1
    if result == Result.REJECTED:
        assert rows[0].endswith(f"| {err} |")
