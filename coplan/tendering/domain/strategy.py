"""The procurement strategy: value excluding VAT, regulated or not, the community benefit duty
(docs/statutory.md), from the statutory rules table in force on the strategy's date; and lots."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Max

from coplan.core import audit, clock
from coplan.core.domain import rule_in_force
from coplan.core.errors import DomainError
from coplan.core.models import StatutoryRuleKey
from coplan.core.uploads import check_upload

from ..enums import ContractType, Route
from ..models import Lot, Tender, TenderDocument

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENT_TYPES = {
    "pdf", "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "csv", "ppt", "pptx", "odp",
    "png", "jpg", "jpeg",
}  # fmt: skip


@dataclass
class RulesResult:
    """What the statutory rules say about a procurement on a date."""

    on: dt.date
    contract_type: str
    estimated_value: Decimal
    vat_included: bool
    vat_rate: Decimal
    value_ex_vat: Decimal
    regulated: bool
    community_benefit_duty: bool
    regulated_threshold: Decimal | None
    cb_threshold: Decimal | None
    rules_version: dict[str, str | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "on": self.on.isoformat(),
            "contract_type": self.contract_type,
            "estimated_value": str(self.estimated_value),
            "vat_included": self.vat_included,
            "vat_rate": str(self.vat_rate),
            "value_ex_vat": str(self.value_ex_vat),
            "regulated": self.regulated,
            "community_benefit_duty": self.community_benefit_duty,
            "regulated_threshold": None
            if self.regulated_threshold is None
            else str(self.regulated_threshold),
            "cb_threshold": None if self.cb_threshold is None else str(self.cb_threshold),
            "rules_version": self.rules_version,
            "notes": self.notes,
        }


def _pounds(value: Decimal) -> str:
    return f"£{value:,.0f}" if value == value.to_integral() else f"£{value:,.2f}"


def ex_vat(value: Decimal, *, vat_included: bool, vat_rate: Decimal) -> Decimal:
    """The value excluding VAT, to the penny (the 2014 Act's thresholds exclude VAT, s.5)."""
    if not vat_included:
        return Decimal(value).quantize(PENNY, ROUND_HALF_UP)
    return (Decimal(value) / (1 + Decimal(vat_rate) / HUNDRED)).quantize(PENNY, ROUND_HALF_UP)


def _meets(rule, net: Decimal, vat_rate: Decimal) -> bool:
    """Whether the value reaches ``rule``'s threshold, comparing like with like (a rule may be
    stated including VAT)."""
    compared = net * (1 + vat_rate / HUNDRED) if rule.includes_vat else net
    return compared >= rule.value


def procurement_rules(
    *,
    contract_type: str,
    estimated_value: Decimal,
    vat_included: bool,
    vat_rate: Decimal,
    on: dt.date,
) -> RulesResult:
    """Apply the statutory rules in force on ``on``. Stateless: the strategy page, the tender
    and ``GET /api/v1/rules/procurement`` all call it."""
    if contract_type not in ContractType.values:
        raise DomainError(
            f"Choose services, supplies or works, not {contract_type!r}.", field="contract_type"
        )
    estimated_value = Decimal(estimated_value)
    vat_rate = Decimal(vat_rate)
    if not estimated_value.is_finite() or estimated_value < 0:
        raise DomainError("The estimated value must be £0 or more.", field="estimated_value")
    if not vat_rate.is_finite() or not 0 <= vat_rate <= HUNDRED:
        raise DomainError("The VAT rate must be between 0 and 100 %.", field="vat_rate")
    net = ex_vat(estimated_value, vat_included=vat_included, vat_rate=vat_rate)
    key = (
        StatutoryRuleKey.REGULATED_WORKS
        if contract_type == ContractType.WORKS
        else StatutoryRuleKey.REGULATED_GOODS_SERVICES
    )
    regulated_rule = rule_in_force(key, on)
    cb_rule = rule_in_force(StatutoryRuleKey.CB_DUTY, on)
    day = f"{on.day} {on:%B %Y}"
    notes = []
    regulated = bool(regulated_rule) and _meets(regulated_rule, net, vat_rate)
    if regulated_rule is None:
        notes.append(
            f"No regulated procurement threshold was in force on {day}: the Procurement Reform "
            "(Scotland) Act 2014's thresholds apply from 18 April 2016."
        )
    else:
        notes.append(
            f"{'Regulated' if regulated else 'Not regulated'}: {_pounds(net)} excluding VAT "
            f"against the {_pounds(regulated_rule.value)} threshold ({regulated_rule.source}, "
            f"in force from {regulated_rule.effective_from:%-d %B %Y})."
        )
    cb_duty = regulated and bool(cb_rule) and _meets(cb_rule, net, vat_rate)
    if cb_rule is None:
        notes.append(f"No community benefit duty was in force on {day} (s.25 applies from 2016).")
    else:
        notes.append(
            f"Community benefit duty {'applies' if cb_duty else 'does not apply'}: "
            f"{_pounds(net)} against {_pounds(cb_rule.value)} ({cb_rule.source})."
            + (
                " The contract notice must summarise the community benefit requirements or "
                "give reasons for not including any."
                if cb_duty
                else ""
            )
        )
    return RulesResult(
        on=on,
        contract_type=contract_type,
        estimated_value=estimated_value,
        vat_included=vat_included,
        vat_rate=vat_rate,
        value_ex_vat=net,
        regulated=regulated,
        community_benefit_duty=cb_duty,
        regulated_threshold=regulated_rule.value if regulated_rule else None,
        cb_threshold=cb_rule.value if cb_rule else None,
        rules_version={
            str(key): regulated_rule.effective_from.isoformat() if regulated_rule else None,
            str(StatutoryRuleKey.CB_DUTY): cb_rule.effective_from.isoformat() if cb_rule else None,
        },
        notes=notes,
    )


STRATEGY_FIELDS = (
    "title",
    "description",
    "contract_type",
    "estimated_value",
    "vat_included",
    "vat_rate",
    "duration_months",
    "route",
    "strategy_date",
    "cb_summary",
    "cb_no_requirements_reasons",
)


def _guard_draft(tender: Tender, what: str) -> None:
    if tender.published_at is not None:
        raise DomainError(
            f"The tender is published: {what} can no longer change (publish an addendum instead).",
            code="tender_published",
        )


def _apply_rules(tender: Tender) -> RulesResult | None:
    if tender.estimated_value is None:
        tender.value_ex_vat = tender.regulated = tender.cb_duty = None
        tender.rules_version = {}
        return None
    tender.strategy_date = tender.strategy_date or clock.today()
    result = procurement_rules(
        contract_type=tender.contract_type,
        estimated_value=tender.estimated_value,
        vat_included=tender.vat_included,
        vat_rate=tender.vat_rate,
        on=tender.strategy_date,
    )
    tender.value_ex_vat = result.value_ex_vat
    tender.regulated = result.regulated
    tender.cb_duty = result.community_benefit_duty
    tender.rules_version = {"on": result.on.isoformat(), **result.rules_version}
    return result


def create_tender(*, partnership, actor, title: str, reference: str, **fields) -> Tender:
    """Start a tender (draft) with its procurement strategy."""
    if Tender.objects.filter(reference__iexact=reference).exists():
        raise DomainError(
            f"Another tender already uses the reference {reference}.", field="reference"
        )
    unknown = set(fields) - set(STRATEGY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown tender fields: {sorted(unknown)}")
    with transaction.atomic():
        tender = Tender(partnership=partnership, title=title, reference=reference, **fields)
        _apply_rules(tender)
        tender.save()
        audit.log(
            actor=actor,
            action="tendering.tender.created",
            obj=tender,
            partnership=tender.partnership,
            data={
                "reference": reference,
                "value_ex_vat": tender.value_ex_vat,
                "regulated": tender.regulated,
                "cb_duty": tender.cb_duty,
                "rules_version": tender.rules_version,
            },
        )
    return tender


def set_strategy(*, tender: Tender, actor, **fields) -> Tender:
    """Change the procurement strategy; the rules are applied again on the strategy's date and
    the rules version used is recorded. The community benefit summary or reasons may change
    until publication."""
    unknown = set(fields) - set(STRATEGY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown strategy fields: {sorted(unknown)}")
    _guard_draft(tender, "the procurement strategy")
    with transaction.atomic():
        changed = {k: v for k, v in fields.items() if getattr(tender, k) != v}
        for name, value in fields.items():
            setattr(tender, name, value)
        _apply_rules(tender)
        tender.save()
        audit.log(
            actor=actor,
            action="tendering.strategy.set",
            obj=tender,
            partnership=tender.partnership,
            data={
                "changed": sorted(changed),
                "value_ex_vat": tender.value_ex_vat,
                "regulated": tender.regulated,
                "cb_duty": tender.cb_duty,
                "rules_version": tender.rules_version,
            },
        )
    return tender


def add_lot(
    *, tender: Tender, actor, title: str, description: str = "", estimated_value=None
) -> Lot:
    _guard_draft(tender, "lots")
    with transaction.atomic():
        number = (tender.lots.aggregate(n=Max("number"))["n"] or 0) + 1
        lot = Lot.objects.create(
            tender=tender,
            number=number,
            title=title,
            description=description,
            estimated_value=estimated_value,
        )
        audit.log(
            actor=actor,
            action="tendering.lot.added",
            obj=lot,
            partnership=tender.partnership,
            data={"number": number, "title": title},
        )
    return lot


def remove_lot(*, lot: Lot, actor) -> None:
    tender = lot.tender
    _guard_draft(tender, "lots")
    with transaction.atomic():
        audit.log(
            actor=actor,
            action="tendering.lot.removed",
            obj=lot,
            partnership=tender.partnership,
            data={"number": lot.number, "title": lot.title},
        )
        lot.delete()


def add_document(*, tender: Tender, actor, title: str, file) -> TenderDocument:
    """Add a tender document (ITT, specification, terms); after publication, amend through an
    addendum instead."""
    _guard_draft(tender, "the tender documents")
    # Size, emptiness, and contents that match the extension (never HTML, scripts, programs);
    # the stored name is a cleaned one, never the path the browser sent.
    name = check_upload(file, allowed=DOCUMENT_TYPES, max_bytes=MAX_DOCUMENT_BYTES)
    document = TenderDocument(tender=tender, title=title, uploaded_by=actor)
    document.file.save(name, file, save=False)
    try:
        with transaction.atomic():
            document.save()
            audit.log(
                actor=actor,
                action="tendering.document.added",
                obj=document,
                partnership=tender.partnership,
                data={"title": title},
            )
    except Exception:
        document.file.delete(save=False)  # no row, no orphan file
        raise
    return document


__all__ = [
    "Route",
    "RulesResult",
    "add_document",
    "add_lot",
    "create_tender",
    "ex_vat",
    "procurement_rules",
    "remove_lot",
    "set_strategy",
]
