from django.http import HttpResponse
from django.urls import path

from coplan.urls import urlpatterns as coplan_urlpatterns


def minimal(request):
    """The baseline: the smallest Django view, through the same middleware and server."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal", minimal), *coplan_urlpatterns]
