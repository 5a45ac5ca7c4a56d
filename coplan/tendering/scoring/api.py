"""The scoring engine as a stateless API: simulate a scoring model on hypothetical bids, and
read the published price:quality templates and the 0–4 quality scale. Any signed-in caller
(the API's default authentication); nothing is stored. Invalid input is a 422 problem body
whose ``field`` names the offending field."""

from decimal import Decimal

from ninja import Field, Router, Schema

from ..enums import BenefitMethod, PriceMethod, TieBreak, ZeroPriceRule
from . import engine

router = Router(tags=["scoring"])

SCORE = (
    "A score as a string holding the exact Decimal at full precision (no rounding, no "
    'exponent, trailing zeros dropped), e.g. "51.42857142857142857142857143". Round only '
    "for display (2 dp); ranks use the unrounded totals."
)


def number(value: Decimal) -> str:
    """A Decimal as its full-precision string, without exponent or trailing zeros."""
    return engine._fmt(value)


class PriceElementIn(Schema):
    name: str = Field(min_length=1)
    weight: Decimal = Field(description="Points out of 100; the elements total the price weight.")
    quantity: Decimal | None = Field(
        None,
        description="The published estimated quantity over the whole contract (volume a year "
        "× years), for a unit-rate element: each bid's price for it is then a rate, evaluated "
        "at rate × quantity. Null for a lump sum.",
        examples=["280000"],
    )


class QualityCriterionIn(Schema):
    name: str = Field(min_length=1)
    weight: Decimal = Field(description="Points out of 100.")
    scale_max: int = Field(4, description="Top of the score scale (the 0–4 scale: 4).")
    minimum_score: Decimal | None = Field(
        None,
        description="The lowest score (0 to scale_max) a compliant bid may have on this "
        "question; a bid below it is non-compliant. Null for no minimum.",
    )


class ScoringBidIn(Schema):
    name: str = Field(min_length=1)
    price: Decimal | None = Field(None, description="The total price (single-price models).")
    prices: dict[str, Decimal] | None = Field(
        None, description="Price per element, keyed by element name (multi-element models)."
    )
    quality_scores: dict[str, Decimal] = Field(
        default_factory=dict, description="Score per quality criterion, keyed by its name."
    )
    benefit_value: Decimal | None = Field(
        None,
        description="Community benefit: points or £ of social value (relative_to_max), or a "
        "0–4 score (method_statement). Required when the benefit weight is above 0.",
    )


class SimulateIn(Schema):
    price_method: PriceMethod
    price_weight: Decimal
    price_elements: list[PriceElementIn] = Field(
        default_factory=list, description="Empty for a single total price."
    )
    quality_criteria: list[QualityCriterionIn] = Field(default_factory=list)
    benefit_weight: Decimal = Decimal(0)
    benefit_method: BenefitMethod = BenefitMethod.RELATIVE_TO_MAX
    tie_break: TieBreak = TieBreak.NONE
    zero_price_rule: ZeroPriceRule = ZeroPriceRule.ERROR
    abnormally_low_share: Decimal = Field(
        engine.DEFAULT_ABNORMALLY_LOW_SHARE,
        description="A price below this share of the mean of the other bids' prices is "
        "flagged as possibly abnormally low (default 0.7).",
    )
    quality_minimum: Decimal | None = Field(
        None,
        description="The lowest quality score (weighted points, out of the quality weight) a "
        "compliant bid may have. A bid below it, or below a question's minimum_score, is "
        "non-compliant: it is not ranked and sets no benchmark (lowest price, highest "
        "benefit value) for the others. Null for no minimum.",
    )
    bids: list[ScoringBidIn]

    def model(self) -> engine.ScoringModel:
        return engine.ScoringModel(
            price_method=self.price_method,
            price_weight=self.price_weight,
            quality_criteria=tuple(
                engine.QualityCriterion(c.name, c.weight, c.scale_max, c.minimum_score)
                for c in self.quality_criteria
            ),
            benefit_weight=self.benefit_weight,
            price_elements=tuple(
                engine.PriceElement(e.name, e.weight, e.quantity) for e in self.price_elements
            ),
            tie_break=self.tie_break,
            zero_price_rule=self.zero_price_rule,
            benefit_method=self.benefit_method,
            abnormally_low_share=self.abnormally_low_share,
            quality_minimum=self.quality_minimum,
        )

    def bid_inputs(self) -> list[engine.BidInput]:
        return [
            engine.BidInput(
                name=b.name,
                price=b.price,
                prices=b.prices,
                quality_scores=b.quality_scores,
                benefit_value=b.benefit_value,
            )
            for b in self.bids
        ]


class ScoringBidOut(Schema):
    name: str
    price_score: str = Field(description=SCORE)
    quality_score: str = Field(description=SCORE)
    benefit_score: str = Field(description=SCORE)
    total: str = Field(description=SCORE)
    rank: int = Field(description="1 is best; tied bids share a rank (1, 1, 3).")
    total_price: str = Field(
        description="The bid's total evaluated price: the sum of its element prices, each unit "
        "rate × the element's quantity."
    )
    element_prices: dict[str, str] = Field(
        description="The evaluated price per element (rate × quantity for a unit-rate element)."
    )
    element_scores: dict[str, str] = Field(description="Price score per element. " + SCORE)
    criterion_scores: dict[str, str] = Field(description="Score per quality criterion. " + SCORE)


