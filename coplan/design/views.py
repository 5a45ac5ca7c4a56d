"""Service design pages: glue that resolves, checks permission, calls the domain, renders.

Outsiders get 404 and members without the permission 403 (``partnerships.queries.get_for``).
A refused action shows its reason in an error summary on the page it returns to.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from coplan.core import clock
from coplan.core.actions import act
from coplan.core.errors import DomainError
from coplan.core.forms import add_domain_error
from coplan.core.pdf import render_pdf
from coplan.core.permissions import Can
from coplan.core.tables import ImportRejected
from coplan.core.uploads import attachment_response
from coplan.partnerships import queries as partnerships

from . import domain, links, queries
from .diff import compare
from .enums import Disclosure, ImportStatus, ItemKind, Method, Response
from .forms import (
    ActivityForm,
    AttachmentForm,
    AttendanceForm,
    ClassifyForm,
    CommentForm,
    ConsentForm,
    CurateForm,
    DiffForm,
    MappingForm,
    MergeForm,
    OpenPostForm,
    PostForm,
    RecordItemForm,
    RequirementForm,
    ResponseForm,
    ThemeForm,
    UploadForm,
    VersionForm,
)
from .models import Attendance, Consent, EngagementActivity, SurveyImport


def _get(request, pk, perm="design.view_design"):
    return partnerships.get_for(request.user, pk, perm)


def _ctx(request, partnership, **extra):
    return {
        "partnership": partnership,
        "nav_partnerships": True,
        "can": Can(request.user, "design", partnership),
        **extra,
    }


def _page(request, qs, size=25):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _back(request, default):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return default


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- overview --------------------------------------------------------------------------------


@login_required
def overview(request, pk):
    partnership = _get(request, pk)
    latest = queries.latest_version(partnership, request.user)
    return render(
        request,
        "design/overview.html",
        _ctx(
            request,
            partnership,
            activities=queries.activities(partnership, request.user)[:5],
            latest=latest,
            signed_off=queries.latest_signed_off(partnership),
            trace=queries.trace_stats(latest),
            unanswered=queries.insights_without_response(partnership).count(),
            recent=queries.board(partnership, request.user)[:5],
        ),
    )


# --- engagement activities -------------------------------------------------------------------


@login_required
def activity_list(request, pk):
    partnership = _get(request, pk)
    q, method = request.GET.get("q", "").strip(), request.GET.get("method", "")
    qs = queries.activities(partnership, request.user, q, method)
    return render(
        request,
        "design/activity_list.html",
        _ctx(
            request,
            partnership,
            page_obj=_page(request, qs),
            q=q,
            method=method,
            methods=Method.choices,
        ),
    )


@login_required
def activity_form(request, pk, activity_pk=None):
    partnership = _get(request, pk, "design.manage_engagement")
    activity = activity_pk and queries.activity_for(partnership, request.user, activity_pk)
    form = ActivityForm(request.POST or None, instance=activity or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():

        def save():
            if activity:
                domain.update_activity(
                    activity=activity, actor=request.user, **form.domain_fields()
                )
                return activity
            return domain.create_activity(
                partnership=partnership, actor=request.user, **form.domain_fields()
            )

        done = act(
            request,
            save,
            form=form,
            success=lambda saved: f"{saved.title} saved.",
            to=lambda saved: saved,
        )
        if done:
            return done
    return render(
        request,
        "design/activity_form.html",
        _ctx(request, partnership, form=form, activity=activity),
    )


@login_required
def activity_detail(request, pk, activity_pk):
    partnership = _get(request, pk)
    activity = queries.activity_for(partnership, request.user, activity_pk)
    can_manage = request.user.has_perm("design.manage_engagement", partnership)
    items = queries.board(partnership, request.user).filter(activity=activity)
    return render(
        request,
        "design/activity_detail.html",
        _ctx(
            request,
            partnership,
            activity=activity,
            attachments=queries.attachments_of(activity, request.user),
            attendance=queries.attendance_of(activity) if can_manage else None,
            attendance_form=AttendanceForm(partnership=partnership) if can_manage else None,
            attachment_form=AttachmentForm() if can_manage else None,
            page_obj=_page(request, items),
            open_url=activity.open_token
            and request.build_absolute_uri(
                f"/partnerships/{pk}/design/open/{activity.open_token}/"
            ),
        ),
    )


@login_required
@require_POST
def attendance_add(request, pk, activity_pk):
    partnership = _get(request, pk, "design.manage_engagement")
    activity = queries.activity_for(partnership, request.user, activity_pk)
    form = AttendanceForm(request.POST, partnership=partnership)
    if not form.is_valid():
        messages.error(request, form.errors["consent"][0])
        return redirect(activity)
    return act(
        request,
        lambda: domain.add_attendance(activity=activity, actor=request.user, **form.cleaned_data),
        success=f"{form.cleaned_data['consent'].person_name} added as attending.",
        to=activity,
    )


@login_required
@require_POST
def attendance_remove(request, pk, activity_pk, attendance_pk):
    partnership = _get(request, pk, "design.manage_engagement")
    activity = queries.activity_for(partnership, request.user, activity_pk)
    attendance = get_object_or_404(Attendance, pk=attendance_pk, activity=activity)
    domain.remove_attendance(attendance=attendance, actor=request.user)
    messages.success(request, "Attendance removed. The number of participants is unchanged.")
    return redirect(activity)


@login_required
@require_POST
def attachment_add(request, pk, activity_pk):
    partnership = _get(request, pk, "design.manage_engagement")
    activity = queries.activity_for(partnership, request.user, activity_pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect(activity)
    return act(
        request,
        lambda: domain.add_attachment(activity=activity, actor=request.user, **form.cleaned_data),
        success="File attached.",
        to=activity,
    )


@login_required
def attachment_download(request, pk, attachment_pk):
    partnership = _get(request, pk)
    attachment = queries.attachment_for(partnership, request.user, attachment_pk)
    return attachment_response(attachment.file, attachment.filename)


@login_required
@require_POST
def activity_link(request, pk, activity_pk):
    partnership = _get(request, pk, "design.manage_engagement")
    activity = queries.activity_for(partnership, request.user, activity_pk)
    action = domain.close_open_link if request.POST.get("close") else domain.open_link
    return act(
        request,
        lambda: action(activity=activity, actor=request.user),
        success=lambda _: "Open link on." if activity.open_token else "Open link off.",
        to=activity,
    )


@login_required
def activity_record(request, pk, activity_pk):
    partnership = _get(request, pk, "design.manage_engagement")
    activity = queries.activity_for(partnership, request.user, activity_pk)
    form = RecordItemForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.record_item(activity=activity, actor=request.user, **form.cleaned_data),
            form=form,
            success="Recorded. Add another, or go back to the activity.",
            to=redirect("design:activity.record", pk, activity.pk),
        )
        if done:
            return done
    return render(
        request, "design/record_form.html", _ctx(request, partnership, form=form, activity=activity)
    )


def open_post(request, pk, token):
    """The open engagement link: anyone with it can post, no account needed."""
    activity = get_object_or_404(
        EngagementActivity.objects.select_related("partnership"),
        partnership_id=pk,
        open_token=token or None,
    )
    form = OpenPostForm(request.POST or None, partnership=activity.partnership)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.post_open_item(activity=activity, token=token, **form.cleaned_data),
            form=form,
            to=f"{request.path}?sent=1",
        )
        if done:
            return done
    return render(
        request,
        "design/open_post.html",
        {
            "activity": activity,
            "partnership": activity.partnership,
            "form": form,
            "sent": request.GET.get("sent") == "1" and request.method == "GET",
        },
    )


# --- the board -------------------------------------------------------------------------------


@login_required
def board(request, pk):
    partnership = _get(request, pk)
    q, kind, sort = (request.GET.get(k, "").strip() for k in ("q", "kind", "sort"))
    theme = _theme(request, partnership)
    qs = queries.board(partnership, request.user, q, kind, theme, sort)
    return render(
        request,
        "design/board.html",
        _ctx(
            request,
            partnership,
            page_obj=_page(request, qs, 20),
            q=q,
            kind=kind,
            sort=sort,
            theme=theme,
            themes=queries.themes(partnership, request.user),
            kinds=[(k.value, k.label) for k in ItemKind.posts()],
        ),
    )


def _needs_consent(partnership, user) -> bool:
    return queries.active_consent(partnership, user) is None


@login_required
def item_new(request, pk):
    partnership = _get(request, pk, "design.contribute")
    needs = _needs_consent(partnership, request.user)
    form = PostForm(
        request.POST or None,
        partnership=partnership,
        needs_consent=needs,
        initial={"kind": request.GET.get("kind", "")},
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.post_item(
                partnership=partnership, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success="Thank you. Your post is on the board.",
            to=lambda item: item,
        )
        if done:
            return done
    return render(request, "design/item_form.html", _ctx(request, partnership, form=form))


@login_required
def item_detail(request, pk, item_pk):
    partnership = _get(request, pk)
    item = queries.item_for(partnership, request.user, item_pk)
    if item.merged_into_id and not request.user.has_perm("design.manage_engagement", partnership):
        return redirect(item.merged_into)
    return render(
        request,
        "design/item_detail.html",
        _ctx(
            request,
            partnership,
            item=item,
            heading=f"{item.get_kind_display()} #{item.pk}",
            comments=queries.comments_of(item, request.user),
            duplicates=queries.merged_into(item, request.user),
            shaped=queries.shaped_requirements(item),
            **_item_forms(partnership, item, request.user),
        ),
    )


def _item_forms(partnership, item, user) -> dict:
    return {
        "comment_form": CommentForm(needs_consent=_needs_consent(partnership, user)),
        "curate_form": CurateForm(
            partnership=partnership,
            initial={"themes": list(item.themes.all()), "is_insight": item.is_insight},
        ),
        "merge_form": MergeForm(item=item),
        "response_form": ResponseForm(
            initial={"we_did": item.we_did, "not_taken_up_reason": item.not_taken_up_reason}
        ),
        "classify_form": _classify_form(item),
    }


def _classify_form(obj):
    return ClassifyForm(initial={"disclosure": obj.disclosure, "reason": obj.disclosure_reason})


def _item_action(request, pk, item_pk, perm):
    partnership = _get(request, pk, perm)
    return partnership, queries.item_for(partnership, request.user, item_pk)


@login_required
@require_POST
def item_support(request, pk, item_pk):
    _partnership, item = _item_action(request, pk, item_pk, "design.contribute")
    withdraw = request.POST.get("withdraw") == "1"
    return act(
        request,
        lambda: (domain.withdraw_support if withdraw else domain.support)(
            item=item, actor=request.user
        ),
        success="Support withdrawn." if withdraw else "Thank you for your support.",
        to=_back(request, redirect(item)),
    )


@login_required
@require_POST
def item_comment(request, pk, item_pk):
    partnership, item = _item_action(request, pk, item_pk, "design.contribute")
    form = CommentForm(request.POST, needs_consent=_needs_consent(partnership, request.user))
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect(item)
    return act(
        request,
        lambda: domain.comment(item=item, actor=request.user, **form.cleaned_data),
        success="Your comment is posted.",
        to=item,
    )


@login_required
@require_POST
def item_curate(request, pk, item_pk):
    partnership, item = _item_action(request, pk, item_pk, "design.manage_engagement")
    form = CurateForm(request.POST, partnership=partnership)
    if not form.is_valid():
        return redirect(item)
    return act(
        request,
        lambda: domain.curate_item(item=item, actor=request.user, **form.cleaned_data),
        success="Themes and insight saved.",
        to=item,
    )


@login_required
@require_POST
def item_merge(request, pk, item_pk):
    _partnership, item = _item_action(request, pk, item_pk, "design.manage_engagement")
    form = MergeForm(request.POST, item=item)
    if not form.is_valid():
        messages.error(request, form.errors["keep"][0])
        return redirect(item)
    return act(
        request,
        lambda: domain.merge_items(
            duplicate=item, keep=form.cleaned_data["keep"], actor=request.user
        ),
        success=lambda keep: f"Merged into {keep}.",
        to=lambda keep: keep,
        back=item,
    )


@login_required
@require_POST
def item_respond(request, pk, item_pk):
    _partnership, item = _item_action(request, pk, item_pk, "design.respond")
    form = ResponseForm(request.POST)
    form.is_valid()
    return act(
        request,
        lambda: domain.respond(insight=item, actor=request.user, **form.cleaned_data),
        success="Response saved for 'you said, we did'.",
        to=_back(request, redirect(item)),
        back=item,
    )


@login_required
@require_POST
def classify(request, pk, kind, obj_pk):
    partnership = _get(request, pk, "design.classify")
    found = queries.artefacts_by_ref(partnership, [f"{kind}:{obj_pk}"])
    if not found:
        return redirect("design:disclosure", pk)
    form = ClassifyForm(request.POST)
    back = _back(request, redirect("design:disclosure", pk))
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return back
    domain.classify(obj=found[0], actor=request.user, **form.cleaned_data)
    messages.success(
        request, f"Disclosure saved: {Disclosure(form.cleaned_data['disclosure']).label}."
    )
    return back


# --- insights and themes ---------------------------------------------------------------------


def _theme(request, partnership):
    theme_id = request.GET.get("theme", "")
    return queries.theme_for(partnership, request.user, theme_id) if theme_id.isdigit() else None


def _insights_page(request, partnership, form):
    q, response = request.GET.get("q", "").strip(), request.GET.get("response", "")
    theme = _theme(request, partnership)
    qs = queries.insights(partnership, request.user, q, theme, response)
    return render(
        request,
        "design/insights.html",
        _ctx(
            request,
            partnership,
            form=form,
            summary=queries.theme_summary(partnership, request.user),
            page_obj=_page(request, qs),
            q=q,
            theme=theme,
            response=response,
            responses=Response.choices,
            themes=queries.themes(partnership, request.user),
        ),
    )


@login_required
def insights(request, pk):
    return _insights_page(request, _get(request, pk), ThemeForm())


@login_required
@require_POST
def theme_new(request, pk):
    partnership = _get(request, pk, "design.manage_engagement")
    form = ThemeForm(request.POST)
    if form.is_valid():
        done = act(
            request,
            lambda: domain.create_theme(
                partnership=partnership, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success=f"Theme “{form.cleaned_data['name']}” added.",
            to=redirect("design:insights", pk),
        )
        if done:
            return done
    return _insights_page(request, partnership, form)


@login_required
def theme_edit(request, pk, theme_pk):
    partnership = _get(request, pk, "design.manage_engagement")
    theme = queries.theme_for(partnership, request.user, theme_pk)
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.update_theme(theme=theme, actor=request.user, **form.cleaned_data),
            form=form,
            success="Theme saved.",
            to=redirect("design:insights", pk),
        )
        if done:
            return done
    theme.refresh_from_db()
    return render(
        request,
        "design/theme_form.html",
        _ctx(request, partnership, form=form, theme=theme, classify_form=_classify_form(theme)),
    )


# --- survey import ---------------------------------------------------------------------------


@login_required
def import_upload(request, pk):
    partnership = _get(request, pk, "design.manage_engagement")
    form = UploadForm(request.POST or None, request.FILES or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.upload_survey(
                partnership=partnership, actor=request.user, **form.cleaned_data
            ),
            form=form,
            to=lambda survey: redirect("design:import.map", pk, survey.pk),
        )
        if done:
            return done
    return render(
        request,
        "design/import_upload.html",
        _ctx(request, partnership, form=form, imports=queries.imports_of(partnership)[:10]),
    )


@login_required
def import_map(request, pk, import_pk):
    partnership = _get(request, pk, "design.manage_engagement")
    survey = get_object_or_404(SurveyImport, pk=import_pk, partnership=partnership)
    form = MappingForm(request.POST or None, survey=survey, initial=survey.mapping or None)
    rejected = None
    if request.method == "POST" and survey.status != ImportStatus.IMPORTED and form.is_valid():
        try:
            items = domain.run_import(
                survey_import=survey, actor=request.user, mapping=form.mapping()
            )
        except ImportRejected as error:
            rejected = error
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"{len(items)} answers imported from {survey.filename}.")
            return redirect(survey.activity)
    return render(
        request,
        "design/import_map.html",
        _ctx(request, partnership, form=form, survey=survey, rejected=rejected),
    )


# --- the specification -----------------------------------------------------------------------


@login_required
def spec_list(request, pk):
    partnership = _get(request, pk)
    found = list(queries.versions(partnership, request.user))
    numbers = [v.number for v in found]
    latest_two = {"base": (numbers[1:2] or [None])[0], "other": (numbers[:1] or [None])[0]}
    return render(
        request,
        "design/spec_list.html",
        _ctx(
            request,
            partnership,
            versions=found,
            has_draft=any(v.is_draft for v in found),
            diff_form=DiffForm(numbers=numbers, initial=latest_two),
        ),
    )


@login_required
@require_POST
def spec_new(request, pk):
    partnership = _get(request, pk, "design.change_spec")
    return act(
        request,
        lambda: domain.new_draft(partnership=partnership, actor=request.user),
        success=lambda version: f"Version {version.number} started as a draft.",
        to=lambda version: redirect("design:spec.edit", pk, version.number),
        back=redirect("design:spec.list", pk),
    )


@login_required
def spec_detail(request, pk, number):
    partnership = _get(request, pk)
    version = queries.version_for(partnership, request.user, number)
    return render(
        request,
        "design/spec_detail.html",
        _ctx(
            request,
            partnership,
            version=version,
            heading=f"Specification version {version.number}",
            crumb=f"Version {version.number}",
            sections=(sections := list(queries.sections_of(version, request.user))),
            links=links.links_for(r for s in sections for r in s.requirements.all()),
            in_thread=_in_thread(request.user, partnership, version),
            trace=queries.trace_stats(version),
            classify_form=_classify_form(version),
        ),
    )


def _in_thread(user, partnership, version) -> bool:
    """Whether the version's requirements link to their golden thread (the benefits app's
    thread page, if ``user`` may open it): the thread shows the latest version ``user`` sees."""
    if not user.has_perm("benefits.view_thread", partnership):
        return False
    latest = queries.latest_version(partnership, user)
    return latest is not None and latest.pk == version.pk


@login_required
def spec_edit(request, pk, number):
    partnership = _get(request, pk, "design.change_spec")
    version = queries.version_for(partnership, request.user, number)
    sections = list(queries.sections_of(version, request.user))
    initial = {"change_note": version.change_note, "revision": version.revision}
    form = VersionForm(request.POST or None, sections=sections, initial=initial)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["change_note"]
        try:
            domain.update_version(
                version=version,
                actor=request.user,
                intros=form.intros(),
                change_note=note,
                revision=form.cleaned_data.get("revision"),
            )
        except DomainError as error:
            if error.code != "edit_conflict":
                messages.error(request, error.message)
                return redirect(version)
            add_domain_error(form, error)  # keep what they typed on the page, refused
        else:
            messages.success(request, f"Version {version.number} saved.")
            return redirect(version)
    heading, crumb = f"Edit draft version {version.number}", f"Version {version.number}"
    context = {"form": form, "version": version, "sections": sections}
    return render(
        request,
        "design/spec_edit.html",
        _ctx(request, partnership, heading=heading, crumb=crumb, **context),
    )


@login_required
def requirement_form(request, pk, number, requirement_pk=None):
    partnership = _get(request, pk, "design.change_spec")
    version = queries.version_for(partnership, request.user, number)
    requirement = requirement_pk and queries.requirement_for(version, requirement_pk)
    form = RequirementForm(
        request.POST or None,
        partnership=partnership,
        requirement=requirement or None,
        initial={"section": request.GET.get("section", "")},
    )
    form.fields["revision"].initial = version.revision
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: _save_requirement(version, requirement, request.user, form.cleaned_data),
            form=form,
            success="Requirement saved.",
            to=redirect("design:spec.edit", pk, version.number),
        )
        if done:
            return done
    return render(
        request,
        "design/requirement_form.html",
        _ctx(request, partnership, form=form, version=version, requirement=requirement),
    )


def _save_requirement(version, requirement, user, data):
    data = dict(data)
    revision = data.pop("revision", None)
    if requirement:
        return domain.update_requirement(
            requirement=requirement, actor=user, revision=revision, **data
        )
    return domain.add_requirement(version=version, actor=user, **data)


@login_required
@require_POST
def requirement_remove(request, pk, number, requirement_pk):
    partnership = _get(request, pk, "design.change_spec")
    version = queries.version_for(partnership, request.user, number)
    requirement = queries.requirement_for(version, requirement_pk)
    return act(
        request,
        lambda: domain.remove_requirement(requirement=requirement, actor=request.user),
        success=lambda _: f"{requirement.key} removed from version {version.number}.",
        to=redirect("design:spec.edit", pk, version.number),
        back=version,
    )


def _spec_action(action, perm, done):
    @login_required
    @require_POST
    def view(request, pk, number):
        partnership = _get(request, pk, perm)
        version = queries.version_for(partnership, request.user, number)
        return act(
            request,
            lambda: action(version=version, actor=request.user),
            success=lambda _: done.format(number=version.number),
            to=lambda _: (
                redirect("design:spec.list", pk)
                if action is domain.discard_draft
                else redirect(version)
            ),
            back=version,
        )

    return view


spec_approve = _spec_action(
    domain.approve_version, "design.approve_spec", "Version {number} approved."
)
spec_freeze = _spec_action(
    domain.freeze_version, "design.freeze_spec", "Version {number} frozen. It can no longer change."
)
spec_discard = _spec_action(
    domain.discard_draft, "design.change_spec", "Draft version {number} discarded."
)


@login_required
def spec_pdf(request, pk, number):
    partnership = _get(request, pk)
    version = queries.version_for(partnership, request.user, number)
    data = render_pdf(
        "design/pdf/spec.html",
        {
            "partnership": partnership,
            "version": version,
            "illustrative": partnership.is_illustrative,
            "sections": queries.sections_of(version, request.user),
            "generated_at": clock.now(),
        },
        title=f"{partnership.title}: service specification version {version.number}",
    )
    return _pdf(data, f"specification-v{version.number}.pdf")


@login_required
def spec_diff(request, pk):
    partnership = _get(request, pk)
    found = list(queries.versions(partnership, request.user))
    form = DiffForm(request.GET or None, numbers=[v.number for v in found])
    comparison = None
    if form.is_bound and form.is_valid():
        by_number = {v.number: v for v in found}
        comparison = compare(
            by_number[form.cleaned_data["base"]], by_number[form.cleaned_data["other"]]
        )
    return render(
        request,
        "design/spec_diff.html",
        _ctx(request, partnership, diff_form=form, comparison=comparison),
    )


# --- "you said, we did" ----------------------------------------------------------------------


@login_required
def you_said(request, pk):
    partnership = _get(request, pk)
    rows = queries.you_said_we_did(partnership, request.user)
    return render(
        request,
        "design/you_said.html",
        _ctx(
            request,
            partnership,
            rows=rows,
            latest=queries.latest_version(partnership, request.user),
            unanswered=sum(1 for r in rows if r.response == Response.NONE),
        ),
    )


@login_required
def you_said_pdf(request, pk):
    partnership = _get(request, pk)
    data = render_pdf(
        "design/pdf/you_said.html",
        {
            "partnership": partnership,
            "rows": queries.you_said_we_did(partnership, request.user),
            "latest": queries.latest_version(partnership, request.user),
            "illustrative": partnership.is_illustrative,
            "generated_at": clock.now(),
        },
        title=f"{partnership.title}: you said, we did",
    )
    return _pdf(data, "you-said-we-did.pdf")


# --- consent ---------------------------------------------------------------------------------


@login_required
def consent_list(request, pk):
    partnership = _get(request, pk)
    manage = request.user.has_perm("design.manage_consent", partnership)
    form = ConsentForm(request.POST or None, partnership=partnership)
    if request.method == "POST":
        partnership = _get(request, pk, "design.manage_consent")
        if form.is_valid() and (
            done := act(
                request,
                lambda: domain.record_consent(
                    partnership=partnership, actor=request.user, **form.cleaned_data
                ),
                form=form,
                success="Consent recorded.",
                to=redirect("design:consent.list", pk),
            )
        ):
            return done
    q = request.GET.get("q", "").strip()
    qs = queries.consents(partnership, q if manage else "")
    qs = qs if manage else qs.filter(user=request.user)
    return render(
        request,
        "design/consent_list.html",
        _ctx(request, partnership, page_obj=_page(request, qs), q=q, form=form if manage else None),
    )


@login_required
@require_POST
def consent_withdraw(request, pk, consent_pk):
    partnership = _get(request, pk)
    consent = get_object_or_404(Consent, pk=consent_pk, partnership=partnership)
    if not request.user.has_perm("design.withdraw_consent", consent):
        raise PermissionDenied("Only the person or the facilitator can withdraw this consent.")
    return act(
        request,
        lambda: domain.withdraw_consent(consent=consent, actor=request.user),
        success=lambda counts: (
            f"Consent withdrawn. {counts['items']} posts and "
            f"{counts['supports']} supports no longer show a name."
        ),
        to=redirect("design:consent.list", pk),
    )


# --- disclosure ------------------------------------------------------------------------------


@login_required
def disclosure(request, pk):
    partnership = _get(request, pk, "design.classify")
    shown = request.GET.get("show", "")
    shown = shown if shown in Disclosure.values else Disclosure.UNCLASSIFIED.value
    form = ClassifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = queries.artefacts_by_ref(partnership, request.POST.getlist("ref"))
        done = act(
            request,
            lambda: domain.classify_many(
                partnership=partnership, objs=found, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success=lambda count: f"{count} classified.",
            to=f"{request.path}?show={shown}",
        )
        if done:
            return done
    page = _page(request, queries.artefacts(partnership, shown), 50)
    counts = queries.disclosure_counts(partnership)
    context = {"page_obj": page, "shown": shown, "counts": counts, "classes": Disclosure.choices}
    return render(
        request, "design/disclosure.html", _ctx(request, partnership, form=form, **context)
    )
