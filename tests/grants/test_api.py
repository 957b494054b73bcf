"""The applications, reviews and grants API end to end: a merchant applies with its API
key, the operator and the regulator review from their work lists, the grant comes out
and a key bound to it reads it; and what each party reads of an application."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.catalog.models import DataResource
from apps.grants.choices import ApplicationStatus as A
from apps.grants.models import AccessApplication
from tests.conftest import api_for
from tests.grants.conftest import (
    application_data,
    approve_pending,
    keyed,
    run_checks,
    submitted,
)

pytestmark = pytest.mark.django_db
APPS, REVIEWS, GRANTS = "/api/v1/applications/", "/api/v1/reviews/", "/api/v1/grants/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client, path, data=None):
    return client.post(path, json.dumps(data or {}, default=str), content_type="application/json")


def patch(client, path, data):
    return client.patch(path, json.dumps(data, default=str), content_type="application/json")


def pending_step(client, pk) -> dict:
    steps = client.get(f"{APPS}{pk}/steps/").json()
    return next(step for step in steps if step["decision"] == "pending")


def test_merchant_operator_and_regulator_take_an_application_to_a_grant_over_the_api(
    listed, merchant, operator_admin, regulator
):
    shop, operator, authority = api_for(merchant), api_for(operator_admin), api_for(regulator)
    # given: the merchant drafts, edits, attaches, writes and submits
    created = post(shop, APPS, application_data(listed, fields=["credit_code", "legal_rep"]))
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["status"] == A.DRAFT and created.json()["dpo_name"] == "李娜"
    edited = patch(shop, f"{APPS}{pk}/", {"purpose": "核验供应商资质"})
    assert edited.status_code == 200 and edited.json()["purpose"] == "核验供应商资质"
    upload = SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf")
    attached = shop.post(f"{APPS}{pk}/attachments/", {"file": upload}, format="multipart")
    assert attached.status_code == 201, attached.json()
    assert attached.json()["name"] == "licence.pdf"
    assert post(shop, f"{APPS}{pk}/messages/", {"body": "请尽快审核"}).status_code == 201
    assert post(shop, f"{APPS}{pk}/submit/").json()["status"] == A.SUBMITTED
    application = AccessApplication.objects.get(pk=pk)
    run_checks(application)
    assert application.status == A.IN_REVIEW
    # when: the operator finds it in its queue and approves its step
    queue = operator.get(f"{REVIEWS}?queue=mine").json()["results"]
    assert [(e["application"], e["kind"]) for e in queue] == [(pk, "operator")]
    assert queue[0]["merchant"]["id"] == merchant.organization_id and not queue[0]["overdue"]
    assert [m["body"] for m in operator.get(f"{APPS}{pk}/messages/").json()] == ["请尽快审核"]
    assert len(operator.get(f"{APPS}{pk}/attachments/").json()) == 1
    step = pending_step(operator, pk)
    decided = post(
        operator,
        f"{APPS}{pk}/decide/",
        {"step": step["id"], "decision": "approved", "comment": "用途合理"},
    )
    assert decided.status_code == 200, decided.json()
    assert operator.get(f"{REVIEWS}?queue=mine").json()["results"] == []
    # and the regulator signs the security review off
    queue = authority.get(f"{REVIEWS}?queue=mine").json()["results"]
    assert [(e["application"], e["kind"]) for e in queue] == [(pk, "security")]
    decided = post(
        authority,
        f"{APPS}{pk}/decide/",
        {"step": queue[0]["id"], "decision": "approved", "comment": "脱敏充分"},
    )
    # then: the merchant sees the grant and binds a key that reads it
    assert decided.json()["status"] == A.APPROVED
    mine = shop.get(f"{APPS}{pk}/").json()
    grant_id = mine["grant"]
    grants = shop.get(GRANTS).json()["results"]
    assert [g["id"] for g in grants] == [grant_id]
    assert grants[0]["refusal"] is None and grants[0]["status"] == "active"
    machine, key = keyed(merchant)
    bound = post(shop, f"{GRANTS}{grant_id}/keys/", {"api_key": key.pk})
    assert bound.status_code == 201, bound.json()
    assert [k["api_key"] for k in bound.json()] == [key.pk]
    response = machine.get(f"{GRANTS}{grant_id}/")
    assert response.status_code == 200
    assert response.json()["scope"]["sources"][0]["fields"][0]["name"] == "credit_code"


def test_a_change_request_goes_back_to_the_merchant_who_edits_and_resubmits(
    listed, merchant, operator_admin
):
    application = submitted(listed, merchant)
    run_checks(application)
    shop, operator = api_for(merchant), api_for(operator_admin)
    step = pending_step(operator, application.pk)
    asked = post(
        operator,
        f"{APPS}{application.pk}/decide/",
        {"step": step["id"], "decision": "changes_requested", "comment": "请说明用途范围"},
    )
    assert asked.json()["status"] == A.CHANGES_REQUESTED
    steps = shop.get(f"{APPS}{application.pk}/steps/").json()
    assert steps[0]["comment"] == "请说明用途范围" and steps[0]["decided_by"] is None
    assert steps[0]["assignee_organization"]["id"] == operator_admin.organization_id
    assert patch(shop, f"{APPS}{application.pk}/", {"purpose": "仅核验供应商"}).status_code == 200
    assert post(shop, f"{APPS}{application.pk}/submit/").json()["status"] == A.SUBMITTED
    run_checks(application)
    assert pending_step(operator, application.pk)["kind"] == "operator"


def test_the_merchant_reads_organizations_not_reviewers_names(listed, merchant, operator_admin):
    application = submitted(listed, merchant)
    run_checks(application)
    approve_pending(application, operator_admin)
    shop, operator = api_for(merchant), api_for(operator_admin)
    post(operator, f"{APPS}{application.pk}/messages/", {"body": "已通过"})
    history = shop.get(f"{APPS}{application.pk}/history/").json()
    decided = next(e for e in history if e["to_status"] == A.APPROVED)
    assert decided["actor"] is None
    assert decided["actor_organization"]["id"] == operator_admin.organization_id
    message = shop.get(f"{APPS}{application.pk}/messages/").json()[0]
    assert message["author"] is None
    assert message["author_organization"]["id"] == operator_admin.organization_id
    # The operator's own members read who it was.
    assert operator.get(f"{APPS}{application.pk}/messages/").json()[0]["author"] == "operator_admin"
    step = operator.get(f"{APPS}{application.pk}/steps/").json()[0]
    assert step["decided_by"] == "operator_admin"


def test_a_provider_reviewing_reads_the_scope_but_not_contacts_or_attachments(
    listed, merchant, provider, operator_admin
):
    DataResource.objects.filter(pk__in=listed.sources.values("resource_id")).update(
        classification="important", general_grade=None
    )
    application = submitted(listed, merchant)
    run_checks(application)
    approve_pending(application, operator_admin)
    client = api_for(provider)
    queue = client.get(f"{REVIEWS}?queue=mine").json()["results"]
    assert [(e["application"], e["kind"]) for e in queue] == [(application.pk, "provider")]
    data = client.get(f"{APPS}{application.pk}/").json()
    assert data["fields"] == ["credit_code"] and data["purpose"]
    assert "dpo_name" not in data and "tech_contact_email" not in data
    refused = client.get(f"{APPS}{application.pk}/attachments/")
    assert refused.status_code == 403 and refused.json()["code"] == "attachments_not_shared"
    # The operator and the regulator read the contacts.
    assert api_for(operator_admin).get(f"{APPS}{application.pk}/").json()["dpo_name"] == "李娜"


def test_drafts_are_the_merchants_alone(draft_application, operator_admin, regulator, merchant):
    for user in (operator_admin, regulator):
        assert api_for(user).get(f"{APPS}{draft_application.pk}/").status_code == 404
        assert api_for(user).get(APPS).json()["results"] == []
    assert api_for(merchant).get(f"{APPS}{draft_application.pk}/").status_code == 200


def test_lists_filter_and_page(listed, merchant, operator_admin):
    first = submitted(listed, merchant)
    second = submitted(listed, merchant, scenario="credit")
    run_checks(first)
    run_checks(second)
    approve_pending(first, operator_admin)
    client = api_for(operator_admin)
    page = client.get(f"{APPS}?page_size=1").json()
    assert [row["id"] for row in page["results"]] == [second.pk] and page["next"]
    assert [r["id"] for r in client.get(page["next"]).json()["results"]] == [first.pk]
    assert [r["id"] for r in client.get(f"{APPS}?status=approved").json()["results"]] == [first.pk]
    assert client.get(f"{APPS}?product={listed.pk}&kind=new").json()["results"]
    assert client.get(f"{APPS}?q=nothing-like-this").json()["results"] == []
    assert [r["application"] for r in client.get(f"{REVIEWS}?queue=all").json()["results"]] == [
        second.pk
    ]
    assert client.get(f"{REVIEWS}?queue=all&step=security").json()["results"] == []
    assert client.get(f"{GRANTS}?status=active").json()["results"][0]["id"] == first.grant.pk
    assert client.get(f"{GRANTS}?status=revoked").json()["results"] == []
    for query in ("status=nope", "product=x", "kind=other", "queue=everything", "step=boss"):
        path = REVIEWS if query.startswith(("queue", "step")) else APPS
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, query
        assert response.json()["code"] == "validation_error"


def test_list_endpoints_take_a_bounded_number_of_queries(
    listed, merchant, operator_admin, django_assert_max_num_queries
):
    for _ in range(3):
        run_checks(submitted(listed, merchant))
    client = api_for(operator_admin)
    for path in (APPS, f"{REVIEWS}?queue=all", GRANTS):
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200


def test_the_overdue_queue_shows_steps_past_their_deadline(
    listed, merchant, operator_admin, regulator
):
    import time_machine

    application = submitted(listed, merchant)
    run_checks(application)
    step = pending_step(api_for(operator_admin), application.pk)
    assert api_for(operator_admin).get(f"{REVIEWS}?queue=overdue").json()["results"] == []
    from apps.workflow.models import ReviewStep

    later = ReviewStep.objects.get(pk=step["id"]).due_at + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        for user in (operator_admin, regulator):  # the regulator sees every overdue step
            rows = api_for(user).get(f"{REVIEWS}?queue=overdue").json()["results"]
            assert [(r["id"], r["overdue"]) for r in rows] == [(step["id"], True)], user
        assert api_for(regulator).get(f"{REVIEWS}?queue=mine").json()["results"] == []


def test_an_attachment_larger_than_the_api_body_limit_is_accepted(
    draft_application, merchant, settings
):
    settings.API_MAX_BODY_BYTES = 64 * 1024
    big = SimpleUploadedFile("plan.pdf", PDF + b"0" * 200_000, content_type="application/pdf")
    response = api_for(merchant).post(
        f"{APPS}{draft_application.pk}/attachments/", {"file": big}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["size"] > 200_000
    assert api_for(merchant).get(f"{APPS}{draft_application.pk}/attachments/").json()[0]["id"]


def test_the_orphan_sweep_keeps_application_attachments(draft_application, merchant, settings):
    import io
    from pathlib import Path

    from django.core.management import call_command

    upload = SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf")
    api_for(merchant).post(
        f"{APPS}{draft_application.pk}/attachments/", {"file": upload}, format="multipart"
    )
    stored = Path(settings.OPERATORS_FILES_DIR) / draft_application.attachments.get().path
    stray = Path(settings.OPERATORS_FILES_DIR) / "applications" / "stray.pdf"
    stray.write_bytes(PDF)
    call_command("orphan_files", "--delete", "--min-age-minutes=0", stdout=io.StringIO())
    assert stored.exists() and not stray.exists()
