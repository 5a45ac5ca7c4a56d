"""The service specification: versions go draft → approved (by the commissioner) → frozen.
Only a draft changes; a frozen version never does; a new draft starts from the latest version.
Requirements keep a stable key (e.g. SL-2) across versions, so any two versions can be
compared."""

import re
from collections.abc import Callable

from django.db import transaction
from django.db.models import F

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.partnerships.models import Partnership

from ..enums import SectionKind, VersionStatus
from ..models import EngagementActivity, Item, Requirement, Section, SpecificationVersion
from ._common import clean_text
from .items import next_position

# Other apps add conditions a version must meet before it is frozen (docs/timeline.md, T3: the pilot
# evaluation is approved first). Each returns None, or the reason the version cannot freeze.
FREEZE_CHECKS: list[Callable[[SpecificationVersion], str | None]] = []


def register_freeze_check(check: Callable[[SpecificationVersion], str | None]):
    if check not in FREEZE_CHECKS:
        FREEZE_CHECKS.append(check)
    return check


def _draft(version, revision: int | None = None) -> SpecificationVersion:
    """The draft, re-read and locked for update. ``revision`` is the draft's revision when the
    person opened it: if anyone has saved the draft since, the save is refused (optimistic
    locking) instead of silently overwriting their changes."""
    locked = SpecificationVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != VersionStatus.DRAFT:
        raise DomainError(
            f"Version {locked.number} is {locked.get_status_display().lower()}: only a draft "
            "can change. Start a new draft instead.",
            code="version_not_draft",
        )
    if revision is not None and revision != locked.revision:
        raise DomainError(
            f"Someone else saved version {locked.number} after you opened it, so your changes "
            "were not saved (nothing was overwritten). Open the draft again to see their "
            "changes, then make yours.",
            code="edit_conflict",
            field="revision",
            data={"current_revision": locked.revision},
        )
    return locked


def _touch(locked) -> None:
    """A save of the draft: raise its revision."""
    SpecificationVersion.objects.filter(pk=locked.pk).update(revision=F("revision") + 1)
    locked.revision += 1


def new_draft(*, partnership, actor, change_note="") -> SpecificationVersion:
    """Start the next version as a copy of the latest one (or an empty version 1)."""
    with transaction.atomic():
        Partnership.objects.select_for_update().get(pk=partnership.pk)  # one number at a time
        versions = SpecificationVersion.objects.filter(partnership=partnership)
        draft = versions.filter(status=VersionStatus.DRAFT).first()
        if draft is not None:
            raise DomainError(
                f"Version {draft.number} is still a draft: approve or discard it first.",
                code="draft_exists",
            )
        latest = versions.order_by("-number").first()
        version = SpecificationVersion.objects.create(
            partnership=partnership,
            number=latest.number + 1 if latest else 1,
            based_on=latest,
            change_note=(change_note or "").strip(),
            created_by=actor,
        )
        intros = dict(latest.sections.values_list("kind", "intro")) if latest else {}
        sections = {
            kind.value: Section.objects.create(
                version=version, kind=kind, position=i, intro=intros.get(kind.value, "")
            )
            for i, kind in enumerate(SectionKind)
        }
        copied = _copy_requirements(latest, version, sections) if latest else 0
        audit.log(
            actor=actor,
            action="design.spec.draft_created",
            obj=version,
            partnership=partnership,
            data={
                "number": version.number,
                "based_on": latest.number if latest else None,
                "requirements_copied": copied,
            },
        )
    return version


def _copy_requirements(source, version, sections) -> int:
    originals = list(source.requirements.select_related("section"))
    copies = Requirement.objects.bulk_create(
        [
            Requirement(
                version=version,
                section=sections[r.section.kind],
                key=r.key,
                position=r.position,
                text=r.text,
                evidence=r.evidence,
                origin=r,
            )
            for r in originals
        ]
    )
    by_origin = {c.origin_id: c.pk for c in copies}
    Insights, Activities = Requirement.insights.through, Requirement.activities.through
    Insights.objects.bulk_create(
        Insights(requirement_id=by_origin[link.requirement_id], item_id=link.item_id)
        for link in Insights.objects.filter(requirement__version=source)
    )
    Activities.objects.bulk_create(
        Activities(
            requirement_id=by_origin[link.requirement_id],
            engagementactivity_id=link.engagementactivity_id,
        )
        for link in Activities.objects.filter(requirement__version=source)
    )
    return len(copies)


