"""The tender scoring engine (docs/formulas.md, tender scoring): one pure function,
:func:`simulate`.

The scoring-model simulator page, ``POST /api/v1/scoring/simulate`` and the real bid
evaluation all call it. Pure Python, ``Decimal`` throughout, full precision: nothing is
rounded here (display rounds to 2 dp; ranking uses the unrounded totals).

**Quality thresholds bind** (docs/formulas.md, minimum quality). A bid whose weighted quality
score is below the model's ``quality_minimum``, or whose score on a question is below that
question's ``minimum_score``, is *non-compliant*: it is not ranked, and it sets no benchmark —
the lowest (and highest) price, the best community benefit value and the abnormally-low mean
are taken over the compliant bids only, as the lowest *compliant* price ``P_min`` of
docs/formulas.md. It comes back in ``Result.non_compliant`` with its quality scores and the
reasons, never in ``Result.bids``, so nothing that ranks or awards can pick it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, localcontext

from coplan.core.errors import DomainError

# The scoring choices are declared once, with their labels, in the tendering app's enums; they
# are re-exported here (``engine.PriceMethod``) for the engine's callers.
from ..enums import BenefitMethod, PriceMethod, TieBreak, ZeroPriceRule

ZERO = Decimal(0)
HUNDRED = Decimal(100)
DEFAULT_ABNORMALLY_LOW_SHARE = Decimal("0.7")


@dataclass(frozen=True)
class PriceElement:
    """An element of the price schedule. With a ``quantity`` (the published estimated volume
    over the whole contract: units a year × years) a bid prices the element as a unit rate and
    its evaluated price is rate × quantity; without one, the bid's price is the element's
    price over the contract (a lump sum)."""

    name: str
    weight: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True)
class QualityCriterion:
    name: str
    weight: Decimal
    scale_max: int = 4
    # The lowest score (on the question's own 0–scale_max scale) a compliant bid may have.
    minimum_score: Decimal | None = None


@dataclass(frozen=True)
class ScoringModel:
    price_method: PriceMethod
    price_weight: Decimal
    quality_criteria: tuple[QualityCriterion, ...]
    benefit_weight: Decimal = ZERO
    price_elements: tuple[PriceElement, ...] = ()  # empty = single total price
    tie_break: TieBreak = TieBreak.NONE
    zero_price_rule: ZeroPriceRule = ZeroPriceRule.ERROR
    benefit_method: BenefitMethod = BenefitMethod.RELATIVE_TO_MAX
    abnormally_low_share: Decimal = DEFAULT_ABNORMALLY_LOW_SHARE
    # The lowest weighted quality score (points out of the quality weight) a compliant bid
    # may have; None for no minimum.
    quality_minimum: Decimal | None = None

    @property
    def quality_weight(self) -> Decimal:
        return sum((c.weight for c in self.quality_criteria), ZERO)


@dataclass(frozen=True)
class BidInput:
    name: str
    price: Decimal | None = None
    prices: Mapping[str, Decimal] | None = None
    quality_scores: Mapping[str, Decimal] = field(default_factory=dict)
    benefit_value: Decimal | None = None


@dataclass(frozen=True)
class BidResult:
    """A scored bid. A non-compliant bid (``compliant`` False) has its quality scores and the
    ``reasons``, but no price, benefit or total score and no rank: it is not scored further."""

    name: str
    price_score: Decimal | None
    quality_score: Decimal
    benefit_score: Decimal | None
    total: Decimal | None
    rank: int | None
    element_scores: dict[str, Decimal] = field(default_factory=dict)
    criterion_scores: dict[str, Decimal] = field(default_factory=dict)
    total_price: Decimal = ZERO
    compliant: bool = True
    reasons: tuple[str, ...] = ()
    # The evaluated price of each element (rate × quantity for a unit-rate element).
    element_prices: dict[str, Decimal] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """The reasons as one sentence-per-reason text (empty for a compliant bid)."""
        return " ".join(self.reasons)


@dataclass(frozen=True)
class Warning:  # the engine's agreed public name; shadows the builtin only here
    code: str
    message: str
    bid: str | None = None
    element: str | None = None


@dataclass(frozen=True)
class Result:
    bids: tuple[BidResult, ...]  # the compliant bids, in rank order
    warnings: tuple[Warning, ...]
    non_compliant: tuple[BidResult, ...] = ()  # unranked, in the order given


class ScoringInputError(DomainError):
    """Invalid model or bid input; ``field`` names the offending field."""

    field: str

    def __init__(self, message: str, *, field: str, code: str = "invalid_scoring_input"):
        super().__init__(message, code=code, field=field)


# --- published constants --------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """A Procurement Journey price:quality ratio for a commodity category (docs/formulas.md,
    tender scoring)."""

    key: str
    category: str
    price_weight: Decimal
    quality_weight: Decimal
    guidance: str

    @property
    def label(self) -> str:
        return f"{self.category.capitalize()} {self.price_weight}:{self.quality_weight}"


TEMPLATES: tuple[Template, ...] = (
    Template("routine_80_20", "routine", Decimal(80), Decimal(20), "Low value, low risk."),
    Template("leverage_60_40", "leverage", Decimal(60), Decimal(40), "High value, low risk."),
    Template("strategic_60_40", "strategic", Decimal(60), Decimal(40), "High value, high risk."),
    Template("strategic_50_50", "strategic", Decimal(50), Decimal(50), "High value, high risk."),
    Template("strategic_40_60", "strategic", Decimal(40), Decimal(60), "High value, high risk."),
    Template("bottleneck_40_60", "bottleneck", Decimal(40), Decimal(60), "Low value, high risk."),
    Template("bottleneck_10_90", "bottleneck", Decimal(10), Decimal(90), "Low value, high risk."),
)
TEMPLATES_BY_KEY = {t.key: t for t in TEMPLATES}


@dataclass(frozen=True)
class ScaleLevel:
    score: int
    label: str
    descriptor: str


QUALITY_SCALE: tuple[ScaleLevel, ...] = (
    ScaleLevel(0, "Unacceptable", "Nil or inadequate response: the requirement is not met."),
    ScaleLevel(
        1, "Poor", "Response is only partly relevant, with little explanation of how it is met."
    ),
    ScaleLevel(
        2,
        "Acceptable",
        "Response is relevant and shows a broad understanding, with some gaps in detail.",
    ),
    ScaleLevel(3, "Good", "Response is relevant and gives sufficient detail of how it is met."),
    ScaleLevel(
        4,
        "Excellent",
        "Response is comprehensive and unambiguous: the requirement is fully met.",
    ),
)


# --- validation -----------------------------------------------------------------------------


def _fmt(value: Decimal) -> str:
    """A Decimal as plain text without trailing zeros or exponent: 60.00 → "60"."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _decimal(value, field_name: str) -> Decimal:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ScoringInputError("Enter a number.", field=field_name)
        return value
    if isinstance(value, bool) or value is None:
        raise ScoringInputError("Enter a number.", field=field_name)
    try:
        result = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        raise ScoringInputError("Enter a number.", field=field_name) from None
    if not result.is_finite():
        raise ScoringInputError("Enter a number.", field=field_name)
    return result


