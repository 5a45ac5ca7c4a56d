"""GOV.UK forms for tenders and the clause library."""

from decimal import Decimal

from django import forms

from coplan.core.dates import DateExamples
from coplan.core.forms import DateInput, GovukForm
from coplan.tendering.scoring import engine

from .enums import (
    BenefitMethod,
    ClauseType,
    ContractType,
    PriceMethod,
    RequirementMode,
    Route,
    TieBreak,
    ZeroPriceRule,
)

WEIGHT = {"max_digits": 7, "decimal_places": 4, "min_value": Decimal(0), "max_value": Decimal(100)}
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0)}


class DateTimeInput(DateInput):
    """A native date and time picker (``datetime-local``), styled as a GOV.UK input."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        forms.DateInput.__init__(self, attrs, format="%Y-%m-%dT%H:%M")


def _money(label, help_text="", required=True):
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=required,
        **MONEY,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": "Enter an amount in pounds, like 450000.00",
        },
    )


class StrategyForm(GovukForm):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What is being bought, for the contract notice.",
    )
    contract_type = forms.ChoiceField(
        label="Contract type",
        choices=ContractType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the contract type"},
    )
    estimated_value = _money(
        "Estimated contract value",
        "The whole-life value in pounds, for example 450000.00. Say below whether it includes VAT.",
    )
    vat_included = forms.BooleanField(label="This value includes VAT", required=False)
    vat_rate = forms.DecimalField(
        label="VAT rate (%)",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        initial=Decimal(20),
        error_messages={"required": "Enter the VAT rate", "invalid": "Enter a percentage, like 20"},
    )
    duration_months = forms.IntegerField(
        label="Duration (months)", required=False, min_value=1, max_value=600
    )
    route = forms.ChoiceField(
        label="Route", choices=Route.choices, error_messages={"required": "Choose the route"}
    )
    strategy_date = forms.DateField(
        label="Strategy date",
        widget=DateInput(),
        help_text="The statutory rules in force on this date apply.",
        error_messages={"required": "Enter the strategy date", "invalid": "Enter a real date"},
    )
    cb_summary = forms.CharField(
        label="Summary of the community benefit requirements",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For the contract notice. Required (or reasons for none) when the community "
        "benefit duty applies.",
    )
    cb_no_requirements_reasons = forms.CharField(
        label="Reasons for not including community benefit requirements",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NewTenderForm(StrategyForm):
    reference = forms.SlugField(
        label="Reference",
        max_length=60,
        help_text="Letters, numbers and hyphens. It appears in the tender's public address.",
        error_messages={
            "required": "Enter a reference",
            "invalid": "Use only letters, numbers, hyphens and underscores",
        },
    )

    field_order = ["title", "reference"]

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        example = DateExamples(partnership).tender_reference()
        self.fields["reference"].help_text = (
            f"Letters, numbers and hyphens, for example {example}. It appears in the "
            "tender's public address."
        )

    def clean_reference(self):
        value = self.cleaned_data["reference"]
        if value.lower() in {"clauses", "new"}:
            raise forms.ValidationError("Choose another reference: that word is reserved")
        return value


class LotForm(GovukForm):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    estimated_value = _money("Estimated value excluding VAT", required=False)


class ModelForm(GovukForm):
    price_method = forms.ChoiceField(
        label="Price scoring method", choices=PriceMethod.choices, widget=forms.RadioSelect
    )
    price_weight = forms.DecimalField(label="Price weight (%)", **WEIGHT)
    benefit_weight = forms.DecimalField(
        label="Community benefit weight (%)",
        help_text="0 when community benefits are mandatory contract conditions only.",
        **WEIGHT,
    )
    benefit_method = forms.ChoiceField(
        label="Community benefit scoring method",
        choices=BenefitMethod.choices,
        widget=forms.RadioSelect,
    )
    zero_price_rule = forms.ChoiceField(
        label="A zero price in a price element", choices=ZeroPriceRule.choices
    )
    tie_break = forms.ChoiceField(label="Tie-break", choices=TieBreak.choices)
    quality_minimum = forms.DecimalField(
        label="Minimum quality score",
        required=False,
        help_text="A bid whose weighted quality score is below this is non-compliant.",
        **WEIGHT,
    )


class TemplateForm(GovukForm):
    template = forms.ChoiceField(
        label="Price:quality template",
        choices=[(t.key, f"{t.label} ({t.guidance})") for t in engine.TEMPLATES],
    )


def _spec_requirement_field(what: str):
    return forms.ModelChoiceField(
        queryset=None,
        label="Specification requirement (optional)",
        required=False,
        empty_label="None",
        help_text=f"The requirement of the signed-off specification this {what}: it joins the "
        "golden thread from what service users said to the contract and its evidence.",
    )


def _spec_requirement_label(requirement) -> str:
    text = " ".join(requirement.text.split())
    text = text if len(text) <= 90 else text[:89] + "…"
    return f"{requirement.key}: {text}"


class SpecRequirementMixin:
    """Sets the ``spec_requirement`` field's choices (``spec_requirements``)."""

    def _set_spec_requirements(self, spec_requirements) -> None:
        field = self.fields["spec_requirement"]
        field.queryset = spec_requirements
        field.label_from_instance = _spec_requirement_label


