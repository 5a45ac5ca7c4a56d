"""Cost model and capacity rules: each action guards, changes, saves and audits; a locked
version never changes."""

import datetime as dt
from decimal import Decimal as D

import pytest

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.costing import domain, queries
from coplan.costing.compare import compare_versions
from coplan.costing.enums import ActionStatus, CapacityArea, VersionStatus
from coplan.costing.models import CostModel, CostModelVersion, StaffLine
from tests.factories import OrganisationFactory

from .conftest import packs_contents


def actions(partnership):
    return list(
        AuditEvent.objects.filter(partnership=partnership)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def loaded(version):
    full = queries.full_version(version)
    full.cost_model = version.cost_model
    return full


def test_a_new_model_starts_as_a_private_draft_with_the_service_as_an_activity(
    partnership, personas
):
    owner = personas["se_partner"]
    enterprise = owner.memberships.get().organisation
    model = domain.create_cost_model(
        partnership=partnership, actor=owner, organisation=enterprise, service=" Storage "
    )
    version = model.versions.get()
    assert (model.service, version.number, version.status) == ("Storage", 1, "draft")
    assert list(version.activities.values_list("name", flat=True)) == ["Storage"]
    assert "costing.model.created" in actions(partnership)


def test_only_the_enterprises_own_partner_or_the_facilitator_creates_its_model(
    partnership, personas
):
    enterprise = personas["se_partner"].memberships.get().organisation
    other = OrganisationFactory()
    with pytest.raises(DomainError) as refused:
        domain.create_cost_model(
            partnership=partnership,
            actor=personas["se_partner"],
            organisation=other,
            service="Packs",
        )
    assert refused.value.code == "not_an_enterprise"
    with pytest.raises(DomainError) as refused:
        domain.create_cost_model(
            partnership=partnership,
            actor=personas["commissioner"],
            organisation=enterprise,
            service="Packs",
        )
    assert refused.value.code == "not_your_enterprise"
    model = domain.create_cost_model(
        partnership=partnership,
        actor=personas["facilitator"],
        organisation=enterprise,
        service="Packs",
    )
    with pytest.raises(DomainError) as refused:
        domain.create_cost_model(
            partnership=partnership,
            actor=personas["facilitator"],
            organisation=enterprise,
            service="packs",
        )
    assert refused.value.code == "duplicate"
    assert CostModel.objects.filter(pk=model.pk).exists()


def test_the_pages_calculation_matches_the_hand_checked_figures(world):
    calculation = queries.calculate(loaded(world.version))
    assert calculation.errors == []
    assert calculation.result.full_cost == D("60060")
    assert calculation.result.unit_cost == D("150.15")


def test_locking_records_the_figures_and_then_nothing_changes(world):
    domain.lock_version(version=world.version, actor=world.owner)
    version = CostModelVersion.objects.get(pk=world.version.pk)
    version.cost_model = world.model
    assert version.status == VersionStatus.LOCKED
    assert version.figure("full_cost") == D("60060")
    assert version.figure("unit_cost") == D("150.15")
    assert version.locked_by == world.owner
    before = AuditEvent.objects.count()
    line = version.staff_lines.first()
    activity = version.activities.first()
    attempts = [
        lambda: domain.update_settings(version=version, actor=world.owner, units=D(1)),
        lambda: domain.add_activity(version=version, actor=world.owner, name="New", kind="core"),
        lambda: domain.save_staff_line(
            version=version, actor=world.owner, line=line, name="Manager", salary=D(1)
        ),
        lambda: domain.remove_staff_line(version=version, actor=world.owner, line=line),
        lambda: domain.save_direct_cost(
            version=version,
            actor=world.owner,
            name="Extra",
            category="other",
            amount=D(5),
            activity=activity,
        ),
        lambda: domain.save_pool(
            version=version,
            actor=world.owner,
            name="Extra",
            category="custom",
            amount=D(5),
            driver="headcount",
        ),
        lambda: domain.set_driver_values(
            version=version, actor=world.owner, driver="floor_area", values={activity: D(1)}
        ),
        lambda: domain.lock_version(version=version, actor=world.owner),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == "version_locked"
    assert AuditEvent.objects.count() == before
    assert StaffLine.objects.get(pk=line.pk).salary == D(30000)


def test_an_import_after_locking_goes_into_a_new_draft_not_the_locked_version(world):
    domain.lock_version(version=world.version, actor=world.owner)
    draft = domain.replace_contents(
        model=world.model, actor=world.owner, contents=packs_contents(units=D(500))
    )
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert CostModelVersion.objects.get(pk=world.version.pk).units == D(400)


def test_a_model_that_does_not_add_up_cannot_be_locked(world):
    activity = world.version.activities.get(name="Storage")
    domain.save_pool(
        version=world.version,
        actor=world.owner,
        name="Warehouse",
        category="premises",
        amount=D(100),
        driver="floor_area",
    )
    with pytest.raises(DomainError) as refused:
        domain.lock_version(version=world.version, actor=world.owner)
    assert refused.value.code == "model_invalid"
    assert "floor area" in refused.value.message
    domain.set_driver_values(
        version=world.version, actor=world.owner, driver="floor_area", values={activity: D(10)}
    )
    domain.lock_version(version=world.version, actor=world.owner)


def test_a_persons_time_cannot_exceed_100_percent(world):
    packs, storage = world.version.activities.filter(name__in=["Packs", "Storage"])
    with pytest.raises(DomainError) as refused:
        domain.save_staff_line(
            version=world.version,
            actor=world.owner,
            name="Busy",
            salary=D(20000),
            times={packs: D("0.7"), storage: D("0.4")},
        )
    assert refused.value.code == "time_over_100"
    assert refused.value.field == "time"
    assert not world.version.staff_lines.filter(name="Busy").exists()


def test_only_a_locked_version_is_shared_and_only_while_shared(world):
    with pytest.raises(DomainError) as refused:
        domain.share_version(version=world.version, actor=world.owner)
    assert refused.value.code == "not_locked"
    domain.lock_version(version=world.version, actor=world.owner)
    domain.share_version(version=world.version, actor=world.owner)
    assert CostModelVersion.objects.get(pk=world.version.pk).is_shared
    domain.share_version(version=world.version, actor=world.owner, shared=False)
    assert not CostModelVersion.objects.get(pk=world.version.pk).is_shared
    assert actions(world.partnership)[-2:] == ["costing.version.shared", "costing.version.unshared"]


def test_a_new_draft_copies_the_newest_version_and_only_one_draft_exists(locked):
    draft = locked.draft
    assert draft.number == 2
    source, copy = loaded(locked.version), loaded(draft)
    assert queries.calculate(copy).result.full_cost == queries.calculate(source).result.full_cost
    assert [s.name for s in copy.staff_lines.all()] == [s.name for s in source.staff_lines.all()]
    with pytest.raises(DomainError) as refused:
        domain.new_draft(model=locked.model, actor=locked.owner)
    assert refused.value.code == "draft_exists"


def test_comparing_versions_shows_the_figures_and_the_changed_lines(locked):
    draft = locked.draft
    domain.update_settings(version=draft, actor=locked.owner, basis="projects")
    fuel = draft.direct_costs.get(name="Van fuel")
    domain.save_direct_cost(
        version=draft,
        actor=locked.owner,
        line=fuel,
        name="Van fuel",
        category="travel",
        amount=D(6000),
        activity=fuel.activity,
    )
    comparison = compare_versions(locked.version, draft)
    figures = {row.label: (row.before, row.after) for row in comparison.figures}
    # Projects only, fuel 6,000: governance 6,000 × 49,700/73,800 = 4,040.65 to Packs.
    assert figures["Full cost"] == (D("60060"), D("68615.65"))
    assert figures["Direct cost"] == (D("48700"), D("49700"))
    changes = {(c.section, c.name, c.change) for c in comparison.lines}
    assert ("Direct costs", "Van fuel", "changed") in changes
    assert ("Settings", "Denominator", "changed") in changes


def test_removing_an_activity_in_use_or_the_service_is_refused(world):
    version = world.version
    with pytest.raises(DomainError) as refused:
        domain.remove_activity(
            version=version, actor=world.owner, activity=version.activities.get(name="Packs")
        )
    assert refused.value.code == "service_activity"
    with pytest.raises(DomainError) as refused:
        domain.remove_activity(
            version=version, actor=world.owner, activity=version.activities.get(name="Storage")
        )
    assert refused.value.code == "activity_in_use"
    domain.remove_activity(
        version=version, actor=world.owner, activity=version.activities.get(name="Core")
    )
    assert not version.activities.filter(name="Core").exists()


# --- capacity ---------------------------------------------------------------------------------


def scores(value=3):
    return {area.value: (value, f"Evidence for {area.label}") for area in CapacityArea}


def test_a_self_assessment_scores_every_area_from_1_to_5(world):
    with pytest.raises(DomainError) as refused:
        domain.record_assessment(
            partnership=world.partnership,
            actor=world.owner,
            organisation=world.enterprise,
            assessed_on=dt.date(2006, 3, 1),
            scores=scores() | {"finance": (6, "")},
        )
    assert refused.value.field == "finance"
    partial = scores()
    del partial["insurance"]
    with pytest.raises(DomainError):
        domain.record_assessment(
            partnership=world.partnership,
            actor=world.owner,
            organisation=world.enterprise,
            assessed_on=dt.date(2006, 3, 1),
            scores=partial,
        )
    assessment = domain.record_assessment(
        partnership=world.partnership,
        actor=world.owner,
        organisation=world.enterprise,
        assessed_on=dt.date(2006, 3, 1),
        scores=scores(2),
    )
    assert assessment.scores.count() == 8
    assert "costing.assessment.recorded" in actions(world.partnership)


def test_an_enterprise_cannot_assess_another(world):
    with pytest.raises(DomainError) as refused:
        domain.record_assessment(
            partnership=world.partnership,
            actor=world.owner,
            organisation=world.rival,
            assessed_on=dt.date(2006, 3, 1),
            scores=scores(),
        )
    assert refused.value.code == "not_your_enterprise"


def test_before_and_after_compares_the_first_and_latest_assessment(world):
    for day, value in (
        (dt.date(2006, 3, 1), 2),
        (dt.date(2006, 9, 1), 3),
        (dt.date(2007, 3, 1), 4),
    ):
        domain.record_assessment(
            partnership=world.partnership,
            actor=world.people["facilitator"],
            organisation=world.enterprise,
            assessed_on=day,
            scores=scores(value),
        )
    change = queries.before_after(
        world.enterprise, list(queries.assessments_for(world.partnership))
    )
    assert change.compared
    assert (change.first.assessed_on, change.latest.assessed_on) == (
        dt.date(2006, 3, 1),
        dt.date(2007, 3, 1),
    )
    assert {a.change for a in change.areas} == {2}
    assert (change.before_mean, change.after_mean) == (D(2), D(4))


def test_the_plan_tracks_actions_and_records_when_one_is_done(world):
    facilitator = world.people["facilitator"]
    item = domain.add_action(
        partnership=world.partnership,
        actor=facilitator,
        organisation=world.enterprise,
        area="finance",
        gap="No costing",
        action="Full cost recovery training",
        provider="CRNS",
        due_on=dt.date(2006, 6, 30),
    )
    assert item.status == ActionStatus.PLANNED
    assert item.is_overdue(dt.date(2006, 7, 1))
    domain.update_action(
        item=item, actor=facilitator, status=ActionStatus.DONE, completed_on=dt.date(2006, 6, 20)
    )
    item.refresh_from_db()
    assert (item.status, item.completed_on) == (ActionStatus.DONE, dt.date(2006, 6, 20))
    assert not item.is_overdue(dt.date(2006, 7, 1))
    assert actions(world.partnership)[-1] == "costing.action.completed"
    progress = queries.plan_progress([item], dt.date(2006, 7, 1))
    assert progress[world.enterprise.pk].done == 1
