"""The golden thread's link from the tender to the specification: each quality criterion and
community benefit requirement may record the specification requirement it answers. The
officer chooses it from the partnership's latest signed-off specification (pages and API);
the domain refuses another partnership's requirement, naming the field."""

import pytest
from django.urls import reverse
from django.utils import timezone

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.design.models import Requirement, Section, SpecificationVersion
from coplan.tendering import domain
from tests.api.helpers import REFUSED, api_as, assert_problem
from tests.factories import PartnershipFactory


def specification(partnership, number, keys, status="frozen"):
    """A specification version of ``partnership`` with one requirement per key (made while a
    draft, as requirements can only change then), then signed off unless ``status`` is
    ``draft``."""
    version = SpecificationVersion.objects.create(partnership=partnership, number=number)
    sections = {}
    found = {}
    for key in keys:
        kind = {"CB": "community_benefits", "SL": "service_levels"}[key.split("-")[0]]
        if kind not in sections:
            sections[kind] = Section.objects.create(version=version, kind=kind)
        found[key] = Requirement.objects.create(
            version=version, section=sections[kind], key=key, text=f"Requirement {key}"
        )
    if status != "draft":
        now = timezone.now()
        SpecificationVersion.objects.filter(pk=version.pk).update(
            status=status, approved_at=now, frozen_at=now if status == "frozen" else None
        )
    return found


@pytest.fixture
def spec(world):
    return specification(world.partnership, 1, ["CB-1", "SL-1"])


@pytest.fixture
def elsewhere(db):
    return specification(PartnershipFactory(), 1, ["CB-1"])["CB-1"]


def page(world, name, **kwargs):
    return reverse(
        f"tendering:{name}",
        kwargs={"pk": world.partnership.pk, "tender_pk": world.tender.pk, **kwargs},
    )


def test_the_domain_records_the_link_and_audits_it(world, spec):
    officer = world.people["procurement"]
    criterion = domain.add_criterion(
        tender=world.tender,
        actor=officer,
        name="Reuse",
        question="How?",
        spec_requirement=spec["CB-1"],
    )
    assert criterion.spec_requirement == spec["CB-1"]
    event = AuditEvent.objects.filter(action="tendering.criterion.added").latest("pk")
    assert event.data["spec_requirement"] == "CB-1"
    domain.update_criterion(criterion=criterion, actor=officer, spec_requirement=spec["SL-1"])
    criterion.refresh_from_db()
    assert criterion.spec_requirement == spec["SL-1"]
    requirement = domain.update_requirement(
        requirement=world.tonnes, actor=officer, spec_requirement=spec["CB-1"], notes="CB-1"
    )
    requirement.refresh_from_db()
    assert requirement.spec_requirement == spec["CB-1"] and requirement.notes == "CB-1"
    event = AuditEvent.objects.filter(action="tendering.requirement.updated").get()
    assert event.data["changed"] == ["notes", "spec_requirement"]
    assert event.data["spec_requirement"] == "CB-1"
    domain.update_requirement(requirement=requirement, actor=officer, spec_requirement=None)
    requirement.refresh_from_db()
    assert requirement.spec_requirement is None


