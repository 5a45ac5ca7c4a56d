"""Ideas, feedback and comments; supports; themes, merging duplicates, insights and the
"you said, we did" response."""

import secrets

from django.db import transaction
from django.db.models import Max

from coplan.core import audit, clock
from coplan.core.errors import DomainError

from ..enums import ItemKind, ItemSource
from ..models import Consent, Item, Requirement, Support, Theme
from ..queries import active_consent, shaped_requirements
from ._common import clean_text, same_partnership
from .consent import BOARD_COVERS, OPEN_LINK_COVERS

MAX_TEXT = 5000


def _text(value, what="your idea or feedback") -> str:
    text = clean_text(value, field="text", message=f"Write {what}.")
    if len(text) > MAX_TEXT:
        raise DomainError(
            f"Keep it under {MAX_TEXT} characters (it has {len(text)}).",
            code="too_long",
            field="text",
        )
    return text


def _post_kind(kind) -> ItemKind:
    if kind not in ItemKind.posts():
        raise DomainError("Choose idea or feedback.", code="invalid", field="kind")
    return ItemKind(kind)


def _consent_of(*, partnership, actor, consent_given, user_group) -> Consent:
    """The author's active consent, recorded now if they agree on the form."""
    consent = active_consent(partnership, actor)
    if consent is not None:
        return consent
    if not consent_given:
        raise DomainError(
            "To post, agree that Coplan keeps your name with what you write. You can still "
            "hide your name from other members, and withdraw your agreement at any time.",
            code="consent_required",
            field="consent_given",
        )
    consent = Consent.objects.create(
        partnership=partnership,
        user=actor,
        user_group=user_group,
        covers=BOARD_COVERS,
        given_on=clock.today(),
        recorded_by=actor,
    )
    audit.log(
        actor=actor,
        action="design.consent.recorded",
        obj=consent,
        partnership=partnership,
        data={"account": True, "given_on": consent.given_on, "covers": BOARD_COVERS},
    )
    return consent


def _top_level(item, *, action: str) -> Item:
    if item.parent_id:
        raise DomainError(f"You cannot {action} a comment.", code="is_comment")
    if item.merged_into_id:
        raise DomainError(
            f"This was merged into {item.merged_into}: {action} that one instead.",
            code="merged",
        )
    return item


def post_item(
    *,
    partnership,
    actor,
    kind,
    text,
    anonymous=False,
    consent_given=False,
    user_group=None,
    activity=None,
) -> Item:
    """A member posts an idea or feedback on the board."""
    kind, text = _post_kind(kind), _text(text)
    same_partnership(user_group, partnership, field="user_group", what="user group")
    same_partnership(activity, partnership, field="activity", what="activity")
    with transaction.atomic():
        consent = _consent_of(
            partnership=partnership, actor=actor, consent_given=consent_given, user_group=user_group
        )
        item = Item.objects.create(
            partnership=partnership,
            kind=kind,
            text=text,
            author=actor,
            consent=consent,
            anonymous=bool(anonymous),
            user_group=user_group or consent.user_group,
            activity=activity,
            source=ItemSource.BOARD,
            created_by=actor,
        )
        audit.log(
            actor=actor,
            action="design.item.posted",
            obj=item,
            partnership=partnership,
            data={"kind": kind.value, "anonymous": item.anonymous},
        )
    return item


def record_item(
    *,
    activity,
    actor,
    kind,
    text,
    consent=None,
    user_group=None,
    prompt="",
    anonymous=False,
    source=ItemSource.ACTIVITY,
) -> Item:
    """The facilitator records what was said at an activity, named only with consent; or, with
    ``source=ItemSource.SURVEY``, types in an answer from the activity's paper survey."""
    partnership = activity.partnership
    if source not in (ItemSource.ACTIVITY, ItemSource.SURVEY):
        raise DomainError(
            "Record what was said at an activity or answered in its survey.",
            code="invalid_source",
            field="source",
        )
    kind, text = _post_kind(kind), _text(text, "what was said")
    same_partnership(user_group, partnership, field="user_group", what="user group")
    if consent is not None:
        same_partnership(consent, partnership, field="consent", what="consent record")
        if not consent.is_active:
            raise DomainError(
                f"{consent.person_name} has withdrawn consent: record it without a name.",
                code="consent_withdrawn",
                field="consent",
            )
    with transaction.atomic():
        item = Item.objects.create(
            partnership=partnership,
            kind=kind,
            text=text,
            prompt=(prompt or "").strip()[:300],
            author=consent.user if consent else None,
            author_name=consent.name if consent and not consent.user_id else "",
            consent=consent,
            anonymous=bool(anonymous),
            user_group=user_group or (consent.user_group if consent else None),
            activity=activity,
            source=source,
            created_by=actor,
        )
        audit.log(
            actor=actor,
            action="design.item.recorded",
            obj=item,
            partnership=partnership,
            data={"kind": kind.value, "activity": activity.pk, "named": consent is not None},
        )
    return item


