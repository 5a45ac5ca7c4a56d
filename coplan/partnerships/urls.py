from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("new/", views.partnership_new, name="new"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/edit/", views.partnership_edit, name="edit"),
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/timeline/edit/", views.timeline_edit, name="timeline.edit"),
    path("<int:pk>/stage/", views.stage, name="stage"),
    path("<int:pk>/members/", views.members, name="members"),
    path("<int:pk>/members/<int:membership_pk>/remove/", views.member_remove, name="member.remove"),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation.revoke",
    ),
    path("<int:pk>/activity/", views.activity, name="activity"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
