"""Health-check providers and section links registered by this app: element 4 of the seven
(capacity building: full cost recovery models, capacity self-assessments and plans) and the
"Costing" section, hidden from roles that may not see costs (service user representatives)."""

from coplan.core import clock
from coplan.partnerships.enums import Stage
from coplan.partnerships.health import ElementHealth, HealthStatus, provides
from coplan.partnerships.sections import Section, register

from . import queries
from .models import CapacityAction, CapacityAssessment


def _register_section() -> None:
    from .urls import urlpatterns

    register(
        Section(
            "Costing",
            "costing:overview",
            order=60,
            perm="costing.view_costing",
            also_current=tuple(
                f"costing:{p.name}" for p in urlpatterns if p.name and p.name != "overview"
            ),
        )
    )


_register_section()


def _names(organisations) -> str:
    return ", ".join(sorted(str(o) for o in organisations))


@provides(4)
def capacity_building(partnership) -> ElementHealth:
    enterprises = list(queries.enterprises(partnership))
    models = queries.locked_models(partnership)
    assessed = set(
        CapacityAssessment.objects.filter(partnership=partnership).values_list(
            "organisation_id", flat=True
        )
    )
    actions = list(CapacityAction.objects.filter(partnership=partnership))
    if not models and not assessed and not actions:
        return ElementHealth(
            4,
            HealthStatus.NOT_STARTED,
            ["No cost models, capacity self-assessments or capacity-building plans yet."],
        )
    locked_orgs = {m.organisation_id for m in models if m.locked is not None}
    planned_orgs = {a.organisation_id for a in actions}
    progress = queries.plan_progress(actions, clock.today())
    done = sum(p.done for p in progress.values())
    open_ = sum(p.open for p in progress.values())
    overdue = sum(p.overdue for p in progress.values())
    locked_count = sum(1 for m in models if m.locked is not None)
    total = len(enterprises)
    evidence = [
        f"{len(locked_orgs & {e.pk for e in enterprises})} of {total} social enterprises have a "
        f"locked full cost recovery model ({locked_count} of {len(models)} cost models locked).",
        f"{len(assessed & {e.pk for e in enterprises})} of {total} have a capacity "
        "self-assessment.",
        f"Capacity-building plan: {done + open_} actions, {done} done, {open_} open, "
        f"{overdue} overdue.",
    ]
    without_model = [e for e in enterprises if e.pk not in locked_orgs]
    without_assessment = [e for e in enterprises if e.pk not in assessed]
    without_plan = [e for e in enterprises if e.pk not in planned_orgs]
    if without_model:
        evidence.append(f"No locked cost model yet: {_names(without_model)}.")
    if without_assessment:
        evidence.append(f"No self-assessment yet: {_names(without_assessment)}.")
    variances = [v for v in queries.unit_cost_variances(partnership) if v.rag != "green"]
    for v in variances:
        evidence.append(
            f"{v.rag_label} unit cost variance, {v.model.organisation}: {v.model.service}: "
            f"{v.share_reason}."  # no money: service users see the health check
        )
    past_design = Stage(partnership.stage).number > Stage.SERVICE_DESIGN.number
    complete = enterprises and not (without_model or without_assessment or without_plan)
    red = any(v.rag == "red" for v in variances)
    if overdue or red or (past_design and (without_model or without_assessment)):
        status = HealthStatus.AT_RISK
    elif complete and not variances:
        status = HealthStatus.ON_TRACK
    else:
        status = HealthStatus.IN_PROGRESS
    return ElementHealth(4, status, evidence)


__all__ = ["capacity_building"]
