"""Service design API: the same domain functions, permissions and visibility as the pages.

Paths are given in full (the router is mounted at the API root). Refusals are problem bodies:
404 for outsiders, 403 for members whose role does not allow the action, 422 for a broken
business rule (with its stable ``code``; a rejected import lists its row-numbered errors).
"""

import datetime as dt
import json

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from coplan.core.errors import DomainError
from coplan.core.schemas import PatchSchema
from coplan.partnerships.queries import get_for

from . import domain, queries
from .diff import compare
from .enums import Disclosure, ItemKind, Method, Response, SectionKind, VersionStatus
from .models import Consent, EngagementActivity, Item, Requirement, Theme, UserGroup

router = Router(tags=["service design"])
BASE = "/partnerships/{int:pk}/design"


# --- schemas ---------------------------------------------------------------------------------


class DesignActivityOut(Schema):
    id: int
    title: str
    method: Method
    held_on: dt.date
    place: str
    online: bool
    user_groups: list[str]
    participant_count: int
    facilitator: str | None
    notes: str
    disclosure: Disclosure
    open_link: bool

    @staticmethod
    def resolve_user_groups(obj):
        return [g.name for g in obj.user_groups.all()]

    @staticmethod
    def resolve_facilitator(obj):
        return str(obj.facilitator) if obj.facilitator_id else None

    @staticmethod
    def resolve_open_link(obj):
        return bool(obj.open_token)


class DesignActivityIn(Schema):
    title: str
    method: Method
    held_on: dt.date
    place: str = ""
    online: bool = False
    participant_count: int = 0
    facilitator_id: int | None = None
    notes: str = ""
    user_groups: list[str] = []


class ActivityPatch(PatchSchema):
    django_model = EngagementActivity

    title: str | None = None
    method: Method | None = None
    held_on: dt.date | None = None
    place: str | None = None
    online: bool | None = None
    participant_count: int | None = None
    facilitator_id: int | None = None
    notes: str | None = None
    user_groups: list[str] | None = None


class ItemOut(Schema):
    id: int
    kind: ItemKind
    text: str
    prompt: str
    author: str
    user_group: str | None
    activity_id: int | None
    parent_id: int | None
    themes: list[str]
    is_insight: bool
    merged_into_id: int | None
    support_count: int = 0
    comment_count: int = 0
    supported: bool = False
    created_at: dt.datetime
    disclosure: Disclosure

    @staticmethod
    def resolve_author(obj, context):
        return obj.author_label(context["request"].user)

    @staticmethod
    def resolve_user_group(obj):
        return obj.user_group.name if obj.user_group_id else None

    @staticmethod
    def resolve_themes(obj):
        return [t.name for t in obj.themes.all()]


class ItemDetailOut(ItemOut):
    comments: list[ItemOut]

    @staticmethod
    def resolve_comments(obj, context):
        return list(queries.comments_of(obj, context["request"].user))


class ItemIn(Schema):
    kind: ItemKind
    text: str
    anonymous: bool = False
    consent_given: bool = False
    user_group_id: int | None = None
    activity_id: int | None = None


class CommentIn(Schema):
    text: str
    anonymous: bool = False
    consent_given: bool = False


class CurateIn(Schema):
    theme_ids: list[int] | None = None
    is_insight: bool | None = None


class MergeIn(Schema):
    keep_id: int


class ResponseIn(Schema):
    we_did: str = ""
    not_taken_up_reason: str = ""


class ThemeOut(Schema):
    id: int
    name: str
    description: str
    disclosure: Disclosure


class ThemeIn(Schema):
    name: str
    description: str = ""


class ThemeCountOut(Schema):
    theme_id: int
    name: str
    items: int
    insights: int
    supports: int
    by_user_group: dict[str, int]
    by_activity: dict[str, int]


class ThemeSummaryOut(Schema):
    themes: list[ThemeCountOut]
    untagged: int


class ImportOut(Schema):
    id: int
    filename: str
    rows: int
    items_created: int
    status: str


