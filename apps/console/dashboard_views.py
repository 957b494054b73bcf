"""The console home: the regulator's supervision dashboard (监管驾驶舱). To-dos are live
counts; the figures come from the day's snapshot, computed by beat (the first visit on a
fresh install computes it once)."""

from django.shortcuts import render

from apps.console import dashboard, figures
from apps.console.todos import objection_rows, todos
from apps.console.views import regulator_required


@regulator_required
def home(request):
    snapshot = figures.latest_snapshot() or figures.dashboard_refresh()
    sections = dashboard.sections(snapshot.figures)
    context = {
        "todos": todos(request.user),
        "objections": objection_rows(),
        "snapshot": snapshot,
        "headline": dashboard.headline(snapshot.figures),
        "sections": sections,
        "charts": dashboard.chart_data(sections),
        "audit": dashboard.audit_state(),
    }
    return render(request, "console/home.html", context)
