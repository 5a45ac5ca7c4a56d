"""Forms of the pilots app (GOV.UK rendering through ``coplan.core.forms``)."""

import datetime as dt

from django import forms

from coplan.core import clock
from coplan.core.dates import DateExamples, long_date
from coplan.core.errors import DomainError
from coplan.core.forms import DateInput, GovukForm, GovukModelForm
from coplan.core.models import Organisation, User
from coplan.design.models import Requirement
from coplan.partnerships.enums import Role

from . import importer
from .enums import (
    Aggregation,
    ConditionField,
    Direction,
    Disclosure,
    EvaluationKind,
    FeedbackChannel,
    Frequency,
    Measure,
    Method,
    Op,
    Severity,
)
from .models import Evaluation, Kpi, PilotIssue, PilotService


def partner_organisations(partnership):
    return Organisation.objects.filter(
        pk__in=partnership.memberships.filter(role=Role.SE_PARTNER)
        .exclude(organisation=None)
        .values("organisation")
    ).order_by("name")


class PilotForm(GovukForm):
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter a name for the pilot"},
        help_text="For example 'Homereach furniture pilot'.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What is piloted, where and for whom.",
    )
    starts_on = forms.DateField(
        label="Pilot starts",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date the pilot starts",
            "invalid": "Enter a real date",
        },
    )
    ends_on = forms.DateField(
        label="Pilot ends",
        widget=DateInput(),
        help_text="The last day of the pilot. A pilot runs at least 6 whole calendar months.",
        error_messages={
            "required": "Enter the date the pilot ends",
            "invalid": "Enter a real date",
        },
    )
    funding_amount = forms.DecimalField(
        label="Funding (£)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": "Enter the funding as a number, like 45000"},
    )
    funding_route = forms.CharField(
        max_length=200,
        required=False,
        help_text="For example 'council grant' or 'informal arrangement with the council'.",
    )
    funding_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, partnership=None, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].help_text = (
            "The last day of the pilot. A pilot runs at least 6 whole calendar months: "
            + DateExamples(partnership).six_month_pilot()
        )
        if creating:
            self.fields["services"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="One service per line, as 'name: unit', for example "
                "'Emergency furniture packs: pack'.",
                error_messages={"required": "Enter at least one service"},
            )
            self.fields["providers"] = forms.ModelMultipleChoiceField(
                queryset=partner_organisations(partnership),
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text="The partner organisations that deliver the pilot.",
            )
            self._decorate_widgets()

    def clean_services(self):
        services = []
        for number, line in enumerate(self.cleaned_data["services"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _, unit = line.partition(":")
            if not name.strip() or not unit.strip():
                raise forms.ValidationError(
                    f"Line {number}: write the service as 'name: unit', like 'Befriending: visit'"
                )
            services.append((name.strip()[:120], unit.strip()[:40]))
        if not services:
            raise forms.ValidationError("Enter at least one service")
        return services


class ServiceForm(GovukModelForm):
    class Meta:
        model = PilotService
        fields = ["name", "unit", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "name": {"required": "Enter the service's name"},
            "unit": {"required": "Enter what one unit is, like pack or visit"},
        }


class ProviderForm(GovukForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Partner organisation",
        error_messages={"required": "Choose the organisation"},
    )

    def __init__(self, *args, pilot=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partner_organisations(pilot.partnership).exclude(
            pk__in=pilot.providers.values("organisation")
        )


class ExtensionForm(GovukForm):
    new_ends_on = forms.DateField(
        label="New end date",
        widget=DateInput(),
        error_messages={"required": "Enter the new end date", "invalid": "Enter a real date"},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the pilot needs longer"},
    )


class StopForm(GovukForm):
    stopped_on = forms.DateField(
        label="Last day of the pilot",
        help_text="No delivery record or feedback may come after this day.",
        widget=DateInput(),
        error_messages={
            "required": "Enter the day the pilot stopped",
            "invalid": "Enter a real date",
        },
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why did the pilot stop early?",
        error_messages={"required": "Say why the pilot stopped early"},
    )


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve the extension"), ("refuse", "Refuse the extension")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or refuse"},
    )
    note = forms.CharField(
        required=False,
        max_length=300,
        help_text="For example the steering group meeting that decided.",
    )


class KpiForm(GovukModelForm):
    class Meta:
        model = Kpi
        fields = [
            "name",
            "definition",
            "unit",
            "baseline",
            "baseline_note",
            "target",
            "direction",
            "amber_tolerance",
            "frequency",
            "source",
            "method",
            "aggregation",
            "measure",
            "filter_service",
            "filter_provider",
            "filter_outcomes",
            "condition_field",
            "condition_op",
            "condition_value",
            "requirement",
            "requirement_key",
        ]
        labels = {
            "name": "KPI name",
            "method": "How the value is found",
            "aggregation": "Computation",
            "filter_service": "Only this service",
            "filter_provider": "Only this provider",
            "filter_outcomes": "Only these outcome codes",
            "condition_field": "Condition: field",
            "condition_op": "Condition: comparison",
            "condition_value": "Condition: value",
            "requirement": "Specification requirement it tests",
            "requirement_key": "Requirement reference",
        }
        help_texts = {
            "condition_value": "For example 5 (days) or DELIVERED; for 'is one of', "
            "separate values with commas.",
            "requirement_key": "Kept when the specification gets a new version, e.g. SL-2.",
            "aggregation": "For a KPI computed from records or feedback.",
        }
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 2}),
            "direction": forms.RadioSelect,
            "method": forms.RadioSelect,
        }
        error_messages = {
            "name": {"required": "Enter the KPI's name"},
            "definition": {"required": "Say exactly what is measured"},
            "unit": {"required": "Enter the unit, like % or days"},
            "target": {"required": "Enter the target", "invalid": "Enter the target as a number"},
            "baseline": {"invalid": "Enter the baseline as a number"},
            "source": {"required": "Say where the data comes from"},
        }

    def __init__(self, *args, pilot=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filter_service"].queryset = pilot.services.all()
        self.fields["filter_provider"].queryset = Organisation.objects.filter(
            pk__in=pilot.providers.values("organisation")
        )
        self.fields["aggregation"].choices = [
            ("", "Not computed (entered by hand)"),
            *list(Aggregation.choices),
        ]
        self.fields["measure"].choices = [("", "None"), *list(Measure.choices)]
        self.fields["condition_field"].choices = [
            ("", "No condition"),
            *list(ConditionField.choices),
        ]
        self.fields["condition_op"].choices = [("", "—"), *list(Op.choices)]
        self.fields["direction"].choices = Direction.choices
        self.fields["method"].choices = Method.choices
        self.fields["frequency"].choices = Frequency.choices
        requirement = self.fields["requirement"]
        try:
            requirement.queryset = Requirement.objects.filter(
                version__partnership=pilot.partnership
            ).select_related("version")
            requirement.label_from_instance = lambda r: (
                f"{r.key} (version {r.version.number}): {r.text[:70]}"
            )
        except Exception:  # the design app may not offer requirements yet
            requirement.queryset = requirement.queryset.none()
        self._decorate_widgets()


class KpiValueForm(GovukForm):
    period = forms.ChoiceField(label="Period", error_messages={"required": "Choose the period"})
    value = forms.DecimalField(
        max_digits=18,
        decimal_places=4,
        error_messages={"required": "Enter the value", "invalid": "Enter the value as a number"},
    )
    note = forms.CharField(required=False, max_length=300, help_text="Where the figure comes from.")

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.isoformat(), label) for p, label in periods]

    def clean_period(self):
        return dt.date.fromisoformat(self.cleaned_data["period"])


