"""The "Bids" section link, and the checks behind the procurement stage's hard gate criteria
"conflict-of-interest declarations complete" and "standstill period elapsed", registered in
place of the foundation's manual checklist items ``coi_complete`` and ``standstill_elapsed``:
Coplan knows both, so nobody ticks them."""

from django.utils import timezone

from coplan.core import clock
from coplan.partnerships import gates
from coplan.partnerships.enums import Stage
from coplan.partnerships.sections import Section, register
from coplan.tendering.models import Tender


def _register_section() -> None:
    from .urls import urlpatterns

    register(
        Section(
            "Bids",
            "bidding:index",
            order=74,
            perm="partnerships.view_partnership",
            also_current=tuple(
                f"bidding:{p.name}" for p in urlpatterns if p.name and p.name != "index"
            ),
        )
    )


_register_section()


def _tenders(partnership):
    return list(Tender.objects.filter(partnership=partnership, opened_at__isnull=False))


def conflicts_complete(partnership) -> gates.Outcome:
    from .enums import ConflictDecision
    from .models import Assignment, ConflictDeclaration

    tenders = _tenders(partnership)
    if not tenders:
        return gates.Outcome(False, "No tender has been opened and evaluated yet.")
    missing = []
    for tender in tenders:
        panel = set(Assignment.objects.filter(tender=tender).values_list("evaluator", flat=True))
        declared = ConflictDeclaration.objects.filter(tender=tender).exclude(
            decision=ConflictDecision.PENDING
        )
        done = set(declared.values_list("evaluator", flat=True))
        if not panel:
            missing.append(f"{tender}: no evaluation panel")
        elif panel - done:
            missing.append(f"{tender}: {len(panel - done)} declaration(s) outstanding or undecided")
    if missing:
        return gates.Outcome(False, "; ".join(missing) + ".")
    return gates.Outcome(True, "Every evaluator declared, and every flagged case was decided.")


def standstill_elapsed(partnership) -> gates.Outcome:
    from .models import Award

    awards = list(Award.objects.filter(tender__partnership=partnership).select_related("tender"))
    if not awards:
        return gates.Outcome(False, "No award yet.")
    now = clock.now()
    waiting = [a for a in awards if a.standstill_ends_at > now]
    if waiting:
        a = waiting[0]
        return gates.Outcome(
            False,
            f"{a.tender}: standstill ends {timezone.localtime(a.standstill_ends_at):%d %B %Y}.",
        )
    return gates.Outcome(True, "The standstill period has ended for every award.")


gates.register(
    Stage.PROCUREMENT,
    gates.Criterion(
        "bidding_coi_complete", "Conflict-of-interest declarations complete", conflicts_complete
    ),
    replaces="coi_complete",
)
gates.register(
    Stage.PROCUREMENT,
    gates.Criterion("bidding_standstill_elapsed", "Standstill period elapsed", standstill_elapsed),
    replaces="standstill_elapsed",
)
