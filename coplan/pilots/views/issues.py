"""The pilot's issue log."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from coplan.core import clock
from coplan.core.actions import act

from .. import domain, forms, queries
from ..models import PilotIssue
from .common import _ctx, _page


@login_required
def issues(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.view_issues")
    page = _page(request, queries.issues_of(pilot))
    return render(request, "pilots/issues.html", _ctx(request, partnership, pilot, page_obj=page))


def _issue_form(request, pk, issue_pk=None):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.log_issue")
    issue = get_object_or_404(PilotIssue, pilot=pilot, pk=issue_pk) if issue_pk else None
    form = forms.IssueForm(
        request.POST or None,
        instance=issue,
        pilot=pilot,
        initial=None if issue else {"raised_on": clock.today()},
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}

        def save():
            if issue is None:
                return domain.log_issue(pilot=pilot, actor=request.user, **fields)
            issue.refresh_from_db()
            return domain.update_issue(issue=issue, actor=request.user, **fields)

        done = act(
            request, save, form=form, success="Issue saved.", to=redirect("pilots:issues", pk)
        )
        if done:
            return done
    return render(
        request, "pilots/issue_form.html", _ctx(request, partnership, pilot, form=form, issue=issue)
    )


@login_required
def issue_new(request, pk):
    return _issue_form(request, pk)


@login_required
def issue_edit(request, pk, issue_pk):
    return _issue_form(request, pk, issue_pk)