def test_the_domain_refuses_another_partnerships_requirement(world, elsewhere):
    officer = world.people["procurement"]
    recruitment = world.trainees
    attempts = [
        lambda: domain.add_criterion(
            tender=world.tender, actor=officer, name="Other", spec_requirement=elsewhere
        ),
        lambda: domain.update_criterion(
            criterion=world.delivery, actor=officer, spec_requirement=elsewhere
        ),
        lambda: domain.add_requirement(
            tender=world.tender,
            actor=officer,
            clause_version=recruitment.clause_version,
            measure=recruitment.measure,
            mode="scored",
            spec_requirement=elsewhere,
        ),
        lambda: domain.update_requirement(
            requirement=world.tonnes, actor=officer, spec_requirement=elsewhere
        ),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.field == "spec_requirement"
    assert not world.tender.quality_criteria.filter(spec_requirement__isnull=False).exists()
    assert not world.tender.benefit_requirements.filter(spec_requirement__isnull=False).exists()


def test_a_published_requirement_cannot_be_changed(published, spec):
    with pytest.raises(DomainError):
        domain.update_requirement(
            requirement=published.tonnes,
            actor=published.people["procurement"],
            spec_requirement=spec["CB-1"],
        )


def test_the_forms_offer_the_latest_signed_off_specification(client, world, spec):
    """Version 1 is frozen; version 2 is a draft with a requirement of its own (CB-2): only
    version 1's requirements are offered, plus the one already chosen when changing."""
    specification(world.partnership, 2, ["CB-2"], status="draft")
    client.force_login(world.people["procurement"])
    for address in (page(world, "criterion.add"), page(world, "requirement.add")):
        content = client.get(address).content.decode()
        assert "Specification requirement (optional)" in content
        assert "CB-1: Requirement CB-1" in content and "SL-1: Requirement SL-1" in content
        assert "CB-2" not in content
    draft_only = Requirement.objects.get(key="CB-2")
    world.delivery.spec_requirement = draft_only
    world.delivery.save()
    content = client.get(page(world, "criterion.edit", criterion_pk=world.delivery.pk))
    assert "CB-2: Requirement CB-2" in content.content.decode()


def test_the_officer_links_a_requirement_through_the_pages(client, world, spec, elsewhere):
    client.force_login(world.people["procurement"])
    address = page(world, "requirement.edit", requirement_pk=world.tonnes.pk)
    refused = client.post(
        address, {"mode": "scored", "points_per_unit": "1", "spec_requirement": elsewhere.pk}
    )
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    response = client.post(
        address,
        {"mode": "scored", "points_per_unit": "1", "spec_requirement": spec["CB-1"].pk},
    )
    assert response.status_code == 302
    world.tonnes.refresh_from_db()
    assert world.tonnes.spec_requirement == spec["CB-1"]
    response = client.post(
        page(world, "criterion.edit", criterion_pk=world.delivery.pk),
        {
            "name": "Service delivery",
            "question": "How?",
            "weight": "20",
            "spec_requirement": spec["SL-1"].pk,
        },
    )
    assert response.status_code == 302
    world.delivery.refresh_from_db()
    assert world.delivery.spec_requirement == spec["SL-1"]
    # the tender page and the criteria page show the link, and the way to the golden thread
    detail = client.get(page(world, "tender.detail")).content.decode()
    assert "Specification requirement" in detail and ">CB-1<" in detail
    thread = reverse(
        "benefits:thread.item", args=[world.partnership.pk, "benefit_requirement", world.tonnes.pk]
    )
    assert thread in detail
    model = client.get(page(world, "tender.model")).content.decode()
    assert ">SL-1<" in model
    assert (
        reverse("benefits:thread.item", args=[world.partnership.pk, "criterion", world.delivery.pk])
        in model
    )
    assert client.get(thread).status_code == 200


def test_no_thread_link_to_a_draft_for_those_who_may_not_see_its_model(client, world):
    """An enterprise partner sees the draft tender's page, but the thread hides its
    requirements from them: no link to a page they could not open."""
    client.force_login(world.people["se_partner"])
    detail = client.get(page(world, "tender.detail"))
    assert detail.status_code == 200
    assert "Golden thread" not in detail.content.decode()
    client.force_login(world.people["commissioner"])
    assert "Golden thread" in client.get(page(world, "tender.detail")).content.decode()


def test_the_api_takes_and_shows_the_link(world, spec, elsewhere):
    officer = api_as(world.people["procurement"])
    path = f"/partnerships/{world.partnership.pk}/tenders/{world.tender.pk}"
    made = officer.post(
        f"{path}/criteria", {"name": "Reuse", "weight": "5", "spec_requirement_id": spec["CB-1"].pk}
    )
    assert made.status_code == 201, made.content
    assert made.json()["spec_requirement_id"] == spec["CB-1"].pk
    assert made.json()["spec_requirement_key"] == "CB-1"
    body = assert_problem(
        officer.post(
            f"{path}/criteria",
            {"name": "Other", "weight": "5", "spec_requirement_id": elsewhere.pk},
        ),
        422,
        REFUSED,
    )
    assert body["field"] == "spec_requirement_id"
    body = assert_problem(
        officer.patch(
            f"{path}/criteria/{world.delivery.pk}", {"spec_requirement_id": elsewhere.pk}
        ),
        422,
        REFUSED,
    )
    assert body["field"] == "spec_requirement_id"
    changed = officer.patch(
        f"{path}/requirements/{world.tonnes.pk}", {"spec_requirement_id": spec["CB-1"].pk}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["spec_requirement_key"] == "CB-1"
    body = assert_problem(
        officer.patch(
            f"{path}/requirements/{world.tonnes.pk}", {"spec_requirement_id": elsewhere.pk}
        ),
        422,
        REFUSED,
    )
    assert body["field"] == "spec_requirement_id"
    rows = {r["id"]: r for r in officer.get(path).json()["benefit_requirements"]}
    assert rows[world.tonnes.pk]["spec_requirement_key"] == "CB-1"
    assert rows[world.trainees.pk]["spec_requirement_id"] is None
    criteria = {c["id"]: c for c in officer.get(f"{path}/model").json()["criteria"]}
    assert criteria[made.json()["id"]]["spec_requirement_key"] == "CB-1"
    cleared = officer.patch(f"{path}/requirements/{world.tonnes.pk}", {"spec_requirement_id": None})
    assert cleared.json()["spec_requirement_id"] is None
    assert api_as(world.people["se_partner"]).patch(
        f"{path}/requirements/{world.tonnes.pk}", {"notes": "x"}
    ).status_code in (403, 404)
