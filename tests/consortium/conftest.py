from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from coplan.consortium import domain
from coplan.consortium.enums import LegalModel
from coplan.partnerships.enums import Role
from coplan.partnerships.models import Membership
from tests.factories import OrganisationFactory, member


@pytest.fixture
def world(partnership, personas):
    """Three enterprises form a consortium led by the enterprise partner persona's
    organisation; two services; a complete split; heads of terms written, not yet agreed."""
    lead_person = personas["se_partner"]
    lead = Membership.objects.get(partnership=partnership, user=lead_person).organisation
    second, third = OrganisationFactory(name="Beulah Test"), OrganisationFactory(name="St P Test")
    personas["member_se"] = member(partnership, Role.SE_PARTNER, second)
    personas["third_se"] = member(partnership, Role.SE_PARTNER, third)
    facilitator = personas["facilitator"]
    consortium = domain.form_consortium(
        partnership=partnership,
        actor=facilitator,
        name="Homereach",
        legal_model=LegalModel.LEAD_CONTRACTOR,
        members=[lead, second, third],
        lead=lead,
    )
    members = {m.organisation_id: m for m in consortium.members.all()}
    storage = domain.add_service(consortium=consortium, actor=facilitator, name="Storage")
    packs = domain.add_service(consortium=consortium, actor=facilitator, name="Packs")
    domain.set_split(
        service=storage,
        actor=facilitator,
        shares={members[lead.pk]: (D(60), D(60)), members[third.pk]: (D(40), D(40))},
    )
    domain.set_split(
        service=packs,
        actor=facilitator,
        shares={
            members[lead.pk]: (D(30), D(35)),
            members[second.pk]: (D(50), D(45)),
            members[third.pk]: (D(20), D(20)),
        },
    )
    domain.update_agreement(
        agreement=consortium.agreement,
        actor=facilitator,
        heads_of_terms="RECAP leads; subcontracts to the others.",
    )
    consortium.refresh_from_db()
    return SimpleNamespace(
        partnership=partnership,
        people=personas,
        consortium=consortium,
        lead=members[lead.pk],
        second=members[second.pk],
        third=members[third.pk],
        storage=storage,
        packs=packs,
        agreement=consortium.agreement,
    )


@pytest.fixture
def drafted(world):
    domain.agree_heads_of_terms(agreement=world.agreement, actor=world.people["facilitator"])
    world.agreement.refresh_from_db()
    return world
