"""Reusable reads with the visibility filters applied, and the bridge to :mod:`.calc`."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404

from coplan.core.models import Organisation
from coplan.partnerships.enums import Role

from . import calc
from .enums import ActionStatus, CapacityArea, VersionStatus
from .models import (
    CapacityAction,
    CapacityAssessment,
    CapacityScore,
    CostingSettings,
    CostModel,
    CostModelVersion,
    StaffLine,
)
from .rules import is_facilitator, organisations_of
from .signals import actual_unit_costs_wanted


def enterprises(partnership):
    """The social enterprises in the partnership: organisations of its enterprise partners."""
    return Organisation.objects.filter(
        memberships__partnership=partnership, memberships__role=Role.SE_PARTNER
    ).distinct()


def sees_private(user, partnership) -> frozenset[int] | None:
    """``None`` if ``user`` sees every private model (a facilitator); else the organisations
    whose private models they see (their own)."""
    if is_facilitator(user, partnership):
        return None
    return organisations_of(user, partnership)


def _visible_versions(user, partnership):
    """A ``Q`` on CostModelVersion for the versions ``user`` may see."""
    own = sees_private(user, partnership)
    if own is None:
        return Q()
    own_models = Q(cost_model__organisation_id__in=own)
    if user.has_perm("costing.view_shared_costs", partnership):
        return Q(shared_at__isnull=False) | own_models
    return own_models


def models_for(partnership, user):
    """The cost models ``user`` may see, each with ``visible_versions`` (newest first)."""
    visible = _visible_versions(user, partnership)
    versions = CostModelVersion.objects.filter(visible).order_by("-number")
    return (
        CostModel.objects.filter(partnership=partnership)
        .filter(Exists(versions.filter(cost_model=OuterRef("pk"))))
        .select_related("organisation")
        .prefetch_related(Prefetch("versions", queryset=versions, to_attr="visible_versions"))
        .order_by("organisation__name", "service")
    )


def model_for(partnership, user, model_pk) -> CostModel:
    model = models_for(partnership, user).filter(pk=model_pk).first()
    if model is None:
        raise Http404("No such cost model")
    model.partnership = partnership
    return model


def version_for(model, user, number) -> CostModelVersion:
    version = next((v for v in model.visible_versions if v.number == int(number)), None)
    if version is None:
        raise Http404("No such version")
    version.cost_model = model
    return version


def full_version(version) -> CostModelVersion:
    """The version with its lines, pools and drivers loaded (a handful of queries)."""
    loaded = (
        CostModelVersion.objects.select_related(
            "cost_model__organisation", "locked_by", "shared_by"
        )
        .prefetch_related(
            "activities",
            Prefetch(
                "staff_lines",
                queryset=StaffLine.objects.prefetch_related("times__activity"),
            ),
            "direct_costs__activity",
            "pools",
            "driver_values__activity",
        )
        .get(pk=version.pk)
    )
    return loaded


def inputs_for(version) -> calc.Inputs:
    """The calculator's inputs for a version loaded with :func:`full_version`."""
    model = version.cost_model
    drivers: dict[str, dict[str, Decimal]] = {}
    for value in version.driver_values.all():
        drivers.setdefault(value.driver, {})[value.activity.name] = value.value
    return calc.Inputs(
        activities=tuple(calc.Activity(a.name, a.kind) for a in version.activities.all()),
        service=model.service,
        staff=tuple(
            calc.Staff(
                name=line.name,
                salary=line.salary,
                employer_ni=line.employer_ni,
                pension=line.pension,
                time={t.activity.name: t.fraction for t in line.times.all()},
            )
            for line in version.staff_lines.all()
        ),
        direct_costs=tuple(
            calc.DirectCost(c.name, c.amount, c.activity.name) for c in version.direct_costs.all()
        ),
        pools=tuple(
            calc.Pool(p.name, p.amount, p.driver, p.denominator) for p in version.pools.all()
        ),
        drivers=drivers,
        units=version.units,
        surplus_rate=version.surplus_rate,
        basis=version.basis,
        count_unallocated_staff=version.count_unallocated_staff,
    )


@dataclass
class Calculation:
    result: calc.Result | None
    errors: list[calc.Finding]


def calculate(version) -> Calculation:
    try:
        return Calculation(calc.calculate(inputs_for(version)), [])
    except calc.CalcError as error:
        return Calculation(None, error.errors)


