"""The action log as CSV or XLSX (``coplan.core.tables``)."""

import datetime as dt

from django.utils import timezone

from coplan.core.tables import write_csv, write_xlsx

COLUMNS = [
    "Reference",
    "Action",
    "Owner",
    "Owner email",
    "Due",
    "Status",
    "Overdue",
    "Completed",
    "Body",
    "Meeting",
    "Decision",
    "Progress",
    "Created",
]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def action_rows(actions, today: dt.date):
    for action in actions:
        meeting = action.meeting
        yield [
            action.reference,
            action.description,
            action.owner.full_name,
            action.owner.email,
            action.due_on,
            action.get_status_display(),
            "Yes" if action.is_overdue_on(today) else "No",
            action.completed_on,
            action.body.name if action.body else "",
            timezone.localtime(meeting.starts_at).date() if meeting else None,
            action.decision.reference if action.decision else "",
            action.progress_note,
            timezone.localtime(action.created_at).date(),
        ]


def action_log(actions, fmt: str, *, today: dt.date) -> tuple[bytes, str]:
    rows = list(action_rows(actions, today))
    if fmt == "xlsx":
        return write_xlsx(COLUMNS, rows, title="Action log"), CONTENT_TYPES["xlsx"]
    text_rows = [
        ["" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v) for v in r]
        for r in rows
    ]
    return write_csv(COLUMNS, text_rows), CONTENT_TYPES["csv"]
