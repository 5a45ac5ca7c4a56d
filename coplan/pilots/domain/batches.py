"""Bulk uploads: store and inspect the file, match its columns, queue the import, revert."""

from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from coplan.core import audit, clock
from coplan.core.columnar import file_format, inspect_file
from coplan.core.errors import DomainError
from coplan.core.uploads import check_upload, check_utf8_text, delete_stored

from .. import importer, rollups
from ..enums import BatchStatus
from ..models import DeliveryRecord, ImportBatch, Pilot

MAX_UPLOAD_BYTES = 1024 * 1024 * 1024  # through the web or the API; the CLI has no limit


def _duplicate(pilot: Pilot, sha256: str) -> ImportBatch | None:
    return (
        ImportBatch.objects.filter(pilot=pilot, sha256=sha256, status__in=BatchStatus.active())
        .order_by("created_at")
        .first()
    )


ALLOWED_FORMATS = {"csv", "txt", "xlsx", "xlsm", "xls", "ods"}  # as core.columnar reads them
TOO_LARGE = "The file is larger than 1 GB: split it, or import it with `coplan import-deliveries`."


def upload_file(*, pilot: Pilot, actor, file, filename: str, via: str = "web") -> ImportBatch:
    """Keep the uploaded file with a new batch, after checking it can be read and has not
    been uploaded before (same SHA-256). ``file``: an uploaded file or a path (the CLI).

    The shared upload checks run first (a cleaned name, contents that match it, no web page
    code or programs), with the pilot's own larger limit: 1 GB through the web or the API,
    none from the command line. A refused file writes nothing."""
    if isinstance(file, str | Path):
        with open(file, "rb") as handle:
            return _store(pilot, actor, File(handle, name=filename), filename, via)
    return _store(pilot, actor, file, filename, via)


def _check(file, filename: str, via: str) -> str:
    """The safe name to store ``file`` under, or a :class:`DomainError` saying what is wrong."""
    file_format(filename)  # "Upload a CSV or XLSX file." rather than the generic list of types
    # Latin-1, UTF-16 or binary: how to save it, before the sniffing says "not a text file"
    check_utf8_text(file, name=filename)
    return check_upload(
        file,
        allowed=ALLOWED_FORMATS,
        max_bytes=None if via == "cli" else MAX_UPLOAD_BYTES,
        name=filename,
        too_large=TOO_LARGE,
    )


def _store(pilot: Pilot, actor, file, filename: str, via: str) -> ImportBatch:
    name = _check(file, filename, via)
    batch = ImportBatch(pilot=pilot, uploaded_by=actor, filename=name[:255], via=via)
    file.seek(0)
    batch.file.save(name, file, save=False)
    stored = (batch.file.storage, batch.file.name)
    try:
        info = inspect_file(batch.file.path, name)
        earlier = _duplicate(pilot, info.sha256)
        if earlier is not None:
            when = timezone.localtime(earlier.created_at)
            raise DomainError(
                f"This file was already uploaded on {when:%d %B %Y} (upload {earlier.pk}, "
                f"“{earlier.filename}”, "
                f"{earlier.get_status_display().lower()}): the same records would be counted "
                "twice. Revert that upload first if you mean to replace it.",
                code="duplicate_file",
                field="file",
                data={"batch": earlier.pk},
            )
        batch.format = info.format
        batch.size = info.size
        batch.sha256 = info.sha256
        batch.columns = info.columns
        batch.preview = info.preview
        batch.estimated_rows = info.estimated_rows
        batch.mapping = importer.guess_mapping(info.columns).as_json()
        with transaction.atomic():
            batch.save()
            audit.log(
                actor=actor,
                action="pilots.batch.uploaded",
                obj=batch,
                partnership=pilot.partnership,
                data={
                    "filename": batch.filename,
                    "size": batch.size,
                    "sha256": batch.sha256,
                    "rows": batch.estimated_rows,
                    "via": via,
                },
            )
    except BaseException:  # refused, or failed: no batch, so no file either
        delete_stored(stored)
        raise
    return batch


