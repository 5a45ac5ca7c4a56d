"""Background tasks (thin and id-based): long imports run in the task worker
(``coplan db_worker``) or, with the Immediate backend (tests, no worker), inline."""

from django.tasks import task

from . import importer


@task
def import_batch(batch_id: int) -> dict:
    outcome = importer.run(batch_id)
    return {
        "status": str(outcome.status),
        "imported": outcome.imported,
        "errors": outcome.error_count,
    }


def start_import(batch) -> None:
    import_batch.enqueue(batch.pk)
