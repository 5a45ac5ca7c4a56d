from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("simulator/", views.standalone, name="simulator"),
]