SATISFACTION = [("", "Not recorded")] + [(str(k), str(k)) for k in range(1, 6)]


class RecordForm(GovukForm):
    service = forms.ModelChoiceField(
        queryset=PilotService.objects.none(), error_messages={"required": "Choose the service"}
    )
    provider = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), error_messages={"required": "Choose the provider"}
    )
    delivered_on = forms.DateField(
        label="Date delivered",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date of the delivery",
            "invalid": "Enter a real date",
        },
    )
    quantity = forms.DecimalField(
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text="How many units, like 1 or 2.5.",
        error_messages={
            "required": "Enter the quantity",
            "invalid": "Enter the quantity as a number",
            "min_value": "The quantity cannot be negative",
        },
    )
    unit = forms.CharField(
        required=False, max_length=40, help_text="Leave blank for the service's unit."
    )
    cost = forms.DecimalField(
        label="Cost (£)",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "required": "Enter the cost",
            "invalid": "Enter the cost as a number, like 125.50",
            "min_value": "The cost cannot be negative",
        },
    )
    client_id = forms.CharField(
        label="Client identifier",
        required=False,
        max_length=100,
        help_text="Stored only as a keyed hash, so repeat use can be counted; never shown again.",
    )
    referred_on = forms.DateField(
        label="Referral date",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter a real date"},
    )
    satisfaction = forms.TypedChoiceField(
        label="Satisfaction (1 to 5)",
        choices=SATISFACTION,
        coerce=int,
        empty_value=None,
        required=False,
    )
    outcome_code = forms.CharField(
        label="Outcome code", required=False, max_length=40, help_text="For example DELIVERED."
    )

    def __init__(self, *args, pilot=None, scope=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = pilot.services.all()
        providers = Organisation.objects.filter(pk__in=pilot.providers.values("organisation"))
        if scope is not None:
            providers = providers.filter(pk__in=scope)
        self.fields["provider"].queryset = providers
        if editing:
            self.fields[
                "client_id"
            ].help_text = "Leave blank to keep the stored reference; enter it to change it."


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Delivery records file",
        help_text="CSV (UTF-8) or Excel (.xlsx), with the column names in the first row. "
        "The whole file is checked first: if any row has a problem, nothing is imported.",
        error_messages={
            "required": "Choose a CSV or XLSX file",
            "empty": "The file is empty (0 bytes): choose the file again",
        },
    )

    def _decorate_widgets(self):
        super()._decorate_widgets()
        widget = self.fields["file"].widget
        classes = "govuk-file-upload"
        if getattr(self, "_errors", None) and self._errors.get("file"):
            classes += " govuk-file-upload--error"
        widget.attrs["class"] = classes
        widget.attrs["accept"] = ".csv,.xlsx,.xlsm,text/csv"


