"""Forms of the bidding app. The bid form is built from the tender: one price per element (or
one total price), one response per scored quality question, one quantity per scored community
benefit, and up to three documents."""

from django import forms

from coplan.core.dates import DateExamples
from coplan.core.forms import DateInput, GovukForm, money_field

from .domain import scored_criteria, scored_requirements

DOCUMENTS = 3


def _schedule_hint(element, duration_months) -> str:
    """How a price element of the schedule is evaluated, in the bidder's words."""
    if element.is_unit_rate:
        years = f" × {duration_months} months ÷ 12" if duration_months else ""
        return (
            f"Your rate per {element.unit}, excluding VAT. It is evaluated at the rate × the "
            f"published estimate of {element.annual_volume.normalize():,f} a year{years}."
        )
    if element.unit:
        return f"Your rate per {element.unit}, excluding VAT."
    return "Your price for the whole contract, excluding VAT."


class BidForm(GovukForm):
    def __init__(self, *args, tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = tender
        self.price_fields = {}
        elements = list(tender.price_elements.all())
        if elements:
            for i, e in enumerate(elements):
                name = f"price_{i}"
                self.fields[name] = money_field(
                    f"Price: {e.name} (£ per {e.unit})" if e.unit else f"Price: {e.name} (£)",
                    help_text=_schedule_hint(e, tender.duration_months),
                    what=f"your rate per {e.unit} for {e.name}"
                    if e.unit
                    else f"your price for {e.name}",
                )
                self.price_fields[name] = e.name
        else:
            self.fields["price"] = money_field("Total price (£)", what="your total price")
        self.quality_fields = {}
        for i, c in enumerate(scored_criteria(tender)):
            name = f"quality_{i}"
            self.fields[name] = forms.CharField(
                label=f"Quality: {c.name}",
                help_text=c.question,
                widget=forms.Textarea,
                error_messages={"required": f"Answer the quality question ‘{c.name}’"},
            )
            self.quality_fields[name] = c.name
        self.quantity_fields = {}
        for r in scored_requirements(tender):
            name = f"quantity_{r.pk}"
            minimum = f" (at least {r.minimum.normalize():f})" if r.minimum is not None else ""
            self.fields[name] = forms.DecimalField(
                label=f"Community benefit: {r.measure.name} ({r.measure.unit}){minimum}",
                min_value=0,
                decimal_places=2,
                max_digits=14,
                error_messages={
                    "required": f"Enter the quantity you commit to for {r.measure.name}",
                    "invalid": f"Enter the quantity for {r.measure.name} as a number, like 24",
                    "min_value": f"The quantity for {r.measure.name} cannot be negative",
                },
            )
            self.quantity_fields[name] = str(r.pk)
            self.fields[f"{name}_up_to"] = forms.DecimalField(
                label=f"Up to: {r.measure.name} ({r.measure.unit})",
                help_text="If you offer a range, its top. You are scored on, and held to, the "
                "quantity above; the range becomes the contract's target.",
                required=False,
                min_value=0,
                decimal_places=2,
                max_digits=14,
                error_messages={
                    "invalid": f"Enter the top of the range for {r.measure.name} as a number",
                    "min_value": f"The top of the range for {r.measure.name} cannot be negative",
                },
            )
        for i in range(1, DOCUMENTS + 1):
            self.fields[f"document_{i}"] = forms.FileField(label=f"Document {i}", required=False)

    def domain_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "prices": {label: data[name] for name, label in self.price_fields.items()},
            "price": data.get("price"),
            "quality": {label: data[name] for name, label in self.quality_fields.items()},
            "quantities": {key: data[name] for name, key in self.quantity_fields.items()},
            "quantities_up_to": {
                key: data[f"{name}_up_to"]
                for name, key in self.quantity_fields.items()
                if data.get(f"{name}_up_to") is not None
            },
            "documents": [],
        }
        for i in range(1, DOCUMENTS + 1):
            upload = data.get(f"document_{i}")
            if upload:
                kwargs["documents"].append((upload.name, upload.read()))
        return kwargs

    def field_for(self, domain_field: str | None) -> str | None:
        """The form field named by a domain error's ``field``."""
        if not domain_field:
            return None
        kind, _, key = domain_field.partition(".")
        table = {
            "prices": self.price_fields,
            "quality": self.quality_fields,
            "quantities": self.quantity_fields,
        }.get(kind)
        if kind == "documents" and key.isdigit():
            present = [i for i in range(1, DOCUMENTS + 1) if self.cleaned_data.get(f"document_{i}")]
            return f"document_{present[int(key)]}" if int(key) < len(present) else None
        if kind == "quantities_up_to":
            name = next((n for n, value in self.quantity_fields.items() if value == key), None)
            return f"{name}_up_to" if name else None
        if table is None:
            return domain_field if domain_field in self.fields else None
        return next((name for name, value in table.items() if value == key), None)


