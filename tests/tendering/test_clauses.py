"""The shared clause library: seeded with the catalogue of domain.md §8, versioned wording,
measures and effective-dated proxy values; local residence is never a requirement (F6)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.tendering import domain
from coplan.tendering.enums import ClauseType
from coplan.tendering.models import Clause
from tests.api.helpers import FORBIDDEN, api_as, assert_problem
from tests.conftest import ALL_ROLES
from tests.factories import SiteAdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_starter_library_covers_every_clause_type_with_measures():
    clauses = {c.type: c for c in Clause.objects.all()}
    assert set(clauses) == set(ClauseType.values)
    reuse = clauses["environmental"]
    assert reuse.current_version.number == 1
    assert [m.name for m in reuse.measures.all()] == [
        "Items reused",
        "Tonnes of goods reused",
        "Tonnes diverted from landfill",
        "Reuse rate",
        "CO2e avoided",
    ]
    tonnes = reuse.measures.get(name="Tonnes diverted from landfill")
    assert tonnes.evidence == "Weighbridge tickets and waste transfer notes"
    assert tonnes.proxy_on(dt.date(2026, 1, 1)).value == D("95.00")
    assert tonnes.proxy_on(dt.date(2015, 1, 1)) is None  # the starter table is from 2016
    # The seeded wording itself never asks for local residence.
    for clause in clauses.values():
        assert domain.residence_warnings(clause.current_version.wording) == []


def test_changing_the_wording_makes_a_new_version_and_keeps_the_old():
    staff = UserFactory(is_staff=True)
    clause = Clause.objects.get(type="apprenticeships")
    first = clause.current_version
    version = domain.revise_wording(
        clause=clause,
        actor=staff,
        wording="The Contractor shall create 2 apprenticeships.",
        change_note="Shorter",
    )
    assert version.number == 2
    assert clause.current_version == version
    assert list(clause.versions.values_list("number", flat=True)) == [2, 1]
    first.refresh_from_db()
    assert first.wording.startswith("The Contractor shall create apprenticeships")
    event = AuditEvent.objects.get(action="tendering.clause.revised")
    assert event.data == {"version": 2, "residence_warnings": []}
    with pytest.raises(DomainError, match="has not changed"):
        domain.revise_wording(clause=clause, actor=staff, wording=version.wording)


@pytest.mark.parametrize(
    ("wording", "found"),
    [
        ("Recruit local people from the area.", ["local people"]),
        ("Trainees must be residents within North Lanarkshire", ["residents within"]),
        ("Applicants living in ML1 postcodes", ["living in", "postcodes"]),
        ("Ten jobs for local residents", ["local residents"]),
        ("Recruit young people leaving homelessness, wherever they live.", []),
    ],
)
def test_f6_residence_wording_is_spotted(wording, found):
    assert domain.residence_warnings(wording) == found


def test_the_editor_warns_but_does_not_block_residence_wording(client):
    staff = SiteAdminFactory()
    client.force_login(staff)
    clause = Clause.objects.get(type="targeted_recruitment")
    url = reverse("tenders_public:clause.edit", args=[clause.pk])
    response = client.post(
        url,
        {"wording": "The Contractor shall recruit local people.", "change_note": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert clause.versions.count() == 2  # saved: a warning, not a block
    page = response.content.decode()
    assert "the wording mentions local people" in page
    assert "Local residence must never be a requirement" in page
    assert AuditEvent.objects.get(action="tendering.clause.revised").data["residence_warnings"] == [
        "local people"
    ]


def test_the_library_states_the_f6_rule_to_everyone_signed_in(client):
    client.force_login(UserFactory())
    page = client.get(reverse("tenders_public:clauses")).content.decode()
    assert "Local residence must never be a requirement" in page
    assert "Targeted recruitment and training of priority groups" in page
    assert "Add a clause" not in page


def test_the_library_needs_a_sign_in(client):
    response = client.get(reverse("tenders_public:clauses"))
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["clause.new"])
def test_only_site_administrators_edit_the_library(client, name):
    client.force_login(UserFactory())
    assert client.get(reverse(f"tenders_public:{name}")).status_code == 403
    client.force_login(UserFactory(is_staff=True))  # staff, not in the group: the admin only
    assert client.get(reverse(f"tenders_public:{name}")).status_code == 403
    client.force_login(SiteAdminFactory())
    assert client.get(reverse(f"tenders_public:{name}")).status_code == 200


def test_staff_add_a_clause_a_measure_and_a_proxy():
    staff = UserFactory(is_staff=True)
    clause = domain.create_clause(
        actor=staff,
        type="community",
        title="Food bank support",
        wording="The Contractor shall donate surplus food.",
    )
    measure = domain.add_measure(
        clause=clause, actor=staff, name="Meals", unit="meals", evidence="Food bank receipts"
    )
    domain.set_proxy(
        measure=measure,
        actor=staff,
        value=D("2.50"),
        effective_from=dt.date(2025, 4, 1),
        table_version="2025.1",
    )
    domain.set_proxy(
        measure=measure,
        actor=staff,
        value=D("2.75"),
        effective_from=dt.date(2026, 4, 1),
        table_version="2026.1",
    )
    assert measure.proxy_on(dt.date(2026, 3, 31)).value == D("2.50")
    assert measure.proxy_on(dt.date(2026, 4, 1)).value == D("2.75")
    with pytest.raises(DomainError) as refused:
        domain.set_proxy(
            measure=measure,
            actor=staff,
            value=D(3),
            effective_from=dt.date(2026, 4, 1),
            table_version="x",
        )
    assert refused.value.field == "effective_from"


def test_the_library_api():
    reader, staff = api_as(UserFactory()), api_as(SiteAdminFactory())
    clauses = reader.get("/clauses").json()
    assert len(clauses) == 8
    recruit = next(c for c in clauses if c["type"] == "targeted_recruitment")
    assert recruit["version"] == 1 and recruit["residence_warnings"] == []
    body = {"wording": "Jobs for residents within the county.", "change_note": "test"}
    assert_problem(reader.post(f"/clauses/{recruit['id']}/versions", body), 403, FORBIDDEN)
    revised = staff.post(f"/clauses/{recruit['id']}/versions", body)
    assert revised.status_code == 201
    assert revised.json()["version"] == 2
    assert revised.json()["residence_warnings"] == ["residents within"]
    assert [v["number"] for v in revised.json()["versions"]] == [2, 1]


# --- every staff page of the library, by persona ---------------------------------------------

LIBRARY_EDIT_PAGES = ["clause.edit", "clause.settings", "measure.add", "proxy.add"]


def _library_url(name):
    clause = Clause.objects.get(type="environmental")
    kwargs = {"clause_pk": clause.pk}
    if name == "proxy.add":
        kwargs["measure_pk"] = clause.measures.first().pk
    return reverse(f"tenders_public:{name}", kwargs=kwargs)


@pytest.mark.parametrize("persona", [*ALL_ROLES, "outsider", "staff"])
@pytest.mark.parametrize("name", LIBRARY_EDIT_PAGES)
def test_library_edit_pages_by_role(client, personas, persona, name):
    """Only staff edit the shared library; a partnership role gives no right to it."""
    client.force_login(personas[persona])
    response = client.get(_library_url(name))
    assert response.status_code == (200 if persona == "staff" else 403)


@pytest.mark.parametrize("name", LIBRARY_EDIT_PAGES)
def test_library_edit_pages_need_a_sign_in(client, name):
    response = client.get(_library_url(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("persona", [*ALL_ROLES, "outsider", "staff"])
def test_withdrawing_a_clause_by_role(client, personas, persona):
    clause = Clause.objects.get(type="education")
    client.force_login(personas[persona])
    response = client.post(
        reverse("tenders_public:clause.settings", args=[clause.pk]),
        {"type": clause.type, "title": clause.title, "guidance": "Schools only.", "is_active": ""},
    )
    clause.refresh_from_db()
    if persona == "staff":
        assert response.status_code == 302
        assert not clause.is_active and clause.guidance == "Schools only."
        event = AuditEvent.objects.get(action="tendering.clause.updated")
        assert event.actor == personas["staff"]
        assert event.data["changed"] == ["guidance", "is_active"]
    else:
        assert response.status_code == 403
        assert clause.is_active


def test_the_settings_page_changes_the_details_and_refuses_a_duplicate_title(client):
    staff = SiteAdminFactory()
    client.force_login(staff)
    clause = Clause.objects.get(type="education")
    other = Clause.objects.get(type="apprenticeships")
    url = reverse("tenders_public:clause.settings", args=[clause.pk])
    page = client.get(url).content.decode()
    assert clause.title in page and "Offer this clause for new tenders" in page
    response = client.post(url, {"type": "education", "title": other.title, "is_active": "on"})
    assert response.status_code == 200
    assert "already has a clause called" in response.content.decode()
    response = client.post(
        url, {"type": "education", "title": "School engagement", "is_active": "on"}, follow=True
    )
    clause.refresh_from_db()
    assert clause.title == "School engagement" and clause.is_active
    assert "“School engagement” saved." in response.content.decode()
    assert clause.current_version.number == 1  # the wording is untouched
    detail = client.get(reverse("tenders_public:clause.detail", args=[clause.pk])).content.decode()
    assert "withdraw the clause" in detail
    domain.update_clause(clause=clause, actor=staff, is_active=False)
    detail = client.get(reverse("tenders_public:clause.detail", args=[clause.pk])).content.decode()
    assert "Withdrawn" in detail
