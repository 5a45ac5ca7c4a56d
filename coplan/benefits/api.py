"""Benefits API: the stateless SROI calculator, saved SROI analyses per partnership, and (once
contracts exist) commitments, returns and their verification. The same domain functions and
permissions as the pages; refusals are problem bodies (404 outsiders, 403 role, 422 naming the
field). Proportions (deadweight, displacement, attribution, drop-off, discount rate) are
fractions from 0 to 1: 0.035 is 3.5 %. Money is a string with pence."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, File, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile

from coplan.bidding.models import Commitment, Contract
from coplan.partnerships.queries import get_for
from coplan.tendering.models import Tender

from . import calc, domain, monitoring, ocds, queries, reports, social, thread
from .models import ReturnLine, SroiAnalysis, SroiOutcome
from .rules import can_submit_for

router = Router(tags=["benefits"])
BASE = "/partnerships/{int:pk}/benefits"


def _money(value) -> str | None:
    return None if value is None else str(calc.pennies(value))


def _num(value, places=2) -> str | None:
    return None if value is None else str(calc.rounded(value, places))


# --- the stateless calculator ------------------------------------------------------------


class OutcomeIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    quantity: Decimal = Field(ge=0)
    proxy: Decimal = Field(ge=0, description="£ per unit of outcome")
    deadweight: Decimal = Field(default=Decimal(0), ge=0, le=1)
    displacement: Decimal = Field(default=Decimal(0), ge=0, le=1)
    attribution: Decimal = Field(default=Decimal(0), ge=0, le=1)
    drop_off: Decimal = Field(default=Decimal(0), ge=0, le=1)
    duration_years: int = Field(default=1, ge=1, le=calc.MAX_YEARS)

    def as_calc(self) -> calc.Outcome:
        return calc.Outcome(**self.dict())


class SroiIn(Schema):
    investment: Decimal = Field(gt=0)
    discount_rate: Decimal = Field(default=calc.DEFAULT_DISCOUNT_RATE, ge=0, lt=1)
    outcomes: list[OutcomeIn] = Field(min_length=1)


class YearOut(Schema):
    year: int
    value: str
    discounted: str


class ScenarioOut(Schema):
    label: str
    present_value: str
    ratio: str
    change: str


class SroiOut(Schema):
    present_value: str
    npv: str
    ratio: str | None
    payback_months: str | None
    years: list[YearOut]
    impacts: list[str]
    sensitivity: list[ScenarioOut]
    convention: str


def _as_validation_error(error: calc.CalcInputError) -> ValidationError:
    loc = ["body"]
    for part in error.field.replace("]", "").replace("[", ".").split("."):
        loc.append(int(part) if part.isdigit() else part)
    return ValidationError([{"loc": tuple(loc), "msg": error.message, "type": "value_error"}])


def _result(summary: calc.SroiSummary) -> dict:
    r = summary.result
    return {
        "present_value": _money(r.present_value),
        "npv": _money(r.npv),
        "ratio": _num(r.ratio),
        "payback_months": _num(r.payback_months, 1),
        "years": [
            {"year": y.year, "value": _money(y.value), "discounted": _money(y.discounted)}
            for y in r.years
        ],
        "impacts": [_money(i) for i in r.impacts],
        "sensitivity": [
            {
                "label": s.label,
                "present_value": _money(s.present_value),
                "ratio": _num(s.ratio),
                "change": _num(s.change),
            }
            for s in summary.scenarios
        ],
        "convention": r.convention,
    }


@router.post("/benefits/sroi", response=SroiOut)
def calculate_sroi(request, payload: SroiIn):
    """Present value, NPV, SROI ratio, payback months and a sensitivity table for a value map.
    Nothing is saved."""
    try:
        summary = calc.analyse(
            investment=payload.investment,
            outcomes=[o.as_calc() for o in payload.outcomes],
            discount_rate=payload.discount_rate,
        )
    except calc.CalcInputError as error:
        raise _as_validation_error(error) from None
    return _result(summary)


# --- saved analyses --------------------------------------------------------------------------


class SavedOutcomeIn(OutcomeIn):
    stakeholder: str = ""
    indicator: str = ""
    proxy_source: str = ""


class SavedOutcomeOut(Schema):
    id: int
    name: str
    stakeholder: str
    indicator: str
    quantity: Decimal
    proxy: str
    proxy_source: str
    deadweight: Decimal
    displacement: Decimal
    attribution: Decimal
    drop_off: Decimal
    duration_years: int
    impact: str

    @staticmethod
    def resolve_proxy(obj):
        return _money(obj.proxy)

    @staticmethod
    def resolve_impact(obj):
        return _money(obj.impact)


class AnalysisIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    contract_id: int | None = None
    scope: str = ""
    stakeholders: str = ""
    investment: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    discount_rate: Decimal = Field(default=calc.DEFAULT_DISCOUNT_RATE, ge=0, lt=1)


class AnalysisPatch(Schema):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    scope: str | None = None
    stakeholders: str | None = None
    investment: Decimal | None = Field(default=None, gt=0, max_digits=14, decimal_places=2)
    discount_rate: Decimal | None = Field(default=None, ge=0, lt=1)


class AnalysisOut(Schema):
    id: int
    title: str
    contract_id: int | None
    scope: str
    stakeholders: str
    investment: str
    discount_rate: Decimal
    outcomes: list[SavedOutcomeOut]
    result: SroiOut | None

    @staticmethod
    def resolve_investment(obj):
        return _money(obj.investment)

    @staticmethod
    def resolve_outcomes(obj):
        return list(obj.outcomes.all())

    @staticmethod
    def resolve_result(obj):
        summary = obj.summary()
        return None if summary is None else _result(summary)


def _partnership_contract(partnership, contract_id):
    if contract_id is None:
        return None
    found = Contract.objects.filter(tender__partnership=partnership, pk=contract_id).first()
    if found is None:
        raise ValidationError(
            [{"loc": ("body", "contract_id"), "msg": "No such contract.", "type": "value_error"}]
        )
    return found


def _analysis(request, pk, analysis_id, perm="benefits.view_sroi"):
    partnership = get_for(request.user, pk, perm)
    return get_object_or_404(
        SroiAnalysis.objects.select_related("partnership").prefetch_related("outcomes"),
        partnership=partnership,
        pk=analysis_id,
    )


@router.get(f"{BASE}/sroi", response=list[AnalysisOut])
def list_analyses(request, pk: int):
    partnership = get_for(request.user, pk, "benefits.view_sroi")
    return list(partnership.sroi_analyses.prefetch_related("outcomes"))


@router.post(f"{BASE}/sroi", response={201: AnalysisOut})
def create_analysis(request, pk: int, payload: AnalysisIn):
    partnership = get_for(request.user, pk, "benefits.manage_sroi")
    data = payload.dict()
    data["contract"] = _partnership_contract(partnership, data.pop("contract_id"))
    analysis = domain.create_analysis(partnership=partnership, actor=request.user, **data)
    return Status(201, analysis)


@router.get(f"{BASE}/sroi/{{int:analysis_id}}", response=AnalysisOut)
def get_analysis(request, pk: int, analysis_id: int):
    return _analysis(request, pk, analysis_id)


@router.patch(f"{BASE}/sroi/{{int:analysis_id}}", response=AnalysisOut)
def update_analysis(request, pk: int, analysis_id: int, payload: AnalysisPatch):
    analysis = _analysis(request, pk, analysis_id, "benefits.manage_sroi")
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    domain.update_analysis(analysis=analysis, actor=request.user, **changes)
    return _analysis(request, pk, analysis_id)


@router.delete(f"{BASE}/sroi/{{int:analysis_id}}", response={204: None})
def delete_analysis(request, pk: int, analysis_id: int):
    analysis = _analysis(request, pk, analysis_id, "benefits.manage_sroi")
    domain.delete_analysis(analysis=analysis, actor=request.user)
    return Status(204, None)


@router.post(f"{BASE}/sroi/{{int:analysis_id}}/outcomes", response={201: SavedOutcomeOut})
def add_outcome(request, pk: int, analysis_id: int, payload: SavedOutcomeIn):
    analysis = _analysis(request, pk, analysis_id, "benefits.manage_sroi")
    outcome = domain.add_outcome(analysis=analysis, actor=request.user, **payload.dict())
    return Status(201, outcome)


@router.delete(f"{BASE}/sroi/{{int:analysis_id}}/outcomes/{{int:outcome_id}}", response={204: None})
def remove_outcome(request, pk: int, analysis_id: int, outcome_id: int):
    analysis = _analysis(request, pk, analysis_id, "benefits.manage_sroi")
    outcome = get_object_or_404(SroiOutcome, analysis=analysis, pk=outcome_id)
    domain.remove_outcome(outcome=outcome, actor=request.user)
    return Status(204, None)


# --- contract monitoring ---------------------------------------------------------------------


def _contract(request, pk, contract_id, perm="benefits.view_returns"):
    partnership = get_for(request.user, pk, perm)
    return get_object_or_404(
        Contract.objects.select_related("tender__partnership", "supplier", "consortium"),
        tender__partnership=partnership,
        pk=contract_id,
    )


def _line(request, pk, line_id, perm):
    partnership = get_for(request.user, pk, perm)
    return get_object_or_404(
        ReturnLine.objects.select_related(
            "quarterly_return__contract__tender__partnership",
            "quarterly_return__contract__supplier",
            "commitment",
        ),
        quarterly_return__contract__tender__partnership=partnership,
        pk=line_id,
    )


class StatusOut(Schema):
    rag: str
    label: str
    due: str
    percent: str | None
    due_max: str | None
    above_range: bool


def _status(s: calc.Status) -> dict:
    return {
        "rag": s.rag,
        "label": s.label,
        "due": _num(s.due),
        "percent": _num(s.percent, 1),
        "due_max": _num(s.due_max),
        "above_range": s.above_range,
    }


class PlanOut(Schema):
    id: int
    actions: str
    starts_on: dt.date
    due_on: dt.date
    completed_on: dt.date | None
    outcome: str


class RecruitmentOut(Schema):
    starts: int
    additional: int
    additional_percent: str | None
    retention_26_percent: str | None
    retention_52_percent: str | None


class BenefitsCommitmentOut(Schema):
    id: int
    description: str
    unit: str
    target_min: str
    target_max: str | None
    period_start: dt.date
    period_end: dt.date
    evidence_type: str
    source: str
    verified: str
    awaiting_verification: str
    status: StatusOut
    needs_remedial_plan: bool
    remedial_plans: list[PlanOut]
    recruitment: RecruitmentOut | None
    social_value: str | None


class BenefitsContractOut(Schema):
    id: int
    supplier: str
    tender: str
    value: str
    starts_on: dt.date
    ends_on: dt.date
    as_of: dt.date
    commitments: list[BenefitsCommitmentOut]
    social_value_total: str


def _contract_out(contract) -> dict:
    state = monitoring.monitor(contract)
    valued = {v.commitment.pk: v for v in social.social_value(contract, state).rows}
    rows = []
    for r in state.rows:
        c = r.commitment
        rec = r.recruitment
        rows.append(
            {
                "id": c.pk,
                "description": c.description,
                "unit": c.unit,
                "target_min": _num(c.target_min),
                "target_max": _num(c.target_max),
                "period_start": c.period_start,
                "period_end": c.period_end,
                "evidence_type": c.evidence_type,
                "source": c.source,
                "verified": _num(r.verified),
                "awaiting_verification": _num(r.pending),
                "status": _status(r.status),
                "needs_remedial_plan": r.needs_plan,
                "remedial_plans": r.plans,
                "recruitment": None
                if rec is None
                else {
                    "starts": rec.starts,
                    "additional": rec.additional,
                    "additional_percent": _num(rec.additional_percent, 1),
                    "retention_26_percent": _num(rec.retention_26_percent, 1),
                    "retention_52_percent": _num(rec.retention_52_percent, 1),
                },
                "social_value": _money(valued[c.pk].value),
            }
        )
    total = social.social_value(contract, state).total
    return {
        "id": contract.pk,
        "supplier": str(contract.supplier),
        "tender": str(contract.tender),
        "value": _money(contract.value),
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "as_of": state.as_of,
        "commitments": rows,
        "social_value_total": _money(total),
    }


@router.get(f"{BASE}/contracts", response=list[BenefitsContractOut])
def list_contracts(request, pk: int):
    partnership = get_for(request.user, pk, "benefits.view_returns")
    return [_contract_out(c) for c in queries.contracts_of(partnership)]


@router.get(f"{BASE}/contracts/{{int:contract_id}}", response=BenefitsContractOut)
def get_contract(request, pk: int, contract_id: int):
    return _contract_out(_contract(request, pk, contract_id))


class BenefitsEvidenceOut(Schema):
    id: int
    name: str
    size: int
    content_type: str


class LineOut(Schema):
    id: int
    commitment_id: int
    actual: str
    notes: str
    additional: int | None
    in_post_26: int | None
    in_post_52: int | None
    status: str
    query: str
    evidence: list[BenefitsEvidenceOut]

    @staticmethod
    def resolve_actual(obj):
        return _num(obj.actual)

    @staticmethod
    def resolve_evidence(obj):
        return list(obj.evidence.all())


class ReturnOut(Schema):
    id: int
    period_start: dt.date
    period_end: dt.date
    notes: str
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class LineIn(Schema):
    commitment_id: int
    actual: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    notes: str = ""
    additional: int | None = Field(default=None, ge=0)


class ReturnIn(Schema):
    period_start: dt.date
    notes: str = ""
    lines: list[LineIn] = Field(min_length=1)


@router.get(f"{BASE}/contracts/{{int:contract_id}}/returns", response=list[ReturnOut])
def list_returns(request, pk: int, contract_id: int):
    return list(monitoring.returns_with_lines(_contract(request, pk, contract_id)))


@router.post(f"{BASE}/contracts/{{int:contract_id}}/returns", response={201: ReturnOut})
def submit_return(request, pk: int, contract_id: int, payload: ReturnIn):
    contract = _contract(request, pk, contract_id, "benefits.submit_returns")
    if not can_submit_for(request.user, contract):
        raise PermissionDenied("Only the contractor's people submit its returns.")
    commitments = {c.pk: c for c in contract.commitments.all()}
    lines = {}
    for i, line in enumerate(payload.lines):
        if line.commitment_id not in commitments:
            raise ValidationError(
                [
                    {
                        "loc": ("body", "lines", i, "commitment_id"),
                        "msg": "Not a commitment of this contract.",
                        "type": "value_error",
                    }
                ]
            )
        lines[commitments[line.commitment_id]] = {
            "actual": line.actual,
            "notes": line.notes,
            "additional": line.additional,
        }
    ret = domain.submit_return(
        contract=contract,
        actor=request.user,
        period_start=payload.period_start,
        lines=lines,
        notes=payload.notes,
    )
    return Status(201, monitoring.returns_with_lines(contract).get(pk=ret.pk))


@router.post(f"{BASE}/lines/{{int:line_id}}/verify", response=LineOut)
def verify_line(request, pk: int, line_id: int):
    line = _line(request, pk, line_id, "benefits.verify_returns")
    return domain.verify_line(line=line, actor=request.user)


class QueryIn(Schema):
    query: str = Field(min_length=1)


@router.post(f"{BASE}/lines/{{int:line_id}}/query", response=LineOut)
def query_line(request, pk: int, line_id: int, payload: QueryIn):
    line = _line(request, pk, line_id, "benefits.verify_returns")
    return domain.query_line(line=line, actor=request.user, query=payload.query)


class ResubmitIn(Schema):
    actual: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    notes: str = ""
    additional: int | None = Field(default=None, ge=0)


@router.post(f"{BASE}/lines/{{int:line_id}}/resubmit", response=LineOut)
def resubmit_line(request, pk: int, line_id: int, payload: ResubmitIn):
    line = _line(request, pk, line_id, "benefits.submit_returns")
    return domain.resubmit_line(line=line, actor=request.user, **payload.dict())


class RetentionIn(Schema):
    in_post_26: int | None = Field(default=None, ge=0)
    in_post_52: int | None = Field(default=None, ge=0)


@router.post(f"{BASE}/lines/{{int:line_id}}/retention", response=LineOut)
def record_retention(request, pk: int, line_id: int, payload: RetentionIn):
    line = _line(request, pk, line_id, "benefits.submit_returns")
    return domain.record_retention(line=line, actor=request.user, **payload.dict())


@router.post(f"{BASE}/lines/{{int:line_id}}/evidence", response={201: BenefitsEvidenceOut})
def add_evidence(request, pk: int, line_id: int, file: File[UploadedFile]):
    line = _line(request, pk, line_id, "benefits.submit_returns")
    return Status(201, domain.add_evidence(line=line, actor=request.user, upload=file))


class PlanIn(Schema):
    actions: str = Field(min_length=1)
    starts_on: dt.date
    due_on: dt.date


@router.post(f"{BASE}/commitments/{{int:commitment_id}}/remedial-plans", response={201: PlanOut})
def plan_remedy(request, pk: int, commitment_id: int, payload: PlanIn):
    partnership = get_for(request.user, pk, "benefits.plan_remedy")
    commitment = get_object_or_404(
        Commitment.objects.select_related("contract__tender__partnership", "contract__supplier"),
        contract__tender__partnership=partnership,
        pk=commitment_id,
    )
    plan = domain.plan_remedy(commitment=commitment, actor=request.user, **payload.dict())
    return Status(201, plan)


class ThresholdsIO(Schema):
    green_percent: Decimal = Field(ge=0, max_digits=6, decimal_places=2)
    amber_percent: Decimal = Field(ge=0, max_digits=6, decimal_places=2)


@router.get(f"{BASE}/thresholds", response=ThresholdsIO)
def get_thresholds(request, pk: int):
    """The RAG thresholds the partnership's contracts are measured against (100 and 75 unless
    set)."""
    partnership = get_for(request.user, pk, "benefits.view_returns")
    current = monitoring.thresholds_for(partnership)
    return {"green_percent": current.green, "amber_percent": current.amber}


@router.put(f"{BASE}/thresholds", response=ThresholdsIO)
def set_thresholds(request, pk: int, payload: ThresholdsIO):
    partnership = get_for(request.user, pk, "benefits.verify_returns")
    saved = domain.set_thresholds(partnership=partnership, actor=request.user, **payload.dict())
    return saved


# --- the golden thread -----------------------------------------------------------------------


class NodeOut(Schema):
    key: str
    kind: str
    kind_label: str
    id: int
    label: str
    detail: str
    url: str
    broken: str
    upstream: list[str]
    downstream: list[str]


class ThreadOut(Schema):
    nodes: list[NodeOut]
    broken: list[str]


def _node(graph, n) -> dict:
    return {
        "key": n.key,
        "kind": n.kind,
        "kind_label": n.kind_label,
        "id": n.pk,
        "label": n.label,
        "detail": n.detail,
        "url": n.url,
        "broken": n.broken,
        "upstream": list(graph.up.get(n.key, [])),
        "downstream": list(graph.down.get(n.key, [])),
    }


@router.get(f"{BASE}/thread", response=ThreadOut)
def get_thread(request, pk: int):
    """The partnership's whole chain: each node with its direct links both ways, and the keys
    of the broken ones."""
    partnership = get_for(request.user, pk, "benefits.view_thread")
    graph = thread.build(partnership, request.user)
    return {
        "nodes": [_node(graph, n) for n in graph.nodes.values()],
        "broken": [n.key for n in graph.broken],
    }


class ThreadItemOut(Schema):
    item: NodeOut
    upstream: list[NodeOut]
    downstream: list[NodeOut]


@router.get(f"{BASE}/thread/{{kind}}/{{int:item_id}}", response=ThreadItemOut)
def get_thread_item(request, pk: int, kind: str, item_id: int):
    """One item (``kind`` is insight, requirement, kpi, benefit_requirement, criterion,
    commitment, contract_kpi or evidence) with everything upstream and downstream of it."""
    partnership = get_for(request.user, pk, "benefits.view_thread")
    found = thread.find(partnership, request.user, kind, item_id)
    if found is None:
        raise Http404("No such item in this partnership's thread")
    graph, node = found
    upstream, downstream = graph.around(node.key)
    return {
        "item": _node(graph, node),
        "upstream": [_node(graph, n) for n in upstream],
        "downstream": [_node(graph, n) for n in downstream],
    }


# --- open data and the annual report --------------------------------------------------------


@router.get(f"{BASE}/tenders/{{int:tender_id}}/ocds", response=dict)
def tender_ocds(request, pk: int, tender_id: int):
    """The tender's OCDS release package with implementation releases for its contracts."""
    partnership = get_for(request.user, pk, "benefits.view_returns")
    tender = get_object_or_404(Tender, partnership=partnership, pk=tender_id)
    return ocds.release_package(tender)


