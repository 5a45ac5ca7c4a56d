"""Mounted at ``partnerships/<int:pk>/tender/``: every view takes the partnership's ``pk``."""

from django.urls import path

from . import views

app_name = "tendering"
T = "<int:tender_pk>/"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("new/", views.tender_new, name="tender.new"),
    path(T, views.tender_detail, name="tender.detail"),
    path(T + "strategy/", views.tender_strategy, name="tender.strategy"),
    path(T + "lots/add/", views.lot_add, name="lot.add"),
    path(T + "lots/<int:lot_pk>/remove/", views.lot_remove, name="lot.remove"),
    path(T + "documents/add/", views.document_add, name="document.add"),
    path(T + "model/", views.tender_model, name="tender.model"),
    path(T + "model/edit/", views.model_edit, name="model.edit"),
    path(T + "model/template/", views.template_apply, name="model.template"),
    path(T + "model/criteria/add/", views.criterion_add, name="criterion.add"),
    path(
        T + "model/criteria/<int:criterion_pk>/",
        views.criterion_edit,
        name="criterion.edit",
    ),
    path(
        T + "model/criteria/<int:criterion_pk>/remove/",
        views.criterion_remove,
        name="criterion.remove",
    ),
    path(T + "model/elements/add/", views.element_add, name="element.add"),
    path(T + "model/elements/<int:element_pk>/", views.element_edit, name="element.edit"),
    path(
        T + "model/elements/<int:element_pk>/remove/",
        views.element_remove,
        name="element.remove",
    ),
    path(T + "simulator/", views.simulator, name="tender.simulator"),
    path(T + "requirements/add/", views.requirement_add, name="requirement.add"),
    path(
        T + "requirements/<int:requirement_pk>/",
        views.requirement_edit,
        name="requirement.edit",
    ),
    path(
        T + "requirements/<int:requirement_pk>/remove/",
        views.requirement_remove,
        name="requirement.remove",
    ),
    path(T + "timetable/", views.tender_timetable, name="tender.timetable"),
    path(T + "evidence/", views.evidence, name="tender.evidence"),
    path(T + "evidence.pdf", views.evidence_pdf, name="tender.evidence_pdf"),
    path(T + "publish/", views.tender_publish, name="tender.publish"),
    path(T + "clarifications/", views.clarifications, name="tender.clarifications"),
    path(
        T + "clarifications/<int:clarification_pk>/answer/",
        views.clarification_answer,
        name="clarification.answer",
    ),
    path(T + "addenda/add/", views.addendum_add, name="addendum.add"),
]