def snapshot(result: calc.Result) -> dict:
    """The figures a locked version records, as exact decimal strings."""

    def text(value):
        return None if value is None else str(value)

    return {
        "direct_cost": text(result.direct_cost),
        "overheads": text(result.overheads),
        "full_cost": text(result.full_cost),
        "units": text(result.units),
        "unit_cost": text(result.unit_cost),
        "surplus_rate": text(result.surplus_rate),
        "price": text(result.price),
        "overhead_recovery_rate": text(result.overhead_recovery_rate),
        "unallocated": text(result.total_unallocated),
        "basis": result.basis,
        "count_unallocated_staff": result.count_unallocated_staff,
    }


def latest_locked(model) -> CostModelVersion | None:
    """The newest locked version among those prefetched as ``visible_versions``."""
    return next((v for v in model.visible_versions if v.status == VersionStatus.LOCKED), None)


def locked_models(partnership, *, organisations=None, shared_only: bool = False):
    """Every cost model with its newest locked version as ``locked`` (or ``None``); for the
    consortium's cost summary and the health check. No visibility filter: callers decide."""
    versions = CostModelVersion.objects.filter(status=VersionStatus.LOCKED)
    if shared_only:
        versions = versions.filter(shared_at__isnull=False)
    qs = CostModel.objects.filter(partnership=partnership).select_related("organisation")
    if organisations is not None:
        qs = qs.filter(organisation__in=organisations)
    models = list(
        qs.prefetch_related(
            Prefetch("versions", queryset=versions.order_by("-number"), to_attr="locked_versions")
        )
    )
    for model in models:
        model.locked = model.locked_versions[0] if model.locked_versions else None
    return models


# --- planned against actual ------------------------------------------------------------------


def pilot_actuals(partnership) -> dict:
    """Actual cost per unit from the pilot, ``{(service, organisation id): Decimal}``, as the
    pilots app answers ``actual_unit_costs_wanted``; empty while no pilot has any."""
    actuals = {}
    for _receiver, answer in actual_unit_costs_wanted.send(sender=None, partnership=partnership):
        actuals.update(answer or {})
    return actuals


def _key(service: str) -> str:
    return " ".join(service.casefold().split())


DEFAULT_VARIANCE_THRESHOLD = Decimal(25)


def variance_threshold(partnership) -> Decimal:
    """The partnership's unit cost variance threshold in % (25 unless set)."""
    found = CostingSettings.objects.filter(partnership=partnership).first()
    return found.variance_threshold_percent if found else DEFAULT_VARIANCE_THRESHOLD


def _pct(value: Decimal) -> str:
    return f"{value.quantize(Decimal(1), rounding=ROUND_HALF_UP):f}%"


@dataclass
class PlannedActual:
    """Planned against actual unit cost, judged against the partnership's threshold: an actual
    more than the threshold above the planned is Amber, more than twice it Red, else Green (a
    pilot cheaper than its full cost recovery model is reported, not flagged)."""

    model: CostModel
    version: CostModelVersion
    planned: Decimal
    actual: Decimal | None
    threshold: Decimal = DEFAULT_VARIANCE_THRESHOLD

    @property
    def rag(self) -> str | None:
        if self.percent is None:
            return None
        off = self.percent  # only an overrun is flagged: below plan is not a cost risk
        if off > 2 * self.threshold:
            return "red"
        if off > self.threshold:
            return "amber"
        return "green"

    @property
    def rag_label(self) -> str:
        return {"red": "Red", "amber": "Amber", "green": "Green"}.get(self.rag, "")

    @property
    def tag_class(self) -> str:
        return {"red": "govuk-tag--red", "amber": "govuk-tag--yellow"}.get(
            self.rag, "govuk-tag--green"
        )

    @property
    def reason(self) -> str:
        """“Actual unit cost £617.62 is 243% above the planned £180.08 (threshold 25%)”."""
        if self.percent is None:
            return ""
        way = "above" if self.percent >= 0 else "below"
        return (
            f"Actual unit cost £{self.actual:,.2f} is {_pct(abs(self.percent))} {way} the "
            f"planned £{self.planned:,.2f} (threshold {_pct(self.threshold)})"
        )

    @property
    def share_reason(self) -> str:
        """The same without money, for pages every member sees (the health check): “actual unit
        cost 243% above plan (threshold 25%)”."""
        if self.percent is None:
            return ""
        way = "above" if self.percent >= 0 else "below"
        return (
            f"actual unit cost {_pct(abs(self.percent))} {way} plan "
            f"(threshold {_pct(self.threshold)})"
        )

    @property
    def difference(self) -> Decimal | None:
        return None if self.actual is None else self.actual - self.planned

    @property
    def percent(self) -> Decimal | None:
        if self.actual is None or not self.planned:
            return None
        return (self.actual - self.planned) / self.planned * 100


