"""Benefits pages outside any partnership, to mount at ``benefits/`` in ``coplan/urls.py``:
``path("benefits/", include("coplan.benefits.urls_global"))``."""

from django.urls import path

from . import views

app_name = "benefits_global"
urlpatterns = [
    path("sroi/", views.calculator, name="calculator"),
    path("reports/", views.report_index, name="reports"),
    path("reports/<int:org_pk>/<int:year>/", views.report, name="report"),
    path("reports/<int:org_pk>/<int:year>/xlsx/", views.report_xlsx, name="report.xlsx"),
    path("reports/<int:org_pk>/<int:year>/pdf/", views.report_pdf, name="report.pdf"),
]
