from django.conf import settings


def coplan(request):
    return {"coplan_demo": settings.DEMO}
