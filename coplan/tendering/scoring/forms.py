"""Simulator forms: the hypothetical bids (one small form per bid, fields shaped by the
scoring model) and, on the standalone page, the scoring model itself.

Engine errors (``ScoringInputError.field``, e.g. ``bids[1].quality_scores.Method``) are put
back on the form field they name, so the error summary links to it."""

import re
from decimal import Decimal, InvalidOperation

from django import forms

from coplan.core.forms import GovukForm, money_errors

from ..enums import BenefitMethod, PriceMethod, TieBreak, ZeroPriceRule
from . import engine

MAX_BIDS = 6


def _choices(enum) -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in enum]


def _number(value: Decimal) -> str:
    return engine._fmt(value)


# --- one hypothetical bid -------------------------------------------------------------------


class BidForm(GovukForm):
    """One hypothetical bid. Blank forms are skipped (``empty_permitted``)."""

    name = forms.CharField(
        label="Bidder",
        max_length=100,
        error_messages={"required": "Enter the bidder's name"},
    )

    def __init__(self, *args, model: engine.ScoringModel, number: int, **kwargs):
        kwargs.setdefault("empty_permitted", True)
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)
        self.model = model
        self.number = number
        self.legend = f"Bid {number}"
        money = {"min_value": Decimal(0), "max_digits": 14, "decimal_places": 2}
        if model.price_elements:
            for i, element in enumerate(model.price_elements):
                self.fields[f"price_{i}"] = forms.DecimalField(
                    label=f"Price for {element.name} in pounds"
                    if element.quantity is None
                    else f"Rate for {element.name} in pounds (× {engine._fmt(element.quantity)})",
                    error_messages=money_errors(f"the price for {element.name}"),
                    **money,
                )
        else:
            self.fields["price"] = forms.DecimalField(
                label="Price in pounds",
                error_messages=money_errors("the price"),
                **money,
            )
        for i, criterion in enumerate(model.quality_criteria):
            self.fields[f"score_{i}"] = forms.DecimalField(
                label=f"Score for {criterion.name} (0 to {criterion.scale_max})",
                min_value=Decimal(0),
                max_value=Decimal(criterion.scale_max),
                error_messages={
                    "required": f"Enter the score for {criterion.name}",
                    "invalid": f"Enter the score for {criterion.name} as a number",
                    "min_value": f"The score for {criterion.name} must be 0 or more",
                    "max_value": f"The score for {criterion.name} must be "
                    f"{criterion.scale_max} or less",
                },
            )
        if model.benefit_weight > 0:
            statement = model.benefit_method == BenefitMethod.METHOD_STATEMENT
            self.fields["benefit_value"] = forms.DecimalField(
                label="Community benefit score (0 to 4)"
                if statement
                else "Community benefit value (points or pounds of social value)",
                min_value=Decimal(0),
                max_value=Decimal(4) if statement else None,
                error_messages={
                    "required": "Enter the community benefit value",
                    "invalid": "Enter the community benefit value as a number",
                    "min_value": "The community benefit value must be 0 or more",
                    "max_value": "The community benefit score must be 4 or less",
                },
            )
        for name, field in self.fields.items():
            if name != "name":
                field.widget.attrs["inputmode"] = "decimal"
                field.widget.attrs["autocomplete"] = "off"
        self._decorate_widgets()

    def bid_input(self) -> engine.BidInput:
        data = self.cleaned_data
        prices = None
        price = None
        if self.model.price_elements:
            prices = {e.name: data[f"price_{i}"] for i, e in enumerate(self.model.price_elements)}
        else:
            price = data["price"]
        return engine.BidInput(
            name=data["name"],
            price=price,
            prices=prices,
            quality_scores={
                c.name: data[f"score_{i}"] for i, c in enumerate(self.model.quality_criteria)
            },
            benefit_value=data.get("benefit_value"),
        )

    def field_for(self, path: str) -> str | None:
        """The form field an engine field path (after ``bids[i].``) points at."""
        head, _, rest = path.partition(".")
        if head == "name":
            return "name"
        if head == "price":
            return "price" if "price" in self.fields else "price_0"
        if head == "prices":
            names = [e.name for e in self.model.price_elements]
            return f"price_{names.index(rest)}" if rest in names else "price_0"
        if head == "quality_scores":
            names = [c.name for c in self.model.quality_criteria]
            return f"score_{names.index(rest)}" if rest in names else None
        if head == "benefit_value":
            return "benefit_value" if "benefit_value" in self.fields else None
        return None


