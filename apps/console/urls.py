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
        "organizations/<int:pk>/",
        organization_views.organization_detail,
        name="organization_detail",
    ),
    path(
        "organizations/<int:pk>/edit/",
        organization_views.organization_edit,
        name="organization_edit",
    ),
    path(
        "organizations/<int:pk>/active/",
        organization_views.organization_active,
        name="organization_active",
    ),
    path("organizations/<int:pk>/users/", organization_views.member_create, name="member_create"),
    path("users/<int:pk>/role/", organization_views.member_role, name="member_role"),
    path("users/<int:pk>/active/", organization_views.member_active, name="member_active"),
    path("applications/list/", application_list_views.applications, name="application_list"),
    path("audit/", audit_views.events, name="audit_events"),
    path("audit/verify/", audit_views.verify, name="audit_verify"),
    path("audit/verify/<int:pk>/", audit_views.verify_job, name="audit_verify_job"),
    path("jobs/", job_views.jobs, name="jobs"),
    path("uploads/", upload_views.uploads, name="uploads"),
    path("reports/", report_views.reports, name="reports"),
    path("reports/<int:pk>/", report_views.report_job, name="report_job"),
    path("reports/<int:pk>/<str:fmt>/", report_views.report_file, name="report_file"),
]

urlpatterns += [
    path("registrations/", registration_views.queue, name="registrations"),
    path("registrations/<int:pk>/", registration_views.review, name="registration_review"),
    path(
        "registrations/<int:pk>/<str:decision>/",
        registration_views.decide,
        name="registration_decide",
    ),
]

urlpatterns += [
    path("operators/", operator_views.operator_queue, name="operators"),
    path("operators/<int:pk>/", operator_views.operator_review, name="operator_review"),
    path(
        "operators/<int:pk>/<str:decision>/", operator_views.operator_decide, name="operator_decide"
    ),
    path("agreements/", operator_views.agreement_queue, name="agreements"),
    path("agreements/<int:pk>/", operator_views.agreement_review, name="agreement_review"),
    path(
        "agreements/<int:pk>/<str:decision>/",
        operator_views.agreement_decide,
        name="agreement_decide",
    ),
    path("annual-reports/", operator_views.reports, name="operator_reports"),
    path(
        "annual-reports/<int:pk>/<str:decision>/",
        operator_views.report_decide,
        name="report_decide",
    ),
]

urlpatterns += [
    path("routing/", routing_views.versions, name="routing"),
    path("routing/new/", routing_views.draft_create, name="routing_draft_create"),
    path("routing/preview/", routing_views.preview, name="routing_preview"),
    path("routing/<int:pk>/", routing_views.version, name="routing_version"),
    path("routing/<int:pk>/rules/new/", routing_views.rule_add, name="routing_rule_add"),
    path("routing/<int:pk>/publish/", routing_views.publish, name="routing_publish"),
    path("routing/rules/<int:pk>/", routing_views.rule_edit, name="routing_rule_edit"),
    path("routing/rules/<int:pk>/delete/", routing_views.rule_delete, name="routing_rule_delete"),
    path("holidays/", holiday_views.holidays, name="holidays"),
    path("holidays/import/", holiday_views.holiday_import, name="holiday_import"),
    path("holidays/<int:pk>/delete/", holiday_views.holiday_delete, name="holiday_delete"),
]

urlpatterns += notification_urls(notification_views)

urlpatterns += [
    path("products/", product_views.product_queue, name="products"),
    path("products/<int:pk>/", product_views.product_review, name="product_review"),
    path("products/<int:pk>/<str:decision>/", product_views.product_decide, name="product_decide"),
]

urlpatterns += [
    path("applications/", application_views.review_queue, name="review_queue"),
    path("applications/<int:pk>/", application_views.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/decide/",
        application_views.application_decide,
        name="application_decide",
    ),
    path(
        "applications/<int:pk>/message/",
        application_views.application_message,
        name="application_message",
    ),
    path("attachments/<int:pk>/", application_views.attachment_file, name="attachment_file"),
    path("grants/", application_views.grant_list, name="grants"),
    path("grants/<int:pk>/", application_views.grant_detail, name="grant_detail"),
    path("grants/<int:pk>/sandbox/", application_views.grant_sandbox, name="grant_sandbox"),
    path("grants/<int:pk>/usage/", statement_views.grant_usage, name="grant_usage"),
    path("grants/<int:pk>/<str:action>/", application_views.grant_action, name="grant_action"),
]

urlpatterns += [
    path("alerts/", alert_views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", alert_views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/<str:action>/", alert_views.alert_action, name="alert_action"),
    path("statements/", statement_views.statement_list, name="statements"),
    path("statements/refresh/", statement_views.statements_refresh, name="statements_refresh"),
    path("statements/<int:pk>/", statement_views.statement_detail, name="statement_detail"),
    path("leaks/", leak_views.trace, name="leak_trace"),
]
