"""Evaluation and award pages: glue over :mod:`coplan.bidding.domain`.

Officers' and evaluators' pages need a two-factor verified session. Nothing here shows bid
content before opening (404), and an evaluator sees only their assigned parts, once their
conflict-of-interest declaration is cleared.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coplan.core import clock
from coplan.core.actions import act
from coplan.core.errors import DomainError
from coplan.core.forms import add_domain_error
from coplan.core.models import User
from coplan.governance.enums import DecisionKind
from coplan.governance.models import Decision
from coplan.partnerships import queries as partnerships
from coplan.pilots.models import Kpi
from coplan.tendering.models import Tender

from . import domain, exports, twofactor
from .enums import BidStatus, ConflictDecision, Part, PriceQueryOutcome
from .forms import (
    AssignForm,
    AwardForm,
    DecideForm,
    DeclarationForm,
    ModerateForm,
    PriceQueryForm,
    ScoreForm,
    ShortfallForm,
)
from .models import Bid, ConflictDeclaration, ModeratedScore, PriceQuery, Score
from .rules import registration_of
from .views import _ctx, _tender


def _get(request, pk, tender_pk, perm):
    partnership = partnerships.get_for(request.user, pk)
    tender = _tender(partnership, tender_pk)
    if not request.user.has_perm(perm, tender):
        raise PermissionDenied("Your role in this tender does not allow this.")
    twofactor.require(request)
    return partnership, tender


def _opened(tender):
    if tender.opened_at is None:
        raise Http404("The bids are sealed")


def _form_page(request, partnership, tender, form, heading, button, **extra):
    return render(
        request,
        "bidding/form.html",
        _ctx(
            request,
            partnership,
            tender=tender,
            form=form,
            heading=heading,
            button=button,
            back=reverse("bidding:evaluation", args=[partnership.pk, tender.pk]),
            **extra,
        ),
    )


def _criteria(tender):
    return domain.scored_criteria(tender)


@login_required
@twofactor.guard
def overview(request, pk, tender_pk):
    partnership, tender = _get(request, pk, tender_pk, "bidding.view_evaluation")
    bids = domain.live_bids(tender) if tender.opened_at else []
    criteria = _criteria(tender)
    moderated = {(m.bid_id, m.criterion_id): m for m in ModeratedScore.objects.filter(bid__in=bids)}
    counts = {}
    for s in Score.objects.filter(bid__in=bids):
        counts[(s.bid_id, s.criterion_id)] = counts.get((s.bid_id, s.criterion_id), 0) + 1
    grid = [
        (
            bid,
            [(c, counts.get((bid.pk, c.pk), 0), moderated.get((bid.pk, c.pk))) for c in criteria],
        )
        for bid in bids
    ]
    return render(
        request,
        "bidding/evaluation.html",
        _ctx(
            request,
            partnership,
            tender=tender,
            panel=domain.panel_of(tender),
            declarations=list(
                ConflictDeclaration.objects.filter(tender=tender).select_related("evaluator")
            ),
            criteria=criteria,
            grid=grid,
            queries=list(
                PriceQuery.objects.filter(bid__tender=tender).select_related("bid__organisation")
            ),
            manage=request.user.has_perm("bidding.manage_evaluation", tender),
        ),
    )


@login_required
@twofactor.guard
def assign(request, pk, tender_pk):
    partnership, tender = _get(request, pk, tender_pk, "bidding.manage_evaluation")
    members = (
        User.objects.filter(memberships__partnership=partnership).distinct().order_by("full_name")
    )
    form = AssignForm(
        request.POST or None, tender=tender, members=members, criteria=_criteria(tender)
    )
    if request.method == "POST" and form.is_valid():
        part = form.cleaned_data["part"]
        try:
            domain.assign(
                tender=tender,
                actor=request.user,
                evaluator=form.members[form.cleaned_data["evaluator"]],
                part=Part.PRICE if part == "price" else Part.QUALITY,
                criterion=None if part == "price" else form.criteria[part],
                training=form.cleaned_data["training"],
                confirm_conflict=form.cleaned_data.get("confirm_conflict", False),
            )
        except DomainError as error:
            if error.code == "conflict_of_interest":
                form.warn_conflict(error)
            else:
                add_domain_error(form, error)
        else:
            return redirect("bidding:evaluation", pk, tender.pk)
    return _form_page(
        request,
        partnership,
        tender,
        form,
        "Add an evaluator",
        "Add to the panel",
        conflicts=form.conflicts,
    )


@login_required
@twofactor.guard
def shortfall(request, pk, tender_pk, criterion_pk):
    partnership, tender = _get(request, pk, tender_pk, "bidding.manage_evaluation")
    criterion = get_object_or_404(tender.quality_criteria, pk=criterion_pk)
    form = ShortfallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        domain.record_shortfall(
            tender=tender,
            actor=request.user,
            criterion=criterion,
            reason=form.cleaned_data["reason"],
        )
        return redirect("bidding:evaluation", pk, tender.pk)
    return _form_page(
        request, partnership, tender, form, f"Fewer than three evaluators: {criterion.name}", "Save"
    )


@login_required
@twofactor.guard
def decide(request, pk, tender_pk, declaration_pk):
    partnership, tender = _get(request, pk, tender_pk, "bidding.manage_evaluation")
    declaration = get_object_or_404(
        ConflictDeclaration, tender=tender, pk=declaration_pk, decision=ConflictDecision.PENDING
    )
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.decide_conflict(
                declaration=declaration, actor=request.user, **form.cleaned_data
            ),
            form=form,
            to=redirect("bidding:evaluation", pk, tender.pk),
        )
        if done:
            return done
    return _form_page(
        request,
        partnership,
        tender,
        form,
        f"Conflict of interest: {declaration.evaluator}",
        "Record the decision",
        declaration=declaration,
    )


@login_required
@twofactor.guard
def declare(request, pk, tender_pk):
    partnership, tender = _get(request, pk, tender_pk, "bidding.evaluate")
    existing = domain.declaration_of(tender, request.user)
    if existing is not None and existing.decision != ConflictDecision.PENDING:
        return redirect("bidding:score", pk, tender.pk)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.declare(tender=tender, evaluator=request.user, **form.cleaned_data),
            form=form,
            to=redirect("bidding:score", pk, tender.pk),
        )
        if done:
            return done
    return render(
        request,
        "bidding/declare.html",
        _ctx(
            request,
            partnership,
            tender=tender,
            form=form,
            flags=domain.conflict_flags(tender, request.user),
            existing=existing,
        ),
    )


@login_required
@twofactor.guard
def score(request, pk, tender_pk):
    """The evaluator's workspace: their assigned parts of each opened bid, and score forms."""
    partnership, tender = _get(request, pk, tender_pk, "bidding.evaluate")
    declaration = domain.declaration_of(tender, request.user)
    if declaration is None:
        return redirect("bidding:declare", pk, tender.pk)
    sections = domain.workspace(tender, request.user)
    for section in sections:
        criterion = section["assignment"].criterion
        for item in section["items"]:
            if criterion is not None and item["mine"] is None:
                item["form"] = ScoreForm(prefix=f"s{item['bid'].pk}-{criterion.pk}")
    return render(
        request,
        "bidding/score.html",
        _ctx(request, partnership, tender=tender, declaration=declaration, sections=sections),
    )