def bid_forms(model: engine.ScoringModel, data=None, initial=None) -> list[BidForm]:
    initial = list(initial or [])
    return [
        BidForm(
            data,
            model=model,
            number=i + 1,
            prefix=f"bid-{i}",
            initial=initial[i] if data is None and i < len(initial) else None,
        )
        for i in range(MAX_BIDS)
    ]


class BidsInput:
    """The bid forms as one unit: validity, the engine's input, and the error summary."""

    def __init__(self, forms_: list[BidForm]):
        self.forms = forms_
        self.filled: list[BidForm] = []
        self.extra_errors: list[tuple[str | None, str]] = []

    def is_valid(self) -> bool:
        valid = all(f.is_valid() for f in self.forms)
        self.filled = [f for f in self.forms if f.has_changed()]
        if valid and not self.filled:
            self.extra_errors.append((f"{self.forms[0]['name'].auto_id}", "Enter at least one bid"))
            return False
        return valid

    def bid_inputs(self) -> list[engine.BidInput]:
        return [f.bid_input() for f in self.filled]

    def add_engine_error(self, error: engine.ScoringInputError) -> bool:
        """Put an engine error on the bid form field it names; False if it names no bid."""
        field = error.field or ""
        if not field.startswith("bids["):
            return False
        index, _, rest = field[len("bids[") :].partition("]")
        try:
            form = self.filled[int(index)]
        except (ValueError, IndexError):
            return False
        name = form.field_for(rest.lstrip("."))
        if name is None:
            form.add_error(None, error.message)
        else:
            form.add_error(name, error.message)
        form._decorate_widgets()
        return True


# --- the scoring model (standalone page) ----------------------------------------------------


_MINIMUM = re.compile(r",\s*min(?:imum)?\s+(?P<value>[^,\s]+)\s*$", re.IGNORECASE)


def _parse_lines(text: str, *, what: str, with_scale: bool):
    """``(name, weight, top of scale, minimum score or None)`` per line of ``name, weight``;
    quality questions may add the top of the scale (``name, weight, 5``) and a minimum score
    (``name, weight, minimum 2`` or ``name, weight, 5, minimum 3``)."""
    items = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        minimum = None
        found = _MINIMUM.search(line) if with_scale else None
        if found:
            if not _is_number(found["value"]):
                raise forms.ValidationError(
                    f"Line {number}: enter the minimum score as a number, like "
                    "'Method statement, 30, minimum 2'"
                )
            minimum = Decimal(found["value"])
            line = line[: found.start()].strip()
        parts = [p.strip() for p in line.rsplit(",", 2)]
        scale = 4
        if with_scale and len(parts) == 3 and parts[2].isdigit() and _is_number(parts[1]):
            name, weight, scale = parts[0], parts[1], int(parts[2])
        else:
            head, _, weight = line.rpartition(",")
            name, weight = head.strip(), weight.strip()
        if not name or not _is_number(weight):
            example = "Method statement, 30" if with_scale else "Labour, 40"
            raise forms.ValidationError(
                f"Line {number}: enter the {what}'s name and weight, like '{example}'"
            )
        items.append((name, Decimal(weight), scale, minimum))
    return items


def _criterion_line(name, weight, scale, minimum) -> str:
    return (
        f"{name}, {_number(weight)}"
        + (f", {scale}" if scale != 4 else "")
        + (f", minimum {_number(minimum)}" if minimum is not None else "")
    )


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


TEMPLATE_CHOICES = [("", "Choose a template")] + [
    (t.key, f"{t.label} ({t.guidance.rstrip('.').lower()})") for t in engine.TEMPLATES
]


