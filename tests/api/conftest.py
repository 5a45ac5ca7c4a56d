import pytest

from .helpers import api_as


@pytest.fixture
def api(personas):
    """``api("commissioner")``: the API as that persona of ``partnership``, with a real token."""

    def as_persona(name):
        return api_as(personas[name])

    return as_persona