def update_version(
    *, version, actor, change_note=None, intros=None, revision: int | None = None
) -> SpecificationVersion:
    """Change a draft's note and its sections' introductions (``{section kind: text}``).

    Pass the ``revision`` the person read: a save on top of someone else's is refused."""
    with transaction.atomic():
        locked = _draft(version, revision)
        changed = {}
        if change_note is not None and change_note.strip() != locked.change_note:
            changed["change_note"] = True
            locked.change_note = change_note.strip()
            locked.save(update_fields=["change_note"])
        for section in locked.sections.all():
            text = (intros or {}).get(section.kind)
            if text is not None and text.strip() != section.intro:
                section.intro = text.strip()
                section.save(update_fields=["intro"])
                changed.setdefault("sections", []).append(section.kind)
        if changed:
            _touch(locked)
            audit.log(
                actor=actor,
                action="design.spec.updated",
                obj=locked,
                partnership=locked.partnership,
                data=changed,
            )
    version.refresh_from_db()
    return version


def _next_key(partnership, kind: SectionKind) -> str:
    """The next unused key for the section's prefix across every version (keys never recur)."""
    pattern = re.compile(rf"^{kind.prefix}-(\d+)$")
    used = Requirement.objects.filter(
        version__partnership=partnership, key__startswith=f"{kind.prefix}-"
    ).values_list("key", flat=True)
    numbers = [int(m.group(1)) for k in used if (m := pattern.match(k))]
    return f"{kind.prefix}-{max(numbers, default=0) + 1}"


def _links(version, insights, activities) -> tuple[list, list]:
    insights, activities = list(insights or []), list(activities or [])
    for item in insights:
        if not isinstance(item, Item) or item.partnership_id != version.partnership_id:
            raise DomainError(
                "Link insights from this partnership.", code="wrong_partnership", field="insights"
            )
        if item.parent_id or item.merged_into_id:
            raise DomainError(
                f"{item} is a comment or a merged duplicate: link the item it belongs to.",
                code="invalid_link",
                field="insights",
            )
    for activity in activities:
        if not isinstance(activity, EngagementActivity) or (
            activity.partnership_id != version.partnership_id
        ):
            raise DomainError(
                "Link activities from this partnership.",
                code="wrong_partnership",
                field="activities",
            )
    return insights, activities


def _section(version, kind) -> Section:
    try:
        kind = SectionKind(kind)
    except ValueError:
        raise DomainError(f"{kind!r} is not a section.", code="invalid", field="section") from None
    return version.sections.get(kind=kind)


def _clear_not_taken_up(insights) -> list[int]:
    """Linking an insight to a requirement answers it: an earlier "not taken up" goes."""
    stale = [i.pk for i in insights if i.not_taken_up_reason]
    if stale:
        Item.objects.filter(pk__in=stale).update(not_taken_up_reason="")
    return stale


def add_requirement(
    *, version, actor, section, text, evidence="", insights=(), activities=()
) -> Requirement:
    text = clean_text(text, field="text", message="Write the requirement.")
    with transaction.atomic():
        locked = _draft(version)
        target = _section(locked, section)
        insights, activities = _links(locked, insights, activities)
        requirement = Requirement.objects.create(
            version=locked,
            section=target,
            key=_next_key(locked.partnership, target.kind_enum),
            position=next_position(target.requirements.all()),
            text=text,
            evidence=(evidence or "").strip(),
        )
        requirement.insights.set(insights)
        requirement.activities.set(activities)
        answered = _clear_not_taken_up(insights)
        _touch(locked)
        audit.log(
            actor=actor,
            action="design.spec.requirement.added",
            obj=requirement,
            partnership=locked.partnership,
            data={
                "version": locked.number,
                "key": requirement.key,
                "insights": [i.pk for i in insights],
                "activities": [a.pk for a in activities],
                "not_taken_up_cleared": answered,
            },
        )
    return requirement


