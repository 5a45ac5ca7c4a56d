"""Consortium pages: glue that resolves, checks permission, calls the domain, renders.

Outsiders get 404 and members without the permission 403 (``partnerships.queries.get_for``).
When a change voids signatures on the agreement, the page says so.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coplan.core.actions import act
from coplan.core.errors import DomainError
from coplan.core.forms import add_domain_error
from coplan.core.permissions import Can
from coplan.partnerships import queries as partnerships

from . import domain, queries
from .enums import AgreementStatus
from .forms import (
    AgreementForm,
    CapabilityForm,
    ConsortiumEditForm,
    ConsortiumForm,
    MemberAddForm,
    MemberEditForm,
    ServiceForm,
    SplitForm,
)
from .models import Capability, ConsortiumMember, ConsortiumService


def _get(request, pk, perm="consortium.view_consortium"):
    return partnerships.get_for(request.user, pk, perm)


def _consortium(partnership):
    consortium = queries.consortium_for(partnership)
    if consortium is None:
        raise Http404("No consortium yet")
    return consortium


def _ctx(request, partnership, **extra):
    return {
        "partnership": partnership,
        "nav_partnerships": True,
        "can": Can(request.user, "consortium", partnership),
        **extra,
    }


def _voided(request, count: int) -> None:
    """Say, on the next page, that the change voided signatures on the agreement."""
    if count:
        messages.info(
            request,
            (
                f"This change voided {count} signature{'s' if count != 1 else ''} on the "
                "agreement: every member must sign it again."
            ),
        )


def _form_page(request, partnership, form, heading, button, back, **extra):
    return render(
        request,
        "consortium/form.html",
        _ctx(request, partnership, form=form, heading=heading, button=button, back=back, **extra),
    )


@login_required
def overview(request, pk):
    partnership = _get(request, pk)
    consortium = queries.consortium_for(partnership)
    members = list(queries.members_of(consortium)) if consortium else []
    agreement = getattr(consortium, "agreement", None) if consortium else None
    signed = set()
    if agreement is not None:
        signed = {s.member_id for s in queries.valid_signatures(agreement)}
    return render(
        request,
        "consortium/overview.html",
        _ctx(
            request,
            partnership,
            consortium=consortium,
            members=[(m, m.pk in signed) for m in members],
            services=list(consortium.services.all()) if consortium else [],
            agreement=agreement,
            bidder=queries.bidder_for(partnership) if consortium else None,
            service_form=ServiceForm(),
        ),
    )


@login_required
def consortium_new(request, pk):
    partnership = _get(request, pk, "consortium.form_consortium")
    if queries.consortium_for(partnership) is not None:
        return redirect("consortium:overview", pk)
    organisations = queries.candidate_organisations(partnership)
    form = ConsortiumForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.form_consortium(
                partnership=partnership, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success=lambda consortium: (
                f"{consortium} formed. Its agreement starts as heads of terms."
            ),
            to=redirect("consortium:overview", pk),
        )
        if done:
            return done
    return _form_page(
        request,
        partnership,
        form,
        "Form the consortium",
        "Form the consortium",
        "consortium:overview",
    )


@login_required
def consortium_edit(request, pk):
    partnership = _get(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    organisations = queries.candidate_organisations(partnership).filter(
        consortium_memberships__consortium=consortium
    )
    initial = {f: getattr(consortium, f) for f in domain.CONSORTIUM_FIELDS}
    form = ConsortiumEditForm(request.POST or None, initial=initial, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            updated = domain.update_consortium(
                consortium=consortium, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Consortium details saved.")
            _voided(request, updated.voided_signatures)
            return redirect("consortium:overview", pk)
    return _form_page(
        request,
        partnership,
        form,
        "Change the consortium's details",
        "Save details",
        "consortium:overview",
    )


@login_required
def member_add(request, pk):
    partnership = _get(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    organisations = queries.candidate_organisations(partnership).exclude(
        consortium_memberships__consortium=consortium
    )
    form = MemberAddForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            member = domain.add_member(
                consortium=consortium, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"{member} joined {consortium}.")
            _voided(request, member.voided_signatures)
            return redirect("consortium:overview", pk)
    return _form_page(
        request, partnership, form, "Add a member", "Add the member", "consortium:overview"
    )


@login_required
def member_edit(request, pk, member_pk):
    partnership = _get(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    member = get_object_or_404(ConsortiumMember, consortium=consortium, pk=member_pk)
    form = MemberEditForm(
        request.POST or None,
        initial={"role": member.role, "signatory": member.signatory_id},
        people=queries.signatory_candidates(partnership, member.organisation),
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.update_member(member=member, actor=request.user, **form.cleaned_data),
            form=form,
            success=lambda _: f"{member} saved.",
            to=redirect("consortium:overview", pk),
        )
        if done:
            return done
    return _form_page(
        request,
        partnership,
        form,
        f"Change {member.organisation}",
        "Save the member",
        "consortium:overview",
    )


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    partnership = _get(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    member = get_object_or_404(ConsortiumMember, consortium=consortium, pk=member_pk)
    try:
        voided = domain.remove_member(member=member, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("consortium:overview", pk)
    messages.success(request, f"{member.organisation} left {consortium}.")
    _voided(request, voided)
    return redirect("consortium:overview", pk)


@login_required
@require_POST
def service_add(request, pk):
    partnership = _get(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    form = ServiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Name the service.")
        return redirect("consortium:overview", pk)
    try:
        service = domain.add_service(consortium=consortium, actor=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("consortium:overview", pk)
    messages.success(request, f"{service} added.")
    _voided(request, service.voided_signatures)
    return redirect("consortium:overview", pk)


@login_required
@require_POST
def service_remove(request, pk, service_pk):
    partnership = _get(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    service = get_object_or_404(ConsortiumService, consortium=consortium, pk=service_pk)
    voided = domain.remove_service(service=service, actor=request.user)
    messages.success(request, f"{service.name} removed.")
    _voided(request, voided)
    return redirect("consortium:overview", pk)


@login_required
def matrix(request, pk):
    partnership = _get(request, pk)
    consortium = _consortium(partnership)
    manage = request.user.has_perm("consortium.manage_consortium", partnership)
    form = CapabilityForm(request.POST or None, consortium=consortium) if manage else None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("Only the facilitator and the lead partner change the matrix.")
        if form.is_valid() and (
            done := act(
                request,
                lambda: domain.add_capability(
                    consortium=consortium, actor=request.user, **form.cleaned_data
                ),
                form=form,
                success="Capability added to the matrix.",
                to=redirect("consortium:matrix", pk),
            )
        ):
            return done
    _members, services, rows = queries.capability_matrix(consortium)
    return render(
        request,
        "consortium/matrix.html",
        _ctx(request, partnership, consortium=consortium, services=services, rows=rows, form=form),
    )


@login_required
@require_POST
def capability_remove(request, pk, capability_pk):
    partnership = _get(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    capability = get_object_or_404(
        Capability.objects.select_related("member", "service"),
        member__consortium=consortium,
        pk=capability_pk,
    )
    domain.remove_capability(capability=capability, actor=request.user)
    messages.success(request, "Capability removed from the matrix.")
    return redirect("consortium:matrix", pk)


@login_required
def split(request, pk):
    partnership = _get(request, pk, "consortium.view_commercial")
    consortium = _consortium(partnership)
    return render(
        request,
        "consortium/split.html",
        _ctx(request, partnership, consortium=consortium, splits=queries.split_of(consortium)),
    )


@login_required
def split_edit(request, pk, service_pk):
    partnership = _get(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    found = next((s for s in queries.split_of(consortium) if s.service.pk == service_pk), None)
    if found is None:
        raise Http404("No such service")
    form = SplitForm(request.POST or None, split=found)
    if request.method == "POST" and form.is_valid():
        try:
            service = domain.set_split(
                service=found.service, actor=request.user, shares=form.shares()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Split for {service} saved.")
            _voided(request, service.voided_signatures)
            return redirect("consortium:split", pk)
    return _form_page(
        request,
        partnership,
        form,
        f"Work and revenue split: {found.service}",
        "Save the split",
        "consortium:split",
        hint="Each column must total 100 %. Members with no part leave 0.",
    )


@login_required
def agreement(request, pk):
    partnership = _get(request, pk, "consortium.view_commercial")
    consortium = _consortium(partnership)
    agreement = consortium.agreement
    valid = list(queries.valid_signatures(agreement))
    signed = {s.member_id for s in valid}
    members = list(queries.members_of(consortium))
    mine = [m for m in members if m.signatory_id == request.user.pk and m.pk not in signed]
    return render(
        request,
        "consortium/agreement.html",
        _ctx(
            request,
            partnership,
            consortium=consortium,
            agreement=agreement,
            members=[(m, next((s for s in valid if s.member_id == m.pk), None)) for m in members],
            history=[s for s in queries.signature_history(agreement) if not s.is_valid],
            to_sign=mine if agreement.status != AgreementStatus.HEADS_OF_TERMS else [],
            splits=queries.split_of(consortium),
        ),
    )


@login_required
def agreement_edit(request, pk):
    partnership = _get(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    agreement = consortium.agreement
    form = AgreementForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        updated = domain.update_agreement(
            agreement=agreement, actor=request.user, **form.cleaned_data
        )
        messages.success(request, "Agreement saved.")
        _voided(request, updated.voided_signatures)
        return redirect("consortium:agreement", pk)
    signatures = queries.valid_signatures(agreement).count()
    return _form_page(
        request,
        partnership,
        form,
        "Change the agreement",
        "Save the agreement",
        "consortium:agreement",
        warning=(
            f"{signatures} member{'s have' if signatures != 1 else ' has'} signed. Saving a "
            "change voids every signature and every member must sign again."
            if signatures
            else ""
        ),
    )


@login_required
@require_POST
def agreement_heads(request, pk):
    partnership = _get(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    return act(
        request,
        lambda: domain.agree_heads_of_terms(agreement=consortium.agreement, actor=request.user),
        success="Heads of terms agreed: the agreement is now a draft to sign.",
        to=redirect("consortium:agreement", pk),
    )


@login_required
@require_POST
def agreement_sign(request, pk, member_pk):
    partnership = _get(request, pk, "consortium.sign_agreement")
    consortium = _consortium(partnership)
    member = get_object_or_404(ConsortiumMember, consortium=consortium, pk=member_pk)
    if member.signatory_id != request.user.pk:
        raise PermissionDenied(f"Only {member.organisation}'s authorised signatory can sign.")
    return act(
        request,
        lambda: domain.sign_agreement(
            agreement=consortium.agreement, actor=request.user, member=member
        ),
        success=f"You signed the agreement for {member.organisation}.",
        to=redirect("consortium:agreement", pk),
    )


@login_required
def costs(request, pk):
    partnership = _get(request, pk, "consortium.view_costs")
    consortium = _consortium(partnership)
    shared_only = not request.user.has_perm("consortium.view_all_costs", partnership)
    return render(
        request,
        "consortium/costs.html",
        _ctx(
            request,
            partnership,
            consortium=consortium,
            summary=queries.cost_summary(consortium, shared_only=shared_only),
            shared_only=shared_only,
        ),
    )
