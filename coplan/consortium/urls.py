"""Mounted at ``partnerships/<int:pk>/consortium/``: every view takes the partnership's ``pk``."""

from django.urls import path

from . import views

app_name = "consortium"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("new/", views.consortium_new, name="consortium.new"),
    path("edit/", views.consortium_edit, name="consortium.edit"),
    path("members/add/", views.member_add, name="member.add"),
    path("members/<int:member_pk>/", views.member_edit, name="member.edit"),
    path("members/<int:member_pk>/remove/", views.member_remove, name="member.remove"),
    path("services/add/", views.service_add, name="service.add"),
    path("services/<int:service_pk>/remove/", views.service_remove, name="service.remove"),
    path("capabilities/", views.matrix, name="matrix"),
    path(
        "capabilities/<int:capability_pk>/remove/",
        views.capability_remove,
        name="capability.remove",
    ),
    path("split/", views.split, name="split"),
    path("split/<int:service_pk>/", views.split_edit, name="split.edit"),
    path("agreement/", views.agreement, name="agreement"),
    path("agreement/edit/", views.agreement_edit, name="agreement.edit"),
    path("agreement/heads-of-terms/", views.agreement_heads, name="agreement.heads"),
    path("agreement/sign/<int:member_pk>/", views.agreement_sign, name="agreement.sign"),
    path("costs/", views.costs, name="costs"),
]
