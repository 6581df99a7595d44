"""docs/operations.md lists exactly the metrics /metrics can show."""

from __future__ import annotations

import re
from pathlib import Path

from smscd import metrics

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def test_the_documented_metrics_are_those_exported():
    text = DOC.read_text()
    listed = text.split("<!-- metrics:begin -->")[1].split("<!-- metrics:end -->")[0]
    assert set(re.findall(r"^- `(smscd_\w+)`", listed, re.M)) == metrics.names()
