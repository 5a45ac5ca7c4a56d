"""Who may see and do what on the consortium pages, for every role.

The world: three enterprises form a consortium led by the enterprise partner persona's
organisation ("se_partner"), with "member_se" and "third_se" the other members' partners, and
"outside_se" an enterprise partner whose organisation is not in the consortium. Heads of terms
are agreed, so the draft can be signed. For every page and action, for every persona: "who
may" gets 200 (or the change is made and audited: 302), outsiders 404, anyone else 403 with
nothing changed.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from coplan.consortium import domain
from coplan.consortium.enums import AgreementStatus
from coplan.consortium.models import Capability, ConsortiumMember
from coplan.core.models import AuditEvent
from coplan.partnerships.enums import Role
from tests.conftest import PERSONAS
from tests.factories import OrganisationFactory, member

EVERYONE = [*PERSONAS, "member_se", "third_se", "outside_se"]
ALL = frozenset(EVERYONE) - {"outsider"}
COMMERCIAL = ALL - {"service_user"}
MANAGERS = frozenset({"facilitator", "se_partner"})
COSTS = COMMERCIAL - {"outside_se"}


def nothing(w):
    return {}


def member_of(w):
    return {"member_pk": w.second.pk}


def service(w):
    return {"service_pk": w.packs.pk}


# fmt: off
PAGES = [
    # page, url name, who may, URL kwargs
    ("overview", "overview", ALL, nothing),
    ("details form", "consortium.edit", MANAGERS, nothing),
    ("add member form", "member.add", MANAGERS, nothing),
    ("member form", "member.edit", MANAGERS, member_of),
    ("capability matrix", "matrix", ALL, nothing),
    ("split", "split", COMMERCIAL, nothing),
    ("split form", "split.edit", MANAGERS, service),
    ("agreement", "agreement", COMMERCIAL, nothing),
    ("agreement form", "agreement.edit", MANAGERS, nothing),
    ("consortium costs", "costs", COSTS, nothing),
]
# fmt: on


@pytest.fixture
def w(drafted):
    outside = OrganisationFactory(name="Not In It Ltd")
    drafted.people["outside_se"] = member(drafted.partnership, Role.SE_PARTNER, outside)
    return drafted


def url(w, url_name, kwargs):
    return reverse(f"consortium:{url_name}", kwargs={"pk": w.partnership.pk, **kwargs})


def expected(persona, allowed):
    if persona == "outsider":
        return 404
    return 200 if persona in allowed else 403


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize(
    ("page", "url_name", "allowed", "kwargs"), PAGES, ids=[p[0] for p in PAGES]
)
def test_pages_by_role(client, w, persona, page, url_name, allowed, kwargs):
    client.force_login(w.people[persona])
    response = client.get(url(w, url_name, kwargs(w)))
    assert response.status_code == expected(persona, allowed), page


def test_anonymous_visitors_are_sent_to_sign_in(client, w):
    for _, url_name, _, kwargs in PAGES:
        response = client.get(url(w, url_name, kwargs(w)))
        assert response.status_code == 302 and "/login/" in response["Location"]


@dataclass(frozen=True)
class Post:
    url_name: str
    allowed: frozenset
    audit: str
    kwargs: Callable = nothing
    data: Callable = lambda w: {}
    done: Callable = lambda w: True


POSTS = {
    "sign for the lead partner": Post(
        "agreement.sign",
        frozenset({"se_partner"}),
        "consortium.agreement.signed",
        kwargs=lambda w: {"member_pk": w.lead.pk},
        done=lambda w: w.agreement.signatures.filter(member=w.lead).exists(),
    ),
    "change the split": Post(
        "split.edit",
        MANAGERS,
        "consortium.split.set",
        kwargs=service,
        data=lambda w: {
            f"work_{w.lead.pk}": "40",
            f"revenue_{w.lead.pk}": "40",
            f"work_{w.second.pk}": "40",
            f"revenue_{w.second.pk}": "40",
            f"work_{w.third.pk}": "20",
            f"revenue_{w.third.pk}": "20",
        },
        done=lambda w: w.packs.split.get(member=w.lead).work_percent == 40,
    ),
    "change the agreement": Post(
        "agreement.edit",
        MANAGERS,
        "consortium.agreement.updated",
        data=lambda w: {"heads_of_terms": "Changed", "governance": "Monthly meetings"},
        done=lambda w: (
            w.agreement.__class__.objects.get(pk=w.agreement.pk).governance == "Monthly meetings"
        ),
    ),
    "add a capability": Post(
        "matrix",
        MANAGERS,
        "consortium.capability.added",
        data=lambda w: {"member": w.second.pk, "service": w.packs.pk, "geography": "Airdrie"},
        done=lambda w: Capability.objects.filter(geography="Airdrie").exists(),
    ),
    "remove a member": Post(
        "member.remove",
        MANAGERS,
        "consortium.member.removed",
        kwargs=lambda w: {"member_pk": w.third.pk},
        done=lambda w: not ConsortiumMember.objects.filter(pk=w.third.pk).exists(),
    ),
    "add a service": Post(
        "service.add",
        MANAGERS,
        "consortium.service.added",
        data=lambda w: {"name": "Removals"},
        done=lambda w: w.consortium.services.filter(name="Removals").exists(),
    ),
}


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("name", POSTS)
def test_actions_by_role(client, w, persona, name):
    post = POSTS[name]
    client.force_login(w.people[persona])
    before = AuditEvent.objects.count()
    response = client.post(url(w, post.url_name, post.kwargs(w)), post.data(w))
    status = expected(persona, post.allowed)
    if status == 200:
        assert response.status_code == 302, response.content[:3000]
        assert post.done(w)
        assert AuditEvent.objects.filter(action=post.audit).first().actor == w.people[persona]
    else:
        assert response.status_code == status
        assert AuditEvent.objects.count() == before


def test_forming_a_consortium_is_for_the_facilitator_and_enterprise_partners(
    client, partnership, personas
):
    for persona, status in [
        ("commissioner", 403),
        ("service_user", 403),
        ("outsider", 404),
        ("se_partner", 200),
        ("facilitator", 200),
    ]:
        client.force_login(personas[persona])
        response = client.get(reverse("consortium:consortium.new", args=[partnership.pk]))
        assert response.status_code == status, persona
    org = personas["se_partner"].memberships.get().organisation
    response = client.post(
        reverse("consortium:consortium.new", args=[partnership.pk]),
        {"name": "ROAR", "legal_model": "joint_venture", "members": [org.pk], "lead": org.pk},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="consortium.created").exists()


def test_an_edit_after_signing_tells_the_editor_the_signatures_were_voided(client, w):
    for m in (w.lead, w.second, w.third):
        domain.sign_agreement(agreement=w.agreement, actor=m.signatory, member=m)
    client.force_login(w.people["facilitator"])
    response = client.post(
        url(w, "agreement.edit", {}), {"heads_of_terms": "New terms"}, follow=True
    )
    page = response.content.decode()
    assert "This change voided 3 signatures on the agreement" in page
    assert "Voided signatures" in page
    w.agreement.refresh_from_db()
    assert w.agreement.status == AgreementStatus.DRAFT


def test_the_split_form_refuses_totals_other_than_100(client, w):
    client.force_login(w.people["facilitator"])
    response = client.post(
        url(w, "split.edit", service(w)),
        {
            f"work_{w.lead.pk}": "50",
            f"revenue_{w.lead.pk}": "50",
            f"work_{w.second.pk}": "40",
            f"revenue_{w.second.pk}": "50",
        },
    )
    assert response.status_code == 200
    assert "The shares of the work total 90 %: they must total 100 %" in response.content.decode()
