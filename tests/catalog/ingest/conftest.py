"""Resources with a field list covering every type, sample files, and a job runner."""

import csv
import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.catalog.choices import FieldType, MaskingRule, PersonalInfo
from apps.catalog.ingest import services
from apps.catalog.models import DataResource, DatasetUpload, ResourceField

_codes = itertools.count(1)

FIELDS = [
    # name, label, type, nullable, masking
    ("name", "姓名", FieldType.STRING, False, MaskingRule.NAME),
    ("id_number", "身份证号", FieldType.STRING, False, MaskingRule.ID_NUMBER),
    ("mobile", "手机号", FieldType.STRING, True, MaskingRule.MOBILE),
    ("address", "住址", FieldType.STRING, True, MaskingRule.ADDRESS),
    ("age", "年龄", FieldType.INTEGER, True, MaskingRule.NONE),
    ("income", "收入", FieldType.DECIMAL, True, MaskingRule.NONE),
    ("member", "会员", FieldType.BOOLEAN, True, MaskingRule.NONE),
    ("born", "出生日期", FieldType.DATE, True, MaskingRule.NONE),
    ("updated", "更新时间", FieldType.DATETIME, True, MaskingRule.NONE),
]
HEADER = [f[0] for f in FIELDS]
ROWS = [
    ["张三", "110101199003071234", "13812345678", "北京市东城区东华门街道1号", "34", "1234.56",
     "是", "1990-03-07", "2024-05-01 08:30:00"],
    ["欧阳娜娜", "31010419851231002X", "13900001111", "上海市徐汇区漕溪北路88号", "39", "99.9",
     "false", "1985/12/31", "2024-05-02T09:00"],
    ["李四", "440106200001011111", "", "", "", "", "", "", ""],
]  # fmt: skip


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def make_resource(owner, *, status="registered", fields=FIELDS, name="人口信息") -> DataResource:
    resource = DataResource.objects.create(
        provider=owner.organization,
        created_by=owner,
        name=name,
        status=status,
        registry_code=f"TEST-{next(_codes)}" if status == "registered" else None,
    )
    for position, (field_name, label, kind, nullable, masking) in enumerate(fields):
        ResourceField.objects.create(
            resource=resource,
            position=position,
            name=field_name,
            label=label,
            data_type=kind,
            nullable=nullable,
            masking=masking,
            personal_info=PersonalInfo.NONE
            if masking == MaskingRule.NONE
            else PersonalInfo.PERSONAL,
        )
    return resource


@pytest.fixture
def resource(provider):
    return make_resource(provider)


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload_file(content: bytes, name: str = "data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def ingest(resource, user, content: bytes, name: str = "data.csv") -> DatasetUpload:
    """Uploads and runs the job in this process (on_commit never fires in `db` tests)."""
    upload = services.dataset_upload_create(
        resource=resource, uploaded_file=upload_file(content, name), user=user
    )
    services.dataset_ingest_run(upload_id=upload.pk)
    upload.refresh_from_db()
    return upload
