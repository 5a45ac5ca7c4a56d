"""Business actions of service design. Each is one keyword-only function that guards, changes,
saves and audits (dotted ``design.*`` codes) in one transaction (pretalx
``set_submission_state``). Split by subject: engagement, items, consent, imports, specification,
disclosure."""

from coplan.core.errors import DomainError

from .consent import record_consent, withdraw_consent
from .disclosure import classify, classify_many
from .engagement import (
    add_attachment,
    add_attendance,
    close_open_link,
    create_activity,
    ensure_user_groups,
    open_link,
    remove_attendance,
    update_activity,
)
from .imports import import_survey, run_import, upload_survey
from .items import (
    comment,
    create_theme,
    curate_item,
    merge_items,
    post_item,
    post_open_item,
    record_item,
    respond,
    support,
    update_theme,
    withdraw_support,
)
from .spec import (
    add_requirement,
    approve_version,
    discard_draft,
    freeze_version,
    new_draft,
    remove_requirement,
    update_requirement,
    update_version,
)

__all__ = [
    "DomainError",
    "add_attachment",
    "add_attendance",
    "add_requirement",
    "approve_version",
    "classify",
    "classify_many",
    "close_open_link",
    "comment",
    "create_activity",
    "create_theme",
    "curate_item",
    "discard_draft",
    "ensure_user_groups",
    "freeze_version",
    "import_survey",
    "merge_items",
    "new_draft",
    "open_link",
    "post_item",
    "post_open_item",
    "record_consent",
    "record_item",
    "remove_attendance",
    "remove_requirement",
    "respond",
    "run_import",
    "support",
    "update_activity",
    "update_requirement",
    "update_theme",
    "update_version",
    "upload_survey",
    "withdraw_consent",
    "withdraw_support",
]
