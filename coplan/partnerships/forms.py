from django import forms

from coplan.core.dates import DateExamples
from coplan.core.forms import DateInput, GovukForm, GovukModelForm
from coplan.core.models import Organisation, OrganisationType

from .enums import Role, Stage
from .models import Partnership


class PartnershipForm(GovukModelForm):
    class Meta:
        model = Partnership
        fields = ["title", "service_area", "summary", "lead_authority", "intermediary"]
        labels = {
            "title": "Partnership name",
            "summary": "Need, population and service",
            "intermediary": "Intermediary",
        }
        help_texts = {
            "title": "For example 'North Lanarkshire furniture PSP'.",
            "service_area": "For example 'Older people's low-level care and befriending'.",
            "summary": "The problem to solve, who it affects, what is spent now. This is the "
            "feasibility stage's need statement.",
            "intermediary": "The third-sector body that runs the process, such as a CVS.",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "title": {"required": "Enter the partnership's name"},
            "service_area": {"required": "Enter the service area"},
            "lead_authority": {"required": "Choose the lead authority"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_authority"].queryset = Organisation.objects.filter(
            type__in=[OrganisationType.LOCAL_AUTHORITY, OrganisationType.NHS_HSCP]
        )
        self.fields["intermediary"].queryset = Organisation.objects.filter(
            type=OrganisationType.INTERMEDIARY
        )


class NewPartnershipForm(PartnershipForm):
    tender_on = forms.DateField(
        label="Planned tender publication date",
        required=False,
        widget=DateInput(),
        help_text="Coplan back-plans the timeline from it: start 18 months before, a 6-month "
        "pilot, a specification freeze 2 months before.",
        error_messages={"invalid": "Enter a real date"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No partnership yet: the example is today's date.
        example = DateExamples().iso()
        self.fields["tender_on"].error_messages["invalid"] = f"Enter a real date, like {example}"


class TimelineForm(GovukModelForm):
    class Meta:
        model = Partnership
        fields = [
            "started_on",
            "design_ends_on",
            "pilot_starts_on",
            "pilot_ends_on",
            "spec_freeze_on",
            "tender_on",
        ]
        widgets = {name: DateInput() for name in fields}
        error_messages = {name: {"invalid": "Enter a real date"} for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each date's example is the partnership's own date, or its tender date.
        examples = DateExamples(self.instance)
        for name in self.Meta.fields:
            day = getattr(self.instance, name) or examples.tender_day
            self.fields[name].error_messages["invalid"] = (
                f"Enter a real date, like {examples.iso(day)}"
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("pilot_starts_on"), data.get("pilot_ends_on")
        if start and end and end < start:
            self.add_error(
                "pilot_ends_on", "The pilot's end date must be on or after its start date"
            )
        if bool(start) != bool(end) and not self.errors.get("pilot_ends_on"):
            missing = "pilot_ends_on" if start else "pilot_starts_on"
            self.add_error(missing, "Enter both the pilot's start and end dates, or neither")
        return data

    def _post_clean(self):
        # The model's check constraint repeats clean()'s pilot rule; report it once.
        super()._post_clean()
        errors = self.errors.get("__all__")
        if errors:
            self.errors["__all__"] = self.error_class(
                [e for e in errors if "pilot_ends_after" not in e]
            )
            if not self.errors["__all__"]:
                del self.errors["__all__"]


class BackPlanForm(GovukForm):
    prefix = "plan"  # the dates form on the same page has its own tender_on

    tender_on = forms.DateField(
        label="Tender publication date",
        widget=DateInput(),
        error_messages={
            "required": "Enter the tender date to back-plan from",
            "invalid": "Enter a real date",
        },
    )

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        examples = DateExamples(partnership)
        example = examples.iso(examples.tender_day)
        self.fields["tender_on"].error_messages["invalid"] = f"Enter a real date, like {example}"


class AdvanceForm(GovukForm):
    confirmed = forms.MultipleChoiceField(
        label="Checklist items you confirm", required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label="Note for the record", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, manual_criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].choices = [(c.code, c.label) for c in manual_criteria]
        if not manual_criteria:
            del self.fields["confirmed"]


class LoopBackForm(GovukForm):
    to_stage = forms.ChoiceField(
        label="Go back to",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the stage to go back to"},
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example 'pilot evidence showed the referral route does not work'.",
        error_messages={"required": "Say why the partnership is going back a stage"},
    )

    def __init__(self, *args, stage: Stage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(s.value, s.label) for s in stage.earlier]


class InviteForm(GovukForm):
    full_name = forms.CharField(label="Full name", required=False, max_length=200)
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the email address to send the invitation to",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="A person may hold several roles.",
        error_messages={"required": "Choose at least one role"},
    )
    organisation = forms.ModelChoiceField(
        label="On behalf of",
        queryset=Organisation.objects.all(),
        required=False,
        help_text="The organisation the person represents in this partnership.",
    )
