"""The scoring-model simulator page: the officer enters hypothetical bids and sees the
resulting scores, totals, ranking and warnings, with the method described as it will be
published. The page and ``POST /api/v1/scoring/simulate`` call the same ``engine.simulate``.

:func:`simulator` is the reusable component: the tendering app mounts it on a tender with the
tender's model (and checks its own permission first). :func:`standalone` is the signed-in
page at ``/scoring/simulator/`` where the model is set on the page too.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..enums import BenefitMethod, PriceMethod, TieBreak
from . import engine
from .engine import QualityCriterion, ScoringModel
from .forms import (
    MAX_BIDS,
    BidsInput,
    ScoringModelForm,
    _parse_lines,
    apply_template,
    bid_forms,
    initial_model_data,
)

TEMPLATE = "tendering/scoring/simulator.html"
SHOWN_BIDS = 3  # bids shown open; the rest (up to MAX_BIDS) sit in a "more bids" details

EXAMPLE_MODEL = ScoringModel(
    price_method=PriceMethod.RELATIVE_TO_LOWEST,
    price_weight=Decimal(60),
    quality_criteria=(
        QualityCriterion("Service delivery", Decimal(20)),
        QualityCriterion("Staffing and training", Decimal(10)),
    ),
    benefit_weight=Decimal(10),
    tie_break=TieBreak.HIGHER_QUALITY,
)


@dataclass
class PageErrors:
    """Every error on the page as one "form" for the base template's error summary."""

    items: list[tuple[str | None, str]] = field(default_factory=list)

    @property
    def errors(self) -> bool:
        return bool(self.items)

    def error_list(self):
        return self.items


@dataclass
class Simulation:
    """What a simulator page shows: the forms, the result (or None) and the errors."""

    model: ScoringModel
    bids: BidsInput
    result: engine.Result | None = None
    description: list[str] = field(default_factory=list)
    errors: PageErrors = field(default_factory=PageErrors)

    def context(self) -> dict:
        shown = self.bids.forms[:SHOWN_BIDS]
        more = self.bids.forms[SHOWN_BIDS:]
        return {
            "form": self.errors,
            "model": self.model,
            "bid_forms": shown,
            "more_bid_forms": more,
            "more_bids_open": any(f.is_bound and (f.has_changed() or f.errors) for f in more),
            "max_bids": MAX_BIDS,
            "result": self.result,
            "description": self.description,
            "quality_scale": engine.QUALITY_SCALE,
            "show_benefit": self.model.benefit_weight > 0,
            "breakdown": bool(self.model.price_elements) or len(self.model.quality_criteria) > 1,
        }


def _bid_errors(bids: BidsInput) -> list[tuple[str | None, str]]:
    items = list(bids.extra_errors)
    for form in bids.forms:
        if not form.is_bound:
            continue
        for anchor, message in form.error_list():
            items.append((anchor or form["name"].auto_id, f"{form.legend}: {message}"))
    return items


def run(
    model: ScoringModel,
    bids: BidsInput,
    *,
    model_form: ScoringModelForm | None = None,
    require_bids: bool = True,
) -> Simulation:
    """Validate the model and the bids, and simulate when both are valid; engine errors go on
    the field they name. The one path from a page to ``engine.simulate``."""
    simulation = Simulation(model=model, bids=bids)
    model_errors: list[tuple[str | None, str]] = []
    model_ok = model_form is None or model_form.is_valid()
    if model_ok:
        try:
            engine.validate_model(model)
            simulation.description = engine.describe(model)
        except engine.ScoringInputError as error:
            model_ok = False
            if model_form is None or not model_form.add_engine_error(error):
                model_errors.append((None, f"The scoring model cannot be used: {error.message}"))
    bids_ok = bids.is_valid()
    if not require_bids and not bids.filled:
        bids_ok = False
        bids.extra_errors.clear()
    if model_ok and bids_ok:
        try:
            simulation.result = engine.simulate(model, bids.bid_inputs())
        except engine.ScoringInputError as error:
            placed = bids.add_engine_error(error) or (
                model_form is not None and model_form.add_engine_error(error)
            )
            if not placed:
                model_errors.append((None, error.message))
    items = list(model_errors)
    if model_form is not None:
        items += model_form.error_list()
    items += _bid_errors(bids)
    simulation.errors = PageErrors(items)
    return simulation


