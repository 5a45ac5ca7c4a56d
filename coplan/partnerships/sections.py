"""The partnership's section navigation, which each app extends with its own pages.

    from coplan.partnerships.sections import Section, register
    register(Section("Design", "design:board", order=30))

``url_name`` must take the partnership's pk as its only argument. ``perm`` (a rules permission
checked against the partnership) hides the link from roles that cannot open the page.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    order: int = 50
    perm: str | None = None
    also_current: tuple[str, ...] = ()  # other url names that highlight this section


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> Section:
    _SECTIONS[section.url_name] = section
    return section


def sections_for(user, partnership, current_url_name: str, namespace: str = ""):
    current = f"{namespace}:{current_url_name}" if namespace else current_url_name
    items = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.label)):
        if section.perm and not user.has_perm(section.perm, partnership):
            continue
        items.append(
            {
                "label": section.label,
                "href": reverse(section.url_name, args=[partnership.pk]),
                "current": current == section.url_name or current in section.also_current,
            }
        )
    return items


register(Section("Dashboard", "partnerships:dashboard", order=0))
register(Section("Stages and gates", "partnerships:stage", order=10))
register(
    Section(
        "Timeline", "partnerships:timeline", order=20, also_current=("partnerships:timeline.edit",)
    )
)
register(Section("Members", "partnerships:members", order=80))
register(Section("Activity", "partnerships:activity", order=90))
