#!/usr/bin/env bash
# The whole test suite on PostgreSQL + Redis with a real Celery worker and Chromium.
# Starts PostgreSQL/Redis when they are installed but stopped; fails clearly otherwise.
source "$(dirname "$0")/venv.sh"
cd "$ROOT"
PGHOST_="${PGHOST:-127.0.0.1}"; PGPORT_="${PGPORT:-5432}"
REDIS_HOST_="${REDIS_HOST:-127.0.0.1}"; REDIS_PORT_="${REDIS_PORT:-6379}"

ensure_venv requirements/dev.txt
PY="$ROOT/.venv/bin/python"

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "ERROR: chromium is missing; install it with: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

if ! ensure_cjk_font; then
  echo "ERROR: no CJK font for the PDF reports; install one with: sudo apt-get install fonts-wqy-microhei" >&2
  exit 1
fi

tcp_open() { "$PY" -c "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 2)" "$1" "$2" 2>/dev/null; }

if ! tcp_open "$PGHOST_" "$PGPORT_"; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "==> starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do tcp_open "$PGHOST_" "$PGPORT_" && break; sleep 1; done
  fi
  tcp_open "$PGHOST_" "$PGPORT_" || { echo "ERROR: PostgreSQL is not reachable at $PGHOST_:$PGPORT_ (set TEST_DATABASE_URL)" >&2; exit 1; }
fi
if ! tcp_open "$REDIS_HOST_" "$REDIS_PORT_"; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "==> starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT_" --save "" --appendonly no >/dev/null
    for _ in $(seq 1 20); do tcp_open "$REDIS_HOST_" "$REDIS_PORT_" && break; sleep 0.5; done
  fi
  tcp_open "$REDIS_HOST_" "$REDIS_PORT_" || { echo "ERROR: Redis is not reachable at $REDIS_HOST_:$REDIS_PORT_ (set TEST_REDIS_URL)" >&2; exit 1; }
fi

export DJANGO_SETTINGS_MODULE=config.settings.test
echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> migrations are committed"
"$PY" manage.py makemigrations --check --dry-run
if [ $# -eq 0 ]; then
  # `make run` serves SQLite, which fails where PostgreSQL does not (a number beyond bigint
  # in a foreign-key filter is an OverflowError there): the hostile-input suites run on it
  # too, in a throwaway database file.
  echo "==> hostile input on the embedded default (SQLite)"
  SQLITE_DIR="$ROOT/var/test-sqlite"
  rm -rf "$SQLITE_DIR" && mkdir -p "$SQLITE_DIR"
  TEST_DATABASE_URL="sqlite:///$SQLITE_DIR/db.sqlite3" TEST_DATABASE_NAME="$SQLITE_DIR/test.sqlite3" \
    TEST_DATA_DIR="$SQLITE_DIR/data" .venv/bin/pytest -q -p no:cacheprovider --create-db \
    tests/security/test_hostile_web.py tests/security/test_hostile_inputs.py \
    tests/security/test_fuzz_api.py tests/core/test_url_ids.py tests/core/test_unknown_addresses.py \
    tests/core/test_date_bounds.py tests/security/test_api_one_field.py
fi
echo "==> pytest"
exec .venv/bin/pytest "$@"
