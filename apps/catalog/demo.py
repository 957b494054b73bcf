"""Demo catalog for `manage.py seed_demo`: realistic resources, registered through the
real services (and, where a dataset generator exists, ingested the real way)."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.choices import Role
from apps.accounts.models import Organization, User
from apps.catalog import demo_data, services
from apps.catalog.ingest import services as ingest_services
from apps.catalog.models import DataResource
from apps.workflow import notice

# The fields' English labels, by field name (the same in every demo resource).
LABELS_EN = {
    "credit_code": "Unified social credit code", "company_name": "Company name",
    "legal_rep": "Legal representative", "legal_rep_id": "Legal representative's ID number",
    "reg_capital": "Registered capital", "established": "Date established",
    "address": "Address", "phone": "Phone", "station_id": "Station ID",
    "road_name": "Road name", "observed_at": "Observed at", "vehicle_count": "Vehicle count",
    "avg_speed": "Average speed", "station_name": "Monitoring station", "day": "Date",
    "aqi": "Air quality index", "pm25": "PM2.5", "pm10": "PM10",
    "institution_code": "Institution code", "institution_name": "Institution name",
    "level": "Hospital level", "beds": "Beds", "director": "Director",
    "patient_id": "Patient ID number", "diagnosis": "Diagnosis",
}  # fmt: skip


def F(name, label, data_type="string", **extra):
    return {
        "name": name,
        "label": label,
        "label_en": LABELS_EN.get(name, ""),
        "data_type": data_type,
        **extra,
    }


RESOURCES = [
    {
        "provider": "market-regulation",
        "rows": "enterprise_rows",
        "name": "企业登记信息",
        "name_en": "Enterprise registration records",
        "description": "全省市场主体登记基本信息，包括统一社会信用代码、企业名称、法定代表人、注册资本和住所。",
        "description_en": "Registration details of market entities: credit code, name, legal representative, capital, address.",
        "themes": ["ECON"],
        "tags": ["企业", "市场主体", "登记", "enterprise"],
        "update_frequency": "daily",
        "classification": "general",
        "general_grade": 3,
        "open_type": "conditional",
        "data_format": "csv",
        "spatial_coverage": "广西壮族自治区",
        "source_system": "市场主体登记系统",
        "fields": [
            F("credit_code", "统一社会信用代码", nullable=False),
            F("company_name", "企业名称", nullable=False),
            F("legal_rep", "法定代表人", personal_info="personal", masking="name"),
            F("legal_rep_id", "法定代表人身份证号", personal_info="sensitive", masking="redact"),
            F("reg_capital", "注册资本", "decimal", unit="万元"),
            F("established", "成立日期", "date"),
            F("address", "住所", personal_info="personal", masking="address"),
            F("phone", "联系电话", personal_info="personal", masking="mobile"),
        ],
    },
    {
        "provider": "transport",
        "rows": "traffic_rows",
        "name": "道路交通流量监测",
        "name_en": "Road traffic flow",
        "description": "主要道路监测站每五分钟的车流量和平均车速。",
        "description_en": "Vehicle counts and average speed from road traffic stations every five minutes.",
        "themes": ["TRAN"],
        "tags": ["交通", "流量", "traffic"],
        "update_frequency": "realtime",
        "classification": "general",
        "general_grade": 1,
        "open_type": "unconditional",
        "data_format": "csv",
        "fields": [
            F("station_id", "监测站编号", nullable=False),
            F("road_name", "道路名称"),
            F("observed_at", "观测时间", "datetime", nullable=False),
            F("vehicle_count", "车流量", "integer", unit="辆"),
            F("avg_speed", "平均车速", "decimal", unit="km/h"),
        ],
    },
    {
        "provider": "environment",
        "rows": "air_rows",
        "name": "空气质量日报",
        "name_en": "Daily air quality",
        "description": "各监测站空气质量指数及PM2.5、PM10日均浓度。",
        "description_en": "Daily AQI, PM2.5 and PM10 by monitoring station.",
        "themes": ["ENVI"],
        "tags": ["空气质量", "环境", "air quality"],
        "update_frequency": "daily",
        "classification": "general",
        "general_grade": 1,
        "open_type": "unconditional",
        "data_format": "csv",
        "fields": [
            F("station_name", "监测站", nullable=False),
            F("day", "日期", "date", nullable=False),
            F("aqi", "空气质量指数", "integer"),
            F("pm25", "PM2.5", "decimal", unit="μg/m³"),
            F("pm10", "PM10", "decimal", unit="μg/m³"),
        ],
    },
    {
        "provider": "health",
        "rows": "hospital_rows",
        "name": "医疗机构名录",
        "name_en": "Medical institutions",
        "description": "全省医疗机构执业登记信息：机构代码、名称、等级、地址、床位数。",
        "description_en": "Licensed medical institutions: code, name, level, address, beds.",
        "themes": ["HEAL"],
        "tags": ["医疗", "医院", "hospital"],
        "update_frequency": "monthly",
        "classification": "general",
        "general_grade": 2,
        "open_type": "conditional",
        "data_format": "csv",
        "fields": [
            F("institution_code", "机构代码", nullable=False),
            F("institution_name", "机构名称", nullable=False),
            F("level", "医院等级"),
            F("address", "地址"),
            F("beds", "床位数", "integer", unit="张"),
            F("director", "负责人", personal_info="personal", masking="name"),
            F("phone", "联系电话", personal_info="personal", masking="mobile"),
        ],
    },
    {
        "provider": "health",
        "rows": None,
        "name": "居民电子病历",
        "name_en": "Electronic medical records",
        "description": "居民就诊电子病历。属于核心数据，仅登记，不得授权运营。",
        "description_en": "Electronic medical records. Core data: registered, never authorized.",
        "themes": ["HEAL"],
        "tags": ["病历", "核心数据"],
        "update_frequency": "realtime",
        "classification": "core",
        "open_type": "prohibited",
        "in_operation_scope": False,
        "fields": [
            F("patient_id", "患者身份证号", personal_info="sensitive", masking="redact"),
            F("diagnosis", "诊断", personal_info="sensitive", masking="redact"),
        ],
    },
]


DEMO_ROWS = 3000


def _ingest(resource: DataResource, rows) -> None:
    """Writes the rows as a GB18030 CSV (as agencies often export) and runs the real
    ingestion job in-process, so the demo needs no worker to have data."""
    buffer = io.StringIO()
    writer = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(buffer, fieldnames=list(row), lineterminator="\n")
            writer.writeheader()
        writer.writerow(row)
    provider_admin = User.objects.get(
        membership__organization=resource.provider_id, membership__role=Role.ADMIN
    )
    upload = SimpleUploadedFile(f"{resource.name}.csv", buffer.getvalue().encode("gb18030"))
    created = ingest_services.dataset_upload_create(
        resource=resource, uploaded_file=upload, user=provider_admin
    )
    # The job also goes to the broker on commit; whichever run claims it first does the
    # work and the other returns at once (the claim is a compare-and-swap).
    ingest_services.dataset_ingest_run(upload_id=created.pk)


def seed(*, stdout) -> list[DataResource]:
    regulator = User.objects.get(username="regulator")
    seeded = []
    for spec in RESOURCES:
        spec = dict(spec)
        org = Organization.objects.get(code=spec.pop("provider"))
        rows = spec.pop("rows")
        resource = DataResource.objects.filter(provider=org, name=spec["name"]).first()
        if resource is None:
            provider_admin = User.objects.get(
                membership__organization=org, membership__role=Role.ADMIN
            )
            resource = services.resource_create(user=provider_admin, data=spec)
            services.resource_submit(resource=resource, user=provider_admin)
            services.resource_start_review(resource=resource, reviewer=regulator)
            resource = services.resource_approve(resource=resource, reviewer=regulator)
            # The demo's notice ends now (not days ahead): nothing is dated in the future.
            ends = notice.notice_end_now(resource)
            DataResource.objects.filter(pk=resource.pk).update(notice_ends_at=ends)
            resource = services.resource_close_notice(resource_id=resource.pk, now=ends)
        if rows and resource.current_version_id is None:
            _ingest(resource, getattr(demo_data, rows)(DEMO_ROWS))
            resource.refresh_from_db()
        seeded.append(resource)
    with_data = sum(1 for r in seeded if r.current_version_id)
    stdout.write(f"Catalog: {len(seeded)} registered resources, {with_data} with a dataset.")
    return seeded
