"""Tender pages inside a partnership: glue that resolves, checks permission, calls the domain,
renders. Outsiders get 404 and members without the permission 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coplan.core import clock
from coplan.core.actions import act
from coplan.core.errors import DomainError
from coplan.core.forms import add_domain_error
from coplan.core.models import StatutoryRuleKey
from coplan.core.pdf import render_pdf
from coplan.core.permissions import Can
from coplan.partnerships import queries as partnerships
from coplan.tendering.scoring import engine

from . import domain, queries
from .forms import (
    AddendumForm,
    AnswerForm,
    CriterionEditForm,
    CriterionForm,
    DocumentForm,
    LotForm,
    ModelForm,
    NewTenderForm,
    PriceElementForm,
    RequirementEditForm,
    RequirementForm,
    StrategyForm,
    TemplateForm,
    TimetableForm,
)
from .models import Clarification, Lot, PriceElement, QualityCriterion


def _can_thread(user, tender, can: dict) -> bool:
    """Whether the tender's criteria and requirements link to their golden thread (the benefits
    app's thread page): a member who may see the thread, for a published tender or one whose
    evaluation model they may see (the thread hides other drafts)."""
    return user.has_perm("benefits.view_thread", tender.partnership) and (
        tender.published_at is not None or can["view_evaluation_model"]
    )


def _ctx(request, tender, **extra):
    return {
        "partnership": tender.partnership,
        "tender": tender,
        "nav_partnerships": True,
        "can": Can(request.user, "tendering", tender),
        **extra,
    }


def _form_page(request, tender, form, heading, button, **extra):
    return render(
        request,
        "tendering/form.html",
        _ctx(request, tender, form=form, heading=heading, button=button, **extra),
    )


def _back(tender, name="tender.detail"):
    return redirect(f"tendering:{name}", tender.partnership_id, tender.pk)


# --- the partnership's tenders ---------------------------------------------------------------


@login_required
def overview(request, pk):
    partnership = partnerships.get_for(request.user, pk, "tendering.view_tenders")
    return render(
        request,
        "tendering/overview.html",
        {
            "partnership": partnership,
            "nav_partnerships": True,
            "tenders": list(queries.tenders_of(partnership)),
            "can_add": request.user.has_perm("tendering.add_tender", partnership),
        },
    )


@login_required
def tender_new(request, pk):
    partnership = partnerships.get_for(request.user, pk, "tendering.add_tender")
    form = NewTenderForm(
        request.POST or None,
        partnership=partnership,
        initial={"strategy_date": clock.today(), "contract_type": "services"},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        done = act(
            request,
            lambda: domain.create_tender(
                partnership=partnership,
                actor=request.user,
                title=data.pop("title"),
                reference=data.pop("reference"),
                **data,
            ),
            form=form,
            success=lambda tender: f"Tender {tender.reference} started as a draft.",
            to=_back,
        )
        if done:
            return done
    return render(
        request,
        "tendering/form.html",
        {
            "partnership": partnership,
            "nav_partnerships": True,
            "form": form,
            "heading": "Start a tender",
            "button": "Start the tender",
        },
    )


@login_required
def tender_detail(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk)
    can = Can(request.user, "tendering", tender)
    rules = None
    if tender.estimated_value is not None and tender.strategy_date:
        rules = domain.procurement_rules(
            contract_type=tender.contract_type,
            estimated_value=tender.estimated_value,
            vat_included=tender.vat_included,
            vat_rate=tender.vat_rate,
            on=tender.strategy_date,
        )
    check = None if tender.published_at else domain.check_publication(tender, user=request.user)
    return render(
        request,
        "tendering/detail.html",
        _ctx(
            request,
            tender,
            rules=rules,
            lots=list(queries.lots_of(tender)),
            requirements=queries.requirement_rows(tender),
            timetable=domain.check_timetable(tender),
            publication=check,
            documents=list(tender.documents.all()),
            addenda=list(tender.addenda.all()),
            rule_keys=StatutoryRuleKey,
            show_model=can["view_evaluation_model"],
            can_thread=_can_thread(request.user, tender, can),
        ),
    )


@login_required
def tender_strategy(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_tender")
    fields = list(StrategyForm.base_fields)
    form = StrategyForm(request.POST or None, initial={f: getattr(tender, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.set_strategy(tender=tender, actor=request.user, **form.cleaned_data),
            form=form,
            success="Procurement strategy saved and the rules applied.",
            to=_back(tender),
        )
        if done:
            return done
    return _form_page(request, tender, form, "Procurement strategy", "Save the strategy")


@login_required
def lot_add(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_tender")
    form = LotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.add_lot(tender=tender, actor=request.user, **form.cleaned_data),
            form=form,
            success=lambda lot: f"{lot} added.",
            to=_back(tender),
        )
        if done:
            return done
    return _form_page(request, tender, form, "Add a lot", "Add the lot")


@login_required
@require_POST
def lot_remove(request, pk, tender_pk, lot_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_tender")
    lot = get_object_or_404(Lot, pk=lot_pk, tender=tender)
    return act(
        request,
        lambda: domain.remove_lot(lot=lot, actor=request.user),
        success=lambda _: f"{lot} removed.",
        to=_back(tender),
    )


@login_required
def document_add(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_tender")
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.add_document(tender=tender, actor=request.user, **form.cleaned_data),
            form=form,
            success=lambda document: f"{document} added.",
            to=_back(tender),
        )
        if done:
            return done
    return _form_page(
        request, tender, form, "Add a tender document", "Add the document", multipart=True
    )


# --- criteria and scoring model --------------------------------------------------------------


@login_required
def tender_model(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.view_evaluation_model")
    errors, warnings = domain.check_model(tender)
    model = tender.scoring_model()
    can = Can(request.user, "tendering", tender)
    return render(
        request,
        "tendering/model.html",
        _ctx(
            request,
            tender,
            can_thread=_can_thread(request.user, tender, can),
            tree=domain.tree_of(tender),
            elements=list(tender.price_elements.all()),
            model=model,
            quality_weight=model.quality_weight,
            errors=errors,
            warnings=warnings,
            scale=engine.QUALITY_SCALE,
            template_form=TemplateForm(),
            f2_rule=domain.F2_RULE,
        ),
    )


@login_required
def model_edit(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_evaluation_model")
    form = ModelForm(
        request.POST or None, initial={f: getattr(tender, f) for f in ModelForm.base_fields}
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.set_scoring_model(
                tender=tender, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success="Scoring model saved.",
            to=_back(tender, "tender.model"),
        )
        if done:
            return done
    return _form_page(
        request, tender, form, "Scoring model", "Save the scoring model", back="tender.model"
    )


@login_required
@require_POST
def template_apply(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_evaluation_model")
    form = TemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a template.")
        return _back(tender, "tender.model")
    return act(
        request,
        lambda: domain.apply_template(
            tender=tender, actor=request.user, key=form.cleaned_data["template"]
        ),
        success="Template applied: check the weights.",
        to=_back(tender, "tender.model"),
    )


def _groups(tender):
    return QualityCriterion.objects.filter(tender=tender, parent__isnull=True)


def _criterion_saved(request, criterion, verb: str) -> None:
    """Confirm, or warn when the wording may reward incumbency (docs/disclosure.md, F2)."""
    phrases = domain.incumbency_warnings(f"{criterion.name} {criterion.question}")
    if phrases:
        messages.warning(
            request,
            f"“{criterion.name}” {verb}, but it mentions {', '.join(phrases)}. {domain.F2_RULE}",
        )
    else:
        messages.success(request, f"“{criterion.name}” {verb}.")


@login_required
def criterion_add(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_evaluation_model")
    form = CriterionForm(
        request.POST or None,
        groups=_groups(tender),
        spec_requirements=queries.spec_requirement_choices(tender),
    )
    warning = None
    if request.method == "POST" and form.is_valid():
        try:
            criterion = domain.add_criterion(tender=tender, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            _criterion_saved(request, criterion, "added")
            return _back(tender, "tender.model")
    return _form_page(
        request,
        tender,
        form,
        "Add a quality criterion",
        "Add the criterion",
        back="tender.model",
        warning=warning,
        hint=domain.F2_RULE,
    )


@login_required
def criterion_edit(request, pk, tender_pk, criterion_pk):
    """Change a criterion's name, question or weight, while the tender is unpublished."""
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_evaluation_model")
    criterion = get_object_or_404(QualityCriterion, pk=criterion_pk, tender=tender)
    name = criterion.name
    form = CriterionEditForm(
        request.POST or None,
        criterion=criterion,
        spec_requirements=queries.spec_requirement_choices(tender, criterion.spec_requirement_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            criterion = domain.update_criterion(
                criterion=criterion, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            _criterion_saved(request, criterion, "saved")
            return _back(tender, "tender.model")
    return _form_page(
        request,
        tender,
        form,
        f"Change “{name}”",
        "Save the criterion",
        back="tender.model",
        hint=domain.F2_RULE,
    )


@login_required
@require_POST
def criterion_remove(request, pk, tender_pk, criterion_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_evaluation_model")
    criterion = get_object_or_404(QualityCriterion, pk=criterion_pk, tender=tender)
    return act(
        request,
        lambda: domain.remove_criterion(criterion=criterion, actor=request.user),
        success=lambda _: f"“{criterion.name}” removed.",
        to=_back(tender, "tender.model"),
    )


@login_required
def element_add(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_evaluation_model")
    form = PriceElementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.add_price_element(
                tender=tender, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success=lambda element: f"Price element “{element.name}” added.",
            to=_back(tender, "tender.model"),
        )
        if done:
            return done
    return _form_page(
        request, tender, form, "Add a price element", "Add the element", back="tender.model"
    )


@login_required
def element_edit(request, pk, tender_pk, element_pk):
    """Change a price element's name, weight, unit or volume, while the tender is
    unpublished."""
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_evaluation_model")
    element = get_object_or_404(PriceElement, pk=element_pk, tender=tender)
    name = element.name
    form = PriceElementForm(
        request.POST or None,
        initial={
            "name": element.name,
            "weight": element.weight,
            "unit": element.unit,
            "annual_volume": element.annual_volume,
        },
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.update_price_element(
                element=element, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success=lambda saved: f"Price element “{saved.name}” saved.",
            to=_back(tender, "tender.model"),
        )
        if done:
            return done
    return _form_page(
        request,
        tender,
        form,
        f"Change the price element “{name}”",
        "Save the price element",
        back="tender.model",
    )


@login_required
@require_POST
def element_remove(request, pk, tender_pk, element_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_evaluation_model")
    element = get_object_or_404(PriceElement, pk=element_pk, tender=tender)
    return act(
        request,
        lambda: domain.remove_price_element(element=element, actor=request.user),
        success=lambda _: f"Price element “{element.name}” removed.",
        to=_back(tender, "tender.model"),
    )


@login_required
def simulator(request, pk, tender_pk):
    """The scoring helper's simulator, on this tender's model (never before the person may see
    the unpublished evaluation model)."""
    from coplan.tendering.scoring import views as scoring_views

    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.view_evaluation_model")
    return scoring_views.simulator(
        request,
        model=tender.scoring_model(),
        context=_ctx(request, tender),
        template="tendering/simulator.html",
    )


# --- benefit requirements, timetable -----------------------------------------------------------


@login_required
def requirement_add(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_evaluation_model")
    form = RequirementForm(
        request.POST or None,
        measures=queries.measures_for_requirements(),
        spec_requirements=queries.spec_requirement_choices(tender),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        measure = data.pop("measure")
        done = act(
            request,
            lambda: domain.add_requirement(
                tender=tender,
                actor=request.user,
                clause_version=measure.clause.current_version,
                measure=measure,
                **data,
            ),
            form=form,
            success=f"Community benefit requirement “{measure.name}” added.",
            to=_back(tender),
        )
        if done:
            return done
    return _form_page(
        request,
        tender,
        form,
        "Add a community benefit requirement",
        "Add the requirement",
        hint="Requirements come from the clause library, at the current version of its "
        "wording. A mandatory contract condition binds every bidder to the minimum; a scored "
        "commitment asks bidders to state quantities, scored with the community benefit "
        "weight.",
    )


@login_required
def requirement_edit(request, pk, tender_pk, requirement_pk):
    """Change how a requirement is used, its notes or the specification requirement it
    delivers, while the tender is unpublished."""
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_evaluation_model")
    requirement = get_object_or_404(queries.requirements_of(tender), pk=requirement_pk)
    form = RequirementEditForm(
        request.POST or None,
        requirement=requirement,
        spec_requirements=queries.spec_requirement_choices(tender, requirement.spec_requirement_id),
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.update_requirement(
                requirement=requirement, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success=lambda _: f"Requirement “{requirement.measure.name}” saved.",
            to=_back(tender),
        )
        if done:
            return done
    return _form_page(
        request,
        tender,
        form,
        f"Change the requirement “{requirement.measure.name}”",
        "Save the requirement",
    )


@login_required
@require_POST
def requirement_remove(request, pk, tender_pk, requirement_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_evaluation_model")
    requirement = get_object_or_404(tender.benefit_requirements, pk=requirement_pk)
    return act(
        request,
        lambda: domain.remove_requirement(requirement=requirement, actor=request.user),
        success="Requirement removed.",
        to=_back(tender),
    )


@login_required
def tender_timetable(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.change_tender")
    form = TimetableForm(
        request.POST or None, initial={f: getattr(tender, f) for f in TimetableForm.base_fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            domain.set_timetable(tender=tender, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            check = domain.check_timetable(tender)
            if check.errors:
                messages.warning(
                    request,
                    "Timetable saved, but it does not yet allow publication: "
                    + " ".join(m for _, m in check.errors),
                )
            else:
                messages.success(request, "Timetable saved.")
            return _back(tender)
    check = domain.check_timetable(tender)
    return _form_page(
        request,
        tender,
        form,
        "Timetable",
        "Save the timetable",
        hint=f"Bids are due at least {check.minimum_days} days after publication"
        + (
            ", longer than the statutory minimum because partners who co-designed the "
            "service may bid (F1)."
            if check.co_designers_may_bid
            else "."
        ),
    )


# --- evidence pack and publication -------------------------------------------------------------


@login_required
def evidence(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk)
    pack = queries.evidence_pack(tender)
    from .domain.publication import unclassified_artefacts

    return render(
        request,
        "tendering/evidence.html",
        _ctx(request, tender, pack=pack, unclassified=unclassified_artefacts(tender.partnership)),
    )


def evidence_pdf_response(tender) -> HttpResponse:
    pdf = render_pdf(
        "tendering/evidence_pdf.html",
        {
            "tender": tender,
            "pack": queries.evidence_pack(tender),
            "illustrative": tender.partnership.is_illustrative,
            "generated_at": clock.now(),
        },
        title=f"Evidence pack: {tender.title}",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{tender.reference}-evidence-pack.pdf"'
    return response


@login_required
def evidence_pdf(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk)
    return evidence_pdf_response(tender)


@login_required
@require_POST
def tender_publish(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.publish_tender")
    return act(
        request,
        lambda: domain.publish(tender=tender, actor=request.user),
        success=f"Tender {tender.reference} published.",
        to=_back(tender),
    )


# --- clarifications and addenda -----------------------------------------------------------------


@login_required
def clarifications(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.view_clarifications")
    return render(
        request,
        "tendering/clarifications.html",
        _ctx(
            request,
            tender,
            clarifications=list(tender.clarifications.select_related("registration__organisation")),
            registrations=list(tender.registrations.select_related("organisation", "user")),
            addenda=list(tender.addenda.all()),
        ),
    )


@login_required
def clarification_answer(request, pk, tender_pk, clarification_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.manage_clarifications")
    clarification = get_object_or_404(Clarification, pk=clarification_pk, tender=tender)
    form = AnswerForm(request.POST or None, initial={"published_question": clarification.question})
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.answer(
                clarification=clarification, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success=lambda _: (
                f"Clarification {clarification.number} answered and sent to every registered "
                "bidder."
            ),
            to=_back(tender, "tender.clarifications"),
        )
        if done:
            return done
    return _form_page(
        request,
        tender,
        form,
        f"Answer clarification {clarification.number}",
        "Publish the answer to every bidder",
        back="tender.clarifications",
        quote=clarification.question,
    )


@login_required
def addendum_add(request, pk, tender_pk):
    tender = queries.get_tender(request.user, pk, tender_pk, "tendering.manage_clarifications")
    form = AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.publish_addendum(tender=tender, actor=request.user, **form.cleaned_data),
            form=form,
            success=lambda addendum: f"{addendum} published and sent to every bidder.",
            to=_back(tender, "tender.clarifications"),
        )
        if done:
            return done
    return _form_page(
        request,
        tender,
        form,
        "Publish an addendum",
        "Publish the addendum",
        back="tender.clarifications",
    )
