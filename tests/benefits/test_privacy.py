"""What the benefits app declares in the data protection register (``coplan.ops.privacy``):
who submitted and reviewed the contractor's returns, and the evidence files behind them, with
subject access and the evidence retention rule (deleted six years after the contract ends,
the verified figures stay)."""

import datetime as dt
from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile

from coplan.benefits import domain
from coplan.benefits.models import EvidenceFile, ReturnLine
from coplan.ops import privacy


def returned(w):
    """The first quarter's return (3 trainees, 400 items), a start letter behind the trainees
    line, both lines verified by the procurement officer."""
    ret = domain.submit_return(
        contract=w.contract,
        actor=w.people["se_partner"],
        period_start=dt.date(2007, 10, 1),
        lines={w.trainees: {"actual": D(3)}, w.reused: {"actual": D(400)}},
    )
    trainees = ret.lines.get(commitment=w.trainees)
    evidence = domain.add_evidence(
        line=trainees,
        actor=w.people["se_partner"],
        upload=SimpleUploadedFile("start-letters.pdf", b"%PDF-1.4 names", "application/pdf"),
    )
    for line in ret.lines.all():
        domain.verify_line(line=line, actor=w.people["procurement"])
    return ret, trainees, evidence


def test_the_register_declares_returns_and_evidence(db):
    by_key = {c.key: c for c in privacy.categories()}
    returns, evidence = by_key["benefits.returns"], by_key["benefits.evidence"]
    for c in (returns, evidence):
        assert c.app == "benefits"
        assert c.holds and c.about and c.purpose and c.lawful_basis and c.retention
    assert returns.export is not None and returns.retain is None
    assert evidence.export is not None and evidence.retain is not None
    assert evidence.notice


def test_subject_access_shows_returns_reviews_and_evidence(contract):
    w = contract
    ret, _, _ = returned(w)
    supplier = {
        s["category"]: s["records"]
        for s in privacy.export_person(w.people["se_partner"])["categories"]
    }
    assert [r["return_submitted"] for r in supplier["benefits.returns"]] == [str(ret)]
    [uploaded] = supplier["benefits.evidence"]
    assert (uploaded["evidence_uploaded"], uploaded["content_type"], uploaded["size"]) == (
        "start-letters.pdf",
        "application/pdf",
        14,
    )
    manager = {
        s["category"]: s["records"]
        for s in privacy.export_person(w.people["procurement"])["categories"]
    }
    assert sorted(r["status"] for r in manager["benefits.returns"]) == ["Verified", "Verified"]
    assert manager["benefits.evidence"] == []


def test_evidence_is_deleted_six_years_after_the_contract_ends(
    contract, media, django_capture_on_commit_callbacks
):
    """The contract ends on 30 September 2010: its evidence goes once 72 months have passed
    (on 1 October 2016, not a day before); the verified figures stay."""
    w = contract
    _, trainees, evidence = returned(w)
    path = media / evidence.file.name
    assert path.exists()

    def applied(run):
        return dict((c.key, n) for c, n in run.results)["benefits.evidence"]

    assert applied(privacy.apply_retention(today=dt.date(2016, 9, 30), dry_run=True)) == 0
    assert applied(privacy.apply_retention(today=dt.date(2016, 10, 1), dry_run=True)) == 1
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists() and path.exists()

    with django_capture_on_commit_callbacks(execute=True):  # the files go once it commits
        assert applied(privacy.apply_retention(today=dt.date(2016, 10, 1))) == 1
    assert not EvidenceFile.objects.filter(pk=evidence.pk).exists()
    assert not path.exists()
    line = ReturnLine.objects.get(pk=trainees.pk)
    assert (line.actual, line.status) == (D(3), "verified")
    # safe to rerun: nothing left to delete
    assert applied(privacy.apply_retention(today=dt.date(2016, 10, 1))) == 0
