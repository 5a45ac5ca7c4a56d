"""Health-check providers, gate criteria and section links registered by this app: element 6
of the seven (consortium building via the design committee), the service design gate's
"consortium heads of terms agreed" (checked against the agreement, still not blocking) and the
"Consortium" section."""

from django.utils import timezone

from coplan.partnerships import gates
from coplan.partnerships.enums import Stage
from coplan.partnerships.health import ElementHealth, HealthStatus, provides
from coplan.partnerships.sections import Section, register

from . import queries
from .enums import AgreementStatus


def _register_section() -> None:
    from .urls import urlpatterns

    register(
        Section(
            "Consortium",
            "consortium:overview",
            order=70,
            also_current=tuple(
                f"consortium:{p.name}" for p in urlpatterns if p.name and p.name != "overview"
            ),
        )
    )


_register_section()


def _day(value) -> str:
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y}"


def heads_of_terms_agreed(partnership) -> gates.Outcome:
    consortium = queries.consortium_for(partnership)
    if consortium is None:
        return gates.Outcome(
            False, "No consortium yet: the design committee forms one on the Consortium page."
        )
    agreement = getattr(consortium, "agreement", None)
    if agreement is None or agreement.status == AgreementStatus.HEADS_OF_TERMS:
        return gates.Outcome(
            False, f"{consortium}'s heads of terms are not agreed yet (Consortium, Agreement)."
        )
    when = f" on {_day(agreement.heads_agreed_at)}" if agreement.heads_agreed_at else ""
    return gates.Outcome(True, f"{consortium}'s heads of terms agreed{when}.")


gates.register(
    Stage.SERVICE_DESIGN,
    gates.Criterion(
        "consortium_heads_agreed",
        "Consortium heads of terms agreed",
        heads_of_terms_agreed,
        hard=False,
    ),
    replaces="consortium_heads_of_terms",
)


@provides(6)
def consortium_building(partnership) -> ElementHealth:
    consortium = queries.consortium_for(partnership)
    if consortium is None:
        return ElementHealth(6, HealthStatus.NOT_STARTED, ["No consortium formed yet."])
    members = list(queries.members_of(consortium))
    splits = queries.split_of(consortium)
    complete = [s for s in splits if s.complete]
    _, services, rows = queries.capability_matrix(consortium)
    mapped = {
        s.pk
        for _, cells in rows
        for s, cell in zip(services, cells, strict=True)
        if cell.capabilities
    }
    agreement = getattr(consortium, "agreement", None)
    lead = f"lead partner {consortium.lead}" if consortium.lead else "no lead partner yet"
    evidence = [
        f"{consortium}: {len(members)} members ({', '.join(str(m) for m in members)}), {lead}; "
        f"{consortium.get_legal_model_display().lower()}.",
        f"Capability matrix covers {len(mapped)} of {len(services)} services.",
        f"Work and revenue split totals 100 % for {len(complete)} of {len(splits)} services.",
    ]
    status_text = "no agreement yet"
    signed = False
    heads_agreed = False
    if agreement is not None:
        valid = queries.valid_signatures(agreement).count()
        heads_agreed = agreement.status != AgreementStatus.HEADS_OF_TERMS
        signed = agreement.status == AgreementStatus.SIGNED
        if signed:
            status_text = f"signed by all {len(members)} members on {_day(agreement.signed_at)}"
        elif heads_agreed:
            status_text = (
                f"heads of terms agreed; draft revision {agreement.revision}, signed by "
                f"{valid} of {len(members)} members"
            )
        else:
            status_text = "heads of terms not yet agreed"
    evidence.append(f"Agreement: {status_text}.")
    stage = Stage(partnership.stage).number
    split_done = bool(splits) and len(complete) == len(splits)
    if signed and split_done:
        status = HealthStatus.ON_TRACK
    elif (stage > Stage.SERVICE_DESIGN.number and not heads_agreed) or (
        stage >= Stage.PROCUREMENT.number and not signed
    ):
        status = HealthStatus.AT_RISK
    else:
        status = HealthStatus.IN_PROGRESS
    return ElementHealth(6, status, evidence)
