from django.urls import path

from . import views

app_name = "ops"
urlpatterns = [
    path("readyz", views.readyz, name="readyz"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("privacy/register/", views.register, name="register"),
    path("privacy/people/", views.people, name="people"),
    path("privacy/people/<int:pk>/", views.person, name="person"),
    path("privacy/people/<int:pk>/export.json", views.export_json, name="export.json"),
    path("privacy/people/<int:pk>/export.pdf", views.export_pdf, name="export.pdf"),
    path("privacy/people/<int:pk>/erase/", views.erase, name="erase"),
    path("privacy/retention/", views.retention, name="retention"),
]
