"""Streaming Parquet writer: one row group per batch, into a temporary file.

The temporary file lives next to its final place so that publishing it is an atomic
rename on the same file system; until then nothing under `v<n>.parquet` exists.
"""

import contextlib
import hashlib
import os
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


class ParquetSink:
    def __init__(self, directory: Path, schema: pa.Schema, prefix: str = ".incoming-"):
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{prefix}{uuid.uuid4().hex}.parquet"
        self.schema = schema
        self._writer: pq.ParquetWriter | None = None

    def write(self, batch: pa.RecordBatch) -> None:
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        self._writer.write_batch(batch.cast(self.schema))

    def close(self) -> tuple[int, str]:
        """Finishes the file and returns (byte size, SHA-256)."""
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        self._writer.close()
        digest = hashlib.sha256()
        with open(self.path, "rb") as handle:
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
            os.fsync(handle.fileno())
        return self.path.stat().st_size, digest.hexdigest()

    def abort(self) -> None:
        """Drops everything written so far; safe to call more than once."""
        if self._writer is not None:
            # The file is deleted next anyway; a failing close must not hide the cause.
            with contextlib.suppress(Exception):
                self._writer.close()
            self._writer = None
        self.path.unlink(missing_ok=True)


def publish(temp: Path, final: Path) -> None:
    """Atomically moves a finished file into place (same directory, same file system)."""
    os.replace(temp, final)
    directory = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # make the rename itself durable
    finally:
        os.close(directory)
