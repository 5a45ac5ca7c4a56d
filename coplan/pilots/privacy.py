"""Personal data the pilots app holds (see ``coplan.core.privacy``). Delivery records hold no
personal data in the clear: each client is a keyed pseudonym (``client_ref``) that Coplan cannot
turn back into a person, so they are outside subject access and erasure here; the provider
holds the key."""

from coplan.core.privacy import (
    Category,
    months_ago,
    register,
    retention_months,
)
from coplan.partnerships.queries import closed_partnerships

from .enums import BatchStatus
from .models import Evaluation, Feedback, ImportBatch


def export_feedback(person):
    return [
        {
            "pilot": str(f.pilot),
            "rating": f.rating,
            "comment": f.comment,
            "received_on": f.received_on,
            "what_we_did": f.response,
        }
        for f in Feedback.objects.filter(submitted_by=person).select_related("pilot")
    ] + [
        {"evaluation_written": e.title, "pilot": str(e.pilot), "at": e.created_at}
        for e in Evaluation.objects.filter(author=person).select_related("pilot")
    ]


def erase_feedback(person):
    """The rating and comment stay; who gave them goes."""
    return Feedback.objects.filter(submitted_by=person).update(submitted_by=None, anonymous=True)


def retain_feedback(today, dry_run):
    """Who gave feedback is forgotten N months after the PSP closes (default 12)."""
    cutoff = months_ago(today, retention_months("pilot_feedback", 12))
    named = Feedback.objects.filter(
        pilot__partnership__in=closed_partnerships(before=cutoff), submitted_by__isnull=False
    )
    if dry_run:
        return named.count()
    return named.update(submitted_by=None, anonymous=True)


register(
    Category(
        key="pilots.feedback",
        title="Feedback on the pilot service",
        holds="A rating and comment, and who gave it unless they chose to be anonymous.",
        about="Service users of the pilot and partners.",
        purpose="To learn whether the pilot service works for the people using it.",
        lawful_basis="Public task (UK GDPR Art. 6(1)(e)).",
        retention="Who gave feedback is removed 12 months after the partnership closes; the "
        "ratings and comments stay without a name.",
        export=export_feedback,
        erase=erase_feedback,
        retain=retain_feedback,
        notice="If you give feedback on the pilot service, we keep your rating and comment. "
        "You can give it anonymously; if you do not, your name is removed 12 months after the "
        "partnership ends.",
    )
)


def retain_upload_files(today, dry_run):
    """An uploaded delivery-records file holds the raw client identifiers (Coplan keeps only
    keyed codes): the file, its preview rows and its error details are removed N months
    (default 1) after the upload was imported, reverted or failed. The batch keeps its name,
    size, counts and checksum, so the same file is still recognised if uploaded again."""
    cutoff = months_ago(today, retention_months("pilot_uploads", 1))
    done = (
        ImportBatch.objects.filter(
            status__in=[BatchStatus.IMPORTED, BatchStatus.REVERTED, BatchStatus.FAILED],
            finished_at__date__lt=cutoff,
        )
        .exclude(file="")
        .order_by("pk")
    )
    if dry_run:
        return done.count()
    count = 0
    for batch in done:
        batch.file.delete(save=False)
        batch.preview = []
        batch.errors = []
        batch.save(update_fields=["file", "preview", "errors"])
        count += 1
    return count


register(
    Category(
        key="pilots.upload_files",
        title="Uploaded delivery-record files",
        holds="The files partners upload, as they sent them: these may hold their own client "
        "identifiers, which Coplan turns into keyed codes when it imports them.",
        about="Service users of the pilot.",
        purpose="To check and import the delivery records, and to show what went wrong.",
        lawful_basis="Public task (UK GDPR Art. 6(1)(e)).",
        retention="The file, its preview and its error details are deleted 1 month after the "
        "upload was imported, reverted or failed; the upload's name, size, counts and "
        "checksum stay.",
        retain=retain_upload_files,
    )
)
register(
    Category(
        key="pilots.delivery_records",
        title="Service delivery records (pseudonymised)",
        holds="What service was delivered and when, to a client identified only by a keyed "
        "code; Coplan never holds the client's name.",
        about="Service users of the pilot.",
        purpose="To measure the pilot's results (KPIs) for the evaluation.",
        lawful_basis="Public task (UK GDPR Art. 6(1)(e)); statistical purposes (Art. 89).",
        retention="For the evaluation and the council's records retention schedule.",
        notice="The organisations delivering the pilot tell us what they did without telling "
        "us who you are: we only see a code.",
    )
)
