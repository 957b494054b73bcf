"""HEAD on what delivers data: refused (405), like HEAD on the record API. Django and DRF
answer HEAD with the GET view and drop the body, so a HEAD on the portal's data page
read, metered (a call and its rows off the day's quota) and audited a page, and a HEAD on
an export's download link counted and audited a download, each delivering nothing."""

import pytest

from apps.audit.models import AuditEvent
from apps.delivery.models import Export, UsageDay
from tests.conftest import login_web
from tests.delivery.exporting import draft_product, run_export  # noqa: F401
from tests.delivery.test_exports_api import download_path, finished

pytestmark = pytest.mark.django_db


def test_a_head_on_the_portal_data_page_reads_meters_and_audits_nothing(web, grant, merchant):
    login_web(web, merchant)
    assert web.head(f"/portal/grants/{grant.pk}/data/").status_code == 405
    assert not UsageDay.objects.filter(grant=grant).exists()
    assert not AuditEvent.objects.filter(action="delivery.records.read").exists()
    # GET still reads the page, metered and audited
    assert web.get(f"/portal/grants/{grant.pk}/data/").status_code == 200
    assert UsageDay.objects.get(grant=grant).calls == 1


def test_a_head_on_a_download_link_counts_no_download(key_client, grant, web, merchant):
    body = finished(key_client, grant)
    link = download_path(body)
    assert key_client.head(link).status_code == 405
    login_web(web, merchant)
    portal = f"/portal/grants/{grant.pk}/exports/{body['id']}/download/?token=x"
    assert web.head(portal).status_code == 405
    assert Export.objects.get(pk=body["id"]).downloads == 0
    downloads = AuditEvent.objects.filter(action="delivery.export.download")
    assert not downloads.filter(outcome="allowed").exists()
    # the refusal on the API is recorded like any other
    assert AuditEvent.objects.filter(outcome="denied", reason="method_not_allowed").exists()
    assert key_client.get(link).status_code == 200
    assert Export.objects.get(pk=body["id"]).downloads == 1
