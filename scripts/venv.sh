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

# The PDF reports (WeasyPrint) need Pango and a CJK font for their Chinese: Debian's
# libpangoft2-1.0-0 and fonts-wqy-microhei, installed here when missing and we are root
# with apt-get. Returns non-zero when either is still missing afterwards.
_pdf_ready() {
  command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null)" ] \
    && ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0
}
ensure_cjk_font() {
  _pdf_ready && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing Debian's Pango and fonts-wqy-microhei for the PDF reports"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      fonts-wqy-microhei fontconfig libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
  fi
  _pdf_ready
}
