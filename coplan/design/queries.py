"""Reusable reads with the visibility filters applied: service user representatives never see
an internal-only artefact; merged duplicates live on inside the item they were merged into."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse

from .enums import Disclosure, ItemKind, Response, VersionStatus
from .models import (
    Attachment,
    Consent,
    EngagementActivity,
    Item,
    Requirement,
    SpecificationVersion,
    Support,
    SurveyImport,
    Theme,
)


def sees_internal(user, partnership) -> bool:
    return user.has_perm("design.view_internal", partnership)


def visible(qs, user, partnership, prefix=""):
    """``qs`` without internal-only rows for people who may not see them."""
    if sees_internal(user, partnership):
        return qs
    return qs.exclude(**{f"{prefix}disclosure": Disclosure.INTERNAL_ONLY})


def _count(queryset, fk: str):
    """A correlated ``COUNT(*)`` subquery (no join fan-out when several counts are annotated)."""
    counted = (
        queryset.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# --- engagement ------------------------------------------------------------------------------


def activities(partnership, user, q: str = "", method: str = ""):
    qs = visible(EngagementActivity.objects.filter(partnership=partnership), user, partnership)
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(place__icontains=q)
            | Q(notes__icontains=q)
            | Q(user_groups__name__icontains=q)
        ).distinct()
    if method:
        qs = qs.filter(method=method)
    items = visible(Item.objects.filter(parent__isnull=True), user, partnership)
    return (
        qs.select_related("facilitator")
        .prefetch_related("user_groups")
        .annotate(item_count=_count(items, "activity"))
        .order_by("-held_on", "-id")
    )


def activity_for(partnership, user, activity_pk) -> EngagementActivity:
    qs = visible(EngagementActivity.objects.filter(partnership=partnership), user, partnership)
    activity = qs.select_related("facilitator", "partnership").filter(pk=activity_pk).first()
    if activity is None:
        raise Http404("No such activity")
    return activity


def attachments_of(activity, user):
    return visible(activity.attachments.select_related("uploaded_by"), user, activity.partnership)


def attachment_for(partnership, user, attachment_pk) -> Attachment:
    qs = Attachment.objects.filter(activity__partnership=partnership)
    qs = visible(visible(qs, user, partnership), user, partnership, prefix="activity__")
    attachment = qs.select_related("activity").filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404("No such attachment")
    return attachment


def attendance_of(activity):
    return activity.attendances.select_related("consent__user", "user_group")


def consents(partnership, q: str = ""):
    qs = Consent.objects.filter(partnership=partnership).select_related(
        "user", "user_group", "recorded_by"
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(user__full_name__icontains=q))
    return qs.order_by("withdrawn_on", "-given_on", "-id")


def active_consent(partnership, user) -> Consent | None:
    """The person's consent in force, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Consent.objects.filter(
        partnership=partnership, user=user, withdrawn_on__isnull=True
    ).first()


def active_consents(partnership):
    return consents(partnership).filter(withdrawn_on__isnull=True)


def imports_of(partnership):
    return SurveyImport.objects.filter(partnership=partnership).select_related(
        "activity", "created_by"
    )


# --- the board -------------------------------------------------------------------------------


def _annotated(qs, user):
    qs = qs.select_related("author", "user_group", "activity").annotate(
        support_count=_count(Support.objects.all(), "item"),
        comment_count=_count(Item.objects.filter(kind=ItemKind.COMMENT), "parent"),
        merged_count=_count(Item.objects.all(), "merged_into"),
    )
    if getattr(user, "is_authenticated", False):
        qs = qs.annotate(supported=Exists(Support.objects.filter(item=OuterRef("pk"), user=user)))
    return qs


def board(partnership, user, q: str = "", kind: str = "", theme=None, sort: str = "new"):
    """Ideas and feedback (not comments, not merged duplicates), newest or most supported."""
    qs = Item.objects.filter(
        partnership=partnership,
        parent__isnull=True,
        merged_into__isnull=True,
        kind__in=ItemKind.posts(),
    )
    qs = visible(qs, user, partnership)
    if q:
        qs = qs.filter(Q(text__icontains=q) | Q(prompt__icontains=q))
    if kind in ItemKind.posts():
        qs = qs.filter(kind=kind)
    if theme is not None:
        qs = qs.filter(themes=theme)
    qs = _annotated(qs, user).prefetch_related("themes")
    if sort == "support":
        return qs.order_by("-support_count", "-created_at", "-id")
    return qs.order_by("-created_at", "-id")


