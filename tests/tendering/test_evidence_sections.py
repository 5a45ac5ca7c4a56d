"""Sections other apps add to the evidence pack through ``coplan.tendering.evidence``: the
tendering app renders them in the pack's page and PDF without importing those apps. The
benefits app registers the golden thread this way."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from coplan.tendering import evidence, queries
from tests.pilots.test_views import inflated


def turl(world, name):
    return reverse(f"tendering:{name}", args=[world.partnership.pk, world.tender.pk])


@pytest.fixture
def registry(monkeypatch):
    """A copy of the registry, so a test's sections do not outlive it."""
    monkeypatch.setattr(evidence, "_SECTIONS", dict(evidence._SECTIONS))
    return evidence


def pdf_html(tender) -> str:
    """The HTML the evidence pack PDF is rendered from (``views.evidence_pdf_response``)."""
    return render_to_string(
        "tendering/evidence_pdf.html",
        {"tender": tender, "pack": queries.evidence_pack(tender), "generated_at": timezone.now()},
    )


def test_registered_sections_render_in_order_and_empty_ones_are_left_out(registry, world):
    registry.register_section(
        "late", order=90, render=lambda t: format_html("<h2>Late for {}</h2>", t.reference)
    )
    registry.register_section("early", order=10, render=lambda t: "<h2>Early</h2>")
    registry.register_section("nothing", order=20, render=lambda t: "")
    names = [s.name for s in registry.registered()]
    assert names.index("early") < names.index("nothing") < names.index("late")
    rendered = dict(registry.render_sections(world.tender))
    assert "nothing" not in rendered
    assert rendered["early"] == "<h2>Early</h2>"
    assert rendered["late"] == "<h2>Late for NLC-TEST-001</h2>"


def test_a_registered_section_shows_in_the_pack_page_and_pdf(registry, world, client):
    registry.register_section("note", order=99, render=lambda t: "<h2>Note to bidders</h2>")
    client.force_login(world.people["procurement"])
    page = client.get(turl(world, "tender.evidence")).content.decode()
    assert "<h2>Note to bidders</h2>" in page
    assert "<h2>Note to bidders</h2>" in pdf_html(world.tender)
    pdf = client.get(turl(world, "tender.evidence_pdf")).content
    assert b"Note to bidders" in inflated(pdf)  # the PDF's bookmark for the heading


def test_the_pack_includes_the_golden_thread(world, client):
    """Registered by the benefits app when it is ready: the thread of the tender's partnership,
    here the tender's two benefit requirements (trainees and tonnes), neither broken yet."""
    assert "golden_thread" in [s.name for s in evidence.registered()]
    client.force_login(world.people["procurement"])
    page = client.get(turl(world, "tender.evidence")).content.decode()
    assert "The golden thread" in page
    assert "Tender community benefit requirement: 2" in page
    assert "No broken links." in page
    html = pdf_html(world.tender)
    assert "The golden thread" in html and "Tender community benefit requirement: 2" in html
    pdf = client.get(turl(world, "tender.evidence_pdf")).content
    assert b"The golden thread" in inflated(pdf)
