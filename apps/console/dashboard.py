"""The supervision dashboard as the page shows it: the stored figures (apps.console.figures)
turned into sections, each a table (read by screen readers and without JavaScript) and
the same numbers as a chart spec that static/js/dashboard.js draws with ECharts. Every
number links to the list behind it."""

from decimal import Decimal

from django.utils.translation import gettext as _

from apps.audit.checkpoints import last_checkpoint
from apps.audit.sealer import head
from apps.catalog.choices import Classification, OpenType
from apps.console.jobs import last_verification
from apps.console.todos import link
from apps.core.names import local_name
from apps.delivery.choices import AlertRule, AlertStatus
from apps.grants.choices import ApplicationStatus, GrantStatus, StepKind
from apps.operators.choices import AgreementStatus, QualificationStatus
from apps.webhooks.choices import DeliveryStatus


def _cell(value, url=None) -> dict:
    return {"value": value, "url": url}


def status_section(key, title, counts: dict, choices, url_of) -> dict:
    """A one-column section: how many rows in each status, linked to the filtered list."""
    rows = [
        {"label": label, "cells": [_cell(counts.get(code, 0), url_of(code))]}
        for code, label in choices
    ]
    return {
        "key": key,
        "title": title,
        "columns": [_("Count")],
        "rows": rows,
        "total": sum(counts.values()),
        "chart": {
            "type": "bar",
            "categories": [row["label"] for row in rows],
            "series": [
                {
                    "name": _("Count"),
                    "data": [row["cells"][0]["value"] for row in rows],
                    "links": [row["cells"][0]["url"] for row in rows],
                }
            ],
        },
    }


def resources_section(figure: dict) -> dict:
    counts = figure.get("by", {})
    rows = []
    for cls, cls_label in Classification.choices:
        cells = [
            _cell(
                counts.get(f"{cls}|{ot}", 0), link("catalog:list", classification=cls, open_type=ot)
            )
            for ot, _label in OpenType.choices
        ]
        rows.append({"label": cls_label, "cells": cells})
    return {
        "key": "resources",
        "title": _("Registered resources by classification and open type"),
        "columns": [label for _code, label in OpenType.choices],
        "rows": rows,
        "total": sum(counts.values()),
        "chart": {
            "type": "bar",
            "stack": True,
            "categories": [row["label"] for row in rows],
            "series": [
                {
                    "name": ot_label,
                    "data": [row["cells"][i]["value"] for row in rows],
                    "links": [row["cells"][i]["url"] for row in rows],
                }
                for i, (_code, ot_label) in enumerate(OpenType.choices)
            ],
        },
    }


def decision_section(figure: dict) -> dict:
    by_kind = figure.get("by_kind", {})
    rows, taken, allowed = [], [], []
    for kind, label in StepKind.choices:
        entry = by_kind.get(kind, {})
        url = link("console:review_queue", queue="all", step=kind)
        days = _days(entry.get("median_hours"))
        limit = _days(entry.get("deadline_hours"))
        rows.append(
            {
                "label": label,
                "cells": [
                    _cell(entry.get("decided", 0), url),
                    _cell(days if days is not None else "—"),
                    _cell(limit if limit is not None else "—"),
                    _cell(entry.get("late", 0)),
                ],
            }
        )
        taken.append(days or 0)
        allowed.append(limit or 0)
    return {
        "key": "decision_times",
        "title": _("Time to decision per review step (last %(days)s days)")
        % {"days": figure.get("window_days", 90)},
        "columns": [
            _("Steps decided"),
            _("Median days to decide"),
            _("Median days allowed"),
            _("Decided late"),
        ],
        "rows": rows,
        "chart": {
            "type": "bar",
            "categories": [row["label"] for row in rows],
            "series": [
                {"name": _("Median days to decide"), "data": taken},
                {"name": _("Median days allowed"), "data": allowed},
            ],
        },
    }


def deliveries_section(figure: dict) -> dict:
    """Calls, rows and bytes per day: a line chart (bytes on their own axis), the table
    newest day first."""
    days = figure.get("days", [])
    columns = [_("Calls"), _("Rows"), _("Bytes")]
    return {
        "key": "deliveries",
        "title": _("Deliveries per day (last %(days)s days)")
        % {"days": figure.get("window_days", 90)},
        "columns": columns,
        "rows": [
            {"label": day, "cells": [_cell(calls), _cell(rows), _cell(size)]}
            for day, calls, rows, size in reversed(days)
        ],
        "total": sum(entry[1] for entry in days),
        "total_label": _("Calls in total"),
        "tall": True,
        "chart": {
            "type": "line",
            "categories": [entry[0] for entry in days],
            "series": [
                {"name": name, "data": [entry[i + 1] for entry in days], "axis": int(i == 2)}
                for i, name in enumerate(columns)
            ],
        },
    }


