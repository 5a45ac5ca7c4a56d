"""The criteria tree, the scoring model and the tender's community benefit requirements.

The engine (:mod:`coplan.tendering.scoring.engine`) validates the model: weights total 100,
price-only refused, price elements total the price weight. Criteria that reward incumbency
("delivered the pilot") draw a warning (docs/disclosure.md, F2): outcome and method criteria
are fair to bidders who were not in the partnership.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Max

from coplan.core import audit
from coplan.core.errors import DomainError
from coplan.tendering.scoring import engine

from ..enums import RequirementMode
from ..models import BenefitRequirement, PriceElement, QualityCriterion, Tender
from .strategy import _guard_draft

MODEL_FIELDS = (
    "price_method",
    "price_weight",
    "benefit_weight",
    "benefit_method",
    "zero_price_rule",
    "tie_break",
    "quality_minimum",
)
F2_RULE = (
    "Criteria must not reward having delivered the pilot or being the current provider: score "
    "outcomes and methods, which every bidder can show."
)
_INCUMBENCY = re.compile(
    r"\bincumben\w*|\bthe pilot\b|\bpilot (?:provider|partners?|experience)\b"
    r"|\bexisting (?:provider|supplier|contractor|service provider)s?\b"
    r"|\bcurrent (?:provider|supplier|contractor)s?\b"
    r"|\bdelivered (?:the|this) (?:service|pilot)\b|\bpreviously delivered\b"
    r"|\bpartnership members?\b|\bco-?designed\b",
    re.IGNORECASE,
)
WEIGHT_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class ModelFinding:
    code: str
    message: str
    field: str | None = None


def incumbency_warnings(text: str) -> list[str]:
    seen = []
    for match in _INCUMBENCY.finditer(text or ""):
        phrase = match.group(0).lower()
        if phrase not in seen:
            seen.append(phrase)
    return seen


def criteria_of(tender: Tender) -> list[QualityCriterion]:
    """The criteria tree in order, each marked ``_is_group`` (no query per node)."""
    nodes = list(tender.quality_criteria.select_related("spec_requirement"))
    parents = {c.parent_id for c in nodes if c.parent_id}
    for node in nodes:
        node._is_group = node.is_group = node.pk in parents
    return nodes


def tree_of(tender: Tender) -> list[tuple[QualityCriterion, int]]:
    """``(criterion, depth)`` in display order: each group followed by its questions. A
    group's ``group_weight`` is the sum of its questions' weights."""
    nodes = criteria_of(tender)
    children: dict = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    rows: list = []

    def walk(parent_id, depth):
        for node in children.get(parent_id, []):
            rows.append((node, depth))
            walk(node.pk, depth + 1)

    walk(None, 0)
    for node, _ in rows:
        if node._is_group:
            node.group_weight = sum((c.weight for c in _leaves(node, children)), Decimal(0))
    return rows


def _leaves(node, children):
    found = []
    for child in children.get(node.pk, []):
        found += _leaves(child, children) if children.get(child.pk) else [child]
    return found


def check_model(tender: Tender) -> tuple[list[ModelFinding], list[ModelFinding]]:
    """``(errors, warnings)`` of the tender's scoring model: the engine's validation, a quality
    question whose scale is not the published 0–4, and incumbency criteria
    (docs/disclosure.md, F2)."""
    errors, warnings = [], []
    try:
        engine.validate_model(tender.scoring_model())
    except engine.ScoringInputError as error:
        errors.append(ModelFinding(error.code, error.message, error.field))
    if not tender.duration_months:
        rated = [e.name for e in tender.price_elements.all() if e.is_unit_rate]
        if rated:
            errors.append(
                ModelFinding(
                    "volume_without_duration",
                    f"{', '.join(rated)} {'is' if len(rated) == 1 else 'are'} priced per unit "
                    "with a volume a year, but the contract's duration is not set: enter it in "
                    "the procurement strategy, so that rate × volume × years can be evaluated.",
                    "duration_months",
                )
            )
    for node in criteria_of(tender):
        phrases = incumbency_warnings(f"{node.name} {node.question}")
        if phrases:
            warnings.append(
                ModelFinding(
                    "rewards_incumbency",
                    f"“{node.name}” mentions {', '.join(phrases)}. {F2_RULE}",
                    "quality_criteria",
                )
            )
    return errors, warnings


def _check_spec_requirement(tender: Tender, spec_requirement) -> None:
    """The specification requirement a criterion or benefit requirement answers (the golden
    thread) must be one of the tender's partnership's."""
    if spec_requirement is None:
        return
    partnership_id = getattr(getattr(spec_requirement, "version", None), "partnership_id", None)
    if partnership_id != tender.partnership_id:
        raise DomainError(
            "Choose a requirement of this partnership's specification.",
            field="spec_requirement",
        )


def _spec_key(spec_requirement) -> str | None:
    return spec_requirement.key if spec_requirement is not None else None


def set_scoring_model(*, tender: Tender, actor, **fields) -> Tender:
    """Set the price method and weight, the community benefit weight and method, the zero-price
    rule, the tie-break and the quality minimum. The model may be incomplete while the tender
    is a draft; publication refuses an invalid one."""
    if set(fields) - set(MODEL_FIELDS):
        raise TypeError(f"Unknown scoring model fields: {sorted(set(fields) - set(MODEL_FIELDS))}")
    _guard_draft(tender, "the criteria and weights")
    for name in ("price_weight", "benefit_weight"):
        if name in fields and not Decimal(0) <= Decimal(fields[name]) <= 100:
            raise DomainError("Enter a weight between 0 and 100.", field=name)
    with transaction.atomic():
        changed = sorted(k for k, v in fields.items() if getattr(tender, k) != v)
        for name, value in fields.items():
            setattr(tender, name, value)
        tender.save()
        audit.log(
            actor=actor,
            action="tendering.model.set",
            obj=tender,
            partnership=tender.partnership,
            data={"changed": changed, **{k: fields[k] for k in changed}},
        )
    return tender


def apply_template(*, tender: Tender, actor, key: str) -> Tender:
    """Apply a Procurement Journey price:quality ratio: the price weight becomes the template's,
    and the quality questions are scaled so that quality and community benefit together take
    the template's quality share."""
    template = engine.TEMPLATES_BY_KEY.get(key)
    if template is None:
        raise DomainError(f"There is no template {key!r}.", field="template")
    _guard_draft(tender, "the criteria and weights")
    remaining = template.quality_weight - tender.benefit_weight
    if remaining < 0:
        raise DomainError(
            f"The community benefit weight ({tender.benefit_weight:g}) is more than the "
            f"template's quality share ({template.quality_weight:g}).",
            field="benefit_weight",
        )
    with transaction.atomic():
        leaves = [c for c in criteria_of(tender) if not c._is_group]
        current = sum((c.weight for c in leaves), Decimal(0))
        if leaves:
            given = Decimal(0)
            for i, leaf in enumerate(leaves):
                if i == len(leaves) - 1:
                    leaf.weight = remaining - given
                elif current:
                    leaf.weight = (leaf.weight * remaining / current).quantize(
                        WEIGHT_PLACES, ROUND_HALF_UP
                    )
                else:
                    leaf.weight = (remaining / len(leaves)).quantize(WEIGHT_PLACES, ROUND_HALF_UP)
                given += leaf.weight
                leaf.save(update_fields=["weight"])
        tender.price_weight = template.price_weight
        # Price elements keep their proportions of the price weight.
        elements = list(tender.price_elements.all())
        element_total = sum((e.weight for e in elements), Decimal(0))
        if elements and element_total:
            given = Decimal(0)
            for i, element in enumerate(elements):
                if i == len(elements) - 1:
                    element.weight = template.price_weight - given
                else:
                    element.weight = (
                        element.weight * template.price_weight / element_total
                    ).quantize(WEIGHT_PLACES, ROUND_HALF_UP)
                given += element.weight
                element.save(update_fields=["weight"])
        tender.save()
        audit.log(
            actor=actor,
            action="tendering.model.template_applied",
            obj=tender,
            partnership=tender.partnership,
            data={"template": key},
        )
    return tender


