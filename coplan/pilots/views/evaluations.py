"""Evaluations: write, refresh, approve, classify for disclosure, PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coplan.core import clock
from coplan.core.actions import act

from .. import domain, exports, forms, queries, rules
from ..enums import Disclosure
from ..models import Evaluation
from .common import _ctx


@login_required
def evaluations(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.view_evaluations")
    return render(
        request,
        "pilots/evaluations.html",
        _ctx(request, partnership, pilot, evaluations=queries.evaluations_of(pilot)),
    )


@login_required
def evaluation_new(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.write_evaluation")
    form = forms.EvaluationForm(
        request.POST or None,
        initial={
            "period_start": pilot.starts_on,
            "period_end": min(pilot.last_day, clock.today()),
        },
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.create_evaluation(pilot=pilot, actor=request.user, **form.cleaned_data),
            form=form,
            success="Evaluation started: its results come from the pilot's data.",
            to=lambda evaluation: evaluation,
        )
        if done:
            return done
    return render(
        request, "pilots/evaluation_form.html", _ctx(request, partnership, pilot, form=form)
    )


def _evaluation(request, pk, evaluation_pk, perm="pilots.view_evaluations"):
    partnership, pilot = queries.get_pilot(request.user, pk, perm)
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("author", "approved_by", "classified_by"),
        pilot=pilot,
        pk=evaluation_pk,
    )
    evaluation.pilot = pilot
    show_costs = request.user.has_perm("pilots.view_costs", partnership)
    results = rules.shown_results(
        evaluation.results.select_related("kpi", "service", "provider"), show_costs
    )
    return partnership, pilot, evaluation, results, show_costs


@login_required
def evaluation(request, pk, evaluation_pk):
    partnership, pilot, evaluation, results, show_costs = _evaluation(request, pk, evaluation_pk)
    return render(
        request,
        "pilots/evaluation.html",
        _ctx(
            request,
            partnership,
            pilot,
            evaluation=evaluation,
            results=results,
            show_costs=show_costs,
            approve_form=forms.ApproveForm(partnership=partnership),
            unclassified=sum(1 for r in results if r.disclosure == Disclosure.UNCLASSIFIED)
            + (evaluation.disclosure == Disclosure.UNCLASSIFIED),
        ),
    )


@login_required
def evaluation_edit(request, pk, evaluation_pk):
    partnership, pilot, evaluation, results, _ = _evaluation(
        request, pk, evaluation_pk, "pilots.write_evaluation"
    )
    if evaluation.is_approved:
        messages.error(request, "This evaluation is approved: its content cannot change.")
        return redirect(evaluation)
    form = forms.EvaluationForm(request.POST or None, instance=evaluation, editing=True)
    if request.method == "POST" and form.is_valid():
        commentary = {
            r.pk: request.POST.get(f"commentary-{r.pk}", r.commentary).strip() for r in results
        }
        done = act(
            request,
            lambda: domain.update_evaluation(
                evaluation=evaluation,
                actor=request.user,
                commentary=commentary,
                **{k: form.cleaned_data[k] for k in form.fields},
            ),
            form=form,
            success="Evaluation saved.",
            to=evaluation,
        )
        if done:
            return done
    evaluation.refresh_from_db()
    return render(
        request,
        "pilots/evaluation_edit.html",
        _ctx(request, partnership, pilot, form=form, evaluation=evaluation, results=results),
    )


@login_required
@require_POST
def evaluation_refresh(request, pk, evaluation_pk):
    _partnership, _pilot, evaluation, _, _ = _evaluation(
        request, pk, evaluation_pk, "pilots.write_evaluation"
    )
    return act(
        request,
        lambda: domain.refresh_results(evaluation=evaluation, actor=request.user),
        success="Results recomputed from the pilot's current data.",
        to=evaluation,
    )


@login_required
@require_POST
def evaluation_approve(request, pk, evaluation_pk):
    _partnership, _pilot, evaluation, _, _ = _evaluation(
        request, pk, evaluation_pk, "pilots.approve_evaluation"
    )
    form = forms.ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the date the evaluation was approved.")
        return redirect(evaluation)
    return act(
        request,
        lambda: domain.approve_evaluation(
            evaluation=evaluation,
            actor=request.user,
            approved_on=form.cleaned_data["approved_on"],
            note=form.cleaned_data["note"],
        ),
        success="Evaluation approved.",
        to=evaluation,
    )


@login_required
def evaluation_classify(request, pk, evaluation_pk):
    partnership, pilot, evaluation, results, _ = _evaluation(
        request, pk, evaluation_pk, "pilots.classify"
    )
    form = forms.ClassifyForm(request.POST or None, evaluation=evaluation, results=results)
    if request.method == "POST" and form.is_valid():
        done = act(  # all or nothing
            request,
            lambda: domain.classify_many(items=list(form.changes()), actor=request.user),
            form=form,
            success=lambda changed: f"Disclosure classes saved ({changed} changed).",
            to=evaluation,
        )
        if done:
            return done
    return render(
        request,
        "pilots/evaluation_classify.html",
        _ctx(request, partnership, pilot, form=form, evaluation=evaluation),
    )


@login_required
def evaluation_pdf(request, pk, evaluation_pk):
    _partnership, _pilot, evaluation, results, show_costs = _evaluation(request, pk, evaluation_pk)
    response = HttpResponse(
        exports.evaluation_pdf(evaluation, results, show_costs), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="pilot-evaluation-{evaluation.pk}.pdf"'
    return response
