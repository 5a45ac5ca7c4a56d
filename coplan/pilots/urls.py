from django.urls import path, register_converter

from .views import evaluations, feedback, issues, kpis, monitoring, pilot, records, uploads


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
    path("", pilot.overview, name="overview"),
    path("new/", pilot.pilot_new, name="pilot.new"),
    path("edit/", pilot.pilot_edit, name="pilot.edit"),
    path("stop/", pilot.pilot_stop, name="pilot.stop"),
    path("services/", pilot.services, name="services"),
    path("services/<int:service_pk>/edit/", pilot.service_edit, name="service.edit"),
    path("services/<int:service_pk>/remove/", pilot.service_remove, name="service.remove"),
    path("providers/add/", pilot.provider_add, name="provider.add"),
    path("providers/<int:provider_pk>/remove/", pilot.provider_remove, name="provider.remove"),
    path("extensions/new/", pilot.extension_new, name="extension.new"),
    path(
        "extensions/<int:extension_pk>/decide/",
        pilot.extension_decide,
        name="extension.decide",
    ),
    path("kpis/", kpis.kpis, name="kpis"),
    path("kpis/new/", kpis.kpi_new, name="kpi.new"),
    path("kpis/<int:kpi_pk>/edit/", kpis.kpi_edit, name="kpi.edit"),
    path("kpis/<int:kpi_pk>/delete/", kpis.kpi_delete, name="kpi.delete"),
    path("kpis/<int:kpi_pk>/values/", kpis.kpi_values, name="kpi.values"),
    path("dashboard/", monitoring.dashboard_view, name="dashboard"),
    path("returns/", monitoring.returns, name="returns"),
    path(
        "returns/<yyyymm:month>.<exportformat:fmt>",
        monitoring.returns_export,
        name="returns.export",
    ),
    path("records/", records.records, name="records"),
    path("records/new/", records.record_new, name="record.new"),
    path("records/<int:record_pk>/edit/", records.record_edit, name="record.edit"),
    path("records/<int:record_pk>/delete/", records.record_delete, name="record.delete"),
    path("uploads/", uploads.batches, name="batches"),
    path("uploads/new/", uploads.batch_new, name="batch.new"),
    path("uploads/<int:batch_pk>/", uploads.batch, name="batch"),
    path("uploads/<int:batch_pk>/progress/", uploads.batch_progress, name="batch.progress"),
    path("uploads/<int:batch_pk>/errors.csv", uploads.batch_errors, name="batch.errors"),
    path("uploads/<int:batch_pk>/revert/", uploads.batch_revert, name="batch.revert"),
    path("feedback/", feedback.feedback, name="feedback"),
    path("feedback/new/", feedback.feedback_new, name="feedback.new"),
    path(
        "feedback/<int:feedback_pk>/respond/",
        feedback.feedback_respond,
        name="feedback.respond",
    ),
    path("issues/", issues.issues, name="issues"),
    path("issues/new/", issues.issue_new, name="issue.new"),
    path("issues/<int:issue_pk>/edit/", issues.issue_edit, name="issue.edit"),
    path("evaluations/", evaluations.evaluations, name="evaluations"),
    path("evaluations/new/", evaluations.evaluation_new, name="evaluation.new"),
    path("evaluations/<int:evaluation_pk>/", evaluations.evaluation, name="evaluation"),
    path(
        "evaluations/<int:evaluation_pk>/edit/", evaluations.evaluation_edit, name="evaluation.edit"
    ),
    path(
        "evaluations/<int:evaluation_pk>/refresh/",
        evaluations.evaluation_refresh,
        name="evaluation.refresh",
    ),
    path(
        "evaluations/<int:evaluation_pk>/approve/",
        evaluations.evaluation_approve,
        name="evaluation.approve",
    ),
    path(
        "evaluations/<int:evaluation_pk>/classify/",
        evaluations.evaluation_classify,
        name="evaluation.classify",
    ),
    path("evaluations/<int:evaluation_pk>.pdf", evaluations.evaluation_pdf, name="evaluation.pdf"),
]
