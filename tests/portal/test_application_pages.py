"""Portal pages of access applications: a merchant applies from the product's page,
saves a draft, submits, answers a change request and writes to the reviewers; the
operator works its review queue and decides its step. Refusals of the services show
as form errors and change nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.grants.choices import ApplicationStatus as A
from apps.grants.models import AccessApplication
from apps.workflow.models import OutboxItem
from tests.conftest import login_web
from tests.grants.conftest import run_checks
from tests.grants.web import pending, reviewing

pytestmark = pytest.mark.django_db


def form_data(product, **overrides) -> dict:
    data = {
        "purpose": "核验合作企业的注册资本",
        "scenario": "credit",
        "fields": ["credit_code", "legal_rep"],
        "requested_end": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "expected_calls_per_day": "100",
        "expected_rows_per_day": "",
        "legal_basis": "《数据安全法》第三十二条",
        "tech_contact_name": "张工",
        "tech_contact_email": "tech@merchant.example.com",
        "tech_contact_phone": "",
        "dpo_name": "李娜",
        "dpo_contact": "dpo@merchant.example.com",
        "accept_terms": "on",
    }
    data.update(overrides)
    return data


def test_a_listed_products_page_offers_merchants_the_apply_button(web, listed, merchant):
    assert "apply-for-product" not in web.get(f"/products/{listed.pk}/").content.decode()
    login_web(web, merchant)
    page = web.get(f"/products/{listed.pk}/").content.decode()
    assert f"/portal/applications/new/{listed.pk}/" in page


def test_the_form_offers_the_products_fields_with_personal_markers_and_the_terms(
    web, listed, merchant
):
    login_web(web, merchant)
    page = web.get(f"/portal/applications/new/{listed.pk}/").content.decode()
    assert 'type="checkbox" name="fields" value="legal_rep"' in page
    assert "个人信息" in page  # legal_rep is personal information
    assert 'type="date"' in page
    assert "仅限信用核验用途" in page  # the current terms' text
    assert '<option value="credit">credit</option>' in page


def test_a_merchant_saves_a_draft_then_submits_it(web, listed, merchant):
    login_web(web, merchant)
    response = web.post(f"/portal/applications/new/{listed.pk}/", form_data(listed))
    application = AccessApplication.objects.get()
    assert response.url == f"/portal/applications/{application.pk}/"
    assert application.status == A.DRAFT
    assert application.fields == ["credit_code", "legal_rep"]
    assert application.terms_version == listed.current_terms.version
    page = web.get(response.url).content.decode()
    assert "submit-application" in page
    web.post(f"/portal/applications/{application.pk}/submit/")
    application.refresh_from_db()
    assert application.status == A.SUBMITTED
    assert OutboxItem.objects.filter(topic="grants.application.check").count() == 1


def test_service_refusals_become_form_errors_and_create_nothing(web, listed, merchant):
    login_web(web, merchant)
    late = listed.agreement.term_end + timedelta(days=1)
    response = web.post(
        f"/portal/applications/new/{listed.pk}/",
        form_data(listed, requested_end=late.isoformat(), expected_calls_per_day="999999"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "requested_end" in errors
    assert not AccessApplication.objects.exists()
    assert AuditEvent.objects.filter(
        action="web.portal:application_create", outcome="denied"
    ).exists()


def test_save_and_submit_without_accepting_the_terms_keeps_the_draft(web, listed, merchant):
    login_web(web, merchant)
    web.post(
        f"/portal/applications/new/{listed.pk}/",
        {**form_data(listed, accept_terms=""), "then": "submit"},
    )
    application = AccessApplication.objects.get()
    assert application.status == A.DRAFT  # the submit was refused: terms not accepted


def test_the_list_shows_my_applications_with_status_and_filters(
    web, listed, merchant, django_assert_max_num_queries
):
    reviewing(listed, merchant)
    draft = reviewing(listed, merchant, purpose="第二份申请")
    AccessApplication.objects.filter(pk=draft.pk).update(status=A.DRAFT)
    login_web(web, merchant)
    with django_assert_max_num_queries(15):
        page = web.get("/portal/applications/").content.decode()
    assert page.count("/portal/applications/") >= 2
    assert "运营机构审核" in page or "Operator review" in page  # the next step
    only = web.get("/portal/applications/?status=draft").context["items"]
    assert [i["application"].pk for i in only] == [draft.pk]
    assert web.get("/portal/applications/?status=nonsense&page=x").status_code == 200


def test_the_operator_requests_changes_and_the_merchant_answers(
    web, listed, merchant, operator_admin
):
    application = reviewing(listed, merchant)
    step = pending(application)
    operator = login_web(web, operator_admin)
    queue = operator.get("/portal/reviews/").content.decode()
    assert f"/portal/applications/{application.pk}/" in queue
    page = operator.get(f"/portal/applications/{application.pk}/").content.decode()
    assert f'name="step" value="{step.pk}"' in page
    # a decision without a comment is a form error
    response = operator.post(
        f"/portal/applications/{application.pk}/decide/",
        {"step": step.pk, "decision": "changes_requested", "comment": " "},
    )
    assert response.status_code == 200 and response.context["decide_form"].errors
    operator.post(
        f"/portal/applications/{application.pk}/decide/",
        {"step": step.pk, "decision": "changes_requested", "comment": "请说明用途范围"},
    )
    application.refresh_from_db()
    assert application.status == A.CHANGES_REQUESTED
    # the merchant reads the request, edits, resubmits and writes to the operator
    web.logout()
    login_web(web, merchant)
    page = web.get(f"/portal/applications/{application.pk}/").content.decode()
    assert "请说明用途范围" in page
    web.post(
        f"/portal/applications/{application.pk}/edit/",
        {**form_data(listed, purpose="仅核验本公司供应商"), "then": "submit"},
    )
    web.post(f"/portal/applications/{application.pk}/message/", {"body": "已缩小范围"})
    application.refresh_from_db()
    assert application.status == A.SUBMITTED
    assert application.purpose == "仅核验本公司供应商"
    assert application.messages.get().body == "已缩小范围"
    run_checks(application)
    assert pending(application).stage == "application.operator"


def test_a_step_of_someone_else_is_refused_on_the_form(web, listed, merchant, operator_member):
    application = reviewing(listed, merchant)
    login_web(web, operator_member)  # a member, not a reviewer
    page = web.get(f"/portal/applications/{application.pk}/")
    assert page.context["decide_form"] is None
    response = web.post(
        f"/portal/applications/{application.pk}/decide/",
        {"step": pending(application).pk, "decision": "approved", "comment": "好"},
    )
    assert "not_your_step" not in response.content.decode()
    assert response.context["decide_form"].non_field_errors()
    assert pending(application).decision == "pending"


def test_a_merchant_withdraws_and_attaches_files(web, listed, merchant, draft_application):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login_web(web, merchant)
    pdf = SimpleUploadedFile("licence.pdf", b"%PDF-1.4 licence", content_type="application/pdf")
    web.post(f"/portal/applications/{draft_application.pk}/attach/", {"file": pdf})
    attachment = draft_application.attachments.get()
    download = web.get(f"/portal/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    web.post(f"/portal/applications/{draft_application.pk}/withdraw/")
    draft_application.refresh_from_db()
    assert draft_application.status == A.WITHDRAWN


def test_another_merchant_gets_404_on_my_application_and_its_files(
    web, listed, merchant, outsider, draft_application
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.grants import applications

    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    attachment = applications.application_attach(
        application=draft_application, user=merchant, upload=pdf
    )
    login_web(web, outsider)
    pk = draft_application.pk
    assert web.get(f"/portal/applications/{pk}/").status_code == 404
    assert web.get(f"/portal/applications/{pk}/edit/").status_code == 404
    assert web.post(f"/portal/applications/{pk}/withdraw/").status_code == 404
    assert web.post(f"/portal/applications/{pk}/message/", {"body": "x"}).status_code == 404
    assert web.get(f"/portal/attachments/{attachment.pk}/").status_code == 404
    assert pk not in [
        i["application"].pk for i in web.get("/portal/applications/").context["items"]
    ]


def test_merchants_have_no_review_queue_and_no_console(web, merchant):
    login_web(web, merchant)
    assert web.get("/portal/reviews/").status_code == 403
    assert web.get("/console/applications/").status_code == 403


def test_a_draft_is_the_merchants_alone(web, listed, operator_admin, draft_application):
    login_web(web, operator_admin)
    assert web.get(f"/portal/applications/{draft_application.pk}/").status_code == 404


def test_the_edit_form_keeps_the_requested_end_in_the_date_inputs_format(
    web, merchant, draft_application
):
    login_web(web, merchant)
    page = web.get(f"/portal/applications/{draft_application.pk}/edit/").content.decode()
    assert f'value="{draft_application.requested_end.isoformat()}"' in page


@pytest.mark.parametrize("step", ["99999999999999999999", "0", "-1"])
def test_a_step_id_beyond_any_row_is_a_form_error(web, listed, merchant, operator_admin, step):
    application = reviewing(listed, merchant)
    operator = login_web(web, operator_admin)
    response = operator.post(
        f"/portal/applications/{application.pk}/decide/",
        {"step": step, "decision": "approved", "comment": "好"},
    )
    assert response.status_code == 200 and response.context["decide_form"].errors["step"]
    assert pending(application).decision == "pending"


def test_an_application_for_a_scenario_too_long_to_store_is_a_form_error(web, listed, merchant):
    """A product written before its scenarios were bounded (100 characters, as the
    application's column; the API refuses longer ones): the form offers the scenario,
    and applying for it is a form error, audited, not a database error (a 500)."""
    from apps.products.models import DataProduct

    DataProduct.objects.filter(pk=listed.pk).update(scenarios=["x" * 101])
    login_web(web, merchant)
    response = web.post(
        f"/portal/applications/new/{listed.pk}/", form_data(listed, scenario="x" * 101)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not AccessApplication.objects.exists()
    assert AuditEvent.objects.filter(outcome="denied", reason="scenario_not_in_product").exists()