class DesignRequirementOut(Schema):
    id: int
    key: str
    section: SectionKind
    text: str
    evidence: str
    insight_ids: list[int]
    activity_ids: list[int]

    @staticmethod
    def resolve_section(obj):
        return obj.section.kind

    @staticmethod
    def resolve_insight_ids(obj):
        return [i.pk for i in obj.insights.all()]

    @staticmethod
    def resolve_activity_ids(obj):
        return [a.pk for a in obj.activities.all()]


class DesignRequirementIn(Schema):
    section: SectionKind
    text: str
    evidence: str = ""
    insight_ids: list[int] = []
    activity_ids: list[int] = []


class DesignRequirementPatch(PatchSchema):
    django_model = Requirement
    nullable = frozenset({"revision"})

    section: SectionKind | None = None
    text: str | None = None
    evidence: str | None = None
    revision: int | None = Field(
        None, description="The draft's revision you read; a save over a newer one is refused."
    )


class LinksIn(Schema):
    insight_ids: list[int] | None = None
    activity_ids: list[int] | None = None


class SectionOut(Schema):
    kind: SectionKind
    label: str
    intro: str
    requirements: list[DesignRequirementOut]

    @staticmethod
    def resolve_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_requirements(obj):
        return list(obj.requirements.all())


class DesignVersionOut(Schema):
    number: int
    status: VersionStatus
    change_note: str
    based_on: int | None
    created_at: dt.datetime
    approved_at: dt.datetime | None
    approved_by: str | None
    frozen_at: dt.datetime | None
    disclosure: Disclosure
    requirement_count: int = 0
    revision: int = 0

    @staticmethod
    def resolve_based_on(obj):
        return obj.based_on.number if obj.based_on_id else None

    @staticmethod
    def resolve_approved_by(obj):
        return str(obj.approved_by) if obj.approved_by_id else None


class VersionDetailOut(DesignVersionOut):
    sections: list[SectionOut]

    @staticmethod
    def resolve_sections(obj, context):
        return list(queries.sections_of(obj, context["request"].user))


class VersionIn(Schema):
    change_note: str = ""


class VersionPatch(PatchSchema):
    nullable = frozenset({"revision"})

    change_note: str | None = None
    intros: dict[SectionKind, str] | None = None
    revision: int | None = Field(
        None, description="The draft's revision you read; a save over a newer one is refused."
    )


class ChangeOut(Schema):
    key: str
    status: str
    section: SectionKind
    old_text: str | None
    new_text: str | None
    insights_added: list[int]
    insights_removed: list[int]


class ComparisonOut(Schema):
    base: int
    other: int
    summary: dict[str, int]
    changes: list[ChangeOut]


class ShapedOut(Schema):
    key: str
    section: SectionKind
    text: str


class DesignYouSaidOut(Schema):
    insight_id: int
    you_said: str
    user_group: str | None
    themes: list[str]
    response: Response
    requirements: list[ShapedOut]
    we_did: str
    not_taken_up_reason: str


class YouSaidReportOut(Schema):
    version: int | None
    version_status: VersionStatus | None
    without_response: int
    insights: list[DesignYouSaidOut]


class ConsentOut(Schema):
    id: int
    person: str
    user_id: int | None
    user_group: str | None
    covers: str
    given_on: dt.date
    withdrawn_on: dt.date | None

    @staticmethod
    def resolve_person(obj):
        return obj.person_name

    @staticmethod
    def resolve_user_group(obj):
        return obj.user_group.name if obj.user_group_id else None


class ConsentIn(Schema):
    user_id: int | None = None
    name: str = ""
    user_group_id: int | None = None
    covers: str
    given_on: dt.date | None = None


class ArtefactOut(Schema):
    ref: str
    kind: str
    label: str
    url: str
    disclosure: Disclosure


class ClassifyIn(Schema):
    refs: list[str]
    disclosure: Disclosure
    reason: str = ""