def alerts_section(figure: dict) -> dict:
    """Alerts by rule, stacked by status, each number linked to the filtered list."""
    counts = figure.get("by", {})
    rows = [
        {
            "label": rule_label,
            "cells": [
                _cell(
                    counts.get(f"{rule}|{status}", 0),
                    link("console:alerts", rule=rule, status=status),
                )
                for status, _label in AlertStatus.choices
            ],
        }
        for rule, rule_label in AlertRule.choices
    ]
    return {
        "key": "alerts",
        "title": _("Anomaly alerts by rule (last %(days)s days)")
        % {"days": figure.get("window_days", 90)},
        "columns": [label for _code, label in AlertStatus.choices],
        "rows": rows,
        "total": sum(counts.values()),
        "chart": {
            "type": "bar",
            "stack": True,
            "categories": [row["label"] for row in rows],
            "series": [
                {
                    "name": status_label,
                    "data": [row["cells"][i]["value"] for row in rows],
                    "links": [row["cells"][i]["url"] for row in rows],
                }
                for i, (_code, status_label) in enumerate(AlertStatus.choices)
            ],
        },
    }


def revenue_section(figure: dict) -> dict:
    """Revenue against each agreement's cap (yuan), each row linked to the agreement."""
    rows = []
    for pk, number, operator, revenue, cap, level, *english in figure.get("agreements", []):
        # a snapshot stored before the English name was kept has six items
        operator = local_name({"name": operator, "name_en": english[0] if english else ""})
        url = link("console:agreement_review", pk)
        share = (
            None
            if not cap or Decimal(cap) == 0
            else round(Decimal(revenue) / Decimal(cap) * 100, 1)
        )
        rows.append(
            {
                "label": f"{number} · {operator}",
                "level": level,
                "cells": [
                    _cell(Decimal(revenue), url),
                    _cell(Decimal(cap) if cap else "—"),
                    _cell(share if share is not None else "—"),
                ],
            }
        )
    return {
        "key": "revenue",
        "title": _("Revenue against each agreement's cap"),
        "columns": [_("Revenue (yuan)"), _("Maximum revenue (yuan)"), _("Share of the cap (%)")],
        "rows": rows,
        "total": figure.get("count", 0),
        "total_label": _("Agreements in force"),
        "chart": {
            "type": "bar",
            "categories": [row["label"] for row in rows],
            "series": [
                {
                    "name": _("Share of the cap (%)"),
                    "data": [
                        float(row["cells"][2]["value"]) if row["cells"][2]["value"] != "—" else 0
                        for row in rows
                    ],
                    "links": [row["cells"][0]["url"] for row in rows],
                }
            ],
        },
    }


def _days(hours) -> float | None:
    return None if hours is None else round(hours / 24, 1)


def sections(figures: dict) -> list[dict]:
    def filtered(name):
        return lambda code: link(name, status=code)

    return [
        resources_section(figures.get("resources", {})),
        status_section(
            "operators",
            _("Operators by qualification status"),
            figures.get("operators", {}).get("by_status", {}),
            QualificationStatus.choices,
            filtered("console:operators"),
        ),
        status_section(
            "agreements",
            _("Authorization agreements by status"),
            figures.get("agreements", {}).get("by_status", {}),
            AgreementStatus.choices,
            filtered("console:agreements"),
        ),
        status_section(
            "applications",
            _("Access applications by status"),
            figures.get("applications", {}).get("by_status", {}),
            ApplicationStatus.choices,
            filtered("console:application_list"),
        ),
        decision_section(figures.get("decision_times", {})),
        status_section(
            "grants",
            _("Grants by status"),
            figures.get("grants", {}).get("by_status", {}),
            GrantStatus.choices,
            filtered("console:grants"),
        ),
        status_section(
            "webhooks",
            _("Webhook deliveries by status (last %(days)s days)")
            % {"days": figures.get("webhooks", {}).get("window_days", 30)},
            figures.get("webhooks", {}).get("by_status", {}),
            DeliveryStatus.choices,
            lambda code: None,
        ),
        deliveries_section(figures.get("deliveries", {})),
        alerts_section(figures.get("alerts", {})),
        revenue_section(figures.get("revenue", {})),
    ]


def headline(figures: dict) -> list[dict]:
    """The few numbers that open the figures, each linked."""
    agreements = figures.get("agreements", {})
    grants = figures.get("grants", {}).get("by_status", {})
    return [
        {
            "label": _("Agreements ending within %(days)s days")
            % {"days": agreements.get("ending_days", 90)},
            "value": agreements.get("ending", 0),
            "url": link("console:agreements", ending_within=agreements.get("ending_days", 90)),
        },
        {
            "label": _("Active grants"),
            "value": grants.get(GrantStatus.ACTIVE, 0),
            "url": link("console:grants", status=GrantStatus.ACTIVE),
        },
        {
            "label": _("Applications in review"),
            "value": figures.get("applications", {})
            .get("by_status", {})
            .get(ApplicationStatus.IN_REVIEW, 0),
            "url": link("console:application_list", status=ApplicationStatus.IN_REVIEW),
        },
    ]


def audit_state() -> dict:
    """The chain now (cheap: the newest seal, the newest checkpoint, the last job)."""
    seq, _hash = head()
    checkpoint = last_checkpoint()
    job = last_verification()
    result = job.result if job is not None and job.status == "done" else None
    return {
        "head_seq": seq,
        "checkpoint": checkpoint,
        "verification": job,
        "verified_ok": None if result is None else result.get("ok"),
        "verified_seq": None if result is None else result.get("head_seq"),
        "verify_url": link("console:audit_verify"),
        "events_url": link("console:audit_events"),
    }


def chart_data(sections_: list[dict]) -> dict:
    """What the page's JSON block carries: the chart spec of each section, by key."""
    return {section["key"]: section["chart"] for section in sections_}
