"""Bulk uploads of delivery records: upload, map columns, follow progress, errors, revert."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coplan.core.actions import act
from coplan.core.columnar import column_letter, errors_csv
from coplan.core.errors import DomainError

from .. import domain, forms, importer, queries, rules, tasks
from ..enums import BatchStatus
from .common import _ctx, _page


@login_required
def batches(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.view_records")
    scope = rules.record_scope(request.user, partnership)
    page = _page(request, queries.batches_of(pilot, scope=scope))
    return render(request, "pilots/batches.html", _ctx(request, partnership, pilot, page_obj=page))


@login_required
def batch_new(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.record_deliveries")
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        done = act(
            request,
            lambda: domain.upload_file(
                pilot=pilot, actor=request.user, file=upload, filename=upload.name
            ),
            form=form,
            to=lambda batch: redirect("pilots:batch", pk, batch.pk),
        )
        if done:
            return done
    return render(
        request,
        "pilots/batch_new.html",
        _ctx(request, partnership, pilot, form=form, targets=importer.TARGETS),
    )


def _batch(request, pk, batch_pk, perm="pilots.view_records"):
    partnership, pilot = queries.get_pilot(request.user, pk, perm)
    batch = queries.batch_for(pilot, batch_pk)
    scope = rules.record_scope(request.user, partnership)
    if (
        scope is not None
        and batch.uploaded_by_id != request.user.pk
        and not (batch.allowed_providers is not None and set(batch.allowed_providers) <= scope)
    ):
        raise Http404("No such upload")
    return partnership, pilot, batch


def _batch_context(request, partnership, pilot, batch, **extra):
    done, total = importer.live_progress(batch)
    percent = (
        batch.percent
        if not batch.in_progress
        else (min(99, int(done * 100 / total)) if total else 0)
    )
    errors = [
        {**e, "letter": column_letter(e.get("column") or 0) if e.get("column") else ""}
        for e in (batch.errors or [])[:100]
    ]
    return _ctx(
        request,
        partnership,
        pilot,
        batch=batch,
        done=done,
        total=total,
        percent=percent,
        errors=errors,
        **extra,
    )


@login_required
def batch(request, pk, batch_pk):
    partnership, pilot, batch = _batch(request, pk, batch_pk)
    scope = rules.provider_scope(request.user, partnership)
    mapping_form = None
    if batch.status == BatchStatus.UPLOADED:
        can_record = request.user.has_perm("pilots.record_deliveries", partnership)
        mapping_form = forms.MappingForm(
            request.POST or None, batch=batch, pilot=pilot, scope=scope
        )
        if request.method == "POST":
            if not can_record:
                raise PermissionDenied("Your role does not upload delivery records.")
            if mapping_form.is_valid():
                try:
                    domain.queue_import(
                        batch=batch,
                        actor=request.user,
                        mapping=mapping_form.mapping(),
                        scope=scope,
                    )
                except DomainError as error:
                    for problem in error.data.get("problems", [error.message]):
                        mapping_form.add_error(None, problem)
                else:
                    tasks.start_import(batch)
                    return redirect("pilots:batch", pk, batch.pk)
    preview = [dict(zip(range(len(batch.columns)), row, strict=False)) for row in batch.preview]
    return render(
        request,
        "pilots/batch.html",
        _batch_context(
            request,
            partnership,
            pilot,
            batch,
            form=mapping_form,
            preview=preview,
            revert_form=forms.RevertForm(),
        ),
    )


@login_required
def batch_progress(request, pk, batch_pk):
    partnership, pilot, batch = _batch(request, pk, batch_pk)
    response = render(
        request,
        "pilots/batch.html#progress",
        _batch_context(request, partnership, pilot, batch),
    )
    if not batch.in_progress and request.htmx:
        response["HX-Refresh"] = "true"  # show the result, errors and actions
    return response


@login_required
def batch_errors(request, pk, batch_pk):
    _partnership, _pilot, batch = _batch(request, pk, batch_pk)
    response = HttpResponse(errors_csv(batch.errors or []), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="upload-{batch.pk}-errors.csv"'
    return response


@login_required
@require_POST
def batch_revert(request, pk, batch_pk):
    partnership, _pilot, batch = _batch(request, pk, batch_pk, "pilots.record_deliveries")
    form = forms.RevertForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the upload is reverted.")
        return redirect("pilots:batch", pk, batch.pk)
    return act(
        request,
        lambda: domain.revert_batch(
            batch=batch,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            scope=rules.provider_scope(request.user, partnership),
        ),
        success=lambda removed: f"Upload reverted: {removed:,} records removed.",
        to=redirect("pilots:batch", pk, batch.pk),
    )
