"""Rewrite the settings table of docs/configuration.md from smscd.settings.Settings.

Run after adding or changing a setting: `python scripts/config_doc.py`. A test fails when
the page and the code disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from smscd.settings import Settings

DOC = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"
BEGIN, END = "<!-- settings:begin -->", "<!-- settings:end -->"


def table() -> str:
    rows = [
        "| variable | file key | default | meaning |",
        "|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        rows.append(
            f"| `SMSCD_{name.upper()}` | `{name}` | `{field.default}` | {field.description} |"
        )
    return "\n".join(rows)


def render(text: str) -> str:
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table()}\n{END}{tail}"


def main() -> int:
    DOC.write_text(render(DOC.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
