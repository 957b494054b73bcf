"""Replacing a signed agreement or a report attachment leaves no unreferenced file; a
command reports and removes orphans."""

import os
import time

import pytest
from django.core.management import call_command

from apps.operators import services
from tests.operators.conftest import pdf

pytestmark = pytest.mark.django_db


def stored_files(settings) -> set[str]:
    base = settings.OPERATORS_FILES_DIR
    return {str(p.relative_to(base)) for p in base.rglob("*") if p.is_file()}


def test_replacing_the_signed_agreement_deletes_the_old_file_on_commit(
    draft_agreement, operator_admin, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.agreement_attach_document(
            agreement=draft_agreement, user=operator_admin, upload=pdf("v1.pdf")
        ).document_path
    with django_capture_on_commit_callbacks(execute=True):
        second = services.agreement_attach_document(
            agreement=draft_agreement, user=operator_admin, upload=pdf("v2.pdf")
        ).document_path
    files = stored_files(settings)
    assert second in files and first not in files


def test_the_command_reports_and_removes_orphans_but_not_fresh_or_used_files(
    profile, settings, capsys
):
    used = profile.documents.get().file_path
    orphan = settings.OPERATORS_FILES_DIR / "profiles" / "lost.pdf"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"%PDF-lost")
    call_command("orphan_files")
    assert "0 orphaned files" in capsys.readouterr().out  # too young to judge
    old = time.time() - 7200
    os.utime(orphan, (old, old))
    call_command("orphan_files")
    assert "orphan profiles/lost.pdf" in capsys.readouterr().out and orphan.exists()
    call_command("orphan_files", "--delete")
    assert not orphan.exists() and used in stored_files(settings)