class ClassifiedOut(Schema):
    classified: int


# --- lookups ---------------------------------------------------------------------------------


def _partnership(request, pk, perm="design.view_design"):
    return get_for(request.user, pk, perm)


def _one(model, partnership, pk, field):
    if pk is None:
        return None
    found = model.objects.filter(partnership=partnership, pk=pk).first()
    if found is None:
        raise DomainError(f"This partnership has no {field} {pk}.", code="unknown", field=field)
    return found


def _many(model, partnership, pks, field) -> list:
    found = list(model.objects.filter(partnership=partnership, pk__in=set(pks)))
    if len(found) != len(set(pks)):
        missing = sorted(set(pks) - {o.pk for o in found})
        raise DomainError(f"Unknown {field}: {missing}.", code="unknown", field=field)
    return found


def _item_out(partnership, user, item_pk):
    return queries.item_for(partnership, user, item_pk)


def _member(partnership, user_id, field):
    if user_id is None:
        return None
    found = partnership.memberships.filter(user_id=user_id).select_related("user").first()
    if found is None:
        raise DomainError(f"User {user_id} is not a member.", code="not_a_member", field=field)
    return found.user


def _activity_fields(partnership, data: dict) -> dict:
    if "facilitator_id" in data:
        data["facilitator"] = _member(partnership, data.pop("facilitator_id"), "facilitator_id")
    return data


# --- activities ------------------------------------------------------------------------------


@router.get(f"{BASE}/activities", response=list[DesignActivityOut])
@paginate(LimitOffsetPagination)
def list_activities(request, pk: int, q: str = "", method: str = ""):
    """Engagement activities, newest first (internal-only ones hidden from service users)."""
    return queries.activities(_partnership(request, pk), request.user, q, method)


@router.post(f"{BASE}/activities", response={201: DesignActivityOut})
def create_activity(request, pk: int, payload: DesignActivityIn):
    partnership = _partnership(request, pk, "design.manage_engagement")
    data = _activity_fields(partnership, payload.dict())
    groups = data.pop("user_groups")
    activity = domain.create_activity(
        partnership=partnership, actor=request.user, new_user_groups=groups, **data
    )
    return Status(201, activity)


@router.get(f"{BASE}/activities/{{int:activity_id}}", response=DesignActivityOut)
def get_activity(request, pk: int, activity_id: int):
    return queries.activity_for(_partnership(request, pk), request.user, activity_id)


@router.patch(f"{BASE}/activities/{{int:activity_id}}", response=DesignActivityOut)
def update_activity(request, pk: int, activity_id: int, payload: ActivityPatch):
    partnership = _partnership(request, pk, "design.manage_engagement")
    activity = queries.activity_for(partnership, request.user, activity_id)
    data = _activity_fields(partnership, payload.dict(exclude_unset=True))
    groups = data.pop("user_groups", None)
    return domain.update_activity(
        activity=activity,
        actor=request.user,
        user_groups=[] if groups is not None else None,
        new_user_groups=groups or (),
        **data,
    )


# --- items: ideas, feedback, comments, support ----------------------------------------------


@router.get(f"{BASE}/items", response=list[ItemOut])
@paginate(LimitOffsetPagination)
def list_items(
    request, pk: int, q: str = "", kind: str = "", theme_id: int | None = None, sort: str = "new"
):
    """Ideas and feedback on the board (not comments; merged duplicates count in their item)."""
    partnership = _partnership(request, pk)
    theme = queries.theme_for(partnership, request.user, theme_id) if theme_id else None
    return queries.board(partnership, request.user, q, kind, theme, sort)


@router.post(f"{BASE}/items", response={201: ItemOut})
def post_item(request, pk: int, payload: ItemIn):
    """Post an idea or feedback. The first post needs ``consent_given``."""
    partnership = _partnership(request, pk, "design.contribute")
    item = domain.post_item(
        partnership=partnership,
        actor=request.user,
        kind=payload.kind,
        text=payload.text,
        anonymous=payload.anonymous,
        consent_given=payload.consent_given,
        user_group=_one(UserGroup, partnership, payload.user_group_id, "user_group_id"),
        activity=_one(EngagementActivity, partnership, payload.activity_id, "activity_id"),
    )
    return Status(201, _item_out(partnership, request.user, item.pk))


