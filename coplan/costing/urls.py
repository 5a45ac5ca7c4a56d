"""Mounted at ``partnerships/<int:pk>/costing/``: every view takes the partnership's ``pk``."""

from django.urls import path

from . import views

app_name = "costing"

V = "models/<int:model_pk>/versions/<int:number>"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("template.xlsx", views.template_download, name="template"),
    path("threshold/", views.variance_threshold, name="threshold"),
    path("models/new/", views.model_new, name="model.new"),
    path("models/<int:model_pk>/", views.model_detail, name="model.detail"),
    path("models/<int:model_pk>/import/", views.model_import, name="model.import"),
    path("models/<int:model_pk>/compare/", views.version_compare, name="version.compare"),
    path("models/<int:model_pk>/versions/new/", views.version_new, name="version.new"),
    path(f"{V}/", views.version_detail, name="version.detail"),
    path(f"{V}/settings/", views.version_settings, name="version.settings"),
    path(f"{V}/lock/", views.version_lock, name="version.lock"),
    path(f"{V}/share/", views.version_share, name="version.share"),
    path(f"{V}/export.xlsx", views.version_export, name="version.export"),
    path(f"{V}/activities/", views.activity_add, name="activity.add"),
    path(
        f"{V}/activities/<int:activity_pk>/remove/",
        views.activity_remove,
        name="activity.remove",
    ),
    path(f"{V}/staff/new/", views.staff_form, name="staff.new"),
    path(f"{V}/staff/<int:line_pk>/", views.staff_form, name="staff.edit"),
    path(f"{V}/costs/new/", views.cost_form, name="cost.new"),
    path(f"{V}/costs/<int:line_pk>/", views.cost_form, name="cost.edit"),
    path(f"{V}/pools/new/", views.pool_form, name="pool.new"),
    path(f"{V}/pools/<int:pool_pk>/", views.pool_form, name="pool.edit"),
    path(f"{V}/<str:kind>/<int:line_pk>/remove/", views.line_remove, name="line.remove"),
    path(f"{V}/drivers/<str:driver>/", views.drivers_edit, name="drivers.edit"),
    # capacity building
    path("capacity/", views.capacity, name="capacity"),
    path(
        "capacity/enterprises/<int:org_pk>/",
        views.capacity_organisation,
        name="capacity.organisation",
    ),
    path("capacity/assessments/new/", views.assessment_new, name="assessment.new"),
    path(
        "capacity/assessments/<int:assessment_pk>/",
        views.assessment_detail,
        name="assessment.detail",
    ),
    path("capacity/plan/", views.plan, name="plan"),
    path("capacity/plan/new/", views.action_form, name="action.new"),
    path("capacity/plan/<int:action_pk>/", views.action_form, name="action.edit"),
]
