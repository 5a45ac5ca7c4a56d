"""Boxes on the partnership dashboard that other apps contribute (the dashboard itself knows
nothing of them: apps depend on partnerships, never the other way).

    from coplan.partnerships.panels import Panel, register
    register(Panel("governance", "governance/_dashboard_panel.html", context_fn, order=10))

``context(request, partnership)`` returns the template's context, or None to hide the panel.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable
    order: int = 50


_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    _PANELS[panel.name] = panel
    return panel


def render_panels(request, partnership) -> list[SafeString]:
    rendered = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request, partnership)
        if context is not None:
            html = render_to_string(panel.template, context, request=request)
            rendered.append(mark_safe(html))  # our own template, rendered with autoescape
    return rendered
