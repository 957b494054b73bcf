"""A report's files: the sections (apps.console.report_sections) as an XLSX workbook, one
sheet per section, and as a PDF laid out by WeasyPrint from an HTML template. The PDF's
CSS names CJK fonts installed from the distribution (scripts/test.sh and scripts/run.sh
install fonts-wqy-microhei), so that Chinese renders on a fresh machine."""

import logging
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from apps.core import csvsafe
from apps.core.tables import xlsx_bytes

# WeasyPrint subsets the embedded fonts with fontTools, which logs every table at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def reports_dir() -> Path:
    return Path(settings.DATA_DIR) / "reports"


def _cell(value):
    return csvsafe.neutralize(str(value)) if isinstance(value, str) else value


def xlsx(heading: str, sections: list[dict]) -> bytes:
    sheets = []
    for number, section in enumerate(sections, start=1):
        rows = [
            [_cell(str(row["label"]))] + [_cell(c["value"]) for c in row["cells"]]
            for row in section["rows"]
        ]
        rows += [[_cell(str(label)), _cell(value)] for label, value in section.get("summary", [])]
        header = [str(section["title"])] + [str(c) for c in section["columns"]]
        sheets.append((f"{number} {section['key']}", header, rows))
    sheets.insert(0, (_("Report"), [heading], []))
    return xlsx_bytes(sheets)


def pdf(context: dict) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("console/reports/document.html", context)
    style = CSS(filename=str(settings.BASE_DIR / "static" / "css" / "report-pdf.css"))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[style])
