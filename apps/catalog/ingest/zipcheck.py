"""ZIP bombs: an XLSX workbook is a ZIP archive whose parts openpyxl unpacks, some of them
whole (the shared strings, as soon as the workbook is opened). Before any reader opens
one, its central directory is checked, without unpacking a byte: few enough parts, only
stored or deflated ones, none compressed beyond what real sheets reach, and in all at
most `CATALOG_INGEST_MAX_UNPACKED_BYTES` unpacked. The shared strings, which openpyxl
keeps as one Python string each (about 3.5 times the part's size for short texts), are
bounded on their own by `CATALOG_INGEST_MAX_SHARED_STRINGS_BYTES`, wherever the package
manifest says they are.

Declared sizes can lie; what is actually unpacked is bounded by zipfile, through which
openpyxl reads every part: it never returns more of a part than the central directory
declares (its deflate output is cut in bounded steps), then checks the CRC and raises
BadZipFile on a mismatch, which the readers turn into `damaged()`. bzip2 and LZMA parts
are refused because zipfile does not unpack those in bounded steps.
"""

import zipfile
import zlib
from pathlib import Path

from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from apps.catalog.ingest.errors import IngestError

CODE = "file_unpacks_too_large"
MAX_MEMBERS = 10_000  # a workbook has tens of parts, hundreds with many pictures
MAX_DIRECTORY_BYTES = 4 * 1024 * 1024  # zipfile reads the whole central directory at once
MAX_RATIO = 200  # real sheets compress 5-50:1; DEFLATE reaches ~1030:1 on a repeated byte
RATIO_FROM_BYTES = 4 * 1024 * 1024  # a smaller part may compress as well as it likes
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
MANIFEST = "[Content_Types].xml"  # openpyxl reads and parses it whole
SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_ENCRYPTED = 0x1
# Failures of a damaged archive while a part is read: CRC or size mismatch, corrupt
# deflate data, data that ends early.
DAMAGED = (zipfile.BadZipFile, EOFError, zlib.error)


# What openpyxl raises for a ZIP that holds no workbook, a missing part or broken XML
# (never an IngestError, which is raised by our own reading and passes through).
NOT_A_WORKBOOK = (OSError, KeyError, IndexError, ValueError, TypeError, SyntaxError)


def not_a_workbook() -> IngestError:
    return IngestError(
        _("The file is not a readable XLSX workbook: a part is missing or damaged."),
        code="unreadable",
    )


def damaged() -> IngestError:
    return IngestError(
        _("The file is a damaged ZIP archive and cannot be read."), code="unreadable"
    )


def checked_archive(path: Path) -> zipfile.ZipFile:
    """The open archive (the caller closes it) once its declared contents are in bounds;
    otherwise an IngestError (`file_unpacks_too_large`, `unsupported_format`, `unreadable`)."""
    _check_directory(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, ValueError):
        raise damaged() from None
    try:
        _check_members(archive.infolist())
        _check_shared_strings(archive)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_directory(path: Path) -> None:
    """Bounds the central directory before zipfile reads it (all of it, into memory, one
    object per entry), from the end record zipfile itself will use."""
    with open(path, "rb") as handle:
        end = zipfile._EndRecData(handle)  # the stdlib's own reading, so both agree
    if not end:
        raise damaged()
    members, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
    if members > MAX_MEMBERS or size > MAX_DIRECTORY_BYTES:
        raise _too_many(members, size)


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise _too_many(len(infos), None)
    total = 0
    for info in infos:
        if info.compress_type not in _METHODS or info.flag_bits & _ENCRYPTED:
            raise IngestError(
                _("The workbook is compressed or encrypted in a way XLSX files never are."),
                code="unsupported_format",
            )
        size = info.file_size
        if size > RATIO_FROM_BYTES and size > MAX_RATIO * info.compress_size:
            raise IngestError(
                _(
                    "A part of the workbook is compressed far more than a real spreadsheet "
                    "can be (a ZIP bomb); the file is refused."
                ),
                code=CODE,
                details={
                    "member": info.filename[:255],
                    "unpacked_bytes": size,
                    "compressed_bytes": info.compress_size,
                    "max_ratio": MAX_RATIO,
                },
            )
        total += size
    limit = settings.CATALOG_INGEST_MAX_UNPACKED_BYTES
    if total > limit:
        raise IngestError(
            _(
                "The workbook unpacks to more data than the platform reads from one XLSX "
                "file. Split it into smaller workbooks or send the table as CSV."
            ),
            code=CODE,
            details={"unpacked_bytes": total, "max_unpacked_bytes": limit},
        )


def _check_shared_strings(archive: zipfile.ZipFile) -> None:
    """The parts the manifest names as shared strings (openpyxl takes the first; any name
    will do, so the name is not trusted) each at most the setting."""
    try:
        manifest = archive.getinfo(MANIFEST)
    except KeyError:
        return  # no workbook: openpyxl refuses it (not_a_workbook)
    if manifest.file_size > MAX_DIRECTORY_BYTES:
        raise IngestError(
            _("The workbook's list of parts is larger than an XLSX file's can be."),
            code=CODE,
            details={"member": MANIFEST, "unpacked_bytes": manifest.file_size},
        )
    try:
        overrides = ElementTree.fromstring(archive.read(manifest))
    except DAMAGED:
        raise damaged() from None
    except (ElementTree.ParseError, DefusedXmlException):
        raise not_a_workbook() from None
    names = {
        part.get("PartName", "").removeprefix("/")
        for part in overrides
        if part.tag.endswith("Override") and part.get("ContentType") == SHARED_STRINGS
    }
    limit = settings.CATALOG_INGEST_MAX_SHARED_STRINGS_BYTES
    for name in names:
        try:
            size = archive.getinfo(name).file_size
        except KeyError:
            continue  # openpyxl refuses the workbook (not_a_workbook)
        if size > limit:
            raise IngestError(
                _(
                    "The workbook holds more distinct texts than the platform reads from "
                    "one XLSX file. Split it into smaller workbooks or send the table as CSV."
                ),
                code=CODE,
                details={
                    "member": name[:255],
                    "unpacked_bytes": size,
                    "max_shared_strings_bytes": limit,
                },
            )


def _too_many(members: int, directory_bytes: int | None) -> IngestError:
    details = {"members": members, "max_members": MAX_MEMBERS}
    if directory_bytes is not None:
        details |= {"directory_bytes": directory_bytes, "max_directory_bytes": MAX_DIRECTORY_BYTES}
    return IngestError(
        _("The workbook has more parts than an XLSX file can reasonably have."),
        code=CODE,
        details=details,
    )
