import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from . import domain
from .errors import DomainError
from .models import Organisation, OrganisationType, StatutoryRule, StatutoryRuleKey

router = Router(tags=["core"])


class OrganisationOut(Schema):
    id: int
    name: str
    type: OrganisationType
    parent_id: int | None
    is_sme: bool
    is_third_sector: bool
    website: str


class OrganisationIn(Schema):
    name: str
    type: OrganisationType
    parent_id: int | None = None
    is_sme: bool = False
    is_third_sector: bool = False
    website: str = ""


class RuleOut(Schema):
    id: int
    key: StatutoryRuleKey
    value: Decimal
    unit: str = Field(description="`money` (pounds) or `days` (standstill periods)")
    includes_vat: bool
    effective_from: dt.date
    rule: str
    source: str


class RuleIn(Schema):
    key: StatutoryRuleKey
    value: Decimal
    includes_vat: bool = False
    effective_from: dt.date
    rule: str
    source: str


class OnDate(Schema):
    on: dt.date | None = None


@router.get("/organisations", response=list[OrganisationOut], tags=["organisations"])
@paginate(LimitOffsetPagination)
def list_organisations(request, q: str = "", type: OrganisationType | None = None):
    qs = Organisation.objects.all()
    if q:
        qs = qs.filter(name__icontains=q)
    if type:
        qs = qs.filter(type=type)
    return qs


@router.post("/organisations", response={201: OrganisationOut}, tags=["organisations"])
def create_organisation(request, payload: OrganisationIn):
    if not request.user.has_perm("core.add_organisation"):
        raise PermissionDenied(
            "Only staff and partnership facilitators or commissioners can add organisations."
        )
    data = payload.dict()
    parent_id = data.pop("parent_id")
    parent = None
    if parent_id is not None:
        parent = Organisation.objects.filter(pk=parent_id).first()
        if parent is None:
            raise DomainError(
                f"No organisation has id {parent_id}.",
                code="unknown_organisation",
                field="parent_id",
            )
    return Status(201, domain.create_organisation(actor=request.user, parent=parent, **data))


@router.get("/statutory-rules", response=list[RuleOut], tags=["statutory rules"])
def list_rules(request):
    return StatutoryRule.objects.all()


@router.get("/statutory-rules/in-force", response=list[RuleOut], tags=["statutory rules"])
def rules_in_force(request, params: Query[OnDate]):
    """The version of each threshold in force on ``on`` (today if omitted)."""
    return domain.rules_in_force(params.on)


@router.post("/statutory-rules", response={201: RuleOut}, tags=["statutory rules"])
def create_rule(request, payload: RuleIn):
    if not request.user.has_perm("core.change_statutoryrule"):
        raise PermissionDenied("Only staff can change the statutory rules table.")
    rule = StatutoryRule(**payload.dict())
    return Status(201, domain.save_statutory_rule(rule=rule, actor=request.user))