@login_required
@twofactor.guard
@require_POST
def submit_score(request, pk, tender_pk, bid_uuid, criterion_pk):
    _partnership, tender = _get(request, pk, tender_pk, "bidding.evaluate")
    _opened(tender)
    bid = get_object_or_404(Bid, tender=tender, uuid=bid_uuid, status=BidStatus.SUBMITTED)
    criterion = get_object_or_404(tender.quality_criteria, pk=criterion_pk)
    form = ScoreForm(request.POST, prefix=f"s{bid.pk}-{criterion.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(m for _, m in form.error_list()))
        return redirect("bidding:score", pk, tender.pk)
    return act(
        request,
        lambda: domain.submit_score(
            bid=bid,
            criterion=criterion,
            evaluator=request.user,
            score=int(form.cleaned_data["score"]),
            rationale=form.cleaned_data["rationale"],
        ),
        success=f"Your score for {bid.organisation} on {criterion.name} is submitted.",
        to=redirect("bidding:score", pk, tender.pk),
    )


@login_required
@twofactor.guard
def moderate(request, pk, tender_pk, bid_uuid, criterion_pk):
    partnership, tender = _get(request, pk, tender_pk, "bidding.manage_evaluation")
    _opened(tender)
    bid = get_object_or_404(Bid, tender=tender, uuid=bid_uuid, status=BidStatus.SUBMITTED)
    criterion = get_object_or_404(tender.quality_criteria, pk=criterion_pk)
    existing = ModeratedScore.objects.filter(bid=bid, criterion=criterion).first()
    initial = (
        {
            "score": str(existing.score),
            "rationale": existing.rationale,
            "difference_reason": existing.difference_reason,
        }
        if existing
        else None
    )
    form = ModerateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.moderate(
                bid=bid,
                criterion=criterion,
                actor=request.user,
                score=int(form.cleaned_data["score"]),
                rationale=form.cleaned_data["rationale"],
                difference_reason=form.cleaned_data["difference_reason"],
            ),
            form=form,
            to=redirect("bidding:evaluation", pk, tender.pk),
        )
        if done:
            return done
    return _form_page(
        request,
        partnership,
        tender,
        form,
        f"Moderate {bid.organisation}: {criterion.name}",
        "Save the consensus",
        individual=domain.visible_scores(bid, criterion, request.user),
    )


