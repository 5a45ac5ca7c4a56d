"""Sections other apps add to the evidence pack, without this app importing them.

Apps depend one way (tendering ← bidding ← benefits), so an app downstream registers a section
from its ``AppConfig.ready``::

    register_section("golden_thread", order=50, render=lambda tender: "<h2>…</h2>")

``render(tender)`` returns the section's HTML, rendered from a template (so already escaped),
or ``""`` to leave it out. The pack (page and PDF) shows the registered sections after its
own, in ``order``. What a section shows goes to every bidder: it must hold only what is fit to
publish.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class EvidenceSection:
    name: str
    order: int
    render: Callable[[object], str]


_SECTIONS: dict[str, EvidenceSection] = {}


def register_section(name: str, order: int, render: Callable[[object], str]) -> None:
    """Add (or replace, by ``name``) a section of the evidence pack."""
    _SECTIONS[name] = EvidenceSection(name, order, render)


def registered() -> list[EvidenceSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name))


def render_sections(tender) -> list[tuple[str, SafeString]]:
    """``(name, html)`` of every registered section with something to show for ``tender``."""
    rendered = []
    for section in registered():
        html = section.render(tender)
        if html and str(html).strip():
            rendered.append((section.name, mark_safe(html)))  # rendered by a template
    return rendered
