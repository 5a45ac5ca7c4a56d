"""Business actions of the benefits app: each guards, changes, saves and audits in one
transaction."""

from .returns import (
    add_evidence,
    complete_remedy,
    plan_remedy,
    query_line,
    record_retention,
    resubmit_line,
    set_thresholds,
    submit_return,
    verify_line,
)
from .sroi import add_outcome, create_analysis, delete_analysis, remove_outcome, update_analysis

__all__ = [
    "add_evidence",
    "add_outcome",
    "complete_remedy",
    "create_analysis",
    "delete_analysis",
    "plan_remedy",
    "query_line",
    "record_retention",
    "remove_outcome",
    "resubmit_line",
    "set_thresholds",
    "submit_return",
    "update_analysis",
    "verify_line",
]
