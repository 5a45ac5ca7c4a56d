"""Service user feedback and “You said, we did”."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from coplan.core.actions import act

from .. import dashboard, domain, forms, queries
from ..models import Feedback
from .common import _ctx, _page


@login_required
def feedback(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.view_feedback")
    board = dashboard.build(pilot, show_costs=False, with_charts=False)
    page = _page(request, queries.feedback_of(pilot))
    said_did = queries.feedback_of(pilot).exclude(response="")[:20]
    return render(
        request,
        "pilots/feedback.html",
        _ctx(request, partnership, pilot, board=board, page_obj=page, said_did=said_did),
    )


@login_required
def feedback_new(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.give_feedback")
    on_behalf = request.user.has_perm("pilots.respond_feedback", partnership) or (
        request.user.has_perm("pilots.record_deliveries", partnership)
    )
    form = forms.FeedbackForm(request.POST or None, pilot=pilot, on_behalf=on_behalf)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.submit_feedback(pilot=pilot, actor=request.user, **form.cleaned_data),
            form=form,
            success="Thank you: the feedback is recorded.",
            to=redirect("pilots:feedback", pk),
        )
        if done:
            return done
    return render(
        request, "pilots/feedback_form.html", _ctx(request, partnership, pilot, form=form)
    )


@login_required
def feedback_respond(request, pk, feedback_pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.respond_feedback")
    item = get_object_or_404(Feedback, pilot=pilot, pk=feedback_pk)
    form = forms.RespondForm(request.POST or None, initial={"response": item.response})
    if request.method == "POST" and form.is_valid():
        domain.respond_to_feedback(
            feedback=item, actor=request.user, response=form.cleaned_data["response"]
        )
        messages.success(request, "Response saved: it shows under “You said, we did”.")
        return redirect("pilots:feedback", pk)
    return render(
        request,
        "pilots/feedback_respond.html",
        _ctx(request, partnership, pilot, form=form, item=item),
    )
