import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_answers_while_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_broker_and_storage(client):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert set(body["checks"]) == {"database", "broker", "storage", "folders"}
    assert all(check["ok"] for check in body["checks"].values())


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_readyz_is_503_when_the_broker_cannot_be_reached(client):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert "127.0.0.1:1" not in response.content.decode()  # no connection details leak


def test_readyz_is_503_when_storage_is_not_writable(client, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with override_settings(MEDIA_ROOT=blocker / "media"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


def test_readyz_is_503_when_the_datasets_folder_is_missing(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    (settings.DATA_DIR / "uploads").mkdir(parents=True)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["folders"] == {
        "ok": False,
        "error": "FileNotFoundError",
        "ms": response.json()["checks"]["folders"]["ms"],
    }


def test_readyz_is_503_when_the_uploads_folder_is_not_writable(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    (settings.DATA_DIR / "datasets").mkdir(parents=True)
    # A file where the folder should be: nothing can be written into it.
    (settings.DATA_DIR / "uploads").write_text("x")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["folders"]["ok"] is False


def test_readyz_checks_the_folders_of_datasets_uploads_and_operator_files():
    from apps.core.health import FOLDERS

    assert {"datasets", "uploads", "operator files"} <= set(FOLDERS)
