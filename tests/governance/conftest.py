from dataclasses import dataclass

import pytest

from coplan.governance.enums import BodyKind, BodyRole
from coplan.partnerships import gates

from .factories import make_body


@pytest.fixture(autouse=True)
def governance_settings(settings, tmp_path):
    """Uploaded papers in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://coplan.example.org"


@dataclass
class Gov:
    partnership: object
    people: dict
    steering: object
    design: object


@pytest.fixture
def gov(partnership, personas) -> Gov:
    """The ``partnership`` with two bodies:

    * steering group (quorum 2): the commissioner (chair), the procurement officer and the
      steering group member; the facilitator as non-voting secretary;
    * design committee (quorum 2): the facilitator (chair), the social enterprise partner and
      the service user representative.

    The evaluator and the observer sit on neither.
    """
    p = personas
    steering = make_body(
        partnership,
        BodyKind.STEERING_GROUP,
        people=[
            (p["commissioner"], BodyRole.CHAIR),
            p["procurement"],
            p["steering"],
            (p["facilitator"], BodyRole.SECRETARY),
        ],
    )
    design = make_body(
        partnership,
        BodyKind.DESIGN_COMMITTEE,
        people=[(p["facilitator"], BodyRole.CHAIR), p["se_partner"], p["service_user"]],
    )
    return Gov(partnership, personas, steering, design)


@pytest.fixture
def own_gates(monkeypatch):
    """Only the foundation's criteria and this app's: other apps register automatic criteria of
    their own (an approved specification, a pilot evaluation) that these tests do not set up."""

    def ours(criterion):
        module = getattr(criterion.check, "__module__", "") or ""
        return criterion.manual or module.startswith(("coplan.partnerships", "coplan.governance"))

    monkeypatch.setattr(
        gates, "_CRITERIA", {s: [c for c in cs if ours(c)] for s, cs in gates._CRITERIA.items()}
    )
