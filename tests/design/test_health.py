"""Element 1 of the health check and the service design gate read the real evidence."""

import datetime as dt

from coplan.design import domain
from coplan.design.health import service_design, spec_approved
from coplan.partnerships import gates
from coplan.partnerships.enums import Stage
from coplan.partnerships.health import _PROVIDERS, HealthStatus
from coplan.partnerships.models import Partnership


def test_a_partnership_without_design_evidence_has_not_started(partnership):
    row = service_design(partnership)

    assert (row.number, row.status) == (1, HealthStatus.NOT_STARTED)
    assert row.evidence == ["No evidence recorded in Coplan yet."]


def test_this_app_provides_element_1():
    assert _PROVIDERS[1] is service_design


def test_element_1_lists_activities_groups_tracing_and_the_latest_approval(world):
    row = service_design(world.partnership)

    assert row.status == HealthStatus.IN_PROGRESS
    assert row.evidence[0] == "2 engagement activities held with 14 participants."
    assert row.evidence[1] == (
        "User groups reached: Housing officers, Young people leaving homelessness."
    )
    assert row.evidence[2] == "1 of 1 requirements (100%) in version 1 trace to user input."
    assert row.evidence[3] == "No specification version approved yet."
    assert row.evidence[4] == "1 insight has no response on 'you said, we did' yet."


def test_element_1_is_on_track_once_approved_traced_and_answered(world):
    domain.approve_version(version=world.version, actor=world.people["commissioner"])
    domain.respond(
        insight=world.feedback, actor=world.people["commissioner"], not_taken_up_reason="Later"
    )

    row = service_design(world.partnership)

    assert row.status == HealthStatus.ON_TRACK
    assert row.evidence[3].startswith("Latest approved specification: Version 1, approved on ")


def test_element_1_is_at_risk_past_design_with_unanswered_insights(world):
    Partnership.objects.filter(pk=world.partnership.pk).update(stage=Stage.PILOT)
    world.partnership.refresh_from_db()

    assert service_design(world.partnership).status == HealthStatus.AT_RISK


def test_future_activities_do_not_count_as_held(world):
    domain.create_activity(
        partnership=world.partnership,
        actor=world.people["facilitator"],
        title="Planned workshop",
        method="workshop",
        held_on=dt.date.today() + dt.timedelta(days=30),
        online=True,
        participant_count=50,
    )

    assert service_design(world.partnership).evidence[0].startswith("2 engagement activities")


def test_the_service_design_gate_checks_for_an_approved_version(world):
    Partnership.objects.filter(pk=world.partnership.pk).update(stage=Stage.SERVICE_DESIGN)
    world.partnership.refresh_from_db()
    codes = [c.code for c in gates.criteria_for(Stage.SERVICE_DESIGN)]

    before = spec_approved(world.partnership)
    domain.approve_version(version=world.version, actor=world.people["commissioner"])
    after = spec_approved(world.partnership)

    assert "spec_approved" in codes and "spec_v1_approved" not in codes
    assert not before.met and "commissioner approves" in before.detail
    assert after.met and after.detail.startswith("Version 1, approved on ")
    report = gates.evaluate(world.partnership)
    result = next(r for r in report.results if r.criterion.code == "spec_approved")
    assert result.met and not result.criterion.manual


def test_a_frozen_version_also_meets_the_gate(world):
    commissioner = world.people["commissioner"]
    domain.approve_version(version=world.version, actor=commissioner)
    domain.freeze_version(version=world.version, actor=commissioner)

    outcome = spec_approved(world.partnership)

    assert outcome.met and "frozen" in outcome.detail


def test_later_apps_can_hang_links_off_requirements(world, as_user, monkeypatch):
    from django.urls import reverse

    from coplan.design import links

    monkeypatch.setattr(links, "_PROVIDERS", [])
    links.register(
        lambda requirements: {
            r.pk: [links.Link("Pilot KPI: days to deliver", "/pilot/kpis/1/")] for r in requirements
        }
    )

    response = as_user(world.people["observer"]).get(
        reverse("design:spec.detail", args=[world.partnership.pk, 1])
    )

    assert response.context["links"] == {
        world.requirement.pk: [links.Link("Pilot KPI: days to deliver", "/pilot/kpis/1/")]
    }
    assert b"Pilot KPI: days to deliver" in response.content
