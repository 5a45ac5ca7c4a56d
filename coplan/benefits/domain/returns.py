"""Quarterly returns: the contractor submits a line per commitment (actuals, notes, evidence),
the contract manager verifies or queries each line, the contractor answers a query by
resubmitting the line; only verified figures count. A red commitment gets a remedial plan with
dates. Settings hold the partnership's RAG thresholds."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.core.uploads import SAFE_TYPES, check_upload, extension, safe_filename

from .. import calc
from ..models import (
    EvidenceFile,
    LineStatus,
    MonitoringSettings,
    QuarterlyReturn,
    RemedialPlan,
    ReturnLine,
)
from ..rules import can_submit_for, manages_contract

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = {"pdf", "png", "jpg", "jpeg", "csv", "txt", "xlsx"}


def partnership_of(contract):
    return contract.tender.partnership


def _guard_supplier(actor, contract) -> None:
    if not can_submit_for(actor, contract):
        raise PermissionDenied("Only the contractor's people submit its returns.")


def _guard_manager(actor, contract) -> None:
    if not manages_contract(actor, partnership_of(contract)):
        raise PermissionDenied("Only the contract manager verifies returns.")


def _check_line(commitment, data: dict, where: str) -> dict:
    actual = data.get("actual")
    if actual is None or Decimal(actual) < 0:
        raise DomainError("Enter the actual, 0 or more.", code="invalid", field=f"{where}actual")
    additional = data.get("additional")
    if additional is not None and not 0 <= additional <= Decimal(actual):
        raise DomainError(
            "Additional recruits are from 0 to the actual.",
            code="additional_above_actual",
            field=f"{where}additional",
        )
    for weeks in (26, 52):
        kept = data.get(f"in_post_{weeks}")
        if kept is not None and not 0 <= kept <= Decimal(actual):
            raise DomainError(
                f"People in post at {weeks} weeks are from 0 to the actual.",
                code="retention_above_actual",
                field=f"{where}in_post_{weeks}",
            )
    return {
        "actual": Decimal(actual),
        "notes": data.get("notes", "") or "",
        "additional": additional,
        "in_post_26": data.get("in_post_26"),
        "in_post_52": data.get("in_post_52"),
    }


def quarter_of(contract, period_start: dt.date) -> tuple[dt.date, dt.date]:
    for start, end in calc.quarters(contract.starts_on, contract.ends_on):
        if start == period_start:
            return start, end
    raise DomainError(
        "Choose one of the contract's quarters.", code="not_a_quarter", field="period_start"
    )


def submit_return(
    *, contract, actor, period_start: dt.date, lines: dict, notes: str = "", today=None
) -> QuarterlyReturn:
    """``lines`` maps each commitment to ``{"actual", "notes", "additional", "in_post_26",
    "in_post_52"}``. A quarter's return is submitted once, after the quarter has ended;
    queried lines are answered with :func:`resubmit_line`."""
    _guard_supplier(actor, contract)
    start, end = quarter_of(contract, period_start)
    today = today or clock.today()
    if end > today:
        raise DomainError(
            f"The quarter ends on {end:%d %B %Y}: submit its return after that.",
            code="quarter_not_over",
            field="period_start",
        )
    if QuarterlyReturn.objects.filter(contract=contract, period_start=start).exists():
        raise DomainError(
            "This quarter's return is already in. Answer any queries on its lines instead.",
            code="already_submitted",
            field="period_start",
        )
    own = {c.pk: c for c in contract.commitments.all()}
    if not lines:
        raise DomainError("Enter at least one commitment's actual.", code="no_lines", field="lines")
    cleaned = {}
    for commitment, data in lines.items():
        if commitment.pk not in own:
            raise DomainError(
                "That commitment is not in this contract.", code="not_in_contract", field="lines"
            )
        cleaned[commitment] = _check_line(commitment, data, f"lines[{commitment.pk}].")
    with transaction.atomic():
        ret = QuarterlyReturn.objects.create(
            contract=contract,
            period_start=start,
            period_end=end,
            notes=notes,
            submitted_by=actor,
        )
        ReturnLine.objects.bulk_create(
            ReturnLine(quarterly_return=ret, commitment=c, **data) for c, data in cleaned.items()
        )
        audit.log(
            actor=actor,
            action="benefits.return.submitted",
            obj=ret,
            partnership=partnership_of(contract),
            data={
                "quarter": str(ret),
                "lines": {str(c.pk): str(d["actual"]) for c, d in cleaned.items()},
            },
        )
    return ret


def resubmit_line(*, line: ReturnLine, actor, **data) -> ReturnLine:
    """The contractor's answer to a query: new figures and notes; back to awaiting
    verification."""
    contract = line.quarterly_return.contract
    _guard_supplier(actor, contract)
    if line.status != LineStatus.QUERIED:
        raise DomainError(
            "Only a queried line can be changed.", code="line_not_queried", field="actual"
        )
    cleaned = _check_line(line.commitment, data, "")
    with transaction.atomic():
        for key, value in cleaned.items():
            setattr(line, key, value)
        line.status = LineStatus.SUBMITTED
        line.save()
        audit.log(
            actor=actor,
            action="benefits.line.resubmitted",
            obj=line,
            partnership=partnership_of(contract),
            data={"actual": str(line.actual), "answered": line.query},
        )
    return line


def record_retention(*, line: ReturnLine, actor, in_post_26=None, in_post_52=None) -> ReturnLine:
    """Recruits still in post at 26 and 52 weeks, recorded when known (a verified line stays
    verified: retention is reported, not counted towards the target)."""
    contract = line.quarterly_return.contract
    _guard_supplier(actor, contract)
    data = _check_line(
        line.commitment,
        {
            "actual": line.actual,
            "additional": line.additional,
            "in_post_26": in_post_26 if in_post_26 is not None else line.in_post_26,
            "in_post_52": in_post_52 if in_post_52 is not None else line.in_post_52,
        },
        "",
    )
    with transaction.atomic():
        line.in_post_26, line.in_post_52 = data["in_post_26"], data["in_post_52"]
        line.save(update_fields=["in_post_26", "in_post_52"])
        audit.log(
            actor=actor,
            action="benefits.line.retention_recorded",
            obj=line,
            partnership=partnership_of(contract),
            data={"in_post_26": line.in_post_26, "in_post_52": line.in_post_52},
        )
    return line


def add_evidence(*, line: ReturnLine, actor, upload) -> EvidenceFile:
    contract = line.quarterly_return.contract
    _guard_supplier(actor, contract)
    if line.status == LineStatus.VERIFIED:
        raise DomainError(
            "The line is verified: its evidence is closed.", code="line_verified", field="file"
        )
    if extension(safe_filename(getattr(upload, "name", "") or "")) not in EVIDENCE_EXTENSIONS:
        raise DomainError(
            "The file must be a PDF, PNG, JPEG, CSV, text or XLSX file.",
            code="unsupported_file",
            field="file",
        )
    # Size, emptiness, contents that really match the extension (never HTML, scripts or
    # programs, whatever type the browser declared); a cleaned name, never the path it sent.
    name = check_upload(
        upload,
        allowed=EVIDENCE_EXTENSIONS,
        max_bytes=MAX_EVIDENCE_BYTES,
        too_large="The file must be smaller than 10 MB.",
    )
    content_type = SAFE_TYPES[extension(name)].split(";")[0]
    evidence = EvidenceFile(
        line=line, name=name, content_type=content_type, size=upload.size, uploaded_by=actor
    )
    evidence.file.save(name, upload, save=False)
    try:
        with transaction.atomic():
            evidence.save()
            audit.log(
                actor=actor,
                action="benefits.evidence.added",
                obj=evidence,
                partnership=partnership_of(contract),
                data={"name": evidence.name},
            )
    except Exception:
        evidence.file.delete(save=False)  # no row, no orphan file
        raise
    return evidence


def verify_line(*, line: ReturnLine, actor) -> ReturnLine:
    contract = line.quarterly_return.contract
    _guard_manager(actor, contract)
    if line.status != LineStatus.SUBMITTED:
        raise DomainError(
            "Only a line awaiting verification can be verified.",
            code="line_not_submitted",
            field="status",
        )
    with transaction.atomic():
        line.status = LineStatus.VERIFIED
        line.reviewed_by, line.reviewed_at = actor, clock.now()
        line.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        audit.log(
            actor=actor,
            action="benefits.line.verified",
            obj=line,
            partnership=partnership_of(contract),
            data={"actual": str(line.actual)},
        )
    return line


def query_line(*, line: ReturnLine, actor, query: str) -> ReturnLine:
    contract = line.quarterly_return.contract
    _guard_manager(actor, contract)
    if not (query or "").strip():
        raise DomainError("Say what needs checking.", code="query_empty", field="query")
    if line.status != LineStatus.SUBMITTED:
        raise DomainError(
            "Only a line awaiting verification can be queried.",
            code="line_not_submitted",
            field="query",
        )
    with transaction.atomic():
        line.status = LineStatus.QUERIED
        line.query = query.strip()
        line.reviewed_by, line.reviewed_at = actor, clock.now()
        line.save(update_fields=["status", "query", "reviewed_by", "reviewed_at"])
        audit.log(
            actor=actor,
            action="benefits.line.queried",
            obj=line,
            partnership=partnership_of(contract),
            data={"query": line.query},
        )
    return line


def plan_remedy(*, commitment, actor, actions: str, starts_on, due_on) -> RemedialPlan:
    contract = commitment.contract
    partnership = partnership_of(contract)
    if not (can_submit_for(actor, contract) or manages_contract(actor, partnership)):
        raise PermissionDenied("Only the contractor or the contract manager plans a remedy.")
    if not (actions or "").strip():
        raise DomainError("Say what will be done.", code="actions_empty", field="actions")
    if starts_on is None or due_on is None:
        raise DomainError("Give the plan's dates.", code="dates_missing", field="starts_on")
    if due_on < starts_on:
        raise DomainError(
            "The plan is due on or after it starts.", code="due_before_start", field="due_on"
        )
    with transaction.atomic():
        plan = RemedialPlan.objects.create(
            commitment=commitment,
            actions=actions.strip(),
            starts_on=starts_on,
            due_on=due_on,
            created_by=actor,
        )
        audit.log(
            actor=actor,
            action="benefits.remedy.planned",
            obj=plan,
            partnership=partnership_of(contract),
            data={"commitment": commitment.description, "starts_on": starts_on, "due_on": due_on},
        )
    return plan


def complete_remedy(*, plan: RemedialPlan, actor, completed_on, outcome: str = "") -> RemedialPlan:
    contract = plan.commitment.contract
    _guard_manager(actor, contract)
    if plan.completed_on is not None:
        raise DomainError("The plan is already closed.", code="plan_closed", field="completed_on")
    if completed_on < plan.starts_on:
        raise DomainError(
            "A plan cannot close before it starts.", code="before_start", field="completed_on"
        )
    with transaction.atomic():
        plan.completed_on, plan.outcome = completed_on, outcome
        plan.save(update_fields=["completed_on", "outcome"])
        audit.log(
            actor=actor,
            action="benefits.remedy.completed",
            obj=plan,
            partnership=partnership_of(contract),
            data={"completed_on": completed_on},
        )
    return plan


def set_thresholds(*, partnership, actor, green_percent, amber_percent) -> MonitoringSettings:
    if not manages_contract(actor, partnership):
        raise PermissionDenied("Only the contract manager sets the thresholds.")
    try:
        calc.Thresholds(green=Decimal(green_percent), amber=Decimal(amber_percent))
    except calc.CalcInputError as error:
        raise DomainError(error.message, code="thresholds", field="amber_percent") from None
    with transaction.atomic():
        settings, _ = MonitoringSettings.objects.update_or_create(
            partnership=partnership,
            defaults={"green_percent": green_percent, "amber_percent": amber_percent},
        )
        audit.log(
            actor=actor,
            action="benefits.thresholds.set",
            obj=settings,
            partnership=partnership,
            data={"green": green_percent, "amber": amber_percent},
        )
    return settings