@router.get(f"{BASE}/items/{{int:item_id}}", response=ItemDetailOut)
def get_item(request, pk: int, item_id: int):
    """An idea or feedback with its comments."""
    return _item_out(_partnership(request, pk), request.user, item_id)


@router.patch(f"{BASE}/items/{{int:item_id}}", response=ItemOut)
def curate_item(request, pk: int, item_id: int, payload: CurateIn):
    """Tag with themes and mark as an insight (the facilitator)."""
    partnership = _partnership(request, pk, "design.manage_engagement")
    item = _item_out(partnership, request.user, item_id)
    themes = None
    if payload.theme_ids is not None:
        themes = _many(Theme, partnership, payload.theme_ids, "theme_ids")
    domain.curate_item(item=item, actor=request.user, themes=themes, is_insight=payload.is_insight)
    return _item_out(partnership, request.user, item_id)


@router.post(f"{BASE}/items/{{int:item_id}}/comments", response={201: ItemOut})
def comment(request, pk: int, item_id: int, payload: CommentIn):
    partnership = _partnership(request, pk, "design.contribute")
    item = _item_out(partnership, request.user, item_id)
    reply = domain.comment(item=item, actor=request.user, **payload.dict())
    return Status(201, reply)


@router.put(f"{BASE}/items/{{int:item_id}}/support", response=ItemOut)
def support(request, pk: int, item_id: int):
    """Support an idea (once per person)."""
    partnership = _partnership(request, pk, "design.contribute")
    domain.support(item=_item_out(partnership, request.user, item_id), actor=request.user)
    return _item_out(partnership, request.user, item_id)


@router.delete(f"{BASE}/items/{{int:item_id}}/support", response=ItemOut)
def withdraw_support(request, pk: int, item_id: int):
    partnership = _partnership(request, pk, "design.contribute")
    domain.withdraw_support(item=_item_out(partnership, request.user, item_id), actor=request.user)
    return _item_out(partnership, request.user, item_id)


@router.post(f"{BASE}/items/{{int:item_id}}/merge", response=ItemOut)
def merge(request, pk: int, item_id: int, payload: MergeIn):
    """Merge this item, a duplicate, into ``keep_id``; returns the item kept."""
    partnership = _partnership(request, pk, "design.manage_engagement")
    duplicate = _item_out(partnership, request.user, item_id)
    keep = _item_out(partnership, request.user, payload.keep_id)
    domain.merge_items(duplicate=duplicate, keep=keep, actor=request.user)
    return _item_out(partnership, request.user, keep.pk)


@router.post(f"{BASE}/items/{{int:item_id}}/response", response=ItemOut)
def respond(request, pk: int, item_id: int, payload: ResponseIn):
    """The "you said, we did" response to an insight."""
    partnership = _partnership(request, pk, "design.respond")
    insight = _item_out(partnership, request.user, item_id)
    domain.respond(insight=insight, actor=request.user, **payload.dict())
    return _item_out(partnership, request.user, item_id)


# --- themes and the survey import ------------------------------------------------------------


@router.get(f"{BASE}/themes", response=list[ThemeOut])
def list_themes(request, pk: int):
    partnership = _partnership(request, pk)
    return list(queries.themes(partnership, request.user))


@router.post(f"{BASE}/themes", response={201: ThemeOut})
def create_theme(request, pk: int, payload: ThemeIn):
    partnership = _partnership(request, pk, "design.manage_engagement")
    return Status(
        201, domain.create_theme(partnership=partnership, actor=request.user, **payload.dict())
    )


