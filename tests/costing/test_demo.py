"""The costing demo: every member of both consortia has a locked cost model, a capacity
self-assessment before and after, and a capacity-building plan (built after the foundation's
demo loader, as the lead wires it in)."""

import pytest
from django.utils import timezone

from coplan.core.models import AuditEvent
from coplan.costing import demo, queries
from coplan.costing.enums import ActionStatus, VersionStatus
from coplan.costing.health import capacity_building
from coplan.costing.models import CapacityAction, CapacityAssessment, CostModel
from coplan.demo import story as cast
from coplan.partnerships.health import HealthStatus

MEMBERS = {
    "north_lanarkshire": [cast.RECAP, cast.BEULAH, cast.ST_PATRICKS],
    "renfrewshire": [cast.GOOD_NEIGHBOURS, cast.HOME_HELP, cast.HANDY_HANDS],
}


@pytest.fixture
def loaded(demo_stories):
    return demo_stories


@pytest.mark.parametrize("key", ["north_lanarkshire", "renfrewshire"])
def test_every_member_has_a_locked_model_an_assessment_and_a_plan(loaded, key):
    story = loaded[key]
    for name in MEMBERS[key]:
        models = CostModel.objects.filter(partnership=story.partnership, organisation__name=name)
        assert models, name
        for model in models:
            locked = model.versions.filter(status=VersionStatus.LOCKED)
            assert locked.exists(), f"{name}: {model.service}"
            figures = locked.first()
            assert figures.figure("unit_cost") > 0
            assert figures.figure("full_cost") > figures.figure("direct_cost")
        assessments = CapacityAssessment.objects.filter(
            partnership=story.partnership, organisation__name=name
        )
        assert assessments.count() == 2
        assert all(a.scores.count() == 8 for a in assessments)
        assert CapacityAction.objects.filter(
            partnership=story.partnership, organisation__name=name
        ).exists()


def test_demo_figures_are_realistic_for_the_era(loaded):
    """A furniture pack cost a few hundred pounds in 2006; an hour of help or befriending
    costs tens of pounds today."""
    nl, rf = loaded["north_lanarkshire"].partnership, loaded["renfrewshire"].partnership
    for model in queries.locked_models(nl):
        unit = model.locked.figure("unit_cost")
        if "packs" in model.service:
            assert 100 < unit < 700, (model, unit)
        else:
            assert 20 < unit < 200, (model, unit)  # a month's storage for a household
    for model in queries.locked_models(rf):
        unit = model.locked.figure("unit_cost")
        assert 18 < unit < 45, (model, unit)


def test_north_lanarkshire_models_are_shared_and_recap_revised_one(loaded):
    nl = loaded["north_lanarkshire"].partnership
    recap = CostModel.objects.get(
        partnership=nl, organisation__name=cast.RECAP, service=demo.PERMANENT
    )
    versions = list(recap.versions.order_by("number"))
    assert [v.status for v in versions] == [VersionStatus.LOCKED, VersionStatus.LOCKED]
    assert versions[1].locked_at.date().isoformat() == "2007-04-20"
    assert all(v.is_shared for v in versions)
    assert versions[1].figure("units") == 360


def test_renfrewshire_keeps_one_model_private_and_one_draft(loaded):
    rf = loaded["renfrewshire"].partnership
    handy = CostModel.objects.get(partnership=rf, organisation__name=cast.HANDY_HANDS)
    assert not handy.versions.filter(shared_at__isnull=False).exists()
    home_help = CostModel.objects.get(
        partnership=rf, organisation__name=cast.HOME_HELP, service=demo.LOW_LEVEL
    )
    assert home_help.versions.filter(status=VersionStatus.DRAFT).count() == 1


RECAP_PACKS = (
    f"Red unit cost variance, {cast.RECAP}: Permanent furniture packs: actual unit cost "
    "243% above plan (threshold 25%)."  # no money: every member sees the health check
)


def test_capacity_improves_and_the_health_check_reads_it(loaded):
    for key, story in loaded.items():
        row = capacity_building(story.partnership)
        variances = [e for e in row.evidence if "unit cost variance" in e]
        if key == "north_lanarkshire":
            # the pilot's packs cost 243 % more than planned: at risk, and says why (issue 18)
            assert RECAP_PACKS in variances
            assert row.status == HealthStatus.AT_RISK, row.evidence
        else:
            # Renfrewshire's pilot came in below its models' unit costs: not flagged
            assert (variances, row.status) == ([], HealthStatus.ON_TRACK), row.evidence
        assessments = list(queries.assessments_for(story.partnership))
        for org in queries.enterprises(story.partnership):
            change = queries.before_after(org, assessments)
            assert change.compared
            assert change.after_mean > change.before_mean
    overdue = [
        a
        for a in CapacityAction.objects.filter(status__in=ActionStatus.open())
        if a.due_on < timezone.localdate()
    ]
    assert overdue == []


def test_demo_history_is_dated_in_the_story(loaded):
    nl = loaded["north_lanarkshire"].partnership
    events = AuditEvent.objects.filter(partnership=nl, action__startswith="costing.")
    assert events.exists()
    assert all(e.created_at.year in (2006, 2007) for e in events)


def test_every_demo_page_renders_for_the_facilitator_and_the_council(client, loaded):
    from django.urls import reverse

    from coplan.costing.models import CapacityAssessment
    from coplan.partnerships.enums import Role

    for story in loaded.values():
        pk = story.partnership.pk
        urls = [
            reverse("costing:overview", args=[pk]),
            reverse("costing:capacity", args=[pk]),
            reverse("costing:plan", args=[pk]),
        ]
        for model in CostModel.objects.filter(partnership=story.partnership):
            urls.append(reverse("costing:model.detail", args=[pk, model.pk]))
            for version in model.versions.all():
                urls.append(reverse("costing:version.detail", args=[pk, model.pk, version.number]))
            if model.versions.count() > 1:
                urls.append(reverse("costing:version.compare", args=[pk, model.pk]) + "?a=1&b=2")
        for org in queries.enterprises(story.partnership):
            urls.append(reverse("costing:capacity.organisation", args=[pk, org.pk]))
        for assessment in CapacityAssessment.objects.filter(partnership=story.partnership):
            urls.append(reverse("costing:assessment.detail", args=[pk, assessment.pk]))
        for name in ("overview", "matrix", "split", "agreement", "costs"):
            urls.append(reverse(f"consortium:{name}", args=[pk]))
        for role in (Role.FACILITATOR, Role.COMMISSIONER):
            client.force_login(story.person(role))
            for url in urls:
                response = client.get(url)
                assert response.status_code in (200, 404), url
                if role == Role.FACILITATOR:
                    assert response.status_code == 200, url
