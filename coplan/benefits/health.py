"""The "Community benefits" section link and the element 7 health-check provider, which
extends the tendering app's (community benefit clauses in the tender) with delivery after
award. Providers are one per element and this app loads after tendering, so it wraps the
tendering provider rather than replacing it."""

from coplan.partnerships.health import ElementHealth, HealthStatus, provides
from coplan.partnerships.sections import Section, register
from coplan.tendering.health import tender_benefits

from .calc import Rag
from .models import LineStatus


def _register_section() -> None:
    from .urls import urlpatterns

    register(
        Section(
            "Community benefits",
            "benefits:overview",
            order=75,
            also_current=tuple(
                f"benefits:{p.name}"
                for p in urlpatterns
                if p.name and p.name not in ("overview", "public", "public.ocds")
            ),
        )
    )


_register_section()


@provides(7)
def community_benefits(partnership) -> ElementHealth:
    """Element 7 before and after award: the tendering app's evidence (clauses chosen and
    published), then, once contracts exist, their commitments' status from verified returns.
    At risk if a red commitment has no open remedial plan or lines wait on queries."""
    from .monitoring import monitor
    from .queries import contracts_of

    before = tender_benefits(partnership)
    evidence = list(before.evidence) if before else []
    contracts = contracts_of(partnership)
    if not contracts:
        if before is None:
            return ElementHealth(7, HealthStatus.NOT_STARTED, ["No tender yet."])
        return before
    at_risk = False
    behind = False
    for contract in contracts:
        state = monitor(contract)
        counts = state.counts
        reds = [r for r in state.rows if r.needs_plan]
        queried = sum(r.queried for r in state.rows)
        verified = sum(1 for r in state.rows for ln in r.lines if ln.status == LineStatus.VERIFIED)
        evidence.append(
            f"Contract with {contract.supplier}: {len(state.rows)} commitments; "
            f"{len(state.returns)} quarterly returns, {verified} lines verified; as at "
            f"{state.as_of:%d %B %Y} green {counts.get(Rag.GREEN, 0)}, amber "
            f"{counts.get(Rag.AMBER, 0)}, red {counts.get(Rag.RED, 0)}."
        )
        if reds:
            at_risk = True
            evidence.append(
                "Red without a remedial plan: "
                + ", ".join(r.commitment.description for r in reds)
                + "."
            )
        if queried:
            behind = True
            evidence.append(f"{queried} line{'s' if queried != 1 else ''} queried, unanswered.")
        if not state.returns:
            behind = True
    if at_risk:
        status = HealthStatus.AT_RISK
    elif behind:
        status = HealthStatus.IN_PROGRESS
    else:
        status = HealthStatus.ON_TRACK
    return ElementHealth(7, status, evidence)