@router.get(f"{BASE}/themes/summary", response=ThemeSummaryOut)
def theme_summary(request, pk: int):
    """Counts of ideas and feedback by theme, user group and activity."""
    summary = queries.theme_summary(_partnership(request, pk), request.user)
    titles = {a.pk: a.title for a in summary.activities}
    return {
        "untagged": summary.untagged,
        "themes": [
            {
                "theme_id": row.theme.pk,
                "name": row.theme.name,
                "items": row.items,
                "insights": row.insights,
                "supports": row.supports,
                "by_user_group": row.by_group,
                "by_activity": {titles.get(k, str(k)): n for k, n in row.by_activity.items()},
            }
            for row in summary.rows
        ],
    }


@router.post(f"{BASE}/imports", response={201: ImportOut})
def import_survey(
    request,
    pk: int,
    activity_id: Form[int],
    mapping: Form[str],
    file: File[UploadedFile],
):
    """Import survey responses (CSV or XLSX, one row per response), all or nothing.

    ``mapping`` is JSON: ``{"text_columns": [...], "kind": "feedback", "user_group_column": "",
    "user_group_id": null, "name_column": "", "consent_column": "", "theme_column": ""}``.
    A file with errors is rejected (422) with every error's row and column; a file that is not
    UTF-8 text or not a readable table is refused (422, ``field: "file"``). A refused import
    writes nothing and keeps no copy of the file.
    """
    partnership = _partnership(request, pk, "design.manage_engagement")
    activity = _one(EngagementActivity, partnership, activity_id, "activity_id")
    try:
        mapping_data = json.loads(mapping)
    except ValueError:
        raise DomainError("mapping must be JSON.", code="invalid", field="mapping") from None
    survey, items = domain.import_survey(
        partnership=partnership,
        activity=activity,
        actor=request.user,
        file=file,
        mapping=mapping_data,
    )
    return Status(
        201,
        {
            "id": survey.pk,
            "filename": survey.filename,
            "rows": survey.row_count,
            "items_created": len(items),
            "status": survey.status,
        },
    )


# --- the specification -----------------------------------------------------------------------


def _version(request, pk, number, perm="design.view_design"):
    partnership = _partnership(request, pk, perm)
    return partnership, queries.version_for(partnership, request.user, number)


@router.get(f"{BASE}/versions", response=list[DesignVersionOut])
def list_versions(request, pk: int):
    return list(queries.versions(_partnership(request, pk), request.user))


@router.post(f"{BASE}/versions", response={201: VersionDetailOut})
def new_draft(request, pk: int, payload: VersionIn):
    """Start the next draft as a copy of the latest version (or an empty version 1)."""
    partnership = _partnership(request, pk, "design.change_spec")
    version = domain.new_draft(
        partnership=partnership, actor=request.user, change_note=payload.change_note
    )
    return Status(201, queries.version_for(partnership, request.user, version.number))


@router.get(f"{BASE}/versions/compare", response=ComparisonOut)
def compare_versions(request, pk: int, base: int, other: int):
    """What changed between any two versions, requirement by requirement."""
    partnership = _partnership(request, pk)
    first = queries.version_for(partnership, request.user, base)
    second = queries.version_for(partnership, request.user, other)
    comparison = compare(first, second)
    return {
        "base": base,
        "other": other,
        "summary": comparison.summary,
        "changes": [
            {
                "key": c.key,
                "status": c.status,
                "section": c.current.section.kind,
                "old_text": c.old.text if c.old else None,
                "new_text": c.new.text if c.new else None,
                "insights_added": [i.pk for i in c.insights_added],
                "insights_removed": [i.pk for i in c.insights_removed],
            }
            for s in comparison.sections
            for c in s.requirements
        ],
    }


@router.get(f"{BASE}/versions/{{int:number}}", response=VersionDetailOut)
def get_version(request, pk: int, number: int):
    """A version with its sections, requirements and the user input each traces to."""
    return _version(request, pk, number)[1]