def _enum(enum_type, value, field_name: str):
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_type)
        raise ScoringInputError(f"Choose one of: {allowed}.", field=field_name) from None


def validate_model(model: ScoringModel) -> None:
    """Refuse a model that cannot be published: weights must total exactly 100, price-only
    is refused (Scotland, docs/disclosure.md, F4), price element weights must total the price
    weight."""
    _enum(PriceMethod, model.price_method, "price_method")
    _enum(TieBreak, model.tie_break, "tie_break")
    _enum(ZeroPriceRule, model.zero_price_rule, "zero_price_rule")
    _enum(BenefitMethod, model.benefit_method, "benefit_method")
    price_weight = _decimal(model.price_weight, "price_weight")
    if price_weight < 0 or price_weight > HUNDRED:
        raise ScoringInputError("The price weight must be between 0 and 100.", field="price_weight")
    benefit_weight = _decimal(model.benefit_weight, "benefit_weight")
    if benefit_weight < 0 or benefit_weight > HUNDRED:
        raise ScoringInputError(
            "The community benefit weight must be between 0 and 100.", field="benefit_weight"
        )
    share = _decimal(model.abnormally_low_share, "abnormally_low_share")
    if share <= 0 or share > 1:
        raise ScoringInputError(
            "The abnormally low share must be more than 0 and at most 1 (e.g. 0.7 for 70%).",
            field="abnormally_low_share",
        )

    names: set[str] = set()
    for i, criterion in enumerate(model.quality_criteria):
        where = f"quality_criteria[{i}]"
        if not str(criterion.name).strip():
            raise ScoringInputError("Enter the question's name.", field=f"{where}.name")
        if criterion.name in names:
            raise ScoringInputError(
                f"There is already a question called '{criterion.name}'.", field=f"{where}.name"
            )
        names.add(criterion.name)
        weight = _decimal(criterion.weight, f"{where}.weight")
        if weight <= 0:
            raise ScoringInputError(
                f"The weight of '{criterion.name}' must be more than 0.", field=f"{where}.weight"
            )
        if isinstance(criterion.scale_max, bool) or not isinstance(criterion.scale_max, int):
            raise ScoringInputError("Enter a whole number.", field=f"{where}.scale_max")
        if criterion.scale_max < 1:
            raise ScoringInputError(
                f"The top of the scale for '{criterion.name}' must be at least 1.",
                field=f"{where}.scale_max",
            )
        if criterion.minimum_score is not None:
            minimum = _decimal(criterion.minimum_score, f"{where}.minimum_score")
            if minimum < 0 or minimum > criterion.scale_max:
                raise ScoringInputError(
                    f"The minimum score for '{criterion.name}' must be between 0 and "
                    f"{criterion.scale_max}.",
                    field=f"{where}.minimum_score",
                )

    quality_weight = sum((_decimal(c.weight, "") for c in model.quality_criteria), ZERO)
    if model.quality_minimum is not None:
        minimum = _decimal(model.quality_minimum, "quality_minimum")
        if minimum < 0:
            raise ScoringInputError(
                "The minimum quality score cannot be negative.", field="quality_minimum"
            )
        if minimum > quality_weight:
            raise ScoringInputError(
                f"The minimum quality score ({_fmt(minimum)}) is more than the quality "
                f"questions' weights ({_fmt(quality_weight)}): no bid could meet it.",
                field="quality_minimum",
                code="quality_minimum_unreachable",
            )
    if quality_weight == 0 and benefit_weight == 0:
        raise ScoringInputError(
            "Price-only award is not allowed: add quality questions or a community benefit "
            "weight so that quality is scored as well as price.",
            field="quality_criteria",
            code="price_only",
        )
    total = price_weight + quality_weight + benefit_weight
    if total != HUNDRED:
        raise ScoringInputError(
            f"The weights total {_fmt(total)} (price {_fmt(price_weight)}, quality "
            f"{_fmt(quality_weight)}, community benefit {_fmt(benefit_weight)}); "
            "they must total exactly 100.",
            field="price_weight",
            code="weights_not_100",
        )

    if model.price_elements:
        element_names: set[str] = set()
        for i, element in enumerate(model.price_elements):
            where = f"price_elements[{i}]"
            if not str(element.name).strip():
                raise ScoringInputError("Enter the price element's name.", field=f"{where}.name")
            if element.name in element_names:
                raise ScoringInputError(
                    f"There is already a price element called '{element.name}'.",
                    field=f"{where}.name",
                )
            element_names.add(element.name)
            weight = _decimal(element.weight, f"{where}.weight")
            if weight < 0:
                raise ScoringInputError(
                    f"The weight of '{element.name}' cannot be negative.", field=f"{where}.weight"
                )
            if element.quantity is not None:
                quantity = _decimal(element.quantity, f"{where}.quantity")
                if quantity <= 0:
                    raise ScoringInputError(
                        f"The estimated quantity of '{element.name}' must be more than 0.",
                        field=f"{where}.quantity",
                    )
        element_total = sum((_decimal(e.weight, "") for e in model.price_elements), ZERO)
        if element_total != price_weight:
            raise ScoringInputError(
                f"The price elements' weights total {_fmt(element_total)}; they must total the "
                f"price weight, {_fmt(price_weight)}.",
                field="price_elements",
                code="elements_not_price_weight",
            )


