"""The scoped copy of a grant's data that its sandbox queries read.

A sandbox query must see exactly what the grant may read: its fields (nothing else of
the dataset), its row filter applied and its masked fields masked. Masking is done in
Python (apps.security.masking: keyed pseudonyms, partial masks, generalizations), so it
cannot be a DuckDB view over the raw Parquet. Instead, the scope is materialized once
per grant and dataset version: the rows that the grant's row filter keeps (read from the
version's checked DuckDB copy, apps.delivery.store, with the filter's values bound),
only the granted fields, every masked field masked as the record API masks it (pseudonyms
scoped by grant), `redact`ed fields left out. The file is named by a hash of all that
went into it (grant, version, SHA-256, fields, masking, filter, pseudonym key), so a
change of any of them builds a new one (and removes the old one); the sandbox
connection then opens that file and nothing else (apps.security.sandbox_run). When the
grant ends (expired, revoked, replaced by a new version) its copies are deleted by
`scoped_prune` (hourly beat): no derived data outlives the grant it was made for.
"""

import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.utils.translation import gettext as _

from apps.catalog.choices import MaskingRule
from apps.delivery.query import columns_sql, quote, row_filter_sql
from apps.delivery.sources import GrantField, GrantSource, NoData, grant_source
from apps.delivery.store import ROW, TABLE, open_store
from apps.grants.choices import GRANT_LIVE
from apps.grants.models import Grant
from apps.security.masking import mask_values
from apps.security.sandbox import ROW_ID

BATCH_ROWS = 65_536
SCOPED_NAME = re.compile(r"^grant-(\d+)-r\d+-[0-9a-f]+\.parquet(\.\d+\.\d+\.tmp)?$")
_lock = threading.Lock()


@dataclass(frozen=True)
class ScopedData:
    source: GrantSource
    path: Path
    columns: tuple[GrantField, ...]  # the fields the view has, in order

    @property
    def version(self):
        return self.source.version


def scoped_dir() -> Path:
    return Path(settings.DATA_DIR) / "sandbox"


def visible_fields(source: GrantSource) -> tuple[GrantField, ...]:
    """The grant's fields that a query can see: all but the redacted ones (always None)."""
    return tuple(f for f in source.fields if f.masking != MaskingRule.REDACT)


def _digest(grant: Grant, source: GrantSource, fields) -> str:
    recipe = {
        # 2: each row's number in ROW_ID (apps.security.sandbox_run); 3: decimals at
        # their column's scale (apps.delivery.query.columns_sql)
        "format": 3,
        "grant": grant.pk,
        "version": source.version.pk,
        "sha256": source.version.sha256,
        "fields": [[f.name, f.masking] for f in fields],
        "row_filter": list(source.row_filter),
        "pseudonym_key": settings.CATALOG_PSEUDONYM_KEY_ID,
    }
    text = json.dumps(recipe, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _masked(batch: pa.RecordBatch, fields, grant: Grant) -> pa.RecordBatch:
    """The granted fields masked, then ROW_ID (the row's number, which queries do not
    see: apps.security.sandbox_run compares the rows of queries by it)."""
    arrays, schema = [], []
    for field, column in zip(fields, batch.columns[:-1], strict=True):
        if field.masked:
            column = mask_values(field.masking, column, scope=f"grant:{grant.pk}")
        arrays.append(column)
        schema.append(pa.field(field.name, column.type))
    arrays.append(batch.column(len(fields)))
    schema.append(pa.field(ROW_ID, pa.int64()))
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(schema))


def _build(grant: Grant, source: GrantSource, fields, path: Path) -> None:
    store = open_store(source.version)
    needed = [*(f.name for f in fields), *(c["field"] for c in source.row_filter)]
    if any(name not in store.types for name in needed):
        raise NoData(_("The data no longer has every field of the grant."))
    where, params = row_filter_sql(source, store.types)
    columns = columns_sql([f.name for f in fields], store.scales)
    columns += f", {quote(ROW)} AS {quote(ROW_ID)}"
    sql = f"SELECT {columns} FROM {TABLE} WHERE {where} ORDER BY {quote(ROW)}"  # noqa: S608
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    connection = store.connection()
    writer = None
    try:
        reader = connection.sql(sql, params=params).to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            masked = _masked(batch, fields, grant)
            if writer is None:
                writer = pq.ParquetWriter(temporary, masked.schema)
            writer.write_batch(masked)
        if writer is None:  # no row passes the filter: an empty file with the right columns
            nothing = [pa.array([], type=column.type) for column in reader.schema]
            batch = pa.RecordBatch.from_arrays(nothing, schema=reader.schema)
            empty = _masked(batch, fields, grant)
            writer = pq.ParquetWriter(temporary, empty.schema)
    finally:
        if writer is not None:
            writer.close()
        connection.close()
    os.replace(temporary, path)


def scoped_data(grant: Grant, resource_id=None) -> ScopedData:
    """The scoped file of one source of the grant (its first unless named), built if
    missing."""
    source = grant_source(grant, resource_id)
    fields = visible_fields(source)
    if not fields:
        raise NoData(_("The grant has no field a query could read."))
    prefix = f"grant-{grant.pk}-r{source.resource_id}-"
    path = scoped_dir() / f"{prefix}{_digest(grant, source, fields)}.parquet"
    if not path.is_file():
        scoped_dir().mkdir(parents=True, exist_ok=True)
        with _lock:
            if not path.is_file():
                _build(grant, source, fields, path)
                # The copies of an older version or scope of this source are done with (a
                # query that has one open keeps reading it until it closes).
                for old in scoped_dir().glob(f"{prefix}*.parquet"):
                    if old != path:
                        old.unlink(missing_ok=True)
    return ScopedData(source=source, path=path, columns=fields)


def scoped_prune() -> int:
    """Deletes the scoped copies of grants that are no longer in force (or no longer
    exist), and temporary files no build is writing any more. Returns the files removed.
    A query that still has a copy open keeps reading it until it closes."""
    folder = scoped_dir()
    if not folder.is_dir():
        return 0
    files: dict[int, list[Path]] = {}
    for path in folder.iterdir():
        match = SCOPED_NAME.match(path.name)
        if match:
            files.setdefault(int(match.group(1)), []).append(path)
    live = set(
        Grant.objects.filter(pk__in=files, status__in=GRANT_LIVE).values_list("pk", flat=True)
    )
    removed = 0
    with _lock:  # not while this process builds one
        for grant_id, paths in files.items():
            for path in paths:
                if grant_id not in live or path.name.endswith(".tmp"):
                    path.unlink(missing_ok=True)
                    removed += 1
    return removed