def item_for(partnership, user, item_pk) -> Item:
    """A top-level item the user may see (comments are reached through their parent)."""
    qs = visible(
        Item.objects.filter(partnership=partnership, parent__isnull=True), user, partnership
    )
    item = (
        _annotated(qs, user)
        .select_related("merged_into", "partnership")
        .prefetch_related("themes")
        .filter(pk=item_pk)
        .first()
    )
    if item is None:
        raise Http404("No such item")
    return item


def comments_of(item, user):
    qs = item.comments.select_related("author").order_by("created_at", "id")
    return visible(qs, user, item.partnership)


def merged_into(item, user):
    return visible(
        item.merged_items.select_related("author", "user_group", "activity"),
        user,
        item.partnership,
    ).order_by("created_at")


def merge_candidates(item):
    return (
        Item.objects.filter(
            partnership=item.partnership_id,
            parent__isnull=True,
            merged_into__isnull=True,
            kind__in=ItemKind.posts(),
        )
        .exclude(pk=item.pk)
        .order_by("-created_at")
    )


def themes(partnership, user):
    return visible(Theme.objects.filter(partnership=partnership), user, partnership)


def theme_for(partnership, user, theme_pk) -> Theme:
    theme = themes(partnership, user).filter(pk=theme_pk).first()
    if theme is None:
        raise Http404("No such theme")
    return theme


# --- insights --------------------------------------------------------------------------------


def latest_version(partnership, user=None):
    qs = SpecificationVersion.objects.filter(partnership=partnership)
    if user is not None:
        qs = visible(qs, user, partnership)
    return qs.order_by("-number").first()


def latest_signed_off(partnership):
    return (
        SpecificationVersion.objects.filter(
            partnership=partnership, status__in=VersionStatus.signed_off()
        )
        .order_by("-number")
        .first()
    )


def shaped_requirements(item, version=None):
    """The requirements of the latest (or the given) version that the item shaped."""
    version = version if version is not None else latest_version(item.partnership)
    if version is None:
        return Requirement.objects.none()
    return item.requirements.filter(version=version).select_related("version", "section")


def response_of(item) -> Response:
    """Needs ``item.shaped`` (see :func:`insights`)."""
    if getattr(item, "shaped", None):
        return Response.SHAPED
    if item.not_taken_up_reason:
        return Response.NOT_TAKEN_UP
    return Response.NONE


def insights(partnership, user, q: str = "", theme=None, response: str = ""):
    """Insights with the requirements they shaped in the latest specification (``shaped``)."""
    latest = latest_version(partnership)
    qs = visible(
        Item.objects.filter(
            partnership=partnership,
            is_insight=True,
            parent__isnull=True,
            merged_into__isnull=True,
        ),
        user,
        partnership,
    )
    if q:
        qs = qs.filter(Q(text__icontains=q) | Q(we_did__icontains=q))
    if theme is not None:
        qs = qs.filter(themes=theme)
    shaped = Requirement.objects.filter(version=latest).select_related("section")
    shaped_ids = Requirement.insights.through.objects.filter(requirement__version=latest).values(
        "item_id"
    )
    if response == Response.SHAPED:
        qs = qs.filter(pk__in=shaped_ids)
    elif response == Response.NOT_TAKEN_UP:
        qs = qs.exclude(pk__in=shaped_ids).exclude(not_taken_up_reason="")
    elif response == Response.NONE:
        qs = qs.exclude(pk__in=shaped_ids).filter(not_taken_up_reason="")
    return (
        _annotated(qs, user)
        .prefetch_related("themes", Prefetch("requirements", queryset=shaped, to_attr="shaped"))
        .order_by("-created_at", "-id")
    )


def insights_without_response(partnership):
    latest = latest_version(partnership)
    shaped = Requirement.insights.through.objects.filter(requirement__version=latest).values(
        "item_id"
    )
    return (
        Item.objects.filter(
            partnership=partnership,
            is_insight=True,
            parent__isnull=True,
            merged_into__isnull=True,
            not_taken_up_reason="",
        )
        .exclude(pk__in=shaped)
        .order_by("created_at")
    )