@router.patch(f"{BASE}/versions/{{int:number}}", response=VersionDetailOut)
def update_version(request, pk: int, number: int, payload: VersionPatch):
    partnership, version = _version(request, pk, number, "design.change_spec")
    domain.update_version(
        version=version,
        actor=request.user,
        change_note=payload.change_note,
        intros={SectionKind(k).value: v for k, v in (payload.intros or {}).items()},
        revision=payload.revision,
    )
    return queries.version_for(partnership, request.user, number)


@router.delete(f"{BASE}/versions/{{int:number}}", response={204: None})
def discard_draft(request, pk: int, number: int):
    _, version = _version(request, pk, number, "design.change_spec")
    domain.discard_draft(version=version, actor=request.user)
    return Status(204, None)


@router.post(f"{BASE}/versions/{{int:number}}/approve", response=DesignVersionOut)
def approve(request, pk: int, number: int):
    """The commissioner approves a draft."""
    partnership, version = _version(request, pk, number, "design.approve_spec")
    domain.approve_version(version=version, actor=request.user)
    return queries.version_for(partnership, request.user, number)


@router.post(f"{BASE}/versions/{{int:number}}/freeze", response=DesignVersionOut)
def freeze(request, pk: int, number: int):
    """Freeze the latest approved version: it can never change again."""
    partnership, version = _version(request, pk, number, "design.freeze_spec")
    domain.freeze_version(version=version, actor=request.user)
    return queries.version_for(partnership, request.user, number)


@router.post(f"{BASE}/versions/{{int:number}}/requirements", response={201: DesignRequirementOut})
def add_requirement(request, pk: int, number: int, payload: DesignRequirementIn):
    partnership, version = _version(request, pk, number, "design.change_spec")
    requirement = domain.add_requirement(
        version=version,
        actor=request.user,
        section=payload.section,
        text=payload.text,
        evidence=payload.evidence,
        insights=_many(Item, partnership, payload.insight_ids, "insight_ids"),
        activities=_many(EngagementActivity, partnership, payload.activity_ids, "activity_ids"),
    )
    return Status(201, requirement)


def _requirement(request, pk, number, requirement_id):
    partnership, version = _version(request, pk, number, "design.change_spec")
    return partnership, queries.requirement_for(version, requirement_id)


@router.patch(
    f"{BASE}/versions/{{int:number}}/requirements/{{int:requirement_id}}",
    response=DesignRequirementOut,
)
def update_requirement(
    request, pk: int, number: int, requirement_id: int, payload: DesignRequirementPatch
):
    _, requirement = _requirement(request, pk, number, requirement_id)
    return domain.update_requirement(
        requirement=requirement, actor=request.user, **payload.dict(exclude_unset=True)
    )


@router.put(
    f"{BASE}/versions/{{int:number}}/requirements/{{int:requirement_id}}/links",
    response=DesignRequirementOut,
)
def set_links(request, pk: int, number: int, requirement_id: int, payload: LinksIn):
    """Replace the insights and/or activities a requirement traces to."""
    partnership, requirement = _requirement(request, pk, number, requirement_id)
    insights = activities = None
    if payload.insight_ids is not None:
        insights = _many(Item, partnership, payload.insight_ids, "insight_ids")
    if payload.activity_ids is not None:
        activities = _many(EngagementActivity, partnership, payload.activity_ids, "activity_ids")
    return domain.update_requirement(
        requirement=requirement, actor=request.user, insights=insights, activities=activities
    )


@router.delete(
    f"{BASE}/versions/{{int:number}}/requirements/{{int:requirement_id}}", response={204: None}
)
def remove_requirement(request, pk: int, number: int, requirement_id: int):
    _, requirement = _requirement(request, pk, number, requirement_id)
    domain.remove_requirement(requirement=requirement, actor=request.user)
    return Status(204, None)


# --- "you said, we did" ----------------------------------------------------------------------


