"""send.php's replies in the four formats (sending.md, "Replies"; **[clients]**: exact).

``cost`` picks the variant: 0 the id and the parts; 1 only the cost and the parts; 2 also
the cost; 3 also the balance after the send. ``op=1`` (every number) and ``err=1`` (the
failed numbers) add a line, element or object per number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from smscd import money
from smscd.http.replies import Layout, json_text, one_line, xml_attr, xml_text


@dataclass(frozen=True, slots=True)
class NumberLine:
    """One number of ``op=1``/``err=1``."""

    phone: str
    mccmnc: str
    cost: int  # hundredths
    status: int  # -1 waiting for a sent number; 22 invalid, 20 no route ... for a failed one
    error: int  # 0, or the err code of a failed number
    failed: bool


@dataclass(frozen=True)
class SendReply:
    cost_mode: int  # the request's ``cost``
    send_id: int | str | None  # None for cost=1 (nothing sent)
    cnt: int  # parts over every recipient
    cost: int  # hundredths
    balance: int | None  # cost=3: the main balance after the send
    numbers: Sequence[NumberLine] = ()

    def render(self, fmt: int) -> str:
        return {0: self._text, 1: self._csv, 2: self._xml, 3: self._json}[fmt]()

    def _fields(self) -> list[tuple[str, int | str]]:
        cost, cnt = money.to_text(self.cost), self.cnt
        if self.cost_mode == 1:
            return [("cost", cost), ("cnt", cnt)]
        assert self.send_id is not None
        fields: list[tuple[str, int | str]] = [("id", self.send_id), ("cnt", cnt)]
        if self.cost_mode >= 2:
            fields.append(("cost", cost))
        if self.cost_mode == 3:
            assert self.balance is not None
            fields.append(("balance", money.to_text(self.balance)))
        return fields

    def _text(self) -> str:
        values = dict(self._fields())
        if self.cost_mode == 1:
            head = f"{values['cost']} ({values['cnt']} SMS)"
        else:
            head = f"OK - {values['cnt']} SMS, ID - {one_line(values['id'])}"
            if "cost" in values:
                head += f", COST - {values['cost']}"
            if "balance" in values:
                head += f", BALANCE - {values['balance']}"
        lines = [
            f"phone = {one_line(n.phone)}, mccmnc = {n.mccmnc}, cost = {money.to_text(n.cost)},"
            f" status = {n.status}, error = {n.error}"
            for n in self.numbers
        ]
        return "\n".join([head, *lines])

    def _csv(self) -> str:
        head = ",".join(one_line(value) for _, value in self._fields())
        lines = [
            f"{one_line(n.phone)},{n.mccmnc},{money.to_text(n.cost)},{n.status},{n.error}"
            for n in self.numbers
        ]
        return "\n".join([head, *lines])

    def _xml(self) -> str:
        body = "".join(f"<{key}>{xml_text(value)}</{key}>\n" for key, value in self._fields())
        if self.numbers:
            phones = "".join(
                f'<phone phone="{xml_attr(n.phone)}" mccmnc="{n.mccmnc}"'
                f' cost="{money.to_text(n.cost)}" status="{n.status}" error="{n.error}"/>\n'
                for n in self.numbers
            )
            body += f"<phones>\n{phones}</phones>\n"
        return f"<result>\n{body}</result>"

    def _json(self) -> str:
        body: dict[str, object] = dict(self._fields())
        if self.numbers:
            phones = []
            for n in self.numbers:
                item: dict[str, object] = {
                    "phone": n.phone, "mccmnc": n.mccmnc, "cost": money.to_text(n.cost),
                }  # fmt: skip
                if n.failed:
                    item.update(status=n.status, error=n.error)
                phones.append(item)
            body["phones"] = phones
        return json_text(body)


# The reply is not a list of records: this layout is what the published description (its
# JSON Schema) and the renderer's ``Reply`` need; the body comes from ``SendReply.render``.
SEND = Layout(
    text=(("id", "id"), ("cnt", "cnt")),
    csv=("id", "cnt"),
    fields=("id", "cnt"),
    numbers=frozenset({"id", "cnt"}),
    xml_list="result",
    xml_item="result",
)
