"""Writers of export files, one Arrow table (a batch) at a time, so memory stays flat in
the size of the dataset: CSV (every text cell neutralized, apps.core.csvsafe), JSON Lines
and Parquet. Each writer takes already masked and watermarked batches."""

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.core.serializers.json import DjangoJSONEncoder

from apps.core.csvsafe import neutralize, writer
from apps.delivery.choices import ExportFormat

# A cell can hold a formula only if it starts with something other than a letter or a
# digit (a trigger, or an invisible character before one): only those go through
# csvsafe.neutralize, the rest stay in Arrow. (The first character's class, not a regex:
# a third of the cost.)


def _plain_start(column: pa.Array) -> pa.Array:
    return pc.utf8_is_alnum(pc.utf8_slice_codeunits(column, 0, 1))


def neutralize_column(column: pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if len(column) == 0 or column.null_count == len(column):
        return column
    suspect = pc.and_(
        pc.invert(_plain_start(column)),
        pc.greater(pc.utf8_length(column), 0),
    )
    suspect = pc.fill_null(suspect, False)
    if not pc.any(suspect).as_py():
        return column
    values = pc.filter(column, suspect).to_pylist()
    return pc.replace_with_mask(
        column, suspect, pa.array([neutralize(v) for v in values], column.type)
    )


def _text(field: pa.Field) -> bool:
    return pa.types.is_string(field.type) or pa.types.is_large_string(field.type)


class CsvFile:
    def __init__(self, path: Path, schema: pa.Schema):
        self.handle = path.open("w", encoding="utf-8", newline="")
        writer(self.handle).writerow(schema.names)  # names too: neutralized
        self.handle.flush()
        self.binary = self.handle.buffer
        self.csv = pacsv.CSVWriter(
            self.binary, schema, write_options=pacsv.WriteOptions(include_header=False)
        )

    def write(self, table: pa.Table) -> None:
        for index, field in enumerate(table.schema):
            if _text(field):
                table = table.set_column(index, field, neutralize_column(table.column(index)))
        self.csv.write_table(table)

    def close(self) -> None:
        self.csv.close()
        self.handle.close()


class JsonLinesFile:
    def __init__(self, path: Path, schema: pa.Schema):
        self.handle = path.open("w", encoding="utf-8")

    def write(self, table: pa.Table) -> None:
        lines = [
            json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) for row in table.to_pylist()
        ]
        if lines:
            self.handle.write("\n".join(lines) + "\n")

    def close(self) -> None:
        self.handle.close()


class ParquetFile:
    def __init__(self, path: Path, schema: pa.Schema):
        self.schema = schema
        self.parquet = pq.ParquetWriter(str(path), schema, compression="zstd")

    def write(self, table: pa.Table) -> None:
        self.parquet.write_table(table.cast(self.schema))

    def close(self) -> None:
        self.parquet.close()


WRITERS = {
    ExportFormat.CSV: CsvFile,
    ExportFormat.JSONL: JsonLinesFile,
    ExportFormat.PARQUET: ParquetFile,
}


def open_writer(fmt: str, path: Path, schema: pa.Schema):
    return WRITERS[fmt](path, schema)
