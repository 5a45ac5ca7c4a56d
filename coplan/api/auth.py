from ninja.security import HttpBearer, django_auth

from coplan.core.models import ApiToken


class PersonalToken(HttpBearer):
    """``Authorization: Bearer cpl_…`` — a personal API token from the profile page."""

    def authenticate(self, request, token):
        found = ApiToken.objects.authenticate(token)
        if found is None:
            return None
        request.user = found.user
        return found.user


AUTH = [PersonalToken(), django_auth]
