"""Personal data the design app holds (see ``coplan.core.privacy``): service users' and
partners' ideas, feedback and comments, their consent records and attendance."""

from django.db.models import Q

from coplan.core.privacy import (
    ERASED_NAME,
    Category,
    months_ago,
    register,
    retention_months,
)
from coplan.partnerships.queries import closed_partnerships

from .models import Consent, Item, Support


def export_contributions(person):
    items = Item.objects.filter(Q(author=person) | Q(consent__user=person)).select_related(
        "partnership"
    )
    return [
        {
            "partnership": i.partnership.title,
            "kind": i.get_kind_display(),
            "text": i.text,
            "prompt": i.prompt,
            "anonymous_to_others": i.anonymous,
            "written_at": i.created_at,
            "what_we_did": i.we_did,
        }
        for i in items
    ] + [
        {
            "supported": s.item.text[:200],
            "partnership": s.item.partnership.title,
            "at": s.created_at,
        }
        for s in Support.objects.filter(user=person).select_related("item__partnership")
    ]


def export_consents(person):
    return [
        {
            "partnership": c.partnership.title,
            "covers": c.covers,
            "given_on": c.given_on,
            "withdrawn_on": c.withdrawn_on,
            "activities_attended": [a.activity.title for a in c.attendances.all()],
        }
        for c in Consent.objects.filter(user=person)
        .select_related("partnership")
        .prefetch_related("attendances__activity")
    ]


def erase_contributions(person):
    """The text stays; the name goes."""
    items = Item.objects.filter(Q(author=person) | Q(consent__user=person)).update(
        author=None, author_name="", consent=None, anonymous=True
    )
    supports = Support.objects.filter(user=person).update(user=None)
    return items + supports


def erase_consents(person):
    count = 0
    for consent in Consent.objects.filter(user=person):
        consent.attendances.update(consent=None)
        consent.user = None
        consent.name = ERASED_NAME
        consent.save(update_fields=["user", "name"])
        count += 1
    return count


def retain_engagement_contacts(today, dry_run):
    """Names of contributors and consent records go N months after the PSP closes (default 12,
    ``COPLAN_RETENTION_MONTHS["engagement_contacts"]``); the ideas' text and the counts stay."""
    cutoff = months_ago(today, retention_months("engagement_contacts", 12))
    partnerships = closed_partnerships(before=cutoff)
    named = Item.objects.filter(partnership__in=partnerships).filter(
        ~Q(author_name="") | Q(consent__isnull=False)
    )
    consents = Consent.objects.filter(partnership__in=partnerships)
    if dry_run:
        return named.count() + consents.count()
    count = named.update(author_name="", consent=None, anonymous=True)
    for consent in consents:
        consent.attendances.update(consent=None)
    deleted, _ = consents.delete()
    return count + deleted


register(
    Category(
        key="design.contributions",
        title="Ideas, feedback and comments",
        holds="What a person wrote on the ideas board or in a survey, and who wrote it (unless "
        "they chose to be anonymous), and the ideas they supported.",
        about="Service users and partners.",
        purpose="To design the service with the people who will use it, and to tell them what "
        "was done with their ideas ('you said, we did').",
        lawful_basis="Public task (UK GDPR Art. 6(1)(e)); consent for named contributions.",
        retention="Names are removed 12 months after the partnership closes; the text is kept "
        "without a name as a record of how the service was designed.",
        export=export_contributions,
        erase=erase_contributions,
        notice="If you share an idea or feedback, we keep what you wrote. You can ask for your "
        "name to be taken off it at any time; the words stay, without your name.",
    )
)
register(
    Category(
        key="design.engagement_contacts",
        title="Engagement consent and attendance",
        holds="The name of a person who agreed to be named, what they agreed to, and the "
        "engagement events they came to.",
        about="Service users and members of the public who take part in engagement.",
        purpose="To record that people agreed to be named and to count who took part.",
        lawful_basis="Consent (UK GDPR Art. 6(1)(a)); you can withdraw it at any time.",
        retention="Deleted 12 months after the partnership closes (attendance counts stay).",
        export=export_consents,
        erase=erase_consents,
        retain=retain_engagement_contacts,
        notice="If you agree to be named, we keep your name and what you agreed to until 12 "
        "months after the partnership ends, and then delete it.",
    )
)