def _normalise(model: ScoringModel) -> ScoringModel:
    """A valid model with Decimal weights and enum members (callers may pass ints, strings)."""
    return replace(
        model,
        price_method=_enum(PriceMethod, model.price_method, "price_method"),
        price_weight=_decimal(model.price_weight, ""),
        quality_criteria=tuple(
            replace(
                c,
                weight=_decimal(c.weight, ""),
                minimum_score=None if c.minimum_score is None else _decimal(c.minimum_score, ""),
            )
            for c in model.quality_criteria
        ),
        benefit_weight=_decimal(model.benefit_weight, ""),
        price_elements=tuple(
            replace(
                e,
                weight=_decimal(e.weight, ""),
                quantity=None if e.quantity is None else _decimal(e.quantity, ""),
            )
            for e in model.price_elements
        ),
        tie_break=_enum(TieBreak, model.tie_break, "tie_break"),
        zero_price_rule=_enum(ZeroPriceRule, model.zero_price_rule, "zero_price_rule"),
        benefit_method=_enum(BenefitMethod, model.benefit_method, "benefit_method"),
        abnormally_low_share=_decimal(model.abnormally_low_share, "abnormally_low_share"),
        quality_minimum=None
        if model.quality_minimum is None
        else _decimal(model.quality_minimum, "quality_minimum"),
    )


# --- bids -----------------------------------------------------------------------------------


@dataclass
class _Bid:
    """A bid checked against the model: evaluated element prices (key "" for a single price;
    rate × quantity for a unit-rate element)."""

    name: str
    prices: dict[str, Decimal]
    total_price: Decimal
    scores: dict[str, Decimal]
    benefit_value: Decimal


