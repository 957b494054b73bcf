"""The embedded default's broker (config.broker): a worker never sees a message before
it is written whole. Kombu's own filesystem transport created the file, then wrote it; a
worker that listed the folder in between read an empty message and stopped for good
(`make run` went on without a worker)."""

import json
import os
import subprocess
import sys
from queue import Empty

import pytest
from kombu import Connection

from config import broker
from tests.core.test_settings_modes import ROOT, clean_env


@pytest.fixture
def channel(tmp_path):
    folders = {name: tmp_path / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir()
    options = {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
    }
    with Connection("filesystem://localhost//", transport=broker.Transport,
                    transport_options=options) as connection:  # fmt: skip
        yield connection.default_channel


def test_a_worker_reading_while_a_message_is_written_finds_nothing_yet(channel, monkeypatch):
    seen_while_writing = []
    rename = os.replace

    def rename_after_a_look(source, target):  # the message is written, not yet in the queue
        try:
            seen_while_writing.append(channel._get("default"))
        except Empty:
            seen_while_writing.append(None)
        rename(source, target)

    monkeypatch.setattr(broker.os, "replace", rename_after_a_look)
    channel._put("default", {"body": "x" * 100_000, "headers": {"task": "t"}})
    assert seen_while_writing == [None]
    assert channel._get("default")["body"] == "x" * 100_000
    with pytest.raises(Empty):
        channel._get("default")


def test_each_message_reaches_its_own_queue_once(channel):
    for n in range(3):
        channel._put("default", {"n": n})
    channel._put("ingest", {"n": "other"})
    assert sorted(channel._get("default")["n"] for _ in range(3)) == [0, 1, 2]
    assert channel._get("ingest") == {"n": "other"}
    for queue in ("default", "ingest"):
        with pytest.raises(Empty):
            channel._get(queue)


def test_the_embedded_default_uses_this_transport(tmp_path):
    probe = (
        "import json, django; django.setup(); from config.celery import app; "
        "c = app.connection_for_write(); "
        "print(json.dumps([c.transport_cls, type(c.transport).__module__]))"
    )
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings.local", DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[1] == "config.broker"