def planned_against_actual(partnership, models) -> tuple[list[PlannedActual], bool]:
    """Rows comparing each model's latest locked unit cost with the pilot's actual, and whether
    the pilots app has any data at all."""
    actuals = pilot_actuals(partnership)
    threshold = variance_threshold(partnership)
    by_key = {}
    for (service, organisation_id), value in actuals.items():
        by_key[(_key(service), organisation_id)] = Decimal(value)
    rows = []
    for model in models:
        version = latest_locked(model)
        if version is None or version.figure("unit_cost") is None:
            continue
        actual = by_key.get((_key(model.service), model.organisation_id))
        rows.append(PlannedActual(model, version, version.figure("unit_cost"), actual, threshold))
    return rows, bool(by_key)


def unit_cost_variances(partnership) -> list[PlannedActual]:
    """Every cost model's newest locked unit cost against the pilot's actual, where both are
    known (no visibility filter: for the health check, which states only the judgement)."""
    actuals = {
        (_key(service), organisation_id): Decimal(value)
        for (service, organisation_id), value in pilot_actuals(partnership).items()
    }
    if not actuals:
        return []
    threshold = variance_threshold(partnership)
    rows = []
    for model in locked_models(partnership):
        planned = model.locked.figure("unit_cost") if model.locked else None
        actual = actuals.get((_key(model.service), model.organisation_id))
        if planned is not None and actual is not None:
            rows.append(PlannedActual(model, model.locked, planned, actual, threshold))
    return rows


# --- capacity ---------------------------------------------------------------------------------


def assessments_for(partnership, organisation=None):
    qs = CapacityAssessment.objects.filter(partnership=partnership)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.select_related("organisation", "assessed_by").prefetch_related(
        Prefetch("scores", queryset=CapacityScore.objects.order_by("pk"))
    )


def assessment_for(partnership, assessment_pk) -> CapacityAssessment:
    found = assessments_for(partnership).filter(pk=assessment_pk).first()
    if found is None:
        raise Http404("No such assessment")
    return found


def actions_for(partnership, organisation=None, status: str = ""):
    qs = CapacityAction.objects.filter(partnership=partnership).select_related("organisation")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if status == "open":
        qs = qs.filter(status__in=ActionStatus.open())
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("due_on", "organisation__name", "pk")


def action_for(partnership, action_pk) -> CapacityAction:
    found = actions_for(partnership).filter(pk=action_pk).first()
    if found is None:
        raise Http404("No such action")
    return found


@dataclass
class AreaChange:
    area: CapacityArea
    before: int | None
    after: int | None
    before_evidence: str = ""
    after_evidence: str = ""

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class BeforeAfter:
    organisation: Organisation
    first: CapacityAssessment | None
    latest: CapacityAssessment | None
    areas: list[AreaChange]

    @property
    def compared(self) -> bool:
        return self.first is not None and self.latest is not None and self.first != self.latest

    @staticmethod
    def mean(assessment) -> Decimal | None:
        scores = [s.score for s in assessment.scores.all()] if assessment else []
        return Decimal(sum(scores)) / len(scores) if scores else None

    @property
    def before_mean(self):
        return self.mean(self.first)

    @property
    def after_mean(self):
        return self.mean(self.latest)


def before_after(organisation, assessments) -> BeforeAfter:
    """The first and the latest self-assessment of one enterprise, area by area."""
    mine = sorted(
        (a for a in assessments if a.organisation_id == organisation.pk),
        key=lambda a: (a.assessed_on, a.pk),
    )
    first, latest = (mine[0], mine[-1]) if mine else (None, None)

    def scores(assessment):
        return {s.area: s for s in assessment.scores.all()} if assessment else {}

    before, after = scores(first), scores(latest)
    areas = []
    for area in CapacityArea:
        b, a = before.get(area.value), after.get(area.value)
        areas.append(
            AreaChange(
                area,
                b.score if b else None,
                a.score if a and latest != first else None,
                b.evidence if b else "",
                a.evidence if a and latest != first else "",
            )
        )
    return BeforeAfter(organisation, first, latest, areas)


@dataclass
class PlanProgress:
    total: int = 0
    done: int = 0
    open: int = 0
    overdue: int = 0


def plan_progress(actions, today: dt.date) -> dict[int, PlanProgress]:
    """Per organisation id: how many plan actions, done, open and overdue."""
    progress: dict[int, PlanProgress] = {}
    for action in actions:
        row = progress.setdefault(action.organisation_id, PlanProgress())
        if action.status == ActionStatus.CANCELLED:
            continue
        row.total += 1
        if action.status == ActionStatus.DONE:
            row.done += 1
        else:
            row.open += 1
            if action.due_on < today:
                row.overdue += 1
    return progress
