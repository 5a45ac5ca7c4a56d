"""Mounted at ``partnerships/<int:pk>/governance/``: every URL gets ``pk``, the partnership."""

from django.urls import path

from . import views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("bodies/new/", views.body_new, name="body.new"),
    path("bodies/<int:body_pk>/", views.body, name="body"),
    path("bodies/<int:body_pk>/edit/", views.body_edit, name="body.edit"),
    path(
        "bodies/<int:body_pk>/members/<int:seat_pk>/edit/",
        views.body_member_edit,
        name="body.member.edit",
    ),
    path(
        "bodies/<int:body_pk>/members/<int:seat_pk>/remove/",
        views.body_member_remove,
        name="body.member.remove",
    ),
    path("bodies/<int:body_pk>/meetings/new/", views.meeting_new, name="meeting.new"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:meeting_pk>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_pk>/edit/", views.meeting_edit, name="meeting.edit"),
    path("meetings/<int:meeting_pk>/cancel/", views.meeting_cancel, name="meeting.cancel"),
    path("meetings/<int:meeting_pk>/invite/", views.meeting_invite, name="meeting.invite"),
    path("meetings/<int:meeting_pk>/agenda/new/", views.agenda_new, name="agenda.new"),
    path(
        "meetings/<int:meeting_pk>/agenda/<int:item_pk>/papers/new/",
        views.paper_new,
        name="paper.new",
    ),
    path("meetings/<int:meeting_pk>/attendance/", views.attendance, name="attendance"),
    path(
        "meetings/<int:meeting_pk>/declarations/new/",
        views.declaration_new,
        name="declaration.new",
    ),
    path("meetings/<int:meeting_pk>/minutes/", views.minutes_edit, name="minutes"),
    path("meetings/<int:meeting_pk>/minutes.pdf", views.minutes_pdf, name="minutes.pdf"),
    path("meetings/<int:meeting_pk>/decisions/new/", views.decision_new, name="decision.new"),
    path("papers/<int:paper_pk>/", views.paper, name="paper"),
    path("decisions/", views.decisions, name="decisions"),
    path("actions/", views.actions, name="actions"),
    path("actions/new/", views.action_new, name="action.new"),
    path("actions/<int:action_pk>/", views.action_edit, name="action.edit"),
    path("actions/export.<str:fmt>", views.actions_export, name="actions.export"),
    path("interests/", views.interests, name="interests"),
]
