"""Format and encoding detection from the file's first bytes (and its name as a hint)."""

import codecs
import re
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from apps.catalog.ingest.errors import IngestError
from apps.catalog.ingest.zipcheck import checked_archive

CSV, XLSX, JSONL = "csv", "xlsx", "jsonl"
SAMPLE_BYTES = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls and other OLE compound files
# Control characters never found in text tables (tab, CR and LF are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _sample(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def detect_format(path: Path, name: str = "") -> str:
    """CSV, XLSX or JSON Lines. Content decides; a contradicting extension is an error."""
    head = _sample(path, 4096)
    suffix = Path(name or path.name).suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        # The central directory is checked before anything is unpacked (see zipcheck).
        with checked_archive(path) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise IngestError(
                    _("This ZIP archive is not an XLSX workbook."), code="unsupported_format"
                )
        return XLSX
    if head.startswith(_OLE_MAGIC):
        raise IngestError(
            _("Legacy .xls workbooks are not supported; save the sheet as XLSX or CSV."),
            code="unsupported_format",
        )
    if suffix in {".xlsx", ".xlsm"}:
        raise IngestError(
            _("The file is named .xlsx but is not an XLSX workbook."), code="unsupported_format"
        )
    text_start = head.lstrip(codecs.BOM_UTF8).lstrip()
    if suffix in {".jsonl", ".ndjson"} or (suffix != ".csv" and text_start.startswith(b"{")):
        return JSONL
    return CSV


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-8, gbk or gb18030; anything else (or binary) is refused.

    A GBK file that only uses common characters is byte-identical to GB18030, so the
    reader always decodes the GB family with gb18030 (a superset): a rare character
    further down the file then still decodes.
    """
    sample = _sample(path)
    if _looks_utf16(sample):
        raise _unknown(UTF16)
    if b"\x00" in sample:
        raise _unknown(BINARY)
    if sample.startswith(codecs.BOM_UTF8):
        return _checked("utf-8-sig", sample[len(codecs.BOM_UTF8) :], "utf-8")
    for name in ("utf-8", "gbk", "gb18030"):
        try:
            return _checked(name, sample, name)
        except IngestError:
            continue
    raise _unknown()


def _checked(name: str, sample: bytes, codec: str) -> str:
    try:
        # final=False: the sample may end in the middle of a multi-byte character.
        text = codecs.getincrementaldecoder(codec)().decode(sample, final=False)
    except UnicodeDecodeError:
        raise _unknown() from None
    if _CONTROL.search(text):
        raise _unknown()
    return name


UNKNOWN = _(
    "The file's encoding could not be recognised. Save it as UTF-8 (with or without BOM), "
    "GBK or GB18030 text."
)
# Excel's "Unicode text" and some exports: a text table, in an encoding not read here.
UTF16 = _("The file is UTF-16 text. Save it as CSV in UTF-8 (in Excel: CSV UTF-8), GBK or GB18030.")
# An executable, an image, a PDF, an archive that is no workbook...: not a table at all.
BINARY = _(
    "The file holds binary data, not a table. Upload CSV or JSON Lines text, or an XLSX workbook."
)


def _looks_utf16(sample: bytes) -> bool:
    """A UTF-16 BOM, or zero bytes on one side of most byte pairs (the high bytes of the
    ASCII delimiters, digits and line ends every table has)."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    pairs = len(sample) // 2
    if pairs < 8:
        return False
    even, odd = sample[0 : 2 * pairs : 2].count(0), sample[1 : 2 * pairs : 2].count(0)
    return max(even, odd) >= pairs * 0.3 and min(even, odd) == 0


def _unknown(message=UNKNOWN) -> IngestError:
    return IngestError(message, code="unknown_encoding")


def python_codec(encoding: str) -> str:
    """The codec used to read a detected encoding (see detect_encoding)."""
    return "gb18030" if encoding in {"gbk", "gb18030"} else encoding