def add_criterion(
    *,
    tender: Tender,
    actor,
    name: str,
    question: str = "",
    weight: Decimal = Decimal(0),
    parent: QualityCriterion | None = None,
    scale_max: int = 4,
    minimum_score: int | None = None,
    spec_requirement=None,
) -> QualityCriterion:
    """Add a quality question (or a group, when questions are later added under it), with the
    specification requirement it assesses, if any, and the minimum score a compliant bid
    needs on it, if any."""
    _guard_draft(tender, "the criteria and weights")
    _check_spec_requirement(tender, spec_requirement)
    _check_minimum_score(minimum_score, scale_max)
    if tender.quality_criteria.filter(name__iexact=name).exists():
        raise DomainError(f"There is already a criterion called {name!r}.", field="name")
    if parent is not None and parent.tender_id != tender.pk:
        raise DomainError("Choose a group of this tender.", field="parent")
    if Decimal(weight) < 0:
        raise DomainError("A weight cannot be negative.", field="weight")
    with transaction.atomic():
        order = (tender.quality_criteria.aggregate(n=Max("order"))["n"] or 0) + 1
        criterion = QualityCriterion.objects.create(
            tender=tender,
            parent=parent,
            name=name,
            question=question,
            weight=weight,
            scale_max=scale_max,
            minimum_score=minimum_score,
            order=order,
            spec_requirement=spec_requirement,
        )
        if parent is not None:
            _make_group(parent)
        audit.log(
            actor=actor,
            action="tendering.criterion.added",
            obj=criterion,
            partnership=tender.partnership,
            data={
                "name": name,
                "weight": weight,
                "minimum_score": minimum_score,
                "parent": parent.pk if parent else None,
                "spec_requirement": _spec_key(spec_requirement),
                "incumbency_warnings": incumbency_warnings(f"{name} {question}"),
            },
        )
    return criterion


