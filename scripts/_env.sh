# Sourced by the scripts: a project virtualenv with the locked dependencies, made once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SMSCD_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
stamp="$VENV/.smscd-installed"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
if [ ! -f "$stamp" ] || [ "$ROOT/requirements.lock" -nt "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$ROOT/requirements.lock"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e "$ROOT"
  touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
# The npm packages of the client libraries that tests/clients runs with node (docs/clients.md).
# And the SMPP server of tests/delivery (the npm package smpp).
for node_dir in "$ROOT/tests/clients/node" "$ROOT/tests/delivery/smpp_peer"; do
  if command -v npm >/dev/null && { [ ! -f "$node_dir/node_modules/.package-lock.json" ] ||
      [ "$node_dir/package-lock.json" -nt "$node_dir/node_modules/.package-lock.json" ]; }; then
    npm ci --prefix "$node_dir" --no-audit --no-fund --loglevel=error >/dev/null
  fi
done
# Debian's Chromium for the browser tests and scripts/screenshots (docs/console.md), when
# this machine can install it (root with apt-get); elsewhere those tests skip and say why.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  { apt-get update -qq && apt-get install -y -qq chromium; } >/dev/null
fi