def _check_bids(model: ScoringModel, bids: Sequence[BidInput]) -> list[_Bid]:
    if not bids:
        raise ScoringInputError("Enter at least one bid.", field="bids")
    checked: list[_Bid] = []
    names: set[str] = set()
    for i, bid in enumerate(bids):
        where = f"bids[{i}]"
        name = str(bid.name or "").strip()
        if not name:
            raise ScoringInputError("Enter the bid's name.", field=f"{where}.name")
        if name in names:
            raise ScoringInputError(
                f"There is already a bid called '{name}'.", field=f"{where}.name"
            )
        names.add(name)
        prices = _check_prices(model, bid, where)
        scores: dict[str, Decimal] = {}
        given = dict(bid.quality_scores or {})
        known = {c.name for c in model.quality_criteria}
        for key in given:
            if key not in known:
                raise ScoringInputError(
                    f"'{key}' is not a quality question of this model.",
                    field=f"{where}.quality_scores.{key}",
                )
        for criterion in model.quality_criteria:
            field_name = f"{where}.quality_scores.{criterion.name}"
            if given.get(criterion.name) is None:
                raise ScoringInputError(
                    f"Enter {name}'s score for '{criterion.name}'.", field=field_name
                )
            score = _decimal(given[criterion.name], field_name)
            if score < 0 or score > criterion.scale_max:
                raise ScoringInputError(
                    f"{name}'s score for '{criterion.name}' must be between 0 and "
                    f"{criterion.scale_max}.",
                    field=field_name,
                )
            scores[criterion.name] = score
        benefit = ZERO
        if model.benefit_weight > 0:
            field_name = f"{where}.benefit_value"
            if bid.benefit_value is None:
                raise ScoringInputError(
                    f"Enter {name}'s community benefit value.", field=field_name
                )
            benefit = _decimal(bid.benefit_value, field_name)
            if benefit < 0:
                raise ScoringInputError(
                    f"{name}'s community benefit value cannot be negative.", field=field_name
                )
            if model.benefit_method == BenefitMethod.METHOD_STATEMENT and benefit > 4:
                raise ScoringInputError(
                    f"{name}'s community benefit method statement score must be between 0 and 4.",
                    field=field_name,
                )
        checked.append(_Bid(name, prices, sum(prices.values(), ZERO), scores, benefit))
    return checked


def _check_prices(model: ScoringModel, bid: BidInput, where: str) -> dict[str, Decimal]:
    if not model.price_elements:
        if bid.prices:
            raise ScoringInputError(
                "This model has a single price: give 'price', not prices per element.",
                field=f"{where}.prices",
            )
        if bid.price is None:
            raise ScoringInputError(f"Enter {bid.name}'s price.", field=f"{where}.price")
        price = _decimal(bid.price, f"{where}.price")
        if price < 0:
            raise ScoringInputError(
                f"{bid.name}'s price cannot be negative.", field=f"{where}.price"
            )
        return {"": price}
    given = dict(bid.prices or {})
    if not given:
        raise ScoringInputError(
            f"Enter {bid.name}'s price for each element of the price schedule.",
            field=f"{where}.prices",
        )
    known = {e.name for e in model.price_elements}
    for key in given:
        if key not in known:
            raise ScoringInputError(
                f"'{key}' is not an element of this model's price schedule.",
                field=f"{where}.prices.{key}",
            )
    prices: dict[str, Decimal] = {}
    for element in model.price_elements:
        field_name = f"{where}.prices.{element.name}"
        if given.get(element.name) is None:
            raise ScoringInputError(
                f"Enter {bid.name}'s price for '{element.name}'.", field=field_name
            )
        price = _decimal(given[element.name], field_name)
        if price < 0:
            raise ScoringInputError(
                f"{bid.name}'s price for '{element.name}' cannot be negative.", field=field_name
            )
        prices[element.name] = price if element.quantity is None else price * element.quantity
    if bid.price is not None:
        total = _decimal(bid.price, f"{where}.price")
        if total != sum(prices.values(), ZERO):
            raise ScoringInputError(
                f"{bid.name}'s total price {_fmt(total)} is not the sum of its evaluated element "
                f"prices ({_fmt(sum(prices.values(), ZERO))}).",
                field=f"{where}.price",
            )
    return prices


# --- formulas -------------------------------------------------------------------------------


def price_score(method: PriceMethod, weight: Decimal, price: Decimal, low: Decimal, high: Decimal):
    """One price score and whether it was clamped at 0 (linear deviation only).

    ``low`` and ``high`` are the lowest and highest prices scored (P_min, P_max). The
    relative and linear formulas need ``low`` > 0; the caller applies the zero-price rule."""
    if method == PriceMethod.RELATIVE_TO_LOWEST:
        return weight * low / price, False
    if method == PriceMethod.LINEAR_DEVIATION:
        # W × (1 − (P − Pmin)/Pmin), written W × (2·Pmin − P)/Pmin to divide once, last.
        raw = weight * (2 * low - price) / low
        return (ZERO, True) if raw < 0 else (raw, False)
    if high == low:
        return weight, False
    return weight * (high - price) / (high - low), False