class ScoringModelForm(GovukForm):
    """The scoring model, for the standalone simulator page."""

    template = forms.ChoiceField(
        label="Price:quality template",
        choices=TEMPLATE_CHOICES,
        required=False,
        help_text="Procurement Journey ratios by commodity category. Applying one sets the "
        "price weight and shares the rest between the quality questions, keeping the "
        "community benefit weight when it fits.",
    )
    price_method = forms.ChoiceField(
        label="Price scoring method",
        choices=_choices(PriceMethod),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how price is scored"},
    )
    price_weight = forms.DecimalField(
        label="Price weight",
        help_text="Points out of 100.",
        min_value=Decimal(0),
        max_value=Decimal(100),
        error_messages={
            "required": "Enter the price weight",
            "invalid": "Enter the price weight as a number, like 60",
        },
    )
    elements = forms.CharField(
        label="Price schedule elements",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Leave empty for a single total price. Otherwise one element per line: "
        "name, weight — for example 'Labour, 40'. The weights must total the price weight.",
    )
    criteria = forms.CharField(
        label="Quality questions",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One per line: name, weight — for example 'Method statement, 30'. Add a "
        "third number for a scale other than 0 to 4, and 'minimum' and a score for the lowest "
        "score a compliant bid may have — for example 'Method statement, 30, minimum 2'.",
    )
    quality_minimum = forms.DecimalField(
        label="Minimum quality score",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        help_text="A bid whose quality score (points out of the quality weight) is below this "
        "is non-compliant: it is not ranked and sets no benchmark for the other bids.",
        error_messages={
            "invalid": "Enter the minimum quality score as a number, like 20",
            "min_value": "The minimum quality score must be 0 or more",
            "max_value": "The minimum quality score must be 100 or less",
        },
    )
    benefit_weight = forms.DecimalField(
        label="Community benefit weight",
        help_text="Points out of 100; 0 if community benefits are conditions, not scored.",
        min_value=Decimal(0),
        max_value=Decimal(100),
        initial=Decimal(0),
        error_messages={
            "required": "Enter the community benefit weight (0 if none)",
            "invalid": "Enter the community benefit weight as a number, like 10",
        },
    )
    benefit_method = forms.ChoiceField(
        label="Community benefit scoring",
        choices=_choices(BenefitMethod),
        widget=forms.RadioSelect,
        initial=BenefitMethod.RELATIVE_TO_MAX.value,
    )
    zero_price_rule = forms.ChoiceField(
        label="Rule for a zero price",
        help_text="What happens when a bid prices an element (or the whole) at zero, which "
        "the relative and linear formulas cannot divide by.",
        choices=[
            (r.value, r.label)
            for r in (ZeroPriceRule.ERROR, ZeroPriceRule.SCORE_ON_TOTAL, ZeroPriceRule.FULL_MARKS)
        ],
        widget=forms.RadioSelect,
        initial=ZeroPriceRule.ERROR.value,
    )
    tie_break = forms.ChoiceField(
        label="Tie-break",
        choices=_choices(TieBreak),
        widget=forms.RadioSelect,
        initial=TieBreak.HIGHER_QUALITY.value,
    )
    abnormally_low_percent = forms.DecimalField(
        label="Abnormally low threshold",
        help_text="A price below this percentage of the mean of the other bids' prices is "
        "flagged, so that the bidder is asked to explain it.",
        min_value=Decimal(1),
        max_value=Decimal(100),
        initial=Decimal(70),
        error_messages={
            "required": "Enter the abnormally low threshold as a percentage, like 70",
            "invalid": "Enter the abnormally low threshold as a percentage, like 70",
        },
    )

    ENGINE_FIELDS = {
        "price_method": "price_method",
        "price_weight": "price_weight",
        "benefit_weight": "benefit_weight",
        "benefit_method": "benefit_method",
        "tie_break": "tie_break",
        "zero_price_rule": "zero_price_rule",
        "abnormally_low_share": "abnormally_low_percent",
        "price_elements": "elements",
        "quality_criteria": "criteria",
        "quality_minimum": "quality_minimum",
    }

    def clean_elements(self):
        return _parse_lines(self.cleaned_data["elements"], what="element", with_scale=False)

    def clean_criteria(self):
        return _parse_lines(self.cleaned_data["criteria"], what="question", with_scale=True)

    def scoring_model(self) -> engine.ScoringModel:
        data = self.cleaned_data
        return engine.ScoringModel(
            price_method=PriceMethod(data["price_method"]),
            price_weight=data["price_weight"],
            quality_criteria=tuple(
                engine.QualityCriterion(n, w, s, m) for n, w, s, m in data["criteria"]
            ),
            benefit_weight=data["benefit_weight"],
            price_elements=tuple(engine.PriceElement(n, w) for n, w, _s, _m in data["elements"]),
            tie_break=TieBreak(data["tie_break"]),
            zero_price_rule=ZeroPriceRule(data["zero_price_rule"]),
            benefit_method=BenefitMethod(data["benefit_method"]),
            abnormally_low_share=data["abnormally_low_percent"] / 100,
            quality_minimum=data.get("quality_minimum"),
        )

    def add_engine_error(self, error: engine.ScoringInputError) -> bool:
        """Put a model error on the field it names; False if it names no model field."""
        head = (error.field or "").split("[")[0].split(".")[0]
        name = self.ENGINE_FIELDS.get(head)
        if name is None:
            return False
        self.add_error(name, error.message)
        self._decorate_widgets()
        return True


