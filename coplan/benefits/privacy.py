"""Personal data the benefits app holds (see ``coplan.core.privacy``): who submitted, reviewed
and planned the contractor's community benefit returns, and the evidence files behind them
(start letters, payroll extracts and item logs can name trainees and staff who have no Coplan
account). The returns are the official record of a public contract's delivery and are kept; on
erasure they stay linked to the scrubbed account ("Erased person"). Evidence files are deleted
six years after the contract ends; the verified figures stay."""

import datetime as dt

from django.db import transaction

from coplan.core.privacy import Category, months_ago, register, retention_months

from .models import EvidenceFile, QuarterlyReturn, RemedialPlan, ReturnLine


def export_returns(person):
    return (
        [
            {
                "return_submitted": str(r),
                "contract": str(r.contract),
                "at": r.submitted_at,
                "notes": r.notes,
            }
            for r in QuarterlyReturn.objects.filter(submitted_by=person).select_related(
                "contract__supplier"
            )
        ]
        + [
            {
                "line_reviewed": str(line),
                "status": line.get_status_display(),
                "query": line.query,
                "at": line.reviewed_at,
            }
            for line in ReturnLine.objects.filter(reviewed_by=person).select_related(
                "commitment", "quarterly_return"
            )
        ]
        + [
            {
                "remedial_plan": str(p),
                "actions": p.actions,
                "starts_on": p.starts_on,
                "due_on": p.due_on,
            }
            for p in RemedialPlan.objects.filter(created_by=person).select_related("commitment")
        ]
    )


def export_evidence(person):
    return [
        {
            "evidence_uploaded": e.name,
            "for": str(e.line),
            "content_type": e.content_type,
            "size": e.size,
            "at": e.uploaded_at,
        }
        for e in EvidenceFile.objects.filter(uploaded_by=person).select_related(
            "line__commitment", "line__quarterly_return"
        )
    ]


def _expired_evidence(today: dt.date):
    cutoff = months_ago(today, retention_months("benefit_evidence", 72))
    return EvidenceFile.objects.filter(line__quarterly_return__contract__ends_on__lt=cutoff)


def retain_evidence(today, dry_run):
    """Evidence files of contracts that ended more than N months ago (default 72) are deleted,
    file and record; the verified figures they supported stay. The stored files go only once
    the transaction commits (a dry run or a failure keeps them)."""
    expired = list(_expired_evidence(today))
    if dry_run or not expired:
        return len(expired)
    files = [(e.file.storage, e.file.name) for e in expired if e.file]
    EvidenceFile.objects.filter(pk__in=[e.pk for e in expired]).delete()

    def remove_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return len(expired)


register(
    Category(
        key="benefits.returns",
        title="Community benefit returns and their review",
        holds="Who submitted each quarterly return, who verified or queried each line (and the "
        "query), and who wrote remedial plans.",
        about="Contractors' staff and the council's contract managers.",
        purpose="To monitor the community benefits a public contract promised and report them "
        "in the authority's annual procurement report.",
        lawful_basis="Public task and legal obligation (UK GDPR Art. 6(1)(e), (c)): community "
        "benefit requirements must be reported.",
        retention="For the council's records retention schedule for contracts; kept without a "
        "name after erasure.",
        export=export_returns,
    )
)
register(
    Category(
        key="benefits.evidence",
        title="Evidence of community benefits delivered",
        holds="Files behind the returns (start letters, payroll extracts, weighbridge tickets, "
        "item logs), which can name trainees and staff, and who uploaded them.",
        about="Contractors' staff and the people recruited or trained under the contract.",
        purpose="To verify the figures a contractor reports before they count.",
        lawful_basis="Public task (UK GDPR Art. 6(1)(e)).",
        retention="Deleted 6 years after the contract ends; the verified figures stay.",
        export=export_evidence,
        retain=retain_evidence,
        notice="If you are recruited or trained under a council contract with community "
        "benefits, the contractor may send us evidence that names you (a start letter, for "
        "example). Only the people monitoring the contract can open it, and it is deleted 6 "
        "years after the contract ends.",
    )
)
