"""The resource's field list as seen by the pipeline, and its Arrow types."""

from dataclasses import dataclass

import pyarrow as pa

from apps.catalog.choices import FieldType

# Decimal fields keep up to 10 fraction digits exactly (no float rounding).
DECIMAL_SCALE = 10
DECIMAL_TYPE = pa.decimal128(38, DECIMAL_SCALE)

ARROW_TYPES = {
    FieldType.STRING: pa.string(),
    FieldType.INTEGER: pa.int64(),
    FieldType.DECIMAL: DECIMAL_TYPE,
    FieldType.BOOLEAN: pa.bool_(),
    FieldType.DATE: pa.date32(),
    FieldType.DATETIME: pa.timestamp("s"),
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    data_type: str = FieldType.STRING
    nullable: bool = True
    label: str = ""
    label_en: str = ""


def arrow_schema(fields: list[FieldSpec]) -> pa.Schema:
    return pa.schema(
        [
            pa.field(
                f.name,
                ARROW_TYPES[f.data_type],
                nullable=f.nullable,
                metadata={"label": f.label} if f.label else None,
            )
            for f in fields
        ]
    )


def schema_json(fields: list[FieldSpec]) -> list[dict]:
    """What DatasetVersion.schema records: enough to read the file without the catalog."""
    return [
        {
            "name": f.name,
            "type": f.data_type,
            "arrow_type": str(ARROW_TYPES[f.data_type]),
            "nullable": f.nullable,
            "label": f.label,
        }
        for f in fields
    ]