def _check_minimum_score(minimum_score, scale_max) -> None:
    if minimum_score is not None and not 0 <= minimum_score <= scale_max:
        raise DomainError(
            f"Enter a minimum score from 0 to {scale_max} (the top of the question's scale), "
            "or leave it empty for no minimum.",
            field="minimum_score",
        )


def _make_group(parent: QualityCriterion) -> None:
    """A criterion that gets questions under it becomes a group: its weight is its questions'
    total, and only questions have a minimum score."""
    if parent.weight or parent.minimum_score is not None:
        parent.weight = Decimal(0)
        parent.minimum_score = None
        parent.save(update_fields=["weight", "minimum_score"])


def update_criterion(*, criterion: QualityCriterion, actor, **fields) -> QualityCriterion:
    """Change a criterion's name, question, weight, scale, minimum score, group (``parent``: a
    top-level criterion of the same tender, or ``None`` for the top level) or the specification
    requirement it assesses. The tree has two levels: a group cannot go under another group,
    and only a question (not a group) has a minimum score."""
    allowed = {
        "name",
        "question",
        "weight",
        "scale_max",
        "minimum_score",
        "parent",
        "spec_requirement",
    }
    if set(fields) - allowed:
        raise TypeError(f"Unknown criterion fields: {sorted(set(fields) - allowed)}")
    tender = criterion.tender
    _guard_draft(tender, "the criteria and weights")
    _check_minimum_score(
        fields.get("minimum_score", criterion.minimum_score),
        fields.get("scale_max", criterion.scale_max),
    )
    if fields.get("minimum_score") is not None and criterion.children.exists():
        raise DomainError(
            f"“{criterion.name}” is a group: set the minimum score on the questions under it.",
            field="minimum_score",
        )
    if "spec_requirement" in fields:
        _check_spec_requirement(tender, fields["spec_requirement"])
    if (
        "name" in fields
        and tender.quality_criteria.filter(name__iexact=fields["name"])
        .exclude(pk=criterion.pk)
        .exists()
    ):
        raise DomainError(f"There is already a criterion called {fields['name']!r}.", field="name")
    if "weight" in fields and Decimal(fields["weight"]) < 0:
        raise DomainError("A weight cannot be negative.", field="weight")
    parent = fields.get("parent", criterion.parent)
    if "parent" in fields and parent is not None:
        if parent.tender_id != tender.pk or parent.pk == criterion.pk:
            raise DomainError("Choose a group of this tender.", field="parent")
        if parent.parent_id is not None:
            raise DomainError(
                f"“{parent.name}” is itself in a group: choose a top-level group.", field="parent"
            )
        if criterion.children.exists():
            raise DomainError(
                f"“{criterion.name}” is a group: it stays at the top level, with its questions "
                "under it.",
                field="parent",
            )
    with transaction.atomic():
        changed = sorted(k for k, v in fields.items() if getattr(criterion, k) != v)
        for name, value in fields.items():
            setattr(criterion, name, value)
        criterion.save()
        if "parent" in changed and parent is not None:
            _make_group(parent)
        audit.log(
            actor=actor,
            action="tendering.criterion.updated",
            obj=criterion,
            partnership=tender.partnership,
            data={
                "changed": changed,
                "minimum_score": criterion.minimum_score,
                "parent": parent.pk if parent else None,
                "spec_requirement": _spec_key(criterion.spec_requirement),
                "incumbency_warnings": incumbency_warnings(
                    f"{criterion.name} {criterion.question}"
                ),
            },
        )
    return criterion


