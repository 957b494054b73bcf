"""Tracing a leaked file to the grant(s) it was delivered to (apps.security.watermark).

`leak_read(stream, name)` reads CSV (UTF-8 or GB18030), JSON Lines or Parquet into rows
(at most LEAK_MAX_ROWS; the format from the name, else sniffed). `leak_trace(rows)`
scores them against the fingerprint of every grant that was ever served data (a
UsageDay row) over the columns that one of those grants receives watermarked (unmasked
text), and returns the ranking, best first, with each grant's confidence: 1 - p × n
(p: the binomial tail of the agreeing votes, n: the candidates). A grant is named when
its confidence reaches MATCH_CONFIDENCE (1 - 10⁻⁶). Every trace is audited.
"""

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass

import pyarrow.parquet as pq
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.catalog.choices import FieldType
from apps.catalog.models import DataResource
from apps.core.exceptions import InvalidInput
from apps.core.jsonlimits import has_surrogate
from apps.delivery.models import UsageDay
from apps.delivery.services import fingerprint
from apps.grants.models import Grant
from apps.security.watermark import MATCH_CONFIDENCE, TextField, trace

LEAK_MAX_ROWS = 50_000
FORMATS = ("csv", "jsonl", "parquet")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]", re.ASCII)


@dataclass(frozen=True)
class Suspect:
    grant: Grant
    confidence: float
    p_value: float
    votes: int
    agreeing: int

    @property
    def matched(self) -> bool:
        return self.confidence >= MATCH_CONFIDENCE


def _unreadable(message) -> InvalidInput:
    return InvalidInput(message, code="leak_unreadable", details={"file": [message]})


def _format(name: str, head: bytes) -> str:
    lowered = name.lower()
    if lowered.endswith(".parquet") or head.startswith(b"PAR1"):
        return "parquet"
    if lowered.endswith((".jsonl", ".ndjson", ".json")) or head.lstrip().startswith(b"{"):
        return "jsonl"
    return "csv"


def _text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unreadable(_("The file is neither UTF-8 nor GB18030 text."))


def _csv_rows(raw: bytes) -> list[dict]:
    reader = csv.DictReader(io.StringIO(_text(raw), newline=""))
    rows = []
    try:
        for row in reader:
            rows.append({k: v for k, v in row.items() if isinstance(k, str)})
            if len(rows) >= LEAK_MAX_ROWS:
                break
    except csv.Error:  # a cell over the csv module's field limit: was a 500
        raise _unreadable(_("Line %(n)d is not readable CSV.") % {"n": reader.line_num}) from None
    return rows


def _json_rows(raw: bytes) -> list[dict]:
    rows = []
    for number, line in enumerate(_text(raw).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError):  # nested too deep for Python's decoder
            raise _unreadable(_("Line %(n)d is not JSON.") % {"n": number}) from None
        # A `\ud800` escape decodes to half a UTF-16 pair, no text at all: Arrow refused
        # it while scoring (UnicodeEncodeError, a 500).
        if _SURROGATE_ESCAPE.search(line) and has_surrogate(row):
            raise _unreadable(_("Line %(n)d is not JSON.") % {"n": number})
        if isinstance(row, dict):
            rows.append(row)
        if len(rows) >= LEAK_MAX_ROWS:
            break
    return rows


def _parquet_rows(raw: bytes) -> list[dict]:
    try:
        parquet = pq.ParquetFile(io.BytesIO(raw))
        batch = next(parquet.iter_batches(batch_size=LEAK_MAX_ROWS), None)
    except Exception:  # pyarrow raises many kinds for a damaged file
        raise _unreadable(_("The file is not a readable Parquet file.")) from None
    return batch.to_pylist() if batch is not None else []


def leak_read(stream, name: str = "") -> list[dict]:
    """The rows of a leaked file (the caller bounds its size)."""
    raw = stream.read() if hasattr(stream, "read") else bytes(stream)
    kind = _format(name, raw[:8])
    rows = {"csv": _csv_rows, "jsonl": _json_rows, "parquet": _parquet_rows}[kind](raw)
    if not rows:
        raise _unreadable(_("The file holds no rows."))
    return rows


def _candidates() -> list[Grant]:
    served = UsageDay.objects.values("grant_id").distinct()
    return list(Grant.objects.filter(pk__in=served).select_related("product", "merchant"))


def _marked_names(grants: list[Grant]) -> dict[int, set[str]]:
    """{grant id: the fields it receives as unmasked text (watermarked,
    apps.delivery.services._protect)}; the types are those of the resources' current
    dataset versions."""
    resource_ids = {s["resource"] for g in grants for s in g.scope.get("sources", [])}
    types = {}
    resources = DataResource.objects.filter(pk__in=resource_ids).select_related("current_version")
    for resource in resources:
        schema = resource.current_version.schema if resource.current_version else []
        for column in schema or []:
            types[(resource.pk, column.get("name"))] = column.get("type", FieldType.STRING)
    marked = {}
    for grant in grants:
        names = set()
        for source in grant.scope.get("sources", []):
            for field in source.get("fields", []):
                kind = types.get((source["resource"], field["name"]), FieldType.STRING)
                if field.get("masking") in (None, "", "none") and kind == FieldType.STRING:
                    names.add(field["name"])
        marked[grant.pk] = names
    return marked


def leak_trace(rows: list[dict], *, actor=None, file_name: str = "", digest: str = "", top=10):
    """The ranking of the candidate grants for `rows` (best first, at most `top`)."""
    columns = {name for row in rows[:100] for name in row}
    # The candidates: grants served data that receive one of the file's columns marked
    # (fewer candidates, a smaller Bonferroni factor).
    served = _candidates()
    marked = _marked_names(served)
    grants = [g for g in served if marked[g.pk] & columns]
    fields = [TextField(name) for name in sorted(set().union(*marked.values()) & columns)]
    by_id = {str(g.pk): g for g in grants}
    results = trace(rows, [fingerprint(g) for g in grants], fields) if fields else []
    ranking = [
        Suspect(by_id[r.grant_id], r.confidence, r.p_value, r.votes, r.agreeing)
        for r in results[:top]
    ]
    best = ranking[0] if ranking else None
    audit_record(
        actor=actor,
        action="delivery.leak.trace",
        target=best.grant if best and best.matched else None,
        data={
            "file": file_name[:200],
            "sha256": digest,
            "rows": len(rows),
            "fields": [f.name for f in fields],
            "candidates": len(grants),
            "named": [s.grant.pk for s in ranking if s.matched],
            "best": {"grant": best.grant.pk, "confidence": best.confidence} if best else None,
        },
    )
    return ranking


def leak_trace_file(stream, name: str, *, actor=None, top=10):
    raw = stream.read() if hasattr(stream, "read") else bytes(stream)
    rows = leak_read(raw, name)
    digest = hashlib.sha256(raw).hexdigest()
    return leak_trace(rows, actor=actor, file_name=name, digest=digest, top=top)