def quality_score(score: Decimal, scale_max: int, weight: Decimal) -> Decimal:
    """``Q_i = (s_i / scale_max) × w_i`` (multiplied first, so that it is exact whenever the
    result terminates: 1/3 × 30 = 10, not 9.999…)."""
    return weight * score / Decimal(scale_max)


def benefit_score(method: BenefitMethod, weight: Decimal, value: Decimal, best: Decimal):
    """``W × v_i / max v`` (0 for all when the best is 0), or ``W × v_i / 4``."""
    if method == BenefitMethod.METHOD_STATEMENT:
        return weight * value / 4
    if best == 0:
        return ZERO
    return weight * value / best


def _money(value: Decimal) -> str:
    return f"£{value:,.2f}"


def _percent(share: Decimal) -> str:
    return f"{_fmt(share * HUNDRED)}%"


def _zero(name: str, key: str) -> str:
    return f"{name} prices '{key}' at zero" if key else f"{name}'s price is zero"


def _score_prices(model: ScoringModel, bids: list[_Bid], warnings: list[Warning]):
    """Element scores per bid: {bid name: {element key: score}}."""
    method = PriceMethod(model.price_method)
    rule = ZeroPriceRule(model.zero_price_rule)
    divides = method != PriceMethod.RANGE
    elements = model.price_elements or (PriceElement("", model.price_weight),)
    scores: dict[str, dict[str, Decimal]] = {b.name: {} for b in bids}
    totals = [b.total_price for b in bids]
    for element in elements:
        key = element.name
        label = f"'{key}'" if key else "the price"
        weight = element.weight
        prices = [b.prices[key] for b in bids]
        zeros = [(i, b) for i, b in enumerate(bids) if b.prices[key] == 0]
        on_total = False
        full_marks: set[str] = set()
        if zeros and not divides:
            for _i, bid in zeros:
                warnings.append(
                    Warning(
                        "zero_element_price",
                        f"{_zero(bid.name, key)}. The range formula is defined for "
                        "a zero price, so it is scored as it stands; check the bid is genuine.",
                        bid=bid.name,
                        element=key or None,
                    )
                )
        elif zeros:
            if rule == ZeroPriceRule.ERROR:
                i, bid = zeros[0]
                raise ScoringInputError(
                    f"{_zero(bid.name, key)}, and this model's rule refuses a zero "
                    "price (the formula divides by the lowest price).",
                    field=f"bids[{i}].prices.{key}" if key else f"bids[{i}].price",
                    code="zero_price",
                )
            if rule == ZeroPriceRule.SCORE_ON_TOTAL:
                if not key:
                    i, bid = zeros[0]
                    raise ScoringInputError(
                        f"{bid.name}'s price is zero. With a single price, 'score on the total "
                        "price' cannot help: the total is zero too. Choose another rule.",
                        field=f"bids[{i}].price",
                        code="zero_price",
                    )
                for i, bid in enumerate(bids):
                    if bid.total_price == 0:
                        raise ScoringInputError(
                            f"{bid.name}'s total price is zero, so '{key}' cannot be scored on "
                            "the total price either.",
                            field=f"bids[{i}].prices.{key}",
                            code="zero_price",
                        )
                on_total = True
                for _i, bid in zeros:
                    warnings.append(
                        Warning(
                            "zero_element_price",
                            f"{bid.name} prices '{key}' at zero, so '{key}' is scored for "
                            "every bid on the bids' total prices instead of the element "
                            "prices.",
                            bid=bid.name,
                            element=key,
                        )
                    )
            else:
                full_marks = {bid.name for _i, bid in zeros}
                for _i, bid in zeros:
                    warnings.append(
                        Warning(
                            "zero_element_price",
                            f"{_zero(bid.name, key)}, which gets the full "
                            f"{_fmt(weight)} points; the other bids are scored against the "
                            "lowest price above zero.",
                            bid=bid.name,
                            element=key or None,
                        )
                    )
        basis = totals if on_total else prices
        positive = [p for b, p in zip(bids, basis, strict=True) if b.name not in full_marks]
        low = min(positive) if positive else ZERO
        high = max(positive) if positive else ZERO
        for bid, price in zip(bids, basis, strict=True):
            if bid.name in full_marks:
                scores[bid.name][key] = weight
                continue
            score, clamped = price_score(method, weight, price, low, high)
            if clamped:
                warnings.append(
                    Warning(
                        "clamped",
                        f"{bid.name}'s price{' for ' + label if key else ''} "
                        f"({_money(price)}) is more than twice the lowest ({_money(low)}), so "
                        "the linear deviation formula gives less than 0; its price score is "
                        "set to 0.",
                        bid=bid.name,
                        element=key or None,
                    )
                )
            scores[bid.name][key] = score
    return scores


