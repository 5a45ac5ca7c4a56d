"""Forms of the benefits app. Proportions are stored as fractions (0.25) and entered as
percentages (25)."""

from decimal import Decimal

from django import forms

from coplan.core.forms import DateInput, GovukForm, GovukModelForm

from . import calc
from .models import SroiAnalysis, SroiOutcome

HUNDRED = Decimal(100)


class PercentField(forms.DecimalField):
    """A percentage on the page, a fraction in ``cleaned_data``."""

    def __init__(self, *, maximum=HUNDRED, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", maximum)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "step": "any"})

    def prepare_value(self, value):
        if isinstance(value, Decimal):  # a stored fraction; bound data arrives as a string
            return (value * HUNDRED).normalize()
        return value

    def clean(self, value):
        cleaned = super().clean(value)
        return Decimal(0) if cleaned is None else cleaned / HUNDRED


def _percent(label, help_text="", maximum=HUNDRED):
    return PercentField(label=f"{label} (%)", help_text=help_text, maximum=maximum)


OUTCOME_HELP = {
    "deadweight": "How much would have happened anyway.",
    "displacement": "How much displaced other good outcomes elsewhere.",
    "attribution": "How much is owed to other people or organisations.",
    "drop_off": "How much the outcome falls each year after the first.",
}


class AnalysisForm(GovukModelForm):
    discount_rate = _percent("Discount rate", "3.5 % is HM Treasury's Green Book rate.", 99)

    class Meta:
        model = SroiAnalysis
        fields = ["title", "contract", "scope", "stakeholders", "investment", "discount_rate"]
        labels = {"investment": "Investment (£)", "contract": "Contract (optional)"}
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 3}),
            "stakeholders": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, contracts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("discount_rate", calc.DEFAULT_DISCOUNT_RATE)
        if contracts:
            self.fields["contract"].queryset = contracts
            self.fields["contract"].empty_label = "The partnership's service as a whole"
        else:
            del self.fields["contract"]
        self.fields["investment"].widget.attrs.update({"inputmode": "decimal", "step": "any"})


class OutcomeForm(GovukModelForm):
    deadweight = _percent("Deadweight", OUTCOME_HELP["deadweight"])
    displacement = _percent("Displacement", OUTCOME_HELP["displacement"])
    attribution = _percent("Attribution", OUTCOME_HELP["attribution"])
    drop_off = _percent("Drop-off", OUTCOME_HELP["drop_off"])

    class Meta:
        model = SroiOutcome
        fields = [
            "name",
            "stakeholder",
            "indicator",
            "quantity",
            "proxy",
            "proxy_source",
            "deadweight",
            "displacement",
            "attribution",
            "drop_off",
            "duration_years",
        ]
        labels = {"name": "Outcome", "proxy": "Financial proxy (£ per unit)"}


class CalculatorForm(GovukForm):
    investment = forms.DecimalField(
        label="Investment (£)",
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        help_text="The value of everything put into the activity.",
    )
    discount_rate = _percent("Discount rate", "3.5 % is HM Treasury's Green Book rate.", 99)


class CalculatorOutcomeForm(GovukForm):
    name = forms.CharField(label="Outcome", max_length=200, required=False)
    quantity = forms.DecimalField(label="Quantity", min_value=0, required=False)
    proxy = forms.DecimalField(label="Financial proxy (£ per unit)", min_value=0, required=False)
    deadweight = _percent("Deadweight", OUTCOME_HELP["deadweight"])
    displacement = _percent("Displacement", OUTCOME_HELP["displacement"])
    attribution = _percent("Attribution", OUTCOME_HELP["attribution"])
    drop_off = _percent("Drop-off", OUTCOME_HELP["drop_off"])
    duration_years = forms.IntegerField(
        label="Duration (years)", min_value=1, max_value=calc.MAX_YEARS, required=False
    )

    def __init__(self, *args, number=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number

    def clean(self):
        data = super().clean()
        if not data.get("name") and data.get("quantity") is None and data.get("proxy") is None:
            data["blank"] = True
            return data
        for name, message in (
            ("name", "Name the outcome"),
            ("quantity", "Enter the quantity"),
            ("proxy", "Enter the financial proxy"),
        ):
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message)
        if data.get("duration_years") is None:
            data["duration_years"] = 1
        return data

    def as_calc(self) -> calc.Outcome:
        d = self.cleaned_data
        return calc.Outcome(
            name=d["name"],
            quantity=d["quantity"],
            proxy=d["proxy"],
            deadweight=d["deadweight"],
            displacement=d["displacement"],
            attribution=d["attribution"],
            drop_off=d["drop_off"],
            duration_years=d["duration_years"],
        )