class CriterionForm(SpecRequirementMixin, GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter a name"}
    )
    question = forms.CharField(
        label="Question for bidders", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    weight = forms.DecimalField(
        label="Weight (% of the total)",
        help_text="0 for a group: its weight is the total of the questions under it.",
        **WEIGHT,
        error_messages={"required": "Enter the weight"},
    )
    minimum_score = forms.IntegerField(
        label="Minimum score",
        required=False,
        min_value=0,
        help_text="A bid scoring below this on the question (scored 0 to 4) is non-compliant: "
        "it is not ranked and cannot win. Leave empty for no minimum.",
        error_messages={
            "invalid": "Enter the minimum score as a whole number, like 2",
            "min_value": "The minimum score must be 0 or more",
        },
    )
    parent = forms.ModelChoiceField(
        queryset=None, label="Group (optional)", required=False, empty_label="None (top level)"
    )
    spec_requirement = _spec_requirement_field("question assesses")

    def __init__(self, *args, groups, spec_requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = groups
        self._set_spec_requirements(spec_requirements)


class CriterionEditForm(CriterionForm):
    """Changing a criterion: its name, question, weight and group. A group (a criterion with
    questions under it) stays at the top level."""

    GROUP_WEIGHT = "A group's weight is the total of the questions under it: leave it at 0."

    def __init__(self, *args, criterion, spec_requirements, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "name": criterion.name,
                "question": criterion.question,
                "weight": criterion.weight,
                "minimum_score": criterion.minimum_score,
                "parent": criterion.parent_id,
                "spec_requirement": criterion.spec_requirement_id,
            },
        )
        groups = criterion.tender.quality_criteria.filter(parent__isnull=True).exclude(
            pk=criterion.pk
        )
        super().__init__(*args, groups=groups, spec_requirements=spec_requirements, **kwargs)
        if not criterion.is_scored:
            del self.fields["parent"]
            del self.fields["minimum_score"]
            self.fields["weight"].help_text = self.GROUP_WEIGHT
        elif criterion.scale_max != 4:
            field = self.fields["minimum_score"]
            field.help_text = field.help_text.replace("0 to 4", f"0 to {criterion.scale_max}")


class PriceElementForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter a name"}
    )
    weight = forms.DecimalField(
        label="Weight (% of the total)",
        help_text="The elements' weights total the price weight.",
        **WEIGHT,
        error_messages={"required": "Enter the weight"},
    )
    unit = forms.CharField(
        label="Unit",
        max_length=60,
        required=False,
        help_text="For a rate per unit, what one unit is: for example ‘meal’ or ‘pack’. "
        "Leave it empty for a lump sum over the contract.",
    )
    annual_volume = forms.DecimalField(
        label="Estimated volume a year",
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="Published with the tender. Each bid's rate is evaluated at rate × this "
        "volume × the contract's years, and the contract value comes from it.",
        error_messages={
            "invalid": "Enter the estimated volume a year as a number, like 70000",
            "min_value": "The estimated volume a year must be more than 0",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )


class RequirementForm(SpecRequirementMixin, GovukForm):
    measure = forms.ModelChoiceField(
        queryset=None,
        label="Clause and measure",
        error_messages={"required": "Choose a measure"},
    )
    mode = forms.ChoiceField(
        label="How it is used",
        choices=RequirementMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the requirement is used"},
    )
    minimum = forms.DecimalField(
        label="Minimum (optional for a scored commitment)",
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
    )
    points_per_unit = forms.DecimalField(
        label="Points per unit (for a points menu, optional)",
        required=False,
        max_digits=7,
        decimal_places=4,
        min_value=Decimal(0),
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    spec_requirement = _spec_requirement_field("requirement delivers")

    def __init__(self, *args, measures, spec_requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures
        self.fields["measure"].label_from_instance = lambda m: (
            f"{m.clause.title}: {m.name} ({m.unit})"
        )
        self._set_spec_requirements(spec_requirements)


class RequirementEditForm(RequirementForm):
    """Changing a requirement: how it is used, its notes and the specification requirement it
    delivers. The clause and measure stay (remove it and add another to change them)."""

    def __init__(self, *args, requirement, spec_requirements, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "mode": requirement.mode,
                "minimum": requirement.minimum,
                "points_per_unit": requirement.points_per_unit,
                "notes": requirement.notes,
                "spec_requirement": requirement.spec_requirement_id,
            },
        )
        super().__init__(*args, measures=None, spec_requirements=spec_requirements, **kwargs)
        del self.fields["measure"]


class TimetableForm(GovukForm):
    clarification_deadline = forms.DateTimeField(
        label="Clarification deadline", required=False, widget=DateTimeInput()
    )
    submission_deadline = forms.DateTimeField(
        label="Submission deadline", required=False, widget=DateTimeInput()
    )
    opening_at = forms.DateTimeField(label="Bid opening", required=False, widget=DateTimeInput())
    planned_award_on = forms.DateField(label="Planned award", required=False, widget=DateInput())


class RegisterForm(GovukForm):
    organisation = forms.ModelChoiceField(
        queryset=None,
        label="Organisation",
        help_text="The organisation that will bid.",
        error_messages={"required": "Choose the organisation"},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class QuestionForm(GovukForm):
    question = forms.CharField(
        label="Your question",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The question is published to every bidder without your name.",
        error_messages={"required": "Enter your question"},
    )


class AnswerForm(GovukForm):
    published_question = forms.CharField(
        label="Question as published",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Remove anything that identifies the bidder.",
        error_messages={"required": "Enter the question as it will be published"},
    )
    answer = forms.CharField(
        label="Answer",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the answer"},
    )


class AddendumForm(GovukForm):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    body = forms.CharField(
        label="Amendment",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the amendment"},
    )


class _ClauseFields(GovukForm):
    """What describes a clause in the library: its type, title and guidance."""

    type = forms.ChoiceField(label="Type", choices=ClauseType.choices)
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    guidance = forms.CharField(
        label="Guidance", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ClauseForm(_ClauseFields):
    wording = forms.CharField(
        label="Model wording",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the model wording"},
    )


class ClauseSettingsForm(_ClauseFields):
    """A clause's type, title, guidance and whether it is offered (the wording has its own,
    versioned form)."""

    is_active = forms.BooleanField(
        label="Offer this clause for new tenders",
        required=False,
        help_text="Untick to withdraw it: tenders that already use it keep it.",
    )


class WordingForm(GovukForm):
    wording = forms.CharField(
        label="Model wording",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Saving makes a new version; earlier versions stay, because tenders cite them.",
        error_messages={"required": "Enter the model wording"},
    )
    change_note = forms.CharField(label="What changed and why", required=False, max_length=300)


class MeasureForm(GovukForm):
    name = forms.CharField(
        label="Measure", max_length=200, error_messages={"required": "Name the measure"}
    )
    unit = forms.CharField(
        label="Unit", max_length=60, error_messages={"required": "Enter the unit"}
    )
    evidence = forms.CharField(
        label="Evidence", max_length=300, error_messages={"required": "Say how it is evidenced"}
    )


class ProxyForm(GovukForm):
    value = _money("Value in pounds per unit")
    effective_from = forms.DateField(
        label="In force from",
        widget=DateInput(),
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )
    table_version = forms.CharField(
        label="Proxy table version",
        max_length=40,
        error_messages={"required": "Enter the proxy table version"},
    )
    source = forms.CharField(label="Source", required=False, max_length=300)


class DocumentForm(GovukForm):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    file = forms.FileField(label="File", error_messages={"required": "Choose a file"})
