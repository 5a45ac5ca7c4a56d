"""The "Tender" section link, the tender half of health element 7 (community benefit clauses
in the tender) and the procurement stage's gate criteria "criteria and weights published" and
"community benefit duty considered", checked against the tenders (not blocking: the bidding
app's criteria — conflicts of interest, standstill — are the hard ones)."""

from django.utils import timezone

from coplan.partnerships import gates
from coplan.partnerships.enums import Stage
from coplan.partnerships.health import ElementHealth, HealthStatus, provides
from coplan.partnerships.sections import Section, register

from .enums import RequirementMode
from .models import Tender


def _register_section() -> None:
    from .urls import urlpatterns

    register(
        Section(
            "Tender",
            "tendering:overview",
            order=72,
            perm="tendering.view_tenders",
            also_current=tuple(
                f"tendering:{p.name}" for p in urlpatterns if p.name and p.name != "overview"
            ),
        )
    )


_register_section()


def _day(value) -> str:
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y}"


def _tenders(partnership) -> list[Tender]:
    return list(
        Tender.objects.filter(partnership=partnership)
        .prefetch_related("benefit_requirements")
        .order_by("created_at")
    )


def criteria_published(partnership) -> gates.Outcome:
    published = [t for t in _tenders(partnership) if t.published_at]
    if not published:
        return gates.Outcome(False, "No tender is published yet (Tender page).")
    t = published[-1]
    return gates.Outcome(
        True, f"{t.reference} published with its criteria and weights on {_day(t.published_at)}."
    )


def cb_duty_considered(partnership) -> gates.Outcome:
    tenders = [t for t in _tenders(partnership) if t.value_ex_vat is not None]
    if not tenders:
        return gates.Outcome(False, "No procurement strategy yet: the rules are applied there.")
    t = tenders[-1]
    if not t.cb_duty:
        return gates.Outcome(
            True, f"{t.reference}: the community benefit duty does not apply (checked)."
        )
    if t.cb_summary.strip() or t.cb_no_requirements_reasons.strip():
        return gates.Outcome(
            True, f"{t.reference}: the duty applies; the notice states the benefits or reasons."
        )
    return gates.Outcome(
        False,
        f"{t.reference}: the duty applies; summarise the community benefit requirements or "
        "give reasons for none.",
    )


gates.register(
    Stage.PROCUREMENT,
    gates.Criterion(
        "tender_criteria_published",
        "Criteria and weights published before bids",
        criteria_published,
        hard=False,
    ),
    replaces="criteria_published",
)
gates.register(
    Stage.PROCUREMENT,
    gates.Criterion(
        "tender_cb_duty_considered",
        "Community benefit duty (s.25) considered",
        cb_duty_considered,
        hard=False,
    ),
    replaces="cb_duty_checked",
)


@provides(7)
def tender_benefits(partnership) -> ElementHealth:
    """The tender half of element 7: community benefit clauses chosen and published."""
    tenders = _tenders(partnership)
    if not tenders:
        stage = Stage(partnership.stage).number
        status = (
            HealthStatus.AT_RISK if stage >= Stage.PROCUREMENT.number else HealthStatus.NOT_STARTED
        )
        return ElementHealth(7, status, ["No tender yet."])
    t = tenders[-1]
    requirements = list(t.benefit_requirements.all())
    mandatory = sum(1 for r in requirements if r.mode == RequirementMode.MANDATORY)
    scored = len(requirements) - mandatory
    evidence = [
        f"{t.reference}: {len(requirements)} community benefit requirement"
        f"{'s' if len(requirements) != 1 else ''} ({mandatory} mandatory, {scored} scored); "
        f"community benefit weight {t.benefit_weight.normalize():f} %.",
        f"Community benefit duty: {'applies' if t.cb_duty else 'does not apply'}"
        + ("; summarised in the notice." if t.cb_summary.strip() else "."),
        f"Published on {_day(t.published_at)}." if t.published_at else "Not published yet.",
    ]
    if not requirements:
        status = HealthStatus.AT_RISK
    elif t.published_at:
        status = HealthStatus.ON_TRACK
    else:
        status = HealthStatus.IN_PROGRESS
    return ElementHealth(7, status, evidence)
