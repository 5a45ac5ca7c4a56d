"""GOV.UK forms for cost models and capacity building. Percentages are entered as percentages
(60 for 60 %) and stored as fractions (0.6)."""

from decimal import Decimal

from django import forms

from coplan.core.dates import DateExamples
from coplan.core.forms import DateInput, GovukForm, money_field

from .enums import (
    SCORE_LABELS,
    ActionStatus,
    ActivityKind,
    Basis,
    CapacityArea,
    DirectCostCategory,
    Driver,
    PoolCategory,
)

HUNDRED = Decimal(100)


def percent_field(label, *, required=False, help_text=""):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=2,
        required=required,
        help_text=help_text,
        error_messages={
            "invalid": "Enter a percentage, like 60",
            "min_value": "Enter a percentage of 0 or more",
            "max_value": "Enter a percentage of 100 or less",
            "max_decimal_places": "Enter the percentage with at most 2 decimal places",
        },
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-4"}
        ),
    )


class CostModelForm(GovukForm):
    organisation = forms.ModelChoiceField(
        queryset=None,
        label="Social enterprise",
        empty_label=None,
        error_messages={"required": "Choose the social enterprise"},
    )
    service = forms.CharField(
        label="Service",
        max_length=200,
        help_text="The service, or the enterprise's part of it, for example "
        "'Emergency furniture packs'.",
        error_messages={"required": "Name the service being costed"},
    )
    unit_name = forms.CharField(
        label="Unit of service",
        max_length=100,
        initial="unit",
        help_text="What one unit is, for example 'furniture pack' or 'befriending hour'.",
        error_messages={"required": "Say what one unit of service is"},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class SettingsForm(GovukForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    period = forms.CharField(
        label="Period",
        max_length=100,
        required=False,
        help_text="The period the figures cover, such as a financial year.",
    )
    units = forms.DecimalField(
        label="Units of service in the period",
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        error_messages={
            "required": "Enter how many units of service the period delivers",
            "invalid": "Enter the units as a number, like 400",
            "min_value": "Units of service must be more than 0",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
    )
    surplus_percent = percent_field(
        "Surplus (%)", required=True, help_text="Added to the unit cost to set the price."
    )
    basis = forms.ChoiceField(
        label="Denominator: which activities share the overheads",
        choices=Basis.choices,
        widget=forms.RadioSelect,
        help_text="The share of a pool is the service's driver divided by this total.",
    )
    count_unallocated_staff = forms.BooleanField(
        label="Count staff with no allocation in headcount and staff time",
        required=False,
        help_text="Their part of those pools is then shown as unallocated.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, version=None, partnership=None, **kwargs):
        if version is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "revision": version.revision,
                "period": version.period,
                "units": version.units,
                "surplus_percent": (version.surplus_rate * HUNDRED).normalize(),
                "basis": version.basis,
                "count_unallocated_staff": version.count_unallocated_staff,
                "notes": version.notes,
            }
        super().__init__(*args, **kwargs)
        example = DateExamples(partnership).costing_period()
        self.fields["period"].help_text = f"For example {example}."

    def domain_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["surplus_rate"] = data.pop("surplus_percent") / HUNDRED
        return data


class ActivityForm(GovukForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label="Activity",
        max_length=200,
        help_text="Another project or service, core work, or fundraising.",
        error_messages={"required": "Name the activity"},
    )
    kind = forms.ChoiceField(label="Kind", choices=ActivityKind.choices)


class StaffForm(GovukForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label="Post", max_length=200, error_messages={"required": "Name the post"}
    )
    salary = money_field("Salary")
    employer_ni = money_field("Employer's National Insurance", required=False)
    pension = money_field("Employer's pension", required=False)

    def __init__(self, *args, activities, line=None, **kwargs):
        times = {}
        if line is not None:
            times = {t.activity_id: t.fraction for t in line.times.all()}
            kwargs.setdefault(
                "initial",
                {
                    "name": line.name,
                    "salary": line.salary,
                    "employer_ni": line.employer_ni,
                    "pension": line.pension,
                }
                | {
                    f"time_{a.pk}": (times[a.pk] * HUNDRED).normalize()
                    for a in activities
                    if a.pk in times
                },
            )
        super().__init__(*args, **kwargs)
        self.activities = list(activities)
        for activity in self.activities:
            self.fields[f"time_{activity.pk}"] = percent_field(f"Time on {activity.name} (%)")

    def clean(self):
        data = super().clean()
        total = sum((data.get(f"time_{a.pk}") or Decimal(0) for a in self.activities), Decimal(0))
        if total > HUNDRED:
            first = f"time_{self.activities[0].pk}" if self.activities else None
            self.add_error(
                first, f"The time adds up to {total.normalize():f} %: it cannot exceed 100 %"
            )
        return data

    def domain_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "salary": data["salary"],
            "employer_ni": data.get("employer_ni") or Decimal(0),
            "pension": data.get("pension") or Decimal(0),
            "times": {
                a: (data.get(f"time_{a.pk}") or Decimal(0)) / HUNDRED for a in self.activities
            },
            "revision": data.get("revision"),
        }


class DirectCostForm(GovukForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label="Item", max_length=200, error_messages={"required": "Name the cost"}
    )
    category = forms.ChoiceField(label="Category", choices=DirectCostCategory.choices)
    amount = money_field("Amount")
    activity = forms.ModelChoiceField(
        queryset=None,
        label="Activity",
        empty_label=None,
        error_messages={"required": "Choose the activity the cost is for"},
    )

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities


class PoolForm(GovukForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label="Pool", max_length=200, error_messages={"required": "Name the pool"}
    )
    category = forms.ChoiceField(label="Category", choices=PoolCategory.choices)
    amount = money_field("Amount")
    driver = forms.ChoiceField(
        label="Allocation driver",
        choices=Driver.choices,
        help_text="Usually headcount for premises, staff time for central functions and "
        "expenditure for governance.",
    )
    denominator = forms.DecimalField(
        label="Explicit denominator",
        required=False,
        min_value=Decimal("0.0001"),
        max_digits=18,
        decimal_places=4,
        help_text="Only if the total differs from the sum over the activities, for example "
        "the building's whole floor area. Leave empty to use the model's choice.",
        error_messages={
            "invalid": "Enter the denominator as a number",
            "min_value": "A denominator must be more than 0",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
    )


class DriverValuesForm(GovukForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, activities, driver, values, **kwargs):
        initial = {f"activity_{a.pk}": values.get(a.pk) for a in activities}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.activities = list(activities)
        self.driver = driver
        unit = " (square metres)" if driver == Driver.FLOOR_AREA else ""
        for activity in self.activities:
            self.fields[f"activity_{activity.pk}"] = forms.DecimalField(
                label=f"{activity.name}{unit}",
                required=False,
                min_value=0,
                max_digits=18,
                decimal_places=4,
                error_messages={
                    "invalid": "Enter a number",
                    "min_value": "Enter a value of 0 or more",
                },
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}
                ),
            )

    def values(self) -> dict:
        return {a: self.cleaned_data.get(f"activity_{a.pk}") for a in self.activities}


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Workbook (XLSX)",
        help_text="Laid out like the download: Summary, Direct costs, and Pools and drivers "
        "sheets. It replaces everything in the draft.",
        error_messages={"required": "Choose the workbook to upload"},
    )