def simulator(request, *, model: ScoringModel, context: dict, template: str = TEMPLATE):
    """The simulator for a fixed scoring model (e.g. a tender's): GET shows empty bid forms
    and the method; POST scores the bids. The caller checks permissions and passes its own
    context (partnership, tender, breadcrumbs…); ``template`` may extend the caller's layout
    and include the ``tendering/scoring/_*.html`` partials."""
    if request.method == "POST":
        simulation = run(model, BidsInput(bid_forms(model, request.POST)))
    else:
        simulation = Simulation(model=model, bids=BidsInput(bid_forms(model)))
        try:
            engine.validate_model(model)
            simulation.description = engine.describe(model)
        except engine.ScoringInputError as error:
            simulation.errors = PageErrors(
                [(None, f"The scoring model cannot be used: {error.message}")]
            )
    page = {**context, **simulation.context(), "model_form": None}
    return render(request, template, page, status=200)


EXAMPLE_BIDS = [
    {"name": "Bidder A", "price": "100000", "score_0": "2", "score_1": "3", "benefit_value": "40"},
    {"name": "Bidder B", "price": "120000", "score_0": "4", "score_1": "3", "benefit_value": "60"},
    {"name": "Bidder C", "price": "150000", "score_0": "3", "score_1": "4", "benefit_value": "0"},
]


@login_required
def standalone(request):
    """The simulator with the model set on the page, for any signed-in user."""
    context = {"standalone": True, "templates": engine.TEMPLATES}
    if request.method != "POST":
        model_form = ScoringModelForm(initial=initial_model_data(EXAMPLE_MODEL))
        simulation = Simulation(
            model=EXAMPLE_MODEL,
            bids=BidsInput(bid_forms(EXAMPLE_MODEL, initial=EXAMPLE_BIDS)),
            description=engine.describe(EXAMPLE_MODEL),
        )
        page = {**context, **simulation.context(), "model_form": model_form}
        return render(request, TEMPLATE, page)

    data = request.POST.copy()
    applying = data.get("action") == "template" and data.get("template") in (
        engine.TEMPLATES_BY_KEY
    )
    if applying:
        changed = apply_template({k: data.get(k, "") for k in data}, data["template"])
        for key in ("price_weight", "benefit_weight", "criteria", "elements", "template"):
            data[key] = changed[key]
    model_form = ScoringModelForm(data)
    model = model_form.scoring_model() if model_form.is_valid() else _lenient_model(data)
    simulation = run(
        model,
        BidsInput(bid_forms(model, data)),
        model_form=model_form,
        require_bids=not applying,
    )
    page = {**context, **simulation.context(), "model_form": model_form}
    return render(request, TEMPLATE, page)


def _lenient_model(data) -> ScoringModel:
    """Enough of an invalid model to lay out the bid forms again (never scored)."""

    def lines(text: str, with_scale: bool):
        try:
            return _parse_lines(text, what="line", with_scale=with_scale)
        except django_forms.ValidationError:
            return [
                ((line.rpartition(",")[0] or line).strip(), Decimal(0), 4, None)
                for line in text.splitlines()
                if line.strip()
            ]

    try:
        benefit = Decimal(data.get("benefit_weight") or 0)
    except InvalidOperation:
        benefit = Decimal(0)
    method = data.get("benefit_method")
    return ScoringModel(
        price_method=PriceMethod.RELATIVE_TO_LOWEST,
        price_weight=Decimal(0),
        quality_criteria=tuple(
            QualityCriterion(n, w, s) for n, w, s, _m in lines(data.get("criteria", ""), True)
        ),
        benefit_weight=benefit if benefit.is_finite() else Decimal(0),
        price_elements=tuple(
            engine.PriceElement(n, w) for n, w, _s, _m in lines(data.get("elements", ""), False)
        ),
        benefit_method=BenefitMethod(method)
        if method in BenefitMethod._value2member_map_
        else BenefitMethod.RELATIVE_TO_MAX,
    )
