"""The specification and "you said, we did" render as tagged PDFs (PDF/UA-1)."""

import pytest
from django.urls import reverse

from tests.pdfs import inflated


@pytest.mark.parametrize(
    ("url_name", "kwargs", "filename"),
    [
        ("spec.pdf", {"number": 1}, "specification-v1.pdf"),
        ("you_said.pdf", {}, "you-said-we-did.pdf"),
    ],
)
def test_pdfs_are_tagged(url_name, kwargs, filename, world, as_user):
    response = as_user(world.people["service_user"]).get(
        reverse(f"design:{url_name}", kwargs={"pk": world.partnership.pk, **kwargs})
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert filename in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    pdf = inflated(response.content)
    assert b"/StructTreeRoot" in pdf  # tagged: a structure tree for screen readers
    assert b"pdfuaid:part" in pdf  # declares PDF/UA conformance
    assert b"/Lang (en-GB)" in pdf
