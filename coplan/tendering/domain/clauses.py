"""The shared community benefit clause library: clauses with versioned model wording, their
measures and effective-dated proxy values.

Local residence must never be a requirement (docs/disclosure.md, F6; CBIP 2008): "local jobs" are
discriminatory; express the aim as targeted recruitment and training of priority groups. The
editor warns when wording looks like a residence requirement (a warning, not a block: the
wording may be explaining the rule).
"""

import datetime as dt
import re
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from coplan.core import audit
from coplan.core.errors import DomainError

from ..models import Clause, ClauseVersion, Measure, ProxyValue

F6_RULE = (
    "Local residence must never be a requirement: a clause may not ask for local people, "
    "residents of an area or people from certain postcodes, which would discriminate against "
    "bidders and workers from elsewhere. Express the aim as targeted recruitment and training "
    "of priority groups (for example young people leaving homelessness), wherever they live."
)

_RESIDENCE = re.compile(
    r"\blocal\s+(?:people|person|residents?|residence|labour|jobs?|workers?|workforce|"
    r"applicants?|communit(?:y|ies)\s+members?)\b"
    r"|\b(?:resident|residents|residing|reside|live|lives|living)\s+(?:in|within)\b"
    r"|\bpost\s?codes?\b"
    r"|\bresidency\b",
    re.IGNORECASE,
)


def residence_warnings(text: str) -> list[str]:
    """The phrases of ``text`` that look like a local residence requirement
    (docs/disclosure.md, F6)."""
    seen = []
    for match in _RESIDENCE.finditer(text or ""):
        phrase = match.group(0).lower()
        if phrase not in seen:
            seen.append(phrase)
    return seen


def create_clause(*, actor, type: str, title: str, wording: str, guidance: str = "") -> Clause:
    if Clause.objects.filter(title__iexact=title).exists():
        raise DomainError(f"The library already has a clause called {title!r}.", field="title")
    with transaction.atomic():
        clause = Clause.objects.create(type=type, title=title, guidance=guidance)
        ClauseVersion.objects.create(clause=clause, number=1, wording=wording, created_by=actor)
        audit.log(
            actor=actor,
            action="tendering.clause.created",
            obj=clause,
            data={"type": type, "residence_warnings": residence_warnings(wording)},
        )
    return clause


def update_clause(*, clause: Clause, actor, **fields) -> Clause:
    """Change the title, type, guidance or whether the clause is offered; the wording changes
    only through :func:`revise_wording`."""
    allowed = {"type", "title", "guidance", "is_active"}
    if set(fields) - allowed:
        raise TypeError(f"Unknown clause fields: {sorted(set(fields) - allowed)}")
    if (
        "title" in fields
        and Clause.objects.filter(title__iexact=fields["title"]).exclude(pk=clause.pk).exists()
    ):
        raise DomainError(
            f"The library already has a clause called {fields['title']!r}.", field="title"
        )
    with transaction.atomic():
        changed = sorted(k for k, v in fields.items() if getattr(clause, k) != v)
        for name, value in fields.items():
            setattr(clause, name, value)
        clause.save()
        audit.log(
            actor=actor, action="tendering.clause.updated", obj=clause, data={"changed": changed}
        )
    return clause


def revise_wording(*, clause: Clause, actor, wording: str, change_note: str = "") -> ClauseVersion:
    """A new version of the clause's wording; earlier versions stay (tenders cite them)."""
    current = clause.versions.order_by("-number").first()
    if current is not None and current.wording.strip() == wording.strip():
        raise DomainError("The wording has not changed.", field="wording")
    with transaction.atomic():
        number = (clause.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ClauseVersion.objects.create(
            clause=clause, number=number, wording=wording, change_note=change_note, created_by=actor
        )
        audit.log(
            actor=actor,
            action="tendering.clause.revised",
            obj=clause,
            data={"version": number, "residence_warnings": residence_warnings(wording)},
        )
    return version


def add_measure(*, clause: Clause, actor, name: str, unit: str, evidence: str) -> Measure:
    if clause.measures.filter(name__iexact=name).exists():
        raise DomainError(f"{clause} already has a measure called {name!r}.", field="name")
    with transaction.atomic():
        order = (clause.measures.aggregate(n=Max("order"))["n"] or 0) + 1
        measure = Measure.objects.create(
            clause=clause, name=name, unit=unit, evidence=evidence, order=order
        )
        audit.log(
            actor=actor,
            action="tendering.measure.added",
            obj=measure,
            data={"clause": clause.pk, "unit": unit},
        )
    return measure


def set_proxy(
    *,
    measure: Measure,
    actor,
    value: Decimal,
    effective_from: dt.date,
    table_version: str,
    source: str = "",
) -> ProxyValue:
    """Add a proxy value (£ per unit) in force from ``effective_from``. A value in force from
    an earlier date stays: tenders scored with it keep their figures."""
    if value < 0:
        raise DomainError("A proxy value cannot be negative.", field="value")
    if measure.proxies.filter(effective_from=effective_from).exists():
        raise DomainError(
            f"{measure.name} already has a proxy value from {effective_from:%-d %B %Y}.",
            field="effective_from",
        )
    with transaction.atomic():
        proxy = ProxyValue.objects.create(
            measure=measure,
            value=value,
            effective_from=effective_from,
            table_version=table_version,
            source=source,
        )
        audit.log(
            actor=actor,
            action="tendering.proxy.set",
            obj=proxy,
            data={
                "measure": measure.pk,
                "value": value,
                "effective_from": effective_from,
                "table_version": table_version,
            },
        )
    return proxy