class CompareForm(GovukForm):
    a = forms.TypedChoiceField(label="Compare version", coerce=int)
    b = forms.TypedChoiceField(label="with version", coerce=int)

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, f"Version {n}") for n in numbers]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices


# --- capacity ---------------------------------------------------------------------------------


class AssessmentForm(GovukForm):
    organisation = forms.ModelChoiceField(
        queryset=None,
        label="Social enterprise",
        empty_label=None,
        error_messages={"required": "Choose the social enterprise"},
    )
    assessed_on = forms.DateField(
        label="Date of the assessment",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date of the assessment",
            "invalid": "Enter a real date",
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        for area in CapacityArea:
            self.fields[f"score_{area.value}"] = forms.TypedChoiceField(
                label=area.label,
                choices=list(SCORE_LABELS.items()),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Score {area.label.lower()} from 1 to 5"},
            )
            self.fields[f"evidence_{area.value}"] = forms.CharField(
                label=f"Evidence for {area.label.lower()}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["notes"] = forms.CharField(
            label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    def scores(self) -> dict:
        data = self.cleaned_data
        return {
            area.value: (data[f"score_{area.value}"], data.get(f"evidence_{area.value}", ""))
            for area in CapacityArea
        }


class ActionForm(GovukForm):
    organisation = forms.ModelChoiceField(
        queryset=None,
        label="Social enterprise",
        empty_label=None,
        error_messages={"required": "Choose the social enterprise"},
    )
    area = forms.ChoiceField(label="Area", choices=CapacityArea.choices)
    gap = forms.CharField(
        label="Gap",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Describe the gap"},
    )
    action = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Describe the action"},
    )
    provider = forms.CharField(
        label="Who provides it",
        max_length=200,
        error_messages={"required": "Say who provides it"},
    )
    due_on = forms.DateField(
        label="Due date",
        widget=DateInput(),
        error_messages={"required": "Enter the due date", "invalid": "Enter a real date"},
    )
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class VarianceThresholdForm(GovukForm):
    variance_threshold_percent = forms.DecimalField(
        label="Unit cost variance threshold (%)",
        min_value=Decimal("0.01"),
        max_value=Decimal(1000),
        max_digits=6,
        decimal_places=2,
        help_text="Amber when the pilot's actual unit cost is more than this percentage above "
        "the planned; red beyond twice it. 25 unless set.",
    )
