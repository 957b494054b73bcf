"""A report's figures (apps.console.report_figures) as titled tables in the reader's
language: the same sections feed the web page, the XLSX workbook and the PDF. The
state sections are the dashboard's own (apps.console.dashboard)."""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.console import dashboard
from apps.console.report_figures import ANNUAL
from apps.core.names import local_name
from apps.grants.choices import ApplicationStatus, GrantStatus
from apps.operators.choices import AgreementStatus, QualificationStatus


def title(period: dict) -> str:
    if period["kind"] == ANNUAL:
        return _("Annual supervision report %(year)s") % {"year": period["year"]}
    return _("Monthly supervision report %(year)s-%(month)02d") % period


def _table(key, heading, columns, rows) -> dict:
    return {
        "key": key,
        "title": heading,
        "columns": columns,
        "rows": [
            {"label": label, "cells": [{"value": v} for v in values]} for label, values in rows
        ],
    }


def _status(key, heading, counts, choices) -> dict:
    return dashboard.status_section(key, heading, counts, choices, lambda code: None)


def _hours(value) -> str:
    return "—" if value is None else value


def applications_section(figure: dict) -> dict:
    section = _status(
        "applications",
        _("Applications submitted in the period, by status"),
        figure.get("by_status", {}),
        ApplicationStatus.choices,
    )
    section["summary"] = [
        (_("Submitted in the period"), figure.get("submitted", 0)),
        (_("Decided in the period"), figure.get("decided", 0)),
        (_("Median hours from submission to decision"), _hours(figure.get("median_hours"))),
    ]
    return section


def grants_section(figure: dict) -> dict:
    rows = [
        (_("In force during the period"), [figure.get("active", 0)]),
        (_("Issued"), [figure.get("issued", 0)]),
        (_("Suspended"), [figure.get("suspended", 0)]),
        (_("Revoked"), [figure.get("revoked", 0)]),
    ]
    return _table("grants", _("Grants in the period"), [_("Count")], rows)


def deliveries_section(figure: dict) -> dict:
    columns = [_("Calls"), _("Rows"), _("Bytes")]
    rows = [(_("All products"), [figure.get(k, 0) for k in ("calls", "rows", "bytes")])]
    rows += [
        # the product's name in the report's language (older reports: Chinese only)
        (
            local_name({"name": entry["product"], "name_en": entry.get("product_en", "")}),
            [entry["calls"], entry["rows"], entry["bytes"]],
        )
        for entry in figure.get("by_product", [])
    ]
    return _table("deliveries", _("Data delivered in the period"), columns, rows)


def audit_section(figure: dict) -> dict:
    verified = figure.get("verified_ok")
    verdict = {True: _("intact"), False: _("failed verification"), None: _("not verified")}
    rows = [
        (_("Head sequence number"), [figure.get("head_seq", 0)]),
        (_("Last verification"), [verdict.get(verified, _("not verified"))]),
        (_("Verified up to sequence number"), [figure.get("verified_seq") or "—"]),
        (_("Verified at"), [_moment(figure.get("verified_at")) or "—"]),
    ]
    return _table("audit", _("Audit chain"), [_("Value")], rows)


def sections(figures: dict) -> list[dict]:
    return [
        dashboard.resources_section(figures.get("resources", {})),
        _status(
            "operators",
            _("Operators by qualification status"),
            figures.get("operators", {}).get("by_status", {}),
            QualificationStatus.choices,
        ),
        _status(
            "agreements",
            _("Authorization agreements by status"),
            figures.get("agreements", {}).get("by_status", {}),
            AgreementStatus.choices,
        ),
        applications_section(figures.get("applications", {})),
        _decisions(figures.get("decision_times", {})),
        grants_section(figures.get("grants", {})),
        _status(
            "grant_states",
            _("Grants by status"),
            figures.get("grants", {}).get("by_status", {}),
            GrantStatus.choices,
        ),
        deliveries_section(figures.get("deliveries", {})),
        audit_section(figures.get("audit", {})),
    ]


def _decisions(figure: dict) -> dict:
    section = dashboard.decision_section(figure)
    section["title"] = _("Time to decision per review step in the period")
    return section


def _moment(value) -> str:
    moment = parse_datetime(value or "")
    return date_format(timezone.localtime(moment), "Y-m-d H:i") if moment else ""


def generated_label(figures: dict) -> str:
    return _moment(figures.get("generated_at"))