def update_requirement(
    *,
    requirement,
    actor,
    text=None,
    section=None,
    evidence=None,
    insights=None,
    activities=None,
    revision: int | None = None,
) -> Requirement:
    with transaction.atomic():
        locked = _draft(requirement.version, revision)
        changed = {}
        if text is not None:
            text = clean_text(text, field="text", message="Write the requirement.")
            if text != requirement.text:
                changed["text"] = [requirement.text, text]
                requirement.text = text
        if evidence is not None and evidence.strip() != requirement.evidence:
            changed["evidence"] = [requirement.evidence, evidence.strip()]
            requirement.evidence = evidence.strip()
        if section is not None and section != requirement.section.kind:
            target = _section(locked, section)
            changed["section"] = [requirement.section.kind, target.kind]
            requirement.section = target
            requirement.position = next_position(target.requirements.all())
        if changed:
            requirement.save()
        if insights is not None or activities is not None:
            new_insights, new_activities = _links(locked, insights, activities)
            if insights is not None:
                before = sorted(requirement.insights.values_list("pk", flat=True))
                if before != sorted(i.pk for i in new_insights):
                    requirement.insights.set(new_insights)
                    changed["insights"] = [before, sorted(i.pk for i in new_insights)]
                    cleared = _clear_not_taken_up(new_insights)
                    if cleared:
                        changed["not_taken_up_cleared"] = cleared
            if activities is not None:
                before = sorted(requirement.activities.values_list("pk", flat=True))
                if before != sorted(a.pk for a in new_activities):
                    requirement.activities.set(new_activities)
                    changed["activities"] = [before, sorted(a.pk for a in new_activities)]
        if changed:
            _touch(locked)
            audit.log(
                actor=actor,
                action="design.spec.requirement.updated",
                obj=requirement,
                partnership=locked.partnership,
                data={"version": locked.number, "key": requirement.key, "changed": changed},
            )
    return requirement


def remove_requirement(*, requirement, actor) -> None:
    with transaction.atomic():
        locked = _draft(requirement.version)
        data = {"version": locked.number, "key": requirement.key, "text": requirement.text}
        requirement.delete()
        _touch(locked)
        audit.log(
            actor=actor,
            action="design.spec.requirement.removed",
            obj=locked,
            partnership=locked.partnership,
            data=data,
        )


def approve_version(*, version, actor) -> SpecificationVersion:
    """The commissioner approves a draft (it must have at least one requirement)."""
    with transaction.atomic():
        locked = _draft(version)
        if not locked.requirements.exists():
            raise DomainError(
                "A specification with no requirements cannot be approved.", code="empty_version"
            )
        locked.status = VersionStatus.APPROVED
        locked.approved_by, locked.approved_at = actor, clock.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        audit.log(
            actor=actor,
            action="design.spec.approved",
            obj=locked,
            partnership=locked.partnership,
            data={"number": locked.number, "requirements": locked.requirements.count()},
        )
    version.refresh_from_db()
    return version


def freeze_version(*, version, actor) -> SpecificationVersion:
    """Freeze the latest approved version for the tender: it can never change again."""
    with transaction.atomic():
        locked = SpecificationVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status == VersionStatus.DRAFT:
            raise DomainError(
                f"Version {locked.number} is a draft: the commissioner approves it first.",
                code="not_approved",
            )
        if locked.status == VersionStatus.FROZEN:
            raise DomainError(f"Version {locked.number} is already frozen.", code="already_frozen")
        newer = SpecificationVersion.objects.filter(
            partnership=locked.partnership_id,
            number__gt=locked.number,
            status__in=VersionStatus.signed_off(),
        ).first()
        if newer is not None:
            raise DomainError(
                f"Version {newer.number} is newer and approved: freeze that one.",
                code="not_latest",
            )
        reasons = [r for check in FREEZE_CHECKS if (r := check(locked))]
        if reasons:
            raise DomainError(
                "The specification cannot be frozen yet: " + " ".join(reasons),
                code="freeze_refused",
                data={"reasons": reasons},
            )
        locked.status = VersionStatus.FROZEN
        locked.frozen_by, locked.frozen_at = actor, clock.now()
        locked.save(update_fields=["status", "frozen_by", "frozen_at"])
        audit.log(
            actor=actor,
            action="design.spec.frozen",
            obj=locked,
            partnership=locked.partnership,
            data={"number": locked.number},
        )
    version.refresh_from_db()
    return version


def discard_draft(*, version, actor) -> None:
    with transaction.atomic():
        locked = _draft(version)
        partnership, number = locked.partnership, locked.number
        locked.delete()
        audit.log(
            actor=actor,
            action="design.spec.draft_discarded",
            obj=partnership,
            partnership=partnership,
            data={"number": number},
        )
