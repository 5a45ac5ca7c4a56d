"""Pages across partnerships. Mount at ``governance/`` in ``coplan/urls.py``::

path("governance/", include("coplan.governance.urls_personal")),
"""

from django.urls import path

from . import views_personal as views

app_name = "governance_personal"
urlpatterns = [
    path("actions/", views.my_actions, name="actions"),
    path("needs-doing/", views.needs_doing, name="needs_doing"),
    path("interests/", views.my_interests, name="interests"),
    path("interests/review/", views.interests_review, name="interests.review"),
    path("interests/<int:interest_pk>/end/", views.interest_end, name="interest.end"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/reset/", views.calendar_reset, name="calendar.reset"),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar.feed"),
    path(
        "calendar/<str:secret>/bodies/<int:body_pk>.ics",
        views.body_calendar_feed,
        name="calendar.body_feed",
    ),
]