NOT_IN_FILE = ""


class MappingForm(GovukForm):
    """Which column of the file holds each field; service and provider may be one fixed
    value for every row; other named columns may be kept as extra data."""

    def __init__(self, *args, batch=None, pilot=None, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch = batch
        mapping = importer.Mapping.from_json(batch.mapping)
        columns = [(str(i), h) for i, h in enumerate(batch.columns) if h]
        for target in importer.TARGETS:
            choices = [(NOT_IN_FILE, "Not in the file"), *columns]
            self.fields[f"col_{target.name}"] = forms.ChoiceField(
                label=target.label,
                choices=choices,
                required=False,
                help_text=target.hint,
                initial=str(mapping.columns[target.name])
                if target.name in mapping.columns
                else NOT_IN_FILE,
            )
        services = [(str(s.pk), s.name) for s in pilot.services.all()]
        providers = [
            (str(p.organisation_id), p.organisation.name)
            for p in pilot.providers.select_related("organisation")
            if scope is None or p.organisation_id in scope
        ]
        self.fields["fixed_service"] = forms.ChoiceField(
            label="Or the same service for every row",
            choices=[("", "No: take it from a column"), *services],
            required=False,
            initial=str(mapping.fixed.get("service", "")),
        )
        self.fields["fixed_provider"] = forms.ChoiceField(
            label="Or the same provider for every row",
            choices=[("", "No: take it from a column"), *providers],
            required=False,
            initial=str(mapping.fixed.get("provider", "")),
        )
        self.fields["extra"] = forms.MultipleChoiceField(
            label="Keep these other columns as extra data",
            choices=columns,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=[str(i) for i in mapping.extra],
        )
        self._decorate_widgets()

    def mapping(self) -> importer.Mapping:
        data = self.cleaned_data
        mapping = importer.Mapping()
        for target in importer.TARGETS:
            value = data.get(f"col_{target.name}")
            if value not in (None, NOT_IN_FILE):
                mapping.columns[target.name] = int(value)
        for name in ("service", "provider"):
            if data.get(f"fixed_{name}"):
                mapping.fixed[name] = int(data[f"fixed_{name}"])
                mapping.columns.pop(name, None)
        used = set(mapping.columns.values())
        mapping.extra = [int(i) for i in data.get("extra", []) if int(i) not in used]
        return mapping


class RevertForm(GovukForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why revert this upload?",
        error_messages={"required": "Say why the upload is reverted"},
    )


RATINGS = [
    ("5", "5 – very good"),
    ("4", "4 – good"),
    ("3", "3 – all right"),
    ("2", "2 – poor"),
    ("1", "1 – very poor"),
]


class FeedbackForm(GovukForm):
    rating = forms.TypedChoiceField(
        label="How good was the service?",
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 to 5"},
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Anything you want to tell us?",
        max_length=2000,
    )
    service = forms.ModelChoiceField(
        queryset=PilotService.objects.none(), required=False, empty_label="Any or not sure"
    )
    provider = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, empty_label="Any or not sure"
    )
    anonymous = forms.BooleanField(
        required=False,
        label="Do not record my name with this feedback",
        help_text="Anonymous feedback keeps no link to you, not even in the audit trail.",
    )

    def __init__(self, *args, pilot=None, on_behalf=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = pilot.services.all()
        self.fields["provider"].queryset = Organisation.objects.filter(
            pk__in=pilot.providers.values("organisation")
        )
        if on_behalf:
            self.fields["channel"] = forms.ChoiceField(
                choices=FeedbackChannel.choices, initial=FeedbackChannel.PAPER, label="Received by"
            )
            self.fields["received_on"] = forms.DateField(
                label="Date received",
                widget=DateInput(),
                initial=dt.date.today,
                error_messages={"invalid": "Enter a real date"},
            )
            self.fields["anonymous"].label = "Record it without a name"
            self.fields["anonymous"].initial = True
            self._decorate_widgets()
        self.pilot = pilot

    def clean(self):
        """Feedback is collected during the pilot: a date received outside it, or (for a
        service user, whose feedback is dated today) a pilot not running today, is refused."""

        from .domain.feedback import check_feedback_date

        data = super().clean()
        dated = "received_on" in self.fields
        day = data.get("received_on") if dated else clock.today()
        if day is None:
            return data
        try:
            check_feedback_date(self.pilot, day)
        except DomainError as error:
            if dated:
                self.add_error("received_on", error.message)
            else:
                first, last = self.pilot.starts_on, self.pilot.last_day
                self.add_error(
                    None,
                    f"Feedback is collected while the pilot runs ({first.day} {first:%B %Y} "
                    f"to {last.day} {last:%B %Y}): the pilot "
                    f"{'has not started yet' if day < first else 'has ended'}, so feedback "
                    "cannot be given here now.",
                )
        return data


class RespondForm(GovukForm):
    response = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What we did",
        error_messages={"required": "Say what was done"},
    )


