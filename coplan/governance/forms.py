"""Governance forms, rendered with the GOV.UK markup of :mod:`coplan.core.forms`."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone

from coplan.core.forms import DateInput, GovukForm, GovukModelForm
from coplan.core.models import Organisation, User
from coplan.partnerships.enums import Stage
from coplan.partnerships.models import Membership

from .enums import (
    ActionStatus,
    AttendanceStatus,
    BodyRole,
    DecisionKind,
    DeclarationOutcome,
    InterestKind,
    InterestNature,
)
from .models import Body, Interest

EXTRA_CLASSES = {
    forms.TimeInput: ("govuk-input govuk-input--width-5", "govuk-input--error"),
    forms.ClearableFileInput: ("govuk-file-upload", "govuk-file-upload--error"),
    forms.FileInput: ("govuk-file-upload", "govuk-file-upload--error"),
}


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class GovernanceFormMixin:
    """Adds the GOV.UK classes the core renderer does not know: time and file inputs."""

    def _decorate_widgets(self):
        super()._decorate_widgets()
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():
            for widget_type, (base, error) in EXTRA_CLASSES.items():
                if type(field.widget) is widget_type or isinstance(field.widget, widget_type):
                    classes = [base] + ([error] if errors.get(name) else [])
                    field.widget.attrs["class"] = " ".join(classes)
                    break


class Form(GovernanceFormMixin, GovukForm):
    pass


class ModelForm(GovernanceFormMixin, GovukModelForm):
    pass


def _person_label(membership: Membership) -> str:
    where = f", {membership.organisation}" if membership.organisation else ""
    return f"{membership.user.full_name} — {membership.get_role_display()}{where}"


class PeopleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


def people_of(partnership):
    return (
        User.objects.filter(memberships__partnership=partnership)
        .distinct()
        .order_by("full_name", "email")
    )


# --- bodies ------------------------------------------------------------------------------------


class BodyForm(ModelForm):
    class Meta:
        model = Body
        fields = ["kind", "name", "purpose", "terms_of_reference", "quorum", "decision_rule"]
        labels = {
            "kind": "Type of body",
            "name": "Name",
            "quorum": "Quorum (voting members present)",
            "decision_rule": "How the body decides",
        }
        help_texts = {
            "name": "For example ‘Steering group’ or ‘Referrals working group’.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "decision_rule": forms.RadioSelect,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "terms_of_reference": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "kind": {"required": "Choose the type of body"},
            "name": {"required": "Enter the body's name"},
            "quorum": {
                "required": "Enter the quorum",
                "invalid": "Enter the quorum as a whole number, like 3",
                "min_value": "The quorum must be at least 1",
            },
        }

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = editing
        if editing:
            del self.fields["kind"]

    def validate_unique(self):
        """Uniqueness is a business rule checked by the domain function."""


def voting_field():
    """The "Voting member?" question: a required yes or no, with no answer chosen for you."""
    return forms.TypedChoiceField(
        label="Voting member?",
        help_text="A voting member counts towards the quorum and votes on decisions.",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        error_messages={"required": "Say whether this is a voting member"},
    )


class BodyMemberForm(Form):
    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        label="Person",
        help_text="A member of the partnership, in the role they sit in. Their department or "
        "organisation is shown on the body.",
        error_messages={"required": "Choose the person"},
    )
    role_in_body = forms.ChoiceField(
        choices=BodyRole.choices, initial=BodyRole.MEMBER, label="Role on the body"
    )
    is_voting = voting_field()

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        seated = body.members.filter(left_on__isnull=True).values("user")
        field = self.fields["membership"]
        field.queryset = (
            Membership.objects.filter(partnership=body.partnership_id)
            .exclude(user__in=seated)
            .select_related("user", "organisation")
            .order_by("user__full_name", "role")
        )
        field.label_from_instance = _person_label


class SeatForm(Form):
    """Change a current seat: its role on the body and whether it votes."""

    role_in_body = forms.ChoiceField(choices=BodyRole.choices, label="Role on the body")
    is_voting = voting_field()

    def __init__(self, *args, seat, **kwargs):
        kwargs.setdefault(
            "initial",
            {"role_in_body": seat.role_in_body, "is_voting": "yes" if seat.is_voting else "no"},
        )
        super().__init__(*args, **kwargs)


# --- meetings ----------------------------------------------------------------------------------


class MeetingForm(Form):
    title = forms.CharField(
        required=False,
        max_length=200,
        label="Title",
        help_text="For example ‘Pilot review’. Leave blank for the body's name.",
    )
    date = forms.DateField(
        widget=DateInput(),
        label="Date",
        error_messages={
            "required": "Enter the date of the meeting",
            "invalid": "Enter a real date, like 2026-05-14",
        },
    )
    starts = forms.TimeField(
        widget=TimeInput(),
        label="Starts (UK time)",
        error_messages={"required": "Enter the start time", "invalid": "Enter a time like 10:00"},
    )
    ends = forms.TimeField(
        widget=TimeInput(),
        label="Ends (UK time)",
        error_messages={"required": "Enter the end time", "invalid": "Enter a time like 12:00"},
    )
    location = forms.CharField(
        required=False, max_length=300, label="Place", help_text="Room and address."
    )
    online_url = forms.URLField(
        required=False,
        max_length=500,
        label="Online meeting link",
        assume_scheme="https",
        error_messages={"invalid": "Enter a link like https://meet.example.org/steering"},
    )

    @classmethod
    def initial_for(cls, meeting) -> dict:
        start = timezone.localtime(meeting.starts_at)
        end = timezone.localtime(meeting.ends_at)
        return {
            "title": meeting.title,
            "date": start.date(),
            "starts": start.time().replace(second=0, microsecond=0),
            "ends": end.time().replace(second=0, microsecond=0),
            "location": meeting.location,
            "online_url": meeting.online_url,
        }

    def meeting_fields(self) -> dict:
        data = self.cleaned_data
        zone = ZoneInfo(settings.TIME_ZONE)
        return {
            "title": data["title"],
            "starts_at": dt.datetime.combine(data["date"], data["starts"], tzinfo=zone),
            "ends_at": dt.datetime.combine(data["date"], data["ends"], tzinfo=zone),
            "location": data["location"],
            "online_url": data["online_url"],
        }


class CancelForm(Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is the meeting cancelled?",
        help_text="Everyone invited is told.",
        error_messages={"required": "Say why the meeting is cancelled"},
    )


class AgendaItemForm(Form):
    title = forms.CharField(
        max_length=300, label="Item", error_messages={"required": "Enter the item's title"}
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Description"
    )
    presenter = PeopleChoiceField(queryset=None, required=False, label="Presented by")
    paper = forms.FileField(
        required=False,
        label="Paper",
        help_text="PDF, word processing, spreadsheet or presentation file, up to 20 MB.",
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = people_of(partnership)


class PaperForm(Form):
    title = forms.CharField(
        required=False, max_length=200, label="Title", help_text="Leave blank for the file name."
    )
    file = forms.FileField(
        label="File",
        help_text="PDF, word processing, spreadsheet or presentation file, up to 20 MB.",
        error_messages={"required": "Choose a file to upload"},
    )


class AttendanceForm(Form):
    """One radio group per seat (and per earlier attendee who has since left)."""

    def __init__(self, *args, people, current: dict, before_start: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        choices = AttendanceStatus.choices
        if before_start:
            choices = [("", "Not known yet"), (AttendanceStatus.APOLOGIES, "Apologies")]
        for person, organisation in people:
            name = f"person_{person.pk}"
            label = person.full_name + (f" ({organisation})" if organisation else "")
            self.fields[name] = forms.ChoiceField(
                choices=choices,
                required=not before_start,
                widget=forms.RadioSelect,
                label=label,
                initial=current.get(person.pk, ""),
                error_messages={"required": f"Choose whether {person.full_name} was present"},
            )

    def statuses(self) -> dict:
        return {
            person.pk: self.cleaned_data.get(f"person_{person.pk}") or None
            for person, _ in self.people
        }


class DeclarationForm(Form):
    person = PeopleChoiceField(
        queryset=None, label="Who declared", error_messages={"required": "Choose who declared"}
    )
    agenda_item = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Agenda item",
        empty_label="The whole meeting",
    )
    nature = forms.ChoiceField(
        choices=InterestNature.choices, widget=forms.RadioSelect, label="Kind of interest"
    )
    interest = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="The interest",
        help_text="For example ‘Trustee of Beulah Scotland, a pilot partner’.",
        error_messages={"required": "Describe the interest"},
    )
    outcome = forms.ChoiceField(
        choices=DeclarationOutcome.choices,
        widget=forms.RadioSelect,
        label="What the person did",
        initial=DeclarationOutcome.NOTED,
    )

    def __init__(self, *args, meeting, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()


class MinutesForm(Form):
    def __init__(self, *args, meeting, minutes, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(meeting.agenda_items.all())
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                label=f"{item.number}. {item.title}",
                initial=item.minute,
            )
        self.fields["text"] = forms.CharField(
            required=False,
            widget=forms.Textarea(attrs={"rows": 6}),
            label="Summary and other business" if self.items else "Minutes",
            initial=minutes.text if minutes else "",
        )

    def item_minutes(self) -> dict:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items}


class DecisionForm(Form):
    kind = forms.ChoiceField(
        choices=DecisionKind.choices,
        widget=forms.RadioSelect,
        label="Kind of decision",
        initial=DecisionKind.GENERAL,
    )
    stage = forms.ChoiceField(
        choices=[("", "Not a gate approval")] + [(s.value, s.label) for s in Stage if s.next],
        required=False,
        label="Stage the partnership may leave (gate approvals only)",
    )
    minutes = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Minutes approved (approvals of minutes only)",
        empty_label="Not a minutes approval",
    )
    agenda_item = forms.ModelChoiceField(
        queryset=None, required=False, label="Agenda item", empty_label="None"
    )
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What was decided",
        help_text="Leave blank for a gate, minutes or terms of reference approval to use the "
        "standard wording.",
    )
    votes_for = forms.IntegerField(
        required=False, min_value=0, label="Votes for", help_text="Only if a vote was taken."
    )
    votes_against = forms.IntegerField(required=False, min_value=0, label="Votes against")
    votes_abstaining = forms.IntegerField(required=False, min_value=0, label="Abstentions")

    def __init__(self, *args, meeting, awaiting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].initial = meeting.partnership.stage
        self.fields["minutes"].queryset = awaiting
        self.fields["minutes"].label_from_instance = lambda m: f"Meeting of {m.meeting}"
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        if not meeting.body.is_steering_group:
            self.fields["kind"].choices = [
                c for c in DecisionKind.choices if c[0] not in DecisionKind.steering_group_only()
            ]
            del self.fields["stage"]

    def clean(self):
        data = super().clean()
        votes = [data.get(k) for k in ("votes_for", "votes_against", "votes_abstaining")]
        if any(v is not None for v in votes) and any(v is None for v in votes):
            self.add_error("votes_for", "Give the votes for, against and abstaining, or none")
        if data.get("kind") != DecisionKind.GATE_APPROVAL:
            data["stage"] = ""
        return data

    def domain_kwargs(self) -> dict:
        data = self.cleaned_data
        votes = [data.get(k) for k in ("votes_for", "votes_against", "votes_abstaining")]
        return {
            "kind": data["kind"],
            "text": data["text"],
            "stage": data.get("stage") or None,
            "votes": votes if all(v is not None for v in votes) else None,
            "agenda_item": data["agenda_item"],
            "subject": data["minutes"] if data["kind"] == DecisionKind.MINUTES_APPROVAL else None,
        }


# --- actions -----------------------------------------------------------------------------------


class ActionForm(Form):
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Action",
        error_messages={"required": "Describe the action"},
    )
    owner = PeopleChoiceField(
        queryset=None, label="Owner", error_messages={"required": "Choose who owns the action"}
    )
    due_on = forms.DateField(
        widget=DateInput(),
        label="Due",
        error_messages={
            "required": "Enter the due date",
            "invalid": "Enter a real date, like 2026-05-14",
        },
    )
    decision = forms.ModelChoiceField(
        queryset=None, required=False, label="Arising from decision", empty_label="None"
    )

    def __init__(self, *args, partnership, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_of(partnership)
        if meeting is None:
            del self.fields["decision"]
        else:
            self.fields["decision"].queryset = meeting.decisions.all()
            self.fields["decision"].label_from_instance = lambda d: f"{d.reference}: {d.text[:80]}"


class ActionUpdateForm(Form):
    status = forms.ChoiceField(choices=ActionStatus.choices, widget=forms.RadioSelect)
    due_on = forms.DateField(
        widget=DateInput(),
        label="Due",
        error_messages={
            "required": "Enter the due date",
            "invalid": "Enter a real date, like 2026-05-14",
        },
    )
    owner = PeopleChoiceField(queryset=None, label="Owner")
    progress_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Progress"
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_of(partnership)


class ActionFilterForm(Form):
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[
            ("", "Open and in progress"),
            ("overdue", "Overdue"),
            ("all", "All"),
            *ActionStatus.choices,
        ],
    )
    owner = PeopleChoiceField(queryset=None, required=False, label="Owner", empty_label="Anyone")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_of(partnership)


# --- register of interests ---------------------------------------------------------------------


class InterestForm(ModelForm):
    class Meta:
        model = Interest
        fields = ["kind", "organisation", "organisation_name", "description", "starts_on"]
        labels = {
            "kind": "Kind of interest",
            "organisation": "Organisation in Coplan",
            "organisation_name": "Or the organisation's name",
            "description": "The interest",
            "starts_on": "Since",
        }
        help_texts = {
            "description": "For example ‘Unpaid trustee since 2019’ or ‘Shares in a care "
            "provider’.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DateInput(),
        }
        error_messages = {
            "kind": {"required": "Choose the kind of interest"},
            "description": {"required": "Describe the interest"},
            "starts_on": {"invalid": "Enter a real date, like 2019-04-01"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["organisation"].required = False
        self.fields["kind"].choices = InterestKind.choices
