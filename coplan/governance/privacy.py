"""Personal data the governance app holds (see ``coplan.core.privacy``): seats on bodies,
attendance, declarations and the register of interests, actions, calendar feeds. Attendance,
declarations and decisions are official records of public bodies and are kept; on erasure they
stay linked to the scrubbed account ("Erased person")."""

from coplan.core.privacy import Category, register

from .models import Action, Attendance, BodyMember, CalendarFeed, Declaration, Interest


def export_governance(person):
    return (
        [
            {"seat_on": str(s.body), "role": getattr(s, "role", ""), "left_on": s.left_on}
            for s in BodyMember.objects.filter(user=person).select_related("body")
        ]
        + [
            {"meeting": str(a.meeting), "attendance": a.get_status_display()}
            for a in Attendance.objects.filter(user=person).select_related("meeting")
        ]
        + [
            {"meeting": str(d.meeting), "declared": d.interest, "nature": d.get_nature_display()}
            for d in Declaration.objects.filter(user=person).select_related("meeting")
        ]
        + [
            {"action": a.description, "due_on": a.due_on, "status": a.get_status_display()}
            for a in Action.objects.filter(owner=person)
        ]
    )


def export_interests(person):
    return [
        {
            "kind": i.get_kind_display(),
            "organisation": i.organisation_name
            or (str(i.organisation) if i.organisation_id else ""),
            "description": i.description,
            "starts_on": i.starts_on,
            "ends_on": i.ends_on,
            "declared_at": i.declared_at,
        }
        for i in Interest.objects.filter(user=person)
    ] + [
        {"calendar_feed_created_at": f.created_at} for f in CalendarFeed.objects.filter(user=person)
    ]


def erase_interests(person):
    """The register of interests is personal; the calendar feed's secret link goes too.
    Declarations made at meetings stay in the minutes."""
    interests, _ = Interest.objects.filter(user=person).delete()
    feeds, _ = CalendarFeed.objects.filter(user=person).delete()
    return interests + feeds


register(
    Category(
        key="governance.records",
        title="Meetings, attendance, declarations and actions",
        holds="Seats on partnership bodies, who attended each meeting, interests declared at "
        "meetings, and actions owned.",
        about="Partners who sit on the partnership's bodies.",
        purpose="To keep the official record of the partnership's governance (minutes, "
        "decisions, conflicts of interest).",
        lawful_basis="Public task (UK GDPR Art. 6(1)(e)); legal obligation for conflicts of "
        "interest in procurement (Art. 6(1)(c)).",
        retention="For the council's records retention schedule for committee records; kept "
        "without a name after erasure.",
        export=export_governance,
    )
)
register(
    Category(
        key="governance.interests",
        title="Register of interests and calendar feeds",
        holds="A person's standing interests (employment, shareholdings, gifts) and a secret "
        "calendar link.",
        about="Partners who sit on the partnership's bodies.",
        purpose="To manage conflicts of interest before decisions are made.",
        lawful_basis="Legal obligation (UK GDPR Art. 6(1)(c)).",
        retention="Until the person asks for erasure or their account is removed.",
        export=export_interests,
        erase=erase_interests,
    )
)
