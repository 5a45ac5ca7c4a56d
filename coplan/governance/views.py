"""Governance pages under ``partnerships/<pk>/governance/``: glue that resolves, checks the
permission, calls the form and the domain function, and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coplan.core import clock
from coplan.core.actions import act
from coplan.core.pdf import render_pdf
from coplan.core.permissions import Can
from coplan.core.uploads import attachment_response
from coplan.partnerships import queries as partnership_queries

from . import domain, exports, queries
from .enums import ActionStatus, AttendanceStatus, DecisionKind
from .forms import (
    ActionFilterForm,
    ActionForm,
    ActionUpdateForm,
    AgendaItemForm,
    AttendanceForm,
    BodyForm,
    BodyMemberForm,
    CancelForm,
    DecisionForm,
    DeclarationForm,
    MeetingForm,
    MinutesForm,
    PaperForm,
    SeatForm,
    people_of,
)
from .models import Body, BodyMember, Meeting, Paper
from .rules import may_write_in_partnership

REFUSALS = {
    "governance.manage_bodies": "Only the facilitator or the commissioner can set up bodies.",
    "governance.change_body": "Only the facilitator or the commissioner can change a body's "
    "terms of reference and members.",
    "governance.run_body": "Only members of this body (and the facilitator or the commissioner) "
    "can record its meetings.",
    "governance.add_action": "Only the facilitator or the commissioner can add actions outside "
    "a meeting.",
    "governance.change_action": "Only the action's owner, the body's members, the facilitator "
    "or the commissioner can change this action.",
}


def _require(user, perm, obj):
    if not user.has_perm(perm, obj):
        raise PermissionDenied(REFUSALS.get(perm, "Your role does not allow this."))


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _page(request, qs, size=25):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _ctx(partnership, user, **extra):
    return {
        "partnership": partnership,
        "nav_partnerships": True,
        "can": Can(user, "governance", partnership),
        **extra,
    }


def _editable(user, partnership, actions):
    """``"all"`` or the ids of ``actions`` that ``user`` may change (as ``rules.py``'s
    ``governance.change_action``, without a query per row)."""
    if user.has_perm("governance.add_action", partnership):
        return "all"
    if not may_write_in_partnership(user, partnership):
        return set()
    seats = set(
        BodyMember.objects.filter(
            user=user, left_on__isnull=True, body__partnership=partnership
        ).values_list("body_id", flat=True)
    )
    return {a.pk for a in actions if a.owner_id == user.pk or a.body_id in seats}


def _partnership(request, pk):
    return partnership_queries.get_for(request.user, pk, "governance.view")


def _body(request, pk, body_pk, perm=None) -> Body:
    partnership = _partnership(request, pk)
    body = get_object_or_404(Body, pk=body_pk, partnership=partnership)
    body.partnership = partnership
    if perm:
        _require(request.user, perm, body)
    return body


def _meeting(request, pk, meeting_pk, perm=None, detail=False) -> Meeting:
    partnership = _partnership(request, pk)
    try:
        if detail:
            meeting = queries.meeting_detail(partnership, meeting_pk)
        else:
            meeting = Meeting.objects.select_related("body", "minutes").get(
                pk=meeting_pk, partnership=partnership
            )
    except Meeting.DoesNotExist:
        raise Http404("No such meeting") from None
    meeting.partnership = meeting.body.partnership = partnership
    if perm:
        _require(request.user, perm, meeting.body)
    return meeting


def _meeting_ctx(request, meeting, **extra):
    return _ctx(
        meeting.partnership,
        request.user,
        meeting=meeting,
        body=meeting.body,
        may_run=request.user.has_perm("governance.run_body", meeting.body),
        **extra,
    )


# --- overview and bodies -----------------------------------------------------------------------


@login_required
def index(request, pk):
    partnership = _partnership(request, pk)
    upcoming = list(queries.next_meetings(partnership)[:5])
    overdue = list(queries.overdue_actions(partnership)[:20])
    return render(
        request,
        "governance/index.html",
        _ctx(
            partnership,
            request.user,
            bodies=queries.bodies_of(partnership),
            upcoming=upcoming,
            overdue=overdue,
            editable=_editable(request.user, partnership, overdue),
            unapproved=queries.meetings_without_approved_minutes(partnership)[:10],
            decisions=queries.decisions_of(partnership)[:5],
        ),
    )


@login_required
def body_new(request, pk):
    partnership = _partnership(request, pk)
    _require(request.user, "governance.manage_bodies", partnership)
    form = BodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in form.Meta.fields}
        done = act(
            request,
            lambda: domain.create_body(partnership=partnership, actor=request.user, **fields),
            form=form,
            success=lambda body: f"{body.name} set up. Now add its members.",
            to=lambda body: body,
        )
        if done:
            return done
    return render(request, "governance/body_form.html", _ctx(partnership, request.user, form=form))


@login_required
def body(request, pk, body_pk):
    body = _body(request, pk, body_pk)
    may_change = request.user.has_perm("governance.change_body", body)
    form = BodyMemberForm(request.POST or None, body=body)
    if request.method == "POST":
        _require(request.user, "governance.change_body", body)
        if form.is_valid() and (
            done := act(
                request,
                lambda: domain.add_body_member(body=body, actor=request.user, **form.cleaned_data),
                form=form,
                success=f"{form.cleaned_data['membership'].user} joined the body.",
                to=body,
            )
        ):
            return done
    seats = list(queries.seats_of(body, current_only=False))
    return render(
        request,
        "governance/body.html",
        _ctx(
            body.partnership,
            request.user,
            body=body,
            form=form if may_change else None,
            may_change=may_change,
            may_run=request.user.has_perm("governance.run_body", body),
            seats=[s for s in seats if s.left_on is None],
            former=[s for s in seats if s.left_on is not None],
            meetings=queries.meetings_of(body.partnership, body)[:50],
        ),
    )


@login_required
def body_edit(request, pk, body_pk):
    body = _body(request, pk, body_pk, "governance.change_body")
    form = BodyForm(request.POST or None, instance=body, editing=True)
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in form.fields}
        body.refresh_from_db()
        done = act(
            request,
            lambda: domain.update_terms(body=body, actor=request.user, **fields),
            form=form,
            success="Terms of reference saved.",
            to=body,
        )
        if done:
            return done
    return render(
        request,
        "governance/body_form.html",
        _ctx(body.partnership, request.user, form=form, body=body),
    )


@login_required
def body_member_edit(request, pk, body_pk, seat_pk):
    body = _body(request, pk, body_pk, "governance.change_body")
    seat = get_object_or_404(
        BodyMember.objects.select_related("user"), pk=seat_pk, body=body, left_on__isnull=True
    )
    form = SeatForm(request.POST or None, seat=seat)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.update_body_member(seat=seat, actor=request.user, **form.cleaned_data),
            form=form,
            success=f"Seat of {seat.user} saved.",
            to=body,
        )
        if done:
            return done
    return render(
        request,
        "governance/seat_form.html",
        _ctx(body.partnership, request.user, form=form, body=body, seat=seat),
    )


@login_required
@require_POST
def body_member_remove(request, pk, body_pk, seat_pk):
    body = _body(request, pk, body_pk, "governance.change_body")
    seat = get_object_or_404(BodyMember, pk=seat_pk, body=body, left_on__isnull=True)
    domain.remove_body_member(seat=seat, actor=request.user)
    messages.success(request, f"{seat.user} has left the {body.name}.")
    return redirect(body)


# --- meetings ----------------------------------------------------------------------------------


@login_required
def meetings(request, pk):
    partnership = _partnership(request, pk)
    bodies = list(queries.bodies_of(partnership))
    chosen = next((b for b in bodies if str(b.pk) == request.GET.get("body")), None)
    return render(
        request,
        "governance/meetings.html",
        _ctx(
            partnership,
            request.user,
            bodies=bodies,
            chosen=chosen,
            page_obj=_page(request, queries.meetings_of(partnership, chosen)),
            now=clock.now(),
        ),
    )


@login_required
def meeting_new(request, pk, body_pk):
    body = _body(request, pk, body_pk, "governance.run_body")
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.schedule_meeting(body=body, actor=request.user, **form.meeting_fields()),
            form=form,
            success="Meeting scheduled. Add the agenda, then send invitations.",
            to=lambda meeting: meeting,
        )
        if done:
            return done
    return render(
        request,
        "governance/meeting_form.html",
        _ctx(body.partnership, request.user, form=form, body=body),
    )


@login_required
def meeting(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk, detail=True)
    return render(
        request,
        "governance/meeting.html",
        _meeting_ctx(
            request,
            meeting,
            quorum=domain.quorum_of(meeting, meeting.attendance.all()),
            minutes=meeting.minutes_or_none,
            editable=_editable(request.user, meeting.partnership, meeting.actions.all()),
            today=clock.today(),
        ),
    )


@login_required
def meeting_edit(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk, "governance.run_body")
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.update_meeting(
                meeting=meeting, actor=request.user, **form.meeting_fields()
            ),
            form=form,
            success="Meeting details saved.",
            to=meeting,
        )
        if done:
            return done
    return render(
        request, "governance/meeting_form.html", _meeting_ctx(request, meeting, form=form)
    )


@login_required
def meeting_cancel(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk, "governance.run_body")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.cancel_meeting(
                meeting=meeting,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                base_url=_base_url(request),
            ),
            form=form,
            success="Meeting cancelled.",
            to=meeting,
        )
        if done:
            return done
    return render(
        request, "governance/meeting_cancel.html", _meeting_ctx(request, meeting, form=form)
    )


@login_required
@require_POST
def meeting_invite(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk, "governance.run_body")
    return act(
        request,
        lambda: domain.send_invitations(
            meeting=meeting, actor=request.user, base_url=_base_url(request)
        ),
        success=lambda count: f"Invitations sent to {count} member{'s' if count != 1 else ''}.",
        to=meeting,
    )


@login_required
def agenda_new(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk, "governance.run_body")
    form = AgendaItemForm(
        request.POST or None, request.FILES or None, partnership=meeting.partnership
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def add():
            item = domain.add_agenda_item(
                meeting=meeting,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                presenter=data["presenter"],
            )
            if data["paper"]:
                domain.add_paper(agenda_item=item, actor=request.user, title="", file=data["paper"])
            return item

        if done := act(request, add, form=form, success="Agenda item added.", to=meeting):
            return done
    return render(request, "governance/agenda_form.html", _meeting_ctx(request, meeting, form=form))


@login_required
def paper_new(request, pk, meeting_pk, item_pk):
    meeting = _meeting(request, pk, meeting_pk, "governance.run_body")
    item = get_object_or_404(meeting.agenda_items, pk=item_pk)
    form = PaperForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            done := act(
                request,
                lambda: domain.add_paper(agenda_item=item, actor=request.user, **form.cleaned_data),
                form=form,
                success="Paper added.",
                to=meeting,
            )
        )
    ):
        return done
    return render(
        request, "governance/paper_form.html", _meeting_ctx(request, meeting, form=form, item=item)
    )


@login_required
def paper(request, pk, paper_pk):
    partnership = _partnership(request, pk)
    found = get_object_or_404(
        Paper.objects.select_related("agenda_item__meeting"),
        pk=paper_pk,
        agenda_item__meeting__partnership=partnership,
    )
    try:
        return attachment_response(found.file, found.filename)
    except FileNotFoundError:
        raise Http404("The file is missing") from None


@login_required
def attendance(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk, "governance.run_body")
    people, current = queries.attendance_roll(meeting)
    form = AttendanceForm(
        request.POST or None,
        people=people,
        current=current,
        before_start=not meeting.has_started,
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.record_attendance(
                meeting=meeting, actor=request.user, statuses=form.statuses()
            ),
            form=form,
            success=lambda quorum: f"Attendance saved: {quorum.label}.",
            to=meeting,
        )
        if done:
            return done
    return render(
        request,
        "governance/attendance_form.html",
        _meeting_ctx(request, meeting, form=form, statuses=AttendanceStatus),
    )


@login_required
def declaration_new(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk, "governance.run_body")
    form = DeclarationForm(
        request.POST or None, meeting=meeting, people=people_of(meeting.partnership)
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            done := act(
                request,
                lambda: domain.record_declaration(
                    meeting=meeting, actor=request.user, **form.cleaned_data
                ),
                form=form,
                success="Declaration of interest recorded.",
                to=meeting,
            )
        )
    ):
        return done
    return render(
        request, "governance/declaration_form.html", _meeting_ctx(request, meeting, form=form)
    )


# --- minutes and decisions ---------------------------------------------------------------------


@login_required
def minutes_edit(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk, "governance.run_body")
    minutes = meeting.minutes_or_none
    form = MinutesForm(request.POST or None, meeting=meeting, minutes=minutes)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.save_minutes(
                meeting=meeting,
                actor=request.user,
                text=form.cleaned_data["text"],
                item_minutes=form.item_minutes(),
            ),
            form=form,
            success=lambda saved: f"Draft minutes saved (version {saved.version}).",
            to=meeting,
        )
        if done:
            return done
    return render(
        request,
        "governance/minutes_form.html",
        _meeting_ctx(request, meeting, form=form, minutes=minutes),
    )


@login_required
def minutes_pdf(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk, detail=True)
    minutes = meeting.minutes_or_none
    if minutes is None:
        raise Http404("No minutes yet")
    title = f"Minutes: {meeting}"
    pdf = render_pdf(
        "governance/pdf/minutes.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "partnership": meeting.partnership,
            "quorum": domain.quorum_of(meeting, meeting.attendance.all()),
            "illustrative": meeting.partnership.is_illustrative,
            "generated_at": clock.now(),
        },
        title=title,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.body.kind}-{day}.pdf"'
    return response


@login_required
def decision_new(request, pk, meeting_pk):
    meeting = _meeting(request, pk, meeting_pk, "governance.run_body")
    awaiting = domain.draft_minutes_awaiting(meeting.body, before=meeting.starts_at)
    form = DecisionForm(request.POST or None, meeting=meeting, awaiting=awaiting)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            done := act(
                request,
                lambda: domain.record_decision(
                    meeting=meeting, actor=request.user, **form.domain_kwargs()
                ),
                form=form,
                success="Decision recorded.",
                to=meeting,
            )
        )
    ):
        return done
    return render(
        request,
        "governance/decision_form.html",
        _meeting_ctx(request, meeting, form=form, quorum=domain.quorum_of(meeting)),
    )


@login_required
def decisions(request, pk):
    partnership = _partnership(request, pk)
    kind = request.GET.get("kind", "")
    kind = kind if kind in DecisionKind.values else ""
    return render(
        request,
        "governance/decisions.html",
        _ctx(
            partnership,
            request.user,
            kinds=DecisionKind.choices,
            kind=kind,
            page_obj=_page(request, queries.decisions_of(partnership, kind)),
        ),
    )


# --- actions -----------------------------------------------------------------------------------


def _filtered_actions(request, partnership):
    form = ActionFilterForm(request.GET or None, partnership=partnership)
    qs = queries.actions_of(partnership).order_by("due_on", "id")
    if form.is_valid():
        status = form.cleaned_data["status"]
        if status == "overdue":
            qs = qs.filter(
                status__in=[s.value for s in ActionStatus.open()],
                due_on__lt=clock.today(),
            )
        elif status in ActionStatus.values:
            qs = qs.filter(status=status)
        elif status != "all":
            qs = qs.filter(status__in=[s.value for s in ActionStatus.open()])
        if form.cleaned_data["owner"]:
            qs = qs.filter(owner=form.cleaned_data["owner"])
    else:
        qs = qs.filter(status__in=[s.value for s in ActionStatus.open()])
    return form, qs


@login_required
def actions(request, pk):
    partnership = _partnership(request, pk)
    filters, qs = _filtered_actions(request, partnership)
    page = _page(request, qs, 50)
    return render(
        request,
        "governance/actions.html",
        _ctx(
            partnership,
            request.user,
            filters=filters,
            page_obj=page,
            editable=_editable(request.user, partnership, page.object_list),
            today=clock.today(),
            query=request.GET.urlencode(),
        ),
    )


@login_required
def actions_export(request, pk, fmt):
    partnership = _partnership(request, pk)
    if fmt not in exports.CONTENT_TYPES:
        raise Http404("Export as csv or xlsx")
    _, qs = _filtered_actions(request, partnership)
    content, content_type = exports.action_log(qs, fmt, today=clock.today())
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="action-log-{partnership.pk}.{fmt}"'
    return response


@login_required
def action_new(request, pk):
    partnership = _partnership(request, pk)
    meeting = None
    if request.GET.get("meeting") or request.POST.get("meeting"):
        meeting = _meeting(request, pk, request.GET.get("meeting") or request.POST.get("meeting"))
        _require(request.user, "governance.run_body", meeting.body)
    else:
        _require(request.user, "governance.add_action", partnership)
    form = ActionForm(request.POST or None, partnership=partnership, meeting=meeting)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            done := act(
                request,
                lambda: domain.create_action(
                    partnership=partnership,
                    actor=request.user,
                    meeting=meeting,
                    base_url=_base_url(request),
                    **form.cleaned_data,
                ),
                form=form,
                success="Action added.",
                to=meeting or redirect("governance:actions", pk),
            )
        )
    ):
        return done
    return render(
        request,
        "governance/action_form.html",
        _ctx(partnership, request.user, form=form, meeting=meeting),
    )


@login_required
def action_edit(request, pk, action_pk):
    partnership = _partnership(request, pk)
    action = get_object_or_404(queries.actions_of(partnership), pk=action_pk)
    action.partnership = partnership
    _require(request.user, "governance.change_action", action)
    initial = {
        "status": action.status,
        "due_on": action.due_on,
        "owner": action.owner,
        "progress_note": action.progress_note,
    }
    form = ActionUpdateForm(request.POST or None, initial=initial, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.update_action(
                action=action, actor=request.user, base_url=_base_url(request), **form.cleaned_data
            ),
            form=form,
            success=lambda changed: "Action saved." if changed else "Nothing changed.",
            to=redirect("governance:actions", pk),
        )
        if done:
            return done
    return render(
        request,
        "governance/action_edit.html",
        _ctx(partnership, request.user, form=form, action=action, today=clock.today()),
    )


# --- register of interests ---------------------------------------------------------------------


@login_required
def interests(request, pk):
    partnership = _partnership(request, pk)
    return render(
        request,
        "governance/interests.html",
        _ctx(partnership, request.user, registers=queries.registers_of(partnership)),
    )