# --- returns ---------------------------------------------------------------------------------


class ReturnForm(GovukForm):
    """A quarter's return: the quarter, then an actual (and notes, and for recruitment the
    additional recruits) per commitment, with an optional evidence file each."""

    period_start = forms.TypedChoiceField(label="Quarter", coerce=str)
    notes = forms.CharField(
        label="Notes on the quarter", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, quarters, commitments, recruitment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_start"].choices = [
            (start.isoformat(), calc.quarter_label(start, end)) for start, end in quarters
        ]
        self.commitments = commitments
        for c in commitments:
            self.fields[f"actual_{c.pk}"] = forms.DecimalField(
                label=f"{c.description} ({c.unit})",
                min_value=0,
                max_digits=14,
                decimal_places=2,
                required=False,
                help_text="Leave blank if nothing to report for it this quarter.",
            )
            if c.pk in recruitment:
                self.fields[f"additional_{c.pk}"] = forms.IntegerField(
                    label=f"Of these, additional: would not have been recruited without the "
                    f"contract ({c.description})",
                    min_value=0,
                    required=False,
                )
            self.fields[f"notes_{c.pk}"] = forms.CharField(
                label=f"Notes on {c.description}", required=False
            )
            self.fields[f"file_{c.pk}"] = forms.FileField(
                label=f"Evidence for {c.description}",
                required=False,
                help_text=c.evidence_type or "A PDF, image, CSV or spreadsheet, up to 10 MB.",
            )

    def clean(self):
        data = super().clean()
        if not any(data.get(f"actual_{c.pk}") is not None for c in self.commitments):
            raise forms.ValidationError("Enter at least one commitment's actual.")
        return data

    def lines(self) -> dict:
        d = self.cleaned_data
        return {
            c: {
                "actual": d[f"actual_{c.pk}"],
                "notes": d.get(f"notes_{c.pk}", ""),
                "additional": d.get(f"additional_{c.pk}"),
            }
            for c in self.commitments
            if d.get(f"actual_{c.pk}") is not None
        }

    def uploads(self) -> dict:
        return {
            c: self.cleaned_data[f"file_{c.pk}"]
            for c in self.commitments
            if self.cleaned_data.get(f"file_{c.pk}")
        }


class QueryForm(GovukForm):
    query = forms.CharField(label="What needs checking", widget=forms.Textarea(attrs={"rows": 3}))


class ResubmitForm(GovukForm):
    actual = forms.DecimalField(label="Actual", min_value=0, max_digits=14, decimal_places=2)
    notes = forms.CharField(
        label="Your answer to the query", widget=forms.Textarea(attrs={"rows": 3})
    )
    additional = forms.IntegerField(label="Of these, additional", min_value=0, required=False)


class EvidenceForm(GovukForm):
    file = forms.FileField(
        label="Evidence file", help_text="A PDF, image, CSV or spreadsheet, up to 10 MB."
    )


class RetentionForm(GovukForm):
    in_post_26 = forms.IntegerField(label="Still in post at 26 weeks", min_value=0, required=False)
    in_post_52 = forms.IntegerField(label="Still in post at 52 weeks", min_value=0, required=False)


class RemedyForm(GovukForm):
    actions = forms.CharField(label="What will be done", widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = forms.DateField(label="Starts on", widget=DateInput())
    due_on = forms.DateField(label="Due by", widget=DateInput())


class ThresholdsForm(GovukForm):
    green_percent = forms.DecimalField(
        label="Green from (% of the pro-rata target)", min_value=0, max_digits=6, decimal_places=2
    )
    amber_percent = forms.DecimalField(
        label="Amber from (% of the pro-rata target)", min_value=0, max_digits=6, decimal_places=2
    )


class CompleteRemedyForm(GovukForm):
    completed_on = forms.DateField(label="Closed on", widget=DateInput())
    outcome = forms.CharField(
        label="What the plan achieved", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