def post_open_item(
    *, activity, token, kind, text, name="", consent_given=False, user_group=None
) -> Item:
    """Anyone with an activity's open link posts an idea or feedback, named only with consent."""
    if not activity.open_token or not secrets.compare_digest(activity.open_token, token or ""):
        raise DomainError("This link is no longer open.", code="link_closed")
    partnership = activity.partnership
    kind, text = _post_kind(kind), _text(text)
    same_partnership(user_group, partnership, field="user_group", what="user group")
    name = " ".join((name or "").split())[:200]
    if name and not consent_given:
        raise DomainError(
            "To give your name, tick the box to agree that we keep it. Or leave your name out.",
            code="consent_required",
            field="consent_given",
        )
    with transaction.atomic():
        consent = None
        if name:
            consent = Consent.objects.create(
                partnership=partnership,
                name=name,
                user_group=user_group,
                covers=OPEN_LINK_COVERS,
                given_on=clock.today(),
            )
            audit.log(
                actor=None,
                action="design.consent.recorded",
                obj=consent,
                partnership=partnership,
                data={"account": False, "covers": OPEN_LINK_COVERS, "via": "open_link"},
            )
        item = Item.objects.create(
            partnership=partnership,
            kind=kind,
            text=text,
            author_name=name,
            consent=consent,
            user_group=user_group,
            activity=activity,
            source=ItemSource.OPEN_LINK,
        )
        audit.log(
            actor=None,
            action="design.item.posted_openly",
            obj=item,
            partnership=partnership,
            data={"kind": kind.value, "activity": activity.pk, "named": bool(name)},
        )
    return item


def comment(*, item, actor, text, anonymous=False, consent_given=False) -> Item:
    _top_level(item, action="comment on")
    text = _text(text, "your comment")
    with transaction.atomic():
        consent = _consent_of(
            partnership=item.partnership, actor=actor, consent_given=consent_given, user_group=None
        )
        reply = Item.objects.create(
            partnership=item.partnership,
            kind=ItemKind.COMMENT,
            text=text,
            parent=item,
            author=actor,
            consent=consent,
            anonymous=bool(anonymous),
            user_group=consent.user_group,
            source=ItemSource.BOARD,
            created_by=actor,
        )
        audit.log(
            actor=actor,
            action="design.item.commented",
            obj=reply,
            partnership=item.partnership,
            data={"on": item.pk, "anonymous": reply.anonymous},
        )
    return reply


def support(*, item, actor) -> Support:
    _top_level(item, action="support")
    if item.kind != ItemKind.IDEA:
        raise DomainError("Only ideas can be supported.", code="not_an_idea")
    with transaction.atomic():
        if Support.objects.filter(item=item, user=actor).exists():
            raise DomainError("You already support this idea.", code="already_supported")
        created = Support.objects.create(item=item, user=actor)
        audit.log(
            actor=actor, action="design.item.supported", obj=item, partnership=item.partnership
        )
    return created


def withdraw_support(*, item, actor) -> None:
    with transaction.atomic():
        deleted, _ = Support.objects.filter(item=item, user=actor).delete()
        if not deleted:
            raise DomainError("You do not support this idea.", code="not_supported")
        audit.log(
            actor=actor,
            action="design.item.support_withdrawn",
            obj=item,
            partnership=item.partnership,
        )


def curate_item(*, item, actor, themes=None, is_insight=None) -> Item:
    """Tag an item with themes (its merged duplicates follow) and mark it as an insight."""
    _top_level(item, action="tag")
    changed = {}
    with transaction.atomic():
        if themes is not None:
            themes = list(themes)
            for theme in themes:
                same_partnership(theme, item.partnership, field="themes", what="theme")
            before = sorted(t.name for t in item.themes.all())
            after = sorted(t.name for t in themes)
            if before != after:
                for tagged in [item, *item.merged_items.all()]:
                    tagged.themes.set(themes)
                changed["themes"] = [before, after]
        if is_insight is not None and bool(is_insight) != item.is_insight:
            changed["is_insight"] = [item.is_insight, bool(is_insight)]
            item.is_insight = bool(is_insight)
            item.save(update_fields=["is_insight"])
        if changed:
            audit.log(
                actor=actor,
                action="design.item.curated",
                obj=item,
                partnership=item.partnership,
                data={"changed": changed},
            )
    return item


