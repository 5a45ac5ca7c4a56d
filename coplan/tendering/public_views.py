"""Public tender pages (no login): the notice with its community benefit summary, documents,
evidence pack, criteria and scoring model, lots, timetable and OCDS release package. Signed-in
people register an organisation as a bidder; registered bidders ask clarification questions and
read every answer. The shared clause library lives here too (everyone signed in reads it; staff
edit it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from coplan.consortium.models import Consortium
from coplan.core.actions import act
from coplan.core.errors import DomainError
from coplan.core.forms import add_domain_error
from coplan.core.uploads import attachment_response
from coplan.tendering.scoring import engine

from . import domain, ocds, queries
from .forms import (
    ClauseForm,
    ClauseSettingsForm,
    MeasureForm,
    ProxyForm,
    QuestionForm,
    RegisterForm,
    WordingForm,
)
from .models import Clause, Measure
from .views import evidence_pdf_response


def tender_list(request):
    return render(
        request, "tendering/public/list.html", {"tenders": list(queries.published_tenders())}
    )


def notice(request, reference):
    tender = queries.published_tender(reference)
    model = tender.scoring_model()
    registration = domain.registration_for(tender, request.user)
    return render(
        request,
        "tendering/public/notice.html",
        {
            "tender": tender,
            "illustrative": tender.partnership.is_illustrative,
            "lots": list(queries.lots_of(tender)),
            "requirements": queries.requirement_rows(tender),
            "tree": domain.tree_of(tender),
            "elements": list(tender.price_elements.all()),
            "model": model,
            "description": engine.describe(model),
            "scale": engine.QUALITY_SCALE,
            "documents": list(tender.documents.all()),
            "addenda": list(tender.addenda.all()),
            "pack": queries.evidence_pack(tender),
            "registration": registration,
        },
    )


def ocds_package(request, reference):
    tender = queries.published_tender(reference)
    response = JsonResponse(ocds.full_package(tender), json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def evidence_pdf(request, reference):
    return evidence_pdf_response(queries.published_tender(reference))


def document(request, reference, document_pk):
    tender = queries.published_tender(reference)
    doc = get_object_or_404(tender.documents, pk=document_pk)
    # Public, but still a download a browser will not render or run, under a cleaned name.
    return attachment_response(doc.file, doc.file.name.rsplit("/", 1)[-1])


@login_required
def register(request, reference):
    tender = queries.published_tender(reference)
    organisations = request.user.organisations.all()
    form = RegisterForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        consortium = Consortium.objects.filter(
            partnership=tender.partnership, lead=organisation
        ).first()
        done = act(
            request,
            lambda: domain.register_bidder(
                tender=tender, actor=request.user, organisation=organisation, consortium=consortium
            ),
            form=form,
            success=f"{organisation} is registered for {tender.reference}: you will receive every "
            "clarification answer and addendum by e-mail. Submit your bid here before the "
            "deadline.",
            # the bid page is the bidding app's: the next step of the supplier's path
            to=redirect("bidding:mine", tender.partnership_id, tender.pk),
        )
        if done:
            return done
    return render(
        request,
        "tendering/public/form.html",
        {
            "tender": tender,
            "form": form,
            "heading": "Register as a bidder",
            "button": "Register",
            "hint": "Any organisation may register, whether or not it took part in the "
            "partnership. Registered bidders ask clarification questions and receive every "
            "answer and addendum at the same time.",
        },
    )


@login_required
def bidder_clarifications(request, reference):
    tender = queries.published_tender(reference)
    registration = domain.registration_for(tender, request.user)
    if registration is None:
        raise PermissionDenied("Register as a bidder to ask and read clarifications.")
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.ask(
                tender=tender,
                registration=registration,
                actor=request.user,
                question=form.cleaned_data["question"],
            ),
            form=form,
            success="Question sent. The answer goes to every registered bidder, without your name.",
            to=redirect("tenders_public:clarifications", tender.reference),
        )
        if done:
            return done
    return render(
        request,
        "tendering/public/clarifications.html",
        {
            "tender": tender,
            "form": form,
            "answered": list(tender.clarifications.filter(answered_at__isnull=False)),
            "mine": list(
                registration.clarifications.filter(answered_at__isnull=True).order_by("number")
            ),
            "addenda": list(tender.addenda.all()),
            "illustrative": tender.partnership.is_illustrative,
        },
    )


# --- the clause library -------------------------------------------------------------------------


def _staff(request):
    if not request.user.has_perm("tendering.change_clause"):
        raise PermissionDenied("Only staff edit the clause library.")


@login_required
def clause_list(request):
    can_edit = request.user.has_perm("tendering.change_clause")
    return render(
        request,
        "tendering/clauses/list.html",
        {
            "clauses": list(queries.clauses(include_inactive=can_edit)),
            "can_edit": can_edit,
            "f6_rule": domain.F6_RULE,
        },
    )


@login_required
def clause_detail(request, clause_pk):
    clause = get_object_or_404(queries.clauses(include_inactive=True), pk=clause_pk)
    return render(
        request,
        "tendering/clauses/detail.html",
        {
            "clause": clause,
            "versions": list(clause.versions.all()),
            "measures": list(clause.measures.all()),
            "can_edit": request.user.has_perm("tendering.change_clause"),
            "f6_rule": domain.F6_RULE,
            "warnings": domain.residence_warnings(
                clause.current_version.wording if clause.current_version else ""
            ),
        },
    )


def _clause_form_page(request, form, heading, button, clause=None, warnings=()):
    return render(
        request,
        "tendering/clauses/form.html",
        {
            "form": form,
            "heading": heading,
            "button": button,
            "clause": clause,
            "warnings": list(warnings),
            "f6_rule": domain.F6_RULE,
        },
    )


def _warn_residence(request, wording: str) -> None:
    phrases = domain.residence_warnings(wording)
    if phrases:
        messages.warning(
            request,
            f"Saved, but the wording mentions {', '.join(phrases)}. {domain.F6_RULE}",
        )


@login_required
def clause_new(request):
    _staff(request)
    form = ClauseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            clause = domain.create_clause(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            _warn_residence(request, form.cleaned_data["wording"])
            if not domain.residence_warnings(form.cleaned_data["wording"]):
                messages.success(request, f"“{clause}” added to the library.")
            return redirect("tenders_public:clause.detail", clause.pk)
    return _clause_form_page(request, form, "Add a clause", "Add the clause")


@login_required
def clause_edit(request, clause_pk):
    _staff(request)
    clause = get_object_or_404(Clause, pk=clause_pk)
    current = clause.current_version
    form = WordingForm(
        request.POST or None, initial={"wording": current.wording if current else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = domain.revise_wording(clause=clause, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            _warn_residence(request, version.wording)
            if not domain.residence_warnings(version.wording):
                messages.success(request, f"Version {version.number} of “{clause}” saved.")
            return redirect("tenders_public:clause.detail", clause.pk)
    return _clause_form_page(
        request,
        form,
        f"Change the wording of “{clause}”",
        "Save as a new version",
        clause=clause,
        warnings=domain.residence_warnings(current.wording if current else ""),
    )


@login_required
def clause_settings(request, clause_pk):
    """Change a clause's type, title or guidance, or withdraw it from new tenders."""
    _staff(request)
    clause = get_object_or_404(Clause, pk=clause_pk)
    fields = list(ClauseSettingsForm.base_fields)
    form = ClauseSettingsForm(request.POST or None, initial={f: getattr(clause, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.update_clause(clause=clause, actor=request.user, **form.cleaned_data),
            form=form,
            success=lambda _: (
                f"“{clause}” saved."
                + ("" if clause.is_active else " It is withdrawn from new tenders.")
            ),
            to=redirect("tenders_public:clause.detail", clause.pk),
        )
        if done:
            return done
    return _clause_form_page(
        request, form, f"Change the details of “{clause}”", "Save the details", clause
    )


@login_required
def measure_add(request, clause_pk):
    _staff(request)
    clause = get_object_or_404(Clause, pk=clause_pk)
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.add_measure(clause=clause, actor=request.user, **form.cleaned_data),
            form=form,
            success=lambda measure: f"Measure “{measure.name}” added.",
            to=redirect("tenders_public:clause.detail", clause.pk),
        )
        if done:
            return done
    return _clause_form_page(
        request, form, f"Add a measure to “{clause}”", "Add the measure", clause
    )


@login_required
def proxy_add(request, clause_pk, measure_pk):
    _staff(request)
    measure = get_object_or_404(Measure, pk=measure_pk, clause_id=clause_pk)
    form = ProxyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.set_proxy(measure=measure, actor=request.user, **form.cleaned_data),
            form=form,
            success=f"Proxy value for “{measure.name}” added.",
            to=redirect("tenders_public:clause.detail", clause_pk),
        )
        if done:
            return done
    return _clause_form_page(
        request,
        form,
        f"Add a proxy value for “{measure.name}”",
        "Add the proxy value",
        measure.clause,
    )
