from functools import partial

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.audit import canonical
from apps.audit.checkpoints import checkpoint_create
from apps.audit.models import AuditEvent, AuditSeal
from apps.audit.sealer import seal_pending
from apps.audit.verify import verify_chain
from tests.audit.conftest import record_many, tamper

pytestmark = pytest.mark.usefixtures("empty_audit_log")


@pytest.fixture(params=["in_database", "in_python"])
def verify(request):
    """Both verifiers: hashes recomputed by PostgreSQL, and streamed and hashed here."""
    return partial(verify_chain, independent=request.param == "in_python")


def event_id_at(seq: int) -> int:
    return AuditSeal.objects.get(seq=seq).event_id


def test_an_intact_log_verifies_and_the_command_prints_count_and_head(capsys):
    record_many(5)
    call_command("audit_verify")
    out = capsys.readouterr().out
    head = AuditSeal.objects.get(seq=5)
    assert "events: 5" in out
    assert bytes(head.hash).hex() in out


def test_the_sql_and_python_canonical_forms_are_byte_identical():
    record_many(1, reason="原因 with ünïcode", data={"b": [1, "二"], "a": None})
    event = AuditEvent.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT convert_to({canonical.sql_rest('e')}, 'UTF8') FROM audit_event e"  # noqa: S608
        )
        sql_bytes = bytes(cursor.fetchone()[0])
    names = ["id", "occurred_at", *canonical.TEXT_FIELDS]
    assert sql_bytes == canonical.rest_bytes({n: getattr(event, n) for n in names})


def test_a_changed_event_is_reported_at_its_sequence_number(verify):
    record_many(6)
    seal_pending()
    tamper("UPDATE audit_event SET reason = 'edited' WHERE id = %s", [event_id_at(4)])
    result = verify()
    assert not result.ok
    assert result.first_bad_seq == 4
    assert result.code == "changed"


def test_a_removed_event_is_reported_at_its_sequence_number(verify):
    record_many(6)
    seal_pending()
    tamper("DELETE FROM audit_event WHERE id = %s", [event_id_at(3)])
    result = verify()
    assert (result.ok, result.first_bad_seq, result.code) == (False, 3, "removed")


def test_a_removed_event_and_its_seal_leave_a_gap_that_is_reported(verify):
    record_many(6)
    seal_pending()
    event_id = event_id_at(2)
    tamper("DELETE FROM audit_seal WHERE seq = 2")
    tamper("DELETE FROM audit_event WHERE id = %s", [event_id])
    result = verify()
    assert (result.ok, result.first_bad_seq, result.code) == (False, 2, "missing")


def test_two_swapped_events_are_reported_at_the_first_of_them(verify):
    record_many(6)
    seal_pending()
    tamper("UPDATE audit_seal SET seq = CASE seq WHEN 3 THEN 5 ELSE 3 END WHERE seq IN (3, 5)")
    result = verify()
    assert (result.ok, result.first_bad_seq) == (False, 3)


def test_deleting_the_newest_events_is_caught_by_the_last_checkpoint(verify):
    record_many(5)
    seal_pending()
    checkpoint_create()
    newest = list(AuditSeal.objects.filter(seq__gte=4).values_list("event_id", flat=True))
    tamper("DELETE FROM audit_event WHERE id = ANY(%s)", [newest])
    tamper("DELETE FROM audit_seal WHERE seq >= 4")
    result = verify()
    assert (result.ok, result.first_bad_seq, result.code) == (False, 4, "truncated")


def test_a_rewritten_chain_does_not_match_the_signed_checkpoint(verify):
    record_many(4)
    seal_pending()
    checkpoint_create()
    # The attacker rewrites event 2 and re-hashes the whole chain after it.
    tamper("UPDATE audit_event SET reason = 'rewritten' WHERE id = %s", [event_id_at(2)])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.seq, convert_to({canonical.sql_rest('e')}, 'UTF8') FROM audit_seal s "  # noqa: S608
            "JOIN audit_event e ON e.id = s.event_id ORDER BY s.seq"
        )
        rows = cursor.fetchall()
    prev = canonical.GENESIS
    for seq, rest in rows:
        digest = canonical.chain_hash(prev, seq, bytes(rest))
        tamper(
            "UPDATE audit_seal SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, seq]
        )
        prev = digest
    result = verify()
    assert (result.ok, result.first_bad_seq, result.code) == (False, 4, "checkpoint_mismatch")


def test_a_forged_checkpoint_signature_is_rejected(verify):
    record_many(3)
    seal_pending()
    checkpoint = checkpoint_create()
    # A second checkpoint of position 3 is refused by the unique (kind, seq) index; the
    # forger signs position 2 instead, with the right hash and a bad signature.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_checkpoint (kind, seq, hash, created_at, key_id, signature) "
            "VALUES ('checkpoint', 2, %s, now(), %s, %s)",
            [bytes(AuditSeal.objects.get(seq=2).hash), checkpoint.key_id, bytes(64)],
        )
    result = verify()
    assert (result.ok, result.code) == (False, "bad_signature")


def test_a_verifier_given_the_wrong_public_key_rejects_the_checkpoints(tmp_path, verify):
    record_many(2)
    seal_pending()
    checkpoint_create()
    other = Ed25519PrivateKey.generate().public_key()
    assert not verify(public_key=other).ok
    from apps.audit.signing import public_pem

    pem = tmp_path / "other.pem"
    pem.write_text(public_pem(other))
    with pytest.raises(CommandError, match="bad_signature"):
        call_command("audit_verify", "--public-key", str(pem))


def test_the_command_exits_non_zero_naming_the_bad_sequence_number():
    record_many(3)
    seal_pending()
    tamper("UPDATE audit_event SET action = 'x.y' WHERE id = %s", [event_id_at(2)])
    with pytest.raises(CommandError, match="seq 2") as error:
        call_command("audit_verify")
    assert error.value.returncode == 1


def test_verification_can_start_from_a_checkpoint(capsys):
    record_many(3)
    seal_pending()
    first = checkpoint_create()
    record_many(2)
    call_command("audit_verify", "--from-checkpoint", str(first.pk))
    assert "events: 2" in capsys.readouterr().out


def test_an_event_inserted_around_the_chain_is_reported(verify):
    record_many(2)
    seal_pending()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_pending")
    record_many(1)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_pending")
    result = verify()
    assert (result.ok, result.code) == (False, "unchained")


def test_checkpoints_signed_before_a_key_rotation_still_verify(settings, tmp_path, verify):
    from apps.audit import signing

    record_many(2)
    seal_pending()
    checkpoint_create()
    old_public = tmp_path / "old.pem"
    old_public.write_text(signing.public_pem())
    # when the signing key is replaced
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_SIGNING_KEY_FILE = str(tmp_path / "new.pem")
    signing.private_key.cache_clear()
    try:
        record_many(1)
        seal_pending()
        checkpoint_create()
        # then the old checkpoints fail until the old key is listed as retired
        assert not verify().ok
        settings.AUDIT_RETIRED_PUBLIC_KEY_FILES = [str(old_public)]
        assert verify().ok
    finally:
        signing.private_key.cache_clear()