def remove_criterion(*, criterion: QualityCriterion, actor) -> None:
    tender = criterion.tender
    _guard_draft(tender, "the criteria and weights")
    with transaction.atomic():
        audit.log(
            actor=actor,
            action="tendering.criterion.removed",
            obj=criterion,
            partnership=tender.partnership,
            data={"name": criterion.name},
        )
        criterion.delete()


def _check_schedule_line(unit: str, annual_volume) -> None:
    if annual_volume is not None and Decimal(annual_volume) <= 0:
        raise DomainError(
            "The estimated volume a year must be more than 0 (leave it empty for a lump sum).",
            field="annual_volume",
        )
    if annual_volume is not None and not str(unit).strip():
        raise DomainError(
            "Enter the unit the volume counts, for example 'meal' or 'pack'.", field="unit"
        )


def add_price_element(
    *,
    tender: Tender,
    actor,
    name: str,
    weight: Decimal,
    unit: str = "",
    annual_volume: Decimal | None = None,
) -> PriceElement:
    """Add an element to the price schedule: a lump sum, or (with a unit and an estimated
    volume a year) a unit rate evaluated at rate × volume × the contract's years."""
    _guard_draft(tender, "the price schedule")
    if tender.price_elements.filter(name__iexact=name).exists():
        raise DomainError(f"There is already a price element called {name!r}.", field="name")
    if Decimal(weight) < 0:
        raise DomainError("A weight cannot be negative.", field="weight")
    _check_schedule_line(unit, annual_volume)
    with transaction.atomic():
        order = (tender.price_elements.aggregate(n=Max("order"))["n"] or 0) + 1
        element = PriceElement.objects.create(
            tender=tender,
            name=name,
            weight=weight,
            unit=unit.strip(),
            annual_volume=annual_volume,
            order=order,
        )
        audit.log(
            actor=actor,
            action="tendering.price_element.added",
            obj=element,
            partnership=tender.partnership,
            data={
                "name": name,
                "weight": weight,
                "unit": element.unit,
                "annual_volume": annual_volume,
            },
        )
    return element


def update_price_element(*, element: PriceElement, actor, **fields) -> PriceElement:
    """Change a price element's name, weight, unit or estimated volume a year."""
    allowed = {"name", "weight", "unit", "annual_volume"}
    if set(fields) - allowed:
        raise TypeError(f"Unknown price element fields: {sorted(set(fields) - allowed)}")
    tender = element.tender
    _guard_draft(tender, "the price schedule")
    if (
        "name" in fields
        and tender.price_elements.filter(name__iexact=fields["name"])
        .exclude(pk=element.pk)
        .exists()
    ):
        raise DomainError(
            f"There is already a price element called {fields['name']!r}.", field="name"
        )
    if "weight" in fields and Decimal(fields["weight"]) < 0:
        raise DomainError("A weight cannot be negative.", field="weight")
    if "unit" in fields:
        fields["unit"] = str(fields["unit"] or "").strip()
    _check_schedule_line(
        fields.get("unit", element.unit), fields.get("annual_volume", element.annual_volume)
    )
    with transaction.atomic():
        changed = sorted(k for k, v in fields.items() if getattr(element, k) != v)
        for name, value in fields.items():
            setattr(element, name, value)
        element.save()
        element.refresh_from_db()
        audit.log(
            actor=actor,
            action="tendering.price_element.updated",
            obj=element,
            partnership=tender.partnership,
            data={
                "changed": changed,
                "name": element.name,
                "weight": element.weight,
                "unit": element.unit,
                "annual_volume": element.annual_volume,
            },
        )
    return element