def initial_model_data(model: engine.ScoringModel) -> dict:
    return {
        "price_method": model.price_method.value,
        "price_weight": _number(model.price_weight),
        "elements": "\n".join(f"{e.name}, {_number(e.weight)}" for e in model.price_elements),
        "criteria": "\n".join(
            _criterion_line(c.name, c.weight, c.scale_max, c.minimum_score)
            for c in model.quality_criteria
        ),
        "quality_minimum": "" if model.quality_minimum is None else _number(model.quality_minimum),
        "benefit_weight": _number(model.benefit_weight),
        "benefit_method": model.benefit_method.value,
        "zero_price_rule": model.zero_price_rule.value,
        "tie_break": model.tie_break.value,
        "abnormally_low_percent": _number(model.abnormally_low_share * 100),
    }


def apply_template(data: dict, key: str) -> dict:
    """``data`` (the model form's raw values) with a template's price:quality ratio applied:
    the price weight is the template's; the non-price share keeps the community benefit weight
    when it fits and shares the rest between the quality questions in proportion to their
    current weights (whole points, any remainder to the first question)."""
    template = engine.TEMPLATES_BY_KEY[key]
    data = dict(data)
    non_price = engine.HUNDRED - template.price_weight
    try:
        benefit = Decimal(str(data.get("benefit_weight") or 0))
    except InvalidOperation:
        benefit = Decimal(0)
    if benefit < 0 or benefit >= non_price:
        benefit = Decimal(0)
    quality = non_price - benefit
    try:
        lines = _parse_lines(data.get("criteria") or "", what="question", with_scale=True)
    except forms.ValidationError:
        lines = []
    if not lines:
        lines = [("Quality", Decimal(1), 4, None)]
    whole = _share(quality, [w for _n, w, _s, _m in lines])
    data["criteria"] = "\n".join(
        _criterion_line(n, w, s, m) for (n, _w, s, m), w in zip(lines, whole, strict=True)
    )
    data["price_weight"] = _number(template.price_weight)
    data["benefit_weight"] = _number(benefit)
    try:
        elements = _parse_lines(data.get("elements") or "", what="element", with_scale=False)
    except forms.ValidationError:
        elements = []
    if elements:
        whole = _share(template.price_weight, [w for _n, w, _s, _m in elements])
        data["elements"] = "\n".join(
            f"{n}, {_number(w)}" for (n, _w, _s, _m), w in zip(elements, whole, strict=True)
        )
    data["template"] = ""
    return data


def _share(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` shared in proportion to ``weights`` in whole points, the remainder (and any
    fraction) to the first."""
    current = sum(weights, Decimal(0))
    if current > 0:
        shares = [total * w / current for w in weights]
    else:
        shares = [total / len(weights) for _w in weights]
    whole = [Decimal(int(s)) for s in shares]
    whole[0] += total - sum(whole, Decimal(0))
    return whole
