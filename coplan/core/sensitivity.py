"""Who may see each audit event: one table, declared per app, read by every reader of the log.

Every action code that :func:`coplan.core.audit.log` writes is declared here, by its app's
``sensitivity.py`` module (found at start-up), with a :class:`Sensitivity`:

* ``audience`` — who in the partnership sees the event and its data (an :class:`Audience`);
* ``members_from`` — a moment of the event's tender (:class:`Moment`) from which everyone in
  the partnership sees it too (e.g. who sat on the evaluation panel, once the contract is
  awarded);
* ``sealed_until`` — a moment of the event's tender before which the event is left out of
  everything but the live views of its audience: subject-access exports withhold it (who bid
  for a tender is not told to anyone until the bids are opened).

The person concerned — the event's actor, or the person it names in ``data["person_id"]`` —
always sees their own event. What a viewer may not see is absent from the log, its API, its exports
and privacy exports, never redacted in place. :func:`coplan.core.audit.log` refuses an action
code that has no declared sensitivity, and ``tests/security`` enumerates every code the code
base can emit. The roles behind each audience are mapped in
:mod:`coplan.partnerships.sensitivity`; the table itself is printed in README's security section.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models


class Audience(models.TextChoices):
    MEMBERS = "members", "Everyone in the partnership"
    COST_VIEWERS = "cost_viewers", "Members who may see costs (not service users)"
    OFFICERS = "officers", "Procurement officers and commissioners"
    PROCUREMENT = "procurement", "Procurement officers (who chair moderation)"
    CONCERNED = "concerned", "Only the person concerned"
    SITE = "site", "Site administrators (site-wide events, in no partnership)"


class Moment(models.TextChoices):
    OPENING = "opened", "After the bids are opened"
    AWARD = "awarded", "After the contract is awarded"


@dataclass(frozen=True)
class Sensitivity:
    audience: Audience
    members_from: Moment | None = None
    sealed_until: Moment | None = None


class UndeclaredAction(LookupError):
    """An audit action code with no declared sensitivity."""


_TABLE: dict[str, Sensitivity] = {}
_MOMENTS: list[Callable] = []


def declare(audience: Audience, codes: Iterable[str], **when) -> None:
    """Declare ``codes`` (dotted action codes) as seen by ``audience`` (and ``when``)."""
    sensitivity = Sensitivity(audience, **when)
    for code in codes:
        if code in _TABLE and _TABLE[code] != sensitivity:
            raise ValueError(f"{code} is declared twice, differently")
        _TABLE[code] = sensitivity


def of(action: str) -> Sensitivity:
    try:
        return _TABLE[action]
    except KeyError:
        raise UndeclaredAction(
            f"The audit action {action!r} has no declared sensitivity: declare it in its app's "
            "sensitivity.py (coplan.core.sensitivity)"
        ) from None


def table() -> dict[str, Sensitivity]:
    """Every declared action code and its sensitivity, sorted by code."""
    return dict(sorted(_TABLE.items()))


def register_moments(provider: Callable) -> None:
    """``provider(partnership)`` answers ``{Moment: {tender ids that reached it}}``."""
    _MOMENTS.append(provider)


def reached(partnership) -> dict[Moment, set]:
    """The ids of ``partnership``'s tenders that reached each moment (``None``: every
    partnership, for site-wide readers such as privacy exports)."""
    found = {moment: set() for moment in Moment}
    for provider in _MOMENTS:
        for moment, ids in provider(partnership).items():
            found[moment] |= set(ids)
    return found


def codes(predicate: Callable[[Sensitivity], bool]) -> list[str]:
    return sorted(code for code, s in _TABLE.items() if predicate(s))


# The kernel's own events: site-wide (in no partnership), seen by site administrators and the
# person concerned.
declare(
    Audience.SITE,
    [
        "core.organisation.created",
        "core.statutory_rule.created",
        "core.statutory_rule.updated",
        "core.audit.redacted",
    ],
)
declare(Audience.CONCERNED, ["core.api_token.created", "core.api_token.revoked"])
