"""The clause library in the admin site, for the site administrators (tendering 0004 gives their
group its permissions). Only the clause library: no tender, criterion, bid or evaluation is
registered.

A clause's title, type, guidance and whether it is offered change through
:func:`~coplan.tendering.domain.update_clause` (audited, the duplicate-title check); its wording
and measures are shown, not edited: a new wording is a new version, made on the clause
library's own pages, because tenders cite the versions.
"""

from django import forms
from django.contrib import admin

from . import domain
from .models import Clause, ClauseVersion, Measure


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ClauseVersionInline(_ReadOnlyInline):
    model = ClauseVersion
    fields = ["number", "wording", "change_note", "created_by", "created_at"]


class MeasureInline(_ReadOnlyInline):
    model = Measure
    fields = ["name", "unit", "evidence"]


class ClauseForm(forms.ModelForm):
    def clean_title(self):
        title = self.cleaned_data["title"]
        if Clause.objects.filter(title__iexact=title).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"The library already has a clause called {title!r}.")
        return title


@admin.register(Clause)
class ClauseAdmin(admin.ModelAdmin):
    form = ClauseForm
    list_display = ["title", "type", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["title"]
    fields = ["type", "title", "guidance", "is_active"]
    inlines = [ClauseVersionInline, MeasureInline]

    def has_add_permission(self, request):
        return False  # a clause starts with its wording: the clause library's "Add a clause"

    def has_delete_permission(self, request, obj=None):
        return False  # tenders cite its versions: withdraw it instead (not offered)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if fields:
            domain.update_clause(clause=Clause.objects.get(pk=obj.pk), actor=request.user, **fields)
