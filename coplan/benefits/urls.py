"""Mounted at ``partnerships/<int:pk>/benefits/``: every view takes the partnership's ``pk``."""

from django.urls import path

from . import views

app_name = "benefits"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("thread/", views.thread_view, name="thread"),
    path("thread/<str:kind>/<int:item_pk>/", views.thread_item, name="thread.item"),
    path("public/", views.public, name="public"),
    path("public/tenders/<int:tender_pk>/ocds.json", views.public_ocds, name="public.ocds"),
    path("sroi/", views.sroi_list, name="sroi.list"),
    path("sroi/new/", views.sroi_new, name="sroi.new"),
    path("sroi/<int:analysis_pk>/", views.sroi_detail, name="sroi.detail"),
    path("sroi/<int:analysis_pk>/edit/", views.sroi_edit, name="sroi.edit"),
    path("sroi/<int:analysis_pk>/delete/", views.sroi_delete, name="sroi.delete"),
    path("sroi/<int:analysis_pk>/outcomes/add/", views.outcome_add, name="sroi.outcome.add"),
    path(
        "sroi/<int:analysis_pk>/outcomes/<int:outcome_pk>/remove/",
        views.outcome_remove,
        name="sroi.outcome.remove",
    ),
]

urlpatterns += [
    path("thresholds/", views.thresholds, name="thresholds"),
    path("contracts/<int:contract_pk>/", views.contract_detail, name="contract"),
    path("contracts/<int:contract_pk>/returns/new/", views.return_new, name="return.new"),
    path("returns/<int:return_pk>/", views.return_detail, name="return"),
    path("lines/<int:line_pk>/verify/", views.line_verify, name="line.verify"),
    path("lines/<int:line_pk>/query/", views.line_query, name="line.query"),
    path("lines/<int:line_pk>/resubmit/", views.line_resubmit, name="line.resubmit"),
    path("lines/<int:line_pk>/evidence/", views.line_evidence, name="line.evidence"),
    path("lines/<int:line_pk>/retention/", views.line_retention, name="line.retention"),
    path("evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    path("commitments/<int:commitment_pk>/remedy/", views.remedy_new, name="remedy.new"),
    path("remedies/<int:plan_pk>/close/", views.remedy_complete, name="remedy.complete"),
]
