"""Tagged PDF documents (PDF/UA-1) rendered from Django templates with WeasyPrint."""

from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict, *, title: str) -> bytes:
    """Render ``template_name`` (a full HTML document extending ``pdf/base.html``) to PDF/UA."""
    import weasyprint  # imported lazily: it is slow to import and only PDFs need it

    html = render_to_string(template_name, {**context, "title": title})
    document = weasyprint.HTML(string=html, base_url=None)
    return document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True)
