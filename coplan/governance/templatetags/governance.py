"""``{% load governance %}{% governance_panel partnership %}``: the governance box on the
partnership dashboard (overdue actions highlighted, the next meeting, minutes to approve)."""

from django import template

from .. import queries

register = template.Library()


def panel_context(request, partnership) -> dict:
    """The context of ``governance/_dashboard_panel.html`` (a partnership dashboard panel)."""
    overdue = list(queries.overdue_actions(partnership)[:5])
    return {
        "partnership": partnership,
        "overdue": overdue,
        "overdue_count": queries.overdue_actions(partnership).count()
        if len(overdue) == 5
        else len(overdue),
        "next_meeting": queries.next_meetings(partnership).first(),
        "unapproved": queries.meetings_without_approved_minutes(partnership).count(),
        "request": request,
    }


@register.inclusion_tag("governance/_dashboard_panel.html", takes_context=True)
def governance_panel(context, partnership):
    return panel_context(context.get("request"), partnership)
