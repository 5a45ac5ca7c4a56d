from django.apps import AppConfig


class BiddingConfig(AppConfig):
    name = "coplan.bidding"
    label = "bidding"
