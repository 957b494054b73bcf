from django.urls import path

from apps.portal import (
    alert_views,
    application_views,
    delivery_views,
    grant_views,
    ingest_views,
    notification_views,
    operator_views,
    product_views,
    resource_views,
    statement_views,
    views,
    webhook_views,
)
from apps.workflow.notification_pages import notification_urls

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("api-keys/", views.api_keys, name="api_keys"),
    path("api-keys/<id:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("resources/<id:pk>/upload/", ingest_views.upload, name="resource_upload"),
    path("resources/<id:pk>/preview/", ingest_views.preview, name="resource_preview"),
    path("uploads/<id:pk>/", ingest_views.upload_status, name="upload_status"),
    path("uploads/<id:pk>/mapping/", ingest_views.upload_mapping, name="upload_mapping"),
]

urlpatterns += [
    path("resources/", resource_views.resource_list, name="resources"),
    path("resources/new/", resource_views.resource_create, name="resource_create"),
    path("resources/<id:pk>/", resource_views.resource_detail, name="resource_detail"),
    path("resources/<id:pk>/edit/", resource_views.resource_edit, name="resource_edit"),
    path("resources/<id:pk>/submit/", resource_views.resource_submit, name="resource_submit"),
    path("resources/<id:pk>/withdraw/", resource_views.resource_withdraw, name="resource_withdraw"),
    path(
        "resources/<id:pk>/follow-up/",
        resource_views.resource_follow_up,
        name="resource_follow_up",
    ),
    path("resources/<id:pk>/object/", resource_views.resource_object, name="resource_object"),
]

urlpatterns += [
    path("operator/profile/", operator_views.profile, name="operator_profile"),
    path("operator/documents/", operator_views.document_upload, name="operator_document_upload"),
    path(
        "operator/profile/<str:action>/",
        operator_views.profile_action,
        name="operator_profile_action",
    ),
    path("agreements/", operator_views.agreement_list, name="agreements"),
    path("agreements/new/", operator_views.agreement_create, name="agreement_create"),
    path("agreements/<id:pk>/", operator_views.agreement_detail, name="agreement_detail"),
    path("agreements/<id:pk>/edit/", operator_views.agreement_edit, name="agreement_edit"),
    path(
        "agreements/<id:pk>/document/",
        operator_views.agreement_document_file,
        name="agreement_document_file",
    ),
    path("operator/documents/<id:pk>/", operator_views.document_file, name="document_file"),
    path(
        "agreements/<id:pk>/signed-document/",
        operator_views.agreement_document_upload,
        name="agreement_document_upload",
    ),
    path(
        "agreements/<id:pk>/<str:action>/",
        operator_views.agreement_action,
        name="agreement_action",
    ),
    path("reports/", operator_views.reports, name="operator_reports"),
]

urlpatterns += notification_urls(notification_views)

urlpatterns += [
    path("webhooks/", webhook_views.endpoint_list, name="webhooks"),
    path("webhooks/<id:pk>/", webhook_views.endpoint_detail, name="webhook_detail"),
    path("webhooks/<id:pk>/rotate/", webhook_views.endpoint_rotate, name="webhook_rotate"),
    path("webhooks/<id:pk>/ping/", webhook_views.endpoint_ping, name="webhook_ping"),
    path("webhooks/<id:pk>/delete/", webhook_views.endpoint_delete, name="webhook_delete"),
    path("webhooks/deliveries/<id:pk>/", webhook_views.delivery_detail, name="webhook_delivery"),
    path(
        "webhooks/deliveries/<id:pk>/resend/",
        webhook_views.delivery_resend,
        name="webhook_delivery_resend",
    ),
]

urlpatterns += [
    path("products/", product_views.product_list, name="products"),
    path("products/new/", product_views.product_create, name="product_create"),
    path("products/<id:pk>/", product_views.product_detail, name="product_detail"),
    path("products/<id:pk>/edit/", product_views.product_edit, name="product_edit"),
    path("products/<id:pk>/<str:action>/", product_views.product_action, name="product_action"),
]

urlpatterns += [
    path(
        "applications/new/<id:product>/",
        application_views.application_create,
        name="application_create",
    ),
    path("applications/", application_views.application_list, name="applications"),
    path("applications/<id:pk>/", application_views.application_detail, name="application_detail"),
    path("applications/<id:pk>/edit/", application_views.application_edit, name="application_edit"),
    path(
        "applications/<id:pk>/attach/",
        application_views.application_attach,
        name="application_attach",
    ),
    path(
        "applications/<id:pk>/message/",
        application_views.application_message,
        name="application_message",
    ),
    path(
        "applications/<id:pk>/decide/",
        application_views.application_decide,
        name="application_decide",
    ),
    path(
        "applications/<id:pk>/<str:action>/",
        application_views.application_action,
        name="application_action",
    ),
    path("attachments/<id:pk>/", application_views.attachment_file, name="attachment_file"),
    path("reviews/", application_views.review_queue, name="review_queue"),
    path("grants/", grant_views.grant_list, name="grants"),
    path("grants/<id:pk>/", grant_views.grant_detail, name="grant_detail"),
    path("grants/<id:pk>/keys/<str:action>/", grant_views.grant_keys, name="grant_keys"),
    path("grants/<id:pk>/follow-up/", grant_views.grant_follow_up, name="grant_follow_up"),
    path("grants/<id:pk>/sandbox/", grant_views.grant_sandbox, name="grant_sandbox"),
    # The grant's data (before the catch-all of grant actions below).
    path("grants/<id:pk>/data/", delivery_views.grant_data, name="grant_data"),
    path("grants/<id:pk>/exports/", delivery_views.grant_exports, name="grant_exports"),
    path(
        "grants/<id:pk>/exports/<id:eid>/download/",
        delivery_views.grant_export_download,
        name="grant_export_download",
    ),
    path("grants/<id:pk>/usage/", statement_views.grant_usage, name="grant_usage"),
    path("grants/<id:pk>/<str:action>/", grant_views.grant_action, name="grant_action"),
]

urlpatterns += [
    path("alerts/", alert_views.alert_list, name="alerts"),
    path("alerts/<id:pk>/", alert_views.alert_detail, name="alert_detail"),
    path("alerts/<id:pk>/<str:action>/", alert_views.alert_action, name="alert_action"),
    path("statements/", statement_views.statement_list, name="statements"),
    path("statements/<id:pk>/", statement_views.statement_detail, name="statement_detail"),
]