def remove_price_element(*, element: PriceElement, actor) -> None:
    tender = element.tender
    _guard_draft(tender, "the price schedule")
    with transaction.atomic():
        audit.log(
            actor=actor,
            action="tendering.price_element.removed",
            obj=element,
            partnership=tender.partnership,
            data={"name": element.name},
        )
        element.delete()


def add_requirement(
    *,
    tender: Tender,
    actor,
    clause_version,
    measure,
    mode: str,
    minimum: Decimal | None = None,
    points_per_unit: Decimal | None = None,
    notes: str = "",
    spec_requirement=None,
) -> BenefitRequirement:
    """Add a community benefit requirement from the library: a mandatory contract condition
    (with its minimum) or a scored commitment (bidders state quantities), with the
    specification requirement it delivers, if any."""
    _guard_draft(tender, "the community benefit requirements")
    if measure.clause_id != clause_version.clause_id:
        raise DomainError(
            f"“{measure.name}” is not a measure of {clause_version.clause}.", field="measure"
        )
    _check_requirement_terms(mode, minimum)
    _check_spec_requirement(tender, spec_requirement)
    with transaction.atomic():
        order = (tender.benefit_requirements.aggregate(n=Max("order"))["n"] or 0) + 1
        requirement = BenefitRequirement.objects.create(
            tender=tender,
            clause_version=clause_version,
            measure=measure,
            mode=mode,
            minimum=minimum,
            points_per_unit=points_per_unit,
            notes=notes,
            order=order,
            spec_requirement=spec_requirement,
        )
        audit.log(
            actor=actor,
            action="tendering.requirement.added",
            obj=requirement,
            partnership=tender.partnership,
            data={
                "clause": clause_version.clause_id,
                "clause_version": clause_version.number,
                "measure": measure.name,
                "mode": mode,
                "minimum": minimum,
                "spec_requirement": _spec_key(spec_requirement),
            },
        )
    return requirement


def _check_requirement_terms(mode: str, minimum: Decimal | None) -> None:
    if mode not in RequirementMode.values:
        raise DomainError("Choose mandatory or scored.", field="mode")
    if mode == RequirementMode.MANDATORY and minimum is None:
        raise DomainError(
            "A mandatory contract condition needs the minimum every bidder commits to.",
            field="minimum",
        )
    if minimum is not None and minimum < 0:
        raise DomainError("The minimum cannot be negative.", field="minimum")


REQUIREMENT_FIELDS = ("mode", "minimum", "points_per_unit", "notes", "spec_requirement")


def update_requirement(*, requirement: BenefitRequirement, actor, **fields) -> BenefitRequirement:
    """Change how a community benefit requirement is used (mode, minimum, points per unit),
    its notes, or the specification requirement it delivers, while the tender is a draft. The
    clause and measure stay: remove the requirement and add another to change them."""
    if set(fields) - set(REQUIREMENT_FIELDS):
        raise TypeError(
            f"Unknown requirement fields: {sorted(set(fields) - set(REQUIREMENT_FIELDS))}"
        )
    tender = requirement.tender
    _guard_draft(tender, "the community benefit requirements")
    _check_requirement_terms(
        fields.get("mode", requirement.mode), fields.get("minimum", requirement.minimum)
    )
    if "spec_requirement" in fields:
        _check_spec_requirement(tender, fields["spec_requirement"])
    with transaction.atomic():
        changed = sorted(k for k, v in fields.items() if getattr(requirement, k) != v)
        for name, value in fields.items():
            setattr(requirement, name, value)
        requirement.save()
        audit.log(
            actor=actor,
            action="tendering.requirement.updated",
            obj=requirement,
            partnership=tender.partnership,
            data={
                "changed": changed,
                "measure": requirement.measure.name,
                "mode": requirement.mode,
                "minimum": requirement.minimum,
                "spec_requirement": _spec_key(requirement.spec_requirement),
            },
        )
    return requirement


def remove_requirement(*, requirement: BenefitRequirement, actor) -> None:
    tender = requirement.tender
    _guard_draft(tender, "the community benefit requirements")
    with transaction.atomic():
        audit.log(
            actor=actor,
            action="tendering.requirement.removed",
            obj=requirement,
            partnership=tender.partnership,
            data={"measure": str(requirement)},
        )
        requirement.delete()
