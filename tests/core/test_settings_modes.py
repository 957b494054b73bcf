"""Settings in each mode, read by fresh interpreters with controlled environments."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'broker': settings.CELERY_BROKER_URL, 'debug': settings.DEBUG, "
    "'broker_options': getattr(settings, 'CELERY_BROKER_TRANSPORT_OPTIONS', {})}))"
)
SECRET = "x" * 20 + "-a-long-random-production-secret-value-0123456789"
PSEUDONYM_KEYS = "p1=" + "y" * 40


def clean_env(**extra) -> dict:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    return {**keep, **extra}


def run(args, env, timeout=60):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_embedded_default_needs_no_variable_and_uses_sqlite_and_a_filesystem_broker(tmp_path):
    result = run(
        ["-c", PROBE],
        clean_env(DJANGO_SETTINGS_MODULE="config.settings.local", DATA_DIR=str(tmp_path)),
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["engine"] == "django.db.backends.sqlite3"
    assert probe["broker"] == "filesystem://localhost//"
    assert (tmp_path / "broker" / "queue").is_dir()


MAIL_PROBE = (
    "import django; django.setup(); from django.core.mail import send_mail; "
    "send_mail('Reset', 'the link', 'noreply@localhost', ['someone@example.org'])"
)


def test_embedded_default_writes_e_mails_as_files_under_data_dir(tmp_path):
    # `make run` keeps the terminal for the server: a reset link is read from var/mail.
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings.local", DATA_DIR=str(tmp_path))
    result = run(["-c", MAIL_PROBE], env)
    assert result.returncode == 0, result.stderr
    assert "the link" not in result.stdout
    (sent,) = (tmp_path / "mail").iterdir()
    assert "someone@example.org" in sent.read_text() and "the link" in sent.read_text()


WEB_PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "from django.test.utils import setup_test_environment; setup_test_environment(); "
    "from django.test import Client; c = Client(); "
    "missing, static = c.get('/no-such-page/'), c.get('/static/css/app.css'); "
    "print(json.dumps({'debug': settings.DEBUG, 'missing': missing.status_code, "
    "'technical': b'URLconf' in missing.content or b'Traceback' in missing.content, "
    "'static': static.status_code}))"
)


def test_embedded_default_runs_with_debug_off_and_serves_its_static_files(tmp_path):
    # `make run` faces the same hostile input as production: a wrong address gets the
    # platform's 404 page, not Django's technical one listing every route.
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings.local", DATA_DIR=str(tmp_path))
    result = run(["-c", WEB_PROBE], env)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.splitlines()[-1])
    assert probe == {"debug": False, "missing": 404, "technical": False, "static": 200}
    result = run(["-c", WEB_PROBE], {**env, "DJANGO_DEBUG": "1"})
    assert json.loads(result.stdout.splitlines()[-1])["technical"] is True  # opt-in


def test_every_folder_of_the_embedded_broker_lives_under_data_dir(tmp_path):
    # kombu's filesystem transport writes `control/` into the working directory unless told
    # otherwise, and it once ended up committed to the repository.
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings.local", DATA_DIR=str(tmp_path))
    options = json.loads(run(["-c", PROBE], env).stdout)["broker_options"]
    folders = {key: value for key, value in options.items() if "folder" in key}
    assert {"data_folder_in", "data_folder_out", "processed_folder", "control_folder"} <= set(
        folders
    )
    for key, folder in folders.items():
        assert Path(folder).is_relative_to(tmp_path), key
        assert Path(folder).is_dir(), key


def test_database_and_redis_urls_switch_to_postgresql_and_redis(tmp_path):
    env = clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    probe = json.loads(run(["-c", PROBE], env).stdout)
    assert probe["engine"] == "django.db.backends.postgresql"
    assert probe["broker"] == "redis://127.0.0.1:6379/3"


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS"),
        ("DATABASE_URL", "DATABASE_URL"),
        ("REDIS_URL", "REDIS_URL"),
        ("AUDIT_SIGNING_KEY_FILE", "AUDIT_SIGNING_KEY"),
        ("CATALOG_PSEUDONYM_KEYS", "CATALOG_PSEUDONYM_KEYS"),
        ("WEBHOOKS_SECRET_KEY_FILE", "WEBHOOKS_SECRET_KEYS"),
    ],
)
def test_production_refuses_to_start_without_secret_or_hosts(tmp_path, missing, message):
    env = clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATA_DIR=str(tmp_path),
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="data.example.gov.cn",
        DATABASE_URL="postgres://app@db/platform",
        REDIS_URL="redis://redis:6379/0",
        AUDIT_SIGNING_KEY_FILE=str(tmp_path / "audit-signing-key.pem"),
        CATALOG_PSEUDONYM_KEYS=PSEUDONYM_KEYS,
        CATALOG_PSEUDONYM_KEY_ID="p1",
        WEBHOOKS_SECRET_KEY_FILE=str(tmp_path / "webhook-secret-key"),
    )
    env.pop(missing)
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_under_production_settings_prints_no_warnings(tmp_path):
    env = clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATA_DIR=str(tmp_path),
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="data.example.gov.cn",
        DATABASE_URL="postgres://app@db/platform",
        REDIS_URL="redis://redis:6379/0",
        AUDIT_SIGNING_KEY_FILE=str(tmp_path / "audit-signing-key.pem"),
        CATALOG_PSEUDONYM_KEYS=PSEUDONYM_KEYS,
        CATALOG_PSEUDONYM_KEY_ID="p1",
        WEBHOOKS_SECRET_KEY_FILE=str(tmp_path / "webhook-secret-key"),
    )
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    # and connections are kept across requests (checked before reuse), not opened per request
    kept = "from django.conf import settings as s; d = s.DATABASES['default']; "
    kept += "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    probe = run(["-c", f"import django; django.setup(); {kept}"], env)
    assert probe.stdout.split() == ["60", "True"], probe.stderr


@pytest.mark.worker
def test_embedded_default_runs_a_task_through_the_filesystem_broker_on_sqlite(tmp_path):
    # given a fresh embedded platform: SQLite and the filesystem broker under DATA_DIR
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings.local", DATA_DIR=str(tmp_path))
    assert run(["manage.py", "migrate", "--noinput", "-v0"], env, timeout=180).returncode == 0
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "default",
            "-c",
            "1",
            "--pool",
            "solo",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # when a task is sent
        sent = run(
            [
                "manage.py",
                "shell",
                "-c",
                "from apps.audit.context import SYSTEM; "
                "from apps.audit.services import audit_record; "
                "from apps.audit.tasks import checkpoint; "
                "audit_record(actor=SYSTEM, action='test.embedded'); checkpoint.delay()",
            ],
            env,
        )
        assert sent.returncode == 0, sent.stderr
        # then the worker runs it and writes to the SQLite database
        query = "from apps.audit.models import AuditCheckpoint as C; print(C.objects.exists())"
        deadline = time.monotonic() + 30
        seen = False
        while time.monotonic() < deadline and not seen:
            seen = run(["manage.py", "shell", "-c", query], env).stdout.split()[-1:] == ["True"]
            time.sleep(0.5)
        assert seen, "the embedded worker did not run the task"
    finally:
        worker.terminate()
        worker.wait(timeout=20)
