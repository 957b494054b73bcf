"""Regulator console: routing rule versions, the draft's editor, publishing, and the
preview of the steps an application would get. Thin: forms parse, services decide."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.console.views import regulator_required
from apps.core.exceptions import DomainError
from apps.core.forms import add_domain_error, posted_text, run_action
from apps.core.permissions import MANAGE
from apps.grants import describe, selectors, services
from apps.grants.forms import PreviewForm, RuleForm
from apps.grants.models import RoutingRule, RuleSet
from apps.grants.routing import route
from apps.workflow import policy
from apps.workflow.policy import get_object_for


@regulator_required
def versions(request):
    context = {
        "versions": selectors.ruleset_list(user=request.user),
        "active": selectors.active_ruleset(),
        "can_manage": policy.may(request.user, MANAGE, RuleSet),
    }
    return render(request, "console/routing/versions.html", context)


@require_POST
@regulator_required
def draft_create(request):
    policy.require(request.user, MANAGE, RuleSet)
    created = []
    run_action(
        request,
        lambda: created.append(
            services.ruleset_draft_create(user=request.user, note=posted_text(request, "note"))
        ),
    )
    if created:
        return redirect("console:routing_version", pk=created[0].pk)
    return redirect("console:routing")


@regulator_required
def version(request, pk: int):
    ruleset = get_object_for(request.user, RuleSet, pk)
    context = {
        "ruleset": ruleset,
        "rows": describe.rows(ruleset.rules.order_by("position", "id")),
        "can_edit": ruleset.is_draft and policy.may(request.user, MANAGE, RuleSet),
        "active": selectors.active_ruleset(),
    }
    return render(request, "console/routing/version.html", context)


def _rule_form(request, ruleset: RuleSet, rule: RoutingRule | None):
    initial = RuleForm.initial_from(rule) if rule else {"position": 100}
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_save(user=request.user, ruleset=ruleset, rule=rule, data=form.to_data())
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            return redirect("console:routing_version", pk=ruleset.pk)
    context = {"form": form, "ruleset": ruleset, "rule": rule}
    return render(request, "console/routing/rule_form.html", context)


@require_http_methods(["GET", "POST"])
@regulator_required
def rule_add(request, pk: int):
    return _rule_form(request, get_object_for(request.user, RuleSet, pk, MANAGE), None)


@require_http_methods(["GET", "POST"])
@regulator_required
def rule_edit(request, pk: int):
    rule = get_object_for(request.user, RoutingRule, pk, MANAGE)
    return _rule_form(request, rule.ruleset, rule)


@require_POST
@regulator_required
def rule_delete(request, pk: int):
    rule = get_object_for(request.user, RoutingRule, pk, MANAGE)
    ruleset_id = rule.ruleset_id
    run_action(request, lambda: services.rule_delete(user=request.user, rule=rule))
    return redirect("console:routing_version", pk=ruleset_id)


@require_POST
@regulator_required
def publish(request, pk: int):
    ruleset = get_object_for(request.user, RuleSet, pk, MANAGE)
    run_action(request, lambda: services.ruleset_publish(user=request.user, ruleset=ruleset))
    return redirect("console:routing_version", pk=pk)


@regulator_required
def preview(request):
    """Facts in, route out; GET only: a preview changes nothing."""
    rulesets = list(selectors.ruleset_list(user=request.user))
    form = PreviewForm(request.GET or None, versions=rulesets)
    result = ruleset = None
    if form.is_valid():
        ruleset = next(r for r in rulesets if r.pk == form.cleaned_data["version"])
        result = route(form.facts(), ruleset)
    context = {"form": form, "route": result, "ruleset": ruleset}
    return render(request, "console/routing/preview.html", context)
