"""Regulator console: organizations and their people. Every regulator reads; the
regulator's admins create, edit and (de)activate organizations, invite users, change
roles and (de)activate users (policy: MANAGE_ORGANIZATIONS to create, MANAGE on the
organization for the rest). Writes go through apps.accounts services, so each change
is an audit event."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import members, selectors, services
from apps.accounts.models import Membership, Organization
from apps.console.exports import list_context, list_export
from apps.console.list_columns import ORGANIZATION_COLUMNS
from apps.console.members import member_invite
from apps.console.organization_forms import (
    MemberInviteForm,
    OrganizationFilterForm,
    OrganizationForm,
    RoleForm,
)
from apps.console.views import regulator_required
from apps.core import tables
from apps.core.exceptions import DomainError
from apps.core.forms import add_domain_error, run_action
from apps.core.permissions import MANAGE
from apps.workflow import policy
from apps.workflow.policy import MANAGE_ORGANIZATIONS, get_object_for

PAGE_SIZE = 25


@regulator_required
def organizations(request):
    form = OrganizationFilterForm(request.GET)
    rows = selectors.organization_list(user=request.user).annotate(members=Count("memberships"))
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("q"):
        q = filters["q"]
        rows = rows.filter(Q(name__icontains=q) | Q(name_en__icontains=q) | Q(code__icontains=q))
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("active"):
        rows = rows.filter(is_active=filters["active"] == "1")
    current = tables.ordering(request, ORGANIZATION_COLUMNS, "name")
    rows = tables.sort(rows, ORGANIZATION_COLUMNS, current, tie="pk")
    export = list_export(request, rows, ORGANIZATION_COLUMNS, "organizations")
    if export is not None:
        return export
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_create": policy.may(request.user, MANAGE_ORGANIZATIONS),
        **list_context(request, ORGANIZATION_COLUMNS, current),
    }
    return render(request, "console/organizations.html", context)


@require_http_methods(["GET", "POST"])
@regulator_required
def organization_create(request):
    policy.require(request.user, MANAGE_ORGANIZATIONS)
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(**form.cleaned_data, actor=request.user)
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            return redirect("console:organization_detail", pk=organization.pk)
    return render(request, "console/organization_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@regulator_required
def organization_edit(request, pk: int):
    organization = get_object_for(request.user, Organization, pk, MANAGE)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_save(organization=form.instance, actor=request.user)
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            return redirect("console:organization_detail", pk=organization.pk)
    context = {"form": form, "organization": organization}
    return render(request, "console/organization_form.html", context)


@regulator_required
def organization_detail(request, pk: int, invite_form=None):
    organization = get_object_for(request.user, Organization, pk)
    people = (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__username")
    )
    context = {
        "organization": organization,
        "memberships": people,
        "can_manage": policy.allows(request.user, MANAGE, organization),
        "invite_form": invite_form or MemberInviteForm(),
        "role_choices": RoleForm.base_fields["role"].choices,
    }
    return render(request, "console/organization_detail.html", context)


@require_POST
@regulator_required
def organization_active(request, pk: int):
    organization = get_object_for(request.user, Organization, pk, MANAGE)
    active = request.POST.get("active") == "1"
    run_action(
        request,
        lambda: members.organization_set_active(
            organization=organization, active=active, actor=request.user
        ),
    )
    return redirect("console:organization_detail", pk=pk)


@require_POST
@regulator_required
def member_create(request, pk: int):
    organization = get_object_for(request.user, Organization, pk, MANAGE)
    form = MemberInviteForm(request.POST)
    if form.is_valid():
        try:
            member_invite(
                organization=organization,
                **form.cleaned_data,
                actor=request.user,
                site=request.build_absolute_uri("/"),
            )
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            messages.success(
                request, _("The user was created and e-mailed a link to set a password.")
            )
            return redirect("console:organization_detail", pk=pk)
    response = organization_detail(request, pk, invite_form=form)
    response.status_code = 400
    return response


def _membership_for(request, pk: int) -> Membership:
    """The membership of user `pk`, if the caller may manage that user's organization."""
    membership = Membership.objects.select_related("user").filter(user_id=pk).first()
    organization_id = membership.organization_id if membership else 0
    get_object_for(request.user, Organization, organization_id, MANAGE)
    return membership


@require_POST
@regulator_required
def member_role(request, pk: int):
    membership = _membership_for(request, pk)
    role = request.POST.get("role", "")
    run_action(
        request,
        lambda: members.membership_set_role(membership=membership, role=role, actor=request.user),
    )
    return redirect("console:organization_detail", pk=membership.organization_id)


@require_POST
@regulator_required
def member_active(request, pk: int):
    membership = _membership_for(request, pk)
    active = request.POST.get("active") == "1"
    run_action(
        request,
        lambda: members.user_set_active(user=membership.user, active=active, actor=request.user),
    )
    return redirect("console:organization_detail", pk=membership.organization_id)
