"""Helpers shared by the design domain modules."""

from coplan.core.errors import DomainError


def snapshot(obj, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


def changes(before: dict, obj) -> dict:
    """``{field: [old, new]}`` for every field of ``before`` whose value changed."""
    changed = {}
    for name, old in before.items():
        new = getattr(obj, name)
        if old != new:
            changed[name] = [_plain(old), _plain(new)]
    return changed


def _plain(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def clean_text(value, *, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(message, code="required", field=field)
    return text


def same_partnership(obj, partnership, *, field: str, what: str) -> None:
    if obj is not None and obj.partnership_id != partnership.pk:
        raise DomainError(
            f"That {what} belongs to another partnership.", code="wrong_partnership", field=field
        )


def require_member(user, partnership, *, field: str) -> None:
    if user is not None and not partnership.memberships.filter(user=user).exists():
        raise DomainError(
            f"{user} is not a member of this partnership.", code="not_a_member", field=field
        )