@dataclass
class ThemeRow:
    theme: Theme
    items: int = 0
    insights: int = 0
    supports: int = 0
    by_group: dict = field(default_factory=dict)
    by_activity: dict = field(default_factory=dict)

    def group_cells(self, groups):
        return [self.by_group.get(g, 0) for g in groups]

    def activity_cells(self, activities):
        return [self.by_activity.get(a.pk, 0) for a in activities]


@dataclass
class ThemeSummary:
    rows: list[ThemeRow]
    groups: list[str]
    activities: list
    untagged: int

    def group_table(self):
        return [(row.theme, row.group_cells(self.groups)) for row in self.rows]

    def activity_table(self):
        return [(row.theme, row.activity_cells(self.activities)) for row in self.rows]


def theme_summary(partnership, user) -> ThemeSummary:
    """How many ideas and feedback (merged duplicates included: each is one person's input)
    each theme has, by user group and by activity."""
    mentions = visible(
        Item.objects.filter(
            partnership=partnership, parent__isnull=True, kind__in=ItemKind.posts()
        ),
        user,
        partnership,
    )
    tagged = Item.themes.through.objects.filter(item__in=mentions)
    visible_themes = list(themes(partnership, user))
    rows = {t.pk: ThemeRow(t) for t in visible_themes}
    groups = set()
    activity_ids = set()
    for link in tagged.values(
        "theme_id", "item__user_group__name", "item__activity_id", "item__is_insight"
    ).annotate(n=Count("id")):
        row = rows.get(link["theme_id"])
        if row is None:
            continue
        group = link["item__user_group__name"] or "Not known"
        row.items += link["n"]
        row.insights += link["n"] if link["item__is_insight"] else 0
        row.by_group[group] = row.by_group.get(group, 0) + link["n"]
        groups.add(group)
        if link["item__activity_id"]:
            row.by_activity[link["item__activity_id"]] = (
                row.by_activity.get(link["item__activity_id"], 0) + link["n"]
            )
            activity_ids.add(link["item__activity_id"])
    for link in (
        Support.objects.filter(item__in=mentions, item__themes__isnull=False)
        .values("item__themes")
        .annotate(n=Count("id"))
    ):
        if link["item__themes"] in rows:
            rows[link["item__themes"]].supports = link["n"]
    acts = list(
        visible(EngagementActivity.objects.filter(pk__in=activity_ids), user, partnership).order_by(
            "held_on", "id"
        )
    )
    ordered = sorted(rows.values(), key=lambda r: (-r.items, r.theme.name))
    untagged = mentions.filter(themes__isnull=True, merged_into__isnull=True).count()
    return ThemeSummary(
        ordered, sorted(groups, key=lambda g: (g == "Not known", g)), acts, untagged
    )


# --- the specification -----------------------------------------------------------------------


def versions(partnership, user):
    return (
        visible(SpecificationVersion.objects.filter(partnership=partnership), user, partnership)
        .select_related("approved_by", "frozen_by", "created_by")
        .annotate(requirement_count=_count(Requirement.objects.all(), "version"))
    )


def version_for(partnership, user, number) -> SpecificationVersion:
    version = (
        versions(partnership, user)
        .select_related("partnership", "based_on")
        .filter(number=number)
        .first()
    )
    if version is None:
        raise Http404("No such specification version")
    return version


def sections_of(version, user):
    """Sections with their requirements, each with the insights and activities behind it."""
    insight_qs = visible(Item.objects.select_related("user_group"), user, version.partnership)
    activity_qs = visible(EngagementActivity.objects.all(), user, version.partnership)
    requirements = Requirement.objects.order_by("position", "id").prefetch_related(
        Prefetch("insights", queryset=insight_qs),
        Prefetch("activities", queryset=activity_qs),
    )
    return version.sections.prefetch_related(Prefetch("requirements", queryset=requirements))


def requirement_for(version, requirement_pk) -> Requirement:
    requirement = (
        version.requirements.select_related("section", "version").filter(pk=requirement_pk).first()
    )
    if requirement is None:
        raise Http404("No such requirement")
    return requirement


def linkable_insights(partnership):
    return Item.objects.filter(
        partnership=partnership, parent__isnull=True, merged_into__isnull=True
    ).order_by("-is_insight", "-created_at")


