"""Kernel pages: sign in, profile and API tokens, organisations, the statutory rules table."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import clock, domain
from .dates import DateExamples
from .forms import ApiTokenForm, LoginForm, OrganisationForm, StatutoryRuleForm
from .models import ApiToken, Organisation, OrganisationType, StatutoryRule


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def accessibility(request):
    return render(request, "core/accessibility.html")


@login_required
def profile(request):
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        days = form.cleaned_data.get("expires_in_days")
        _token, new_token = domain.issue_api_token(
            user=request.user,
            name=name,
            read_only=form.cleaned_data.get("read_only", False),
            expires_at=clock.now() + dt.timedelta(days=days) if days else None,
        )
        form = ApiTokenForm()
    tokens = request.user.api_tokens.all()
    return render(
        request,
        "core/profile.html",
        {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
            "nav_profile": True,
            "memberships": request.user.memberships.select_related("partnership", "organisation"),
        },
    )


@login_required
@require_POST
def revoke_token(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    domain.revoke_api_token(token=token, actor=request.user)
    messages.success(request, f"Token “{token.name}” revoked. It no longer works.")
    return redirect("core:profile")


@login_required
def organisations(request):
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("type", "")
    qs = Organisation.objects.select_related("parent")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(parent__name__icontains=q))
    if kind in OrganisationType.values:
        qs = qs.filter(type=kind)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "core/organisations.html",
        {
            "page_obj": page,
            "q": q,
            "type": kind,
            "types": OrganisationType.choices,
            "nav_organisations": True,
            "can_add": request.user.has_perm("core.add_organisation"),
        },
    )


@login_required
def organisation_new(request):
    if not request.user.has_perm("core.add_organisation"):
        raise PermissionDenied(
            "Only staff and partnership facilitators or commissioners can add organisations."
        )
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = domain.create_organisation(actor=request.user, **form.cleaned_data)
        messages.success(request, f"{org.name} added.")
        return redirect("core:organisations")
    return render(request, "core/organisation_form.html", {"form": form, "nav_organisations": True})


@login_required
def rules_table(request):
    on_text = request.GET.get("on", "")
    on, on_error = None, None
    if on_text:
        try:
            on = dt.date.fromisoformat(on_text)
        except ValueError:
            on_error = f"Enter a real date, like {DateExamples().iso()}"
    as_of = on or clock.today()
    in_force = {r.pk for r in domain.rules_in_force(as_of)}
    rules = StatutoryRule.objects.all()
    return render(
        request,
        "core/rules.html",
        {
            "rules": rules,
            "in_force": in_force,
            "on": on,
            "as_of": as_of,
            "on_text": on_text,
            "on_error": on_error,
            "example_on": DateExamples().iso(),
            "nav_rules": True,
            "can_edit": request.user.has_perm("core.change_statutoryrule"),
        },
    )


@login_required
def rule_edit(request, pk=None):
    if not request.user.has_perm("core.change_statutoryrule"):
        raise PermissionDenied("Only staff can change the statutory rules table.")
    rule = get_object_or_404(StatutoryRule, pk=pk) if pk else StatutoryRule()
    form = StatutoryRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        domain.save_statutory_rule(rule=form.instance, actor=request.user)
        messages.success(request, f"{form.instance} saved.")
        return redirect("core:rules")
    return render(request, "core/rule_form.html", {"form": form, "rule": rule, "nav_rules": True})
