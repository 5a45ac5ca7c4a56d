"""Partnership pages: thin glue that resolves, checks permission, calls the domain, renders."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coplan.core.actions import act
from coplan.core.errors import DomainError
from coplan.core.permissions import Can

from . import domain, gates, health, queries
from .enums import Role, Stage
from .forms import (
    AdvanceForm,
    BackPlanForm,
    InviteForm,
    LoopBackForm,
    NewPartnershipForm,
    PartnershipForm,
    TimelineForm,
)
from .models import Invitation, Membership
from .panels import render_panels
from .rules import roles_of
from .timeline import CONVENTION, back_plan, check_partnership


def _page(request, qs, size=25):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _ctx(partnership, user, **extra):
    return {
        "partnership": partnership,
        "nav_partnerships": True,
        "can": Can(user, "partnerships", partnership),
        **extra,
    }


@login_required
def partnership_list(request):
    q = request.GET.get("q", "").strip()
    page = _page(request, queries.partnerships_for(request.user, q))
    return render(
        request,
        "partnerships/list.html",
        {
            "page_obj": page,
            "q": q,
            "nav_partnerships": True,
            "can_add": request.user.has_perm("partnerships.add_partnership"),
        },
    )


@login_required
def partnership_new(request):
    if not request.user.has_perm("partnerships.add_partnership"):
        raise PermissionDenied(
            "Only people from a council, a health body or an intermediary can start a partnership."
        )
    own = domain.starting_organisation(request.user)
    facilitates = domain.starter_role(own) == Role.FACILITATOR
    form = NewPartnershipForm(
        request.POST or None, initial={"intermediary": own} if facilitates else {}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        tender_on = data.pop("tender_on")
        if tender_on:
            data.update(back_plan(tender_on))
        done = act(
            request,
            lambda: domain.create_partnership(actor=request.user, organisation=own, **data),
            form=form,
            success=lambda p: (
                f"{p.title} created. You are its "
                f"{p.memberships.get(user=request.user).get_role_display().lower()}."
            ),
            to=lambda p: p,
        )
        if done:
            return done
    return render(request, "partnerships/form.html", {"form": form, "nav_partnerships": True})


@login_required
def dashboard(request, pk):
    partnership = queries.get_for(request.user, pk)
    by_role = {}
    for m in partnership.roster:
        by_role.setdefault(m.get_role_display(), []).append(m)
    return render(
        request,
        "partnerships/dashboard.html",
        _ctx(
            partnership,
            request.user,
            gate=gates.evaluate(partnership),
            timeline=check_partnership(partnership),
            health=health.health_check(partnership),
            panels=render_panels(request, partnership),
            members_by_role=by_role,
            activity=queries.activity_of(partnership, request.user)[:8],
            my_roles=[Role(r).label for r in sorted(roles_of(request.user, partnership))],
        ),
    )


@login_required
def partnership_edit(request, pk):
    partnership = queries.get_for(request.user, pk, "partnerships.change_partnership")
    form = PartnershipForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        domain.update_partnership(
            partnership=partnership,
            actor=request.user,
            **{f: form.cleaned_data[f] for f in form.Meta.fields},
        )
        messages.success(request, "Partnership details saved.")
        return redirect(partnership)
    partnership.refresh_from_db()
    return render(request, "partnerships/form.html", _ctx(partnership, request.user, form=form))


@login_required
def timeline(request, pk):
    partnership = queries.get_for(request.user, pk)
    return render(
        request,
        "partnerships/timeline.html",
        _ctx(
            partnership,
            request.user,
            check=check_partnership(partnership),
            convention=CONVENTION,
            suggested=back_plan(partnership.tender_on) if partnership.tender_on else None,
        ),
    )


@login_required
def timeline_edit(request, pk):
    partnership = queries.get_for(request.user, pk, "partnerships.change_timeline")
    if request.method == "POST" and "back_plan" in request.POST:
        plan_form = BackPlanForm(request.POST, partnership=partnership)
        form = TimelineForm(instance=partnership)
        if plan_form.is_valid():
            form = TimelineForm(
                initial=back_plan(plan_form.cleaned_data["tender_on"]), instance=partnership
            )
            messages.success(
                request, "Dates back-planned from the tender date. Check them, then save."
            )
        else:
            form = plan_form
        return render(
            request,
            "partnerships/timeline_form.html",
            _ctx(partnership, request.user, form=form, plan_form=plan_form, convention=CONVENTION),
        )
    form = TimelineForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        domain.update_timeline(
            partnership=partnership,
            actor=request.user,
            **{f: form.cleaned_data[f] for f in form.Meta.fields},
        )
        messages.success(request, "Timeline saved.")
        return redirect("partnerships:timeline", partnership.pk)
    partnership.refresh_from_db()
    return render(
        request,
        "partnerships/timeline_form.html",
        _ctx(partnership, request.user, form=form, plan_form=BackPlanForm(), convention=CONVENTION),
    )


@login_required
def stage(request, pk):
    partnership = queries.get_for(request.user, pk)
    report = gates.evaluate(partnership)
    manual = [r.criterion for r in report.results if r.criterion.manual]
    advance_form = AdvanceForm(manual_criteria=manual)
    loop_form = LoopBackForm(stage=Stage(partnership.stage))
    refusal = None
    if request.method == "POST":
        if not request.user.has_perm("partnerships.advance_stage", partnership):
            raise PermissionDenied("Only the commissioner can move the partnership between stages.")
        if "loop_back" in request.POST:
            loop_form = LoopBackForm(request.POST, stage=Stage(partnership.stage))
            if loop_form.is_valid():
                domain.loop_back(
                    partnership=partnership, actor=request.user, **loop_form.cleaned_data
                )
                messages.success(request, f"Moved back to {partnership.get_stage_display()}.")
                return redirect("partnerships:stage", partnership.pk)
        else:
            advance_form = AdvanceForm(request.POST, manual_criteria=manual)
            if advance_form.is_valid():
                confirmed = set(advance_form.cleaned_data.get("confirmed", []))
                try:
                    domain.advance_stage(
                        partnership=partnership,
                        actor=request.user,
                        confirmed=confirmed,
                        note=advance_form.cleaned_data["note"],
                    )
                except domain.GateRefused as refused:
                    refusal = refused.reasons
                    report = refused.report
                else:
                    messages.success(request, f"Advanced to {partnership.get_stage_display()}.")
                    return redirect("partnerships:stage", partnership.pk)
    form = loop_form if loop_form.is_bound else advance_form
    return render(
        request,
        "partnerships/stage.html",
        _ctx(
            partnership,
            request.user,
            report=report,
            advance_form=advance_form,
            loop_form=loop_form,
            form=form,
            refusal=refusal,
            stages=Stage.ordered(),
            history=partnership.stage_changes.select_related("actor")[:20],
        ),
    )


@login_required
def members(request, pk):
    partnership = queries.get_for(request.user, pk, "partnerships.view_members")
    can_manage = request.user.has_perm("partnerships.manage_members", partnership)
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only the facilitator or commissioner can invite members.")
        if form.is_valid() and (
            done := act(
                request,
                lambda: domain.invite_member(
                    partnership=partnership,
                    actor=request.user,
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                    **form.cleaned_data,
                ),
                form=form,
                success=lambda sent: f"Invitation sent to {sent[0].email}.",
                to=redirect("partnerships:members", partnership.pk),
            )
        ):
            return done
    return render(
        request,
        "partnerships/members.html",
        _ctx(
            partnership,
            request.user,
            form=form if can_manage else None,
            invite_form=form,
            members=queries.members_of(partnership),
            invitations=partnership.invitations.pending().select_related("organisation")
            if can_manage
            else [],
        ),
    )


@login_required
@require_POST
def member_remove(request, pk, membership_pk):
    partnership = queries.get_for(request.user, pk, "partnerships.manage_members")
    membership = get_object_or_404(Membership, pk=membership_pk, partnership=partnership)
    return act(
        request,
        lambda: domain.remove_member(membership=membership, actor=request.user),
        success=lambda _: f"{membership.user} is no longer {membership.get_role_display()}.",
        to=redirect("partnerships:members", partnership.pk),
    )


@login_required
@require_POST
def invitation_revoke(request, pk, invitation_pk):
    partnership = queries.get_for(request.user, pk, "partnerships.manage_members")
    invitation = get_object_or_404(Invitation, pk=invitation_pk, partnership=partnership)
    return act(
        request,
        lambda: domain.revoke_invitation(invitation=invitation, actor=request.user),
        success=f"Invitation for {invitation.email} withdrawn.",
        to=redirect("partnerships:members", partnership.pk),
    )


def invitation(request, token):
    """The one-time link: sign up (or sign in) and join the partnership."""
    found = domain.find_invitation(token)
    if found is None:
        return render(request, "partnerships/invitation_invalid.html", status=404)
    User = get_user_model()
    existing = User.objects.filter(email__iexact=found.email).first()
    errors = {}
    if request.method == "POST":
        user = request.user if request.user.is_authenticated else None
        if user is None and existing is None:
            full_name = request.POST.get("full_name", "").strip()
            password = request.POST.get("password", "")
            if not full_name:
                errors["full_name"] = "Enter your full name"
            try:
                validate_password(password, User(email=found.email, full_name=full_name))
            except ValidationError as error:
                errors["password"] = " ".join(error.messages)
            if not errors:
                user = User.objects.create_user(found.email, password, full_name=full_name)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if user is not None:
            try:
                domain.accept_invitation(invitation=found, user=user)
            except DomainError as error:
                errors["__all__"] = error.message
            else:
                messages.success(request, f"Welcome to {found.partnership.title}.")
                return redirect(found.partnership)
    return render(
        request,
        "partnerships/invitation.html",
        {
            "invitation": found,
            "existing": existing,
            "errors": errors,
            "full_name": request.POST.get("full_name", found.full_name),
        },
    )


@login_required
def activity(request, pk):
    partnership = queries.get_for(request.user, pk, "partnerships.view_activity")
    qs = queries.activity_of(partnership, request.user)
    action = request.GET.get("action", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    page = _page(request, qs, 50)
    for event in page:  # not ``data.items`` in the template: the data may have a key "items"
        event.pairs = list((event.data or {}).items())
    return render(
        request,
        "partnerships/activity.html",
        _ctx(partnership, request.user, page_obj=page, action=action),
    )