class ReceiptForm(GovukForm):
    receipt = forms.FileField(
        label="Your receipt",
        help_text="The receipt file (.txt) you downloaded when you submitted the bid.",
        error_messages={"required": "Choose the receipt file you downloaded"},
    )

    def receipt_text(self) -> str:
        upload = self.cleaned_data["receipt"]
        return upload.read(64 * 1024).decode("utf-8", errors="replace")


class OpeningTimeForm(GovukForm):
    opening_at = forms.DateTimeField(
        label="Opening time",
        help_text="Not before the submission deadline.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": "Enter the opening time", "invalid": "Enter a date and time"},
    )

    def _decorate_widgets(self):
        super()._decorate_widgets()
        widget = self.fields["opening_at"].widget
        error = (
            " govuk-input--error"
            if (getattr(self, "_errors", None) or {}).get("opening_at")
            else ""
        )
        widget.attrs["class"] = f"govuk-input govuk-input--width-20{error}"

    def __init__(self, *args, tender=None, **kwargs):
        super().__init__(*args, **kwargs)
        example = DateExamples(getattr(tender, "partnership", None)).opening_time(
            getattr(tender, "submission_deadline", None)
        )
        field = self.fields["opening_at"]
        field.help_text = f"Not before the submission deadline. For example {example}."


SCORES = [("", "Choose a score")] + [
    (str(n), f"{n} – {label}")
    for n, label in enumerate(("Unacceptable", "Poor", "Acceptable", "Good", "Excellent"))
]


class AssignForm(GovukForm):
    evaluator = forms.ChoiceField(label="Evaluator")
    part = forms.ChoiceField(label="Evaluates")
    training = forms.CharField(
        label="Evaluation training",
        help_text="What training in evaluation they have had, and when.",
        max_length=200,
        required=False,
    )

    def __init__(self, *args, tender, members, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        partnership = tender.partnership
        provider = getattr(partnership.intermediary, "name", None) or "your local CVS"
        self.fields["training"].help_text = (
            "What training in evaluation they have had, and when — for example "
            f"“Evaluator training, {provider}, {DateExamples(partnership).training_month()}”."
        )
        self.members = {str(u.pk): u for u in members}
        self.criteria = {str(c.pk): c for c in criteria}
        self.conflicts: list[str] = []
        self.fields["evaluator"].choices = [("", "Choose a person")] + [
            (pk, str(u)) for pk, u in self.members.items()
        ]
        self.fields["part"].choices = (
            [("", "Choose a part")]
            + [(pk, f"Quality: {c.name}") for pk, c in self.criteria.items()]
            + [("price", "Price and community benefits")]
        )
        self.fields["evaluator"].error_messages["required"] = "Choose the evaluator"
        self.fields["part"].error_messages["required"] = "Choose what they evaluate"
        if self.data.get("confirm_conflict"):  # ticked after a warning: keep the box
            self.fields["confirm_conflict"] = self._confirm_field()
            self._decorate_widgets()

    @staticmethod
    def _confirm_field():
        return forms.BooleanField(
            label="Assign anyway",
            help_text="They must still declare their interests, and see no bid until you "
            "decide on their declaration.",
            required=False,
        )

    def warn_conflict(self, error) -> None:
        """Show the conflict Coplan found (a refused assignment, code
        ``conflict_of_interest``) with an "Assign anyway" box the officer must tick."""
        self.conflicts = error.data.get("conflicts", [])
        if "confirm_conflict" not in self.fields:
            self.fields["confirm_conflict"] = self._confirm_field()
        who = self.members[self.cleaned_data["evaluator"]]
        self.add_error(
            "confirm_conflict",
            f"{who} may have a conflict of interest: tick “Assign anyway” to assign them, or "
            "choose someone else",
        )
        self._decorate_widgets()


class ShortfallForm(GovukForm):
    reason = forms.CharField(
        label="Why fewer than three evaluators",
        widget=forms.Textarea,
        error_messages={"required": "Say why fewer than three evaluators score it"},
    )


class DeclarationForm(GovukForm):
    kind = forms.ChoiceField(
        label="Do you have a conflict of interest in this tender?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you have a conflict of interest"},
    )
    details = forms.CharField(
        label="Details",
        help_text="Required unless you declare no conflict. Say what the interest is.",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        from .enums import Conflict

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Conflict.choices


class DecideForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[("recused", "Recuse the evaluator"), ("proceed", "Proceed with mitigation")],
        error_messages={"required": "Choose recuse or proceed"},
    )
    mitigation = forms.CharField(
        label="Mitigation", help_text="Required to proceed.", widget=forms.Textarea, required=False
    )
    reason = forms.CharField(
        label="Reasons", widget=forms.Textarea, error_messages={"required": "Give the reasons"}
    )


