from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from coplan.api.urls import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="partnerships:list"), name="home"),
    path("", include("coplan.core.urls")),
    path("", include("coplan.ops.urls")),
    path("partnerships/", include("coplan.partnerships.urls")),
    path("partnerships/<int:pk>/design/", include("coplan.design.urls")),
    path("partnerships/<int:pk>/governance/", include("coplan.governance.urls")),
    path("partnerships/<int:pk>/pilot/", include("coplan.pilots.urls")),
    path("partnerships/<int:pk>/costing/", include("coplan.costing.urls")),
    path("partnerships/<int:pk>/consortium/", include("coplan.consortium.urls")),
    path("partnerships/<int:pk>/tender/", include("coplan.tendering.urls")),
    path("tenders/", include("coplan.tendering.public_urls")),
    path("partnerships/<int:pk>/bids/", include("coplan.bidding.urls")),
    path("bids/", include("coplan.bidding.urls_personal")),
    path("partnerships/<int:pk>/benefits/", include("coplan.benefits.urls")),
    path("benefits/", include("coplan.benefits.urls_global")),
    path("governance/", include("coplan.governance.urls_personal")),
    path("scoring/", include("coplan.tendering.scoring.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