# --- the engine -----------------------------------------------------------------------------


def simulate(model: ScoringModel, bids: Sequence[BidInput]) -> Result:
    """Score ``bids`` under ``model``: price, quality and benefit scores, totals and ranks
    (descending on the unrounded totals, ties settled by the tie-break), with warnings.
    ``Result.bids`` holds the compliant bids in rank order (tied bids in the order given);
    ``Result.non_compliant`` the bids below a quality minimum, unranked, with the reasons.

    Raises :class:`ScoringInputError` naming the field when the model or a bid is invalid."""
    with localcontext() as ctx:
        ctx.prec = 28
        ctx.rounding = ROUND_HALF_EVEN
        validate_model(model)
        model = _normalise(model)
        checked = _check_bids(model, bids)
        warnings: list[Warning] = []
        criteria_of = {
            bid.name: {
                c.name: quality_score(bid.scores[c.name], c.scale_max, c.weight)
                for c in model.quality_criteria
            }
            for bid in checked
        }
        reasons = {
            bid.name: non_compliance(model, bid.scores, sum(criteria_of[bid.name].values(), ZERO))
            for bid in checked
        }
        compliant = [b for b in checked if not reasons[b.name]]
        excluded = [b for b in checked if reasons[b.name]]
        for bid in excluded:
            warnings.append(
                Warning(
                    "non_compliant",
                    f"{bid.name} is non-compliant, so it is not ranked and sets no benchmark "
                    f"for the other bids' scores: {' '.join(reasons[bid.name])}",
                    bid=bid.name,
                )
            )
        if excluded and not compliant:
            warnings.append(
                Warning(
                    "no_compliant_bid",
                    "No bid meets the minimum quality scores, so no bid can be ranked or awarded.",
                )
            )
        element_scores = _score_prices(model, compliant, warnings) if compliant else {}
        _abnormally_low(model, compliant, warnings)

        method = BenefitMethod(model.benefit_method)
        best = max((b.benefit_value for b in compliant), default=ZERO)
        rows = []
        for bid in compliant:
            criteria = criteria_of[bid.name]
            quality = sum(criteria.values(), ZERO)
            price = sum(element_scores[bid.name].values(), ZERO)
            benefit = (
                benefit_score(method, model.benefit_weight, bid.benefit_value, best)
                if model.benefit_weight > 0
                else ZERO
            )
            elements = {k: v for k, v in element_scores[bid.name].items() if k}
            rows.append(
                (bid, price, quality, benefit, price + quality + benefit, elements, criteria)
            )

        ranks = _rank(model, rows, warnings)
        results = tuple(
            BidResult(
                name=bid.name,
                price_score=price,
                quality_score=quality,
                benefit_score=benefit,
                total=total,
                rank=ranks[bid.name],
                element_scores=elements,
                criterion_scores=criteria,
                total_price=bid.total_price,
                element_prices={k: v for k, v in bid.prices.items() if k},
            )
            for bid, price, quality, benefit, total, elements, criteria in rows
        )
        _middle_bid_last(results, warnings)
        order = [b.name for b in checked]
        ordered = tuple(sorted(results, key=lambda r: (r.rank, order.index(r.name))))
        unranked = tuple(
            BidResult(
                name=bid.name,
                price_score=None,
                quality_score=sum(criteria_of[bid.name].values(), ZERO),
                benefit_score=None,
                total=None,
                rank=None,
                criterion_scores=criteria_of[bid.name],
                total_price=bid.total_price,
                element_prices={k: v for k, v in bid.prices.items() if k},
                compliant=False,
                reasons=tuple(reasons[bid.name]),
            )
            for bid in excluded
        )
        return Result(bids=ordered, warnings=tuple(warnings), non_compliant=unranked)


def _floor(value: Decimal) -> str:
    """A score below a minimum as shown in the reason: 2 dp, rounded down, so that it never
    shows as the minimum itself (19.996 is "19.99", not "20")."""
    return _fmt(value.quantize(Decimal("0.01"), rounding=ROUND_FLOOR))


def non_compliance(
    model: ScoringModel, scores: Mapping[str, Decimal], quality: Decimal
) -> list[str]:
    """Why a bid with these question ``scores`` (0–scale_max) and weighted ``quality`` score
    is non-compliant, one sentence per minimum it misses; empty when it is compliant."""
    reasons = []
    if model.quality_minimum is not None and quality < model.quality_minimum:
        reasons.append(
            f"Quality {_floor(quality)} is below the minimum of {_fmt(model.quality_minimum)} "
            f"(of {_fmt(model.quality_weight)})."
        )
    for c in model.quality_criteria:
        score = scores.get(c.name)
        if c.minimum_score is not None and score is not None and score < c.minimum_score:
            reasons.append(
                f"{c.name}: score {_floor(Decimal(score))} is below the minimum of "
                f"{_fmt(Decimal(c.minimum_score))} (of {c.scale_max})."
            )
    return reasons


