"""Mounted at ``tenders/``: the public tender pages (no login), bidder registration and
clarifications (signed in), and the shared clause library (signed in; staff edit)."""

from django.urls import path

from . import public_views as views

app_name = "tenders_public"
R = "<str:reference>/"
urlpatterns = [
    path("", views.tender_list, name="list"),
    path("clauses/", views.clause_list, name="clauses"),
    path("clauses/new/", views.clause_new, name="clause.new"),
    path("clauses/<int:clause_pk>/", views.clause_detail, name="clause.detail"),
    path("clauses/<int:clause_pk>/edit/", views.clause_edit, name="clause.edit"),
    path("clauses/<int:clause_pk>/settings/", views.clause_settings, name="clause.settings"),
    path("clauses/<int:clause_pk>/measures/add/", views.measure_add, name="measure.add"),
    path(
        "clauses/<int:clause_pk>/measures/<int:measure_pk>/proxies/add/",
        views.proxy_add,
        name="proxy.add",
    ),
    path(R, views.notice, name="notice"),
    path(R + "ocds.json", views.ocds_package, name="ocds"),
    path(R + "evidence.pdf", views.evidence_pdf, name="evidence_pdf"),
    path(R + "documents/<int:document_pk>/", views.document, name="document"),
    path(R + "register/", views.register, name="register"),
    path(R + "clarifications/", views.bidder_clarifications, name="clarifications"),
]