def merge_items(*, duplicate, keep, actor) -> Item:
    """Merge a duplicate into the item kept: the duplicate points to it; its supports (one per
    person), comments, themes, earlier duplicates and draft requirement links move to it."""
    if duplicate.pk == keep.pk:
        raise DomainError("Choose a different item to keep.", code="same_item", field="keep")
    same_partnership(keep, duplicate.partnership, field="keep", what="item")
    _top_level(duplicate, action="merge")
    _top_level(keep, action="merge into")
    with transaction.atomic():
        supporters = set(keep.supports.exclude(user=None).values_list("user_id", flat=True))
        twice = duplicate.supports.filter(user_id__in=supporters)
        doubled = twice.count()
        twice.delete()
        supports_moved = duplicate.supports.update(item=keep)
        comments_moved = duplicate.comments.update(parent=keep)
        earlier = list(duplicate.merged_items.all())
        Item.objects.filter(merged_into=duplicate).update(merged_into=keep)
        themes = set(keep.themes.all()) | set(duplicate.themes.all())
        for tagged in [keep, duplicate, *earlier, *keep.merged_items.all()]:
            tagged.themes.set(themes)
        links = Requirement.insights.through.objects.filter(
            item=duplicate, requirement__version__status="draft"
        )
        for link in links.select_related("requirement"):
            link.requirement.insights.add(keep)
        links.delete()
        if duplicate.is_insight and not keep.is_insight:
            keep.is_insight = True
        if not (keep.we_did or keep.not_taken_up_reason):
            keep.we_did, keep.not_taken_up_reason = duplicate.we_did, duplicate.not_taken_up_reason
        keep.save(update_fields=["is_insight", "we_did", "not_taken_up_reason"])
        duplicate.merged_into, duplicate.merged_at = keep, clock.now()
        duplicate.save(update_fields=["merged_into", "merged_at"])
        audit.log(
            actor=actor,
            action="design.item.merged",
            obj=duplicate,
            partnership=duplicate.partnership,
            data={
                "into": keep.pk,
                "supports_moved": supports_moved,
                "supports_already_there": doubled,
                "comments_moved": comments_moved,
                "duplicates_moved": len(earlier),
            },
        )
    return keep


def respond(*, insight, actor, we_did="", not_taken_up_reason="") -> Item:
    """Record the "you said, we did" response: what the partnership did (the requirement it
    shaped is linked on the specification), or why it was not taken up."""
    _top_level(insight, action="respond to")
    if not insight.is_insight:
        raise DomainError("Mark it as an insight first.", code="not_an_insight")
    we_did, reason = (we_did or "").strip(), (not_taken_up_reason or "").strip()
    shaped = list(shaped_requirements(insight).values_list("key", flat=True))
    if shaped and reason:
        raise DomainError(
            f"It shaped {', '.join(shaped)} in the latest specification: remove that link "
            "first to record that it was not taken up.",
            code="already_shaped",
            field="not_taken_up_reason",
        )
    if not shaped and not reason:
        raise DomainError(
            "It has not shaped a requirement in the latest specification: link it to one, or "
            "say why it was not taken up.",
            code="reason_required",
            field="not_taken_up_reason",
        )
    with transaction.atomic():
        insight.we_did, insight.not_taken_up_reason = we_did, reason
        insight.responded_by, insight.responded_at = actor, clock.now()
        insight.save(
            update_fields=["we_did", "not_taken_up_reason", "responded_by", "responded_at"]
        )
        audit.log(
            actor=actor,
            action="design.item.responded",
            obj=insight,
            partnership=insight.partnership,
            data={"shaped": shaped, "we_did": we_did, "not_taken_up_reason": reason},
        )
    return insight


def _theme_name(partnership, name, exclude=None) -> str:
    name = clean_text(name, field="name", message="Enter the theme's name.")[:120]
    clash = Theme.objects.filter(partnership=partnership, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise DomainError(
            f"There is already a theme called “{name}”.", code="duplicate", field="name"
        )
    return name


def create_theme(*, partnership, actor, name, description="") -> Theme:
    name = _theme_name(partnership, name)
    with transaction.atomic():
        theme = Theme.objects.create(
            partnership=partnership, name=name, description=(description or "").strip()
        )
        audit.log(
            actor=actor,
            action="design.theme.created",
            obj=theme,
            partnership=partnership,
            data={"name": name},
        )
    return theme


def update_theme(*, theme, actor, name, description="") -> Theme:
    name = _theme_name(theme.partnership, name, exclude=theme)
    with transaction.atomic():
        before = [theme.name, theme.description]
        theme.name, theme.description = name, (description or "").strip()
        theme.save(update_fields=["name", "description"])
        audit.log(
            actor=actor,
            action="design.theme.updated",
            obj=theme,
            partnership=theme.partnership,
            data={"before": before, "after": [theme.name, theme.description]},
        )
    return theme


def next_position(qs) -> int:
    return (qs.aggregate(m=Max("position"))["m"] or 0) + 1