def _abnormally_low(model: ScoringModel, bids: list[_Bid], warnings: list[Warning]) -> None:
    if len(bids) < 2:
        return
    share = model.abnormally_low_share
    for bid in bids:
        others = [b.total_price for b in bids if b is not bid]
        mean = sum(others, ZERO) / len(others)
        if bid.total_price < share * mean:
            warnings.append(
                Warning(
                    "abnormally_low",
                    f"{bid.name}'s price ({_money(bid.total_price)}) is below {_percent(share)} "
                    f"of the mean of the other bids' prices ({_money(mean)}), so it may be "
                    "abnormally low. Ask the bidder to explain the price before any decision "
                    "to reject the bid.",
                    bid=bid.name,
                )
            )


TIE_PLACES = Decimal("1e-20")


def _same(score: Decimal) -> Decimal:
    """The score as compared for ranking and ties: scores that agree to 20 decimal places are
    equal — smaller differences are the last digits of 28-digit Decimal division, not scoring
    (e.g. 100 × 1/3 + 100 × 2/3 against 100). Far below any displayed or published figure."""
    return score.quantize(TIE_PLACES)


def _rank(model: ScoringModel, rows, warnings: list[Warning]) -> dict[str, int]:
    tie_break = TieBreak(model.tie_break)

    def key(row):
        bid, _price, quality, _benefit, total = row[:5]
        total = _same(total)
        if tie_break == TieBreak.HIGHER_QUALITY:
            return (-total, -_same(quality))
        if tie_break == TieBreak.LOWER_PRICE:
            return (-total, bid.total_price)
        return (-total,)

    ordered = sorted(rows, key=key)
    ranks: dict[str, int] = {}
    for position, row in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        if previous is not None and key(previous) == key(row):
            ranks[row[0].name] = ranks[previous[0].name]
        else:
            ranks[row[0].name] = position

    groups: dict[Decimal, list] = {}
    for row in ordered:
        groups.setdefault(_same(row[4]), []).append(row)
    for total, group in groups.items():
        if len(group) < 2:
            continue
        names = [row[0].name for row in group]
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
        still_tied = len({ranks[n] for n in names}) < len(names)
        if tie_break == TieBreak.NONE:
            outcome = "there is no tie-break, so they share the same rank."
        else:
            rule = (
                "higher quality score" if tie_break == TieBreak.HIGHER_QUALITY else ("lower price")
            )
            outcome = (
                f"the tie-break ({rule}) ranks them {', '.join(f'{n} {ranks[n]}' for n in names)}."
            )
            if still_tied:
                outcome += " Some are still tied after the tie-break and share a rank."
        warnings.append(
            Warning(
                "tie",
                f"{listed} have the same total score ({total:.2f}, equal at full precision "
                f"and not only when rounded); {outcome}",
            )
        )
    return ranks


def _middle_bid_last(results: tuple[BidResult, ...], warnings: list[Warning]) -> None:
    if len(results) < 3:
        return
    last = max(r.rank for r in results)
    prices = [r.total_price for r in results]
    low, high = min(prices), max(prices)
    for result in results:
        if result.rank == last and last > 1 and low < result.total_price < high:
            warnings.append(
                Warning(
                    "middle_bid_last",
                    f"{result.name}'s price ({_money(result.total_price)}) lies between other "
                    "bids' prices, yet it ranks last. Check that the weights and the price "
                    "formula give the result you intend.",
                    bid=result.name,
                )
            )


# --- publication ----------------------------------------------------------------------------


