from django.urls import path, re_path

from . import twofactor, views, views_evaluation

app_name = "bidding"
urlpatterns = [
    path("", views.index, name="index"),
    path("two-factor/", twofactor.two_factor, name="two_factor"),
    path("<int:tender_pk>/", views.tender_bids, name="tender"),
    path("<int:tender_pk>/opening-time/", views.opening_time, name="opening_time"),
    path("<int:tender_pk>/open/", views.confirm_opening, name="open"),
    path("<int:tender_pk>/bids/<uuid:bid_uuid>/", views.bid_detail, name="bid"),
    path(
        "<int:tender_pk>/bids/<uuid:bid_uuid>/documents/<int:position>/",
        views.bid_document,
        name="document",
    ),
    path("<int:tender_pk>/mine/", views.my_bid, name="mine"),
    path("<int:tender_pk>/mine/<uuid:bid_uuid>/receipt.txt", views.receipt, name="receipt"),
    path("<int:tender_pk>/mine/<uuid:bid_uuid>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:tender_pk>/mine/<uuid:bid_uuid>/verify/", views.verify, name="verify"),
]

E = "<int:tender_pk>/evaluation/"
urlpatterns += [
    path(E, views_evaluation.overview, name="evaluation"),
    path(f"{E}panel/add/", views_evaluation.assign, name="assign"),
    path(f"{E}panel/<int:criterion_pk>/shortfall/", views_evaluation.shortfall, name="shortfall"),
    path(f"{E}declarations/<int:declaration_pk>/decide/", views_evaluation.decide, name="decide"),
    path(f"{E}declaration/", views_evaluation.declare, name="declare"),
    path(f"{E}scores/", views_evaluation.score, name="score"),
    path(
        f"{E}scores/<uuid:bid_uuid>/<int:criterion_pk>/",
        views_evaluation.submit_score,
        name="score.submit",
    ),
    path(
        f"{E}moderation/<uuid:bid_uuid>/<int:criterion_pk>/",
        views_evaluation.moderate,
        name="moderate",
    ),
    path(f"{E}price-queries/<uuid:bid_uuid>/", views_evaluation.price_query, name="price_query"),
    path(f"{E}results/", views_evaluation.results, name="results"),
    re_path(
        r"^(?P<tender_pk>[0-9]+)/evaluation/results\.(?P<fmt>xlsx|pdf)$",
        views_evaluation.results_export,
        name="results.export",
    ),
    path("<int:tender_pk>/award/", views_evaluation.award, name="award"),
    path("<int:tender_pk>/award/conclude/", views_evaluation.conclude, name="conclude"),
    path(
        "<int:tender_pk>/award/letters/<uuid:bid_uuid>.pdf", views_evaluation.letter, name="letter"
    ),
]