@router.get(f"{BASE}/you-said-we-did", response=YouSaidReportOut)
def you_said_we_did(request, pk: int):
    """Every insight with what the partnership did: the requirements it shaped in the latest
    specification version, or the reason it was not taken up."""
    partnership = _partnership(request, pk)
    latest = queries.latest_version(partnership, request.user)
    rows = queries.you_said_we_did(partnership, request.user)
    return {
        "version": latest.number if latest else None,
        "version_status": latest.status if latest else None,
        "without_response": sum(1 for r in rows if r.response == Response.NONE),
        "insights": [
            {
                "insight_id": r.insight.pk,
                "you_said": r.insight.text,
                "user_group": r.insight.user_group.name if r.insight.user_group_id else None,
                "themes": [t.name for t in r.insight.themes.all()],
                "response": r.response,
                "requirements": [
                    {"key": q.key, "section": q.section.kind, "text": q.text}
                    for q in r.requirements
                ],
                "we_did": r.insight.we_did,
                "not_taken_up_reason": r.insight.not_taken_up_reason,
            }
            for r in rows
        ],
    }


# --- consent and disclosure ------------------------------------------------------------------


@router.get(f"{BASE}/consents", response=list[ConsentOut])
@paginate(LimitOffsetPagination)
def list_consents(request, pk: int, q: str = ""):
    """Every consent for the facilitator; your own for everyone else."""
    partnership = _partnership(request, pk)
    qs = queries.consents(partnership, q)
    if not request.user.has_perm("design.manage_consent", partnership):
        qs = qs.filter(user=request.user)
    return qs


@router.post(f"{BASE}/consents", response={201: ConsentOut})
def record_consent(request, pk: int, payload: ConsentIn):
    partnership = _partnership(request, pk, "design.manage_consent")
    consent = domain.record_consent(
        partnership=partnership,
        actor=request.user,
        user=_member(partnership, payload.user_id, "user_id"),
        name=payload.name,
        covers=payload.covers,
        given_on=payload.given_on,
        user_group=_one(UserGroup, partnership, payload.user_group_id, "user_group_id"),
    )
    return Status(201, consent)


@router.post(f"{BASE}/consents/{{int:consent_id}}/withdraw", response=ConsentOut)
def withdraw_consent(request, pk: int, consent_id: int):
    """Withdraw consent (the person, or the facilitator): their name leaves their items."""
    partnership = _partnership(request, pk)
    consent = Consent.objects.filter(partnership=partnership, pk=consent_id).first()
    if consent is None:
        raise Http404
    if not request.user.has_perm("design.withdraw_consent", consent):
        raise PermissionDenied("Only the person or the facilitator can withdraw this consent.")
    domain.withdraw_consent(consent=consent, actor=request.user)
    consent.refresh_from_db()
    return consent


def _artefact(a) -> dict:
    return {
        "ref": f"{a.kind}:{a.obj.pk}",
        "kind": a.kind,
        "label": a.label,
        "url": a.url,
        "disclosure": a.obj.disclosure,
    }


@router.get(f"{BASE}/disclosure/unclassified", response=list[ArtefactOut])
def unclassified(request, pk: int):
    """Design artefacts not yet classified for bidder disclosure (docs/disclosure.md, F1)."""
    partnership = _partnership(request, pk, "design.classify")
    return [_artefact(a) for a in queries.unclassified_artefacts(partnership)]


@router.post(f"{BASE}/disclosure", response=ClassifiedOut)
def classify(request, pk: int, payload: ClassifyIn):
    """Classify artefacts by reference (``kind:id``, as listed by ``disclosure/unclassified``)."""
    partnership = _partnership(request, pk, "design.classify")
    found = queries.artefacts_by_ref(partnership, payload.refs)
    if len(found) != len(set(payload.refs)):
        raise DomainError("Some references are unknown.", code="unknown", field="refs")
    count = domain.classify_many(
        partnership=partnership,
        objs=found,
        actor=request.user,
        disclosure=payload.disclosure,
        reason=payload.reason,
    )
    return {"classified": count}
