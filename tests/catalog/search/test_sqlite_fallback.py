"""The SQLite fallback (embedded default) answers like PostgreSQL on small data."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from apps.catalog.selectors import fallback_condition
from tests.catalog.search import scenario

ROOT = Path(__file__).resolve().parents[3]


def test_fallback_condition_requires_every_term_as_a_whole_padded_term():
    assert fallback_condition(["企业", "traffic"], name_only=False) == Q(
        search_terms__contains=" 企业 "
    ) & Q(search_terms__contains=" traffic ")
    assert fallback_condition(["企"], name_only=True) == Q(search_name_part__contains=" 企 ")


@pytest.mark.django_db
def test_sqlite_gives_the_same_answers_as_postgresql(tmp_path):
    scenario.build()
    on_postgresql = scenario.answers(AnonymousUser())
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DATA_DIR": str(tmp_path),
        "REDIS_URL": "",
    }
    child = subprocess.run(
        [sys.executable, "-m", "tests.catalog.search.sqlite_fallback_run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    on_sqlite = json.loads(child.stdout.strip().splitlines()[-1])
    assert on_sqlite == on_postgresql
    assert on_sqlite["企业"]["page"] == ["企业登记信息", "空气质量监测"]