@dataclass
class TraceStats:
    total: int
    traced: int

    @property
    def share(self) -> int:
        return round(100 * self.traced / self.total) if self.total else 0


def trace_stats(version) -> TraceStats:
    """How many of a version's requirements trace to user input (an item or an activity)."""
    if version is None:
        return TraceStats(0, 0)
    qs = version.requirements.annotate(
        links=_count(Requirement.insights.through.objects.all(), "requirement")
        + _count(Requirement.activities.through.objects.all(), "requirement")
    )
    return TraceStats(qs.count(), qs.filter(links__gt=0).count())


# --- "you said, we did" ----------------------------------------------------------------------


@dataclass
class YouSaid:
    insight: Item
    response: Response
    requirements: list


def you_said_we_did(partnership, user) -> list[YouSaid]:
    return [YouSaid(i, response_of(i), i.shaped) for i in insights(partnership, user)]


# --- disclosure (for the tender app) ---------------------------------------------------------


@dataclass(frozen=True)
class Artefact:
    kind: str  # "activity", "attachment", "theme", "item", "version"
    label: str
    obj: object
    url: str


ARTEFACT_KINDS = {
    "activity": "Engagement activity",
    "attachment": "Attachment",
    "theme": "Theme",
    "item": "Idea, feedback or comment",
    "version": "Specification version",
}


def _artefacts(partnership, disclosure=None) -> list[Artefact]:
    def where(qs):
        return qs if disclosure is None else qs.filter(disclosure=disclosure)

    pk = partnership.pk
    found = []
    for activity in where(EngagementActivity.objects.filter(partnership=partnership)):
        found.append(Artefact("activity", str(activity), activity, activity.get_absolute_url()))
    for attachment in where(
        Attachment.objects.filter(activity__partnership=partnership).select_related("activity")
    ):
        url = reverse("design:activity.detail", args=[pk, attachment.activity_id])
        found.append(
            Artefact("attachment", f"{attachment} ({attachment.activity.title})", attachment, url)
        )
    for theme in where(Theme.objects.filter(partnership=partnership)):
        url = reverse("design:insights", args=[pk]) + f"?theme={theme.pk}"
        found.append(Artefact("theme", str(theme), theme, url))
    for item in where(Item.objects.filter(partnership=partnership)).order_by("created_at", "id"):
        label = f"{item}: {item.text[:80]}{'…' if len(item.text) > 80 else ''}"
        found.append(Artefact("item", label, item, item.get_absolute_url()))
    for version in where(SpecificationVersion.objects.filter(partnership=partnership)):
        found.append(Artefact("version", str(version), version, version.get_absolute_url()))
    return found


def unclassified_artefacts(partnership) -> list[Artefact]:
    """Every design artefact not yet classified for bidder disclosure (docs/disclosure.md, F1). The
    tender refuses to publish while this is not empty."""
    return _artefacts(partnership, Disclosure.UNCLASSIFIED)


def artefacts(partnership, disclosure=None) -> list[Artefact]:
    return _artefacts(partnership, disclosure)


ARTEFACT_MODELS = {
    "activity": EngagementActivity,
    "attachment": Attachment,
    "theme": Theme,
    "item": Item,
    "version": SpecificationVersion,
}


def artefacts_by_ref(partnership, refs) -> list:
    """Objects from ``kind:pk`` references, only this partnership's."""
    wanted = defaultdict(set)
    for ref in refs:
        kind, _, pk = str(ref).partition(":")
        if kind in ARTEFACT_MODELS and pk.isdigit():
            wanted[kind].add(int(pk))
    found = []
    for kind, pks in wanted.items():
        model = ARTEFACT_MODELS[kind]
        scope = (
            {"activity__partnership": partnership}
            if kind == "attachment"
            else {"partnership": partnership}
        )
        found += list(model.objects.filter(pk__in=pks, **scope))
    return found


def disclosure_counts(partnership) -> dict[str, int]:
    counts = defaultdict(int)
    for model in ARTEFACT_MODELS.values():
        scope = (
            {"activity__partnership": partnership}
            if model is Attachment
            else {"partnership": partnership}
        )
        for row in model.objects.filter(**scope).values("disclosure").annotate(n=Count("id")):
            counts[row["disclosure"]] += row["n"]
    return {d.value: counts.get(d.value, 0) for d in Disclosure}