def describe(model: ScoringModel) -> list[str]:
    """Plain-English sentences of the method, for publication with the tender."""
    model = _normalise(model)
    price_w = _fmt(model.price_weight)
    quality_w = _fmt(model.quality_weight)
    benefit_w = _fmt(model.benefit_weight)
    sentences = []
    parts = [f"price ({price_w} points)", f"quality ({quality_w} points)"]
    if model.benefit_weight > 0:
        parts.append(f"community benefit ({benefit_w} points)")
    sentences.append(
        "Each bid is scored out of 100: " + ", ".join(parts[:-1]) + f" and {parts[-1]}."
    )

    method = PriceMethod(model.price_method)
    if model.price_elements:
        subject = "each element's price"
        lowest, highest = "the lowest price for that element", "the highest price for it"
        weight_name = "the element's weight"
    else:
        subject = "the price"
        lowest, highest = "the lowest price", "the highest price"
        weight_name = f"the price weight ({price_w})"
    if method == PriceMethod.RELATIVE_TO_LOWEST:
        sentences.append(
            f"Price is scored relative to the lowest price: {subject} scores {weight_name} × "
            f"{lowest} ÷ the bid's price."
        )
    elif method == PriceMethod.LINEAR_DEVIATION:
        sentences.append(
            f"Price is scored by linear deviation from the lowest price: {subject} scores "
            f"{weight_name} × (1 − (the bid's price − {lowest}) ÷ {lowest}), so a price 25% "
            "above the lowest loses 25% of the points; a score below 0 is set to 0."
        )
    else:
        sentences.append(
            f"Price is scored on the range of prices: {subject} scores {weight_name} × "
            f"({highest} − the bid's price) ÷ ({highest} − {lowest}); when all prices are "
            "equal every bid scores the full weight."
        )
    if model.price_elements:
        listed = ", ".join(f"{e.name} ({_fmt(e.weight)} points)" for e in model.price_elements)
        sentences.append(
            "The price schedule has "
            f"{len(model.price_elements)} elements, each scored separately and then added: "
            f"{listed}."
        )
        rated = [e for e in model.price_elements if e.quantity is not None]
        if rated:
            listed = ", ".join(f"{e.name} ({_fmt(e.quantity)})" for e in rated)
            sentences.append(
                "Unit-rate elements are evaluated at the rate × the published estimated "
                f"quantity over the contract: {listed}; the bid's total price is the sum of "
                "its evaluated element prices."
            )
    rule = ZeroPriceRule(model.zero_price_rule)
    where = " in an element" if model.price_elements else ""
    if method == PriceMethod.RANGE:
        sentences.append(
            f"A zero price{where} is scored by the same formula, which is defined at zero."
        )
    elif rule == ZeroPriceRule.ERROR or (
        rule == ZeroPriceRule.SCORE_ON_TOTAL and not model.price_elements
    ):
        sentences.append(f"A zero price{where} is not accepted.")
    elif rule == ZeroPriceRule.SCORE_ON_TOTAL:
        sentences.append(
            "If any bid prices an element at zero, that element is scored for every bid on the "
            "bids' total prices instead."
        )
    else:
        sentences.append(
            f"A zero price{where} gets the full points for it; the other bids are scored "
            "against the lowest price above zero."
        )

    if model.quality_criteria:
        listed = ", ".join(
            f"{c.name} ({_fmt(c.weight)} points"
            + (f", scored 0–{c.scale_max}" if c.scale_max != 4 else "")
            + ")"
            for c in model.quality_criteria
        )
        sentences.append(
            "Each quality question is scored on the 0–4 scale (0 unacceptable, 1 poor, 2 "
            "acceptable, 3 good, 4 excellent) and weighted: points = score ÷ top of the scale "
            f"× the question's weight. Questions: {listed}."
        )
    minimums = [c for c in model.quality_criteria if c.minimum_score is not None]
    if model.quality_minimum is not None or minimums:
        gates = []
        if model.quality_minimum is not None:
            gates.append(
                f"a quality score below {_fmt(model.quality_minimum)} of the "
                f"{quality_w} quality points"
            )
        gates += [
            f"a score below {_fmt(c.minimum_score)} (of {c.scale_max}) for {c.name}"
            for c in minimums
        ]
        listed = ", ".join(gates[:-1]) + (" or " if len(gates) > 1 else "") + gates[-1]
        sentences.append(
            f"A bid with {listed} is non-compliant: it is not ranked and cannot be awarded "
            "the contract, and it is left out when the lowest price and the other benchmarks "
            "are set."
        )
    if model.benefit_weight > 0:
        if BenefitMethod(model.benefit_method) == BenefitMethod.METHOD_STATEMENT:
            sentences.append(
                "Community benefit is a scored method statement on the 0–4 scale: points = "
                f"score ÷ 4 × {benefit_w}."
            )
        else:
            sentences.append(
                "Community benefit is scored relative to the highest committed value (points "
                f"or £ of social value): points = {benefit_w} × the bid's value ÷ the highest "
                "value; if no bid commits any value, every bid scores 0."
            )
    sentences.append(
        "Bids are ranked by total score, highest first, using unrounded scores; scores are "
        "shown to 2 decimal places."
    )
    tie_break = TieBreak(model.tie_break)
    if tie_break == TieBreak.HIGHER_QUALITY:
        sentences.append(
            "If two bids have the same total, the one with the higher quality score ranks higher."
        )
    elif tie_break == TieBreak.LOWER_PRICE:
        sentences.append(
            "If two bids have the same total, the one with the lower price ranks higher."
        )
    else:
        sentences.append("If two bids have the same total, they share the same rank.")
    sentences.append(
        f"A price below {_percent(model.abnormally_low_share)} of the mean of the other bids' "
        "prices may be abnormally low: the bidder is asked to explain it before any decision "
        "to reject the bid."
    )
    return sentences
