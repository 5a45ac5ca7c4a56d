"""Domain rules of the pilot: T2 (six whole months), extensions with approval, providers are
partners, KPI definitions, anonymous feedback, the issue log, evaluations (interim at six months
or later, approval, disclosure classes), what other apps ask of pilots, gates and health."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.partnerships import gates
from coplan.partnerships.enums import Stage
from coplan.partnerships.health import HealthStatus, health_check
from coplan.pilots import dashboard, domain, queries
from coplan.pilots.enums import Disclosure, PilotStatus
from coplan.pilots.models import Feedback, Pilot
from tests.factories import OrganisationFactory

from .conftest import END, START, csv_bytes, sample_rows, upload

# --- the pilot ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "months", "ok"),
    [
        (dt.date(2006, 10, 1), dt.date(2007, 3, 31), 6, True),
        (dt.date(2006, 10, 1), dt.date(2007, 3, 30), 5, False),
        (dt.date(2006, 10, 15), dt.date(2007, 4, 14), 6, True),
        (dt.date(2006, 10, 15), dt.date(2007, 4, 13), 5, False),
        (dt.date(2006, 8, 31), dt.date(2007, 2, 26), 5, False),
        (dt.date(2006, 8, 31), dt.date(2007, 2, 27), 6, True),  # month ends clamp
    ],
)
def test_pilot_runs_six_whole_months(start, end, months, ok):
    if ok:
        assert domain.check_pilot_dates(start, end) == months
    else:
        with pytest.raises(DomainError) as error:
            domain.check_pilot_dates(start, end)
        assert error.value.code == "pilot_under_6_months"
        assert f"runs {months} months" in error.value.message
        assert "end dates are inclusive" in error.value.message  # the rule is shown


def test_creating_a_pilot_syncs_the_partnership_timeline(pilot):
    partnership = pilot.partnership
    partnership.refresh_from_db()
    assert (partnership.pilot_starts_on, partnership.pilot_ends_on) == (START, END)
    assert AuditEvent.objects.filter(action="pilots.pilot.created").exists()


def test_one_pilot_per_partnership(pilot, personas):
    with pytest.raises(DomainError):
        domain.create_pilot(
            partnership=pilot.partnership,
            actor=personas["facilitator"],
            title="Again",
            starts_on=START,
            ends_on=END,
        )


def test_providers_must_be_partners(pilot, personas):
    with pytest.raises(DomainError) as error:
        domain.add_provider(
            pilot=pilot, actor=personas["facilitator"], organisation=OrganisationFactory()
        )
    assert error.value.code == "not_a_partner"


def test_status_is_derived_from_the_dates(pilot):
    assert pilot.status_on(dt.date(2006, 9, 1)) == PilotStatus.PLANNED
    assert pilot.status_on(dt.date(2006, 12, 1)) == PilotStatus.RUNNING
    assert pilot.status_on(dt.date(2007, 5, 1)) == PilotStatus.COMPLETED


def test_extension_needs_approval_and_moves_the_end(pilot, personas):
    extension = domain.request_extension(
        pilot=pilot,
        actor=personas["facilitator"],
        new_ends_on=dt.date(2007, 5, 31),
        reason="More winter data",
    )
    pilot.refresh_from_db()
    assert pilot.effective_ends_on == END  # not yet approved
    domain.decide_extension(
        extension=extension, actor=personas["commissioner"], approve=True, note="Steering group"
    )
    pilot.refresh_from_db()
    assert pilot.effective_ends_on == dt.date(2007, 5, 31)
    assert pilot.partnership.pilot_ends_on == dt.date(2007, 5, 31)
    with pytest.raises(DomainError):
        domain.decide_extension(extension=extension, actor=personas["commissioner"], approve=True)
    with pytest.raises(DomainError):
        domain.request_extension(
            pilot=pilot,
            actor=personas["facilitator"],
            new_ends_on=dt.date(2007, 4, 30),
            reason="Shorter",
        )


def test_refused_extension_changes_nothing(pilot, personas):
    extension = domain.request_extension(
        pilot=pilot, actor=personas["facilitator"], new_ends_on=dt.date(2007, 5, 31), reason="x"
    )
    domain.decide_extension(extension=extension, actor=personas["commissioner"], approve=False)
    pilot.refresh_from_db()
    assert pilot.effective_ends_on == END
    assert AuditEvent.objects.filter(action="pilots.extension.refused").exists()


def test_services_and_providers_with_records_cannot_be_removed(
    pilot, personas, own_org, other_org, services, kpis
):
    upload(pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name)))
    with pytest.raises(DomainError, match="Delivery records exist"):
        domain.remove_service(service=services["Emergency storage"], actor=personas["facilitator"])
    with pytest.raises(DomainError, match="Delivery records exist"):
        domain.remove_provider(
            provider=pilot.providers.get(organisation=own_org), actor=personas["facilitator"]
        )


def test_pilot_dates_cannot_cut_off_records(pilot, personas, own_org, other_org):
    upload(pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name)))
    with pytest.raises(DomainError, match="cannot start later"):
        domain.update_pilot(
            pilot=pilot,
            actor=personas["facilitator"],
            starts_on=dt.date(2006, 11, 1),
            ends_on=dt.date(2007, 5, 31),
        )


# --- KPIs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"aggregation": ""}, "aggregation"),
        ({"aggregation": "percentage"}, "condition_field"),
        ({"aggregation": "average"}, "measure"),
        (
            {
                "aggregation": "count",
                "condition_field": "wait_days",
                "condition_op": "lte",
                "condition_value": "soon",
            },
            "condition_value",
        ),
        (
            {
                "aggregation": "count",
                "condition_field": "outcome_code",
                "condition_op": "lt",
                "condition_value": "A",
            },
            "condition_op",
        ),
    ],
)
def test_kpi_definitions_are_checked(pilot, personas, fields, field):
    base = {
        "name": "K",
        "definition": "d",
        "unit": "%",
        "target": Decimal(1),
        "source": "s",
        "method": "records",
    }
    with pytest.raises(DomainError) as error:
        domain.save_kpi(pilot=pilot, actor=personas["facilitator"], **{**base, **fields})
    assert error.value.field == field


def test_manual_values_go_by_period(kpis, personas):
    manual = kpis["manual"]
    value = domain.set_kpi_value(
        kpi=manual, actor=personas["evaluator"], period=dt.date(2006, 11, 15), value=Decimal(4)
    )
    assert value.period == dt.date(2006, 10, 1)  # its quarter
    again = domain.set_kpi_value(
        kpi=manual, actor=personas["evaluator"], period=dt.date(2006, 12, 1), value=Decimal(5)
    )
    assert again.pk == value.pk and again.value == 5
    with pytest.raises(DomainError):
        domain.set_kpi_value(
            kpi=manual, actor=personas["evaluator"], period=dt.date(2008, 1, 1), value=Decimal(1)
        )
    with pytest.raises(DomainError):
        domain.set_kpi_value(
            kpi=kpis["cost"], actor=personas["evaluator"], period=START, value=Decimal(1)
        )


def test_kpis_link_loosely_to_specification_requirements(pilot, personas):
    kpi = domain.save_kpi(
        pilot=pilot,
        actor=personas["facilitator"],
        name="K",
        definition="d",
        unit="%",
        target=Decimal(1),
        source="s",
        method="manual",
        requirement_key="SL-2",
    )
    assert kpi.requirement is None and kpi.requirement_key == "SL-2"


def test_feedback_kpi_counts_ratings(pilot, personas, kpis):
    for rating in (5, 4, 2, 1):
        domain.submit_feedback(
            pilot=pilot,
            actor=personas["service_user"],
            rating=rating,
            received_on=dt.date(2006, 11, 10),
        )
    board = dashboard.build(pilot, with_charts=False, today=dt.date(2007, 6, 1))
    result = next(r for r in board.kpis if r.kpi == kpis["feedback"])
    assert result.to_date == 50
    assert board.feedback_total == 4


# --- feedback and issues --------------------------------------------------------------------


def test_anonymous_feedback_keeps_no_author_even_in_the_audit(pilot, personas):
    day = dt.date(2006, 11, 10)
    item = domain.submit_feedback(
        pilot=pilot,
        actor=personas["service_user"],
        rating=3,
        comment="ok",
        anonymous=True,
        received_on=day,
    )
    assert item.submitted_by is None
    event = AuditEvent.objects.get(action="pilots.feedback.submitted")
    assert event.actor is None
    named = domain.submit_feedback(
        pilot=pilot, actor=personas["service_user"], rating=5, received_on=day
    )
    assert named.submitted_by == personas["service_user"]
    with pytest.raises(DomainError):
        domain.submit_feedback(
            pilot=pilot, actor=personas["service_user"], rating=6, received_on=day
        )
    assert Feedback.objects.count() == 2


def test_issue_resolution_needs_text(pilot, personas):
    issue = domain.log_issue(pilot=pilot, actor=personas["steering"], title="Vans", severity="low")
    with pytest.raises(DomainError):
        domain.update_issue(issue=issue, actor=personas["steering"], resolved_on=dt.date.today())
    issue.refresh_from_db()
    domain.update_issue(
        issue=issue,
        actor=personas["steering"],
        resolved_on=issue.raised_on,
        resolution="Second van",
    )
    assert AuditEvent.objects.filter(action="pilots.issue.resolved").exists()


# --- evaluations ----------------------------------------------------------------------------


def test_interim_evaluation_comes_at_six_months_or_later(pilot, personas):
    with pytest.raises(DomainError) as error:
        domain.create_evaluation(
            pilot=pilot,
            actor=personas["evaluator"],
            kind="interim",
            period_start=START,
            period_end=dt.date(2007, 2, 28),
        )
    assert error.value.code == "interim_before_six_months"
    assert "31 March 2007" in error.value.message


def test_evaluation_results_approval_and_disclosure(pilot, personas, own_org, other_org, kpis):
    upload(pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name)))
    evaluation = domain.create_evaluation(
        pilot=pilot, actor=personas["evaluator"], kind="interim", period_start=START, period_end=END
    )
    kinds = {r.kind for r in evaluation.results.all()}
    assert kinds == {"kpi", "unit_cost", "volume"}
    unclassified = queries.unclassified_artefacts(pilot.partnership)
    assert len(unclassified) == 1 + evaluation.results.count()
    assert unclassified[0]["kind"] == "pilot_evaluation"
    with pytest.raises(DomainError) as error:
        domain.classify(
            obj=evaluation, actor=personas["procurement"], disclosure=Disclosure.INTERNAL_ONLY
        )
    assert error.value.code == "reason_required"
    domain.classify(obj=evaluation, actor=personas["procurement"], disclosure="publish")
    for result in evaluation.results.all():
        domain.classify(
            obj=result,
            actor=personas["procurement"],
            disclosure="internal_only",
            reason="Commercially sensitive for now",
        )
    assert queries.unclassified_artefacts(pilot.partnership) == []
    with pytest.raises(DomainError):
        domain.approve_evaluation(
            evaluation=evaluation, actor=personas["commissioner"], approved_on=dt.date(2007, 3, 1)
        )
    domain.approve_evaluation(
        evaluation=evaluation,
        actor=personas["commissioner"],
        approved_on=dt.date(2007, 4, 17),
        note="Steering group",
    )
    with pytest.raises(DomainError, match="approved"):
        domain.update_evaluation(evaluation=evaluation, actor=personas["evaluator"], lessons="x")
    with pytest.raises(DomainError):
        domain.refresh_results(evaluation=evaluation, actor=personas["evaluator"])


def test_refreshing_results_keeps_commentary_and_classes(pilot, personas, own_org, other_org, kpis):
    evaluation = domain.create_evaluation(
        pilot=pilot, actor=personas["evaluator"], kind="final", period_start=START, period_end=END
    )
    first = evaluation.results.get(kpi=kpis["cost"])
    domain.update_evaluation(
        evaluation=evaluation,
        actor=personas["evaluator"],
        commentary={first.pk: "Cheaper than the old contract"},
    )
    domain.classify(obj=first, actor=personas["facilitator"], disclosure="publish")
    upload(pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name)))
    domain.refresh_results(evaluation=evaluation, actor=personas["evaluator"])
    fresh = evaluation.results.get(kpi=kpis["cost"])
    assert fresh.commentary == "Cheaper than the old contract"
    assert fresh.disclosure == "publish"
    assert fresh.value is not None


def test_actual_unit_costs_for_the_costing_app(pilot, personas, own_org, services):
    packs = services["Emergency furniture packs"]
    for cost, quantity in ((Decimal("300"), 2), (Decimal("150.50"), 1)):
        domain.record_delivery(
            pilot=pilot,
            actor=personas["facilitator"],
            service=packs,
            provider=own_org,
            delivered_on=dt.date(2006, 11, 1),
            quantity=Decimal(quantity),
            cost=cost,
        )
    costs = queries.actual_unit_costs(pilot.partnership)
    assert costs == {("Emergency furniture packs", own_org.pk): Decimal("150.17")}


# --- gates and health -----------------------------------------------------------------------


def _criterion(partnership, stage, code):
    partnership.stage = stage
    report = gates.evaluate(partnership)
    return next(r for r in report.results if r.criterion.code == code)


def test_gate_kpi_baselines(pilot, personas):
    partnership = pilot.partnership
    result = _criterion(partnership, Stage.SERVICE_DESIGN, "kpi_baselines_recorded")
    assert not result.met and "No monitoring framework" in result.detail
    assert "kpi_baselines" not in [c.code for c in gates.criteria_for(Stage.SERVICE_DESIGN)]
    kpi = domain.save_kpi(
        pilot=pilot,
        actor=personas["facilitator"],
        name="K",
        definition="d",
        unit="%",
        target=Decimal(1),
        source="s",
        method="manual",
    )
    assert (
        "No baseline for: K"
        in _criterion(partnership, Stage.SERVICE_DESIGN, "kpi_baselines_recorded").detail
    )
    domain.save_kpi(pilot=pilot, actor=personas["facilitator"], kpi=kpi, baseline=Decimal(0))
    assert _criterion(partnership, Stage.SERVICE_DESIGN, "kpi_baselines_recorded").met


def test_gate_evaluation_approved(pilot, personas):
    partnership = pilot.partnership
    assert not _criterion(partnership, Stage.PILOT, "pilot_evaluation").met
    assert "pilot_evaluation_approved" not in [c.code for c in gates.criteria_for(Stage.PILOT)]
    evaluation = domain.create_evaluation(
        pilot=pilot, actor=personas["evaluator"], kind="interim", period_start=START, period_end=END
    )
    assert not _criterion(partnership, Stage.PILOT, "pilot_evaluation").met  # not approved
    domain.approve_evaluation(
        evaluation=evaluation, actor=personas["commissioner"], approved_on=dt.date(2007, 4, 17)
    )
    result = _criterion(partnership, Stage.PILOT, "pilot_evaluation")
    assert result.met and "17 April 2007" in result.detail


def test_health_element_two(partnership, pilot, personas, own_org, other_org, kpis):
    with time_machine.travel(dt.datetime(2007, 5, 1, 12)):
        row = next(r for r in health_check(partnership) if r.number == 2)
        assert row.status == HealthStatus.AT_RISK  # no data, no evaluation after the end
        assert any("6 months" in e for e in row.evidence)
        upload(
            pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name, 60))
        )
        evaluation = domain.create_evaluation(
            pilot=pilot,
            actor=personas["evaluator"],
            kind="final",
            period_start=START,
            period_end=END,
        )
        domain.approve_evaluation(evaluation=evaluation, actor=personas["commissioner"])
        row = next(r for r in health_check(partnership) if r.number == 2)
        assert any("Delivery records for 6 of the 6 months" in e for e in row.evidence)
        assert any("Final evaluation approved" in e for e in row.evidence)
        assert row.status == HealthStatus.ON_TRACK


def test_health_without_a_pilot(partnership):
    row = next(r for r in health_check(partnership) if r.number == 2)
    assert row.status == HealthStatus.NOT_STARTED
    assert not Pilot.objects.exists()