def upload_and_queue(
    *, pilot: Pilot, actor, file, filename: str, mapping, scope=None, via: str = "api"
) -> ImportBatch:
    """Upload a file and queue its import in one step (the API with a mapping, the command
    line): if the file or the column matching is refused, nothing is kept — no batch, no
    preview rows, no file. ``mapping``: an :class:`importer.Mapping`, or a function making one
    from the stored batch's columns."""
    stored = None
    try:
        with transaction.atomic():
            batch = upload_file(pilot=pilot, actor=actor, file=file, filename=filename, via=via)
            stored = (batch.file.storage, batch.file.name)
            chosen = mapping(batch) if callable(mapping) else mapping
            queue_import(batch=batch, actor=actor, mapping=chosen, scope=scope)
    except BaseException:  # the transaction rolled back the batch and its audit event
        if stored is not None:
            delete_stored(stored)
        raise
    return batch


def queue_import(*, batch: ImportBatch, actor, mapping: importer.Mapping, scope=None):
    """Save the column matching and queue the import. ``scope``: the providers the uploader
    may record for (``None``: any); the importer refuses rows for anyone else."""
    if batch.status not in (BatchStatus.UPLOADED, BatchStatus.QUEUED):
        raise DomainError(
            f"This upload is {batch.get_status_display().lower()}: it cannot be queued again.",
            code="not_queueable",
        )
    importer.check_mapping(mapping, batch.columns, batch.pilot)
    fixed = mapping.fixed.get("provider")
    if scope is not None and fixed is not None and fixed not in scope:
        raise DomainError(
            "You can record deliveries only for your own organisation.",
            code="not_your_organisation",
            field="provider",
        )
    earlier = _duplicate(batch.pilot, batch.sha256)
    if earlier is not None and earlier.pk != batch.pk:
        raise DomainError(
            f"This file was already uploaded (upload {earlier.pk}).", code="duplicate_file"
        )
    with transaction.atomic():
        batch.mapping = mapping.as_json()
        batch.allowed_providers = sorted(scope) if scope is not None else None
        batch.status = BatchStatus.QUEUED
        batch.save(update_fields=["mapping", "allowed_providers", "status"])
        audit.log(
            actor=actor,
            action="pilots.batch.queued",
            obj=batch,
            partnership=batch.pilot.partnership,
            data={"mapping": batch.mapping},
        )
    return batch


def revert_batch(*, batch: ImportBatch, actor, reason: str = "", scope=None) -> int:
    """Remove every record of an imported batch and its share of the rollups, together."""
    if scope is not None and (
        batch.allowed_providers is None or not set(batch.allowed_providers) <= set(scope)
    ):
        raise DomainError(
            "This upload has records for other organisations: ask the facilitator to revert it.",
            code="not_your_upload",
        )
    with transaction.atomic():
        rollups.lock_pilot(batch.pilot_id)
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != BatchStatus.IMPORTED:
            raise DomainError(
                f"Only an imported upload can be reverted; this one is "
                f"{batch.get_status_display().lower()}.",
                code="not_imported",
            )
        monthly, kpi_parts = importer.reverse_parts(batch)
        rollups.apply(batch.pilot_id, monthly, kpi_parts, sign=-1)
        removed = DeliveryRecord.objects.filter(batch=batch)._raw_delete(DeliveryRecord.objects.db)
        rollups.touch(batch.pilot_id)
        batch.status = BatchStatus.REVERTED
        batch.reverted_by = actor
        batch.reverted_at = clock.now()
        batch.revert_reason = reason
        batch.save(update_fields=["status", "reverted_by", "reverted_at", "revert_reason"])
        audit.log(
            actor=actor,
            action="pilots.batch.reverted",
            obj=batch,
            partnership=batch.pilot.partnership,
            data={"filename": batch.filename, "rows": removed, "reason": reason},
        )
    return removed