@login_required
@twofactor.guard
def price_query(request, pk, tender_pk, bid_uuid):
    partnership, tender = _get(request, pk, tender_pk, "bidding.manage_evaluation")
    _opened(tender)
    bid = get_object_or_404(Bid, tender=tender, uuid=bid_uuid, status=BidStatus.SUBMITTED)
    query = PriceQuery.objects.filter(bid=bid).first()
    if query is None:
        step, heading, label = (
            "request",
            f"Ask {bid.organisation} to explain its price",
            "Why the price looks abnormally low",
        )
    elif not query.explained_at:
        step, heading, label = (
            "explain",
            f"Record {bid.organisation}'s explanation",
            "The bidder's explanation",
        )
    elif query.outcome == PriceQueryOutcome.OPEN:
        step, heading, label = "decide", f"Decide on {bid.organisation}'s explanation", "Reasons"
    else:
        return redirect("bidding:evaluation", pk, tender.pk)
    form = PriceQueryForm(request.POST or None)
    form.fields["text"].label = label
    if step != "decide":
        del form.fields["outcome"]
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        try:
            if step == "request":
                domain.request_explanation(bid=bid, actor=request.user, reason=text)
            elif step == "explain":
                domain.record_explanation(query=query, actor=request.user, explanation=text)
            else:
                domain.decide_price_query(
                    query=query,
                    actor=request.user,
                    outcome=form.cleaned_data["outcome"],
                    reason=text,
                )
        except DomainError as error:
            form.add_error("outcome" if error.field == "outcome" else None, error.message)
        else:
            return redirect("bidding:evaluation", pk, tender.pk)
    return _form_page(request, partnership, tender, form, heading, "Save", query=query)


def _results(tender):
    _opened(tender)
    return domain.results_of(tender)


@login_required
@twofactor.guard
def results(request, pk, tender_pk):
    partnership, tender = _get(request, pk, tender_pk, "bidding.view_evaluation")
    found = _results(tender)
    criteria = _criteria(tender)
    compliance = exports.shows_compliance(tender, found, criteria)
    return render(
        request,
        "bidding/results.html",
        _ctx(
            request,
            partnership,
            tender=tender,
            results=found,
            columns=exports.columns(criteria, compliance=compliance),
            rows=exports.result_rows(found, criteria, compliance=compliance)
            if found.complete
            else [],
            low=[found.bids[name] for name in domain.abnormally_low(found) if name in found.bids],
            manage=request.user.has_perm("bidding.manage_evaluation", tender),
        ),
    )


