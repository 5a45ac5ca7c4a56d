from django import forms

from coplan.core.forms import GovukForm


class EraseForm(GovukForm):
    confirm = forms.CharField(
        label="Type the person's email address to confirm",
        help_text="Erasure cannot be undone.",
        max_length=254,
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.lower() != self.person.email.lower():
            raise forms.ValidationError("Enter the person's email address exactly as shown")
        return value
