"""Writers of export files, one Arrow table (a batch) at a time, so memory stays flat in
the size of the dataset: CSV (every text cell neutralized, apps.core.csvsafe), JSON Lines
and Parquet. Each writer takes already masked and watermarked batches: `prepare(table)`,
on any thread, makes what `write`, in batch order on one thread, appends to the file."""

import hashlib
import io
import json
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.core.serializers.json import DjangoJSONEncoder

from apps.core.csvsafe import neutralize, writer
from apps.delivery.choices import ExportFormat
from apps.security.textbytes import first_byte_in

# A cell can hold a formula only if it starts with a trigger or with something a reader
# does not see (apps.core.csvsafe). Its first byte tells most cells apart at once: printable
# ASCII other than `=+-@`, and the lead bytes of CJK ideographs (U+4000..U+9FFF), start no
# formula. Only the rest go through csvsafe.neutralize, which decides exactly.
SUSPECT_FIRST = np.ones(256, dtype=bool)
SUSPECT_FIRST[0x21:0x7F] = False
SUSPECT_FIRST[list(b"=+-@")] = True
SUSPECT_FIRST[0xE4:0xEA] = False


def neutralize_column(column: pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    suspect = first_byte_in(column, SUSPECT_FIRST)
    if not len(suspect):
        return column
    values = pc.array_take(column, suspect).to_pylist()
    where = np.zeros(len(column), dtype=bool)
    where[suspect] = True
    return pc.replace_with_mask(
        column, pa.array(where), pa.array([neutralize(v) for v in values], column.type)
    )


def _text(field: pa.Field) -> bool:
    return pa.types.is_string(field.type) or pa.types.is_large_string(field.type)


class DigestingFile:
    """A binary file that takes the SHA-256 of what is written to it, on the way: the
    export's digest costs no second read of the file."""

    def __init__(self, path: Path):
        self.handle = path.open("wb")
        self.sha256 = hashlib.sha256()

    def write(self, data) -> int:
        self.sha256.update(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()

    @property
    def closed(self) -> bool:
        return self.handle.closed

    def close(self) -> None:
        self.handle.close()


class CsvFile:
    """CSV: each batch neutralized and formatted on a protecting thread (batches need no
    header and no state between them), then its bytes appended in order."""

    OPTIONS = pacsv.WriteOptions(include_header=False, batch_size=65536)

    def __init__(self, path: Path, schema: pa.Schema):
        self.file = DigestingFile(path)
        header = io.StringIO()
        writer(header).writerow(schema.names)  # names too: neutralized
        self.file.write(header.getvalue().encode())

    def prepare(self, table: pa.Table) -> pa.Buffer:
        for index, field in enumerate(table.schema):
            if _text(field):
                table = table.set_column(index, field, neutralize_column(table.column(index)))
        sink = pa.BufferOutputStream()
        pacsv.write_csv(table, sink, self.OPTIONS)
        return sink.getvalue()

    def write(self, data: pa.Buffer) -> None:
        self.file.write(data)

    def close(self) -> None:
        self.file.close()


class JsonLinesFile:
    def __init__(self, path: Path, schema: pa.Schema):
        self.file = DigestingFile(path)

    def prepare(self, table: pa.Table) -> bytes:
        lines = [
            json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) for row in table.to_pylist()
        ]
        return ("\n".join(lines) + "\n").encode() if lines else b""

    def write(self, data: bytes) -> None:
        if data:
            self.file.write(data)

    def close(self) -> None:
        self.file.close()


class ParquetFile:
    def __init__(self, path: Path, schema: pa.Schema):
        self.schema = schema
        self.file = DigestingFile(path)
        self.parquet = pq.ParquetWriter(self.file, schema, compression="zstd")

    def prepare(self, table: pa.Table) -> pa.Table:
        return table.cast(self.schema)

    def write(self, table: pa.Table) -> None:
        self.parquet.write_table(table)

    def close(self) -> None:
        self.parquet.close()
        self.file.close()


_POOLS: dict[tuple, ThreadPoolExecutor] = {}


def _pool(name: str, threads: int) -> ThreadPoolExecutor:
    """A pool kept for the process (its threads start once, not per export); a forked
    child, which has none of its parent's threads, makes its own."""
    key = (name, threads, os.getpid())
    pool = _POOLS.get(key)
    if pool is None:
        pool = _POOLS[key] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)
    return pool


class Pipeline:
    """Batches protected and prepared for the file (`out.prepare`: for CSV, neutralized
    and formatted) on `threads` threads, and written in their order on one more: DuckDB,
    Arrow and NumPy release the GIL, so every core works. At most `ahead` batches wait to
    be written, so memory stays flat in the size of the dataset."""

    def __init__(self, out, protect, threads: int = 2, ahead: int = 2):
        self.out, self.protect, self.ahead = out, protect, ahead
        self.workers = _pool("export", threads)
        self.writer = _pool("export-writer", 1)
        self.protecting: deque[Future] = deque()
        self.writing: Future | None = None

    def put(self, table: pa.Table) -> None:
        self.protecting.append(self.workers.submit(self._protect, table))
        while len(self.protecting) > self.ahead:
            self._write_next()

    def _protect(self, table: pa.Table) -> pa.Table:
        return self.out.prepare(self.protect(table))

    def _write_next(self) -> None:
        table = self.protecting.popleft().result()
        if self.writing is not None:
            self.writing.result()
        self.writing = self.writer.submit(self.out.write, table)

    def finish(self) -> None:
        while self.protecting:
            self._write_next()
        if self.writing is not None:
            self.writing.result()

    def close(self) -> None:
        """Waits for this export's work still running (after a failure, what has not
        started is dropped), then closes the file."""
        for future in self.protecting:
            future.cancel()
        wait([*self.protecting, *([self.writing] if self.writing else [])])
        self.out.close()

    def sha256(self) -> str:
        """The written file's SHA-256 (after `close`)."""
        return self.out.file.sha256.hexdigest()


WRITERS = {
    ExportFormat.CSV: CsvFile,
    ExportFormat.JSONL: JsonLinesFile,
    ExportFormat.PARQUET: ParquetFile,
}


def open_writer(fmt: str, path: Path, schema: pa.Schema):
    return WRITERS[fmt](path, schema)
