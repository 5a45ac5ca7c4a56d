"""The register of interests: standing declarations per person, reviewed at least yearly, read
by the tender app through ``queries.declared_interests``."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.governance import domain, queries
from coplan.governance.enums import InterestKind
from tests.factories import OrganisationFactory, UserFactory


def test_declared_interests_are_the_current_ones(db):
    person = UserFactory()
    bidder = OrganisationFactory(name="Brannock Removals and Storage Ltd")
    trustee = domain.declare_interest(
        user=person,
        actor=person,
        kind=InterestKind.ORGANISATION_ROLE,
        description="Unpaid trustee.",
        organisation=bidder,
        starts_on=dt.date(2019, 4, 1),
    )
    shares = domain.declare_interest(
        user=person,
        actor=person,
        kind=InterestKind.FINANCIAL,
        description="Shares in a care provider.",
        organisation_name="Acme Care Ltd",
    )
    assert set(queries.declared_interests(person)) == {trustee, shares}
    assert list(queries.declared_interests(person, on=dt.date(2018, 1, 1))) == [shares]
    domain.end_interest(interest=shares, actor=person, ends_on=dt.date(2026, 1, 31))
    assert list(queries.declared_interests(person, on=dt.date(2026, 2, 1))) == [trustee]
    assert trustee.organisation_label == "Brannock Removals and Storage Ltd"
    assert shares.organisation_label == "Acme Care Ltd"
    assert AuditEvent.objects.filter(action__startswith="governance.interest").count() == 3


def test_an_organisation_role_names_the_organisation(db):
    person = UserFactory()
    with pytest.raises(DomainError) as error:
        domain.declare_interest(
            user=person, actor=person, kind=InterestKind.ORGANISATION_ROLE, description="Director"
        )
    assert (error.value.code, error.value.field) == ("organisation_required", "organisation")


def test_the_register_is_due_for_review_yearly(db):
    person = UserFactory()
    assert queries.review_due(person)
    with time_machine.travel(dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)):
        review = domain.review_interests(user=person, actor=person)
    assert review.interest_count == 0
    assert not queries.review_due(person, today=dt.date(2026, 3, 1))
    assert queries.review_due(person, today=dt.date(2026, 3, 2))


def test_members_read_each_others_registers(gov, as_user):
    domain.declare_interest(
        user=gov.people["se_partner"],
        actor=gov.people["se_partner"],
        kind=InterestKind.ORGANISATION_ROLE,
        description="Manager.",
        organisation_name="RECAP",
    )
    response = as_user(gov.people["service_user"]).get(
        reverse("governance:interests", args=[gov.partnership.pk])
    )
    assert response.status_code == 200
    rows = {r["user"]: r for r in response.context["registers"]}
    assert [i.description for i in rows[gov.people["se_partner"]]["interests"]] == ["Manager."]
    assert rows[gov.people["se_partner"]]["review_due"]
    assert gov.people["outsider"] not in rows


def test_people_keep_their_own_register(gov, as_user):
    person = gov.people["evaluator"]
    client = as_user(person)
    url = reverse("governance_personal:interests")
    response = client.post(
        url,
        {"kind": "organisation_role", "organisation_name": "Braeside", "description": "Director"},
    )
    assert response.status_code == 302
    interest = queries.declared_interests(person).get()
    assert client.post(reverse("governance_personal:interests.review")).status_code == 302
    assert not queries.review_due(person)
    # someone else's entry cannot be ended
    other = as_user(gov.people["steering"]).post(
        reverse("governance_personal:interest.end", args=[interest.pk])
    )
    assert other.status_code == 404
    client = as_user(person)  # the same test client, signed in as the person again
    assert (
        client.post(reverse("governance_personal:interest.end", args=[interest.pk])).status_code
        == 302
    )
    assert not queries.declared_interests(
        person, on=dt.date.today() + dt.timedelta(days=1)
    ).exists()
    response = client.post(url, {"kind": "organisation_role", "description": "Director"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "organisation": ["Name the organisation you hold the role in."]
    }
