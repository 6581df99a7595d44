"""The layer contracts (pyproject.toml, ``[tool.importlinter]``, run by scripts/check) hold
for the code, and fail when an arrow points the wrong way: each wrong import below, added
to a copy of the package, breaks the contract that forbids it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(package_root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts on the package under ``package_root``."""
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    return subprocess.run(
        [str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=package_root,
        check=False,
    )


def test_the_code_keeps_every_contract(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "smscd", copy / "smscd")
    result = lint(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout and broken(result.stdout) == []


WRONG = [
    ("db/engine.py", "import smscd.history.tables", "Layers"),
    ("http/replies.py", "import smscd.links.service", "Layers"),
    ("limits/guard.py", "import smscd.accounts.model", "Layers"),
    ("billing/endpoint.py", "import smscd.links.queries", "links/'s modules are its own"),
    ("db/migrations/versions/0004_numbering.py", "import smscd.numbering.operators", "Migrations"),
    ("http/endpoint.py", "import smscd.limits.resp", "Redis client is private"),
]


@pytest.mark.parametrize(("module", "line", "contract"), WRONG, ids=[w[0] for w in WRONG])
def test_a_wrong_import_breaks_its_contract(tmp_path, module, line, contract):
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "smscd", copy / "smscd")
    target = copy / "smscd" / module
    target.write_text(target.read_text() + f"\n{line}  # the wrong arrow\n")
    result = lint(copy)
    assert result.returncode == 1, result.stdout
    assert any(contract in name for name in broken(result.stdout)), result.stdout


def broken(report: str) -> list[str]:
    """The names of the contracts lint-imports reports BROKEN (its lines wrap)."""
    text = " ".join(report.split())
    listing = text.split("dependencies.", 1)[1].split("Contracts:", 1)[0].strip(" -")
    verdicts = re.split(r" (KEPT|BROKEN)", listing)
    return [
        name.strip()
        for name, verdict in zip(verdicts[::2], verdicts[1::2], strict=False)
        if verdict == "BROKEN"
    ]