@login_required
@twofactor.guard
def results_export(request, pk, tender_pk, fmt):
    partnership, tender = _get(request, pk, tender_pk, "bidding.view_evaluation")
    found = _results(tender)
    if not found.complete:
        raise Http404("The results are not complete")
    criteria = _criteria(tender)
    if fmt == "xlsx":
        data = exports.results_xlsx(tender, found, criteria)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = exports.results_pdf(
            tender, found, criteria, illustrative=partnership.is_illustrative
        )
        kind = "application/pdf"
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="results-{tender.reference}.{fmt}"'
    return response


# --- Award -------------------------------------------------------------------------------------


def _decisions(partnership):
    return Decision.objects.filter(
        partnership=partnership, kind=DecisionKind.AWARD_APPROVAL
    ).select_related("meeting")


def _pilot_kpis(partnership):
    return (
        Kpi.objects.filter(pilot__partnership=partnership)
        .select_related("pilot")
        .order_by("pilot__pk", "pk")
    )


@login_required
@twofactor.guard
def award(request, pk, tender_pk):
    partnership, tender = _get(request, pk, tender_pk, "bidding.award")
    _opened(tender)
    existing = getattr(tender, "award", None) if tender.awarded_at else None
    form = None
    if existing is None:
        today = clock.today()
        form = AwardForm(
            request.POST or None,
            decisions=_decisions(partnership),
            kpis=_pilot_kpis(partnership),
            standstill=(
                domain.standstill_days(today, electronic=True),
                domain.standstill_days(today, electronic=False),
            ),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = act(
                request,
                lambda: domain.approve_award(
                    tender=tender,
                    actor=request.user,
                    reasons=data["reasons"],
                    electronic=data["electronic"],
                    decision=form.decisions.get(data["decision"]),
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    kpis=form.chosen_kpis(),
                    value=data["value"],
                    value_reason=data["value_reason"],
                ),
                form=form,
                success="The award is approved and the letters are ready.",
                to=redirect("bidding:award", pk, tender.pk),
            )
            if done:
                return done
    contract = tender.contracts.first() if existing else None
    derived = None
    if existing is None:
        results = domain.results_of(tender)
        if results.winner is not None:
            derived = domain.derived_value(tender, results)
    value = contract.value if contract else derived.value if derived else None
    return render(
        request,
        "bidding/award.html",
        _ctx(
            request,
            partnership,
            tender=tender,
            award=existing,
            form=form,
            contract=contract,
            derived=derived,
            value_flags=domain.value_flags(tender, value) if value else [],
            bids=domain.live_bids(tender),
        ),
    )


@login_required
@twofactor.guard
@require_POST
def conclude(request, pk, tender_pk):
    _partnership, tender = _get(request, pk, tender_pk, "bidding.award")
    contract = get_object_or_404(tender.contracts, concluded_at__isnull=True)
    return act(
        request,
        lambda: domain.conclude_contract(contract=contract, actor=request.user),
        success="The contract is concluded.",
        to=redirect("bidding:award", pk, tender.pk),
    )


@login_required
@twofactor.guard
def letter(request, pk, tender_pk, bid_uuid):
    """A bidder's letter: officers (verified) or the bidder itself, after the award."""
    tender = get_object_or_404(Tender, partnership_id=pk, pk=tender_pk)
    award_ = getattr(tender, "award", None) if tender.awarded_at else None
    bid = get_object_or_404(Bid, tender=tender, uuid=bid_uuid, status=BidStatus.SUBMITTED)
    registration = registration_of(request.user, tender)
    own = registration is not None and registration.organisation_id == bid.organisation_id
    if not own:
        _get(request, pk, tender_pk, "bidding.award")
    if award_ is None:
        raise Http404("No award yet")
    data = exports.letter_pdf(award_, bid, illustrative=tender.partnership.is_illustrative)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{bid.receipt_number}.pdf"'
    return response
