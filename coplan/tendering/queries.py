"""Reusable reads with the visibility filters applied."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404

from coplan.core import clock
from coplan.core.enums import Disclosure
from coplan.design import queries as design
from coplan.design.enums import VersionStatus
from coplan.design.models import Requirement, SpecificationVersion
from coplan.partnerships.queries import get_for
from coplan.pilots.models import Evaluation

from .enums import BenefitMethod, RequirementMode
from .models import BenefitRequirement, Clause, ClauseVersion, Measure, ProxyValue, Tender


def tenders_of(partnership):
    return Tender.objects.filter(partnership=partnership).order_by("-created_at")


def get_tender(user, pk, tender_pk, perm: str = "tendering.view_tender") -> Tender:
    """The tender if ``user`` may ``perm`` it: 404 for outsiders (and for other partnerships'
    tenders), 403 for members without the permission."""
    partnership = get_for(user, pk)
    try:
        tender = Tender.objects.get(pk=tender_pk, partnership=partnership)
    except (Tender.DoesNotExist, ValueError, TypeError):
        raise Http404("No such tender") from None
    tender.partnership = partnership  # reuse the roster read for the permission checks
    if not user.has_perm(perm, tender):
        raise PermissionDenied("Your role in this partnership does not allow this.")
    return tender


def published_tender(reference: str) -> Tender:
    """A published tender by its reference (or its id), for the public pages; 404 otherwise."""
    qs = Tender.objects.filter(published_at__isnull=False).select_related(
        "partnership__lead_authority"
    )
    tender = qs.filter(reference__iexact=reference).first()
    if tender is None and str(reference).isdigit():
        tender = qs.filter(pk=int(reference)).first()
    if tender is None:
        raise Http404("No such published tender")
    return tender


def published_tenders():
    return (
        Tender.objects.filter(published_at__isnull=False)
        .select_related("partnership__lead_authority")
        .order_by("-published_at")
    )


def requirements_of(tender: Tender):
    return tender.benefit_requirements.select_related(
        "clause_version__clause", "measure", "spec_requirement"
    ).order_by("order", "pk")


def spec_requirement_choices(tender: Tender, current=None):
    """The specification requirements a criterion or benefit requirement of ``tender`` may
    answer (the golden thread): those of the partnership's latest signed-off (approved or
    frozen) specification version, plus ``current`` (the one already chosen, perhaps from an
    earlier version) so that editing does not lose it."""
    version = design.latest_signed_off(tender.partnership)
    chosen = Q(version=version) if version is not None else Q(pk__in=[])
    if current is not None:
        chosen |= Q(pk=current.pk if hasattr(current, "pk") else current)
    return (
        Requirement.objects.filter(chosen, version__partnership=tender.partnership)
        .select_related("version", "section")
        .order_by("version__number", "section__position", "position", "pk")
    )


def clauses(include_inactive: bool = False):
    qs = Clause.objects.prefetch_related(
        Prefetch("versions", queryset=ClauseVersion.objects.order_by("-number")),
        Prefetch("measures", queryset=Measure.objects.prefetch_related("proxies")),
    ).order_by("type", "title")
    return qs if include_inactive else qs.filter(is_active=True)


def measures_for_requirements():
    return (
        Measure.objects.filter(clause__is_active=True)
        .select_related("clause")
        .order_by("clause__type", "clause__title", "order")
    )


def lots_of(tender: Tender):
    return tender.lots.order_by("number")


def evidence_pack(tender: Tender) -> dict:
    """Everything the evidence pack holds (docs/disclosure.md, F1): the frozen specification,
    the pilot's results classified "publish", "you said, we did" from the design insights
    classified "publish", and what is still missing. Never anything internal or unclassified."""
    from .evidence import render_sections

    partnership = tender.partnership
    missing = []
    spec = (
        SpecificationVersion.objects.filter(
            partnership=partnership, status=VersionStatus.FROZEN, disclosure=Disclosure.PUBLISH
        )
        .order_by("-number")
        .first()
    )
    sections = []
    if spec is None:
        missing.append("No frozen specification classified “publish to all bidders” yet.")
    else:
        sections = list(spec.sections.prefetch_related("requirements").all())
    evaluations = list(
        Evaluation.objects.filter(
            pilot__partnership=partnership,
            disclosure=Disclosure.PUBLISH,
            approved_on__isnull=False,
        )
        .prefetch_related("results")
        .order_by("-period_end", "-id")
    )
    if not evaluations:
        missing.append("No approved pilot evaluation classified “publish to all bidders” yet.")
    results = {e.pk: [_result_row(r) for r in e.results.all()] for e in evaluations}
    results = {k: [r for r in rows if r is not None] for k, rows in results.items()}
    you_said = [
        row
        for row in design.you_said_we_did(partnership, _Publisher())
        if row.insight.disclosure == Disclosure.PUBLISH
    ]
    published = [a for a in design.artefacts(partnership, Disclosure.PUBLISH)]
    return {
        "spec": spec,
        "sections": sections,
        "evaluations": [(e, results[e.pk]) for e in evaluations],
        "you_said": you_said,
        "published_artefacts": published,
        "missing": missing,
        "extra": render_sections(tender),  # sections other apps register (evidence.py)
    }


def _result_row(result) -> dict | None:
    """A pilot result as the pack shows it: as classified, or redacted (no provider named)."""
    row = {
        "label": result.label,
        "kind": result.get_kind_display(),
        "value": result.value,
        "unit": result.unit,
        "target": result.target,
        "rag": result.rag,
        "basis": result.basis,
        "commentary": result.commentary,
        "redacted": False,
    }
    if result.disclosure == Disclosure.PUBLISH:
        return row
    if result.disclosure == Disclosure.REDACT_THEN_PUBLISH:
        what = str(result.service) if result.service_id else result.get_kind_display()
        return {
            **row,
            "label": f"{result.get_kind_display()}: {what} (provider not named)",
            "commentary": result.disclosure_reason,
            "redacted": True,
        }
    return None


class _Publisher:
    """A reader who sees every design record (the pack filters by disclosure itself)."""

    is_authenticated = False  # no per-user annotations
    is_staff = False
    pk = None

    def has_perm(self, perm, obj=None):
        return True


def proxy_day(tender: Tender):
    """The day whose proxy values (£ per unit) monetise scored commitments: the publication
    day, or today for a draft (the same day the bid evaluation uses)."""
    return (tender.published_at or clock.now()).date()


def requirement_rows(tender: Tender) -> list[BenefitRequirement]:
    """The tender's requirements, each with ``proxy``: for a scored commitment without points
    per unit, under a "relative to the highest value" benefit method, the proxy value in
    force on :func:`proxy_day` (the monetised figure published with the tender), else None."""
    rows = list(
        requirements_of(tender).prefetch_related(
            Prefetch("measure__proxies", queryset=ProxyValue.objects.order_by("-effective_from"))
        )
    )
    monetised = tender.benefit_method == BenefitMethod.RELATIVE_TO_MAX
    day = proxy_day(tender)
    for row in rows:
        row.proxy = None
        if monetised and row.mode == RequirementMode.SCORED and row.points_per_unit is None:
            row.proxy = next(
                (p for p in row.measure.proxies.all() if p.effective_from <= day), None
            )
    return rows
