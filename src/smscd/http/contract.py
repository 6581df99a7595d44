"""What an action publishes about itself: its parameters and the shape of its fmt=3 reply.

Each domain's ``endpoint.py`` declares its :class:`Parameter` list next to the code that reads
them and builds its ``Action`` with it (http/endpoint.py); ``apidoc/`` turns the actions into
the OpenAPI description and the docs page, and the hostile-input tests draw their values from
the same declarations. A test checks that every parameter an endpoint reads is declared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from smscd.http.replies import Layout

Kind = Literal["integer", "string", "date", "flag", "list", "choice"]

DATE_PATTERN = r"^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}$"


@dataclass(frozen=True, slots=True)
class Parameter:
    """One request parameter of an action."""

    name: str
    kind: Kind
    description: str
    minimum: int | None = None  # integer
    maximum: int | None = None  # integer; list: the most items
    default: str | None = None
    choices: tuple[str, ...] = ()  # choice
    example: str | None = None

    def schema(self) -> dict[str, Any]:
        """Its JSON Schema (every parameter travels as text; this says which text)."""
        schema: dict[str, Any] = {"type": "string", "description": self.description}
        if self.kind == "integer":
            schema = {"type": "integer", "description": self.description}
            if self.minimum is not None:
                schema["minimum"] = self.minimum
            if self.maximum is not None:
                schema["maximum"] = self.maximum
        elif self.kind == "date":
            schema["pattern"] = DATE_PATTERN
        elif self.kind == "flag":
            schema["enum"] = ["0", "1"]
        elif self.kind == "choice":
            schema["enum"] = list(self.choices)
        if self.default is not None:
            schema["default"] = int(self.default) if self.kind == "integer" else self.default
        if self.example is not None:
            schema["examples"] = [self.example]
        return schema


def integer(
    name: str, description: str, minimum: int, maximum: int, default: int | None = None
) -> Parameter:
    return Parameter(
        name,
        "integer",
        description,
        minimum,
        maximum,
        None if default is None else str(default),
    )


def record_schema(layout: Layout) -> dict[str, Any]:
    """The JSON Schema of one fmt=3 record of ``layout``: its keys in order, numbers as
    integers, everything else as strings."""
    return {
        "type": "object",
        "required": list(layout.fields),
        "properties": {
            key: {"type": "integer" if key in layout.numbers else "string"} for key in layout.fields
        },
        "additionalProperties": False,
    }


def list_schema(layout: Layout, min_items: int = 1) -> dict[str, Any]:
    return {"type": "array", "items": record_schema(layout), "minItems": min_items}


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "error_code"],
    "properties": {
        "error": {"type": "string"},
        "error_code": {"type": "integer", "enum": [1, 2, 3, 4, 5, 6, 7, 8, 9]},
        # send.php's errors about one send (3, 6, 7, 8) carry its id.
        "id": {"type": ["integer", "string"]},
    },
    "additionalProperties": False,
}
