"""GOV.UK Frontend form rendering: every Django form renders its fields with the design
system's markup (labels, hints, error messages, error classes) through one renderer."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting

from .models import ApiToken, Organisation, StatutoryRule

WIDGET_CLASSES = {
    "textinput": "govuk-input",
    "emailinput": "govuk-input",
    "urlinput": "govuk-input",
    "numberinput": "govuk-input govuk-input--width-10",
    "passwordinput": "govuk-input govuk-password-input__input govuk-js-password-input-input",
    "dateinput": "govuk-input govuk-input--width-10",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "checkboxinput": "govuk-checkboxes__input",
}
ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
}


def add_domain_error(form, error) -> None:
    """Show a refused domain action (``DomainError``) on the form: on the field it names when the
    form shows that field, otherwise at the top of the error summary (also when the field is
    hidden, e.g. an edit conflict on the ``revision`` the form was rendered with)."""
    field = error.field if error.field in form.fields else None
    if field and form.fields[field].widget.is_hidden:
        field = None
    form.add_error(field, error.message)


def money_errors(what: str) -> dict:
    """Error messages for an amount of money that name it (``what``: "the price", "your rate
    per meal for Meals")."""
    named = what[0].upper() + what[1:]
    return {
        "required": f"Enter {what}",
        "invalid": f"Enter {what} as a number, like 12500.00",
        "min_value": f"{named} cannot be negative",
        "max_digits": f"{named} is too large",
        "max_decimal_places": "Enter pounds and pence, with at most 2 decimal places",
    }


def money_field(label, *, required=True, help_text="", what: str | None = None):
    """A field for pounds and pence (two decimal places, never negative); its errors name
    ``what`` (by default "the <label>")."""
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=required,
        help_text=help_text,
        error_messages=money_errors(what or f"the {label.lower()}"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )


class GovukRenderer(TemplatesSetting):
    form_template_name = "components/form.html"
    field_template_name = "components/field.html"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class GovukFormMixin:
    """Adds GOV.UK classes, ``aria-describedby`` for hints and errors, and error styling.

    Widgets are decorated at construction and again after validation, never by triggering
    validation early (subclasses set querysets and messages after ``__init__``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._decorate_widgets()

    def full_clean(self):
        super().full_clean()
        self._decorate_widgets()

    def _decorate_widgets(self):
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():
            widget = field.widget
            base = WIDGET_CLASSES.get(type(widget).__name__.lower(), "")
            if isinstance(widget, forms.DateInput):
                base = WIDGET_CLASSES["dateinput"]
            classes = [base]
            auto_id = self[name].auto_id
            described = []
            if field.help_text:
                described.append(f"{auto_id}-hint")
            if errors.get(name):
                described.append(f"{auto_id}-error")
                classes.append(ERROR_CLASSES.get(base.split(" ")[0], ""))
            widget.attrs["class"] = " ".join(c for c in classes if c)
            grouped = isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect)
            if described and not grouped:
                widget.attrs["aria-describedby"] = " ".join(described)
            else:
                widget.attrs.pop("aria-describedby", None)

    def error_list(self):
        """``(anchor, message)`` pairs for the GOV.UK error summary."""
        items = [(None, e) for e in self.non_field_errors()]
        for name in self.fields:
            for error in self.errors.get(name, []):
                field = self[name]
                anchor = field.auto_id
                if isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                    anchor = f"{field.auto_id}_0"
                items.append((anchor, error))
        return items


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


class LoginForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password. The password is "
        "case-sensitive.",
        "inactive": "This account is inactive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        # No autofocus: keyboard and screen reader users start at the skip link and heading.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false"}
        )
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"


class ApiTokenForm(GovukModelForm):
    expires_in_days = forms.IntegerField(
        label="Expires after (days)",
        required=False,
        min_value=1,
        max_value=3650,
        help_text="Leave empty for a token that works until you revoke it.",
        error_messages={
            "min_value": "Enter a number of days of 1 or more",
            "max_value": "Enter a number of days up to 3650",
            "invalid": "Enter a whole number of days, like 90",
        },
    )

    class Meta:
        model = ApiToken
        fields = ["name", "read_only"]
        labels = {"name": "Token name", "read_only": "Read-only: the token can read but not change"}
        help_texts = {"name": "What the token is for, for example 'monthly returns upload'."}
        error_messages = {"name": {"required": "Enter a name for the token"}}


class StatutoryRuleForm(GovukModelForm):
    class Meta:
        model = StatutoryRule
        fields = ["key", "value", "includes_vat", "effective_from", "rule", "source"]
        labels = {
            "key": "Rule",
            "value": "Value (pounds, or days for a standstill period)",
            "includes_vat": "This value includes VAT",
            "effective_from": "In force from",
        }
        help_texts = {"value": "For example 50000.00. Thresholds under the 2014 Act exclude VAT."}
        widgets = {"effective_from": DateInput(), "rule": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "value": {
                "required": "Enter the threshold value in pounds",
                "invalid": "Enter the value as a number, like 50000.00",
            },
            "effective_from": {
                "required": "Enter the date the value comes into force",
                "invalid": "Enter a real date, like 2016-04-18",
            },
            "rule": {"required": "Say what the threshold triggers"},
            "source": {"required": "Name the legal source, for example 'PR(S)A 2014 s.3'"},
        }

    def validate_unique(self):
        try:
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error(
                "effective_from",
                "A version of this threshold already starts on this date: edit that "
                "version or choose another date",
            )


class OrganisationForm(GovukModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "type", "parent", "is_sme", "is_third_sector", "website"]
        labels = {
            "name": "Organisation name",
            "type": "Type",
            "parent": "Part of",
            "is_sme": "Small or medium-sized enterprise (SME)",
            "is_third_sector": "Third sector organisation",
        }
        error_messages = {
            "name": {
                "required": "Enter the organisation's name",
                "unique": "An organisation with this name already exists",
            },
            "type": {"required": "Choose the type of organisation"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organisation.objects.filter(type="local_authority")
        self.fields["parent"].required = False
