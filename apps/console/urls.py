from django.urls import path

from apps.console import (
    alert_views,
    application_list_views,
    application_views,
    audit_views,
    dashboard_views,
    holiday_views,
    job_views,
    leak_views,
    notification_views,
    operator_views,
    organization_views,
    product_views,
    registration_views,
    report_views,
    routing_views,
    statement_views,
    upload_views,
)
from apps.workflow.notification_pages import notification_urls

app_name = "console"

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("organizations/", organization_views.organizations, name="organizations"),
    path("organizations/new/", organization_views.organization_create, name="organization_create"),
    path(
        "organizations/<id:pk>/",
        organization_views.organization_detail,
        name="organization_detail",
    ),
    path(
        "organizations/<id:pk>/edit/",
        organization_views.organization_edit,
        name="organization_edit",
    ),
    path(
        "organizations/<id:pk>/active/",
        organization_views.organization_active,
        name="organization_active",
    ),
    path("organizations/<id:pk>/users/", organization_views.member_create, name="member_create"),
    path("users/<id:pk>/role/", organization_views.member_role, name="member_role"),
    path("users/<id:pk>/active/", organization_views.member_active, name="member_active"),
    path("applications/list/", application_list_views.applications, name="application_list"),
    path("audit/", audit_views.events, name="audit_events"),
    path("audit/verify/", audit_views.verify, name="audit_verify"),
    path("audit/verify/<id:pk>/", audit_views.verify_job, name="audit_verify_job"),
    path("jobs/", job_views.jobs, name="jobs"),
    path("uploads/", upload_views.uploads, name="uploads"),
    path("reports/", report_views.reports, name="reports"),
    path("reports/<id:pk>/", report_views.report_job, name="report_job"),
    path("reports/<id:pk>/<str:fmt>/", report_views.report_file, name="report_file"),
]

urlpatterns += [
    path("registrations/", registration_views.queue, name="registrations"),
    path("registrations/<id:pk>/", registration_views.review, name="registration_review"),
    path(
        "registrations/<id:pk>/<str:decision>/",
        registration_views.decide,
        name="registration_decide",
    ),
]

urlpatterns += [
    path("operators/", operator_views.operator_queue, name="operators"),
    path("operators/<id:pk>/", operator_views.operator_review, name="operator_review"),
    path(
        "operators/<id:pk>/<str:decision>/", operator_views.operator_decide, name="operator_decide"
    ),
    path("agreements/", operator_views.agreement_queue, name="agreements"),
    path("agreements/<id:pk>/", operator_views.agreement_review, name="agreement_review"),
    path(
        "agreements/<id:pk>/<str:decision>/",
        operator_views.agreement_decide,
        name="agreement_decide",
    ),
    path("annual-reports/", operator_views.reports, name="operator_reports"),
    path(
        "annual-reports/<id:pk>/<str:decision>/",
        operator_views.report_decide,
        name="report_decide",
    ),
]

urlpatterns += [
    path("routing/", routing_views.versions, name="routing"),
    path("routing/new/", routing_views.draft_create, name="routing_draft_create"),
    path("routing/preview/", routing_views.preview, name="routing_preview"),
    path("routing/<id:pk>/", routing_views.version, name="routing_version"),
    path("routing/<id:pk>/rules/new/", routing_views.rule_add, name="routing_rule_add"),
    path("routing/<id:pk>/publish/", routing_views.publish, name="routing_publish"),
    path("routing/rules/<id:pk>/", routing_views.rule_edit, name="routing_rule_edit"),
    path("routing/rules/<id:pk>/delete/", routing_views.rule_delete, name="routing_rule_delete"),
    path("holidays/", holiday_views.holidays, name="holidays"),
    path("holidays/import/", holiday_views.holiday_import, name="holiday_import"),
    path("holidays/<id:pk>/delete/", holiday_views.holiday_delete, name="holiday_delete"),
]

urlpatterns += notification_urls(notification_views)

urlpatterns += [
    path("products/", product_views.product_queue, name="products"),
    path("products/<id:pk>/", product_views.product_review, name="product_review"),
    path("products/<id:pk>/<str:decision>/", product_views.product_decide, name="product_decide"),
]

urlpatterns += [
    path("applications/", application_views.review_queue, name="review_queue"),
    path("applications/<id:pk>/", application_views.application_detail, name="application_detail"),
    path(
        "applications/<id:pk>/decide/",
        application_views.application_decide,
        name="application_decide",
    ),
    path(
        "applications/<id:pk>/message/",
        application_views.application_message,
        name="application_message",
    ),
    path("attachments/<id:pk>/", application_views.attachment_file, name="attachment_file"),
    path("grants/", application_views.grant_list, name="grants"),
    path("grants/<id:pk>/", application_views.grant_detail, name="grant_detail"),
    path("grants/<id:pk>/sandbox/", application_views.grant_sandbox, name="grant_sandbox"),
    path("grants/<id:pk>/usage/", statement_views.grant_usage, name="grant_usage"),
    path("grants/<id:pk>/exports/", application_views.grant_exports, name="grant_exports"),
    path("grants/<id:pk>/<str:action>/", application_views.grant_action, name="grant_action"),
]

urlpatterns += [
    path("alerts/", alert_views.alert_list, name="alerts"),
    path("alerts/<id:pk>/", alert_views.alert_detail, name="alert_detail"),
    path("alerts/<id:pk>/<str:action>/", alert_views.alert_action, name="alert_action"),
    path("statements/", statement_views.statement_list, name="statements"),
    path("statements/refresh/", statement_views.statements_refresh, name="statements_refresh"),
    path("statements/<id:pk>/", statement_views.statement_detail, name="statement_detail"),
    path("leaks/", leak_views.trace, name="leak_trace"),
]
