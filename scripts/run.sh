#!/usr/bin/env bash
# Runs the whole platform on the embedded default: SQLite, filesystem broker, demo data.
# Web on http://127.0.0.1:8000 plus a Celery worker with embedded beat.
source "$(dirname "$0")/venv.sh"
cd "$ROOT"
ensure_venv requirements/base.txt
ensure_cjk_font || echo "WARNING: no CJK font: the PDF reports will not show Chinese (apt-get install fonts-wqy-microhei)" >&2
export DJANGO_SETTINGS_MODULE=config.settings.local
PORT="${PORT:-8000}"
# The links in the e-mails (var/mail/) open this server's pages.
export PLATFORM_URL="${PLATFORM_URL:-http://127.0.0.1:$PORT}"
PY="$ROOT/.venv/bin/python"

"$PY" manage.py migrate --noinput -v0
PORT="$PORT" "$PY" manage.py seed_demo

echo "==> starting Celery worker + beat (embedded broker under DATA_DIR/broker, default var/broker)"
# The beat schedule file and every broker folder live under DATA_DIR (settings).
"$PY" -m celery -A config worker -B -Q approvals,ingest,default -c 2 -l WARNING &
WORKER=$!
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null' EXIT INT TERM

cat <<MSG

  Platform running:    http://127.0.0.1:$PORT/
  Operator portal:     http://127.0.0.1:$PORT/portal/
  Regulator console:   http://127.0.0.1:$PORT/console/
  API docs:            http://127.0.0.1:$PORT/api/docs/
  E-mails sent:        ${DATA_DIR:-var}/mail/ (a file per sending: notifications, password resets)
  Demo logins are listed above (password: ${DEMO_PASSWORD:-demo-pass-2026}). Ctrl-C stops everything.

  Port $PORT taken?      PORT=8001 make run
  Locked out after failed sign-ins?
                       DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python manage.py unlock_sign_in --username <username>
                       (--ip ADDRESS lifts every lock of one address)

MSG
"$PY" manage.py runserver "127.0.0.1:$PORT" --noreload