class ScoreForm(GovukForm):
    score = forms.ChoiceField(
        label="Score", choices=SCORES, error_messages={"required": "Choose a score"}
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the rationale for the score"},
    )


class ModerateForm(GovukForm):
    score = forms.ChoiceField(
        label="Consensus score", choices=SCORES, error_messages={"required": "Choose a score"}
    )
    rationale = forms.CharField(
        label="Consensus rationale",
        widget=forms.Textarea,
        error_messages={"required": "Write the consensus rationale"},
    )
    difference_reason = forms.CharField(
        label="Why the consensus differs from the individual scores",
        help_text="Required when it differs from any individual score.",
        widget=forms.Textarea,
        required=False,
    )


class PriceQueryForm(GovukForm):
    text = forms.CharField(
        label="Text", widget=forms.Textarea, error_messages={"required": "Enter the text"}
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        choices=[("accepted", "Accept the explanation"), ("rejected", "Reject the bid")],
        required=False,
    )


class AwardForm(GovukForm):
    reasons = forms.CharField(
        label="Reasons for the award",
        help_text="Given to every bidder in the letters.",
        widget=forms.Textarea,
        error_messages={"required": "Give the reasons for the award"},
    )
    electronic = forms.TypedChoiceField(
        label="How are the letters sent?",
        widget=forms.RadioSelect,
        choices=[("yes", "Electronically (10-day standstill)"), ("no", "By post (15 days)")],
        coerce=lambda v: v == "yes",
        error_messages={"required": "Choose how the letters are sent"},
    )
    decision = forms.ChoiceField(
        label="Governance award-approval decision",
        required=False,
        help_text="Required where the partnership has a governance body.",
    )
    starts_on = forms.DateField(label="Contract starts on", required=False, widget=DateInput())
    ends_on = forms.DateField(label="Contract ends on", required=False, widget=DateInput())
    value = money_field(
        "Contract value in pounds, excluding VAT",
        required=False,
        help_text="Leave it empty to use the value the winning bid's price schedule gives "
        "(shown above). Enter a value only where the schedule cannot give it, or gives the "
        "wrong one.",
    )
    value_reason = forms.CharField(
        label="Reason for entering the contract value",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you enter a value other than the one derived.",
    )
    kpis = forms.MultipleChoiceField(
        label="Contract KPIs",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The pilot's KPIs the supplier will report against under the contract. "
        "Select all that apply.",
        error_messages={"invalid_choice": "Choose the partnership's pilot KPIs"},
    )

    def __init__(self, *args, decisions=(), kpis=(), standstill=(10, 15), **kwargs):
        super().__init__(*args, **kwargs)
        self.decisions = {str(d.pk): d for d in decisions}
        self.fields["decision"].choices = [("", "None")] + [
            (pk, f"{d.meeting} – decision {d.number}") for pk, d in self.decisions.items()
        ]
        electronic, other = standstill
        self.fields["electronic"].choices = [
            ("yes", f"Electronically ({electronic}-day standstill)"),
            ("no", f"By post ({other}-day standstill)"),
        ]
        self.kpis = {str(k.pk): k for k in kpis}
        self.fields["kpis"].choices = [
            (pk, f"{k.pilot.title}: {k.name} ({k.unit})") for pk, k in self.kpis.items()
        ]
        if not self.kpis:
            del self.fields["kpis"]

    def chosen_kpis(self) -> list:
        return [self.kpis[pk] for pk in self.cleaned_data.get("kpis", ())]
