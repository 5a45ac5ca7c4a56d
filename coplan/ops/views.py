"""Operating pages: ``/readyz`` for load balancers (no login); the privacy notice (public); the
data protection register, subject access, erasure and retention (staff)."""

import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coplan.core.errors import DomainError
from coplan.core.pdf import render_pdf

from . import health, privacy
from .forms import EraseForm


@never_cache
def readyz(request):
    """200 when ready to serve; 503 naming what is not. JSON: ``{"ready": …, "checks": {…}}``."""
    checks = health.readiness()
    ready = all(c.ok for c in checks)
    body = {
        "ready": ready,
        "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
    }
    return HttpResponse(
        json.dumps(body), status=200 if ready else 503, content_type="application/json"
    )


def privacy_notice(request):
    return render(
        request,
        "ops/privacy_notice.html",
        {"categories": [c for c in privacy.categories() if c.notice]},
    )


def _staff(request):
    if not request.user.has_perm("ops.manage_privacy"):
        raise PermissionDenied("Only Coplan staff can manage personal data.")


@login_required
def register(request):
    _staff(request)
    return render(
        request, "ops/register.html", {"categories": privacy.categories(), "nav_privacy": True}
    )


@login_required
def people(request):
    _staff(request)
    q = request.GET.get("q", "").strip()
    qs = get_user_model().objects.order_by("full_name", "email")
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "ops/people.html", {"page_obj": page, "q": q, "nav_privacy": True})


def _person_for(request, pk):
    person = get_object_or_404(get_user_model(), pk=pk)
    if person.pk != request.user.pk:
        _staff(request)
    return person


@login_required
def person(request, pk):
    _staff(request)
    person = get_object_or_404(get_user_model(), pk=pk)
    export = privacy.export_person(person)
    return render(
        request,
        "ops/person.html",
        {
            "person": person,
            "export": export,
            "form": EraseForm(person=person),
            "erased": person.email.endswith("@erased.invalid"),
            "nav_privacy": True,
        },
    )


def _filename(person, ext):
    return f"coplan-subject-access-{person.pk}.{ext}"


@login_required
def export_json(request, pk):
    """Subject access as JSON: staff for anyone, or a person for themselves."""
    person = _person_for(request, pk)
    body = json.dumps(privacy.export_person(person), cls=DjangoJSONEncoder, indent=2)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_filename(person, "json")}"'
    return response


@login_required
def export_pdf(request, pk):
    person = _person_for(request, pk)
    export = privacy.export_person(person)
    pdf = render_pdf(
        "ops/pdf/subject_access.html",
        {"person": person, "export": export, "generated_at": export["generated_at"]},
        title=f"What Coplan holds about {person.full_name or person.email}",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(person, "pdf")}"'
    return response


@login_required
@require_POST
def erase(request, pk):
    _staff(request)
    person = get_object_or_404(get_user_model(), pk=pk)
    form = EraseForm(request.POST, person=person)
    if form.is_valid():
        try:
            privacy.erase_person(person=person, actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "The person was erased. This cannot be undone.")
            return redirect("ops:person", pk=person.pk)
    export = privacy.export_person(person)
    return render(
        request,
        "ops/person.html",
        {"person": person, "export": export, "form": form, "erased": False, "nav_privacy": True},
        status=422,
    )


@login_required
def retention(request):
    _staff(request)
    applied = None
    if request.method == "POST":
        applied = privacy.apply_retention(actor=request.user)
        messages.success(request, f"Retention applied: {applied.total} record(s) changed.")
        return redirect("ops:retention")
    run = privacy.apply_retention(dry_run=True)
    return render(request, "ops/retention.html", {"run": run, "nav_privacy": True})
