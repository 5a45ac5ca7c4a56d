"""Forms of the service design pages. Service-user forms use plain words."""

from django import forms

from coplan.core import clock
from coplan.core.dates import DateExamples
from coplan.core.forms import DateInput, GovukForm, GovukModelForm
from coplan.core.models import User

from .enums import Disclosure, ItemKind, Method, SectionKind
from .models import EngagementActivity, Theme, UserGroup
from .queries import active_consents, linkable_insights, merge_candidates

KIND_CHOICES = [
    (ItemKind.IDEA.value, "An idea: something that would make the service better"),
    (ItemKind.FEEDBACK.value, "Feedback: something about how things are now"),
]


def _activity_label(activity) -> str:
    return (
        f"{activity.title} ({activity.get_method_display().lower()}, {activity.held_on:%-d %B %Y})"
    )


def _groups(partnership):
    return UserGroup.objects.filter(partnership=partnership).order_by("name")


def _real_date(partnership) -> str:
    """The error for an unreadable date, with a day from the partnership's service design."""
    examples = DateExamples(partnership)
    return f"Enter a real date, like {examples.iso(examples.design_day)}"


class ActivityForm(GovukModelForm):
    new_user_groups = forms.CharField(
        label="Other user groups",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One group per line, for example 'carers of older people'.",
    )

    class Meta:
        model = EngagementActivity
        fields = [
            "title",
            "method",
            "held_on",
            "place",
            "online",
            "user_groups",
            "participant_count",
            "facilitator",
            "notes",
        ]
        labels = {
            "title": "Name of the activity",
            "held_on": "Date",
            "place": "Place",
            "online": "Held online",
            "user_groups": "User groups reached",
            "participant_count": "Number of participants",
        }
        help_texts = {
            "title": "For example 'Workshop with young tenants, Motherwell'.",
            "place": "Leave empty if it was only online.",
            "participant_count": "Everyone who took part, named or not.",
            "notes": "What happened and what people said. Do not write names here unless the "
            "person gave consent.",
        }
        widgets = {
            "held_on": DateInput(),
            "method": forms.RadioSelect,
            "user_groups": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
            "title": {"required": "Enter the name of the activity"},
            "method": {"required": "Choose how people were engaged"},
            "held_on": {
                "required": "Enter the date of the activity",
                "invalid": "Enter a real date",
            },
            "participant_count": {"invalid": "Enter the number of participants, like 12"},
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = Method.choices
        self.fields["user_groups"].queryset = _groups(partnership)
        self.fields["user_groups"].required = False
        self.fields["facilitator"].queryset = User.objects.filter(
            memberships__partnership=partnership
        ).distinct()
        self.fields["facilitator"].required = False
        self.fields["held_on"].error_messages["invalid"] = _real_date(partnership)

    def clean(self):
        data = super().clean()
        if not data.get("online") and not (data.get("place") or "").strip():
            self.add_error("place", "Enter where the activity took place, or tick 'Held online'")
        return data

    def clean_new_user_groups(self):
        return [
            line.strip()
            for line in self.cleaned_data["new_user_groups"].splitlines()
            if line.strip()
        ]

    def _post_clean(self):
        super()._post_clean()
        errors = self.errors.get("__all__")
        if errors:  # the model's place-or-online constraint repeats clean(): report it once
            kept = [e for e in errors if "activity_has_place_or_online" not in e]
            if kept:
                self.errors["__all__"] = self.error_class(kept)
            else:
                del self.errors["__all__"]

    def domain_fields(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            "user_groups": list(data.pop("user_groups")),
            "new_user_groups": data.pop("new_user_groups"),
            **{k: v for k, v in data.items() if k in self.Meta.fields},
        }


class AttendanceForm(GovukForm):
    consent = forms.ModelChoiceField(
        label="Person",
        queryset=None,
        help_text="Only people whose consent is recorded can be named. Count everyone else in "
        "the number of participants.",
        error_messages={"required": "Choose the person who attended"},
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = active_consents(partnership)
        self.fields["consent"].label_from_instance = lambda c: c.person_name


class AttachmentForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, required=False)
    file = forms.FileField(
        label="File",
        help_text="PDF, Word, ODT, text, CSV, XLSX, PowerPoint, JPEG, PNG or MP3, up to 20 MB.",
        error_messages={"required": "Choose a file to attach"},
    )


class PostForm(GovukForm):
    """Share an idea or feedback (plain language: service users write here)."""

    kind = forms.ChoiceField(
        label="What would you like to share?",
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose idea or feedback"},
    )
    text = forms.CharField(
        label="Tell us in your own words",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": "Write your idea or feedback"},
    )
    user_group = forms.ModelChoiceField(
        label="Which group are you part of?", queryset=None, required=False
    )
    anonymous = forms.BooleanField(
        label="Hide my name from other members",
        required=False,
        help_text="The partnership's members will see 'Anonymous' instead of your name.",
    )
    consent_given = forms.BooleanField(
        label="I agree that Coplan keeps my name with what I write",
        required=False,
        help_text="You can take this back at any time. Your words stay, without your name.",
    )

    def __init__(self, *args, partnership, needs_consent=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user_group"].queryset = _groups(partnership)
        self.fields["user_group"].empty_label = "Prefer not to say"
        if not needs_consent:
            del self.fields["consent_given"]


class CommentForm(GovukForm):
    text = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Write your comment"},
    )
    anonymous = forms.BooleanField(label="Hide my name from other members", required=False)
    consent_given = forms.BooleanField(
        label="I agree that Coplan keeps my name with what I write",
        required=False,
        help_text="You can take this back at any time.",
    )

    def __init__(self, *args, needs_consent=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_consent:
            del self.fields["consent_given"]


class RecordItemForm(GovukForm):
    """The facilitator records what was said at an activity."""

    kind = forms.ChoiceField(
        label="Kind",
        choices=ItemKind.choices[:2],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose idea or feedback"},
    )
    text = forms.CharField(
        label="What was said",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Write what was said"},
    )
    prompt = forms.CharField(label="Question asked", max_length=300, required=False)
    consent = forms.ModelChoiceField(
        label="Said by",
        queryset=None,
        required=False,
        empty_label="Not named",
        help_text="Only people whose consent is recorded can be named.",
    )
    user_group = forms.ModelChoiceField(label="User group", queryset=None, required=False)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = active_consents(partnership)
        self.fields["consent"].label_from_instance = lambda c: c.person_name
        self.fields["user_group"].queryset = _groups(partnership)


class OpenPostForm(PostForm):
    """Through an open engagement link: no account, a name is optional."""

    name = forms.CharField(
        label="Your name",
        required=False,
        max_length=200,
        help_text="Leave this empty to stay anonymous.",
    )
    field_order = ["kind", "text", "user_group", "name", "consent_given"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, partnership=partnership, needs_consent=True, **kwargs)
        del self.fields["anonymous"]
        self.fields[
            "consent_given"
        ].label = "I agree that the partnership keeps my name with what I write"
        self.order_fields(self.field_order)


class CurateForm(GovukForm):
    themes = forms.ModelMultipleChoiceField(
        label="Themes", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    is_insight = forms.BooleanField(
        label="This is an insight",
        required=False,
        help_text="Insights appear on the 'you said, we did' page and need a response.",
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(partnership=partnership)


class MergeForm(GovukForm):
    keep = forms.ModelChoiceField(
        label="Merge into",
        queryset=None,
        help_text="This item becomes a duplicate of the one you choose. Its supports, comments "
        "and themes move there.",
        error_messages={"required": "Choose the item to keep"},
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = merge_candidates(item)
        self.fields["keep"].label_from_instance = lambda i: (
            f"#{i.pk} {i.get_kind_display()}: {i.text[:70]}"
        )


class ResponseForm(GovukForm):
    we_did = forms.CharField(
        label="What we did",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In plain words, for the 'you said, we did' page.",
    )
    not_taken_up_reason = forms.CharField(
        label="Why it was not taken up",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only if it did not shape a requirement in the latest specification.",
    )


class ThemeForm(GovukModelForm):
    class Meta:
        model = Theme
        fields = ["name", "description"]
        labels = {"name": "Theme name"}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"name": {"required": "Enter the theme's name"}}

    def validate_unique(self):  # the domain checks names case-insensitively
        pass


class ConsentForm(GovukForm):
    user = forms.ModelChoiceField(
        label="Member",
        queryset=None,
        required=False,
        empty_label="Not a member (enter the name below)",
    )
    name = forms.CharField(label="Name", max_length=200, required=False)
    user_group = forms.ModelChoiceField(label="User group", queryset=None, required=False)
    covers = forms.CharField(
        label="What the person agreed to",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="Their name is kept with what they said at engagement activities and shown "
        "to the partnership's members. They can withdraw at any time.",
        error_messages={"required": "Say what the person agreed to"},
    )
    given_on = forms.DateField(
        label="Date given",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date consent was given",
            "invalid": "Enter a real date",
        },
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            memberships__partnership=partnership
        ).distinct()
        self.fields["user_group"].queryset = _groups(partnership)
        self.fields["given_on"].initial = clock.today()
        self.fields["given_on"].error_messages["invalid"] = _real_date(partnership)

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error("name", "Choose a member or enter the person's name")
        return data


class UploadForm(GovukForm):
    activity = forms.ModelChoiceField(
        label="Survey",
        queryset=None,
        help_text="The engagement activity the responses come from. Add it first if it is "
        "not listed.",
        error_messages={"required": "Choose the survey the responses come from"},
    )
    file = forms.FileField(
        label="Survey results",
        help_text="A CSV or XLSX file, one row per response, with the column names in the "
        "first row.",
        error_messages={"required": "Choose the file to upload"},
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = EngagementActivity.objects.filter(
            partnership=partnership
        ).order_by("-held_on")
        self.fields["activity"].label_from_instance = _activity_label


class MappingForm(GovukForm):
    text_columns = forms.MultipleChoiceField(
        label="Columns with answers",
        widget=forms.CheckboxSelectMultiple,
        help_text="Each answer becomes one piece of feedback or one idea.",
        error_messages={"required": "Choose at least one column with answers"},
    )
    kind = forms.ChoiceField(
        label="Import the answers as",
        choices=ItemKind.choices[:2],
        widget=forms.RadioSelect,
        initial=ItemKind.FEEDBACK,
    )
    user_group_column = forms.ChoiceField(label="Column with the user group", required=False)
    user_group_id = forms.ModelChoiceField(
        label="Or: every response comes from this group", queryset=None, required=False
    )
    name_column = forms.ChoiceField(label="Column with the respondent's name", required=False)
    consent_column = forms.ChoiceField(
        label="Column recording consent to keep the name",
        required=False,
        help_text="Yes or no. A name without a 'yes' is an error.",
    )
    theme_column = forms.ChoiceField(
        label="Column with themes",
        required=False,
        help_text="Theme names separated by commas. Each must already exist.",
    )

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        columns = [(c, c) for c in survey.columns if c]
        self.fields["text_columns"].choices = columns
        for name in ("user_group_column", "name_column", "consent_column", "theme_column"):
            self.fields[name].choices = [("", "None"), *columns]
        self.fields["user_group_id"].queryset = _groups(survey.partnership)

    def mapping(self) -> dict:
        data = dict(self.cleaned_data)
        group = data.pop("user_group_id")
        return {**data, "user_group_id": group.pk if group else None}


class VersionForm(GovukForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_note = forms.CharField(
        label="What changed in this version, and why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        for section in sections:
            self.fields[f"intro_{section.kind}"] = forms.CharField(
                label=f"{section.get_kind_display()}: introduction",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=section.kind_enum.hint,
                initial=section.intro,
            )

    def intros(self) -> dict:
        return {
            name.removeprefix("intro_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("intro_")
        }


class RequirementForm(GovukForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    section = forms.ChoiceField(
        label="Section",
        choices=SectionKind.choices,
        error_messages={"required": "Choose the section"},
    )
    text = forms.CharField(
        label="Requirement",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the requirement"},
    )
    insights = forms.ModelMultipleChoiceField(
        label="Insights and feedback behind it",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    activities = forms.ModelMultipleChoiceField(
        label="Engagement activities behind it",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence = forms.CharField(
        label="Other evidence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Research, pilot data or a statutory duty behind the requirement.",
    )

    def __init__(self, *args, partnership, requirement=None, **kwargs):
        if requirement is not None:
            kwargs["initial"] = {
                "section": requirement.section.kind,
                "text": requirement.text,
                "evidence": requirement.evidence,
                "insights": requirement.insights.all(),
                "activities": requirement.activities.all(),
            }
        super().__init__(*args, **kwargs)
        self.fields["insights"].queryset = linkable_insights(partnership)
        self.fields["insights"].label_from_instance = lambda i: (
            f"{'Insight' if i.is_insight else i.get_kind_display()} #{i.pk}: {i.text[:90]}"
        )
        self.fields["activities"].queryset = EngagementActivity.objects.filter(
            partnership=partnership
        )
        self.fields["activities"].label_from_instance = _activity_label


class DiffForm(GovukForm):
    base = forms.TypedChoiceField(label="Compare version", coerce=int)
    other = forms.TypedChoiceField(label="with version", coerce=int)

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, f"Version {n}") for n in numbers]
        self.fields["base"].choices = choices
        self.fields["other"].choices = choices


class ClassifyForm(GovukForm):
    disclosure = forms.ChoiceField(
        label="Disclosure to bidders",
        choices=[(d.value, d.label) for d in Disclosure.classes()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it is disclosed to bidders"},
    )
    reason = forms.CharField(
        label="Reason or redaction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required for internal only: why bidders who did not co-design need not see it.",
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("disclosure") == Disclosure.INTERNAL_ONLY
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "Say why it stays internal")
        return data
