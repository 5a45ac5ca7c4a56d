"""GOV.UK forms for the consortium."""

from decimal import Decimal

from django import forms

from coplan.core.forms import DateInput, GovukForm

from .enums import LegalModel
from .models import Agreement

HUNDRED = Decimal(100)


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.email})"


class ConsortiumForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Name the consortium"}
    )
    legal_model = forms.ChoiceField(
        label="Legal model",
        choices=LegalModel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the legal model"},
    )
    members = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Members",
        widget=forms.CheckboxSelectMultiple,
        help_text="The social enterprises on the design committee that will bid together.",
        error_messages={"required": "Choose at least one member"},
    )
    lead = forms.ModelChoiceField(
        queryset=None,
        label="Lead partner",
        required=False,
        help_text="It bids for the members and manages the consortium's documents.",
    )
    formed_on = forms.DateField(
        label="Formed on",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter a real date"},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = organisations
        self.fields["lead"].queryset = organisations

    def clean(self):
        data = super().clean()
        lead, members = data.get("lead"), data.get("members")
        if lead and members is not None and lead not in members:
            self.add_error("lead", "The lead partner must be one of the members")
        return data


class ConsortiumEditForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Name the consortium"}
    )
    legal_model = forms.ChoiceField(
        label="Legal model", choices=LegalModel.choices, widget=forms.RadioSelect
    )
    lead = forms.ModelChoiceField(queryset=None, label="Lead partner", required=False)
    formed_on = forms.DateField(
        label="Formed on",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter a real date"},
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = organisations


class MemberAddForm(GovukForm):
    organisation = forms.ModelChoiceField(
        queryset=None,
        label="Social enterprise",
        empty_label=None,
        error_messages={"required": "Choose the social enterprise"},
    )
    role = forms.CharField(label="What they bring", max_length=300, required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class MemberEditForm(GovukForm):
    role = forms.CharField(label="What they bring", max_length=300, required=False)
    signatory = PersonChoice(
        queryset=None,
        label="Authorised signatory",
        required=False,
        help_text="Someone who joined the partnership on behalf of this enterprise.",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatory"].queryset = people


class ServiceForm(GovukForm):
    name = forms.CharField(
        label="Service", max_length=200, error_messages={"required": "Name the service"}
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CapabilityForm(GovukForm):
    member = forms.ModelChoiceField(queryset=None, label="Member", empty_label=None)
    service = forms.ModelChoiceField(queryset=None, label="Service", empty_label=None)
    geography = forms.CharField(
        label="Area",
        max_length=200,
        help_text="A town, locality or area the member covers for this service.",
        error_messages={"required": "Name the area"},
    )
    notes = forms.CharField(label="Notes", max_length=300, required=False)

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = consortium.members.select_related("organisation")
        self.fields["service"].queryset = consortium.services.all()


def _percent(label):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        error_messages={
            "invalid": "Enter a percentage, like 40",
            "min_value": "Enter a percentage of 0 or more",
            "max_value": "Enter a percentage of 100 or less",
            "max_decimal_places": "Enter the percentage with at most 2 decimal places",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class SplitForm(GovukForm):
    def __init__(self, *args, split, **kwargs):
        initial = {}
        for row in split.rows:
            initial[f"work_{row.member.pk}"] = row.work.normalize()
            initial[f"revenue_{row.member.pk}"] = row.revenue.normalize()
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.members = [row.member for row in split.rows]
        for member in self.members:
            self.fields[f"work_{member.pk}"] = _percent(f"{member}: share of the work (%)")
            self.fields[f"revenue_{member.pk}"] = _percent(f"{member}: share of the revenue (%)")

    def clean(self):
        data = super().clean()
        if self.errors or not self.members:
            return data
        for kind, label in (("work", "work"), ("revenue", "revenue")):
            total = sum(
                (data.get(f"{kind}_{m.pk}") or Decimal(0) for m in self.members), Decimal(0)
            )
            if total != HUNDRED:
                self.add_error(
                    f"{kind}_{self.members[0].pk}",
                    f"The shares of the {label} total {total.normalize():f} %: they must "
                    "total 100 %",
                )
        return data

    def shares(self) -> dict:
        data = self.cleaned_data
        return {
            m: (data.get(f"work_{m.pk}") or Decimal(0), data.get(f"revenue_{m.pk}") or Decimal(0))
            for m in self.members
        }


class AgreementForm(GovukForm):
    def __init__(self, *args, agreement, **kwargs):
        kwargs.setdefault("initial", {f: getattr(agreement, f) for f in Agreement.TERMS})
        super().__init__(*args, **kwargs)
        hints = {
            "heads_of_terms": "The main points the members agree before the full agreement: "
            "who does what, how the money flows, how decisions are made.",
            "governance": "How the consortium decides and who represents it.",
            "liability": "Who carries which risks, insurance and indemnities.",
        }
        for name in Agreement.TERMS:
            field = Agreement._meta.get_field(name)
            self.fields[name] = forms.CharField(
                label=str(field.verbose_name).capitalize(),
                required=False,
                help_text=hints.get(name, ""),
                widget=forms.Textarea(attrs={"rows": 4}),
            )
