"""Business actions of the costing app (the project convention: one keyword-only function per
action that guards, changes, saves and audits in one transaction)."""

from .capacity import add_action, record_assessment, update_action
from .lines import (
    add_activity,
    remove_activity,
    remove_direct_cost,
    remove_pool,
    remove_staff_line,
    save_direct_cost,
    save_pool,
    save_staff_line,
    set_driver_values,
)
from .thresholds import set_variance_threshold
from .versions import (
    SETTINGS_FIELDS,
    Contents,
    create_cost_model,
    lock_version,
    new_draft,
    replace_contents,
    share_version,
    update_cost_model,
    update_settings,
)

__all__ = [
    "SETTINGS_FIELDS",
    "Contents",
    "add_action",
    "add_activity",
    "create_cost_model",
    "lock_version",
    "new_draft",
    "record_assessment",
    "remove_activity",
    "remove_direct_cost",
    "remove_pool",
    "remove_staff_line",
    "replace_contents",
    "save_direct_cost",
    "save_pool",
    "save_staff_line",
    "set_driver_values",
    "set_variance_threshold",
    "share_version",
    "update_action",
    "update_cost_model",
    "update_settings",
]
