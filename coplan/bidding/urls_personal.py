"""A bidder's pages across tenders. Mounted at ``bids/`` in ``coplan/urls.py``."""

from django.urls import path

from . import views

app_name = "bidding_personal"
urlpatterns = [
    path("", views.your_tenders, name="tenders"),
]
