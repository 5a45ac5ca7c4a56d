"""Business actions of the pilots app: one keyword-only function per action, which guards,
changes, saves and audits in one transaction (pretalx ``submission/domain``)."""

from .batches import queue_import, revert_batch, upload_and_queue, upload_file
from .evaluations import (
    approve_evaluation,
    classify,
    classify_many,
    create_evaluation,
    refresh_results,
    update_evaluation,
)
from .feedback import respond_to_feedback, submit_feedback
from .issues import log_issue, update_issue
from .kpis import delete_kpi, save_kpi, set_kpi_value
from .pilot import (
    add_provider,
    check_pilot_dates,
    create_pilot,
    decide_extension,
    remove_provider,
    remove_service,
    request_extension,
    save_service,
    stop_pilot,
    update_pilot,
)
from .records import delete_delivery, record_delivery, update_delivery

__all__ = [
    "add_provider",
    "approve_evaluation",
    "check_pilot_dates",
    "classify",
    "classify_many",
    "create_evaluation",
    "create_pilot",
    "decide_extension",
    "delete_delivery",
    "delete_kpi",
    "log_issue",
    "queue_import",
    "record_delivery",
    "refresh_results",
    "remove_provider",
    "remove_service",
    "request_extension",
    "respond_to_feedback",
    "revert_batch",
    "save_kpi",
    "save_service",
    "set_kpi_value",
    "stop_pilot",
    "submit_feedback",
    "update_delivery",
    "update_evaluation",
    "update_issue",
    "update_pilot",
    "upload_and_queue",
    "upload_file",
]
