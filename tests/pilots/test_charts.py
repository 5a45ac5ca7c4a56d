"""Charts are accessible inline SVG, safe under the site's Content Security Policy."""

import re

from coplan.core import charts


def _chart(**extra):
    return charts.Chart(
        title="Packs within 5 working days: trend",
        description="From 80% in Oct 2006 to 86% in Mar 2007",
        labels=["Oct 2006", "Nov 2006", "Dec 2006"],
        series=[charts.Series("Packs", [80, None, 86])],
        lines=[charts.Line("Target", 90)],
        **extra,
    )


def test_svg_is_titled_labelled_and_csp_safe():
    svg = charts.render(_chart())
    assert svg.startswith("<svg ") and 'role="img"' in svg
    assert 'aria-label="Packs within 5 working days: trend. From 80%' in svg
    assert "<title>Packs within 5 working days: trend</title>" in svg
    assert "style=" not in svg and "<style" not in svg
    assert 'font-family="Arial' in svg


def test_two_charts_never_share_an_id():
    ids = re.findall(r' id="([^"]+)"', charts.render(_chart()) + charts.render(_chart(kind="bar")))
    assert len(ids) == len(set(ids))
    for ref in re.findall(r"url\(#([^)]+)\)", charts.render(_chart())):
        assert ref.startswith("chart")


def test_svg_stays_plain_after_weasyprint_registers_its_namespaces():
    from coplan.core.pdf import render_pdf

    render_pdf("pdf/base.html", {}, title="x")
    assert charts.render(_chart()).startswith("<svg ")
