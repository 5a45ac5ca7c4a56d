from django.urls import path, register_converter

from . import views


class MonthConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class FormatConverter(MonthConverter):
    regex = r"csv|xlsx|pdf"


register_converter(MonthConverter, "yyyymm")
register_converter(FormatConverter, "exportformat")

app_name = "pilots"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("new/", views.pilot_new, name="pilot.new"),
    path("edit/", views.pilot_edit, name="pilot.edit"),
    path("stop/", views.pilot_stop, name="pilot.stop"),
    path("services/", views.services, name="services"),
    path("services/<int:service_pk>/edit/", views.service_edit, name="service.edit"),
    path("services/<int:service_pk>/remove/", views.service_remove, name="service.remove"),
    path("providers/add/", views.provider_add, name="provider.add"),
    path("providers/<int:provider_pk>/remove/", views.provider_remove, name="provider.remove"),
    path("extensions/new/", views.extension_new, name="extension.new"),
    path(
        "extensions/<int:extension_pk>/decide/",
        views.extension_decide,
        name="extension.decide",
    ),
    path("kpis/", views.kpis, name="kpis"),
    path("kpis/new/", views.kpi_new, name="kpi.new"),
    path("kpis/<int:kpi_pk>/edit/", views.kpi_edit, name="kpi.edit"),
    path("kpis/<int:kpi_pk>/delete/", views.kpi_delete, name="kpi.delete"),
    path("kpis/<int:kpi_pk>/values/", views.kpi_values, name="kpi.values"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("returns/", views.returns, name="returns"),
    path(
        "returns/<yyyymm:month>.<exportformat:fmt>",
        views.returns_export,
        name="returns.export",
    ),
    path("records/", views.records, name="records"),
    path("records/new/", views.record_new, name="record.new"),
    path("records/<int:record_pk>/edit/", views.record_edit, name="record.edit"),
    path("records/<int:record_pk>/delete/", views.record_delete, name="record.delete"),
    path("uploads/", views.batches, name="batches"),
    path("uploads/new/", views.batch_new, name="batch.new"),
    path("uploads/<int:batch_pk>/", views.batch, name="batch"),
    path("uploads/<int:batch_pk>/progress/", views.batch_progress, name="batch.progress"),
    path("uploads/<int:batch_pk>/errors.csv", views.batch_errors, name="batch.errors"),
    path("uploads/<int:batch_pk>/revert/", views.batch_revert, name="batch.revert"),
    path("feedback/", views.feedback, name="feedback"),
    path("feedback/new/", views.feedback_new, name="feedback.new"),
    path(
        "feedback/<int:feedback_pk>/respond/",
        views.feedback_respond,
        name="feedback.respond",
    ),
    path("issues/", views.issues, name="issues"),
    path("issues/new/", views.issue_new, name="issue.new"),
    path("issues/<int:issue_pk>/edit/", views.issue_edit, name="issue.edit"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("evaluations/new/", views.evaluation_new, name="evaluation.new"),
    path("evaluations/<int:evaluation_pk>/", views.evaluation, name="evaluation"),
    path("evaluations/<int:evaluation_pk>/edit/", views.evaluation_edit, name="evaluation.edit"),
    path(
        "evaluations/<int:evaluation_pk>/refresh/",
        views.evaluation_refresh,
        name="evaluation.refresh",
    ),
    path(
        "evaluations/<int:evaluation_pk>/approve/",
        views.evaluation_approve,
        name="evaluation.approve",
    ),
    path(
        "evaluations/<int:evaluation_pk>/classify/",
        views.evaluation_classify,
        name="evaluation.classify",
    ),
    path("evaluations/<int:evaluation_pk>.pdf", views.evaluation_pdf, name="evaluation.pdf"),
]
