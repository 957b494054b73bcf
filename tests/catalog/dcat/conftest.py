"""A small public catalog: three registered resources of two providers, plus drafts."""

import importlib
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.conf import settings

from apps.accounts.choices import OrganizationKind
from apps.catalog.models import DataResource, DatasetVersion, ResourceField, Theme
from apps.catalog.search import resource_reindex
from tests.factories import member

SECRET_VALUE = "SENTINEL-ROW-VALUE-4242"
REGISTERED = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def make_resource(provider, **fields) -> DataResource:
    themes = fields.pop("themes", [])
    defaults = {
        "provider": provider.organization,
        "created_by": provider,
        "status": "registered",
        "registered_at": REGISTERED,
    }
    resource = DataResource.objects.create(**{**defaults, **fields})
    resource.themes.set(themes)
    resource_reindex(resource=resource)
    return resource


def ensure_themes() -> None:
    """Seeded by a data migration, which a transactional (live server) test's flush removes."""
    seeded = importlib.import_module("apps.catalog.migrations.0002_themes").THEMES
    for code, name, name_en in seeded:
        Theme.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})


@pytest.fixture
def catalog(provider, tmp_path):
    ensure_themes()
    other = member(OrganizationKind.PROVIDER, username="provider_two")
    drafter = member(OrganizationKind.PROVIDER, username="provider_drafts_only")
    enterprise = make_resource(
        provider,
        name="企业登记信息",
        name_en="Enterprise registration",
        description="全市企业登记的基本信息。",
        description_en="Basic registration information of enterprises.",
        registry_code="GX-2025-0001",
        themes=["ECON", "GOVE"],
        tags=["企业", "registration"],
        update_frequency="daily",
        spatial_coverage="上海市",
        temporal_start=date(2020, 1, 1),
        temporal_end=date(2024, 12, 31),
        data_format="csv",
        open_type="unconditional",
        contact_name="王主任",
        contact_email="data@example.gov.cn",
    )
    traffic = make_resource(
        provider,
        name="道路交通流量",
        name_en="Road traffic flow",
        description="主要道路的实时交通流量。",
        description_en="Real-time traffic flow on main roads.",
        registry_code="GX-2025-0002",
        themes=["TRAN"],
        tags=["traffic", "交通"],
        update_frequency="realtime",
        data_format="api",
        open_type="conditional",
    )
    air = make_resource(
        other,
        name="空气质量监测",
        registry_code="GX-2025-0003",
        themes=["ENVI"],
        tags=["environment"],
        update_frequency="irregular",
        data_format="xlsx",
        open_type="prohibited",
        classification="important",
    )
    draft = make_resource(
        provider, name="草稿秘密资源", name_en="Secret draft", status="draft", registered_at=None
    )
    make_resource(drafter, name="待审核资源", status="submitted", registered_at=None)
    ResourceField.objects.create(resource=enterprise, name="id_number", label="身份证号")
    # A real dataset version whose rows must never leak into the published metadata.
    path = tmp_path / "v1.parquet"
    pq.write_table(pa.table({"id_number": [SECRET_VALUE]}), path)
    version = DatasetVersion.objects.create(
        resource=enterprise,
        number=1,
        parquet_path=str(path),
        row_count=1,
        byte_size=path.stat().st_size,
        sha256="0" * 64,
        schema={"id_number": "string"},
    )
    enterprise.current_version = version
    enterprise.save(update_fields=["current_version"])
    return {
        "enterprise": enterprise,
        "traffic": traffic,
        "air": air,
        "draft": draft,
        "provider_org": provider.organization,
        "other_org": other.organization,
        "drafter_org": drafter.organization,
    }


def locate_shapes(path: Path, environ) -> Path:
    """The shapes file; a developer without it skips, CI (the `CI` variable) fails."""
    if path.exists():
        return path
    message = f"DCAT-AP 3.0.1 SHACL shapes not found at {path} (clone shared/ beside the repo)"
    if environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{message}; CI is set, so the conformance test may not skip")
    pytest.skip(message)


@pytest.fixture
def shapes_path():
    path = Path(settings.BASE_DIR).parent / "shared" / "dcat-ap" / "dcat-ap-3.0.1-SHACL.ttl"
    return locate_shapes(path, os.environ)
