"""Open data: the tender as an OCDS 1.1.5 release package (planning and tender sections).

Only the core schema is used, and no extension is declared (a validator would try to download
it): lots are described as items, and the community benefits — the notice's summary or the
reasons for none, each requirement with its clause, measure and minimum — go in
``tender.description`` (no core field is dedicated to them). The bidding app adds award and
contract releases to the same package with its own function, and declares the one extension
they use (bids: which bids were valid and which disqualified, and why).
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .enums import ContractType, RequirementMode, Route, TenderStatus
from .models import Tender
from .queries import requirement_rows

OCDS_VERSION = "1.1"
LICENSE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
DEFAULT_OCID_PREFIX = "ocds-coplan"


def ocid_prefix() -> str:
    return getattr(settings, "COPLAN_OCID_PREFIX", DEFAULT_OCID_PREFIX)


def ocid(tender: Tender) -> str:
    return f"{ocid_prefix()}-{tender.reference}"


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _when(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = timezone.make_aware(dt.datetime.combine(value, dt.time(0, 0)))
    return timezone.localtime(value).isoformat()


def _amount(value: Decimal | None) -> dict | None:
    if value is None:
        return None
    value = Decimal(value)
    number = int(value) if value == value.to_integral() else float(value)
    return {"amount": number, "currency": "GBP"}


def _party(organisation, roles) -> dict:
    return {"id": f"coplan-org-{organisation.pk}", "name": organisation.name, "roles": roles}


def _clean(data):
    """Drop empty values: OCDS fields are omitted rather than null or empty."""
    if isinstance(data, dict):
        cleaned = {k: _clean(v) for k, v in data.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(data, list):
        return [_clean(v) for v in data if v not in (None, "", [], {})]
    return data


def _number(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


def community_benefits_text(tender: Tender) -> str:
    """The community benefits in words, for the notice and the OCDS description."""
    lines = []
    if tender.cb_summary.strip():
        lines.append(f"Community benefits: {tender.cb_summary.strip()}")
    elif tender.cb_no_requirements_reasons.strip():
        lines.append(
            "No community benefit requirements, for these reasons: "
            f"{tender.cb_no_requirements_reasons.strip()}"
        )
    for r in requirement_rows(tender):
        clause = r.clause_version.clause
        if r.mode == RequirementMode.MANDATORY:
            how = f"mandatory contract condition, at least {_number(r.minimum)} {r.measure.unit}"
        else:
            how = "scored commitment (bidders state quantities"
            how += f", at least {_number(r.minimum)} {r.measure.unit}" if r.minimum else ""
            if r.points_per_unit is not None:
                how += f"; {_number(r.points_per_unit)} points per {r.measure.unit}"
            elif r.proxy is not None:
                how += (
                    f"; valued at £{_number(r.proxy.value)} per {r.measure.unit}, proxy table "
                    f"{r.proxy.table_version}"
                )
            how += ")"
        lines.append(
            f"- {clause.title} (clause version {r.clause_version.number}): {r.measure.name} "
            f"— {how}; evidence: {r.measure.evidence}."
        )
    return "\n".join(lines)


def _ocds_status(tender: Tender) -> str:
    status = tender.status
    if status == TenderStatus.DRAFT:
        return "planning"
    if status == TenderStatus.AWARDED:
        return "complete"
    return "active"


def _release_date(tender: Tender):
    dates = [tender.published_at or tender.updated_at or tender.created_at]
    dates += [a.published_at for a in tender.addenda.all()]
    return max(d for d in dates if d is not None)


def tender_release(tender: Tender) -> dict:
    """The planning-and-tender release of ``tender`` (tag ``planning`` while it is a draft,
    ``tender`` once published, ``tenderAmendment`` once an addendum amended it)."""
    from coplan.tendering.scoring import engine

    partnership = tender.partnership
    buyer = partnership.lead_authority
    addenda = list(tender.addenda.all())
    date = _release_date(tender)
    published = tender.published_at is not None
    tag = "planning" if not published else ("tenderAmendment" if addenda else "tender")
    notice_url = _url(reverse("tenders_public:notice", args=[tender.reference]))
    model = tender.scoring_model()
    try:
        details = " ".join(engine.describe(model))
    except engine.ScoringInputError:
        details = ""
    criteria = "; ".join(f"{c.name} {_number(c.weight)}%" for c in model.quality_criteria)
    if criteria:
        details = f"{details} Quality questions: {criteria}.".strip()
    description = "\n\n".join(
        part for part in (tender.description.strip(), community_benefits_text(tender)) if part
    )
    documents = []
    if published:
        documents.append(
            {
                "id": "notice",
                "documentType": "tenderNotice",
                "title": f"Contract notice: {tender.title}",
                "url": notice_url,
                "datePublished": _when(tender.published_at),
                "format": "text/html",
                "language": "en",
            }
        )
        documents.append(
            {
                "id": "evidence-pack",
                "documentType": "biddingDocuments",
                "title": "Evidence pack: specification and pilot results",
                "description": "The frozen specification, the pilot's results and everything "
                "classified for publication to all bidders.",
                "url": _url(reverse("tenders_public:evidence_pdf", args=[tender.reference])),
                "datePublished": _when(tender.published_at),
                "format": "application/pdf",
                "language": "en",
            }
        )
        for doc in tender.documents.all():
            documents.append(
                {
                    "id": f"document-{doc.pk}",
                    "documentType": "biddingDocuments",
                    "title": doc.title,
                    "url": _url(
                        reverse("tenders_public:document", args=[tender.reference, doc.pk])
                    ),
                    "datePublished": _when(doc.uploaded_at),
                }
            )
    release = {
        "ocid": ocid(tender),
        "id": f"{tender.reference}-{tag}-{date:%Y%m%dT%H%M%S}",
        "date": _when(date),
        "tag": [tag],
        "initiationType": "tender",
        "language": "en",
        "parties": [_party(buyer, ["buyer", "procuringEntity"])],
        "buyer": {"id": f"coplan-org-{buyer.pk}", "name": buyer.name},
        "planning": {
            "rationale": (
                f"Designed and piloted through the Public Social Partnership “{partnership}”"
                f" ({partnership.service_area}). {partnership.summary}"
            ).strip(),
            "budget": {
                "description": "Estimated contract value excluding VAT",
                "amount": _amount(tender.value_ex_vat),
            },
        },
        "tender": {
            "id": tender.reference,
            "title": tender.title,
            "description": description,
            "status": _ocds_status(tender),
            "procuringEntity": {"id": f"coplan-org-{buyer.pk}", "name": buyer.name},
            "items": [
                {
                    "id": f"lot-{lot.number}",
                    "description": f"Lot {lot.number}: {lot.title}"
                    + (f". {lot.description}" if lot.description else ""),
                }
                for lot in tender.lots.order_by("number")
            ]
            + _schedule_items(tender),
            "value": _amount(tender.value_ex_vat),
            "procurementMethod": Route(tender.route).ocds_method,
            "procurementMethodDetails": Route(tender.route).label,
            "mainProcurementCategory": ContractType(tender.contract_type).ocds_category,
            "awardCriteria": "ratedCriteria",
            "awardCriteriaDetails": details,
            "submissionMethod": ["electronicSubmission"],
            "submissionMethodDetails": notice_url if published else "",
            "tenderPeriod": {
                "startDate": _when(tender.published_at),
                "endDate": _when(tender.submission_deadline),
            },
            "enquiryPeriod": {
                "startDate": _when(tender.published_at),
                "endDate": _when(tender.clarification_deadline),
            },
            "hasEnquiries": tender.clarifications.exists() if published else None,
            "awardPeriod": {"endDate": _when(tender.planned_award_on)},
            "documents": documents,
            "amendments": [
                {
                    "id": f"addendum-{a.number}",
                    "date": _when(a.published_at),
                    "rationale": a.title,
                    "description": a.body,
                }
                for a in addenda
            ],
        },
    }
    return _clean(release)


def _schedule_items(tender: Tender) -> list[dict]:
    """The price schedule's unit-rate elements as items, with the published estimated quantity
    over the contract (volume a year × years) and the unit."""
    items = []
    for element in tender.price_elements.all():
        quantity = element.quantity(tender.duration_months)
        if quantity is None:
            continue
        items.append(
            {
                "id": f"price-element-{element.pk}",
                "description": f"Price schedule: {element.name}, a rate per {element.unit}, "
                f"an estimated {element.annual_volume.normalize():,f} a year",
                "quantity": int(quantity)
                if quantity == quantity.to_integral()
                else float(quantity),
                "unit": {"name": element.unit},
            }
        )
    return items


# Later apps add their releases to the published package (bidding: award and contract;
# benefits: implementation) through this registry, so tendering never imports them.
_RELEASES: dict[str, tuple[int, object]] = {}


def register_releases(name: str, add, *, order: int) -> None:
    """``add(tender, package)`` appends releases to ``package["releases"]``, in ``order``."""
    _RELEASES[name] = (order, add)


def full_package(tender: Tender) -> dict:
    """The tender's package with every release the installed apps hold for it (award,
    contract, implementation): what the public URL and the API publish."""
    package = release_package(tender)
    for _order, add in sorted(_RELEASES.values(), key=lambda item: item[0]):
        add(tender, package)
    package["publishedDate"] = max(r["date"] for r in package["releases"])
    return package


def release_package(tender: Tender) -> dict:
    """An OCDS 1.1.5 release package holding the tender's planning-and-tender release."""
    release = tender_release(tender)
    return {
        "uri": _url(reverse("tenders_public:ocds", args=[tender.reference])),
        "version": OCDS_VERSION,
        "publishedDate": release["date"],
        "publisher": {"name": tender.partnership.lead_authority.name},
        "license": LICENSE,
        "releases": [release],
    }