class IssueForm(GovukModelForm):
    class Meta:
        model = PilotIssue
        fields = [
            "title",
            "description",
            "severity",
            "owner",
            "service",
            "provider",
            "raised_on",
            "resolution",
            "resolved_on",
        ]
        labels = {"title": "Problem", "raised_on": "Date raised", "resolved_on": "Date resolved"}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "resolution": forms.Textarea(attrs={"rows": 2}),
            "raised_on": DateInput(),
            "resolved_on": DateInput(),
        }
        error_messages = {
            "title": {"required": "Describe the problem"},
            "raised_on": {"invalid": "Enter a real date"},
            "resolved_on": {"invalid": "Enter a real date"},
        }

    def __init__(self, *args, pilot=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(
            memberships__partnership=pilot.partnership
        ).distinct()
        self.fields["service"].queryset = pilot.services.all()
        self.fields["provider"].queryset = Organisation.objects.filter(
            pk__in=pilot.providers.values("organisation")
        )
        self.fields["severity"].choices = Severity.choices


class EvaluationForm(GovukModelForm):
    class Meta:
        model = Evaluation
        fields = [
            "kind",
            "title",
            "period_start",
            "period_end",
            "summary",
            "feedback_summary",
            "lessons",
            "proposed_changes",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "period_start": DateInput(),
            "period_end": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "feedback_summary": forms.Textarea(attrs={"rows": 3}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
            "proposed_changes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": "Leave blank for a title made from the kind and dates.",
            "period_end": "An interim evaluation comes at six months or later.",
        }
        error_messages = {
            "kind": {"required": "Choose interim or final"},
            "period_start": {
                "required": "Enter the first day of data",
                "invalid": "Enter a real date",
            },
            "period_end": {
                "required": "Enter the last day of data",
                "invalid": "Enter a real date",
            },
        }

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["kind"].choices = EvaluationKind.choices
        if editing:
            for name in ("kind", "period_start", "period_end"):
                del self.fields[name]
            self.fields["title"].required = True
        self._decorate_widgets()


class ApproveForm(GovukForm):
    approved_on = forms.DateField(
        label="Date approved",
        widget=DateInput(),
        initial=dt.date.today,
        error_messages={"required": "Enter the date of approval", "invalid": "Enter a real date"},
    )
    note = forms.CharField(
        max_length=300,
        required=False,
        help_text="For example the steering group meeting that approved it.",
    )

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        day = long_date(DateExamples(partnership).approval_day())
        self.fields["note"].help_text = f"For example 'Steering group meeting of {day}'."


class ClassifyForm(GovukForm):
    """The disclosure class of the report and of each of its results."""

    def __init__(self, *args, evaluation=None, results=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = [("report", evaluation)] + [(f"r{r.pk}", r) for r in results]
        choices = [("", "Not classified yet"), *list(Disclosure.choices[1:])]
        for key, obj in self.items:
            label = "The report as a whole" if key == "report" else obj.label
            self.fields[f"{key}_disclosure"] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=obj.disclosure if obj.disclosure != Disclosure.UNCLASSIFIED else "",
            )
            self.fields[f"{key}_reason"] = forms.CharField(
                label=f"Reason or redaction ({label})",
                required=False,
                initial=obj.disclosure_reason,
                help_text="Required for 'internal only'.",
            )
        self._decorate_widgets()

    def clean(self):
        data = super().clean()
        for key, _ in self.items:
            if (
                data.get(f"{key}_disclosure") == Disclosure.INTERNAL_ONLY
                and not data.get(f"{key}_reason", "").strip()
            ):
                self.add_error(f"{key}_reason", "Say why it stays internal")
        return data

    def changes(self):
        for key, obj in self.items:
            disclosure = self.cleaned_data.get(f"{key}_disclosure")
            reason = self.cleaned_data.get(f"{key}_reason", "").strip()
            if disclosure and (disclosure != obj.disclosure or reason != obj.disclosure_reason):
                yield obj, disclosure, reason


def month_choices(months) -> list[tuple[str, str]]:
    return [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months]