class ReportLineOut(Schema):
    contract_id: int
    supplier: str
    commitment_id: int
    description: str
    unit: str
    target: str
    delivered_in_year: str
    delivered_to_date: str
    status: str
    outcome: str
    social_value_in_year: str | None


class ReportOut(Schema):
    authority: str
    year: int
    starts: dt.date
    ends: dt.date
    contracts: int
    requirements_imposed: int
    fulfilled: int
    not_fulfilled: int
    in_progress: int
    social_value: str
    lines: list[ReportLineOut]


@router.get("/benefits/reports/{int:organisation_id}/{int:year}", response=ReportOut)
def annual_report(request, organisation_id: int, year: int):
    """The authority's community benefits in financial year ``year`` (April to March)."""
    authority = get_object_or_404(reports.authorities_for(request.user), pk=organisation_id)
    if not 2000 <= year <= 2100:
        raise ValidationError(
            [{"loc": ("path", "year"), "msg": "No such year.", "type": "value_error"}]
        )
    data = reports.annual_report(authority, year)
    return {
        "authority": authority.name,
        "year": year,
        "starts": data.starts,
        "ends": data.ends,
        "contracts": len(data.contracts),
        "requirements_imposed": len(data.requirements),
        "fulfilled": data.fulfilled,
        "not_fulfilled": data.not_fulfilled,
        "in_progress": data.in_progress,
        "social_value": _money(data.social_value),
        "lines": [
            {
                "contract_id": line.contract.pk,
                "supplier": str(line.contract.supplier),
                "commitment_id": line.commitment.pk,
                "description": line.commitment.description,
                "unit": line.commitment.unit,
                "target": line.target,
                "delivered_in_year": _num(line.delivered_in_year),
                "delivered_to_date": _num(line.delivered_to_date),
                "status": line.status.rag,
                "outcome": line.outcome,
                "social_value_in_year": _money(line.value_in_year),
            }
            for line in data.lines
        ],
    }


class CompleteIn(Schema):
    completed_on: dt.date
    outcome: str = ""


@router.post(f"{BASE}/remedial-plans/{{int:plan_id}}/complete", response=PlanOut)
def complete_remedy(request, pk: int, plan_id: int, payload: CompleteIn):
    from .models import RemedialPlan

    partnership = get_for(request.user, pk, "benefits.verify_returns")
    plan = get_object_or_404(
        RemedialPlan.objects.select_related("commitment__contract__tender__partnership"),
        commitment__contract__tender__partnership=partnership,
        pk=plan_id,
    )
    return domain.complete_remedy(plan=plan, actor=request.user, **payload.dict())