class NonCompliantOut(Schema):
    name: str
    quality_score: str = Field(description=SCORE)
    total_price: str = Field(
        description="The bid's total evaluated price: the sum of its element prices, each unit "
        "rate × the element's quantity."
    )
    element_prices: dict[str, str] = Field(
        description="The evaluated price per element (rate × quantity for a unit-rate element)."
    )
    criterion_scores: dict[str, str] = Field(description="Score per quality criterion. " + SCORE)
    reasons: list[str] = Field(
        description="Why it is non-compliant, one sentence per minimum it misses, e.g. "
        "'Quality 13.75 is below the minimum of 20 (of 45).'"
    )


class ScoringWarningOut(Schema):
    code: str = Field(
        description="non_compliant, no_compliant_bid, middle_bid_last, tie, "
        "zero_element_price, clamped or abnormally_low."
    )
    message: str
    bid: str | None
    element: str | None


class SimulateOut(Schema):
    bids: list[ScoringBidOut] = Field(description="The compliant bids, in rank order.")
    non_compliant: list[NonCompliantOut] = Field(
        description="The bids below a quality minimum: not ranked, no price, benefit or total "
        "score, in the order given."
    )
    warnings: list[ScoringWarningOut]
    description: list[str] = Field(description="The method in plain English, for publication.")


def result_body(model: engine.ScoringModel, result: engine.Result) -> dict:
    """The response body for a simulation (shared shape for any caller)."""
    return {
        "bids": [
            {
                "name": b.name,
                "price_score": number(b.price_score),
                "quality_score": number(b.quality_score),
                "benefit_score": number(b.benefit_score),
                "total": number(b.total),
                "rank": b.rank,
                "total_price": number(b.total_price),
                "element_prices": {k: number(v) for k, v in b.element_prices.items()},
                "element_scores": {k: number(v) for k, v in b.element_scores.items()},
                "criterion_scores": {k: number(v) for k, v in b.criterion_scores.items()},
            }
            for b in result.bids
        ],
        "non_compliant": [
            {
                "name": b.name,
                "quality_score": number(b.quality_score),
                "total_price": number(b.total_price),
                "element_prices": {k: number(v) for k, v in b.element_prices.items()},
                "criterion_scores": {k: number(v) for k, v in b.criterion_scores.items()},
                "reasons": list(b.reasons),
            }
            for b in result.non_compliant
        ],
        "warnings": [
            {"code": w.code, "message": w.message, "bid": w.bid, "element": w.element}
            for w in result.warnings
        ],
        "description": engine.describe(model),
    }


class ProblemOut(Schema):
    """An RFC 9457 problem body. The engine's refusals name the field in ``field`` (e.g.
    ``bids[2].quality_scores.Method``, zero-based); malformed JSON names it in ``errors``."""

    type: str
    title: str
    status: int
    detail: str
    code: str | None = None
    field: str | None = Field(
        None, description="The offending field, e.g. bids[2].quality_scores.Method."
    )
    errors: list[dict]


@router.post(
    "/scoring/simulate",
    response={200: SimulateOut, 422: ProblemOut},
    summary="Simulate a scoring model on hypothetical bids",
)
def simulate(request, payload: SimulateIn):
    """Scores, totals, ranks and warnings for the bids under the model — the same engine the
    simulator page and the real evaluation use. Nothing is stored.

    Scores are strings holding the exact Decimal at full precision (round them only for
    display); bids come back in rank order. Weights must total 100 and price-only is refused;
    a score above its scale, a missing score or price, or a zero price where the rule is
    ``error`` is a 422 problem whose ``field`` names the offending field."""
    model = payload.model()
    # a ScoringInputError answers 422 naming the field (coplan.api.problems)
    return result_body(model, engine.simulate(model, payload.bid_inputs()))


class TemplateOut(Schema):
    key: str
    category: str
    label: str
    price_weight: str
    quality_weight: str
    guidance: str


class ScaleLevelOut(Schema):
    score: int
    label: str
    descriptor: str


class TemplatesOut(Schema):
    templates: list[TemplateOut]
    quality_scale: list[ScaleLevelOut]


@router.get("/scoring/templates", response=TemplatesOut, summary="Price:quality templates")
def templates(request):
    """The Procurement Journey price:quality ratios by commodity category, and the 0–4
    quality scale with its descriptors."""
    return {
        "templates": [
            {
                "key": t.key,
                "category": t.category,
                "label": t.label,
                "price_weight": number(t.price_weight),
                "quality_weight": number(t.quality_weight),
                "guidance": t.guidance,
            }
            for t in engine.TEMPLATES
        ],
        "quality_scale": [
            {"score": s.score, "label": s.label, "descriptor": s.descriptor}
            for s in engine.QUALITY_SCALE
        ],
    }
