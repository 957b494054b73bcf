# Sourced by run.sh and test.sh: creates .venv and installs a requirements file,
# reinstalling only when that file (or what it includes) changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"

ensure_venv() {
  local req="$1"
  if [ ! -x "$ROOT/.venv/bin/python" ]; then
    echo "==> creating virtualenv in .venv"
    "$PYTHON" -m venv "$ROOT/.venv"
    "$ROOT/.venv/bin/pip" install -q --upgrade pip
  fi
  local stamp="$ROOT/.venv/.installed-$(basename "$req" .txt)"
  local digest
  digest="$(cat "$ROOT"/requirements/*.txt | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "==> installing $req"
    "$ROOT/.venv/bin/pip" install -q -r "$ROOT/$req"
    echo "$digest" > "$stamp"
  fi
}
